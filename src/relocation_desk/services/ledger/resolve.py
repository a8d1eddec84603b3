"""Checking a ledger's planned rows against each other and the database, and the report.

Exact duplicates become one household; an ID number used by two households stays with the
first (flagged) and rejects the later row; a declared 家庭人口 that differs from the members
listed is flagged; with "reject problems" a row with an unusable value is not imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...i18n import _
from .detect import column_status, kind_label
from .rows import HEAD_ID_MISSING, Flag, HouseholdPlan, PersonPlan, RowOutcome

_NOT_DATA_NOTE = ("空行", "标题或表头行")


@dataclass
class Plan:
    households: list[HouseholdPlan]
    outcomes: list[RowOutcome]


@dataclass
class ImportReport:
    households: int
    persons: int
    rejected: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    outcomes: list[RowOutcome] = field(default_factory=list)
    created_database: bool = False
    dry_run: bool = False
    # Per sheet: its kind and why, and each column's mapping in words (see describe_sheets).
    sheets: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    demo: bool = False  # imported into the demo project: its report carries the 演示数据 mark

    def to_json(self) -> dict[str, Any]:
        return {
            "households": self.households,
            "persons": self.persons,
            "rejected": self.rejected,
            "warnings": self.warnings,
            "skipped": self.skipped,
            "sheets": self.sheets,
        }


def describe_sheets(sheets: list[Any]) -> list[dict[str, Any]]:
    """Each sheet's kind, whether it is imported and why, and its columns' mapping."""
    out = []
    for s in sheets:
        columns = []
        if s.header is not None:
            columns = [
                {"column": c.letter, "header": c.header, "mapping": column_status(c)}
                for c in s.header.columns
                if c.header
            ]
        out.append({
            "sheet": s.name, "kind": kind_label(s.kind), "imported": s.imported,
            "reason": s.kind_reason,
            "header_rows": list(s.header.header_rows) if s.header is not None else [],
            "columns": columns,
        })  # fmt: skip
    return out


# --- checking rows against each other -------------------------------------------------------


def resolve(
    plan: Plan, *, mark: bool, known_ids: dict[str, str], known_codes: set[str],
    members_layout: set[str],
) -> None:  # fmt: skip
    """Duplicates, ID conflicts, count mismatches, rejected rows; fills the outcomes."""
    outcome = {(o.sheet, o.row): o for o in plan.outcomes}

    def reject(sheet: str, row: int, reason: str) -> None:
        o = outcome[(sheet, row)]
        o.outcome, o.reason, o.warnings = "rejected", reason, []

    def reject_household(h: HouseholdPlan, reason: str, members: str) -> None:
        h.rejected = True
        reject(h.sheet, h.row, reason)
        for r in h.member_rows:
            if (h.sheet, r) in outcome:
                reject(h.sheet, r, members)

    seen: dict[tuple[Any, ...], HouseholdPlan] = {}
    ids: dict[str, tuple[HouseholdPlan, PersonPlan]] = {}
    codes = set(known_codes)
    for h in plan.households:
        key = tuple(h.key)
        first = seen.get(key)
        if first is not None and not h.keyed_members:
            reason = _("与{sheet}表第{row}行完全相同，是重复录入，只导入一次", sheet=first.sheet,
                       row=first.row)  # fmt: skip
            reject_household(h, reason, reason)
            continue
        seen[key] = h
        if h.sheet in members_layout and not h.keyed_members:
            listed = len(h.persons)
            if h.declared_member_count is not None and h.declared_member_count != listed:
                h.flags.append(Flag(
                    "member_count", str(h.declared_member_count),
                    _("填报的家庭人口为{declared}人，但列出的成员为{listed}人，需核实",
                      declared=h.declared_member_count, listed=listed),
                    h.sheet, h.row, "", kept=True,
                ))  # fmt: skip
        blocking = [f for f in h.flags if f.field not in ("id_number_15", "member_count")]
        if blocking and not mark:
            reason = _("有无法使用的数据：{problems}",
                       problems="；".join(f.reason for f in blocking))  # fmt: skip
            reject_household(h, reason, _("所在户未导入"))
            continue
        kept: list[PersonPlan] = []
        for index, p in enumerate(h.persons):
            if p.id_number is None:
                kept.append(p)
                continue
            other = ids.get(p.id_number)
            elsewhere = known_ids.get(p.id_number)
            if h.existing is not None and elsewhere == h.existing.code:
                elsewhere = None  # the household this row updates
            if other is None and elsewhere is None:
                ids[p.id_number] = (h, p)
                kept.append(p)
                continue
            if other is not None and other[0] is h:
                reason = _("身份证号码{value}与本户另一成员（第{row}行）相同，未导入",
                           value=p.id_number, row=other[1].row)  # fmt: skip
            elif other is not None:
                first_h, first_p = other
                reason = _("身份证号码{value}已在{sheet}表第{row}行（另一户）导入，"
                           "一人只能属于一户，本行未导入", value=p.id_number,
                           sheet=first_p.sheet, row=first_p.row)  # fmt: skip
                first_h.flags.append(Flag(
                    "id_number", p.id_number,
                    _("同一身份证号码又出现在{sheet}表第{row}行（另一户，数据不同），需核实",
                      sheet=p.sheet, row=p.row),
                    first_p.sheet, first_p.row, "", first_h.persons.index(first_p)
                    if first_p in first_h.persons else None, kept=True,
                ))  # fmt: skip
            else:
                reason = _("身份证号码{value}已登记在本项目的{code}户，一人只能属于一户，本行未导入",
                           value=p.id_number, code=elsewhere)  # fmt: skip
            if index == 0 and p.relation == "户主" and other is not None and other[0] is not h:
                reject_household(h, reason, _("所在户未导入"))
                break
            if index == 0 and elsewhere is not None:
                reject_household(h, reason, _("所在户未导入"))
                break
            reject(p.sheet, p.row, reason)
            h.flags = [f for f in h.flags if f.person_index != index]
        if h.rejected:
            continue
        # Flags point at persons by index; re-point them after members were dropped.
        for f in h.flags:
            if f.person_index is not None and f.person_index < len(h.persons):
                person = h.persons[f.person_index]
                f.person_index = kept.index(person) if person in kept else None
        h.persons = kept
        if h.existing is not None:
            h.code = h.existing.code
            codes.add(h.code)
        elif h.code and h.code in codes:
            h.flags.append(Flag("code", h.code, _("户编号{code}重复，已另编新号", code=h.code),
                                h.sheet, h.row, ""))  # fmt: skip
            h.code = ""
        if h.code:
            codes.add(h.code)
    for h in plan.households:
        if h.rejected:
            continue
        explained = {f.person_index for f in h.flags if f.field == "id_number"}
        h.flags = [
            f for f in h.flags if f.field != HEAD_ID_MISSING or f.person_index not in explained
        ]
        for f in h.flags:
            o = outcome.get((f.sheet, f.row))
            if o is None or o.outcome == "rejected":
                continue
            where = _("{column}列：", column=f.column) if f.column else ""
            if f.field == "id_number_15" or f.field == "code":
                o.warnings.append(where + f.reason)
            elif f.kept:
                o.warnings.append(where + f.reason + _("（已导入，标记待核实）"))
            else:
                o.warnings.append(where + f.reason + _("（已导入，该项留空并标记待核实）"))


def report_from(plan: Plan, *, dry_run: bool, sheets: list[Any] | None = None) -> ImportReport:
    rejected, warnings, skipped = [], [], []
    quiet = {_(x) for x in _NOT_DATA_NOTE}
    whole = {s.name for s in sheets or [] if not s.imported}
    for o in plan.outcomes:
        if o.outcome == "rejected":
            rejected.append({"sheet": o.sheet, "row": o.row, "reason": o.reason})
        elif o.outcome == "skipped":
            skipped.append({"sheet": o.sheet, "row": o.row, "reason": o.reason})
            if o.reason not in quiet and o.sheet not in whole:
                warnings.append(
                    {"sheet": o.sheet, "row": o.row, "reason": _("未导入：{why}", why=o.reason)}
                )
        for w in o.warnings:
            warnings.append({"sheet": o.sheet, "row": o.row, "reason": w})
    kept = [h for h in plan.households if not h.rejected]
    return ImportReport(
        households=len(kept),
        persons=sum(len(h.persons) for h in kept),
        rejected=rejected,
        warnings=warnings,
        outcomes=plan.outcomes,
        dry_run=dry_run,
        sheets=describe_sheets(sheets or []),
        skipped=skipped,
    )
