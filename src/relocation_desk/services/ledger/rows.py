"""Classifying ledger rows and reading their values into an import plan.

Every row after a sheet's header ends as exactly one :class:`RowOutcome`: ``household``
(a new household), ``member`` (a member of the household above, or of the household named by
its 户编号 on a member sheet), ``skipped`` (blank, 小计/合计, a repeated header, a footer) or
``rejected``. Values that cannot be used become :class:`Flag` s (待核实) with the original text,
and the field stays empty — never a guessed value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ...i18n import _
from .detect import NOT_READ, SheetHeader, clean_label, column_letter, match_field
from .values import (
    CellProblem,
    cell_text,
    is_blank,
    read_amount,
    read_area,
    read_count,
    read_date,
    read_id,
    read_method,
    read_name,
    read_phone,
    read_place_name,
    read_relation,
    read_structure,
)

HEAD = "户主"
# The flag of a head without an ID number; left out when another flag explains the blank.
HEAD_ID_MISSING = "head_id_missing"
_TOTAL = re.compile(r"^(本页|本组|全村|总)?(小计|合计|总计|累计)")
_FOOTER = re.compile(r"^(制表|审核|填表|说明|注[:：]|负责人|签字|签名|盖章|复核|经办)")


@dataclass
class Flag:
    field: str
    original_text: str
    reason: str
    sheet: str
    row: int
    column: str
    person_index: int | None = None
    kept: bool = False  # the value was kept (only to be checked), not left empty


@dataclass
class PersonPlan:
    name: str
    id_number: str | None
    relation: str
    phone: str
    row: int
    sheet: str
    sex: str = ""
    birth_date: date | None = None


@dataclass
class HouseholdPlan:
    sheet: str
    row: int
    village: str
    group: str
    code: str = ""
    address: str = ""
    compensation_method: str | None = None
    bank_name: str = ""
    bank_account: str = ""
    remarks: str = ""
    deadline: date | None = None
    declared_member_count: int | None = None
    ledger_amount_fen: int | None = None
    persons: list[PersonPlan] = field(default_factory=list)
    structures: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    member_rows: list[int] = field(default_factory=list)
    key: list[tuple[Any, ...]] = field(default_factory=list)  # raw values: duplicate check
    keyed_members: bool = False
    rejected: bool = False
    # What already happened, as the ledger records it (see HISTORY_FIELDS): dates, amounts
    # in fen and the agreement number; imported as history and flagged for checking.
    history: dict[str, Any] = field(default_factory=dict)
    # The project's household this row stands for (a re-imported ledger, see .reimport).
    existing: Any = None
    person_ids: list[Any] = field(default_factory=list)


@dataclass
class RowOutcome:
    sheet: str
    row: int
    outcome: str  # household, member, skipped, rejected
    reason: str = ""
    warnings: list[str] = field(default_factory=list)


def mapped_columns(header: SheetHeader, overrides: dict[str, int | None] | None) -> dict[str, int]:
    """field → 0-based column after the user's corrections (field → column, None: not read);
    a column given to a field is taken from any other field."""
    cols = header.fields()
    for fld, col in (overrides or {}).items():
        cols.pop(fld, None)
        if col is not None:
            cols = {f: c for f, c in cols.items() if c != col}
            cols[fld] = col
    return {f: c for f, c in cols.items() if f not in NOT_READ}


# The project's past a ledger may record: field → (reader kind, label).
HISTORY_FIELDS = ("signing_date", "agreement_number", "agreement_amount", "paid_amount",
                  "payment_date", "vacating_date", "demolition_date")  # fmt: skip


@dataclass
class SheetRows:
    """What the rows of one sheet became (filled by :func:`plan_sheet`)."""

    households: list[HouseholdPlan]
    outcomes: list[RowOutcome]
    keyed: list[tuple[str, RowOutcome, dict[str, Any]]]  # (kind, outcome, values) by 户编号


class RowReader:
    """Reads a sheet's data rows with its header's mapping."""

    def __init__(
        self,
        sheet: str,
        header: SheetHeader,
        overrides: dict[str, int | None] | None,
        village: str,
        group: str,
        today: date,
        mark_for_correction: bool,
    ) -> None:
        self.sheet, self.header, self.today = sheet, header, today
        self.cols = mapped_columns(header, overrides)
        self.headers = {c.index: c.header for c in header.columns}
        self.village, self.group = village, group
        self.mark = mark_for_correction
        self.members_layout = "relation" in self.cols and header.kind == "households"
        self.header_labels = {clean_label(c.header.split("/")[-1]) for c in header.columns}

    def get(self, row: tuple[Any, ...], fld: str) -> Any:
        col = self.cols.get(fld)
        return row[col] if col is not None and col < len(row) else None

    def where(self, fld: str) -> str:
        col = self.cols[fld]
        return _("{column}列“{header}”", column=column_letter(col), header=self.headers[col])

    # --- one row ----------------------------------------------------------------------------

    def not_data(self, row: tuple[Any, ...]) -> str | None:
        """Why the row is not data, or None."""
        texts = [v.strip() if isinstance(v, str) else cell_text(v) for v in row if v is not None]
        texts = [t for t in texts if t]
        if not texts:
            return _("空行")
        for t in texts[:4]:
            if _TOTAL.match("".join(t.split())):
                return _("小计/合计行")
        if _FOOTER.match("".join(texts[0].split())) and len(texts) <= 3:
            return _("表尾说明或签字行")
        strings = all(isinstance(v, str) for v in row if v is not None)
        labels = (
            [clean_label(v) for v in row if isinstance(v, str) and v.strip()] if strings else []
        )
        if (
            len(labels) >= 2
            and sum(lb in self.header_labels for lb in labels) >= len(labels) - 1
            and sum(bool(match_field(lb)[0]) for lb in labels) >= 2
        ):
            return _("重复的表头行")
        used = [self.get(row, f) for f in self.cols if f != "seq"]
        if all(is_blank(v) for v in used):
            return _("只有序号、没有内容的空行")
        if len(texts) == 1 and isinstance(row[0], str) and len(texts[0]) > 12:
            return _("标题或说明行")
        return None

    def value(self, row: tuple[Any, ...], fld: str, reader: Any, flags: list[Flag],
              rownum: int, person: int | None = None) -> Any:  # fmt: skip
        raw = self.get(row, fld)
        if is_blank(raw):
            return None
        try:
            return reader(raw)
        except CellProblem as exc:
            flags.append(
                Flag(fld, cell_text(raw), exc.reason, self.sheet, rownum,
                     _col(self.cols[fld]), person)
            )  # fmt: skip
            return None

    def person(self, row: tuple[Any, ...], rownum: int, hh: HouseholdPlan, *, head: bool) -> None:
        index = len(hh.persons)
        flags = hh.flags
        name_field = "head_name" if head and "head_name" in self.cols else "name"
        if name_field not in self.cols and "head_name" in self.cols:
            name_field = "head_name"
        name = self.value(row, name_field, read_name, flags, rownum, index)
        if name is None and name_field in self.cols:
            if is_blank(self.get(row, name_field)):
                flags.append(Flag("name", "", _("姓名为空"), self.sheet, rownum,
                                  _col(self.cols[name_field]), index))  # fmt: skip
        else:
            for f in flags:
                if f.person_index == index and f.field == name_field:
                    f.field = "name"
        id_value = None
        if "id_number" in self.cols:
            id_value = self.value(row, "id_number", lambda v: read_id(v, self.today), flags,
                                  rownum, index)  # fmt: skip
        relation = read_relation(self.get(row, "relation")) if "relation" in self.cols else ""
        if head and relation and relation != HEAD and self.members_layout:
            # The first person listed is not the head: keep what the ledger says.
            flags.append(
                Flag("relation", relation, _("本户未列出户主，暂以第一位成员作为户主显示，需核实"),
                     self.sheet, rownum, _col(self.cols["relation"]), index, kept=True)
            )  # fmt: skip
        elif head:
            relation = HEAD
        elif not relation:
            relation = _("其他")
        p = PersonPlan(
            name=name or "",
            id_number=id_value[0] if id_value else None,
            relation=relation,
            phone=self.value(row, "phone", read_phone, flags, rownum, index) or "",
            row=rownum,
            sheet=self.sheet,
        )
        if p.id_number is None:
            # Without an ID number, sex and birth date as the ledger gives them.
            sex = cell_text(self.get(row, "sex")) if "sex" in self.cols else ""
            p.sex = sex if sex in ("男", "女") else ""
            if "birth_date" in self.cols:
                p.birth_date = self.value(row, "birth_date", read_date, flags, rownum, index)
        if head and id_value is None and is_blank(self.get(row, "id_number")):
            where = _col(self.cols["id_number"]) if "id_number" in self.cols else ""
            flags.append(Flag(HEAD_ID_MISSING, "", _("户主没有身份证号码，需核实后补填"),
                              self.sheet, rownum, where, index, kept=True))  # fmt: skip
        if id_value and id_value[1]:
            flags.append(
                Flag("id_number_15", cell_text(self.get(row, "id_number")),
                     _("15位旧身份证号码已转换为18位：{value}", value=id_value[0]),
                     self.sheet, rownum, _col(self.cols["id_number"]), index)
            )  # fmt: skip
        hh.persons.append(p)

    def household(self, row: tuple[Any, ...], rownum: int) -> HouseholdPlan:
        hh = HouseholdPlan(sheet=self.sheet, row=rownum, village=self.village, group=self.group)
        fl = hh.flags
        if "village" in self.cols and not is_blank(self.get(row, "village")):
            hh.village = self.value(row, "village", read_place_name, fl, rownum) or hh.village
        if "group" in self.cols and not is_blank(self.get(row, "group")):
            hh.group = self.value(row, "group", read_place_name, fl, rownum) or hh.group
        hh.code = cell_text(self.get(row, "code")).upper()[:40] if "code" in self.cols else ""
        hh.address = cell_text(self.get(row, "address"))[:200]
        hh.compensation_method = self.value(row, "compensation_method", read_method, fl, rownum)
        hh.bank_name = cell_text(self.get(row, "bank_name"))[:100]
        hh.bank_account = "".join(cell_text(self.get(row, "bank_account")).split())[:40]
        hh.remarks = cell_text(self.get(row, "remarks"))
        hh.declared_member_count = self.value(row, "member_count", read_count, fl, rownum)
        factor = self.header.amount_factor
        hh.ledger_amount_fen = self.value(
            row, "ledger_amount", lambda v: read_amount(v, factor), fl, rownum
        )
        hh.deadline = self.value(row, "deadline", read_date, fl, rownum)
        survey = self.value(row, "survey_date", read_date, fl, rownum)
        if survey is not None:
            note = _("调查日期：{day}", day=survey.isoformat())
            hh.remarks = f"{hh.remarks}；{note}" if hh.remarks else note
        legal = self.value(row, "legal_area", read_area, fl, rownum)
        unlicensed = self.value(row, "unlicensed_area", read_area, fl, rownum)
        kind, remark = read_structure(self.get(row, "structure"))
        if legal is not None or unlicensed is not None or remark or kind != "other":
            hh.structures.append(
                {"label": "", "structure_type": kind, "legal_area_dm2": legal or 0,
                 "unlicensed_area_dm2": unlicensed or 0, "floors": 1, "build_year": None,
                 "remarks": remark}
            )  # fmt: skip
        self.history(row, rownum, hh)
        hh.key.append(self.key(row))
        self.person(row, rownum, hh, head=True)
        return hh

    def history(self, row: tuple[Any, ...], rownum: int, hh: HouseholdPlan) -> None:
        """Signing, payment, vacating and demolition as the ledger records them."""
        fl, factor, got = hh.flags, self.header.amount_factor, hh.history
        for fld in ("signing_date", "payment_date", "vacating_date", "demolition_date"):
            day = self.value(row, fld, read_date, fl, rownum)
            if day is not None:
                got[fld] = day
        for fld in ("agreement_amount", "paid_amount"):
            fen = self.value(row, fld, lambda v: read_amount(v, factor), fl, rownum)
            if fen is not None:
                got[fld] = fen
        if "agreement_number" in self.cols and not is_blank(self.get(row, "agreement_number")):
            got["agreement_number"] = cell_text(self.get(row, "agreement_number"))[:60]
        if got:
            fl.append(Flag("history", history_text(got), _(
                "台账记载的已发生事项（签约、支付、腾房、拆除），按台账原样导入，需核实"),
                self.sheet, rownum, "", kept=True))  # fmt: skip

    def has_identity(self, row: tuple[Any, ...]) -> bool:
        """A household or member row needs a name or an ID number."""
        return any(
            f in self.cols and not is_blank(self.get(row, f))
            for f in ("head_name", "name", "id_number")
        )

    def key(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """The row's values without its 序号: the same key means an exact duplicate."""
        seq = self.cols.get("seq")
        return row if seq is None else row[:seq] + row[seq + 1 :]


