"""HQ's conflicts from merging team packages: listed, compared and decided.

A merge never decides alone when both HQ and a team changed a household, when a household
turns up under another team, when one ID number is registered by two teams, or when packages
arrive out of order; it writes an :class:`~relocation_desk.storage.models.ExchangeConflict`
(see ``hq_import``). Here HQ staff (or an administrator) list them, see HQ's and the team's
values side by side and decide:

- ``take_team``: the team's records (the household bundle stored with the conflict) replace
  HQ's, and the merge state records them as merged;
- ``keep_hq``: HQ's records stay; the team gets HQ's version back;
- ``accepted``: the situation stands as merged (a duplicate ID number both teams keep, a
  package order that needs nothing more), with a note saying why.

Each decision is one transaction with one audit row; decided conflicts with no
``sent_sequence`` travel back to the team in HQ's next package (``hq_export``).

May use: storage, ``services.access``, ``services.clock``, ``services.errors``, this package's ``bundle`` and
``identity``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..access import Action, Actor, require
from ..clock import utc_now
from ..errors import UserError
from .compare import Difference, compare, shown
from .identity import require_role

__all__ = [
    "DECISIONS",
    "KINDS",
    "ConflictDetails",
    "ConflictError",
    "ConflictView",
    "Difference",
    "conflict_details",
    "decide",
    "decisions_for",
    "list_conflicts",
]

KINDS: dict[str, str] = {
    "both_changed": "双方都改过",
    "moved": "换了工作组",
    "duplicate_id": "身份证号重复",
    "out_of_order": "数据包顺序不对",
}
DECISIONS: dict[str, str] = {
    "keep_hq": "保留指挥部的",
    "take_team": "采用工作组的",
    "accepted": "确认无误",
}
# What the merge noted about a conflict, as shown (hashes and the bundle itself are not).
FACT_LABELS: dict[str, str] = {
    "id_number": "身份证号",
    "other_household": "另一户",
    "other_team": "另一户所在工作组",
    "hq_team": "指挥部记在",
}
_NEEDS_BUNDLE = frozenset({"take_team"})
NOTE_LIMIT = 500
_SHOWN = 200  # differences listed at most in the details


class ConflictError(UserError):
    """A conflict that cannot be decided this way (already decided, gone, wrong decision)."""


@dataclass(frozen=True)
class ConflictView:
    id: uuid.UUID
    kind: str
    kind_label: str
    status: str  # open | decided
    team_id: uuid.UUID | None
    team: str  # "T07 第七工作组"
    other_team: str
    household_id: uuid.UUID | None
    household_code: str
    head_name: str
    created_at: datetime
    decided_at: datetime | None
    decision: str
    decision_label: str
    note: str
    decided_by: str
    sent_back: bool  # HQ's package carried the decision to the team
    summary: str  # one line: what is in conflict


@dataclass(frozen=True)
class ConflictDetails:
    view: ConflictView
    differences: list[Difference]  # both_changed / moved: HQ's vs the team's records
    more: int  # differences not listed
    facts: list[tuple[str, str]]  # other details (label, value) as stored by the merge
    decisions: list[str]  # what may be decided


def _team_label(code: str | None, name: str | None) -> str:
    if not code and not name:
        return ""
    return f"{code or ''} {name or ''}".strip()


def _views(s: Session, query: Any) -> list[ConflictView]:
    c = m.ExchangeConflict
    team, other = aliased(m.Team), aliased(m.Team)
    stmt = (
        select(c, team.code, team.name, other.code, other.name, m.Household.code,
               m.Household.head_name, m.Operator.name)
        .outerjoin(team, team.id == c.team_id)
        .outerjoin(other, other.id == c.other_team_id)
        .outerjoin(m.Household, m.Household.id == c.household_id)
        .outerjoin(m.Operator, m.Operator.id == c.decided_by)
    )  # fmt: skip
    stmt = query(stmt)
    return [
        _view(row, _team_label(tc, tn), _team_label(oc, on), hc or "", hn or "", by or "")
        for row, tc, tn, oc, on, hc, hn, by in s.execute(stmt).all()
    ]


def _view(
    c: m.ExchangeConflict, team: str, other: str, code: str, head: str, by: str
) -> ConflictView:
    details = c.details if isinstance(c.details, dict) else {}
    if not code:  # a household HQ does not hold: named from the team's bundle
        household = _household_row(details.get("bundle"))
        code = str(household.get("code", "")) if household else ""
        head = head or (str(household.get("head_name", "")) if household else "")
    return ConflictView(
        id=c.id,
        kind=c.kind,
        kind_label=_(KINDS[c.kind]) if c.kind in KINDS else c.kind,
        status=c.status,
        team_id=c.team_id,
        team=team,
        other_team=other,
        household_id=c.household_id,
        household_code=code,
        head_name=head,
        created_at=_aware(c.created_at),
        decided_at=_aware(c.decided_at) if c.decided_at is not None else None,
        decision=c.decision,
        decision_label=_(DECISIONS[c.decision]) if c.decision in DECISIONS else c.decision,
        note=c.note,
        decided_by=by,
        sent_back=c.sent_sequence is not None,
        summary=_summary(c.kind, team, other, code, head),
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _summary(kind: str, team: str, other: str, code: str, head: str) -> str:
    who = f"{code} {head}".strip() or _("（未知农户）")
    if kind == "both_changed":
        return _("{household}：指挥部和{team}都改过这户", household=who, team=team)
    if kind == "moved":
        return _("{household}：指挥部记在{other}，{team}也报送了这户", household=who,
                 other=other or _("另一个工作组"), team=team)  # fmt: skip
    if kind == "duplicate_id":
        return _("{household}：身份证号已在{other}登记", household=who,
                 other=other or _("另一个工作组"))  # fmt: skip
    if kind == "out_of_order":
        return _("{team}的数据包顺序不对：请先导入较早的数据包", team=team)
    return who


def _household_row(bundle: Any) -> dict[str, Any] | None:
    if not isinstance(bundle, dict):
        return None
    row = bundle.get("household")
    return row if isinstance(row, dict) else None


def list_conflicts(
    db: Database,
    operator: Actor | None,
    *,
    status: str | None = None,
    team_id: uuid.UUID | None = None,
    kind: str | None = None,
) -> list[ConflictView]:
    """HQ's conflicts, open ones first, oldest first; filtered by status (open | decided),
    team (either side) and kind."""
    require(operator, Action.DECIDE_CONFLICT)
    c = m.ExchangeConflict

    def query(stmt: Any) -> Any:
        if status is not None:
            stmt = stmt.where(c.status == status)
        if team_id is not None:
            stmt = stmt.where((c.team_id == team_id) | (c.other_team_id == team_id))
        if kind is not None:
            stmt = stmt.where(c.kind == kind)
        return stmt.order_by((c.status != "open"), c.created_at, c.key)

    with db.session() as s:
        require_role(s, "hq")
        return _views(s, query)


def decisions_for(kind: str, details: Any) -> list[str]:
    """The decisions a conflict of ``kind`` admits. Taking the team's records needs them
    stored with the conflict. A duplicate ID number was merged without it: accepting leaves it
    so, taking the team's records restores it (both teams keep the person). A package order
    is only acknowledged."""
    has_bundle = isinstance(details, dict) and _household_row(details.get("bundle")) is not None
    if kind in ("both_changed", "moved"):
        return ["keep_hq", "take_team"] if has_bundle else ["keep_hq"]
    if kind == "duplicate_id" and has_bundle:
        return ["accepted", "take_team"]
    return ["accepted"]


def conflict_details(
    db: Database, operator: Actor | None, conflict_id: uuid.UUID
) -> ConflictDetails:
    """One conflict with HQ's and the team's values side by side."""
    require(operator, Action.DECIDE_CONFLICT)
    c = m.ExchangeConflict
    with db.session() as s:
        require_role(s, "hq")
        views = _views(s, lambda stmt: stmt.where(c.id == conflict_id))
        if not views:
            raise ConflictError(_("找不到这个冲突，可能已被删除；请刷新列表"))
        row = s.get(c, conflict_id)
        assert row is not None
        details = row.details if isinstance(row.details, dict) else {}
        differences: list[Difference] = []
        team_bundle = details.get("bundle")
        if isinstance(team_bundle, dict) and row.household_id is not None:
            ours = _hq_bundle(s, row.household_id)
            differences = compare(ours or {}, team_bundle)
        facts = [
            (_(FACT_LABELS[key]), shown(value))
            for key, value in sorted(details.items())
            if key in FACT_LABELS
        ]
        return ConflictDetails(
            view=views[0],
            differences=differences[:_SHOWN],
            more=max(0, len(differences) - _SHOWN),
            facts=facts,
            decisions=decisions_for(row.kind, details),
        )


def _hq_bundle(s: Session, household_id: uuid.UUID) -> dict[str, Any] | None:
    from .bundle import household_bundle  # the merge's own reading of a household

    if s.get(m.Household, household_id) is None:
        return None
    return household_bundle(s, household_id)


def decide(
    db: Database,
    operator: Actor | None,
    conflict_id: uuid.UUID,
    decision: str,
    note: str,
    *,
    now: datetime | None = None,
) -> ConflictView:
    """HQ decides one open conflict (see the module docstring). One transaction: the
    decision, the records it changes and its audit row."""
    require(operator, Action.DECIDE_CONFLICT)
    assert operator is not None
    op_id: uuid.UUID | None = getattr(operator, "id", None)
    login = str(getattr(operator, "login", ""))
    if decision not in DECISIONS:
        raise ConflictError(_("请选择处理办法：保留指挥部的、采用工作组的或确认无误"))
    note = note.strip()
    if not note:
        raise ConflictError(_("请写明处理理由（会随决定一起发回工作组）"))
    if len(note) > NOTE_LIMIT:
        raise ConflictError(_("处理理由太长：最多 {n} 个字", n=NOTE_LIMIT))
    now = now or utc_now()
    c = m.ExchangeConflict
    with db.session(immediate=True) as s, s.begin():
        require_role(s, "hq")
        row = s.get(c, conflict_id, with_for_update=True)
        if row is None:
            raise ConflictError(_("找不到这个冲突，可能已被删除；请刷新列表"))
        if row.status != "open":
            raise ConflictError(
                _("这个冲突已经处理过了（{decision}），请刷新列表",
                  decision=_(DECISIONS.get(row.decision, row.decision)))
            )  # fmt: skip
        details = row.details if isinstance(row.details, dict) else {}
        allowed = decisions_for(row.kind, details)
        if decision not in allowed:
            raise ConflictError(
                _("这类冲突只能选择：{choices}",
                  choices="、".join(_(DECISIONS[d]) for d in allowed))
            )  # fmt: skip
        after: dict[str, Any] = {"decision": decision, "note": note}
        if decision in _NEEDS_BUNDLE:
            after["merged_hash"] = _take_team(s, row, details["bundle"], now)
        row.status, row.decision, row.note = "decided", decision, note
        row.decided_at, row.decided_by = now, op_id
        row.sent_sequence = None  # goes back to the team with HQ's next package
        household = row.household_id
        if household is not None and s.get(m.Household, household) is None:
            household = None
        s.add(
            m.AuditLog(
                id=uuid.uuid4(), at=now, operator_id=op_id, operator_login=login,
                action="decide_conflict", entity="exchange_conflict", entity_id=str(row.id),
                household_id=household, before={"status": "open", "kind": row.kind},
                after=after, note=row.key,
            )
        )  # fmt: skip
        s.flush()
        conflict_id = row.id
    with db.session() as s:
        return _views(s, lambda stmt: stmt.where(c.id == conflict_id))[0]


def _take_team(s: Session, row: m.ExchangeConflict, bundle: dict[str, Any], now: datetime) -> str:
    """The team's records replace HQ's; the merge state then holds them as merged."""
    from .bundle import apply_bundle, bundle_hash

    if row.team_id is None:
        raise ConflictError(_("这个冲突没有记下工作组，不能采用工作组的记录"))
    apply_bundle(s, bundle)
    s.flush()
    household = _household_row(bundle)
    assert household is not None  # decisions_for allows take_team only with one
    household_id = uuid.UUID(str(household["id"]))
    merged = bundle_hash(bundle)
    state = s.get(m.ExchangeRecordState, household_id)
    if state is None:
        state = m.ExchangeRecordState(household_id=household_id, team_id=row.team_id,
                                      merged_hash=merged)  # fmt: skip
        s.add(state)
    state.team_id, state.merged_hash, state.merged_at = row.team_id, merged, now
    return merged
