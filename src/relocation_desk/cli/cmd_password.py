"""``relocation-desk password`` and ``create-admin``: passwords from the command line.

New passwords, like sign-in passwords, never come from the command line: from the environment
variable ``RD_NEW_PASSWORD``, or typed twice at a terminal.
"""

from __future__ import annotations

import argparse
import os

from ..i18n import _
from .common import (
    NEW_PASSWORD_ENV,
    CliError,
    add_operator_option,
    open_target,
    read_password,
    read_secret,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "password",
        help=_("修改自己的密码；管理员重置别人的密码"),
        description=_(
            "修改 --operator 本人的密码；管理员加 --reset 登录名 为别人设置临时密码"
            "（对方下次登录时须修改，同时解除锁定）。当前密码取自环境变量 RD_PASSWORD，"
            "新密码取自 RD_NEW_PASSWORD，没有时在终端中输入。"
        ),
    )
    p.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    add_operator_option(p)
    p.add_argument("--reset", metavar="LOGIN", help=_("要重置密码的工作人员登录名（管理员）"))
    p.set_defaults(func=run_password)

    a = sub.add_parser(
        "create-admin",
        help=_("为新项目创建管理员"),
        description=_(
            "项目中还没有人设置密码时（新项目，或旧版本升级来的数据库），创建管理员或为已有的"
            "管理员登录名设置密码。密码取自环境变量 RD_NEW_PASSWORD，没有时在终端中输入。"
        ),
    )
    a.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    a.add_argument("--login", required=True, help=_("管理员登录名"))
    a.add_argument("--name", required=True, help=_("管理员姓名"))
    a.set_defaults(func=run_create_admin)


def new_password(whose: str) -> str:
    """The new password: RD_NEW_PASSWORD, or typed twice at a terminal."""
    missing = _("没有新密码：请设置环境变量 RD_NEW_PASSWORD，或在终端中运行本命令输入新密码。")
    if os.environ.get(NEW_PASSWORD_ENV):
        return os.environ[NEW_PASSWORD_ENV]
    first = read_secret(NEW_PASSWORD_ENV, _("{login} 的新密码：", login=whose), missing)
    again = read_secret(NEW_PASSWORD_ENV, _("再输入一次新密码："), missing)
    if again != first:
        raise CliError(_("两次输入的新密码不一样；请重新运行并输入相同的密码。"))
    return first


def run_password(args: argparse.Namespace) -> int:
    from ..services.auth.service import AuthService

    db = open_target(args.db)
    try:
        auth = AuthService(db)
        current = read_password(args.operator)
        signed = auth.sign_in(args.operator, current)
        if args.reset is None:
            auth.change_password(signed.operator, current, new_password(args.operator))
            print(_("{login} 的密码已修改。", login=args.operator))
        else:
            if signed.must_change_password:
                raise CliError(
                    _("请先修改你自己的密码（去掉 --reset 运行本命令），再重置别人的密码。")
                )
            auth.reset_password(signed.operator, args.reset, new_password(args.reset))
            print(_("已为 {login} 设置临时密码；对方下次登录时须修改密码。", login=args.reset))
    finally:
        db.close()
    return 0


def run_create_admin(args: argparse.Namespace) -> int:
    from ..services.auth.service import AuthService

    db = open_target(args.db)
    try:
        auth = AuthService(db)
        admin = auth.create_first_administrator(args.login, args.name, new_password(args.login))
    finally:
        db.close()
    print(_("已创建管理员 {name}（{login}）。", name=admin.name, login=admin.login))
    return 0
