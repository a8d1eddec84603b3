"""Reading what calculations need, for one household or a batch of hundreds at once.

:class:`SchemeBook` holds the project's published scheme versions, parsed once (a published
version never changes, so parsed schemes are kept per id and content hash for the process).
:func:`read_facts` reads a batch of households with one query per table (persons' flags,
buildings, attachments, signed agreements, vacating dates, current calculations, approved
exceptions) and turns each into the engine's :class:`HouseholdInput`.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.approval_lines import ApprovedException, approval_fingerprint
from ..domain.engine import inputs_hash
from ..domain.household_input import AttachmentInput, HouseholdInput, StructureInput
from ..domain.scheme import RateKind, Scheme, parse_scheme, version_in_force
from ..domain.status import CompensationMethod, StructureType
from ..storage import models as m

__all__ = ["CurrentCalc", "HouseholdFacts", "SchemeBook", "calc_hash", "read_facts"]

_PARSED: dict[tuple[uuid.UUID, str], Scheme] = {}


class SchemeBook:
    """The project's published scheme versions, by id, parsed."""

    def __init__(self, s: Session, project_id: uuid.UUID) -> None:
        rows = s.execute(
            select(m.SchemeVersion, m.Scheme.name)
            .join(m.Scheme, m.Scheme.id == m.SchemeVersion.scheme_id)
            .where(m.Scheme.project_id == project_id, m.SchemeVersion.status == "published")
        ).all()
        self.by_id: dict[uuid.UUID, Scheme] = {}
        self.labels: dict[uuid.UUID, str] = {}
        for version, name in rows:
            key = (version.id, version.content_hash or "")
            scheme = _PARSED.get(key) if version.content_hash else None
            if scheme is None:
                scheme = parse_scheme(_scheme_dict(version, name))
                if version.content_hash:
                    _PARSED[key] = scheme
            self.by_id[version.id] = scheme
            self.labels[version.id] = version_label(scheme)
        self._ids = {id(v): k for k, v in self.by_id.items()}

    def in_force(self, on: date) -> tuple[uuid.UUID, Scheme] | None:
        found = version_in_force(self.by_id.values(), on)
        if found is None:
            return None
        return self._ids[id(found)], found


def version_label(scheme: Scheme) -> str:
    from ..i18n import _

    return _(
        "{name} 第{version}版（{effective} 起施行）",
        name=scheme.name,
        version=scheme.version_no,
        effective=scheme.effective_date.isoformat(),
    )


def _scheme_dict(version: m.SchemeVersion, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "version_no": version.version_no,
        "effective_date": version.effective_date.isoformat(),
        "params": version.params or {},
        "items": [
            {
                "code": it.code,
                "name": it.name,
                "unit": it.unit,
                "rate_fen": it.rate_fen,
                "kind": it.kind,
                "category": it.category,
                "params": it.params or {},
            }
            for it in version.items
        ],
    }


@dataclass(frozen=True)
class CurrentCalc:
    id: uuid.UUID
    version_no: int
    inputs_hash: str
    status: str
    total_fen: int
    scheme_version_id: uuid.UUID


@dataclass
class HouseholdFacts:
    id: uuid.UUID
    code: str
    team_id: uuid.UUID
    status: str
    input: HouseholdInput
    vacated_on: date | None = None
    signed_version_id: uuid.UUID | None = None  # the scheme version of a signed agreement
    current: CurrentCalc | None = None
    approvals: list[ApprovedException] = field(default_factory=list)

    def input_for(self, scheme: Scheme) -> HouseholdInput:
        """The vacating date is an input only where the scheme judges a bonus by it."""
        if self.vacated_on is not None and _judges_vacating(scheme):
            return replace(self.input, vacated_on=self.vacated_on)
        return self.input


_VACATING: dict[int, bool] = {}


def _judges_vacating(scheme: Scheme) -> bool:
    found = _VACATING.get(id(scheme))
    if found is None:
        found = any(
            it.kind is RateKind.BONUS_WINDOW and it.date_source == "vacated" for it in scheme.items
        )
        _VACATING[id(scheme)] = found
    return found


