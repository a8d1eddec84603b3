"""Posting wall notices (公示上墙), verifying them, and objections to them.

A notice round freezes the public rows of every household of a village (or group) that is at
the right stage for its kind, marks each row new / changed (with old → new values) / removed
against the previous round of the same scope and kind, and stores a SHA-256 of the canonical
snapshot and a short verification code derived from it. A posted round is never updated
(DOMAIN rule 3) except for its print count; a correction is the next round.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ...domain import limits
from ...domain.audit_chain import changed_fields, field_digests
from ...domain.notice import (
    COLUMN_LABELS,
    COMPARED_FIELDS,
    FIGURE_FIELDS,
    compare_rows,
    money_columns,
    normalise_code,
    snapshot_hash,
    verification_code,
)
from ...domain.status import HouseholdStatus, NoticeKind, Role
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..access import Action, household_team, require, village_team
from ..audit import audit_seal
from ..clock import project_zone, utc_now
from ..errors import UserError
from ..households.files import check_source, files_folder, store_copy
from ..households.service import OperatorRef, project_id_of
from ..progress_report import Progress, ensure
from ..settings import is_demo, setting_value
from ..stored_files import record_file
from .rows import CurrentRow, current_rows

__all__ = [
    "KIND_TITLES",
    "NoticeError",
    "NoticeService",
    "ObjectionView",
    "RoundRow",
    "RoundView",
    "VerifyDifference",
    "VerifyResult",
]

KIND_TITLES = {
    NoticeKind.SURVEY: "调查结果公示",
    NoticeKind.COMPENSATION: "补偿结果公示",
    NoticeKind.SIGNED: "签约公示",
    NoticeKind.RESETTLEMENT: "选房结果公示",
}
DEFAULT_DAYS = 7
WRITE_CHUNK = 500  # notice rows added (and a progress step) at a time
# Days to answer an objection (setting ``objection_reply_days``), as county schemes commonly set.
OBJECTION_REPLY_DAYS = 15


class NoticeError(UserError):
    """A user error in a notice use case (translated ``message``); nothing was written."""


@dataclass(frozen=True)
class RoundRow:
    seq: int
    household_id: uuid.UUID
    change_mark: str  # new, changed, removed, ""
    data: dict[str, Any]  # public figures; "changes": {field: [old, new]} on changed rows


@dataclass(frozen=True)
class RoundView:
    id: uuid.UUID
    project_name: str
    village_name: str
    group_name: str
    kind: NoticeKind
    round_no: int
    posted_from: date
    posted_to: date
    objection_place: str
    objection_until: date | None
    issuing_team: str
    verification_code: str
    snapshot_hash: str
    created_on: date  # local date the round was posted (printed as the issue date)
    columns: tuple[str, ...]  # money columns (keys of COLUMN_LABELS)
    rows: tuple[RoundRow, ...]
    previous_round_no: int | None
    print_count: int
    reprint: bool = False  # post_or_reprint returned the last round unchanged
    demo: bool = False  # the demo project's: printed with the 演示数据 mark

    @property
    def title_kind(self) -> str:
        return _(KIND_TITLES[self.kind])

    @property
    def qr_text(self) -> str:
        return f"RDN:{self.verification_code}"

    def column_label(self, column: str) -> str:
        return _(COLUMN_LABELS[column])


@dataclass(frozen=True)
class VerifyDifference:
    household_id: uuid.UUID
    code: str
    head_name: str
    field: str
    posted: Any
    current: Any


@dataclass(frozen=True)
class AlteredRow:
    """A row of a tampered round whose stored values no longer give their digests at posting."""

    household_id: uuid.UUID
    code: str
    head_name: str
    fields: tuple[str, ...]  # data keys, or "change_mark"


@dataclass(frozen=True)
class VerifyResult:
    code: str
    found: bool
    hash_ok: bool = False
    round: RoundView | None = None
    latest_round_no: int | None = None
    differences: list[VerifyDifference] = field(default_factory=list)
    altered: list[AlteredRow] = field(default_factory=list)  # when not hash_ok, if known

    @property
    def matches(self) -> bool:
        return self.found and self.hash_ok and not self.differences


@dataclass(frozen=True)
class ObjectionView:
    id: uuid.UUID
    household_id: uuid.UUID
    household_code: str
    head_name: str
    round_id: uuid.UUID | None
    subject: str
    text: str
    received_on: date
    deadline: date | None
    status: str
    outcome_reason: str
    needs_recalculation: bool = False


def scope_key(village_id: uuid.UUID, group_id: uuid.UUID | None) -> str:
    return str(village_id) if group_id is None else f"{village_id}/{group_id}"


def round_header(r: m.NoticeRound) -> dict[str, Any]:
    """The stored facts of a round that its hash covers (ids, not names: a renamed village
    must not break verification)."""

    def s(v: Any) -> str | None:
        return None if v is None else str(v)

    return {
        "project_id": s(r.project_id),
        "village_id": s(r.village_id),
        "group_id": s(r.group_id),
        "kind": r.kind,
        "round_no": r.round_no,
        "previous_round_id": s(r.previous_round_id),
        "posted_from": r.posted_from.isoformat(),
        "posted_to": r.posted_to.isoformat(),
        "objection_place": r.objection_place,
        "objection_until": s(r.objection_until and r.objection_until.isoformat()),
        "issuing_team_id": s(r.issuing_team_id),
    }


def hashed_rows(rows: list[tuple[int, uuid.UUID | str, str, Any]]) -> list[dict[str, Any]]:
    """``[(seq, household_id, change_mark, data)]`` as the hash sees them, in seq order."""
    return [
        {"seq": seq, "household_id": str(uuid.UUID(str(hid))), "change_mark": mark, "data": data}
        for seq, hid, mark, data in sorted(rows, key=lambda r: r[0])
    ]


def _public(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "changes"}


def objection_view(o: m.Objection, code: str, head_name: str) -> ObjectionView:
    return ObjectionView(
        id=o.id,
        household_id=o.household_id,
        household_code=code,
        head_name=head_name,
        round_id=o.round_id,
        subject=o.subject,
        text=o.text,
        received_on=o.received_on,
        deadline=o.deadline,
        status=o.status,
        outcome_reason=o.outcome_reason,
        needs_recalculation=o.status == "upheld",
    )


class NoticeService:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator

    def _require(self, action: Action, team_id: uuid.UUID | None) -> None:
        """The permission check of every use case here: the village's or household's team."""
        require(self._operator, action, team_id)

    # --- posting -----------------------------------------------------------------------------

    def post_round(
        self,
        village_id: uuid.UUID,
        kind: NoticeKind,
        *,
        group_id: uuid.UUID | None = None,
        posted_from: date,
        days: int | None = None,
        objection_place: str,
        objection_until: date | None = None,
        progress: Progress | None = None,
    ) -> RoundView:
        """Post a new round of the scope and kind (always; see :meth:`post_or_reprint`)."""
        return self._post(
            village_id, kind, group_id, posted_from, days, objection_place, objection_until,
            reprint_if_same=False, progress=progress,
        )  # fmt: skip

    def post_or_reprint(
        self,
        village_id: uuid.UUID,
        kind: NoticeKind,
        *,
        group_id: uuid.UUID | None = None,
        posted_from: date,
        days: int | None = None,
        objection_place: str,
        objection_until: date | None = None,
        progress: Progress | None = None,
    ) -> RoundView:
        """The last round of the scope and kind if no public figure changed since (``reprint``
        is then True), else a new round.

        ``progress`` hears how far reading and writing the rows are; a cancel stops the work
        and rolls the transaction back (nothing posted) until the commit begins."""
        return self._post(
            village_id, kind, group_id, posted_from, days, objection_place, objection_until,
            reprint_if_same=True, progress=progress,
        )  # fmt: skip

    def _post(
        self,
        village_id: uuid.UUID,
        kind: NoticeKind,
        group_id: uuid.UUID | None,
        posted_from: date,
        days: int | None,
        objection_place: str,
        objection_until: date | None,
        *,
        reprint_if_same: bool,
        progress: Progress | None = None,
    ) -> RoundView:
        kind = NoticeKind(kind)
        p = ensure(progress)
        op = self._operator
        place = objection_place.strip()
        if not place:
            raise NoticeError(_("请填写受理异议的地点（如村委会办公室）"))
        if len(place) > 200:
            raise NoticeError(_("受理异议的地点不能超过 200 个字"))
        try:
            limits.check_date(posted_from, _("公示开始日期"))
            if objection_until is not None:
                limits.check_date(objection_until, _("异议截止日期"))
        except limits.LimitError as exc:
            raise NoticeError(exc.reason) from None
        with self._db.session(immediate=True) as s, s.begin():
            project_id = project_id_of(s)
            village = s.get(m.Village, village_id)
            if village is None or village.project_id != project_id:
                raise NoticeError(_("找不到该村，请重新选择"))
            self._require(Action.POST_NOTICE, village.team_id)
            if group_id is not None:
                group = s.get(m.VillageGroup, group_id)
                if group is None or group.village_id != village_id:
                    raise NoticeError(_("该村民小组不属于{village}", village=village.name))
            key = scope_key(village_id, group_id)
            prev = s.scalar(
                select(m.NoticeRound)
                .where(
                    m.NoticeRound.project_id == project_id,
                    m.NoticeRound.scope_key == key,
                    m.NoticeRound.kind == kind.value,
                )
                .order_by(m.NoticeRound.round_no.desc())
                .limit(1)
            )
            current = current_rows(s, kind, village_id=village_id, group_id=group_id, progress=p)
            p.check()
            prev_rows = self._rows_of(s, prev) if prev is not None else {}
            posted = {h: r for h, r in prev_rows.items() if r.change_mark != "removed"}
            if prev is not None and reprint_if_same and _same(posted, current):
                p.check()
                return self._view(s, prev, reprint=True)
            if not current and not posted:
                raise NoticeError(
                    _(
                        "{scope}没有可以公示的户（{kind}需要相应的工作进度）",
                        scope=village.name,
                        kind=_(KIND_TITLES[kind]),
                    )
                )
            n_days = days if days is not None else self._default_days(s, project_id, kind)
            if n_days < 1:
                raise NoticeError(_("公示天数至少为 1 天"))
            if n_days > 366:
                raise NoticeError(_("公示天数最多为 366 天；请核对天数"))
            posted_to = posted_from + timedelta(days=n_days - 1)
            if objection_until is not None and objection_until < posted_from:
                raise NoticeError(_("异议截止日期不能早于公示开始日期"))
            now = utc_now()
            rnd = m.NoticeRound(
                id=uuid.uuid4(),
                project_id=project_id,
                village_id=village_id,
                group_id=group_id,
                scope_key=key,
                kind=kind.value,
                round_no=(prev.round_no + 1) if prev is not None else 1,
                previous_round_id=prev.id if prev is not None else None,
                posted_from=posted_from,
                posted_to=posted_to,
                objection_place=place,
                objection_until=objection_until or posted_to,
                issuing_team_id=(op.team_id if op is not None and op.team_id else village.team_id),
                created_at=now,
                created_by=op.id if op is not None else None,
                print_count=0,
            )
            rows = _marked_rows(current, posted, first=prev is None)
            header = round_header(rnd)
            digest = snapshot_hash(header, hashed_rows(rows))
            rnd.snapshot_hash = digest
            rnd.verification_code = verification_code(digest)
            s.add(rnd)
            s.flush()
            writing = _("正在写入公示名单…")
            for start in range(0, len(rows), WRITE_CHUNK):
                p.check()
                p(start, len(rows), writing)
                s.add_all(
                    m.NoticeRow(
                        id=uuid.uuid4(),
                        round_id=rnd.id,
                        household_id=hid,
                        seq=seq,
                        change_mark=mark,
                        data=data,
                        field_digests=field_digests(mark, data),
                    )
                    for seq, hid, mark, data in rows[start : start + WRITE_CHUNK]
                )
            marks = {str(hid): mark for _seq, hid, mark, _d in rows if mark}
            self._audit(
                s, now, "post", "notice_round", rnd.id, None,
                after={
                    "kind": kind.value, "scope": key, "round_no": rnd.round_no,
                    "rows": len(rows), "verification_code": rnd.verification_code,
                    "snapshot_hash": digest, "marks": marks,
                },
                note=f"{village.name} {KIND_TITLES[kind]} 第{rnd.round_no}轮",
                seal=digest,  # the posted round's snapshot hash, sealed into the audit chain
            )  # fmt: skip
            if kind is NoticeKind.COMPENSATION:
                self._mark_noticed(s, [hid for hid in current], now, rnd.round_no)
            p(len(rows), len(rows), writing)
            s.flush()
            p.check()  # the last moment at which nothing of the round is saved
            p.cannot_cancel(_("正在保存这一轮公示，保存完成前不能取消。"))
            return self._view(s, rnd)

    def _mark_noticed(self, s: Session, ids: list[uuid.UUID], now: datetime, round_no: int) -> None:
        """Checked households on a compensation notice are now 已公示."""
        checked = HouseholdStatus.CHECKED.value
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            moved = list(
                s.scalars(
                    select(m.Household.id).where(
                        m.Household.id.in_(chunk), m.Household.status == checked
                    )
                )
            )
            if not moved:
                continue
            s.execute(
                update(m.Household)
                .where(m.Household.id.in_(moved))
                .values(
                    status=HouseholdStatus.NOTICED.value,
                    status_changed_at=now,
                    row_version=m.Household.row_version + 1,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            for hid in moved:
                self._audit(
                    s, now, "update", "household", hid, hid,
                    before={"status": checked}, after={"status": HouseholdStatus.NOTICED.value},
                    note=f"公示第{round_no}轮",
                )  # fmt: skip

    def _default_days(self, s: Session, project_id: uuid.UUID, kind: NoticeKind) -> int:
        """``notice_period_days`` of the project settings, else of the newest published
        scheme version's params (a number, or one per kind), else 7."""
        sources: list[Any] = [setting_value(s, project_id, "notice_period_days")]
        params = s.scalar(
            select(m.SchemeVersion.params)
            .join(m.Scheme, m.Scheme.id == m.SchemeVersion.scheme_id)
            .where(m.Scheme.project_id == project_id, m.SchemeVersion.status == "published")
            .order_by(m.SchemeVersion.effective_date.desc())
            .limit(1)
        )
        if isinstance(params, dict):
            sources.insert(0, params.get("notice_period_days"))
        for value in sources:
            if isinstance(value, dict):
                value = value.get(kind.value)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
        return DEFAULT_DAYS

    # --- reading -----------------------------------------------------------------------------

    def get_round(self, round_id: uuid.UUID) -> RoundView:
        with self._db.session() as s:
            rnd = s.get(m.NoticeRound, round_id)
            if rnd is None:
                raise NoticeError(_("找不到该公示轮次"))
            return self._view(s, rnd)

    def record_print(self, round_id: uuid.UUID, *, copies: int = 1, note: str = "") -> int:
        """Count a print (or PDF) of a round and log it; returns the new print count."""
        with self._db.session(immediate=True) as s, s.begin():
            rnd = s.get(m.NoticeRound, round_id)
            if rnd is None:
                raise NoticeError(_("找不到该公示轮次"))
            self._require(Action.POST_NOTICE, village_team(s, rnd.village_id))
            before = rnd.print_count
            s.execute(
                update(m.NoticeRound)
                .where(m.NoticeRound.id == round_id)
                .values(print_count=m.NoticeRound.print_count + copies)
            )
            self._audit(
                s, utc_now(), "print", "notice_round", round_id, None,
                before={"print_count": before}, after={"print_count": before + copies},
                note=note or f"第{rnd.round_no}轮 {rnd.verification_code}",
            )  # fmt: skip
            return before + copies

    def verify(self, code: str) -> VerifyResult:
        """Look a verification code up: does the round exist, does its stored snapshot still
        hash to what was posted, and whose current figures differ from the posted ones."""
        norm = normalise_code(code)
        if norm is None:
            return VerifyResult(code=code.strip(), found=False)
        with self._db.session() as s:
            rnd = s.scalar(select(m.NoticeRound).where(m.NoticeRound.verification_code == norm))
            if rnd is None:
                return VerifyResult(code=norm, found=False)
            stored = self._rows_of(s, rnd)
            rows = [(r.seq, r.household_id, r.change_mark, r.data) for r in stored.values()]
            digest = snapshot_hash(round_header(rnd), hashed_rows(rows))
            sealed = audit_seal(s, "notice_round", rnd.id, frozenset({"post"}))
            hash_ok = (
                digest == rnd.snapshot_hash
                and verification_code(digest) == norm
                and (not sealed or sealed == digest)
            )
            altered = [] if hash_ok else _altered_rows(s, rnd.id)
            latest = s.scalar(
                select(func.max(m.NoticeRound.round_no)).where(
                    m.NoticeRound.project_id == rnd.project_id,
                    m.NoticeRound.scope_key == rnd.scope_key,
                    m.NoticeRound.kind == rnd.kind,
                )
            )
            posted = {h: r for h, r in stored.items() if r.change_mark != "removed"}
            now = current_rows(s, NoticeKind(rnd.kind), household_ids=list(posted))
            diffs: list[VerifyDifference] = []
            for hid, r in sorted(posted.items(), key=lambda kv: kv[1].seq):
                cur = now.get(hid)
                code_, name = r.data.get("code", ""), r.data.get("head_name", "")
                if cur is None:
                    diffs.append(VerifyDifference(hid, code_, name, "listed", True, False))
                    continue
                for ch in compare_rows(_public(r.data), cur.data):
                    diffs.append(VerifyDifference(hid, code_, name, ch.field, ch.old, ch.new))
            return VerifyResult(
                code=norm,
                found=True,
                hash_ok=hash_ok,
                round=self._view(s, rnd),
                latest_round_no=latest,
                differences=diffs,
                altered=altered,
            )

    def needs_renotice(
        self, household_id: uuid.UUID, kind: NoticeKind = NoticeKind.COMPENSATION
    ) -> bool:
        """True if the household's current public figures are not on the latest round that
        lists it (never posted, posted differently, removed, or an upheld objection since)."""
        kind = NoticeKind(kind)
        with self._db.session() as s:
            found = s.execute(
                select(m.NoticeRow, m.NoticeRound.created_at)
                .join(m.NoticeRound, m.NoticeRound.id == m.NoticeRow.round_id)
                .where(m.NoticeRow.household_id == household_id, m.NoticeRound.kind == kind.value)
                .order_by(m.NoticeRound.created_at.desc(), m.NoticeRound.round_no.desc())
                .limit(1)
            ).first()
            if found is None:
                return True
            row, posted_at = found
            if row.change_mark == "removed":
                return True
            upheld = s.scalar(
                select(func.count())
                .select_from(m.Objection)
                .where(
                    m.Objection.household_id == household_id,
                    m.Objection.status == "upheld",
                    m.Objection.decided_at > posted_at,
                )
            )
            if upheld:
                return True
            cur = current_rows(s, kind, household_ids=[household_id]).get(household_id)
            fields = COMPARED_FIELDS if kind is NoticeKind.RESETTLEMENT else FIGURE_FIELDS
            return cur is None or bool(compare_rows(_public(row.data), cur.data, fields))

    # --- proof of posting --------------------------------------------------------------------

    def attach_photo(self, round_id: uuid.UUID, path: Path, taken_on: date | None) -> uuid.UUID:
        """Store a photo of the posted notice (same content store as household photos)."""
        source = Path(path)
        check_source(source)
        with self._db.session() as s:
            rnd = s.get(m.NoticeRound, round_id)
            if rnd is None:
                raise NoticeError(_("找不到该公示轮次"))
            self._require(Action.POST_NOTICE, village_team(s, rnd.village_id))
        sha, size, _stored = store_copy(files_folder(self._db), source)
        op = self._operator
        with self._db.session(immediate=True) as s, s.begin():
            row, _created = record_file(
                s, owner={"notice_round_id": round_id}, kind="notice_photo",
                original_name=source.name, sha256=sha, size=size, operator=op,
                household_id=None, taken_on=taken_on,
                audit={"taken_on": taken_on.isoformat() if taken_on else None},
            )  # fmt: skip
            return row.id

    def photos(self, round_id: uuid.UUID) -> list[tuple[uuid.UUID, str, str, date | None]]:
        """``(id, original name, sha256, taken on)`` of the round's photos."""
        with self._db.session() as s:
            return [
                (f.id, f.original_name, f.sha256, f.taken_on)
                for f in s.scalars(
                    select(m.StoredFile)
                    .where(m.StoredFile.notice_round_id == round_id)
                    .order_by(m.StoredFile.added_at)
                )
            ]

    # --- objections --------------------------------------------------------------------------

    def record_objection(
        self,
        household_id: uuid.UUID,
        round_id: uuid.UUID,
        subject: str,
        text: str,
        received_on: date,
    ) -> ObjectionView:
        """Register a villager's objection to a posted round. After the round's objection
        deadline only HQ may register one (a late objection HQ decided to hear)."""
        if not text.strip():
            raise NoticeError(_("请填写异议内容"))
        if len(subject) > 200:
            raise NoticeError(_("异议事项不能超过 200 个字"))
        op = self._operator
        with self._db.session(immediate=True) as s, s.begin():
            self._require(Action.HANDLE_OBJECTION, household_team(s, household_id))
            rnd = s.get(m.NoticeRound, round_id)
            if rnd is None:
                raise NoticeError(_("找不到该公示轮次"))
            on_round = s.scalar(
                select(m.NoticeRow.id).where(
                    m.NoticeRow.round_id == round_id, m.NoticeRow.household_id == household_id
                )
            )
            if on_round is None:
                raise NoticeError(_("该户不在这一轮公示名单上"))
            deadline = rnd.objection_until or rnd.posted_to
            if received_on < rnd.posted_from:
                raise NoticeError(
                    _("收到日期早于公示开始日期 {start}，请核对", start=rnd.posted_from.isoformat())
                )
            hq = op is not None and op.role in (Role.HQ.value, Role.ADMIN.value)
            if received_on > deadline and not hq:
                raise NoticeError(
                    _(
                        "异议受理期已于 {deadline} 截止（第 {n} 轮公示），不能再登记；"
                        "如确需受理，请由指挥部登记",
                        deadline=deadline.isoformat(),
                        n=rnd.round_no,
                    )
                )
            now = utc_now()
            reply_days = setting_value(s, rnd.project_id, "objection_reply_days")
            if not isinstance(reply_days, int) or isinstance(reply_days, bool) or reply_days < 1:
                reply_days = OBJECTION_REPLY_DAYS
            obj = m.Objection(
                id=uuid.uuid4(),
                household_id=household_id,
                round_id=round_id,
                subject=subject.strip(),
                text=text.strip(),
                received_on=received_on,
                # The objection's own deadline is for answering it (限时答复), not the round's
                # last day for receiving objections (checked above).
                deadline=received_on + timedelta(days=reply_days),
                status="open",
                created_at=now,
                updated_at=now,
            )
            s.add(obj)
            s.flush()
            self._audit(
                s, now, "create", "objection", obj.id, household_id,
                after={"round_id": str(round_id), "subject": obj.subject,
                       "received_on": received_on.isoformat(), "late": received_on > deadline},
                note=obj.subject,
            )  # fmt: skip
            return self._objection_view(s, obj)

    def decide_objection(
        self, objection_id: uuid.UUID, upheld: bool, reason: str = ""
    ) -> ObjectionView:
        """Decide an open objection. Upheld: the household needs a recalculation and a new
        notice round (``needs_recalculation`` on the result; ``needs_renotice`` turns True).
        Rejected needs a reason the villager is told."""
        reason = reason.strip()
        if not upheld and not reason:
            raise NoticeError(_("驳回异议必须写明理由"))
        op = self._operator
        with self._db.session(immediate=True) as s, s.begin():
            obj = s.get(m.Objection, objection_id)
            if obj is None:
                raise NoticeError(_("找不到该异议"))
            self._require(Action.HANDLE_OBJECTION, household_team(s, obj.household_id))
            if obj.status != "open":
                raise NoticeError(_("该异议已经处理过，不能再次处理"))
            now = utc_now()
            obj.status = "upheld" if upheld else "rejected"
            obj.outcome_reason = reason
            obj.decided_at = now
            obj.decided_by = op.id if op is not None else None
            obj.updated_at = now
            self._audit(
                s, now, "decide", "objection", obj.id, obj.household_id,
                before={"status": "open"},
                after={"status": obj.status, "reason": reason},
                note=obj.subject,
            )  # fmt: skip
            s.flush()
            return self._objection_view(s, obj)

    def open_objections(self, village_id: uuid.UUID | None = None) -> list[ObjectionView]:
        with self._db.session() as s:
            q = (
                select(m.Objection)
                .join(m.Household, m.Household.id == m.Objection.household_id)
                .where(m.Objection.status == "open")
                .order_by(m.Objection.received_on, m.Household.code)
            )
            if village_id is not None:
                q = q.where(m.Household.village_id == village_id)
            return [self._objection_view(s, o) for o in s.scalars(q)]

    # --- helpers -----------------------------------------------------------------------------

    def _rows_of(self, s: Session, rnd: m.NoticeRound) -> dict[uuid.UUID, RoundRow]:
        return {
            r.household_id: RoundRow(r.seq, r.household_id, r.change_mark, r.data)
            for r in s.scalars(
                select(m.NoticeRow).where(m.NoticeRow.round_id == rnd.id).order_by(m.NoticeRow.seq)
            )
        }

    def _view(self, s: Session, rnd: m.NoticeRound, *, reprint: bool = False) -> RoundView:
        project = s.get(m.Project, rnd.project_id)
        village = s.get(m.Village, rnd.village_id)
        group = s.get(m.VillageGroup, rnd.group_id) if rnd.group_id is not None else None
        team = s.get(m.Team, rnd.issuing_team_id) if rnd.issuing_team_id is not None else None
        prev_no = None
        if rnd.previous_round_id is not None:
            prev_no = s.scalar(
                select(m.NoticeRound.round_no).where(m.NoticeRound.id == rnd.previous_round_id)
            )
        rows = tuple(sorted(self._rows_of(s, rnd).values(), key=lambda r: r.seq))
        live = [r.data for r in rows if r.change_mark != "removed"]
        kind = NoticeKind(rnd.kind)
        columns = tuple(money_columns(live)) if kind is not NoticeKind.SURVEY else ()
        return RoundView(
            id=rnd.id,
            project_name=project.name if project is not None else "",
            village_name=village.name if village is not None else "",
            group_name=group.name if group is not None else "",
            kind=kind,
            round_no=rnd.round_no,
            posted_from=rnd.posted_from,
            posted_to=rnd.posted_to,
            objection_place=rnd.objection_place,
            objection_until=rnd.objection_until,
            issuing_team=team.name if team is not None else "",
            verification_code=rnd.verification_code,
            snapshot_hash=rnd.snapshot_hash,
            created_on=rnd.created_at.astimezone(project_zone(s)).date(),
            columns=columns,
            rows=rows,
            previous_round_no=prev_no,
            print_count=rnd.print_count,
            reprint=reprint,
            demo=is_demo(s),
        )

    def _objection_view(self, s: Session, o: m.Objection) -> ObjectionView:
        hh = s.get(m.Household, o.household_id)
        return objection_view(o, hh.code if hh else "", hh.head_name if hh else "")

    def _audit(
        self,
        s: Session,
        at: datetime,
        action: str,
        entity: str,
        entity_id: uuid.UUID,
        household_id: uuid.UUID | None,
        *,
        before: Any = None,
        after: Any = None,
        note: str = "",
        seal: str = "",
    ) -> None:
        op = self._operator
        s.add(
            m.AuditLog(
                id=uuid.uuid4(),
                at=at,
                operator_id=op.id if op is not None else None,
                operator_login=op.login if op is not None else "",
                action=action,
                entity=entity,
                entity_id=str(entity_id),
                household_id=household_id,
                before=before,
                after=after,
                note=note,
                seal=seal,
            )
        )


