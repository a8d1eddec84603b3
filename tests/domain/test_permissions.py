"""The permission table: its shape, the rules the issue states, and the reasons it gives."""

from __future__ import annotations

import pytest

from relocation_desk.domain.permissions import (
    ACTION_LABELS,
    Action,
    Reach,
    allowed,
    reach,
    refusal,
    roles_allowed,
)
from relocation_desk.domain.status import Role

TEAM_WORK = [
    Action.EDIT_HOUSEHOLD, Action.COMPUTE, Action.CHECK_CALCULATION, Action.POST_NOTICE,
    Action.PRINT_AGREEMENT, Action.SIGN_AGREEMENT, Action.RECORD_PAYMENT,
    Action.RECORD_MILESTONE,
]  # fmt: skip


def test_every_action_has_a_label_and_a_reach_for_every_role() -> None:
    assert set(ACTION_LABELS) == set(Action)
    for action in Action:
        for role in Role:
            assert isinstance(reach(role.value, action), Reach)


@pytest.mark.parametrize("action", TEAM_WORK, ids=lambda a: a.value)
def test_members_and_leaders_work_on_their_own_team_only(action: Action) -> None:
    for role in (Role.MEMBER, Role.LEADER):
        assert allowed(role.value, action, own_team=True)
        assert not allowed(role.value, action, own_team=False)
    assert allowed(Role.HQ.value, action, own_team=False)


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_the_auditor_changes_nothing_and_reads_the_audit_log(action: Action) -> None:
    expected = action is Action.VIEW_AUDIT_LOG
    assert allowed(Role.AUDITOR.value, action, own_team=True) is expected
    assert allowed(Role.AUDITOR.value, action, own_team=False) is expected


def test_hq_alone_rules_and_publishes_and_only_the_administrator_manages_operators() -> None:
    for action in (Action.PUBLISH_SCHEME, Action.APPROVE_EXCEPTION, Action.RECORD_DECISION):
        assert roles_allowed(action) == [Role.HQ, Role.ADMIN]
    assert roles_allowed(Action.MANAGE_OPERATORS) == [Role.ADMIN]
    assert roles_allowed(Action.EXPORT_LEDGER) == [Role.HQ, Role.ADMIN]


def test_personal_data_in_full_for_ones_own_team() -> None:
    assert allowed("member", Action.VIEW_PERSONAL_DATA, own_team=True)
    assert not allowed("member", Action.VIEW_PERSONAL_DATA, own_team=False)
    assert allowed("hq", Action.VIEW_PERSONAL_DATA, own_team=False)
    assert not allowed("auditor", Action.VIEW_PERSONAL_DATA, own_team=False)


def test_unknown_roles_and_actions_may_do_nothing() -> None:
    assert not allowed("intruder", Action.COMPUTE, own_team=True)
    assert not allowed("hq", "drop_database", own_team=False)


def test_refusals_say_what_and_why() -> None:
    assert refusal("hq", Action.COMPUTE, own_team=False) is None
    other = refusal("member", Action.RECORD_PAYMENT, own_team=False)
    assert other is not None and "登记支付" in other and "其他工作组" in other
    never = refusal("leader", Action.PUBLISH_SCHEME, own_team=True)
    assert never is not None and "发布补偿方案" in never and "指挥部" in never
    nobody = refusal(None, Action.EXPORT_LEDGER, own_team=False)
    assert nobody is not None and "登录" in nobody
