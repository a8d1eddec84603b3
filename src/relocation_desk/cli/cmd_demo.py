"""``relocation-desk demo``: build a realistic demo project database."""

from __future__ import annotations

import argparse
import sys

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
    p.add_argument("--quiet", action="store_true", help=_("不显示进度"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..services.demo.generator import generate_demo
    from .common import CliError

    if args.households < 1 or args.households > 1_000_000:
        raise CliError(_("农户数应在 1 到 1,000,000 之间，收到的是 {n}", n=args.households))
    if not args.password or len(args.password) > 128:
        raise CliError(_("演示密码不能为空，最多 128 个字符；请重新填写 --password。"))

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    summary = generate_demo(
        args.db,
        households=args.households,
        seed=args.seed,
        today=args.today,
        progress=progress,
        password=args.password,
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
