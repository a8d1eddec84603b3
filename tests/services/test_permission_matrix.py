"""The permission matrix, walked through the real services.

For every action of ``domain.permissions`` × every role × a household (or village) of the
operator's own team and of another team, the use case is called for real: the permission
check passed when the call raised anything but ``PermissionDenied`` (a refusal for another
reason — a missing calculation, a deadline — comes after the check), and it must pass exactly
when the table says so. The checks come before any data-dependent rule, so the state the
earlier cases leave behind does not change the outcome; one database serves the module.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from relocation_desk.domain.household_form import PersonForm, StructureForm
from relocation_desk.domain.permissions import Action, allowed
from relocation_desk.domain.status import NoticeKind, Role
from relocation_desk.reports.ledger_xlsx import write_ledger
from relocation_desk.services.agreements.service import AgreementService
from relocation_desk.services.audit.log import AuditFilter, read_page
from relocation_desk.services.auth.service import AuthService, NotAllowed
from relocation_desk.services.calculation.approvals import ApprovalService
from relocation_desk.services.calculation.service import CalculationService
from relocation_desk.services.errors import PermissionDenied
from relocation_desk.services.exchange.conflicts import decide as decide_conflict
from relocation_desk.services.households.service import HouseholdService, OperatorRef
from relocation_desk.services.ledger.export import export_ledger
from relocation_desk.services.ledger.importer import analyse, apply
from relocation_desk.services.notices.service import NoticeService
from relocation_desk.services.payments.holdouts import HoldoutService
from relocation_desk.services.payments.register import payment_register
from relocation_desk.services.payments.service import PaymentService
from relocation_desk.services.progress import daily_report
from relocation_desk.services.project_settings import ProjectSettings
from relocation_desk.services.schemes.service import SchemeService
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

from .household_org import Org, id_number, make_org
from .ledger_books import messy_ledger

AS_OF = date(2026, 3, 10)
HEAD_IDS = {"own": id_number(701), "other": id_number(702)}


@dataclass
class World:
    db: Database
    org: Org
    operators: dict[Role, OperatorRef]
    households: dict[str, uuid.UUID]  # "own" (the member's team) / "other"
    villages: dict[str, uuid.UUID]
    teams: dict[str, uuid.UUID]
    hq: OperatorRef
    tmp: Path


@pytest.fixture(scope="module")
def world(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("matrix")
    path = tmp / "project.sqlite"
    shutil.copyfile(sqlite_template, path)
    db = open_database(path)
    org = make_org(db)
    teams = {Role.MEMBER: org.team7, Role.LEADER: org.team7}
    operators: dict[Role, OperatorRef] = {}
    with db.session() as s, s.begin():
        for role in Role:
            oid = uuid.uuid4()
            login = f"matrix_{role.value}"
            s.add(
                m.Operator(
                    id=oid, project_id=org.project_id, team_id=teams.get(role), login=login,
                    name=f"{role.value}人员", role=role.value,
                )
            )  # fmt: skip
            operators[role] = OperatorRef(
                oid, login, f"{role.value}人员", role.value, teams.get(role)
            )
    hq = operators[Role.HQ]
    households = {}
    for key, village in (("own", org.village), ("other", org.other_village)):
        svc = HouseholdService(db, hq)
        form = svc.new_form(village_id=village)
        form.persons = [PersonForm(name="王建国", id_number=HEAD_IDS[key], relation="户主")]
        form.structures = [StructureForm(label="主房", legal_area="100")]
        households[key] = svc.save(form, confirmed=True).id
    yield World(
        db, org, operators, households, {"own": org.village, "other": org.other_village},
        {"own": org.team7, "other": org.team3}, hq, tmp,
    )  # fmt: skip
    db.close()


Probe = Callable[[World, OperatorRef, str], object]


def _as_exchange_side(
    w: World, role: str, team_id: uuid.UUID | None, call: Callable[[], object]
) -> object:
    """Run ``call`` with the database playing HQ (``role`` "hq") or a team's laptop."""
    from relocation_desk.services.exchange.identity import make_identity

    with w.db.session() as s, s.begin():
        saved = s.get(m.ExchangeIdentity, 1)
        if saved is not None:
            s.expunge(saved)
            s.execute(delete(m.ExchangeIdentity))
        make_identity(s, s.scalar(select(m.Project.id)), role, team_id=team_id)
    try:
        return call()
    finally:
        with w.db.session() as s, s.begin():
            s.execute(delete(m.ExchangeIdentity))
            if saved is not None:
                s.merge(saved)


def _send_to_hq(w: World, op: OperatorRef, side: str) -> object:
    from relocation_desk.services.exchange.team_export import export_package

    out = w.tmp / f"{uuid.uuid4().hex}.rdpkg"
    return _as_exchange_side(w, "team", w.teams[side], lambda: export_package(w.db, op, out))


