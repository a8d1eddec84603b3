"""``relocation-desk import-ledger`` and ``export-ledger``: the ledger (台账) as a workbook."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..i18n import _
from .arguments import input_file, output_file
from .common import add_operator_option, open_target, signed_in_operator


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import-ledger",
        help=_("从Excel台账导入农户"),
        description=_(
            "读取Excel/WPS台账（.xlsx），识别表头和各列，在一个事务中导入全部农户和家庭成员："
            "要么全部导入，要么什么都不改。无法使用的值留空并标记待核实，原文保留。"
            "数据库文件不存在时新建项目数据库。"
        ),
    )
    p.add_argument("file", type=input_file, help=_("台账文件（.xlsx）"))
    p.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    p.add_argument("--dry-run", action="store_true", help=_("只检查并报告，不写入数据库"))
    p.add_argument(
        "--report", type=output_file, help=_("把导入报告写到此 JSON 文件（同名 .xlsx 为可读版）")
    )
    p.add_argument(
        "--village-team",
        action="append",
        default=[],
        metavar=_("村=工作组"),
        help=_("为项目中还没有的村指定工作组，如 --village-team 张庄村=T02（可多次使用）；"
               "未指定的村，其农户不导入并在报告中列出"),
    )  # fmt: skip
    p.add_argument(
        "--reject-problems",
        action="store_true",
        help=_("有无法使用的值的行不导入（默认：导入并标记待核实）"),
    )
    add_operator_option(
        p,
        required=False,
        help=_(
            "导入人登录名（导入到已有数据库时必填；密码取自环境变量 RD_PASSWORD，或在终端中输入）"
        ),
    )
    p.set_defaults(func=run_import)

    e = sub.add_parser(
        "export-ledger",
        help=_("导出完整台账（Excel）"),
        description=_(
            "把全部农户、家庭成员、房屋、附属物、补偿核算、协议与支付和待核实数据导出为Excel工作簿。"
            "含完整身份证号码，导出会记入审计日志。"
        ),
    )
    e.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    e.add_argument("--out", required=True, type=output_file, help=_("要写入的 .xlsx 文件"))
    add_operator_option(e)
    e.set_defaults(func=run_export)


def run_import(args: argparse.Namespace) -> int:
    from ..reports.ledger_report import write_import_report
    from ..services.errors import UserError
    from ..services.ledger.detect import column_status
    from ..services.ledger.importer import LedgerFileError, analyse, apply, unknown_villages
    from .common import CliError

    village_team = {}
    for answer in args.village_team:
        village, sep, team = answer.partition("=")
        if not sep or not village.strip() or not team.strip():
            raise CliError(
                _("--village-team 的写法是 村名=工作组编号，如 张庄村=T02（收到“{text}”）",
                  text=answer)
            )  # fmt: skip
        village_team[village.strip()] = team.strip().upper()
    try:
        analysis = analyse(args.file)
    except LedgerFileError as exc:
        raise CliError(exc.message) from exc
    for sheet in analysis.sheets:
        print(_("工作表“{sheet}”：{what}", sheet=sheet.name, what=sheet.describe()))
        if sheet.header is None or not sheet.imported:
            continue
        print(_("  表头在第{rows}行", rows="、".join(map(str, sheet.header.header_rows))))
        for c in sheet.header.columns:
            if c.header:
                print(f"  {c.letter}列“{c.header}”{column_status(c)}")
    target = args.db if "://" in args.db else Path(args.db)
    for village in unknown_villages(analysis, target, village_team):
        print(
            _("村“{village}”不在本项目中或没有指定工作组：其农户不导入；"
              "请用 --village-team {village}=工作组编号 指定", village=village)
        )  # fmt: skip
    operator = None
    if args.dry_run:
        pass  # reads the workbook and the keys already in the database; writes nothing
    elif "://" in args.db or target.exists():
        # An existing project: the import is done by a signed-in operator. A new file holds
        # no one yet; its first run creates the administrator (``create-admin``).
        db = open_target(args.db)
        try:
            operator = signed_in_operator(db, args.operator)
        finally:
            db.close()
    try:
        report = apply(
            analysis,
            target,
            mark_for_correction=not args.reject_problems,
            dry_run=args.dry_run,
            operator=operator,
            village_team=village_team,
        )
    except UserError as exc:
        raise CliError(exc.message) from exc
    if args.report is not None:
        args.report.write_text(
            json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        write_import_report(args.report.with_suffix(".xlsx"), report, source=str(args.file))
    for item in report.rejected:
        print(_("未导入 {sheet} 第{row}行：{reason}", **item))
    for item in report.warnings:
        print(_("警告 {sheet} 第{row}行：{reason}", **item))
    if args.dry_run:
        print(
            _("试运行：可导入 {households} 户、{persons} 人；未导入 {rejected} 行；数据库未改动",
              households=report.households, persons=report.persons,
              rejected=len(report.rejected))
        )  # fmt: skip
    else:
        print(
            _("已导入 {households} 户、{persons} 人；未导入 {rejected} 行，警告 {warnings} 条",
              households=report.households, persons=report.persons,
              rejected=len(report.rejected), warnings=len(report.warnings))
        )  # fmt: skip
    return 0


def run_export(args: argparse.Namespace) -> int:
    from ..reports.ledger_xlsx import summary, write_ledger
    from ..services.ledger.export import export_ledger
    from ..storage.db import open_database

    target = args.db if "://" in args.db else Path(args.db)
    db = open_database(target)
    try:
        operator = signed_in_operator(db, args.operator)
        # Refused for roles that may not export; the file exists only with its audit row.
        counts = export_ledger(db, Path(args.out), write_ledger, operator)
    finally:
        db.close()
    print(_("已导出台账：{path}（{summary}）", path=args.out, summary=summary(counts)))
    return 0