def _col(index: int) -> str:
    return column_letter(index)


def history_text(got: dict[str, Any]) -> str:
    """ "签约日期 2026-10-01；协议金额 123,456.00 元；…" (the flag's original text)."""
    from ...domain.money import format_fen

    parts = []
    labels = {"signing_date": _("签约日期"), "agreement_number": _("协议编号"),
              "agreement_amount": _("协议金额"), "paid_amount": _("已支付金额"),
              "payment_date": _("支付日期"), "vacating_date": _("腾房日期"),
              "demolition_date": _("拆除日期")}  # fmt: skip
    for fld in HISTORY_FIELDS:
        if fld not in got:
            continue
        v = got[fld]
        shown = v.isoformat() if isinstance(v, date) else v
        if fld in ("agreement_amount", "paid_amount"):
            shown = _("{amount} 元", amount=format_fen(v))
        parts.append(f"{labels[fld]} {shown}")
    return "；".join(parts)


def no_identity() -> str:
    return _("没有姓名，也没有身份证号码，不能确定是谁；请在台账中补填后重新导入")


def plan_sheet(reader: RowReader, rows: list[tuple[Any, ...]]) -> SheetRows:
    """Classify each row after the header; read households, members or keyed rows."""
    out = SheetRows([], [], [])
    sheet, header = reader.sheet, reader.header
    for i in range(header.first_data_row - 1):
        out.outcomes.append(RowOutcome(sheet, i + 1, "skipped", _("标题或表头行")))
    current: HouseholdPlan | None = None
    for index in range(header.first_data_row - 1, len(rows)):
        row, rownum = rows[index], index + 1
        why = reader.not_data(row)
        if why is not None:
            out.outcomes.append(RowOutcome(sheet, rownum, "skipped", why))
            if why != _("空行"):
                current = None if header.kind == "households" and why != _("空行") else current
            continue
        if header.kind != "households":
            out.keyed.append(
                (header.kind, RowOutcome(sheet, rownum, "member"), _keyed(reader, row))
            )
            out.outcomes.append(out.keyed[-1][1])
            continue
        if not reader.has_identity(row):
            out.outcomes.append(RowOutcome(sheet, rownum, "rejected", no_identity()))
            continue
        starts = True
        if reader.members_layout and current is not None:
            seq = reader.get(row, "seq") if "seq" in reader.cols else None
            relation = read_relation(reader.get(row, "relation"))
            starts = (not is_blank(seq) and "seq" in reader.cols) or relation == HEAD
            if "code" in reader.cols and not is_blank(reader.get(row, "code")):
                starts = starts or cell_text(reader.get(row, "code")).upper() != current.code
        if starts:
            current = reader.household(row, rownum)
            out.households.append(current)
            out.outcomes.append(RowOutcome(sheet, rownum, "household"))
        else:
            assert current is not None
            reader.person(row, rownum, current, head=False)
            current.member_rows.append(rownum)
            current.key.append(reader.key(row))
            out.outcomes.append(RowOutcome(sheet, rownum, "member"))
    return out


def _keyed(reader: RowReader, row: tuple[Any, ...]) -> dict[str, Any]:
    return {f: reader.get(row, f) for f in reader.cols}
