"""Everything that happened to one household, newest first, in words a clerk reads.

Audit rows become "修改家庭成员 张三" with lines like "电话：13812345678 → 13912345678" (ids
shown as names, areas in ㎡, flags as 是/否); calculations, notice rounds, agreements,
payments, milestones, objections and compensation decisions are merged in by time.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.money import format_fen
from ...domain.status import (
    COMPENSATION_METHOD_LABELS,
    STATUS_LABELS,
    STRUCTURE_LABELS,
    CompensationMethod,
    HouseholdStatus,
    StructureType,
)
from ...domain.units import format_area, quantity_decimal
from ...i18n import _
from ...storage import models as m


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    # audit, calculation, notice, agreement, payment, milestone, objection, decision
    kind: str
    title: str
    details: tuple[str, ...]


@dataclass(frozen=True)
class Names:
    """Names for the ids that appear in audit rows."""

    operators: Mapping[uuid.UUID, str]
    villages: Mapping[uuid.UUID, str]
    groups: Mapping[uuid.UUID, str]
    teams: Mapping[uuid.UUID, str]
    items: Mapping[str, str]  # rate item code → name
    # The reader may not see this household's personal data in full (docs/personal-data.md):
    # the values of PERSONAL_FIELDS are not shown.
    masked: bool = False

    def who(self, operator_id: uuid.UUID | None, login: str = "") -> str:
        if operator_id is not None and operator_id in self.operators:
            return self.operators[operator_id]
        return login


def household_history(s: Session, household_id: uuid.UUID, names: Names) -> list[HistoryEntry]:
    out: list[HistoryEntry] = []
    audits = list(
        s.scalars(
            select(m.AuditLog)
            .where(m.AuditLog.household_id == household_id)
            .order_by(m.AuditLog.at.desc())
        )
    )
    # Payments, milestones and decisions have their own entries below; a reversal's reason is
    # only in its audit row.
    reasons = {
        a.entity_id: str(a.after.get("reason", ""))
        for a in audits
        if (a.entity, a.action) == ("payment", "reverse") and isinstance(a.after, dict)
    }
    out.extend(_audit_entry(a, names) for a in audits if (a.entity, a.action) not in _EVENTS)
    for c in s.scalars(select(m.Calculation).where(m.Calculation.household_id == household_id)):
        out.extend(_calculation_entries(c, names))
    notices = s.execute(
        select(m.NoticeRow, m.NoticeRound)
        .join(m.NoticeRound, m.NoticeRound.id == m.NoticeRow.round_id)
        .where(m.NoticeRow.household_id == household_id)
    )
    out.extend(_notice_entry(row, rnd, names) for row, rnd in notices)
    for a in s.scalars(select(m.Agreement).where(m.Agreement.household_id == household_id)):
        out.append(_agreement_entry(a, names))
    for p in s.scalars(select(m.Payment).where(m.Payment.household_id == household_id)):
        out.append(_payment_entry(p, names, reasons.get(str(p.id), "")))
    for ms in s.scalars(select(m.Milestone).where(m.Milestone.household_id == household_id)):
        out.append(_milestone_entry(ms, names))
    for o in s.scalars(select(m.Objection).where(m.Objection.household_id == household_id)):
        out.extend(_objection_entries(o, names))
    decisions = select(m.CompensationDecision).where(
        m.CompensationDecision.household_id == household_id
    )
    out.extend(_decision_entry(d, names) for d in s.scalars(decisions))
    out.sort(key=lambda e: e.at, reverse=True)  # stable: rows of one save keep their order
    return out


# --- audit rows ----------------------------------------------------------------------------


def _audit_title(entity: str, action: str, note: str) -> str:
    templates = {
        ("household", "create"): _("新增农户 {note}"),
        ("household", "update"): _("修改农户信息"),
        ("household", "delete"): _("删除农户 {note}"),
        ("person", "create"): _("新增家庭成员 {note}"),
        ("person", "update"): _("修改家庭成员 {note}"),
        ("person", "delete"): _("删除家庭成员 {note}"),
        ("structure", "create"): _("新增房屋 {note}"),
        ("structure", "update"): _("修改房屋 {note}"),
        ("structure", "delete"): _("删除房屋 {note}"),
        ("attachment", "create"): _("新增附属物 {note}"),
        ("attachment", "update"): _("修改附属物 {note}"),
        ("attachment", "delete"): _("删除附属物 {note}"),
        ("stored_file", "attach"): _("添加附件 {note}"),
    }
    template = templates.get((entity, action))
    if template is not None:
        return template.format(note=note).strip()
    # Other actions (export, print …) recorded by other services.
    actions = {"create": _("新增"), "update": _("修改"), "delete": _("删除"), "export": _("导出")}
    actions["print"] = _("打印")
    return _(
        "{action}：{entity} {note}", action=actions.get(action, action), entity=entity, note=note
    ).strip()


def _field_labels() -> dict[str, str]:
    return {
        "code": _("户编号"),
        "team_id": _("工作组"),
        "village_id": _("村"),
        "village": _("村"),
        "group_id": _("村民小组"),
        "group": _("村民小组"),
        "responsible_id": _("责任人"),
        "address": _("地址"),
        "compensation_method": _("补偿方式"),
        "bank_name": _("开户银行"),
        "bank_account": _("银行账号"),
        "account_holder": _("账户名"),
        "special_situation": _("特殊情况"),
        "remarks": _("备注"),
        "head_name": _("户主"),
        "member_count": _("家庭人口"),
        "name": _("名称"),
        "id_number": _("身份证号码"),
        "relation": _("与户主关系"),
        "is_head": _("户主"),
        "sex": _("性别"),
        "birth_date": _("出生日期"),
        "phone": _("电话"),
        "is_cadre": _("干部"),
        "is_cadre_relative": _("干部亲属"),
        "cadre_note": _("干部职务或亲属关系"),
        "is_dibao": _("低保"),
        "is_disabled": _("残疾"),
        "special_note": _("特殊情况说明"),
        "label": _("名称"),
        "structure_type": _("结构"),
        "legal_area_dm2": _("合法面积"),
        "unlicensed_area_dm2": _("无证面积"),
        "floors": _("层数"),
        "build_year": _("建造年份"),
        "decoration": _("装修等级"),
        "item_code": _("项目"),
        "unit": _("单位"),
        "quantity_milli": _("数量"),
        "original_name": _("文件名"),
        "kind": _("类型"),
        "size": _("大小"),
    }


def file_kind_labels() -> dict[str, str]:
    return {"photo": _("照片"), "scan": _("扫描件"), "document": _("文件")}


# Fields whose values only those who may see the household's personal data in full read.
PERSONAL_FIELDS = frozenset(
    {"id_number", "phone", "bank_account", "is_dibao", "is_disabled", "special_note", "birth_date"}
)


def _value_text(field: str, value: Any, names: Names) -> str:
    if value is None or value == "":
        return _("（空）")
    if names.masked and field in PERSONAL_FIELDS:
        return _("（不显示）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    lookups: dict[str, Mapping[Any, str]] = {
        "team_id": names.teams,
        "village_id": names.villages,
        "group_id": names.groups,
        "responsible_id": names.operators,
    }
    if field in lookups:
        try:
            return lookups[field].get(uuid.UUID(str(value)), str(value))
        except ValueError:
            return str(value)
    if field in ("legal_area_dm2", "unlicensed_area_dm2") and isinstance(value, int):
        return f"{format_area(value)}㎡"
    if field == "quantity_milli" and isinstance(value, int):
        return str(quantity_decimal(value))
    if field == "structure_type":
        try:
            return STRUCTURE_LABELS[StructureType(value)]
        except ValueError:
            return str(value)
    if field == "compensation_method":
        try:
            return _(COMPENSATION_METHOD_LABELS[CompensationMethod(value)])
        except ValueError:
            return str(value)
    if field in ("decoration", "item_code"):
        return names.items.get(str(value), str(value))
    if field == "kind":
        return file_kind_labels().get(str(value), str(value))
    if field == "size" and isinstance(value, int):
        return _size_text(value)
    return str(value)


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def _audit_entry(a: m.AuditLog, names: Names) -> HistoryEntry:
    labels = _field_labels()
    before = a.before if isinstance(a.before, dict) else {}
    after = a.after if isinstance(a.after, dict) else {}
    if (a.entity, a.action) == ("household", "status"):
        title = _(
            "状态：{before} → {after}",
            before=_status_text(before.get("status")), after=_status_text(after.get("status")),
        )  # fmt: skip
        return HistoryEntry(a.at, names.who(a.operator_id, a.operator_login), "audit", title, ())
    details: list[str] = []
    for field in [*before, *(f for f in after if f not in before)]:
        if field == "sha256":
            continue
        label = labels.get(field, field)
        if a.action == "update" or (field in before and field in after):
            old = _value_text(field, before.get(field), names)
            new = _value_text(field, after.get(field), names)
            details.append(_("{field}：{before} → {after}", field=label, before=old, after=new))
        else:
            value = after.get(field) if field in after else before.get(field)
            details.append(
                _("{field}：{value}", field=label, value=_value_text(field, value, names))
            )
    title = _audit_title(a.entity, a.action, a.note)
    return HistoryEntry(
        a.at, names.who(a.operator_id, a.operator_login), "audit", title, tuple(details)
    )


# Audit rows of events that have their own history entries (payments, milestones, decisions).
_EVENTS = {
    ("payment", "create"),
    ("payment", "reverse"),
    ("milestone", "create"),
    ("compensation_decision", "create"),
}


def _status_text(code: object) -> str:
    try:
        return _(STATUS_LABELS[HouseholdStatus(str(code))])
    except ValueError:
        return str(code or "")


# --- the work done on the case --------------------------------------------------------------


def _method_label(code: str) -> str:
    return {
        "money": _("货币补偿"),
        "swap": _("产权调换"),
        "mixed": _("货币补偿与产权调换相结合"),
    }.get(code, code)


def _day(d: date | None) -> str:
    return d.isoformat() if d is not None else ""


def _calculation_entries(c: m.Calculation, names: Names) -> list[HistoryEntry]:
    details = [_("补偿方式：{method}", method=_method_label(c.compensation_method))]
    if c.status == "superseded":
        details.append(_("已被新版本取代"))
    out = [
        HistoryEntry(
            c.computed_at,
            names.who(c.computed_by),
            "calculation",
            _("核算第 {n} 版：合计 {amount} 元", n=c.version_no, amount=format_fen(c.total_fen)),
            tuple(details),
        )
    ]
    if c.checked_at is not None:
        out.append(
            HistoryEntry(
                c.checked_at,
                names.who(c.checked_by),
                "calculation",
                _("复核核算第 {n} 版", n=c.version_no),
                (_("合计：{amount} 元", amount=format_fen(c.total_fen)),),
            )
        )
    return out


def _notice_entry(row: m.NoticeRow, rnd: m.NoticeRound, names: Names) -> HistoryEntry:
    kinds = {
        "survey": _("调查结果公示"),
        "compensation": _("补偿结果公示"),
        "signed": _("签约公示"),
        "resettlement": _("选房结果公示"),
    }
    marks = {"new": _("新增"), "changed": _("有变动"), "removed": _("撤下")}
    details = [
        _("村：{village}", village=names.villages.get(rnd.village_id, "")),
        _("公示期：{start} 至 {end}", start=_day(rnd.posted_from), end=_day(rnd.posted_to)),
        _("验证码：{code}", code=rnd.verification_code),
    ]
    if row.change_mark:
        details.append(_("本户标记：{mark}", mark=marks.get(row.change_mark, row.change_mark)))
    title = _("张榜公示：{kind} 第 {n} 轮", kind=kinds.get(rnd.kind, rnd.kind), n=rnd.round_no)
    return HistoryEntry(rnd.created_at, names.who(rnd.created_by), "notice", title, tuple(details))


def _agreement_entry(a: m.Agreement, names: Names) -> HistoryEntry:
    kind = _("补充协议") if a.kind == "supplementary" else _("补偿协议")
    if a.status == "signed":
        title = _("签订{kind} {number}", kind=kind, number=a.number)
    else:
        title = _("{kind}草稿 {number}", kind=kind, number=a.number)
    details = [_("协议金额：{amount} 元", amount=format_fen(a.total_fen))]
    if a.origin == "ledger":
        title = _("台账导入的历史协议 {number}", number=a.number)
        details = [
            _("台账记载金额：{amount} 元", amount=format_fen(a.recorded_total_fen))
            if a.recorded_total_fen is not None
            else _("台账未记载协议金额"),
            _("来源：{source}（需核实）", source=(a.content or {}).get("source", "")),
        ]
    if a.signed_on is not None:
        details.insert(0, _("签约日期：{date}", date=_day(a.signed_on)))
    return HistoryEntry(
        a.created_at, names.who(a.signed_recorded_by), "agreement", title, tuple(details)
    )


def _payment_entry(p: m.Payment, names: Names, reason: str = "") -> HistoryEntry:
    amount = format_fen(abs(p.amount_fen))
    if p.amount_fen < 0:
        title = _("冲正 {amount} 元", amount=amount)
    elif p.kind == "deposit":
        title = _("提存补偿款 {amount} 元", amount=amount)
    else:
        title = _("支付补偿款 {amount} 元", amount=amount)
    methods = {
        "transfer": _("转账"),
        "cash": _("现金"),
        "cheque": _("支票"),
        "ledger": _("台账记载"),
    }
    details = [
        _("支付日期：{date}", date=_day(p.paid_on)),
        _("收款人：{payee}", payee=p.payee),
        _("支付方式：{method}", method=methods.get(p.method, p.method)),
    ]
    if p.voucher_no:
        details.append(_("凭证号：{number}", number=p.voucher_no))
    if reason:
        details.append(_("冲正原因：{reason}", reason=reason))
    return HistoryEntry(p.created_at, names.who(p.created_by), "payment", title, tuple(details))


def _milestone_entry(ms: m.Milestone, names: Names) -> HistoryEntry:
    titles = {"vacated": _("腾房"), "keys": _("交钥匙"), "demolished": _("拆除")}
    details = [_("日期：{date}", date=_day(ms.happened_on))]
    if ms.note:
        details.append(ms.note)
    return HistoryEntry(
        ms.created_at,
        names.who(ms.created_by),
        "milestone",
        titles.get(ms.kind, ms.kind),
        tuple(details),
    )


def _objection_entries(o: m.Objection, names: Names) -> list[HistoryEntry]:
    details = [o.text, _("收到日期：{date}", date=_day(o.received_on))]
    if o.deadline is not None:
        details.append(_("答复期限：{date}", date=_day(o.deadline)))
    subject = o.subject or _("补偿结果")
    out = [
        HistoryEntry(
            o.created_at, "", "objection", _("收到异议：{subject}", subject=subject), tuple(details)
        )
    ]
    if o.decided_at is not None:
        outcomes = {"upheld": _("异议成立"), "rejected": _("异议不成立"), "open": _("处理中")}
        out.append(
            HistoryEntry(
                o.decided_at,
                names.who(o.decided_by),
                "objection",
                _("异议答复：{outcome}", outcome=outcomes.get(o.status, o.status)),
                (o.outcome_reason,) if o.outcome_reason else (),
            )
        )
    return out


def _decision_entry(d: m.CompensationDecision, names: Names) -> HistoryEntry:
    return HistoryEntry(
        d.created_at,
        names.who(d.created_by),
        "decision",
        _("补偿决定 {number}", number=d.number),
        (
            _("决定日期：{date}", date=_day(d.decided_on)),
            _("补偿金额：{amount} 元", amount=format_fen(d.total_fen)),
        ),
    )


def names_from(s: Session, project_id: uuid.UUID, items: Mapping[str, str]) -> Names:
    """The (small) id → name tables of the project."""

    def table(query: Any) -> dict[Any, str]:
        return {k: v for k, v in s.execute(query)}

    operators = select(m.Operator.id, m.Operator.name, m.Operator.login).where(
        m.Operator.project_id == project_id
    )
    return Names(
        operators={r.id: r.name or r.login for r in s.execute(operators)},
        villages=table(
            select(m.Village.id, m.Village.name).where(m.Village.project_id == project_id)
        ),
        groups=table(
            select(m.VillageGroup.id, m.VillageGroup.name)
            .join(m.Village, m.Village.id == m.VillageGroup.village_id)
            .where(m.Village.project_id == project_id)
        ),
        teams=table(select(m.Team.id, m.Team.name).where(m.Team.project_id == project_id)),
        items=items,
    )


__all__ = ["HistoryEntry", "Names", "file_kind_labels", "household_history", "names_from"]
