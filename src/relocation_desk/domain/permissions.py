"""Who may do what, on which team's households: the one permission table of the desk.

Every use case in ``services/`` names its :class:`Action` and asks :func:`allowed` (or
:func:`refusal`, which also says why in Chinese) before it touches data; the GUI asks the same
table to grey out what the signed-in role cannot do. The table is data, read here only.

A :class:`Reach` says on which households a role may act:

* ``NONE`` — never;
* ``OWN_TEAM`` — only on households (and villages) of the operator's own work team
  (责任到人: members and leaders act for their own team);
* ``ANY_TEAM`` — on every team's households (指挥部 merges and rules for the whole project).

Project-wide actions (publishing a scheme, importing a ledger, managing operators) have no
team; they are asked with ``own_team=False`` so only ``ANY_TEAM`` allows them.

Pure Python: no database, no Qt. Messages go through ``relocation_desk.i18n``.
"""

from __future__ import annotations

from enum import Enum, StrEnum

from ..i18n import _
from .status import ROLE_LABELS, Role


class Action(StrEnum):
    """A use case that the permission table governs."""

    REGISTER_HOUSEHOLD = "register_household"  # 登记新户
    EDIT_HOUSEHOLD = "edit_household"  # 修改户的资料、附加照片和文件
    COMPUTE = "compute"  # 核算补偿（含全部重算）
    CHECK_CALCULATION = "check_calculation"  # 复核核算
    REQUEST_EXCEPTION = "request_exception"  # 提出特殊情况申请
    APPROVE_EXCEPTION = "approve_exception"  # 审批特殊情况申请
    POST_NOTICE = "post_notice"  # 张贴公示、补印公示、上传张贴照片
    HANDLE_OBJECTION = "handle_objection"  # 登记和处理异议
    PRINT_AGREEMENT = "print_agreement"  # 打印协议（含完整身份证号）
    SIGN_AGREEMENT = "sign_agreement"  # 签约、补充协议
    RECORD_PAYMENT = "record_payment"  # 登记支付
    CORRECT_PAYMENT = "correct_payment"  # 冲正支付
    RECORD_MILESTONE = "record_milestone"  # 登记腾房、交钥匙、拆除
    RECORD_DECISION = "record_decision"  # 作出或撤销补偿决定
    EDIT_SCHEME_DRAFT = "edit_scheme_draft"  # 编辑补偿方案草稿
    PUBLISH_SCHEME = "publish_scheme"  # 发布补偿方案
    IMPORT_LEDGER = "import_ledger"  # 导入台账
    EXPORT_LEDGER = "export_ledger"  # 导出完整台账（含完整身份证号）
    EXPORT_PAYMENT_REGISTER = "export_payment_register"  # 导出支付清册（含银行账号）
    VIEW_PERSONAL_DATA = "view_personal_data"  # 查看完整身份证号、电话、银行账号、低保/残疾
    VIEW_AUDIT_LOG = "view_audit_log"  # 查看审计日志
    MANAGE_OPERATORS = "manage_operators"  # 管理工作人员账号
    FREEZE_DAILY_REPORT = "freeze_daily_report"  # 冻结日报
    CHANGE_SETTINGS = "change_settings"  # 修改项目设置（协议取值、日报截止、目标、期限、时区…）
    DECIDE_CONFLICT = "decide_conflict"  # 查看和处理数据交换冲突（指挥部）
    WRITE_JOIN_PACKAGE = "write_join_package"  # 生成工作组的加入包（含工作组密钥）
    SEND_TO_TEAM = "send_to_team"  # 指挥部为工作组生成数据包
    RECEIVE_FROM_HQ = "receive_from_hq"  # 在工作组电脑上导入指挥部的数据包
    SEND_TO_HQ = "send_to_hq"  # 工作组电脑生成报送指挥部的数据包
    MERGE_FROM_TEAM = "merge_from_team"  # 指挥部导入并合并工作组的数据包


class Reach(Enum):
    NONE = 0
    OWN_TEAM = 1
    ANY_TEAM = 2


