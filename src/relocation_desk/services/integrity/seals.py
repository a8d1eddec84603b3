"""Checking sealed records: each against the seal it carries, and that seal against the one
the audit chain recorded when the record was made (domain/audit_chain.py).

Kinds: signed agreements, payments, milestones and compensation decisions (their ``seal``),
published scheme versions (``content_hash``), posted notice rounds (``snapshot_hash``; the
rows and fields that changed are named from the per-field digests) and frozen daily reports
(``content_hash``). A record whose making is in the chain and that is gone is named too.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from ...domain.audit_chain import (
    JSON_COLUMNS,
    SEALED_COLUMNS,
    changed_fields,
    seal_hash,
    short_hash,
)
from ...domain.notice import snapshot_hash, verification_code
from ...i18n import _
from ...storage import models as m
from ..audit import SEALED_MODELS, SEALING_ACTIONS
from ..calculation.inputs import published_hash
from ..notices.service import hashed_rows, round_header
from ..progress.daily_report import content_hash as report_hash
from .chain import Households
from .report import Part

_KIND_TITLES = {
    "agreement": "签约协议",
    "payment": "支付记录",
    "milestone": "进度节点",
    "compensation_decision": "补偿决定",
    "scheme_version": "已发布补偿方案",
    "notice_round": "已张贴公示",
    "daily_report": "已冻结日报",
}
_OTHER_ACTIONS = {
    "scheme_version": frozenset({"publish"}),
    "notice_round": frozenset({"post"}),
    "daily_report": frozenset({"freeze"}),
}


def kind_title(kind: str) -> str:
    return _(_KIND_TITLES[kind])


def key_of(entity_id: Any) -> str:
    """An entity id as the checks compare them (dashes and case do not matter)."""
    return str(entity_id).replace("-", "").lower()


def chain_seals(conn: Connection) -> dict[tuple[str, str], str]:
    """(entity, :func:`key_of` entity_id) → the newest seal the chain holds for it."""
    A: Any = m.AuditLog.__table__
    actions = {**SEALING_ACTIONS, **_OTHER_ACTIONS}
    out: dict[tuple[str, str], str] = {}
    rows = conn.execute(
        select(A.c.entity, A.c.entity_id, A.c.action, A.c.seal)
        .where(A.c.seal != "")
        .order_by(A.c.seq)
    )
    for entity, entity_id, action, seal in rows:
        if action in actions.get(entity, ()):
            out[(entity, key_of(entity_id))] = seal
    return out


def check_records(conn: Connection, part: Part, sealed: dict[tuple[str, str], str]) -> None:
    """Agreements, payments, milestones, compensation decisions. On SQLite the rows are read
    as stored and hashed without conversion (domain.audit_chain ``seal_hash(raw=True)``)."""
    households = Households(conn)
    raw = conn.dialect.name == "sqlite"
    for kind, model in SEALED_MODELS.items():
        table: Any = model.__table__
        columns = SEALED_COLUMNS[kind]
        label = _label_column(kind, table)
        where = (table.c.status == "signed") | (table.c.seal != "") if kind == "agreement" else None
        state = table.c.status if kind == "agreement" else table.c.seal
        stmt = select(*(table.c[c] for c in columns), table.c.seal, label, state)
        if where is not None:
            stmt = stmt.where(where)
        if raw:
            sql = (
                f"SELECT {', '.join(columns)}, seal, {label.element.name}, {state.name} FROM {kind}"
            )
            if where is not None:
                sql += " WHERE status = 'signed' OR seal != ''"
            rows: Any = conn.exec_driver_sql(sql)
        else:
            rows = conn.execute(stmt)
        n = len(columns)
        seen: set[str] = set()
        for row in rows:
            part.checked += 1
            values = dict(zip(columns, row[:n], strict=True))
            seal, text, status = row[n], row[n + 1], row[n + 2]
            key = key_of(values["id"])
            seen.add(key)
            now = seal_hash(kind, values, raw=raw)
            if raw and seal and now != seal:
                now = _reparsed(kind, values)
            chained = sealed.get((kind, key), "")
            reverted = kind == "agreement" and status != "signed"
            if seal and now == seal and (not chained or chained == seal) and not reverted:
                continue
            place = _where(kind, households.code(values["household_id"]), text)
            if not seal:
                part.add(place, _("已签约的协议没有封存值：签约记录在程序之外被改动过"))
            elif reverted:
                part.add(place, _("已签约（已封存）的协议被改回了草稿：在程序之外被改动过"))
            elif now != seal:
                part.add(place, _("内容与封存值不符：这条记录在程序之外被改动过"))
            elif chained and chained != seal:
                part.add(place, _("封存值与审计链中记下的不符：记录和它的封存值都被改动过"))
        for (entity, entity_id), _seal in sealed.items():
            if entity == kind and entity_id not in seen:
                part.add(
                    f"{kind_title(kind)} {entity_id}",
                    _("审计链记下了这条记录的封存，但它已不在数据库中（被删除或被改回草稿）"),
                )


def _reparsed(kind: str, values: dict[str, Any]) -> str:
    """The seal with JSON columns parsed and written again (JSON stored by an older writer)."""
    try:
        parsed = {c: (json.loads(v) if c in JSON_COLUMNS and v is not None else v)
                  for c, v in values.items()}  # fmt: skip
    except ValueError:
        return ""
    return seal_hash(kind, parsed)


def _label_column(kind: str, table: Any) -> Any:
    if kind in ("agreement", "compensation_decision"):
        return table.c.number.label("label")
    if kind == "payment":
        return table.c.voucher_no.label("label")
    return table.c.kind.label("label")


_MILESTONES = {"vacated": "腾房", "keys": "交钥匙", "demolished": "拆除"}


def _where(kind: str, code: str, label: Any) -> str:
    what = kind_title(kind)
    if kind == "milestone":
        label = _(_MILESTONES[label]) if label in _MILESTONES else label
    if kind == "payment" and label:
        what = _("{what}（凭证号 {voucher}）", what=what, voucher=label)
    elif label:
        what = f"{what} {label}"
    return f"{code} {what}" if code else what


def check_schemes(s: Session, part: Part, sealed: dict[tuple[str, str], str]) -> None:
    rows = s.execute(
        select(m.SchemeVersion, m.Scheme.name)
        .join(m.Scheme, m.Scheme.id == m.SchemeVersion.scheme_id)
        .where(m.SchemeVersion.status == "published")
    ).all()
    for version, name in rows:
        part.checked += 1
        where = _("补偿方案“{name}”第{version}版", name=name, version=version.version_no)
        try:
            now = published_hash(version, name)
        except Exception:
            now = ""
        chained = sealed.get(("scheme_version", key_of(version.id)), "")
        if now != version.content_hash:
            part.add(
                where, _("费率等内容与发布时封存的不符：方案在程序之外被改动过，核算会拒绝使用它")
            )
        elif chained and chained != version.content_hash:
            part.add(where, _("封存值与审计链中记下的不符：方案内容和封存值都被改动过"))


def check_notices(conn: Connection, part: Part, sealed: dict[tuple[str, str], str]) -> None:
    R: Any = m.NoticeRound.__table__
    V: Any = m.Village.__table__
    households = Households(conn)
    # Plain SQL: JSON comes as text from SQLite (parsed here), as values from PostgreSQL.
    rows_by_round: dict[str, list[tuple[Any, ...]]] = {}
    for round_id, *r in conn.exec_driver_sql(
        "SELECT round_id, seq, household_id, change_mark, data, field_digests FROM notice_row"
    ):
        r[3] = _json(r[3])
        rows_by_round.setdefault(key_of(round_id), []).append(tuple(r))
    for rnd in conn.execute(select(R, V.c.name.label("village")).join(V, V.c.id == R.c.village_id)):
        part.checked += 1
        where = _(
            "{village} 第 {n} 轮公示（验证码 {code}）",
            village=rnd.village, n=rnd.round_no, code=rnd.verification_code,
        )  # fmt: skip
        rows = rows_by_round.get(key_of(rnd.id), [])
        digest = snapshot_hash(round_header(rnd), hashed_rows([r[:4] for r in rows]))
        chained = sealed.get(("notice_round", key_of(rnd.id)), "")
        if (
            digest != rnd.snapshot_hash
            or verification_code(rnd.snapshot_hash) != rnd.verification_code
        ):
            named = 0
            for _seq, household_id, mark, data, digests in rows:
                fields = changed_fields(_json(digests), mark, data or {})
                if fields:
                    named += 1
                    part.add(
                        f"{households.code(household_id)} " + where,
                        _("公示内容被改动：{fields}", fields="、".join(fields)),
                    )
            if not named:
                part.add(where, _("公示内容与张贴时的哈希不符：公示在程序之外被改动过"))
        elif chained and chained != rnd.snapshot_hash:
            part.add(where, _("公示的哈希与审计链中记下的不符：公示内容和哈希都被改动过"))


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def check_daily_reports(conn: Connection, part: Part, sealed: dict[tuple[str, str], str]) -> None:
    D: Any = m.DailyReport.__table__
    for r in conn.execute(select(D.c.scope_key, D.c.report_date, D.c.snapshot, D.c.content_hash)):
        part.checked += 1
        key = f"{r.scope_key}/{r.report_date.isoformat()}"
        where = _("{day} 的日报", day=r.report_date.isoformat())
        try:
            now = report_hash(r.snapshot)
        except (TypeError, ValueError):
            now = ""
        chained = sealed.get(("daily_report", key_of(key)), "")
        if now != r.content_hash:
            part.add(where, _("冻结的日报内容与封存值不符：在程序之外被改动过"))
        elif chained and chained != r.content_hash:
            part.add(
                where,
                _("日报的封存值（{hash}）与审计链中记下的不符", hash=short_hash(r.content_hash)),
            )
