"""``relocation-desk copy-to-server``: HQ moves its project file onto its PostgreSQL server."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import _
from .common import add_operator_option, signed_in_operator


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "copy-to-server",
        help=_("把项目文件复制到指挥部的 PostgreSQL 服务器"),
        description=_(
            "把项目文件（SQLite）的全部数据复制到服务器上一个空的 PostgreSQL 数据库："
            "先用本程序的迁移建好表，再逐表复制，全部成功才提交。服务器数据库里已有项目时"
            "不复制任何内容。需要管理员账号。"
        ),
    )
    p.add_argument("file", type=Path, metavar="FILE", help=_("项目文件（.sqlite）"))
    p.add_argument(
        "--db", required=True, help=_("服务器上的空数据库，postgresql://用户@服务器/数据库")
    )
    add_operator_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..services.backups.server import move_to_server
    from ..storage.db import open_database
    from .arguments import database_target
    from .common import CliError

    target = database_target(args.db)
    if not isinstance(target, str):
        raise CliError(_("--db 应是服务器上的数据库地址：postgresql://用户@服务器/数据库"))
    source = open_database(args.file)
    try:
        op = signed_in_operator(source, args.operator)
        server = open_database(target, create=True)
        try:
            counts = move_to_server(source, server, op)
        finally:
            server.close()
    finally:
        source.close()
    print(
        _("已复制到服务器：{households} 户，共 {rows} 行。", households=counts.get("household", 0),
          rows=sum(counts.values()))
    )  # fmt: skip
    print(_("指挥部今后用 relocation-desk gui --db {url} 打开项目。", url=args.db))
    return 0
