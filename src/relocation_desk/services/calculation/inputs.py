"""Reading what calculations need, for one household or a batch of hundreds at once.

:class:`SchemeBook` holds the project's published scheme versions, parsed once (a published
version never changes, so parsed schemes are kept per id and content hash for the process).
:func:`read_facts` reads a batch of households with one query per table (persons' flags,
buildings, attachments, signed agreements, vacating dates, current calculations, approved
exceptions, chosen resettlement flats) and turns each into the engine's :class:`HouseholdInput`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import String, bindparam, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from ...domain.approval_lines import ApprovedException, approval_fingerprint
from ...domain.engine import inputs_hash
from ...domain.household_input import (
    AttachmentInput,
    ChosenFlatInput,
    HouseholdInput,
    StructureInput,
)
from ...domain.scheme import RateKind, Scheme, content_hash, version_in_force
from ...domain.scheme_parse import parse_scheme
from ...domain.scheme_scope import covers
from ...domain.status import CompensationMethod, StructureType
from ...storage import models as m
from ...storage.models_resettlement import ResettlementChoice, ResettlementFlat
from ..audit import audit_seal
from ..errors import TamperedRecord

__all__ = [
    "CurrentCalc",
    "HouseholdFacts",
    "SchemeBook",
    "calc_hash",
    "published_hash",
    "read_facts",
    "read_facts_between",
]

_PARSED: dict[tuple[uuid.UUID, str, str], Scheme] = {}


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
        self.scheme_of: dict[uuid.UUID, uuid.UUID] = {}  # version id → its scheme's id
        self._applying: dict[tuple[date, str, str], list[tuple[uuid.UUID, Scheme]]] = {}
        self.key = frozenset((version.id, version.content_hash) for version, _name in rows)
        for version, name in rows:
            raw = _scheme_dict(version, name)
            # Keyed by the stored rows themselves, not only the version's id and sealed hash:
            # another file with the same ids (a copy, a restored backup) or rows edited behind
            # the program's back must be parsed and checked against the seal again.
            key = (version.id, version.content_hash or "", _fingerprint(raw))
            scheme = _PARSED.get(key) if version.content_hash else None
            if scheme is None:
                scheme = parse_scheme(raw)
                _check_seal(s, version, name, scheme)
                if version.content_hash:
                    _PARSED[key] = scheme
            self.by_id[version.id] = scheme
            self.labels[version.id] = version_label(scheme)
            self.scheme_of[version.id] = version.scheme_id
        self._ids = {id(v): k for k, v in self.by_id.items()}

    @classmethod
    def refreshed(
        cls, s: Session, project_id: uuid.UUID, previous: SchemeBook | None
    ) -> SchemeBook:
        """``previous`` while the project's published versions are the same ones (a published
        version never changes: one light query instead of loading them), else a new book."""
        if previous is not None:
            key = frozenset(
                (version_id, digest)
                for version_id, digest in s.connection().execute(
                    _published_query(), {"b_project": project_id}
                )
            )
            if key == previous.key and all(digest for _id, digest in key):
                return previous
        return cls(s, project_id)

    def in_force(self, on: date) -> tuple[uuid.UUID, Scheme] | None:
        found = version_in_force(self.by_id.values(), on)
        if found is None:
            return None
        return self._ids[id(found)], found

    def applying(self, on: date, village: str, group: str) -> list[tuple[uuid.UUID, Scheme]]:
        """The published versions in force on ``on`` whose scheme's scope covers a household
        of ``village``/``group``: one per scheme (each scheme's latest in force). More than
        one means the schemes' scopes overlap (refused at publishing; the caller says so)."""
        key = (on, village, group)
        found = self._applying.get(key)
        if found is None:
            by_scheme: dict[uuid.UUID, list[Scheme]] = {}
            for version_id, scheme in self.by_id.items():
                by_scheme.setdefault(self.scheme_of[version_id], []).append(scheme)
            found = []
            for versions in by_scheme.values():
                current = version_in_force(versions, on)
                if current is not None and covers(current.params, village, group):
                    found.append((self._ids[id(current)], current))
            found.sort(key=lambda pair: (pair[1].name, pair[1].version_no))
            if len(self._applying) > 10_000:
                self._applying.clear()
            self._applying[key] = found
        return found


def _check_seal(s: Session, version: m.SchemeVersion, name: str, scheme: Scheme) -> None:
    """Refuse a published version whose rates no longer give the hash sealed when it was
    published (its row and, when recorded, its publish audit row)."""
    sealed = audit_seal(s, "scheme_version", version.id, frozenset({"publish"}))
    digest = content_hash(scheme)
    if digest != version.content_hash or (sealed and sealed != version.content_hash):
        from ...i18n import _

        raise TamperedRecord(
            _(
                "补偿方案“{name}”第{version}版的内容与发布时封存的不一致（数据库文件被改动过），"
                "不能用它核算；请联系指挥部用备份恢复，并运行 relocation-desk check 查看详情",
                name=name,
                version=version.version_no,
            )
        )


def published_hash(version: m.SchemeVersion, name: str) -> str:
    """The content hash a published version's stored rates give now (to compare with its
    ``content_hash``, the one sealed when it was published)."""
    return content_hash(parse_scheme(_scheme_dict(version, name)))


@functools.cache
def _published_query() -> Any:
    SV: Any = m.SchemeVersion.__table__
    return (
        select(SV.c.id, SV.c.content_hash)
        .join(m.Scheme.__table__, m.Scheme.id == SV.c.scheme_id)
        .where(m.Scheme.project_id == bindparam("b_project"), SV.c.status == "published")
    )


def _fingerprint(raw: dict[str, Any]) -> str:
    text = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def version_label(scheme: Scheme) -> str:
    from ...i18n import _

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
    """Everything the calculation of each household needs, in 9 queries for the batch."""
    ids = list(ids)
    if not ids:
        return {}
    if len(ids) == 1:
        return _read(s, "one", {"b_one": ids[0]}, None)
    return _read(s, "in", {"b_ids": ids}, None)


def read_facts_between(s: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, HouseholdFacts]:
    """:func:`read_facts` for ``ids`` in the database's order of household ids (as an
    ``ORDER BY household.id`` gives them): each query reads the stretch between the first
    and the last, one index range instead of a lookup per id and no list of bound ids.
    Households in that stretch that are not in ``ids`` are read and left out."""
    ids = list(ids)
    if not ids:
        return {}
    found = _read(s, "between", {"b_lo": ids[0], "b_hi": ids[-1]}, set(ids))
    if len(found) < len(ids):  # out of order, or deleted meanwhile: look the rest up
        found.update(read_facts(s, [hid for hid in ids if hid not in found]))
    return found


_QUERIES: dict[str, tuple[Any, ...]] = {}


def _queries(mode: str) -> tuple[Any, ...]:
    """The 9 queries of :func:`_read`, built once per way of choosing the households
    (building and coercing a statement costs more than running it for one household)."""
    found = _QUERIES.get(mode)
    if found is not None:
        return found

    def among(column: Any) -> Any:
        if mode == "one":
            return column == bindparam("b_one")
        if mode == "in":
            return column.in_(bindparam("b_ids", expanding=True))
        return column.between(bindparam("b_lo"), bindparam("b_hi"))

    H, P, S, A = (t.__table__ for t in (m.Household, m.Person, m.Structure, m.Attachment))
    G, M, C, R = (t.__table__ for t in (m.Agreement, m.Milestone, m.Calculation, m.ApprovalRequest))
    V, VG = m.Village.__table__, m.VillageGroup.__table__
    RC, RF = ResettlementChoice.__table__, ResettlementFlat.__table__
    found = _QUERIES[mode] = (
        select(
            H.c.id, type_coerce(H.c.id, String), H.c.code, type_coerce(H.c.team_id, String),
            H.c.status, H.c.compensation_method, V.c.name, VG.c.name,
        )
        .select_from(
            H.outerjoin(V, V.c.id == H.c.village_id).outerjoin(VG, VG.c.id == H.c.group_id)
        )
        .where(among(H.c.id)),
        select(
            type_coerce(P.c.household_id, String),
            func.count(),
            func.max(case((P.c.is_dibao, 1), else_=0)),
            func.max(case((P.c.is_disabled, 1), else_=0)),
            func.max(case((or_(P.c.is_cadre, P.c.is_cadre_relative), 1), else_=0)),
        )
        .where(among(P.c.household_id))
        .group_by(P.c.household_id),
        select(
            type_coerce(S.c.household_id, String), S.c.structure_type, S.c.legal_area_dm2,
            S.c.unlicensed_area_dm2, S.c.decoration,
        )
        .where(among(S.c.household_id))
        .order_by(S.c.household_id, S.c.sort_order),
        select(type_coerce(A.c.household_id, String), A.c.item_code, A.c.quantity_milli)
        .where(among(A.c.household_id))
        .order_by(A.c.household_id, A.c.sort_order),
        select(
            type_coerce(G.c.household_id, String), G.c.signed_on,
            type_coerce(G.c.scheme_version_id, String),
        )
        .where(among(G.c.household_id), G.c.status == "signed", G.c.kind == "main")
        .order_by(G.c.household_id, G.c.seq_no),
        select(type_coerce(M.c.household_id, String), M.c.happened_on).where(
            among(M.c.household_id), M.c.kind == "vacated"
        ),
        select(
            type_coerce(C.c.household_id, String), C.c.id, C.c.version_no, C.c.inputs_hash,
            C.c.status, C.c.total_fen, type_coerce(C.c.scheme_version_id, String),
        )
        .where(among(C.c.household_id), C.c.status != "superseded")
        .order_by(C.c.household_id, C.c.version_no),
        select(
            type_coerce(R.c.household_id, String), R.c.id, R.c.number, R.c.item_code,
            R.c.requested_amount_fen, R.c.requested_rule, R.c.decision_reason,
        )
        .where(among(R.c.household_id), R.c.status == "approved")
        .order_by(R.c.household_id, R.c.decided_at, R.c.number),
        # The chosen flats at their contracted area and prices, in the order chosen.
        select(
            type_coerce(RC.c.household_id, String), RF.c.estate, RF.c.building, RF.c.unit,
            RF.c.number, RC.c.area_dm2, RC.c.unit_price_fen, RC.c.coefficient_milli,
        )
        .select_from(RC.join(RF, RF.c.id == RC.c.flat_id))
        .where(among(RC.c.household_id), RC.c.cancelled_at.is_(None))
        .order_by(RC.c.household_id, RC.c.seq),
    )  # fmt: skip
    return found


def _read(
    s: Session, mode: str, params: dict[str, Any], wanted: set[uuid.UUID] | None
) -> dict[uuid.UUID, HouseholdFacts]:
    """Plain Core queries on the session's connection (no ORM loading). The child rows'
    household keys are taken as the driver gives them (SQLite: the stored hex text) and
    mapped back through the households' own rows, instead of becoming a ``uuid.UUID``
    each: at 100,000 households that is a million objects fewer per pass."""
    conn = s.connection()
    few = _FewIds()
    (q_households, q_members, q_structures, q_attachments, q_signed, q_vacated, q_current,
     q_approvals, q_flats) = _queries(mode)  # fmt: skip
    households = conn.execute(q_households, params).all()
    if wanted is not None:
        households = [row for row in households if row[0] in wanted]
    members: dict[Any, tuple[int, int, int, int]] = {
        key: (count, dibao, disabled, cadre)
        for key, count, dibao, disabled, cadre in conn.execute(q_members, params).all()
    }
    structures: dict[Any, list[StructureInput]] = {}
    for key, kind, legal, unlicensed, decoration in conn.execute(q_structures, params).all():
        structures.setdefault(key, []).append(
            StructureInput(_STRUCTURE_TYPES[kind], legal, unlicensed, decoration or "")
        )
    attachments: dict[Any, list[AttachmentInput]] = {}
    for key, code, milli in conn.execute(q_attachments, params).all():
        attachments.setdefault(key, []).append(AttachmentInput(code, milli))
    signed: dict[Any, tuple[date | None, uuid.UUID | None]] = {}
    for key, signed_on, version_id in conn.execute(q_signed, params).all():
        signed[key] = (signed_on, few[version_id])
    vacated: dict[Any, date] = dict(conn.execute(q_vacated, params).all())
    current: dict[Any, CurrentCalc] = {}
    for c in conn.execute(q_current, params).all():
        current[c[0]] = CurrentCalc(c[1], c[2], c[3], c[4], c[5], few[c[6]])
    approvals: dict[Any, list[ApprovedException]] = {}
    for r in conn.execute(q_approvals, params).all():
        approvals.setdefault(r[0], []).append(
            ApprovedException(str(r[1]), r[2], r[3] or "", r[4], r[5] or "", r[6] or "")
        )
    flats: dict[Any, list[ChosenFlatInput]] = {}
    for key, estate, building, unit, number, area, price, coefficient in conn.execute(
        q_flats, params
    ).all():
        flats.setdefault(key, []).append(
            ChosenFlatInput(_flat_name(estate, building, unit, number), area, price, coefficient)
        )
    facts: dict[uuid.UUID, HouseholdFacts] = {}
    for hid, key, code, team_id, status, method, village, group in households:
        count, dibao, disabled, cadre = members.get(key, (0, 0, 0, 0))
        found = signed.get(key)
        signed_on, signed_version = found if found is not None else (None, None)
        household = HouseholdInput(
            code=code,
            member_count=count,
            structures=tuple(structures.get(key, ())),
            attachments=tuple(attachments.get(key, ())),
            vulnerable=bool(dibao or disabled),
            compensation_method=_METHODS[method or CompensationMethod.MONEY.value],
            signed_on=signed_on,
            dibao=bool(dibao),
            disabled=bool(disabled),
            cadre=bool(cadre),
            village=village or "",
            group=group or "",
            chosen_flats=tuple(flats.get(key, ())),
        )
        facts[hid] = HouseholdFacts(
            id=hid,
            code=code,
            team_id=few[team_id],
            status=status,
            input=household,
            vacated_on=vacated.get(key),
            signed_version_id=signed_version,
            current=current.get(key),
            approvals=approvals.get(key, []),
        )
    return facts


def _flat_name(estate: str, building: str, unit: str, number: str) -> str:
    """``幸福家园1栋2单元0301``: the estate and the flat as the 选房确认单 names it."""
    return f"{estate}{building}栋{unit + '单元' if unit else ''}{number}"


class _FewIds(dict[Any, Any]):
    """Driver values of a UUID column with few distinct values (teams, scheme versions) as
    ``uuid.UUID``s, each converted once."""

    def __missing__(self, raw: Any) -> uuid.UUID | None:
        value = raw if raw is None or isinstance(raw, uuid.UUID) else uuid.UUID(hex=str(raw))
        self[raw] = value
        return value


_STRUCTURE_TYPES = {t.value: t for t in StructureType}
_METHODS = {c.value: c for c in CompensationMethod}
