"""Back-dated signing: recording an agreement a household signed on paper before the desk
kept the project (a team adopting the desk in the middle of a project).

The agreement is judged as of the signing date, never today: the household's calculation
must use the scheme version in force on that date and the signing reward of the window that
date falls in (the readiness check on that date says what to recompute otherwise); the
draft is prepared as of that date, signed without a print from the desk, and the reason is
kept in the audit row (action ``sign_backdated``).

May use: ``services.agreements.service`` (the agreement use cases), ``services.calculation``
(the scheme book).
"""

from __future__ import annotations

import uuid
from datetime import date

from ...domain.scheme import version_in_force
from ...i18n import _
from ...storage.db import Database
from ..calculation.inputs import SchemeBook
from ..clock import project_today
from ..households.service import OperatorRef, project_id_of
from .facts import current_calc
from .service import AgreementError, AgreementService, AgreementView

__all__ = ["EARLIEST", "sign_backdated"]

EARLIEST = date(2000, 1, 1)


def sign_backdated(
    db: Database,
    operator: OperatorRef | None,
    household_id: uuid.UUID,
    signed_on: date,
    witnessed_by: str,
    reason: str,
    *,
    today: date | None = None,
) -> AgreementView:
    """Record that the household signed its agreement on ``signed_on`` (before today), for
    ``reason``; raises :class:`AgreementError` / ``NotReady`` saying what is missing."""
    reason = " ".join(reason.split())
    day = today or project_today(db)
    if not reason:
        raise AgreementError(
            _("补登以前签订的协议，请写明原因（如：本系统启用前已签约，按纸质协议补登）")
        )
    if len(reason) > 500:
        raise AgreementError(_("补登原因最多 500 个字"))
    if signed_on >= day:
        raise AgreementError(
            _("补登用于今天以前签订的协议（{day} 不在今天以前）；今天签订的请直接登记签约",
              day=signed_on.isoformat())
        )  # fmt: skip
    if signed_on < EARLIEST:
        raise AgreementError(
            _("签约日期 {day} 早于 {earliest}，请核对", day=signed_on.isoformat(),
              earliest=EARLIEST.isoformat())
        )  # fmt: skip
    _check_scheme_version(db, household_id, signed_on)
    service = AgreementService(db, operator)
    view = service.prepare(household_id, on=signed_on)  # judged as of the signing date
    if view.signed:
        raise AgreementError(
            _("该户的协议 {number} 已于 {day} 签订，不需要补登", number=view.number,
              day=view.signed_on.isoformat() if view.signed_on else "")
        )  # fmt: skip
    return service.sign_agreement(view.id, signed_on, witnessed_by, backdated_reason=reason)


def _check_scheme_version(db: Database, household_id: uuid.UUID, on: date) -> None:
    """The calculation must use its scheme's version in force on the signing date."""
    with db.session() as s:
        calc = current_calc(s, household_id)
        if calc is None:
            return  # the readiness check says a calculation is missing
        book = SchemeBook(s, project_id_of(s))
        scheme_id = book.scheme_of.get(calc.scheme_version_id)
        versions = {v: sch for v, sch in book.by_id.items() if book.scheme_of[v] == scheme_id}
        found = version_in_force(versions.values(), on)
        if found is None:
            raise AgreementError(
                _("{day} 没有已发布且生效的补偿方案版本，无法按该日补登签约", day=on.isoformat())
            )
        if versions.get(calc.scheme_version_id) is not found:
            raise AgreementError(
                _("该户的核算用的不是 {day} 生效的补偿方案版本：请以签约日期 {day} 重新核算"
                  "（命令行 calc --as-of {day}），复核并公示后再补登", day=on.isoformat())
            )  # fmt: skip
