"""The full ledger (台账) for HQ, as rows: households, members, buildings, attachments,
calculation lines, agreements and payments, and every value waiting to be checked (待核实).

Rows are streamed from the database (a 100,000-household project has ~2 million rows in all)
for :mod:`relocation_desk.reports.ledger_xlsx` to write. Full personal data leaves the
program here, so every export is recorded in the audit log (DOMAIN rule 9).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, literal, select, union_all
from sqlalchemy.orm import Session

from ...domain.scheme import CATEGORY_LABELS
from ...domain.status import COMPENSATION_METHOD_LABELS, STATUS_LABELS, STRUCTURE_LABELS
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..access import Action, require
from ..audit import append as append_audit
from ..personal_exports import write_with_audit
from ..progress_report import Progress, ensure
from ..settings import DEMO_SETTING
from .detect import FIELD_LABELS

__all__ = ["LedgerRows", "export_ledger", "log_export", "open_ledger"]

_YIELD = 10_000
_STATUS = {s.value: label for s, label in STATUS_LABELS.items()}
_STRUCTURE = {s.value: label for s, label in STRUCTURE_LABELS.items()}
_METHOD = {m.value: label for m, label in COMPENSATION_METHOD_LABELS.items()}
_AGREEMENT_KIND = {"main": "主协议", "supplementary": "补充协议", "decision": "补偿决定"}
_AGREEMENT_STATUS = {"draft": "草稿", "signed": "已签约", "decided": "已作出"}
_PAYMENT_KIND = {"payment": "支付", "deposit": "提存"}
_PAYMENT_METHOD = {"transfer": "转账", "cash": "现金", "cheque": "支票", "ledger": "台账记载"}
_CALC_STATUS = {"computed": "已核算", "checked": "已复核", "superseded": "已被取代"}
# 待核实 field codes that are not ledger columns (the others: detect.FIELD_LABELS).
_FLAG_FIELDS = {"history": "已发生事项", "id_number_15": "15位身份证号码", "other": "其他",
                "head_id_missing": "户主身份证号码"}  # fmt: skip


@dataclass
class LedgerRows:
    """Generators of each sheet's rows on one open connection (one consistent snapshot)."""

    conn: Connection

    def _stream(self, stmt: Any) -> Iterator[Any]:
        # Plain driver rows: SQLAlchemy's per-value result processing costs more than the
        # query for the ~1.2 million calculation lines of a big project. Dates come back as
        # text from SQLite and are converted where the sheet shows them.
        compiled = stmt.compile(dialect=self.conn.dialect)
        params: Any = compiled.params
        if compiled.positiontup is not None:
            params = tuple(params[k] for k in compiled.positiontup)
        result = self.conn.execution_options(yield_per=_YIELD).exec_driver_sql(
            str(compiled), params
        )
        yield from result

    def households(self) -> Iterator[tuple[Any, ...]]:
        h, v, g = m.Household, m.Village, m.VillageGroup
        stmt = (
            select(
                h.code, v.name, g.name, h.head_name, h.head_id_number, h.declared_member_count,
                h.member_count, h.legal_area_dm2, h.unlicensed_area_dm2, h.ledger_amount_fen,
                h.total_fen, h.status, h.address, h.bank_name, h.bank_account, h.deadline,
                h.remarks, h.compensation_method,
            )
            .join(v, v.id == h.village_id)
            .outerjoin(g, g.id == h.group_id)
            .order_by(h.code)
        )  # fmt: skip
        for r in self._stream(stmt):
            method = _METHOD.get(r[17], "") if r[17] else ""
            yield (*r[:11], _STATUS.get(r[11], r[11]), *r[12:15], _day(r[15]), r[16], method)

    def members(self) -> Iterator[tuple[Any, ...]]:
        h, p = m.Household, m.Person
        stmt = (
            select(h.code, p.sort_order, p.name, p.id_number, p.relation, p.sex, p.birth_date,
                   p.phone, p.is_cadre, p.is_cadre_relative, p.special_note)
            .join(h, h.id == p.household_id)
            .order_by(h.code, p.sort_order)
        )  # fmt: skip
        for r in self._stream(stmt):
            yield (r[0], r[1] + 1, *r[2:6], _day(r[6]), r[7], "是" if r[8] else "",
                   "是" if r[9] else "", r[10])  # fmt: skip

    def project_name(self) -> str:
        name = self.conn.execute(
            select(m.Project.name).order_by(m.Project.created_at).limit(1)
        ).scalar()
        return str(name or "")

    def demo(self) -> bool:
        """Whether this is the demo project's ledger (printed with the 演示数据 mark)."""
        found = self.conn.execute(
            select(m.Setting.value).where(m.Setting.key == DEMO_SETTING).limit(1)
        ).scalar()
        return isinstance(found, dict)

    def _item_names(self) -> dict[str, str]:
        """Scheme item code → its name (the newest version's), for decoration grades."""
        names: dict[str, str] = {}
        stmt = (
            select(m.RateItem.code, m.RateItem.name)
            .join(m.SchemeVersion, m.SchemeVersion.id == m.RateItem.scheme_version_id)
            .order_by(m.SchemeVersion.created_at)
        )
        for code, name in self.conn.execute(stmt):
            names[code] = name
        return names

    def structures(self) -> Iterator[tuple[Any, ...]]:
        h, s = m.Household, m.Structure
        stmt = (
            select(h.code, s.sort_order, s.label, s.structure_type, s.legal_area_dm2,
                   s.unlicensed_area_dm2, s.floors, s.build_year, s.decoration, s.remarks)
            .join(h, h.id == s.household_id)
            .order_by(h.code, s.sort_order)
        )  # fmt: skip
        names = self._item_names()
        for r in self._stream(stmt):
            grade = f"{r[8]} {names[r[8]]}" if r[8] in names else r[8]
            yield (r[0], r[1] + 1, r[2], _STRUCTURE.get(r[3], r[3]), *r[4:8], grade, r[9])

    def attachments(self) -> Iterator[tuple[Any, ...]]:
        h, a = m.Household, m.Attachment
        stmt = (
            select(h.code, a.sort_order, a.item_code, a.name, a.unit, a.quantity_milli, a.remarks)
            .join(h, h.id == a.household_id)
            .order_by(h.code, a.sort_order)
        )
        for r in self._stream(stmt):
            yield (r[0], r[1] + 1, r[2], r[3], r[4], r[5] / 1000, r[6])

    def calculation_lines(self) -> Iterator[tuple[Any, ...]]:
        """Lines of each household's current calculations (superseded ones left out)."""
        h, c, line = m.Household, m.Calculation, m.CalculationLine
        stmt = (
            select(h.code, c.version_no, c.status, line.seq, line.item_code, line.item_name,
                   line.category, line.unit, line.quantity, line.rate_fen, line.amount_fen,
                   line.explanation)
            .join(c, c.household_id == h.id)
            .join(line, line.calculation_id == c.id)
            .where(c.status != "superseded")
            .order_by(h.code, c.version_no, line.seq)
        )  # fmt: skip
        for r in self._stream(stmt):
            yield (r[0], r[1], _CALC_STATUS.get(r[2], r[2]), r[3], r[4], r[5],
                   CATEGORY_LABELS.get(r[6], r[6]) if r[6] else "", r[7], _quantity(r[8]), *r[9:])  # fmt: skip

    def agreements(self) -> Iterator[tuple[Any, ...]]:
        """Agreements and compensation decisions (补偿决定, for holdouts), each with the
        payments and deposits made under it."""
        h, a, d, p = m.Household, m.Agreement, m.CompensationDecision, m.Payment
        signed = (
            select(h.code.label("code"), a.number, a.kind, a.status, a.signed_on, a.total_fen,
                   p.kind.label("p_kind"), p.amount_fen, p.paid_on, p.payee, p.method,
                   p.voucher_no, a.seq_no.label("seq"), a.origin.label("origin"))
            .join(a, a.household_id == h.id)
            .outerjoin(p, and_(p.agreement_id == a.id))
        )  # fmt: skip
        decided = (
            select(h.code.label("code"), d.number, literal("decision"), literal("decided"),
                   d.decided_on, d.total_fen, p.kind.label("p_kind"), p.amount_fen, p.paid_on,
                   p.payee, p.method, p.voucher_no, literal(0).label("seq"),
                   literal("desk").label("origin"))
            .join(d, d.household_id == h.id)
            .outerjoin(p, and_(p.decision_id == d.id))
        )  # fmt: skip
        both = union_all(signed, decided).subquery()
        stmt = select(*[c for c in both.c if c.name != "seq"]).order_by(
            both.c.code, both.c.seq, both.c.paid_on
        )
        for r in self._stream(stmt):
            status = _AGREEMENT_STATUS.get(r[3], r[3])
            if r[12] == "ledger":  # signed before the desk arrived, imported from a ledger
                status += "（台账导入）"
            yield (
                r[0], r[1], _AGREEMENT_KIND.get(r[2], r[2]), status,
                _day(r[4]), r[5], _PAYMENT_KIND.get(r[6], r[6] or ""), r[7], _day(r[8]), r[9],
                _PAYMENT_METHOD.get(r[10], r[10] or ""), r[11],
            )  # fmt: skip

    def flags(self) -> Iterator[tuple[Any, ...]]:
        h, f, p = m.Household, m.DataFlag, m.Person
        stmt = (
            select(h.code, p.sort_order, p.name, f.field, f.original_text, f.reason, f.source,
                   f.resolved_at)
            .join(h, h.id == f.household_id)
            .outerjoin(p, p.id == f.person_id)
            .order_by(h.code, f.created_at)
        )  # fmt: skip
        for r in self._stream(stmt):
            resolved = _day(r[7])
            shown = FIELD_LABELS.get(r[3], _FLAG_FIELDS.get(r[3], r[3]))
            yield (r[0], r[1] + 1 if r[1] is not None else None, r[2] or "", shown, *r[4:7],
                   resolved)  # fmt: skip