ACTION_LABELS: dict[Action, str] = {
    Action.REGISTER_HOUSEHOLD: "登记新户",
    Action.EDIT_HOUSEHOLD: "修改户的资料",
    Action.COMPUTE: "核算补偿",
    Action.CHECK_CALCULATION: "复核核算",
    Action.REQUEST_EXCEPTION: "提出特殊情况申请",
    Action.APPROVE_EXCEPTION: "审批特殊情况申请",
    Action.POST_NOTICE: "张贴公示",
    Action.HANDLE_OBJECTION: "登记和处理异议",
    Action.PRINT_AGREEMENT: "打印协议",
    Action.SIGN_AGREEMENT: "签订协议",
    Action.RECORD_PAYMENT: "登记支付",
    Action.CORRECT_PAYMENT: "冲正支付",
    Action.RECORD_MILESTONE: "登记腾房、交房、拆除",
    Action.RECORD_DECISION: "作出补偿决定",
    Action.EDIT_SCHEME_DRAFT: "编辑补偿方案草稿",
    Action.PUBLISH_SCHEME: "发布补偿方案",
    Action.IMPORT_LEDGER: "导入台账",
    Action.EXPORT_LEDGER: "导出完整台账",
    Action.EXPORT_PAYMENT_REGISTER: "导出支付清册",
    Action.VIEW_PERSONAL_DATA: "查看完整个人信息",
    Action.VIEW_AUDIT_LOG: "查看审计日志",
    Action.MANAGE_OPERATORS: "管理工作人员",
    Action.FREEZE_DAILY_REPORT: "冻结日报",
    Action.CHANGE_SETTINGS: "修改项目设置",
    Action.DECIDE_CONFLICT: "处理数据交换冲突",
    Action.WRITE_JOIN_PACKAGE: "生成加入包",
    Action.SEND_TO_TEAM: "为工作组生成数据包",
    Action.RECEIVE_FROM_HQ: "导入指挥部的数据包",
    Action.SEND_TO_HQ: "生成报送指挥部的数据包",
    Action.MERGE_FROM_TEAM: "导入工作组的数据包",
}

_N, _OWN, _ANY = Reach.NONE, Reach.OWN_TEAM, Reach.ANY_TEAM

