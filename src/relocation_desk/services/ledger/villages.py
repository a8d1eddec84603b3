"""Which team takes each household: its village's. The villages a ledger names, those the
project does not know (or that have no team), the user's answer (village → team code) and
the rejection of households whose village stays unanswered — never a guessed team.

May use: storage (through :mod:`.write`), the ledger's analysis and plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...i18n import _
from ..errors import UserError
from .values import cell_text, is_blank, read_relation

if TYPE_CHECKING:
    from .analysis import LedgerAnalysis
    from .resolve import Plan


def ledger_villages(analysis: LedgerAnalysis) -> list[str]:
    """The villages the ledger's household rows name (column 村, else the sheet or title)."""
    found: dict[str, None] = {}
    for s in analysis.sheets:
        if s.header is None or s.header.kind != "households":
            continue
        fields = s.header.fields()
        col = fields.get("village")
        people = [fields[f] for f in ("head_name", "name", "id_number") if f in fields]
        own = (s.village or _("未注明村"))[:100]
        for row in s.rows[s.header.first_data_row - 1 :]:
            if not any(c < len(row) and not is_blank(row[c]) for c in people):
                continue  # not a household or member row
            rel = fields.get("relation")
            named = col is not None and col < len(row) and not is_blank(row[col])
            member = rel is not None and rel < len(row) and not is_blank(row[rel])
            if member and not named and read_relation(row[rel]) != "户主":
                continue  # a member row: its household's village
            found[cell_text(row[col])[:100] if named else own] = None
    return list(found)


def unknown_villages(
    analysis: LedgerAnalysis, db_target: Any, village_team: dict[str, str] | None = None
) -> list[str]:
    """Villages of the ledger that the project does not know (or that have no team) and
    that ``village_team`` does not answer: their households need a team from the user.
    Empty for a new project (its one team takes every village)."""
    from .write import village_teams

    known, teams = village_teams(db_target)
    if not teams:
        return []
    answered = village_team or {}
    return [v for v in ledger_villages(analysis) if known.get(v) is None and v not in answered]


def check_village_team(db_target: Any, village_team: dict[str, str] | None) -> None:
    from .write import village_teams

    _known, teams = village_teams(db_target)
    for village, team in (village_team or {}).items():
        if teams and team not in teams:
            raise UserError(
                _("村“{village}”指定的工作组 {team} 不存在；本项目的工作组有：{teams}",
                  village=village, team=team, teams="、".join(teams))
            )  # fmt: skip


def reject_unknown_villages(plan: Plan, unknown: list[str]) -> None:
    if not unknown:
        return
    missing = set(unknown)
    outcome = {(o.sheet, o.row): o for o in plan.outcomes}
    for h in plan.households:
        village = (h.village or _("未注明村"))[:100]
        if h.rejected or village not in missing or h.existing is not None:
            continue
        h.rejected = True
        why = _("村“{village}”不在本项目中或没有指定工作组：请在导入向导中为它选择工作组，"
                "或在命令行用 --village-team {village}=工作组编号 指定后重新导入",
                village=village)  # fmt: skip
        for row in (h.row, *h.member_rows):
            o = outcome.get((h.sheet, row))
            if o is not None:
                o.outcome, o.reason, o.warnings = "rejected", why, []