def _quantity(text: Any) -> Any:
    """A calculation line's decimal text as a number for the sheet (Excel keeps a double;
    text that is not a plain number stays text)."""
    try:
        number = float(text)
    except (TypeError, ValueError):
        return text
    if number != number or number in (float("inf"), float("-inf")):
        return text
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def _day(value: Any) -> date | None:
    """A date from what the driver returned (SQLite: ISO text; PostgreSQL: date/datetime)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    return value  # type: ignore[no-any-return]


@contextmanager
def open_ledger(db: Database) -> Iterator[LedgerRows]:
    """The ledger's rows from one read transaction."""
    with db.engine.connect() as conn, conn.begin():
        yield LedgerRows(conn)


def log_export(
    db: Database, *, file_name: str, counts: dict[str, int], operator: Any = None
) -> None:
    """Record that the full ledger (with ID numbers) was exported, by whom, to which file."""
    with db.session() as s, s.begin():
        append_audit(s, [_export_row(file_name, counts, operator)])


def export_ledger(
    db: Database,
    path: Path,
    write: Callable[[Path, LedgerRows], dict[str, int]],
    operator: Any,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write the full ledger with ``write(path, rows)`` (the xlsx writer) and log the export:
    only roles that may export it; the file and its audit row together, or neither
    (``services.personal_exports``). Returns the row counts per sheet. ``write`` may be
    cancelled (its unfinished file is removed); once it is done, the audit row and the file
    are saved together without a cancel."""
    require(operator, Action.EXPORT_LEDGER)
    p = ensure(progress)

    def produce(part: Path) -> dict[str, int]:
        with open_ledger(db) as rows:
            counts = write(part, rows)
        p.check()
        p.cannot_cancel(_("台账文件已写完，正在登记导出记录，不能取消。"))
        return counts

    def audit(s: Session, counts: dict[str, int]) -> None:
        append_audit(s, [_export_row(str(path), counts, operator)])

    return write_with_audit(db, path, produce, audit)


def _export_row(file_name: str, counts: dict[str, int], operator: Any) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(), "at": datetime.now(UTC), "operator_id": getattr(operator, "id", None),
        "operator_login": getattr(operator, "login", ""), "action": "export",
        "entity": "ledger", "entity_id": "", "household_id": None, "before": None,
        "after": {"file": file_name, **counts},
        "note": f"台账导出（含完整身份证号码）：{file_name}"[:1000],
    }  # fmt: skip