def _altered_rows(s: Session, round_id: uuid.UUID) -> list[AlteredRow]:
    """The rows of a round whose values no longer give the digests stored when it was posted
    (domain.audit_chain.field_digests)."""
    out = []
    for r in s.scalars(
        select(m.NoticeRow).where(m.NoticeRow.round_id == round_id).order_by(m.NoticeRow.seq)
    ):
        data = r.data if isinstance(r.data, dict) else {}
        fields = changed_fields(r.field_digests, r.change_mark, data)
        if fields:
            out.append(
                AlteredRow(
                    r.household_id, str(data.get("code", "")), str(data.get("head_name", "")),
                    tuple(fields),
                )
            )  # fmt: skip
    return out


def _same(posted: dict[uuid.UUID, RoundRow], current: dict[uuid.UUID, CurrentRow]) -> bool:
    if posted.keys() != current.keys():
        return False
    return all(not compare_rows(_public(posted[h].data), current[h].data) for h in current)


def _marked_rows(
    current: dict[uuid.UUID, CurrentRow], posted: dict[uuid.UUID, RoundRow], *, first: bool
) -> list[tuple[int, uuid.UUID, str, dict[str, Any]]]:
    """Rows of the new round in print order (group, code), then removed ones."""
    out: list[tuple[int, uuid.UUID, str, dict[str, Any]]] = []
    ordered = sorted(current.values(), key=lambda r: (r.group_sort, r.code))
    for seq, cur in enumerate(ordered, start=1):
        data = dict(cur.data)
        old = posted.get(cur.household_id)
        mark = ""
        if old is None:
            mark = "" if first else "new"
        else:
            changes = compare_rows(_public(old.data), data)
            if changes:
                mark = "changed"
                data["changes"] = {c.field: [c.old, c.new] for c in changes}
        out.append((seq, cur.household_id, mark, data))
    gone = sorted(
        (r for h, r in posted.items() if h not in current),
        key=lambda r: (r.data.get("group", ""), r.data.get("code", "")),
    )
    for seq, r in enumerate(gone, start=len(out) + 1):
        out.append((seq, r.household_id, "removed", _public(r.data)))
    return out
