"""``relocation-desk join-package`` (HQ) and ``join`` (a team laptop): joining a project.

HQ writes a team's join package (``--team T03``); it holds the team's new signing key, so give
it a password (``--password-env VAR``, or ``--password`` to type it) when it travels by chat
app. The laptop makes its project file from the package with ``join``, which prints HQ's key
id for checking by phone.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import _
from .arguments import input_file, output_file
from .cmd_exchange import _add_password_options, package_password
from .common import add_operator_option, open_target, signed_in_operator


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    jp = sub.add_parser(
        "join-package",
        help=_("指挥部：为一个工作组生成加入包"),
        description=_(
            "指挥部：为工作组生成加入包（项目、工作组、村组、工作人员、补偿方案、设置和工作组的"
            "新密钥）。工作组电脑用 relocation-desk join 由它建立项目文件。加入包含密钥，"
            "经聊天软件传送时请加密码。"
        ),
    )
    jp.add_argument("--db", required=True, help=_("指挥部的数据库文件路径或 PostgreSQL 连接地址"))
    jp.add_argument("--team", required=True, metavar="T", help=_("工作组编号，例如 T03"))
    jp.add_argument(
        "--out", required=True, type=output_file, metavar="FILE", help=_("加入包文件（.rdpkg）")
    )
    _add_password_options(jp, _("用密码加密加入包"))
    add_operator_option(jp)
    jp.set_defaults(func=run_join_package)

    j = sub.add_parser(
        "join",
        help=_("工作组电脑：由指挥部的加入包建立项目文件"),
        description=_(
            "工作组电脑：由指挥部的加入包建立新的项目文件（不能是已有数据的文件），"
            "并显示指挥部的密钥编号，请与指挥部电话核对。"
        ),
    )
    j.add_argument(
        "--package", required=True, type=input_file, metavar="FILE", help=_("加入包文件")
    )
    j.add_argument(
        "--db",
        required=True,
        help=_("要新建的项目文件（不能已有数据），或空的 PostgreSQL 数据库的连接地址"),
    )
    _add_password_options(j, _("加入包已加密时的密码"))
    j.set_defaults(func=run_join)


def run_join_package(args: argparse.Namespace) -> int:
    from ..services.exchange.join import write_join_package

    password = package_password(args)
    db = open_target(args.db)
    try:
        op = signed_in_operator(db, args.operator)
        manifest = write_join_package(db, op, args.team, Path(args.out), password=password)
    finally:
        db.close()
    print(_("已生成工作组 {team} 的加入包：{path}", team=manifest.extra["team_code"],
            path=args.out))  # fmt: skip
    print(_("指挥部密钥编号：{key}（工作组加入时请电话核对）", key=manifest.key_id))
    if password is None:
        print(_("注意：加入包含工作组的密钥且未加密，请只用U盘当面交给工作组"))
    return 0


def run_join(args: argparse.Namespace) -> int:
    from ..services.exchange.join import join_project
    from .arguments import database_target

    target = database_target(args.db)
    password = package_password(args)
    result = join_project(Path(args.package), target, password=password)
    print(
        _("已加入项目“{project}”：{team_code} {team_name}，项目文件 {path}",
          project=result.project_name, team_code=result.team_code, team_name=result.team_name,
          path=result.path)
    )  # fmt: skip
    print(_("指挥部密钥编号：{key}，请与指挥部电话核对", key=result.hq_key_id))
    return 0
