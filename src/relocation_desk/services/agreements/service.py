"""Compensation agreements (协议): readiness, numbering, printing, signing, supplementary
agreements and reprints (DOMAIN rules 3, 4, 5, 7, 8).

* :meth:`AgreementService.readiness` lists, in Chinese, everything that stops a household's
  agreement from printing (each says what is missing and where to fix it): an art. 25 item
  without data, no checked calculation, figures not yet posted on a notice round, a signing
  date whose bonus window differs from the calculation's, a household already signed.
* :meth:`prepare` makes (or brings up to date) the household's draft agreement and returns
  what to print; :meth:`record_print` counts a print. **Numbers** are issued when a draft is
  first prepared (the number is on the paper the household signs): from a gap-free sequence
  per project and kind, never reused — a draft keeps its number through later revisions, and
  a draft that is never signed keeps it too, so every number is accounted for. A draft
  whose figures change before signing gets ``revision`` + 1 (printed as 第 n 稿) and an audit
  row with the old and new totals.
* :meth:`sign` records the date, witness, operator, scheme and calculation versions and the
  deadlines; the household becomes 已签约 and the agreement never changes again. Printing a
  signed agreement is a reprint of the stored content, marked 副本/重印（第 n 次）, counted
  and audited.
* :meth:`supplementary` opens a supplementary agreement (补充协议) with its own number (its
  own sequence, format setting ``supplementary_number_format``, default the main format with
  补 after the prefix). While one is open the household's compensation data may be edited
  again; when the new figures are computed, checked and posted, it is prepared, printed
  and signed like the main agreement and shows old and new figures and the difference.

Settings read: ``agreement_number_format``, ``supplementary_number_format``,
``agreement_template`` and ``agreement_values`` (see :mod:`.agreement_content`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...domain import limits
from ...domain.scheme import Scheme
from ...domain.status import STATUS_LABELS, HouseholdStatus, NoticeKind
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..access import Action, require_for_household
from ..audit import seal_record
from ..calculation.inputs import SchemeBook
from ..clock import project_today, utc_now
from ..errors import UserError
from ..households.service import OperatorRef, household_by_code, project_id_of
from ..notices.service import NoticeService
from ..personal_exports import write_with_audit
from ..settings import is_demo, setting_value, sign_deadline
from . import content as ac
from .facts import BonusStatus, bonus_statuses, current_calc, gather

__all__ = [
    "AgreementError",
    "AgreementService",
    "AgreementState",
    "AgreementView",
    "BonusStatus",
    "NotReady",
    "SignFirstRow",
]


def imported_not_printed() -> str:
    """Why an agreement imported from a ledger is not printed."""
    return _("历史协议由台账导入，本程序不重印；如需变更请签订补充协议")


_SIGNED_STAGES = {
    HouseholdStatus.SIGNED.value,
    HouseholdStatus.PAID.value,
    HouseholdStatus.VACATED.value,
    HouseholdStatus.DEMOLISHED.value,
}


class AgreementError(UserError):
    """An agreement action the rules do not allow; the message says why, in Chinese."""


class NotReady(AgreementError):
    """The agreement cannot be printed or signed yet; ``problems`` lists every reason."""

    def __init__(self, problems: list[str], heading: str) -> None:
        self.problems = problems
        super().__init__(heading + "\n" + "\n".join(f"· {p}" for p in problems))


@dataclass(frozen=True)
class AgreementView:
    id: uuid.UUID
    household_id: uuid.UUID
    household_code: str
    kind: str  # main, supplementary
    number: str
    status: str  # draft, signed
    content: dict[str, Any]
    total_fen: int
    signed_on: date | None
    witnessed_by: str
    print_count: int
    revision: int
    reprint_no: int = 0  # > 0: this print is a reprint of a signed agreement (第 n 次)
    parent_number: str = ""
    origin: str = "desk"  # desk; ledger: signed before the desk arrived, imported as history
    recorded_total_fen: int | None = None  # ledger: the amount the ledger records
    demo: bool = False  # the demo project's: printed with the 演示数据 mark

    @property
    def signed(self) -> bool:
        return self.status == "signed"


@dataclass(frozen=True)
class AgreementState:
    """What the agreement dialog shows for one household."""

    household_id: uuid.UUID
    household_code: str
    head_name: str
    status: str
    status_label: str
    main: AgreementView | None
    supplementaries: list[AgreementView]
    problems: list[str]
    reprints: int
    bonuses: list[BonusStatus] = field(default_factory=list)

    @property
    def signed(self) -> bool:
        return self.main is not None and self.main.signed

    @property
    def open_supplementary(self) -> AgreementView | None:
        return next((a for a in self.supplementaries if not a.signed), None)


@dataclass(frozen=True)
class SignFirstRow:
    """A cadre or cadre-relative household (DOMAIN rule 7) and its signing state."""

    household_id: uuid.UUID
    code: str
    head_name: str
    cadres: str  # "张三（村支书）；李四（干部亲属）"
    status_label: str
    signed_on: date | None
    number: str
    before_deadline: bool | None  # None: not signed or no deadline set


class AgreementService:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator

    def _require(self, s: Session, action: Action, household_id: uuid.UUID) -> None:
        """The permission check of every use case here: on the household's team."""
        require_for_household(s, self._operator, action, household_id)

    # --- reading ---------------------------------------------------------------------------

    def household_id(self, code: str) -> uuid.UUID:
        with self._db.session() as s:
            found = household_by_code(s, code)
        if found is None:
            raise AgreementError(_("找不到户号为 {code} 的户", code=code))
        return found

    def state(self, household_id: uuid.UUID, *, on: date | None = None) -> AgreementState:
        day = on or project_today(self._db)
        problems = self.readiness(household_id, on=day)
        with self._db.session() as s:
            hh = _household(s, household_id)
            rows = _agreements(s, household_id)
            main = next((a for a in rows if a.kind == "main"), None)
            supps = [a for a in rows if a.kind == "supplementary"]
            reprints = _reprint_count(s, [a.id for a in rows])
            views = {a.id: _view(s, a) for a in rows}
            bonuses = self._bonuses(s, household_id, main, day)
            return AgreementState(
                household_id=hh.id,
                household_code=hh.code,
                head_name=hh.head_name,
                status=hh.status,
                status_label=_(STATUS_LABELS[HouseholdStatus(hh.status)]),
                main=views[main.id] if main is not None else None,
                supplementaries=[views[a.id] for a in supps],
                problems=problems,
                reprints=reprints,
                bonuses=bonuses,
            )

    def get(self, agreement_id: uuid.UUID) -> AgreementView:
        with self._db.session() as s:
            a = s.get(m.Agreement, agreement_id)
            if a is None:
                raise AgreementError(_("找不到该协议"))
            return _view(s, a)

    def readiness(self, household_id: uuid.UUID, *, on: date | None = None) -> list[str]:
        """Everything that stops the household's agreement (or its open supplementary
        agreement) from printing and signing on ``on`` (default today); empty when ready."""
        day = on or project_today(self._db)
        with self._db.session() as s:
            hh = s.get(m.Household, household_id)
            if hh is None:
                return [_("找不到该户，可能已被删除")]
            rows = _agreements(s, household_id)
            main = next((a for a in rows if a.kind == "main"), None)
            open_supp = next(
                (a for a in rows if a.kind == "supplementary" and a.status == "draft"), None
            )
            if main is not None and main.status == "signed" and open_supp is None:
                return [
                    _(
                        "该户已于 {day} 签约（协议编号 {number}），协议不能再改；补偿内容如有变更，只能签订补充协议（“补充协议…”）",
                        day=main.signed_on.isoformat() if main.signed_on else "",
                        number=main.number,
                    )
                ]
            if hh.status == HouseholdStatus.DECISION.value:
                return [_("该户已作出补偿决定，不能再签订协议")]
            problems, facts = self._facts(s, hh, day)
            if open_supp is not None and main is not None:
                in_force = _in_force(rows)
                calc_id = facts.calculation_id if facts is not None else ""
                if in_force is not None and calc_id == str(in_force.calculation_id):
                    problems.append(
                        _("补充协议需要新的核算结果：请先修改该户数据，重新核算、复核并公示（当前核算与已签协议相同）")
                    )  # fmt: skip
        if NoticeService(self._db, self._operator).needs_renotice(
            household_id, NoticeKind.COMPENSATION
        ):
            problems.append(
                _("该户当前的补偿数据尚未在公示中张榜（或公示后又有变化、异议成立）：请先发布新一轮补偿公示（菜单“公示”）")
            )  # fmt: skip
        return problems

    # --- printing --------------------------------------------------------------------------

    def prepare(self, household_id: uuid.UUID, *, on: date | None = None) -> AgreementView:
        """What to print for the household now: a signed agreement's stored content as a
        reprint (when no supplementary agreement is open), else the draft (main or open
        supplementary) made or brought up to date. Raises :class:`NotReady` listing every
        problem."""
        day = on or project_today(self._db)
        with self._db.session() as s:
            self._require(s, Action.PRINT_AGREEMENT, household_id)
            rows = _agreements(s, household_id)
        main = next((a for a in rows if a.kind == "main"), None)
        open_supp = next(
            (a for a in rows if a.kind == "supplementary" and a.status == "draft"), None
        )
        if main is not None and main.status == "signed" and open_supp is None:
            return self.prepare_reprint(main.id)
        problems = self.readiness(household_id, on=day)
        if problems:
            raise NotReady(problems, _("协议还不能打印："))
        try:
            with self._db.session(immediate=True) as s, s.begin():
                hh = _household(s, household_id)
                problems, facts = self._facts(s, hh, day)
                if problems or facts is None:
                    raise NotReady(problems, _("协议还不能打印："))
                template, _values = self._template(s)
                if open_supp is not None:
                    return self._prepare_supplementary(s, hh, open_supp.id, facts, template, day)
                content = ac.build_main(facts, template)
                draft = s.scalar(
                    select(m.Agreement).where(
                        m.Agreement.household_id == hh.id, m.Agreement.kind == "main"
                    )
                )
                if draft is None:
                    draft = self._issue(s, hh, "main", None, facts, content, day)
                else:
                    self._revise(s, hh, draft, facts, content)
                s.flush()
                return _view(s, draft)
        except IntegrityError as exc:  # two computers issued the same number at once
            raise AgreementError(_("协议编号被同时占用，请重试")) from exc

    def prepare_reprint(self, agreement_id: uuid.UUID) -> AgreementView:
        """A signed agreement to print again: its stored content, marked as the next reprint."""
        with self._db.session() as s:
            a = s.get(m.Agreement, agreement_id)
            if a is None:
                raise AgreementError(_("找不到该协议"))
            self._require(s, Action.PRINT_AGREEMENT, a.household_id)
            if a.status != "signed":
                raise AgreementError(_("协议 {number} 尚未签订，不是重印", number=a.number))
            if a.origin == "ledger":
                raise AgreementError(imported_not_printed())
            n = _reprint_count(s, [a.id]) + 1
            return replace(_view(s, a), reprint_no=n)

    def record_print(self, view: AgreementView, *, copies: int = 1) -> int:
        """Count a print of ``view`` (after it was written or sent to the printer) and audit
        it; returns the new print count."""
        with self._db.session(immediate=True) as s, s.begin():
            return self._record_print(s, view, copies)

    def _record_print(self, s: Session, view: AgreementView, copies: int, file: str = "") -> int:
        """Count the print in ``s`` and add its audit row (``file``: where a PDF went)."""
        op = self._operator
        a = s.get(m.Agreement, view.id)
        if a is None:
            raise AgreementError(_("找不到该协议"))
        self._require(s, Action.PRINT_AGREEMENT, a.household_id)
        if a.status != view.status or (a.content or {}) != view.content:
            raise AgreementError(_("协议 {number} 在打印期间被修改，请重新打印", number=a.number))
        before = a.print_count
        table: Any = m.Agreement.__table__
        s.execute(
            update(table)
            .where(table.c.id == a.id)
            .values(print_count=before + copies, updated_at=_now())
        )
        after: dict[str, Any] = {
            "print_count": before + copies,
            "reprint_no": view.reprint_no,
            "total_fen": a.total_fen,
        }
        if file:
            after["file"] = file  # carries full ID numbers: an export of personal data
        _audit(
            s,
            op,
            at=_now(),
            action="reprint" if view.reprint_no else "print",
            agreement_id=a.id,
            household_id=a.household_id,
            before={"print_count": before},
            after=after,
            note=a.number,
        )
        return before + copies

    def print(
        self,
        household_id: uuid.UUID,
        render: Callable[[AgreementView], None],
        *,
        on: date | None = None,
    ) -> AgreementView:
        """prepare → ``render(view)`` (send it to a printer) → record_print. For a PDF file,
        use :meth:`print_to_file`, which logs the file before it exists under its name."""
        view = self.prepare(household_id, on=on)
        render(view)
        self.record_print(view)
        return view

    def print_to_file(
        self,
        household_id: uuid.UUID,
        out: Path,
        render: Callable[[AgreementView, Path], None],
        *,
        on: date | None = None,
    ) -> AgreementView:
        """prepare → ``render(view, path)`` → the file and its print audit row together
        (``services.personal_exports``: no agreement PDF without its audit row)."""
        view = self.prepare(household_id, on=on)
        self.save_file(view, out, lambda path: render(view, path))
        return view

    def save_file(self, view: AgreementView, out: Path, write: Callable[[Path], object]) -> int:
        """Save a PDF of ``view`` written by ``write(path)`` at ``out`` with its audit row
        (both or neither); returns the new print count."""
        count = 0

        def audit(s: Session, _result: object) -> None:
            nonlocal count
            count = self._record_print(s, view, 1, file=str(out))

        write_with_audit(self._db, out, write, audit)
        return count

    # --- signing ---------------------------------------------------------------------------

    def sign(self, household_id: uuid.UUID, signed_on: date, witnessed_by: str) -> AgreementView:
        """Record the signing of the household's printed draft (the main agreement, or the
        open supplementary agreement)."""
        with self._db.session() as s:
            self._require(s, Action.SIGN_AGREEMENT, household_id)
            rows = _agreements(s, household_id)
        draft = next((a for a in rows if a.status == "draft" and a.kind == "supplementary"), None)
        if draft is None:
            draft = next((a for a in rows if a.kind == "main"), None)
        if draft is None:
            raise AgreementError(_("该户还没有打印过协议：请先打印协议，由农户签字后再登记签约"))
        if draft.status == "signed":
            raise AgreementError(
                _("该户的协议 {number} 已于 {day} 签订", number=draft.number,
                  day=draft.signed_on.isoformat() if draft.signed_on else "")
            )  # fmt: skip
        return self.sign_agreement(draft.id, signed_on, witnessed_by)

    def sign_agreement(
        self,
        agreement_id: uuid.UUID,
        signed_on: date,
        witnessed_by: str,
        *,
        backdated_reason: str = "",
    ) -> AgreementView:
        """Record the signing of a printed draft. ``backdated_reason``: the agreement was
        signed on paper before the desk kept the project (see :mod:`.backdated`); no print
        from the desk is needed, and the reason goes into the audit row."""
        witnessed_by = witnessed_by.strip()
        if not witnessed_by:
            raise AgreementError(_("请填写见证人（如村委会、见证律师或工作人员姓名）"))
        if len(witnessed_by) > 100:
            raise AgreementError(_("见证人最多 100 个字"))
        if signed_on > project_today(self._db):
            raise AgreementError(
                _("签约日期 {day} 在今天之后，请填写实际签字的日期", day=signed_on.isoformat())
            )
        try:
            limits.check_date(signed_on, _("签约日期"))
        except limits.LimitError as exc:
            raise AgreementError(exc.reason) from None
        op = self._operator
        with self._db.session() as s:
            a0 = s.get(m.Agreement, agreement_id)
            if a0 is None:
                raise AgreementError(_("找不到该协议"))
            household_id = a0.household_id
            self._require(s, Action.SIGN_AGREEMENT, household_id)
        problems = self.readiness(household_id, on=signed_on)
        if problems:
            raise NotReady(problems, _("还不能登记签约："))
        with self._db.session(immediate=True) as s, s.begin():
            a = s.get(m.Agreement, agreement_id)
            assert a is not None
            if a.status == "signed":
                raise AgreementError(_("协议 {number} 已经签订", number=a.number))
            if a.print_count < 1 and not backdated_reason:
                raise AgreementError(
                    _(
                        "协议 {number} 还没有打印过：请先打印，由农户签字后再登记签约",
                        number=a.number,
                    )
                )
            hh = _household(s, a.household_id)
            problems, facts = self._facts(s, hh, signed_on)
            if problems or facts is None:
                raise NotReady(problems, _("还不能登记签约："))
            parent = None if a.kind == "main" else _in_force(_agreements(s, hh.id))
            template, _values = self._template(s)
            fresh = (
                ac.build_main(facts, template)
                if parent is None
                else ac.build_supplementary(
                    facts,
                    template,
                    _parent_content(parent),
                    reason=str(a.content.get("reason", "")),
                )
            )
            if ac.comparable(fresh) != ac.comparable(a.content or {}):
                raise AgreementError(
                    _("协议 {number} 打印后数据又有变化，打印件已不是最新内容：请重新打印，由农户在新打印件上签字", number=a.number)
                )  # fmt: skip
            payment_days = int(a.content.get("payment_days") or 0)
            vacate_days = int(a.content.get("vacate_days") or 0)
            a.status = "signed"
            a.signed_on = signed_on
            a.witnessed_by = witnessed_by
            a.signed_recorded_by = op.id if op else None
            a.payment_deadline = signed_on + timedelta(days=payment_days) if payment_days else None
            a.vacate_deadline = signed_on + timedelta(days=vacate_days) if vacate_days else None
            a.updated_at = _now()
            now = _now()
            if hh.status not in _SIGNED_STAGES:
                table: Any = m.Household.__table__  # status only: not an edit of the data
                s.execute(
                    update(table)
                    .where(table.c.id == hh.id)
                    .values(status=HouseholdStatus.SIGNED.value, status_changed_at=now)
                )
            _audit(
                s,
                op,
                at=now,
                action="sign_backdated" if backdated_reason else "sign",
                seal=seal_record(s, a),  # the signed agreement, sealed into the audit chain
                agreement_id=a.id,
                household_id=hh.id,
                before={"status": "draft", "household_status": hh.status},
                after={
                    "status": "signed",
                    "signed_on": signed_on.isoformat(),
                    "witnessed_by": witnessed_by,
                    "number": a.number,
                    "total_fen": a.total_fen,
                    "calculation_id": str(a.calculation_id),
                    "scheme_version_id": str(a.scheme_version_id),
                    **({"reason": backdated_reason} if backdated_reason else {}),
                },
                note=a.number,
            )
            s.flush()
            return _view(s, a)

    # --- supplementary agreements ------------------------------------------------------------

    def supplementary(self, agreement_id: uuid.UUID, reason: str) -> AgreementView:
        """Open a supplementary agreement to the signed ``agreement_id`` (the main agreement
        or any agreement of its chain): numbered now, with the reason. The household's
        compensation data may then be changed, recomputed, checked and posted; then it is
        printed and signed like the main agreement."""
        reason = reason.strip()
        if not reason:
            raise AgreementError(_("请写明签订补充协议的原因（如：复核发现漏登附属物）"))
        try:
            with self._db.session(immediate=True) as s, s.begin():
                original = s.get(m.Agreement, agreement_id)
                if original is None:
                    raise AgreementError(_("找不到该协议"))
                return _view(s, self._open_supplementary(s, original, reason))
        except IntegrityError as exc:
            raise AgreementError(_("协议编号被同时占用，请重试")) from exc

    def supplementary_after_signing(
        self, s: Session, household_id: uuid.UUID, reason: str
    ) -> m.Agreement | None:
        """Inside the caller's transaction: the household's open supplementary agreement, or
        one opened now to its signed agreement with ``reason``; None when nothing is signed
        yet (then new figures simply enter the next calculation and the main agreement).
        The caller's own permission check covers it: it is a consequence of that action
        (选房 after signing), not one of its own."""
        rows = _agreements(s, household_id)
        main = next((a for a in rows if a.kind == "main" and a.status == "signed"), None)
        if main is None:
            return None
        open_one = next(
            (a for a in rows if a.kind == "supplementary" and a.status == "draft"), None
        )
        return open_one or self._open_supplementary(s, main, reason, check=False)

    def _open_supplementary(
        self, s: Session, original: m.Agreement, reason: str, *, check: bool = True
    ) -> m.Agreement:
        op = self._operator
        if check:
            self._require(s, Action.SIGN_AGREEMENT, original.household_id)
        main = original if original.kind == "main" else s.get(m.Agreement, original.parent_id)
        assert main is not None
        if main.status != "signed":
            raise AgreementError(
                _("协议 {number} 尚未签订：未签订的协议直接重新打印即可，不需要补充协议", number=main.number)
            )  # fmt: skip
        rows = _agreements(s, main.household_id)
        if any(a.kind == "supplementary" and a.status == "draft" for a in rows):
            raise AgreementError(_("该户已有一份未签订的补充协议，请先签订或处理它"))
        hh = _household(s, main.household_id)
        in_force = _in_force(rows)
        assert in_force is not None
        day = project_today(s)
        basis = _supplementary_basis(s, hh.id, in_force)
        content = {
            "format": ac.CONTENT_FORMAT, "kind": "supplementary", "stage": "opened",
            "reason": reason, "parent": {"number": main.number},
        }  # fmt: skip
        seq = _next_seq(s, hh.project_id, "supplementary")
        number = ac.number_for(self._number_format(s, "supplementary"), day.year, seq)
        a = m.Agreement(
            id=uuid.uuid4(), project_id=hh.project_id, household_id=hh.id,
            kind="supplementary", parent_id=main.id, seq_no=seq, number=number,
            status="draft", scheme_version_id=basis[0], calculation_id=basis[1],
            compensation_method=in_force.compensation_method,
            total_fen=_figure(in_force), content={**content, "number": number},
            created_at=_now(), updated_at=_now(),
        )  # fmt: skip
        s.add(a)
        _audit(
            s,
            op,
            at=_now(),
            action="create",
            agreement_id=a.id,
            household_id=hh.id,
            after={"kind": "supplementary", "number": number, "parent": main.number,
                   "reason": reason},
            note=number,
        )  # fmt: skip
        s.flush()
        return a

    # --- reports -----------------------------------------------------------------------------

    def sign_first(self) -> list[SignFirstRow]:
        """Cadre and cadre-relative households with their signing state (DOMAIN rule 7),
        unsigned first."""
        with self._db.session() as s:
            project = project_id_of(s)
            deadline = sign_deadline(s, project)
            households = list(
                s.scalars(
                    select(m.Household)
                    .where(m.Household.project_id == project, m.Household.has_cadre.is_(True))
                    .order_by(m.Household.code)
                )
            )
            ids = [h.id for h in households]
            cadres: dict[uuid.UUID, list[str]] = {}
            signed: dict[uuid.UUID, tuple[date | None, str]] = {}
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for p in s.scalars(
                    select(m.Person)
                    .where(
                        m.Person.household_id.in_(chunk),
                        (m.Person.is_cadre.is_(True)) | (m.Person.is_cadre_relative.is_(True)),
                    )
                    .order_by(m.Person.sort_order)
                ):
                    what = p.cadre_note or (_("干部") if p.is_cadre else _("干部亲属"))
                    cadres.setdefault(p.household_id, []).append(f"{p.name}（{what}）")
                for hid, day, number in s.execute(
                    select(
                        m.Agreement.household_id, m.Agreement.signed_on, m.Agreement.number
                    ).where(
                        m.Agreement.household_id.in_(chunk),
                        m.Agreement.kind == "main",
                        m.Agreement.status == "signed",
                    )
                ):
                    signed[hid] = (day, number)
        out = []
        for h in households:
            day, number = signed.get(h.id, (None, ""))
            out.append(
                SignFirstRow(
                    household_id=h.id, code=h.code, head_name=h.head_name,
                    cadres="；".join(cadres.get(h.id, [])),
                    status_label=_(STATUS_LABELS[HouseholdStatus(h.status)]), signed_on=day,
                    number=number,
                    before_deadline=(day <= deadline) if day is not None and deadline else None,
                )
            )  # fmt: skip
        out.sort(key=lambda r: (r.signed_on is not None, r.code))
        return out

    def bonus_eligibility(self, household_id: uuid.UUID, on: date) -> list[BonusStatus]:
        """The signing bonuses of the household's scheme version judged for signing on ``on``
        (for a signed household: its signing date)."""
        with self._db.session() as s:
            main = next((a for a in _agreements(s, household_id) if a.kind == "main"), None)
            return self._bonuses(s, household_id, main, on)

    # --- the work ----------------------------------------------------------------------------

    def _bonuses(
        self, s: Session, household_id: uuid.UUID, main: m.Agreement | None, day: date
    ) -> list[BonusStatus]:
        book = SchemeBook(s, project_id_of(s))
        if main is not None and main.status == "signed" and main.signed_on is not None:
            scheme = book.by_id.get(main.scheme_version_id)
            day = main.signed_on
        else:
            calc = current_calc(s, household_id)
            if calc is not None:
                scheme = book.by_id.get(calc.scheme_version_id)
            else:
                scheme = _applying_scheme(s, book, household_id, day)
        return bonus_statuses(scheme, day) if scheme is not None else []

    def _template(self, s: Session) -> tuple[dict[str, Any], dict[str, Any]]:
        project = project_id_of(s)
        return ac.resolve_template(
            setting_value(s, project, "agreement_template"),
            setting_value(s, project, "agreement_values"),
        )

    def _number_format(self, s: Session, kind: str) -> str:
        project = project_id_of(s)
        main = setting_value(s, project, "agreement_number_format")
        main_fmt = main if isinstance(main, str) and main else ac.DEFAULT_NUMBER_FORMAT
        if kind == "main":
            return main_fmt
        supp = setting_value(s, project, "supplementary_number_format")
        return supp if isinstance(supp, str) and supp else ac.supplementary_format(main_fmt)

    def _facts(
        self, s: Session, hh: m.Household, day: date
    ) -> tuple[list[str], ac.AgreementFacts | None]:
        template, values = self._template(s)
        return gather(s, hh, day, template, values)

    def _issue(
        self,
        s: Session,
        hh: m.Household,
        kind: str,
        parent_id: uuid.UUID | None,
        facts: ac.AgreementFacts,
        content: dict[str, Any],
        day: date,
    ) -> m.Agreement:
        seq = _next_seq(s, hh.project_id, kind)
        number = ac.number_for(self._number_format(s, kind), day.year, seq)
        op = self._operator
        a = m.Agreement(
            id=uuid.uuid4(), project_id=hh.project_id, household_id=hh.id, kind=kind,
            parent_id=parent_id, seq_no=seq, number=number, status="draft",
            scheme_version_id=uuid.UUID(facts.scheme_version_id),
            calculation_id=uuid.UUID(facts.calculation_id), compensation_method=facts.method,
            total_fen=facts.total_fen,
            content={**content, "number": number, "revision": 1, "issued_on": day.isoformat()},
            created_at=_now(), updated_at=_now(),
        )  # fmt: skip
        s.add(a)
        _audit(
            s,
            op,
            at=_now(),
            action="create",
            agreement_id=a.id,
            household_id=hh.id,
            after={
                "kind": kind,
                "number": number,
                "total_fen": facts.total_fen,
                "calculation_version": facts.calculation_version,
            },
            note=number,
        )
        return a

    def _revise(
        self,
        s: Session,
        hh: m.Household,
        a: m.Agreement,
        facts: ac.AgreementFacts,
        content: dict[str, Any],
    ) -> None:
        """Bring a draft up to date; a changed draft gets the next revision and an audit row."""
        old = a.content or {}
        if ac.comparable(old) == ac.comparable(content):
            return
        revision = int(old.get("revision") or 1) + (1 if a.print_count else 0)
        op = self._operator
        _audit(
            s,
            op,
            at=_now(),
            action="revise",
            agreement_id=a.id,
            household_id=hh.id,
            before={
                "total_fen": a.total_fen,
                "revision": old.get("revision"),
                "calculation_id": str(a.calculation_id),
            },
            after={
                "total_fen": facts.total_fen,
                "revision": revision,
                "calculation_id": facts.calculation_id,
            },
            note=a.number,
        )
        a.content = {
            **content,
            "number": a.number,
            "revision": revision,
            "issued_on": old.get("issued_on", ""),
        }
        a.calculation_id = uuid.UUID(facts.calculation_id)
        a.scheme_version_id = uuid.UUID(facts.scheme_version_id)
        a.compensation_method = facts.method
        a.total_fen = facts.total_fen
        a.updated_at = _now()

    def _prepare_supplementary(
        self,
        s: Session,
        hh: m.Household,
        agreement_id: uuid.UUID,
        facts: ac.AgreementFacts,
        template: dict[str, Any],
        day: date,
    ) -> AgreementView:
        a = s.get(m.Agreement, agreement_id)
        assert a is not None
        parent = _in_force(_agreements(s, hh.id))
        assert parent is not None
        reason = str((a.content or {}).get("reason", ""))
        content = ac.build_supplementary(facts, template, _parent_content(parent), reason=reason)
        if (a.content or {}).get("stage") == "opened":
            a.content = {**content, "number": a.number, "revision": 1, "issued_on": day.isoformat()}
            a.calculation_id = uuid.UUID(facts.calculation_id)
            a.scheme_version_id = uuid.UUID(facts.scheme_version_id)
            a.compensation_method = facts.method
            a.total_fen = facts.total_fen
            a.updated_at = _now()
        else:
            self._revise(s, hh, a, facts, content)
        s.flush()
        return _view(s, a)


