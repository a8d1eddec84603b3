"""The household register as the desk shows it: filtered, sorted keys; rows fetched by page.

The GUI never holds ORM objects. It asks the index (``register_index``) for the keys of the
households to show — all of them, or those matching the filter box and quick filters, in the
chosen order — and then for the plain rows it is about to paint (STYLE.md "big tables are
lazy"), so what it shows is always what the database holds now.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Uuid, bindparam, select, text

from ...domain.idnumber import mask
from ...domain.permissions import Action
from ...domain.status import STATUS_LABELS, HouseholdStatus
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..access import Actor, may
from .choices import Choice
from .register_index import QuickFilter, RegisterIndex, key_of, public_id_number

__all__ = ["HouseholdRow", "ProjectHeader", "QuickFilter", "Register", "key_of"]


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    id: uuid.UUID
    code: str
    head_name: str
    head_id_number: str
    village: str
    group: str
    member_count: int
    legal_area_dm2: int
    unlicensed_area_dm2: int
    total_fen: int | None
    status: HouseholdStatus
    responsible: str
    updated_at: datetime

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status])

    @property
    def masked_id_number(self) -> str:
        # Stored numbers are normalised 18-character ones: mask without re-parsing.
        n = self.head_id_number
        return f"{n[:6]}{'*' * 8}{n[-4:]}" if len(n) == 18 else mask(n) if n else ""


@dataclass(frozen=True)
class ProjectHeader:
    id: uuid.UUID
    name: str
    code: str


class Register:
    """Read access to one project's household register, as ``viewer`` may see it.

    ``viewer`` (the signed-in operator) sees full ID numbers, and finds households by ID
    number or phone, only for the teams whose personal data they may view
    (``Action.VIEW_PERSONAL_DATA``, docs/personal-data.md); other households come masked and
    are found by code and name only. ``viewer`` None: no restriction (the whole register, for
    HQ tools and tests); the GUI always passes its operator.
    """

    def __init__(
        self, db: Database, viewer: Actor | None = None, *, restricted: bool = False
    ) -> None:
        self._db = db
        with db.session() as s:
            p = s.execute(select(m.Project.id, m.Project.name, m.Project.code).limit(1)).first()
            if p is None:
                raise LookupError("no project in this database")
            self.project = ProjectHeader(p.id, p.name, p.code)
            self.villages = tuple(
                Choice(r.id, r.name)
                for r in s.execute(
                    select(m.Village.id, m.Village.name)
                    .where(m.Village.project_id == p.id)
                    .order_by(m.Village.name)
                )
            )
            groups = s.execute(
                select(m.VillageGroup.id, m.VillageGroup.name, m.VillageGroup.village_id).order_by(
                    m.VillageGroup.name
                )
            ).all()
            self.groups: dict[uuid.UUID, tuple[Choice, ...]] = {}
            for g in groups:
                self.groups[g.village_id] = (
                    *self.groups.get(g.village_id, ()),
                    Choice(g.id, g.name),
                )
            self.teams = {
                r.id: r.name
                for r in s.execute(select(m.Team.id, m.Team.name).where(m.Team.project_id == p.id))
            }
            self.operators = tuple(
                Choice(r.id, r.name)
                for r in s.execute(
                    select(m.Operator.id, m.Operator.name)
                    .where(m.Operator.project_id == p.id)
                    .order_by(m.Operator.name)
                )
            )
        self._names: dict[uuid.UUID, str] = {v.id: v.name for v in self.villages}
        self._names.update({g.id: g.name for gs in self.groups.values() for g in gs})
        self._names.update({o.id: o.name for o in self.operators})
        self._names_by_key = {k.hex: v for k, v in self._names.items()}
        self._full_teams = _full_teams(viewer, self.teams) if viewer or restricted else None
        self.index = RegisterIndex(db, self.project.id, self._names_by_key, self._full_teams)

    def shows_in_full(self, team_id: uuid.UUID | None) -> bool:
        """Does the viewer see this team's households' personal data in full?"""
        return self._full_teams is None or key_of(team_id) in self._full_teams

    def select(
        self,
        text: str = "",
        quick: QuickFilter | None = None,
        sort: str = "code",
        descending: bool = False,
    ) -> list[int]:
        """Row numbers of the households to show (see ``RegisterIndex.select``)."""
        return self.index.select(text, quick or QuickFilter(), sort, descending)

    def key(self, row: int) -> str:
        return self.index.keys[row]

    def refresh(self, household_ids: Sequence[uuid.UUID]) -> None:
        self.index.refresh(household_ids)

    def total(self) -> int:
        return len(self.index)

    def rows(self, keys: Sequence[str]) -> list[HouseholdRow]:
        """The rows for ``keys``, in the same order; households no longer present are left out.

        Plain SQL with untyped results, as in the index: this runs for every page scrolled.
        """
        ids = [uuid.UUID(hex=k) for k in keys]
        if not ids:
            return []
        sql = text(
            "SELECT id, code, head_name, head_id_number, village_id, group_id, member_count, "
            "legal_area_dm2, unlicensed_area_dm2, total_fen, status, responsible_id, updated_at, "
            "team_id FROM household WHERE id IN :ids"
        ).bindparams(bindparam("ids", type_=Uuid(), expanding=True))
        with self._db.engine.connect() as conn:
            found = {key_of(r[0]): r for r in conn.execute(sql, {"ids": ids})}
        names = self._names_by_key
        full = self._full_teams
        out: list[HouseholdRow] = []
        for k, hid in zip(keys, ids, strict=True):
            r = found.get(k)
            if r is None:
                continue
            out.append(
                HouseholdRow(
                    id=hid,
                    code=r[1],
                    head_name=r[2],
                    head_id_number=(
                        r[3] if full is None or key_of(r[13]) in full else public_id_number(r[3])
                    ),
                    village=names.get(key_of(r[4]), ""),
                    group=names.get(key_of(r[5]), ""),
                    member_count=r[6],
                    legal_area_dm2=r[7],
                    unlicensed_area_dm2=r[8],
                    total_fen=r[9],
                    status=HouseholdStatus(r[10]),
                    responsible=names.get(key_of(r[11]), ""),
                    updated_at=_aware(r[12]),
                )
            )
        return out


def _full_teams(viewer: Actor | None, teams: dict[uuid.UUID, str]) -> frozenset[str]:
    """Keys of the teams whose personal data ``viewer`` may see in full."""
    return frozenset(key_of(tid) for tid in teams if may(viewer, Action.VIEW_PERSONAL_DATA, tid))


def _aware(value: datetime | str) -> datetime:
    """A stored UTC time as an aware datetime (SQLite gives text, PostgreSQL a datetime)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
