"""``relocation-desk fairness``: the fairness report (一把尺子) as an xlsx file."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import _
from .arguments import output_file


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "fairness",
        help=_("生成公平性分析表"),
        description=_(
            "按结构类型和合法面积分组比较每平方米补偿额，列出异常值、审批例外、干部及亲属户和签约奖励情况。"
        ),
    )
    p.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    p.add_argument(
        "--out", required=True, type=output_file, metavar="F.xlsx", help=_("输出的 xlsx 文件")
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..reports.fairness import write_fairness_xlsx
    from ..services.calculation.fairness import fairness_report
    from ..storage.db import open_database

    db = open_database(args.db if "://" in args.db else Path(args.db))
    try:
        report = fairness_report(db)
    finally:
        db.close()
    out = Path(args.out)
    write_fairness_xlsx(report, out)
    print(_("已生成 {path}（{groups} 组，{outliers} 个异常值）", path=out,
            groups=len(report.groups), outliers=len(report.outliers)))  # fmt: skip
    return 0