# --- helpers --------------------------------------------------------------------------------


def _now() -> datetime:
    return utc_now()


def _household(s: Session, household_id: uuid.UUID) -> m.Household:
    hh = s.get(m.Household, household_id)
    if hh is None:
        raise AgreementError(_("找不到该户，可能已被删除"))
    return hh


def _agreements(s: Session, household_id: uuid.UUID) -> list[m.Agreement]:
    return list(
        s.scalars(
            select(m.Agreement)
            .where(m.Agreement.household_id == household_id)
            .order_by(m.Agreement.kind, m.Agreement.seq_no)
        )
    )


def _applying_scheme(
    s: Session, book: SchemeBook, household_id: uuid.UUID, day: date
) -> Scheme | None:
    """The published scheme that applies to the household on ``day`` (its scope covers the
    household's village or 片区, as in the calculation); ``None`` when none or, against the
    publishing rule, several do (the calculation then says which)."""
    hh = _household(s, household_id)
    village = s.get(m.Village, hh.village_id)
    group = s.get(m.VillageGroup, hh.group_id) if hh.group_id else None
    found = book.applying(day, village.name if village else "", group.name if group else "")
    return found[0][1] if len(found) == 1 else None


def _in_force(rows: list[m.Agreement]) -> m.Agreement | None:
    """The agreement whose figures are in force: the last signed one of the chain."""
    signed = [a for a in rows if a.status == "signed"]
    if not signed:
        return None
    return max(signed, key=lambda a: (a.signed_on or date.min, a.kind == "supplementary", a.seq_no))


