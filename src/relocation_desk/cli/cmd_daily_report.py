"""``relocation-desk daily-report``: the daily report to HQ as a workbook (and a one-page PDF).

A report already frozen for the date and scope is reprinted exactly as frozen; otherwise the
figures are counted as of the date's cut-off, and ``--freeze`` stores them for good.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import _
from .arguments import output_file
from .common import add_operator_option, date_arg, open_target, signed_in_operator


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "daily-report",
        help=_("日报：生成报送指挥部的日报（Excel 和 PDF）"),
        description=_(
            "按截止时间统计当天和累计的进度（分工作组、村、责任人），输出 Excel，"
            "可另出一页 PDF。已冻结的日报按冻结时的内容重印；--freeze 冻结当天日报，"
            "之后的变动计入下一天。"
        ),
    )
    p.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    p.add_argument("--date", required=True, type=date_arg, help=_("报表日期 YYYY-MM-DD"))
    p.add_argument("--out", required=True, type=output_file, help=_("输出的 Excel 文件（.xlsx）"))
    p.add_argument("--pdf", type=output_file, help=_("另外输出一页 PDF（晨会用）"))
    p.add_argument("--team", help=_("只统计一个工作组（名称或编号）；不填则全项目"))
    p.add_argument("--freeze", action="store_true", help=_("冻结这份日报（冻结后不能再改）"))
    add_operator_option(
        p,
        required=False,
        help=_(
            "冻结日报的操作员登录名（--freeze 时必填；密码取自环境变量 RD_PASSWORD，或在终端中输入）"
        ),
    )
    p.set_defaults(func=run_daily_report)


def run_daily_report(args: argparse.Namespace) -> int:
    from sqlalchemy import or_, select

    from ..reports.daily_pdf import write_daily_pdf
    from ..reports.daily_xlsx import write_daily_xlsx
    from ..services.households.service import project_id_of
    from ..services.progress import daily_report
    from ..storage import models as m
    from .common import CliError

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise CliError(_("--out 必须是 .xlsx 文件，例如 日报.xlsx"))
    db = open_target(args.db)
    try:
        # Reading or reprinting a frozen report is read-only; freezing needs a signed-in operator.
        op = signed_in_operator(db, args.operator, needed=False)
        team_id = None
        if args.team:
            with db.session() as s:
                team_id = s.scalar(
                    select(m.Team.id).where(
                        m.Team.project_id == project_id_of(s),
                        or_(m.Team.name == args.team, m.Team.code == args.team),
                    )
                )
            if team_id is None:
                raise CliError(_("找不到工作组：{name}（请写工作组名称或编号）", name=args.team))
        data = daily_report.load_frozen(db, args.date, team_id=team_id)
        if data is not None:
            print(
                _(
                    "{day} 的日报已冻结，按冻结时的内容重印",
                    day=args.date.isoformat(),
                )
            )
        elif args.freeze:
            op = op or signed_in_operator(db, args.operator)
            data = daily_report.freeze(db, args.date, team_id=team_id, operator=op)
            print(_("已冻结 {day} 的日报", day=args.date.isoformat()))
        else:
            data = daily_report.build(db, args.date, team_id=team_id)
            print(_("{day} 的日报未冻结（草稿）", day=args.date.isoformat()))
    finally:
        db.close()
    write_daily_xlsx(out, data)
    t = data.total
    print(
        _(
            "{scope}：总户数 {households}，今日签约 {today}，累计签约 {signed}（{pct}%），"
            "累计支付 {paid} 户，逾期 {overdue}",
            scope=data.scope_name,
            households=t.households,
            today=t.signed_today,
            signed=t.signed,
            pct=f"{t.signed_pct:.1f}",
            paid=t.paid,
            overdue=t.overdue,
        )
    )
    print(_("已写入 {path}", path=out))
    if args.pdf:
        write_daily_pdf(Path(args.pdf), data)
        print(_("已写入 {path}", path=args.pdf))
    if data.content_hash:
        print(_("校验值：{hash}", hash=data.content_hash))
    return 0