def _merge_from_team(w: World, op: OperatorRef, side: str) -> object:
    from relocation_desk.services.exchange.hq_import import import_package

    missing = w.tmp / "no-such-package.rdpkg"
    return _as_exchange_side(w, "hq", None, lambda: import_package(w.db, op, missing))


def _edit(w: World, op: OperatorRef, side: str) -> object:
    form = HouseholdService(w.db, w.hq).load(w.households[side])
    form.remarks = "复核后修改"
    return HouseholdService(w.db, op).save(form, confirmed=True)


def _register(w: World, op: OperatorRef, side: str) -> object:
    svc = HouseholdService(w.db, op)
    form = svc.new_form(village_id=w.villages[side])
    form.persons = [PersonForm(name="新户主", relation="户主")]
    return svc.save(form, confirmed=True)


def _check(w: World, op: OperatorRef, side: str) -> object:
    # A stored calculation to check (made here directly: the test scheme has no valid rules).
    with w.db.session() as s, s.begin():
        version = s.scalar(select(m.SchemeVersion.id).limit(1))
        hid = w.households[side]
        n = s.scalar(
            select(func.max(m.Calculation.version_no)).where(m.Calculation.household_id == hid)
        )
        calc = m.Calculation(
            household_id=hid, version_no=(n or 0) + 1, scheme_version_id=version,
            status="computed", compensation_method="money", inputs_hash="0" * 64, total_fen=0,
            computed_by=w.hq.id,
        )  # fmt: skip
        s.add(calc)
        s.flush()
        calc_id = calc.id
    return CalculationService(w.db, op).check(calc_id)


def _approve(w: World, op: OperatorRef, side: str) -> object:
    rid = ApprovalService(w.db, w.hq).request(w.households[side], "A-WELL-HAND", 100, "", "理由")
    return ApprovalService(w.db, op).decide(rid, True, "同意")


def _correct(w: World, op: OperatorRef, side: str) -> object:
    # A payment recorded by HQ under a compensation decision (made here directly).
    hid, pid = w.households[side], uuid.uuid4()
    with w.db.session() as s, s.begin():
        decision = s.scalar(
            select(m.CompensationDecision.id).where(m.CompensationDecision.household_id == hid)
        )
        if decision is None:
            decision = uuid.uuid4()
            s.add(
                m.CompensationDecision(
                    id=decision, household_id=hid, number=f"决定{side}", decided_on=AS_OF,
                    total_fen=100,
                )
            )  # fmt: skip
            s.flush()
        s.add(
            m.Payment(
                id=pid, household_id=hid, decision_id=decision, kind="payment", amount_fen=100,
                paid_on=AS_OF, payee="王建国", method="transfer", voucher_no="",
                created_at=datetime.now(UTC), created_by=w.hq.id,
            )
        )  # fmt: skip
    return PaymentService(w.db, op).reverse_payment(pid, "录错", today=AS_OF)


def _import(w: World, op: OperatorRef, side: str) -> object:
    book = w.tmp / f"{uuid.uuid4().hex}.xlsx"
    messy_ledger(book)
    return apply(analyse(book), w.db, operator=op, dry_run=False)


def _view(w: World, op: OperatorRef, side: str) -> object:
    form = HouseholdService(w.db, op).load(w.households[side])
    if form.persons[0].id_number != HEAD_IDS[side]:
        raise PermissionDenied("masked", Action.VIEW_PERSONAL_DATA.value)
    return form


def _write_join(w: World, op: OperatorRef, side: str) -> object:
    from relocation_desk.services.exchange.join import write_join_package

    with w.db.session() as s:
        code = s.scalar(select(m.Team.code).where(m.Team.id == w.teams[side]))
    return write_join_package(w.db, op, code or "", w.tmp / f"{uuid.uuid4().hex}.rdpkg")


def _send_to_team(w: World, op: OperatorRef, side: str) -> object:
    from relocation_desk.services.exchange.hq_export import export_for_team

    with w.db.session() as s:
        code = s.scalar(select(m.Team.code).where(m.Team.id == w.teams[side]))
    return export_for_team(w.db, op, code or "", w.tmp / f"{uuid.uuid4().hex}.rdpkg")


def _receive_from_hq(w: World, op: OperatorRef, side: str) -> object:
    # The database plays the laptop of the side's team for this one call.
    from relocation_desk.services.exchange.identity import make_identity
    from relocation_desk.services.exchange.team_import import import_from_hq

    with w.db.session() as s, s.begin():
        saved = s.get(m.ExchangeIdentity, 1)
        if saved is not None:
            s.delete(saved)
            s.flush()
        make_identity(s, s.scalar(select(m.Project.id)), "team", team_id=w.teams[side])
    try:
        return import_from_hq(w.db, op, w.tmp / "no-such-package.rdpkg")
    finally:
        with w.db.session() as s, s.begin():
            s.delete(s.get(m.ExchangeIdentity, 1))
            if saved is not None:
                s.flush()
                s.merge(saved)