def _parent_content(a: m.Agreement) -> dict[str, Any]:
    content = dict(a.content or {})
    content.setdefault("lines", [])
    content["number"] = a.number
    content["total_fen"] = _figure(a)
    content["signed_on"] = a.signed_on.isoformat() if a.signed_on else ""
    return content


def _figure(a: m.Agreement) -> int:
    """The total an agreement settled: for one imported from a ledger, the amount the ledger
    records (a supplementary agreement starts from it)."""
    if a.origin == "ledger" and a.recorded_total_fen is not None:
        return a.recorded_total_fen
    return a.total_fen


def _supplementary_basis(
    s: Session, household_id: uuid.UUID, in_force: m.Agreement
) -> tuple[uuid.UUID, uuid.UUID]:
    """(scheme version, calculation) an opened supplementary agreement starts under: the
    agreement in force's, or for one imported from a ledger (computed nowhere) the household's
    current calculation, which the supplementary agreement's new figures will replace."""
    if in_force.scheme_version_id is not None and in_force.calculation_id is not None:
        return in_force.scheme_version_id, in_force.calculation_id
    calc = current_calc(s, household_id)
    if calc is None:
        raise AgreementError(
            _("该户的协议由台账导入，本程序中没有它的核算结果：请先录入补偿方案并核算该户，再签订补充协议")
        )  # fmt: skip
    return calc.scheme_version_id, calc.id