def calc_hash(
    household: HouseholdInput,
    scheme: Scheme,
    as_of: date,
    approvals: Sequence[ApprovedException],
) -> str:
    """The engine's inputs hash, extended by the approved exceptions when there are any."""
    base = inputs_hash(household, scheme, as_of=as_of)
    if not approvals:
        return base
    text = base + "|" + approval_fingerprint(approvals)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_facts(s: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, HouseholdFacts]:
    """Everything the calculation of each household needs, in ~8 queries for the batch."""
    ids = list(ids)
    if not ids:
        return {}
    H, P, S, A = m.Household, m.Person, m.Structure, m.Attachment
    members: dict[uuid.UUID, list[int]] = {}  # household → [count, vulnerable]
    for hid, dibao, disabled in s.execute(
        select(P.household_id, P.is_dibao, P.is_disabled).where(P.household_id.in_(ids))
    ):
        row = members.setdefault(hid, [0, 0])
        row[0] += 1
        if dibao or disabled:
            row[1] = 1
    structures: dict[uuid.UUID, list[StructureInput]] = {}
    for hid, kind, legal, unlicensed, decoration in s.execute(
        select(
            S.household_id, S.structure_type, S.legal_area_dm2, S.unlicensed_area_dm2,
            S.decoration,
        )
        .where(S.household_id.in_(ids))
        .order_by(S.household_id, S.sort_order)
    ):  # fmt: skip
        structures.setdefault(hid, []).append(
            StructureInput(StructureType(kind), legal, unlicensed, decoration or "")
        )
    attachments: dict[uuid.UUID, list[AttachmentInput]] = {}
    for hid, code, milli in s.execute(
        select(A.household_id, A.item_code, A.quantity_milli)
        .where(A.household_id.in_(ids))
        .order_by(A.household_id, A.sort_order)
    ):
        attachments.setdefault(hid, []).append(AttachmentInput(code, milli))
    signed: dict[uuid.UUID, tuple[date | None, uuid.UUID | None]] = {}
    G = m.Agreement
    for hid, signed_on, version_id in s.execute(
        select(G.household_id, G.signed_on, G.scheme_version_id)
        .where(G.household_id.in_(ids), G.status == "signed", G.kind == "main")
        .order_by(G.household_id, G.seq_no)
    ):
        signed[hid] = (signed_on, version_id)
    vacated: dict[uuid.UUID, date] = {
        hid: day
        for hid, day in s.execute(
            select(m.Milestone.household_id, m.Milestone.happened_on).where(
                m.Milestone.household_id.in_(ids), m.Milestone.kind == "vacated"
            )
        )
    }
    C = m.Calculation
    current: dict[uuid.UUID, CurrentCalc] = {}
    for c in s.execute(
        select(
            C.household_id, C.id, C.version_no, C.inputs_hash, C.status, C.total_fen,
            C.scheme_version_id,
        )
        .where(C.household_id.in_(ids), C.status != "superseded")
        .order_by(C.household_id, C.version_no)
    ):  # fmt: skip
        current[c[0]] = CurrentCalc(*c[1:])
    approvals: dict[uuid.UUID, list[ApprovedException]] = {}
    R = m.ApprovalRequest
    for r in s.execute(
        select(
            R.household_id, R.id, R.number, R.item_code, R.requested_amount_fen,
            R.requested_rule, R.decision_reason,
        )
        .where(R.household_id.in_(ids), R.status == "approved")
        .order_by(R.household_id, R.decided_at, R.number)
    ):  # fmt: skip
        approvals.setdefault(r[0], []).append(
            ApprovedException(str(r[1]), r[2], r[3] or "", r[4], r[5] or "", r[6] or "")
        )
    facts: dict[uuid.UUID, HouseholdFacts] = {}
    for hid, code, team_id, status, method in s.execute(
        select(H.id, H.code, H.team_id, H.status, H.compensation_method).where(H.id.in_(ids))
    ):
        count, vulnerable = members.get(hid, (0, 0))
        found = signed.get(hid)
        signed_on, signed_version = found if found is not None else (None, None)
        household = HouseholdInput(
            code=code,
            member_count=count,
            structures=tuple(structures.get(hid, ())),
            attachments=tuple(attachments.get(hid, ())),
            vulnerable=bool(vulnerable),
            compensation_method=CompensationMethod(method or CompensationMethod.MONEY.value),
            signed_on=signed_on,
        )
        facts[hid] = HouseholdFacts(
            id=hid,
            code=code,
            team_id=team_id,
            status=status,
            input=household,
            vacated_on=vacated.get(hid),
            signed_version_id=signed_version,
            current=current.get(hid),
            approvals=approvals.get(hid, []),
        )
    return facts