def _manage(w: World, op: OperatorRef, side: str) -> object:
    try:
        return AuthService(w.db).reset_password(op, w.org.clerk.login, "Temp-passw0rd!")
    except NotAllowed as exc:
        raise PermissionDenied(exc.message, Action.MANAGE_OPERATORS.value) from exc


PROBES: dict[Action, Probe] = {
    Action.REGISTER_HOUSEHOLD: _register,
    Action.EDIT_HOUSEHOLD: _edit,
    Action.COMPUTE: lambda w, op, side: CalculationService(w.db, op).compute(
        w.households[side], as_of=AS_OF
    ),
    Action.CHECK_CALCULATION: _check,
    Action.REQUEST_EXCEPTION: lambda w, op, side: ApprovalService(w.db, op).request(
        w.households[side], "A-WELL-HAND", 100, "", "理由"
    ),
    Action.APPROVE_EXCEPTION: _approve,
    Action.POST_NOTICE: lambda w, op, side: NoticeService(w.db, op).post_round(
        w.villages[side], NoticeKind.SURVEY, posted_from=AS_OF, objection_place="村委会"
    ),
    Action.HANDLE_OBJECTION: lambda w, op, side: NoticeService(w.db, op).record_objection(
        w.households[side], uuid.uuid4(), "面积", "面积少算", AS_OF
    ),
    Action.PRINT_AGREEMENT: lambda w, op, side: AgreementService(w.db, op).prepare(
        w.households[side], on=AS_OF
    ),
    Action.SIGN_AGREEMENT: lambda w, op, side: AgreementService(w.db, op).sign(
        w.households[side], AS_OF, "村委会"
    ),
    Action.RECORD_PAYMENT: lambda w, op, side: PaymentService(w.db, op).record_payment(
        w.households[side], 100, AS_OF, today=AS_OF
    ),
    Action.CORRECT_PAYMENT: _correct,
    Action.RECORD_MILESTONE: lambda w, op, side: PaymentService(w.db, op).record_milestone(
        w.households[side], "vacated", AS_OF, today=AS_OF
    ),
    Action.RECORD_DECISION: lambda w, op, side: HoldoutService(w.db, op).record_decision(
        w.households[side], AS_OF, today=AS_OF
    ),
    Action.EDIT_SCHEME_DRAFT: lambda w, op, side: SchemeService(w.db, op).new_draft(uuid.uuid4()),
    Action.PUBLISH_SCHEME: lambda w, op, side: SchemeService(w.db, op).publish(uuid.uuid4()),
    Action.IMPORT_LEDGER: _import,
    Action.EXPORT_LEDGER: lambda w, op, side: export_ledger(
        w.db, w.tmp / f"{uuid.uuid4().hex}.xlsx", write_ledger, op
    ),
    Action.EXPORT_PAYMENT_REGISTER: lambda w, op, side: payment_register(w.db, w.teams[side], op),
    Action.VIEW_PERSONAL_DATA: _view,
    Action.VIEW_AUDIT_LOG: lambda w, op, side: read_page(w.db, op, AuditFilter()),
    Action.MANAGE_OPERATORS: _manage,
    Action.DECIDE_CONFLICT: lambda w, op, side: decide_conflict(
        w.db, op, uuid.uuid4(), "accepted", "理由"
    ),
    Action.WRITE_JOIN_PACKAGE: _write_join,
    Action.SEND_TO_TEAM: _send_to_team,
    Action.RECEIVE_FROM_HQ: _receive_from_hq,
    Action.SEND_TO_HQ: _send_to_hq,
    Action.MERGE_FROM_TEAM: _merge_from_team,
    Action.CHANGE_SETTINGS: lambda w, op, side: ProjectSettings(w.db, op).save(
        {"report_cutoff": "17:30"}
    ),
    Action.FREEZE_DAILY_REPORT: lambda w, op, side: daily_report.freeze(
        w.db,
        AS_OF,
        team_id=w.teams[side],
        operator=op,
        now=datetime(2026, 3, 11, tzinfo=UTC),
    ),
}


def test_every_action_has_a_probe() -> None:
    assert set(PROBES) == set(Action)


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_service_obeys_the_table(world: World, action: Action, role: Role, side: str) -> None:
    op = world.operators[role]
    own_team = op.team_id is not None and op.team_id == world.teams[side]
    expected = allowed(role.value, action, own_team)
    try:
        PROBES[action](world, op, side)
        passed = True
    except PermissionDenied as exc:
        passed = False
        if action is not Action.VIEW_PERSONAL_DATA:
            assert exc.action == action.value
            assert exc.message  # a Chinese reason, never empty
    except Exception:  # refused later, for a reason other than permission
        passed = True
    assert passed is expected, f"{role.value} {action.value} on the {side} team's household"


def test_nobody_signed_in_is_refused_everything(world: World) -> None:
    for action in (Action.COMPUTE, Action.RECORD_PAYMENT, Action.EDIT_HOUSEHOLD):
        with pytest.raises(PermissionDenied, match="先登录"):
            PROBES[action](world, None, "own")  # type: ignore[arg-type]