def _next_seq(s: Session, project_id: uuid.UUID, kind: str) -> int:
    found = s.scalar(
        select(func.max(m.Agreement.seq_no)).where(
            m.Agreement.project_id == project_id, m.Agreement.kind == kind
        )
    )
    return int(found or 0) + 1


def _reprint_count(s: Session, agreement_ids: list[uuid.UUID]) -> int:
    if not agreement_ids:
        return 0
    return int(
        s.scalar(
            select(func.count())
            .select_from(m.AuditLog)
            .where(
                m.AuditLog.entity == "agreement",
                m.AuditLog.action == "reprint",
                m.AuditLog.entity_id.in_([str(i) for i in agreement_ids]),
            )
        )
        or 0
    )


def _audit(
    s: Session,
    op: OperatorRef | None,
    *,
    at: datetime,
    action: str,
    agreement_id: uuid.UUID,
    household_id: uuid.UUID,
    after: dict[str, Any],
    note: str,
    before: dict[str, Any] | None = None,
    seal: str = "",
) -> None:
    """The audit row of an action on an agreement (DOMAIN rule 10); ``seal``: the signed
    agreement's seal (services.audit)."""
    s.add(
        m.AuditLog(
            id=uuid.uuid4(), at=at, operator_id=op.id if op else None,
            operator_login=op.login if op else "", action=action, entity="agreement",
            entity_id=str(agreement_id), household_id=household_id, before=before, after=after,
            note=note, seal=seal,
        )
    )  # fmt: skip


def _view(s: Session, a: m.Agreement) -> AgreementView:
    code = s.scalar(select(m.Household.code).where(m.Household.id == a.household_id)) or ""
    parent = ""
    if a.parent_id is not None:
        parent = s.scalar(select(m.Agreement.number).where(m.Agreement.id == a.parent_id)) or ""
    content = dict(a.content or {})
    return AgreementView(
        id=a.id, household_id=a.household_id, household_code=code, kind=a.kind,
        number=a.number, status=a.status, content=content, total_fen=a.total_fen,
        signed_on=a.signed_on, witnessed_by=a.witnessed_by, print_count=a.print_count,
        revision=int(content.get("revision") or 1), parent_number=parent, origin=a.origin,
        recorded_total_fen=a.recorded_total_fen, demo=is_demo(s),
    )  # fmt: skip