# The table. Columns: member, leader, hq, admin, auditor.
# Members and leaders work on their own team; HQ rules for the project (exceptions, schemes,
# decisions, corrections) and sees every team; the administrator can do what HQ does and
# manages the operators; the auditor reads (masked) and reads the audit log, nothing else.
_TABLE: dict[Action, tuple[Reach, Reach, Reach, Reach, Reach]] = {
    Action.REGISTER_HOUSEHOLD: (_OWN, _OWN, _ANY, _ANY, _N),
    Action.EDIT_HOUSEHOLD: (_OWN, _OWN, _ANY, _ANY, _N),
    Action.COMPUTE: (_OWN, _OWN, _ANY, _ANY, _N),
    Action.CHECK_CALCULATION: (_OWN, _OWN, _ANY, _ANY, _N),
    Action.REQUEST_EXCEPTION: (_OWN, _OWN, _ANY, _ANY, _N),
    Action.APPROVE_EXCEPTION: (_N, _N, _ANY, _ANY, _N),
    Action.POST_NOTICE: (_OWN, _OWN, _ANY, _ANY, _N),
    Action.HANDLE_OBJECTION: (_OWN, _OWN, _ANY, _ANY, _N),
    Action.PRINT_AGREEMENT: (_OWN, _OWN, _ANY, _ANY, _N),
    Action.SIGN_AGREEMENT: (_OWN, _OWN, _ANY, _ANY, _N),
    Action.RECORD_PAYMENT: (_OWN, _OWN, _ANY, _ANY, _N),
    Action.CORRECT_PAYMENT: (_N, _N, _ANY, _ANY, _N),
    Action.RECORD_MILESTONE: (_OWN, _OWN, _ANY, _ANY, _N),
    Action.RECORD_DECISION: (_N, _N, _ANY, _ANY, _N),
    # A draft changes nothing until HQ publishes it: teams may prepare one for HQ's review.
    Action.EDIT_SCHEME_DRAFT: (_ANY, _ANY, _ANY, _ANY, _N),
    Action.PUBLISH_SCHEME: (_N, _N, _ANY, _ANY, _N),
    Action.IMPORT_LEDGER: (_N, _N, _ANY, _ANY, _N),
    Action.EXPORT_LEDGER: (_N, _N, _ANY, _ANY, _N),
    Action.EXPORT_PAYMENT_REGISTER: (_N, _OWN, _ANY, _ANY, _N),
    Action.VIEW_PERSONAL_DATA: (_OWN, _OWN, _ANY, _ANY, _N),
    Action.VIEW_AUDIT_LOG: (_N, _N, _ANY, _ANY, _ANY),
    Action.MANAGE_OPERATORS: (_N, _N, _N, _ANY, _N),
    Action.FREEZE_DAILY_REPORT: (_N, _OWN, _ANY, _ANY, _N),
    # Project-wide rules (agreement values, deadlines, targets, the clock): HQ decides them.
    Action.CHANGE_SETTINGS: (_N, _N, _ANY, _ANY, _N),
    Action.DECIDE_CONFLICT: (_N, _N, _ANY, _ANY, _N),
    Action.WRITE_JOIN_PACKAGE: (_N, _N, _ANY, _ANY, _N),
    Action.SEND_TO_TEAM: (_N, _N, _ANY, _ANY, _N),
    Action.RECEIVE_FROM_HQ: (_OWN, _OWN, _ANY, _ANY, _N),
    Action.SEND_TO_HQ: (_OWN, _OWN, _ANY, _ANY, _N),
    Action.MERGE_FROM_TEAM: (_N, _N, _ANY, _ANY, _N),
}
_COLUMN = {Role.MEMBER: 0, Role.LEADER: 1, Role.HQ: 2, Role.ADMIN: 3, Role.AUDITOR: 4}

# Flattened for the hot path: (role value, action value) -> Reach.
_REACH: dict[tuple[str, str], Reach] = {
    (role.value, action.value): reaches[column]
    for action, reaches in _TABLE.items()
    for role, column in _COLUMN.items()
}


def reach(role: str, action: Action | str) -> Reach:
    """How far ``role`` may do ``action``; an unknown role or action may do nothing."""
    return _REACH.get((str(role), str(action)), Reach.NONE)


def allowed(role: str, action: Action | str, own_team: bool) -> bool:
    """May an operator of ``role`` do ``action`` on a household of their own team
    (``own_team=True``) or of another team or none (``own_team=False``)?"""
    r = _REACH.get((str(role), str(action)), Reach.NONE)
    return r is Reach.ANY_TEAM or (own_team and r is Reach.OWN_TEAM)


def refusal(role: str | None, action: Action | str, own_team: bool) -> str | None:
    """Why ``role`` may not do ``action`` here, in Chinese; None when it may.

    ``role`` None means nobody is signed in.
    """
    what = _(ACTION_LABELS[Action(action)])
    if role is None:
        return _("{action}需要先登录：请以本人的账号登录后再操作", action=what)
    if allowed(role, action, own_team):
        return None
    try:
        role_label = _(ROLE_LABELS[Role(role)])
    except ValueError:
        role_label = role
    r = reach(role, action)
    if r is Reach.OWN_TEAM:
        return _(
            "{role}只能为本工作组的户{action}；这户（或这个村）属于其他工作组，"
            "请由该工作组或指挥部办理",
            role=role_label,
            action=what,
        )
    who = "、".join(_(ROLE_LABELS[r]) for r in roles_allowed(Action(action)))
    return _(
        "{role}无权{action}；只有{allowed}可以办理，请交由他们办理",
        role=role_label,
        action=what,
        allowed=who,
    )


def roles_allowed(action: Action) -> list[Role]:
    """The roles that may do ``action`` at least on their own team (for documents and help)."""
    return [role for role in _COLUMN if reach(role.value, action) is not Reach.NONE]
