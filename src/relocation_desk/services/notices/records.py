"""What the notice windows list around the rounds themselves: a village's rounds with their
prints, photos and open objections; the rounds a household is on; how many households of a
scope a notice would list now; objections with their attachments.

Posting, verifying and deciding stay in :mod:`.notices`; this module reads, and stores the
files attached to an objection (same content store as household photos).
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.status import NoticeKind
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..access import Action, household_team, require
from ..clock import project_zone
from ..households.files import check_source, files_folder, store_copy, stored_path
from ..households.service import OperatorRef
from ..stored_files import record_file
from .rows import eligible
from .service import KIND_TITLES, NoticeError, ObjectionView, objection_view

__all__ = [
    "NoticeRecords",
    "RoundSummary",
    "ScopeSummary",
    "StoredFileRow",
]


@dataclass(frozen=True)
class RoundSummary:
    id: uuid.UUID
    village_id: uuid.UUID
    village_name: str
    group_name: str  # "" for the whole village
    kind: NoticeKind
    round_no: int
    posted_from: date
    posted_to: date
    objection_until: date
    verification_code: str
    created_on: date
    households: int  # listed (removed rows not counted)
    print_count: int
    photos: int
    open_objections: int

    @property
    def title(self) -> str:
        """``吴湾村一组 补偿结果公示 第 2 轮``"""
        return _(
            "{scope} {kind} 第 {n} 轮",
            scope=self.village_name + self.group_name,
            kind=_(KIND_TITLES[self.kind]),
            n=self.round_no,
        )


@dataclass(frozen=True)
class ScopeSummary:
    """Households of a village (or group) and how many a ``kind`` notice would list now by
    their stage of work (a compensation row also needs a checked calculation, which the
    posting itself checks)."""

    total: int
    at_stage: int
    waiting: dict[str, int]  # status → households not yet at the stage


@dataclass(frozen=True)
class StoredFileRow:
    id: uuid.UUID
    original_name: str
    taken_on: date | None
    added_at: datetime
    path: Path


class NoticeRecords:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator

    # --- rounds ------------------------------------------------------------------------------

    def rounds(self, village_id: uuid.UUID) -> list[RoundSummary]:
        """The village's rounds (whole village and its groups), newest first."""
        with self._db.session() as s:
            rounds = list(
                s.scalars(
                    select(m.NoticeRound)
                    .where(m.NoticeRound.village_id == village_id)
                    .order_by(m.NoticeRound.created_at.desc(), m.NoticeRound.round_no.desc())
                )
            )
            return self._summaries(s, rounds)

    def rounds_of_household(self, household_id: uuid.UUID) -> list[RoundSummary]:
        """Rounds that list the household (not as removed), newest first."""
        with self._db.session() as s:
            rounds = list(
                s.scalars(
                    select(m.NoticeRound)
                    .join(m.NoticeRow, m.NoticeRow.round_id == m.NoticeRound.id)
                    .where(
                        m.NoticeRow.household_id == household_id,
                        m.NoticeRow.change_mark != "removed",
                    )
                    .order_by(m.NoticeRound.created_at.desc(), m.NoticeRound.round_no.desc())
                )
            )
            return self._summaries(s, rounds)

    def _summaries(self, s: Session, rounds: list[m.NoticeRound]) -> list[RoundSummary]:
        if not rounds:
            return []
        ids = [r.id for r in rounds]
        listed = dict(
            s.execute(
                select(m.NoticeRow.round_id, func.count())
                .where(m.NoticeRow.round_id.in_(ids), m.NoticeRow.change_mark != "removed")
                .group_by(m.NoticeRow.round_id)
            ).all()
        )
        photos = dict(
            s.execute(
                select(m.StoredFile.notice_round_id, func.count())
                .where(m.StoredFile.notice_round_id.in_(ids))
                .group_by(m.StoredFile.notice_round_id)
            ).all()
        )
        objections = dict(
            s.execute(
                select(m.Objection.round_id, func.count())
                .where(m.Objection.round_id.in_(ids), m.Objection.status == "open")
                .group_by(m.Objection.round_id)
            ).all()
        )
        villages = {v.id: v.name for v in s.scalars(select(m.Village))}
        group_ids = {r.group_id for r in rounds if r.group_id is not None}
        groups = (
            dict(
                s.execute(
                    select(m.VillageGroup.id, m.VillageGroup.name).where(
                        m.VillageGroup.id.in_(group_ids)
                    )
                ).all()
            )
            if group_ids
            else {}
        )
        return [
            RoundSummary(
                id=r.id,
                village_id=r.village_id,
                village_name=villages.get(r.village_id, ""),
                group_name=groups.get(r.group_id, "") if r.group_id is not None else "",
                kind=NoticeKind(r.kind),
                round_no=r.round_no,
                posted_from=r.posted_from,
                posted_to=r.posted_to,
                objection_until=r.objection_until or r.posted_to,
                verification_code=r.verification_code,
                created_on=r.created_at.astimezone(project_zone(s)).date(),
                households=listed.get(r.id, 0),
                print_count=r.print_count,
                photos=photos.get(r.id, 0),
                open_objections=objections.get(r.id, 0),
            )
            for r in rounds
        ]

    def scope_summary(
        self, village_id: uuid.UUID, group_id: uuid.UUID | None, kind: NoticeKind
    ) -> ScopeSummary:
        kind = NoticeKind(kind)
        with self._db.session() as s:
            q = select(m.Household.status, func.count()).where(m.Household.village_id == village_id)
            if group_id is not None:
                q = q.where(m.Household.group_id == group_id)
            counts = Counter(dict(s.execute(q.group_by(m.Household.status)).all()))
        at_stage = sum(n for st, n in counts.items() if eligible(kind, st))
        waiting = {st: n for st, n in counts.items() if not eligible(kind, st)}
        return ScopeSummary(total=sum(counts.values()), at_stage=at_stage, waiting=waiting)

    def round_photos(self, round_id: uuid.UUID) -> list[StoredFileRow]:
        with self._db.session() as s:
            return self._files(s, m.StoredFile.notice_round_id == round_id)

    # --- objections --------------------------------------------------------------------------

    def objections(
        self, village_id: uuid.UUID, *, include_decided: bool = False
    ) -> list[ObjectionView]:
        """The village's objections, open ones first by deadline; decided ones (if asked
        for) after them, newest decision first."""
        with self._db.session() as s:
            q = (
                select(m.Objection, m.Household.code, m.Household.head_name)
                .join(m.Household, m.Household.id == m.Objection.household_id)
                .where(m.Household.village_id == village_id)
            )
            if not include_decided:
                q = q.where(m.Objection.status == "open")
            rows = s.execute(q).all()
        views = [objection_view(o, code, name) for o, code, name in rows]
        decided_at = {o.id: o.decided_at for o, _c, _n in rows}
        open_ = sorted(
            (v for v in views if v.status == "open"),
            key=lambda v: (v.deadline or date.max, v.received_on, v.household_code),
        )
        done = sorted(
            (v for v in views if v.status != "open"),
            key=lambda v: decided_at[v.id] or datetime.min.replace(tzinfo=UTC),
            reverse=True,
        )
        return open_ + done

    def attach_objection_file(self, objection_id: uuid.UUID, path: Path) -> uuid.UUID:
        """Store a file the villager handed in with the objection (a photo, a scan)."""
        source = Path(path)
        check_source(source)
        with self._db.session() as s:
            found = s.get(m.Objection, objection_id)
            if found is None:
                raise NoticeError(_("找不到该异议"))
            require(self._operator, Action.HANDLE_OBJECTION, household_team(s, found.household_id))
        sha, size, _stored = store_copy(files_folder(self._db), source)
        op = self._operator
        with self._db.session(immediate=True) as s, s.begin():
            obj = s.get(m.Objection, objection_id)
            if obj is None:
                raise NoticeError(_("找不到该异议"))
            row, _created = record_file(
                s, owner={"objection_id": objection_id}, kind="document",
                original_name=source.name, sha256=sha, size=size, operator=op,
                household_id=obj.household_id,
            )  # fmt: skip
            return row.id

    def objection_files(self, objection_id: uuid.UUID) -> list[StoredFileRow]:
        with self._db.session() as s:
            return self._files(s, m.StoredFile.objection_id == objection_id)

    def _files(self, s: Session, where: object) -> list[StoredFileRow]:
        folder = files_folder(self._db)
        return [
            StoredFileRow(
                id=f.id,
                original_name=f.original_name,
                taken_on=f.taken_on,
                added_at=f.added_at,
                path=stored_path(folder, f.sha256, f.original_name),
            )
            for f in s.scalars(
                select(m.StoredFile).where(where).order_by(m.StoredFile.added_at)  # type: ignore[arg-type]
            )
        ]
