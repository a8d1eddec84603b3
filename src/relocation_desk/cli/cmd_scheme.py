"""``relocation-desk scheme``: list, export, import, preview and publish scheme versions."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..i18n import _
from ..services.clock import project_today, project_zone, shown
from .arguments import input_file, output_file
from .common import CliError, add_operator_option, date_arg, open_target, signed_in_operator

if TYPE_CHECKING:
    from ..services.schemes.service import SchemeService, VersionSummary


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "scheme",
        help=_("补偿方案：列出、导出、导入、影响预览、发布"),
        description=_(
            "补偿方案的版本：列出；把任一版本导出为 JSON 文件；把 JSON 文件导入为草稿；"
            "预览草稿对已核算户的影响；由指挥部发布草稿（发布后不能再修改）。"
        ),
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    def common(q: argparse.ArgumentParser, *, version: bool) -> None:
        q.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
        if version:
            q.add_argument("--version", required=True, type=int, metavar="N", help=_("版本号"))
            q.add_argument("--scheme", metavar="NAME", help=_("方案名称（只有一个方案时可不填）"))

    q = actions.add_parser("list", help=_("列出方案及其版本"))
    common(q, version=False)
    q.set_defaults(func=run_list)
    q = actions.add_parser("export", help=_("把一个版本导出为 JSON 文件"))
    common(q, version=True)
    q.add_argument("--out", required=True, type=output_file, help=_("导出的文件"))
    q.set_defaults(func=run_export)
    q = actions.add_parser("import", help=_("把 JSON 方案文件导入为草稿"))
    common(q, version=False)
    q.add_argument("--file", required=True, type=input_file, help=_("方案文件（.json）"))
    add_operator_option(q, help=_("经办人登录名（密码取自环境变量 RD_PASSWORD，或在终端中输入）"))
    q.set_defaults(func=run_import)
    q = actions.add_parser("preview", help=_("预览草稿对已核算户的影响"))
    common(q, version=True)
    q.add_argument("--as-of", metavar="YYYY-MM-DD", type=date_arg, help=_("核算日期（默认今天）"))
    q.set_defaults(func=run_preview)
    q = actions.add_parser("publish", help=_("发布草稿（指挥部）"))
    common(q, version=True)
    add_operator_option(q, help=_("发布人登录名（密码取自环境变量 RD_PASSWORD，或在终端中输入）"))
    q.set_defaults(func=run_publish)


def _version(svc: SchemeService, args: argparse.Namespace) -> VersionSummary:
    schemes = svc.list_schemes()
    if args.scheme is not None:
        schemes = [s for s in schemes if s.name == args.scheme]
        if not schemes:
            raise CliError(_("找不到名为“{name}”的补偿方案", name=args.scheme))
    elif len(schemes) > 1:
        raise CliError(
            _("有多个补偿方案，请用 --scheme 指明：{names}",
              names="、".join(s.name for s in schemes))
        )  # fmt: skip
    for scheme in schemes:
        for v in scheme.versions:
            if v.version_no == args.version:
                return v
    raise CliError(_("找不到第{n}版；用 scheme list 查看已有的版本", n=args.version))


def run_list(args: argparse.Namespace) -> int:
    from ..services.schemes.service import SchemeService

    db = open_target(args.db)
    try:
        schemes = SchemeService(db, None).list_schemes()
        zone = project_zone(db)
    finally:
        db.close()
    for scheme in schemes:
        print(scheme.name)
        for v in scheme.versions:
            status = _("草稿") if v.is_draft else _("已发布")
            published = ""
            if v.published_at is not None:
                at = shown(v.published_at, zone)
                published = _("{by} 于 {at} 发布", by=v.published_by, at=at)
            print(
                _("  第{n}版 {status} {day} 起施行 {items} 项 {published}", n=v.version_no,
                  status=status, day=v.effective_date.isoformat(), items=v.item_count,
                  published=published).rstrip()
            )  # fmt: skip
    return 0


def run_export(args: argparse.Namespace) -> int:
    from ..services.schemes.service import SchemeService

    db = open_target(args.db)
    try:
        svc = SchemeService(db, None)
        v = _version(svc, args)
        svc.export_version(v.id, args.out)
    finally:
        db.close()
    print(_("已导出第{n}版到 {path}", n=v.version_no, path=args.out))
    return 0


def run_import(args: argparse.Namespace) -> int:
    from ..services.schemes.service import SchemeService

    db = open_target(args.db)
    try:
        svc = SchemeService(db, signed_in_operator(db, args.operator))
        draft = svc.import_file(args.file)
        v = svc.version(draft)
    finally:
        db.close()
    print(_("已导入为草稿：{name} 第{n}版", name=v.scheme_name, n=v.version_no))
    return 0


def run_preview(args: argparse.Namespace) -> int:
    from ..domain.money import format_fen
    from ..services.schemes.service import SchemeService

    db = open_target(args.db)
    try:
        svc = SchemeService(db, None)
        v = _version(svc, args)
        report = svc.impact_preview(svc.load(v.id), as_of=args.as_of or project_today(db))
    finally:
        db.close()
    print(_("工作组  已核算户数  变化户数  现有核算（元）  按草稿（元）  差额（元）"))
    for t in report.teams:
        print(f"{t.team_code}  {t.households}  {t.changed}  {format_fen(t.before_fen)}  "
              f"{format_fen(t.after_fen)}  {format_fen(t.delta_fen)}")  # fmt: skip
    print(
        _("合计：变化 {changed} 户，差额 {delta} 元；已签约不受影响 {signed} 户；无法计算 {failed} 户",
          changed=report.changed, delta=format_fen(report.delta_fen),
          signed=report.signed_excluded, failed=len(report.failed))
    )  # fmt: skip
    return 0


def run_publish(args: argparse.Namespace) -> int:
    from ..services.schemes.service import SchemeService

    db = open_target(args.db)
    try:
        svc = SchemeService(db, signed_in_operator(db, args.operator))
        v = svc.publish(_version(svc, args).id)
    finally:
        db.close()
    print(_("已发布：{name} 第{n}版，内容指纹 {hash}", name=v.scheme_name, n=v.version_no,
            hash=v.content_hash[:16]))  # fmt: skip
    return 0
