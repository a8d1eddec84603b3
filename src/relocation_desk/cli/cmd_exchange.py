"""``relocation-desk export-package`` and ``import-package``: the packages between team
laptops and HQ, whichever side this database is.

On a team laptop ``export-package`` writes the team's package for HQ and ``import-package``
reads HQ's package; on HQ's database ``export-package --team T03`` writes the package for
team T03 and ``import-package`` merges a team's package (``--report R.json`` writes what was
merged and every conflict). A password (``--password-env VAR``, or ``--password`` to type it)
encrypts a package for a USB stick or a chat app, and opens an encrypted one.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..i18n import _
from .arguments import output_file
from .common import CliError, add_operator_option, open_target, read_secret, signed_in_operator


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ex = sub.add_parser(
        "export-package",
        help=_("生成数据包（工作组报送指挥部，或指挥部发给工作组）"),
        description=_(
            "工作组电脑：生成报送指挥部的数据包（上次指挥部确认以来的全部改动）。"
            "指挥部：用 --team 为一个工作组生成数据包（方案、审批结果、人员、确认号）。"
        ),
    )
    ex.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    ex.add_argument(
        "--out", required=True, type=output_file, metavar="FILE", help=_("数据包文件（.rdpkg）")
    )
    ex.add_argument("--full", action="store_true", help=_("工作组：报送本组全部数据，而不只是改动"))
    ex.add_argument("--team", help=_("指挥部：为哪个工作组生成（工作组编号，例如 T03）"))
    _add_password_options(ex, _("用密码加密数据包"))
    add_operator_option(ex)
    ex.set_defaults(func=run_export)

    im = sub.add_parser(
        "import-package",
        help=_("导入数据包（指挥部合并工作组数据，或工作组导入指挥部数据）"),
        description=_(
            "指挥部：合并工作组报送的数据包，冲突留待处理，不会悄悄覆盖。"
            "工作组电脑：导入指挥部发来的数据包。同一个数据包导入两次不会改动任何数据。"
        ),
    )
    im.add_argument("file", type=Path, metavar="FILE", help=_("数据包文件（.rdpkg）"))
    im.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    im.add_argument(
        "--report",
        type=output_file,
        metavar="R.json",
        help=_("指挥部：把合并结果和冲突清单写入这个 JSON 文件"),
    )
    _add_password_options(im, _("数据包已加密时的密码"))
    add_operator_option(im)
    im.set_defaults(func=run_import)


def _add_password_options(p: argparse.ArgumentParser, what: str) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--password-env",
        metavar="VAR",
        help=_("{what}：密码取自这个环境变量", what=what),
    )
    group.add_argument(
        "--password",
        action="store_true",
        help=_("{what}：在终端中输入密码", what=what),
    )


def package_password(args: argparse.Namespace) -> str | None:
    """The package password the options ask for, or None for none."""
    if args.password_env:
        return read_secret(
            args.password_env,
            "",
            _("环境变量 {var} 没有设置或为空：请设置数据包密码后重试", var=args.password_env),
        )
    if args.password:
        return read_secret(
            "",
            _("数据包密码："),
            _("需要在终端中输入数据包密码：请在终端中运行，或改用 --password-env"),
        )
    return None


def run_export(args: argparse.Namespace) -> int:
    from ..services.exchange.routine import export_package, role_of

    password = package_password(args)
    db = open_target(args.db)
    try:
        role = role_of(db)
        if role == "hq" and not args.team:
            raise CliError(_("这是指挥部的项目库：请用 --team 写明为哪个工作组生成数据包"))
        if role == "hq" and args.full:
            raise CliError(_("--full 只用于工作组电脑报送指挥部的数据包"))
        if role == "team" and args.team and args.team != _own_team_code(db):
            raise CliError(
                _("这台工作组电脑只能报送本组的数据；--team {team} 不是本组", team=args.team)
            )
        op = signed_in_operator(db, args.operator)
        outcome = export_package(
            db, op, Path(args.out), team_code=args.team, password=password, full=args.full
        )
    finally:
        db.close()
    print(outcome.text)
    missing = getattr(outcome.result, "missing_files", None)
    if missing:
        print(
            _("注意：有 {n} 个照片或扫描件在本机找不到，未放入数据包", n=len(missing)),
        )
    return 0


def _own_team_code(db: object) -> str:
    from sqlalchemy import select

    from ..services.exchange.identity import identity
    from ..storage import models as m

    with db.session() as s:  # type: ignore[attr-defined]
        me = identity(s)
        if me is None or me.team_id is None:
            return ""
        return str(s.scalar(select(m.Team.code).where(m.Team.id == me.team_id)) or "")


def run_import(args: argparse.Namespace) -> int:
    from ..services.exchange.routine import import_package

    password = package_password(args)
    db = open_target(args.db)
    try:
        op = signed_in_operator(db, args.operator)
        outcome = import_package(db, op, args.file, password=password)
    finally:
        db.close()
    result = outcome.result
    if args.report is not None:
        to_json = getattr(result, "to_json", None)
        if to_json is None:
            raise CliError(_("--report 只用于指挥部导入工作组的数据包"))
        Path(args.report).write_text(
            json.dumps(to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    print(outcome.text)
    for c in getattr(result, "conflicts", [])[:20]:
        print("  " + _conflict_line(c))
    if args.report is not None:
        print(_("合并结果已写入 {path}", path=args.report))
    return 0


def _conflict_line(c: dict[str, str]) -> str:
    kind = c.get("kind", "")
    if kind == "duplicate_id":
        return _(
            "{household}：身份证号 {id_number} 已在 {other_team} 的 {other} 登记",
            household=c.get("household", ""), id_number=c.get("id_number", ""),
            other_team=c.get("other_team", ""), other=c.get("other_household", ""),
        )  # fmt: skip
    if kind == "moved":
        return _(
            "{household}：指挥部记在 {hq_team} 名下，现由 {team} 报送",
            household=c.get("household", ""), hq_team=c.get("hq_team", ""),
            team=c.get("team", ""),
        )  # fmt: skip
    return _(
        "{household}：指挥部和工作组都改过，保留指挥部的数据，待处理",
        household=c.get("household", ""),
    )
