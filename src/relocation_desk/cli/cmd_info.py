"""``relocation-desk info``: what is in a database file (project, schema version, counts)."""

from __future__ import annotations

import argparse
import sys

from ..i18n import _
from ..services.clock import project_zone, shown
from ..storage.program_version import newer_version_warning


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "info",
        help=_("显示数据库概况"),
        description=_(
            "显示数据库中的项目、数据库版本、各类记录数和最近一次备份时间。不修改数据库。"
        ),
    )
    p.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..services.project_info import read_project_info
    from .common import open_target

    db = open_target(args.db, migrate=False)
    try:
        info = read_project_info(db)
        zone = project_zone(db)
    finally:
        db.close()
    print(_("项目：{name}（{code}）", name=info.project_name, code=info.project_code))
    print(_("数据库：{target}", target=info.location))
    print(_("数据库版本：{rev}", rev=info.schema_revision))
    for label, count in info.counts:
        print(f"  {label}: {count:,}")
    if info.last_backup is not None:
        print(_("最近备份：{at}", at=shown(info.last_backup, zone)))
    else:
        print(_("最近备份：无"))
    if info.written_by:
        warning = newer_version_warning(info.written_by)
        if warning:
            print(_("警告：{warning}", warning=warning), file=sys.stderr)
        print(_("写入过本数据库的程序版本："))
        for w in info.written_by:
            print(
                _(
                    "  {version}：{first} 首次，{last} 最近",
                    version=w.version,
                    first=shown(w.first_written_at, zone),
                    last=shown(w.last_written_at, zone),
                )
            )
    return 0
