"""``relocation-desk demo``: build a realistic demo project database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n import _
from .arguments import output_file
from .common import date_arg


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        help=_("生成演示项目数据库"),
        description=_(
            "生成一个逼真的演示项目：工作组、村组、农户与家庭成员、房屋与附属物、已发布的补偿方案，"
            "以及处于各个工作阶段的农户。相同的 --seed 与 --today 生成完全相同的数据。"
        ),
    )
    p.add_argument(
        "--db", required=True, type=output_file, help=_("要创建的数据库文件（不能已存在）")
    )
    p.add_argument("--households", type=int, default=1000, help=_("农户数（默认 1000）"))
    p.add_argument(
        "--teams",
        type=int,
        default=None,
        help=_("工作组数，1 到 99，不多于农户数（默认每约 1250 户一个组，3 到 60 个）"),
    )
    p.add_argument("--seed", type=int, default=1, help=_("随机种子（默认 1）"))
    p.add_argument(
        "--today",
        type=date_arg,
        default=None,
        help=_("以哪一天为“今天”生成工作进度，格式 YYYY-MM-DD（默认今天）"),
    )
    p.add_argument(
        "--password",
        default="demo",
        help=_("每位演示工作人员的登录密码（默认 demo；演示数据专用，勿用真实密码）"),
    )
    p.add_argument(
        "--laptops",
        metavar="DIR",
        type=Path,
        help=_(
            "同时生成各工作组的电脑：--db 成为指挥部的数据库（项目、工作组、村组、人员、已发布方案，"
            "没有农户），每个工作组在 DIR/<工作组编号>.sqlite 持有本组的农户和工作"
            "（如同由加入包加入后离线工作）。DIR 须为新的或空的文件夹"
        ),
    )
    p.add_argument("--quiet", action="store_true", help=_("不显示进度"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..services.demo.generator import generate_demo
    from .common import CliError

    if args.households < 1 or args.households > 1_000_000:
        raise CliError(_("农户数应在 1 到 1,000,000 之间，收到的是 {n}", n=args.households))
    if args.teams is not None and not 1 <= args.teams <= min(99, args.households):
        raise CliError(
            _(
                "工作组数应在 1 到 99 之间且不多于农户数（{households}），收到的是 {n}；"
                "请重新填写 --teams。",
                households=args.households,
                n=args.teams,
            )
        )
    if not args.password or len(args.password) > 128:
        raise CliError(_("演示密码不能为空，最多 128 个字符；请重新填写 --password。"))

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    if args.laptops is not None:
        return _run_split(args, progress)
    summary = generate_demo(
        args.db,
        households=args.households,
        seed=args.seed,
        today=args.today,
        progress=progress,
        password=args.password,
        teams=args.teams,
    )
    if not args.quiet:
        print(file=sys.stderr)
    print(
        _(
            "已生成演示项目：{path}（{households} 户，用时 {seconds:.1f} 秒）",
            path=args.db,
            households=args.households,
            seconds=summary.seconds,
        )
    )
    print(_("每位演示工作人员的登录密码：{password}", password=args.password))
    return 0


def _run_split(args: argparse.Namespace, progress: object) -> int:
    from ..services.exchange.demo_split import split_demo

    summary = split_demo(
        args.db,
        args.laptops,
        households=args.households,
        seed=args.seed,
        today=args.today,
        progress=progress,  # type: ignore[arg-type]
        password=args.password,
        teams=args.teams,
    )
    if not args.quiet:
        print(file=sys.stderr)
    print(_("已生成指挥部的数据库：{path}（{n} 个工作组，没有农户）", path=summary.hq,
            n=len(summary.laptops)))  # fmt: skip
    for code, path in summary.laptops.items():
        print(_("  {team}：{path}（{n} 户）", team=code, path=path, n=summary.counts[code]))
    print(_("指挥部密钥编号：{key}", key=summary.hq_key_id))
    print(_("每位演示工作人员的登录密码：{password}", password=args.password))
    return 0
