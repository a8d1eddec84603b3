"""``relocation-desk settings``: show the project settings, or change one (the same use case as
设置 → 项目设置… in the window)."""

from __future__ import annotations

import argparse

from ..i18n import _
from .common import add_operator_option, open_target, signed_in_operator


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "settings",
        help=_("项目设置：查看或修改"),
        description=_(
            "项目设置：协议取值和编号格式、日报截止时间、签约目标和期限、公示期、项目时区、"
            "自动锁定和自动备份。show 列出每一项的名称、当前值和默认值；set 修改一项"
            "（指挥部或管理员；修改记入审计日志）。值为空字符串时恢复默认值。"
        ),
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = actions.add_parser("show", help=_("列出全部项目设置"))
    q.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    q.set_defaults(func=run_show)
    q = actions.add_parser("set", help=_("修改一项项目设置"))
    q.add_argument("key", metavar="KEY", help=_("设置名称（见 settings show），如 report_cutoff"))
    q.add_argument("value", metavar="VALUE", help=_('新值；空字符串 "" 表示恢复默认值'))
    q.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    add_operator_option(q, help=_("经办人登录名（密码取自环境变量 RD_PASSWORD，或在终端中输入）"))
    q.set_defaults(func=run_set)


def run_show(args: argparse.Namespace) -> int:
    from ..services.project_settings import ProjectSettings

    db = open_target(args.db)
    try:
        entries = ProjectSettings(db, None).entries()
    finally:
        db.close()
    group = None
    for e in entries:
        if e.group != group:
            group = e.group
            print(f"[{group}]")
        value = e.text if e.text else _("（默认）{value}", value=e.default or "—")
        print(f"  {e.key} = {value}    # {e.label}")
    return 0


def run_set(args: argparse.Namespace) -> int:
    from ..services.project_settings import ProjectSettings

    db = open_target(args.db)
    try:
        service = ProjectSettings(db, signed_in_operator(db, args.operator))
        changed = service.set(args.key, args.value)
        entry = next(e for e in service.entries() if e.key == args.key)
    finally:
        db.close()
    shown = entry.text if entry.text else _("（默认）{value}", value=entry.default or "—")
    if changed:
        print(_("已修改：{label}（{key}）= {value}", label=entry.label, key=entry.key, value=shown))
    else:
        print(_("未改变：{label}（{key}）已是 {value}", label=entry.label, key=entry.key,
                value=shown))  # fmt: skip
    return 0
