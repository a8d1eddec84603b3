"""``relocation-desk check``: is the project database still what the program wrote?"""

from __future__ import annotations

import argparse

from ..i18n import _
from .common import open_target


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check",
        help=_("检查数据库是否被改动或损坏"),
        description=_(
            "检查 SQLite 文件自身（integrity_check、外键）、审计日志链、封存的记录"
            "（签约协议、支付、进度节点、补偿决定、已发布方案、已张贴公示、已冻结日报）、"
            "登记册的汇总栏目和照片文件的哈希。全部通过时退出码为 0，发现任何问题时为 1，"
            "并逐条列出出问题的记录（户号、什么、在哪里）。PostgreSQL 数据库跳过 SQLite 自检。"
        ),
    )
    p.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    p.add_argument(
        "--skip-files", action="store_true", help=_("不检查照片和扫描件（文件很多时较慢）")
    )
    p.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    from ..domain.audit_chain import short_hash
    from ..services.audit import read_head
    from ..services.integrity import check_database

    db = open_target(args.db)
    try:
        report = check_database(db, files=not args.skip_files)
        with db.engine.connect() as conn:
            head = read_head(conn)
        where = str(db.path) if db.path is not None else db.url.render_as_string(hide_password=True)
    finally:
        db.close()
    print(_("检查 {where}", where=where))
    for part in report.parts:
        if part.skipped:
            print(_("[跳过] {title}：{why}", title=part.title, why=part.skipped))
        elif part.ok:
            print(_("[通过] {title}：检查了 {n} 项", title=part.title, n=part.checked))
        else:
            print(
                _(
                    "[有问题] {title}：检查了 {n} 项，发现 {k} 处问题",
                    title=part.title, n=part.checked, k=part.count,
                )
            )  # fmt: skip
            for p in part.problems:
                print(f"  - {p.where}：{p.what}")
            if part.more:
                print(_("  - 还有 {n} 处问题未列出", n=part.more))
    print(_("审计链头：第 {seq} 条，哈希 {hash}", seq=head.seq, hash=short_hash(head.row_hash)))
    if report.ok:
        print(_("结论：全部通过（用时 {s:.1f} 秒）", s=report.seconds))
        return 0
    print(
        _(
            "结论：发现 {n} 处问题（用时 {s:.1f} 秒）；请把本报告交给指挥部，用备份核对或恢复",
            n=report.problem_count, s=report.seconds,
        )
    )  # fmt: skip
    return 1
