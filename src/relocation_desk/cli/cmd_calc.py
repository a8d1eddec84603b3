"""``relocation-desk calc`` and ``check-calc``: compute and check calculations."""

from __future__ import annotations

import argparse
import sys

from ..i18n import _
from ..services.clock import project_today
from .common import add_operator_option, date_arg, open_target, signed_in_operator


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "calc",
        help=_("按补偿方案核算一户或全部"),
        description=_("按生效的补偿方案核算一户（列出明细、合计和大写）或全部已核算户。"),
    )
    p.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--household", metavar="CODE", help=_("户号，如 T07-0001"))
    which.add_argument("--all", action="store_true", help=_("重新核算全部已核算户"))
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=date_arg, help=_("核算日期（默认今天）"))
    add_operator_option(p, help=_("经办人登录名（密码取自环境变量 RD_PASSWORD，或在终端中输入）"))
    p.set_defaults(func=run_calc)
    c = sub.add_parser(
        "check-calc",
        help=_("复核一户的核算"),
        description=_("复核一户的当前核算；复核人不能是核算人。"),
    )
    c.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    c.add_argument("--household", required=True, metavar="CODE", help=_("户号，如 T07-0001"))
    add_operator_option(c, help=_("复核人登录名（密码取自环境变量 RD_PASSWORD，或在终端中输入）"))
    c.set_defaults(func=run_check)


def run_calc(args: argparse.Namespace) -> int:
    from ..domain.money import format_fen
    from ..services.calculation.service import CalculationError, CalculationService
    from .common import CliError

    db = open_target(args.db)
    try:
        as_of = args.as_of or project_today(db)
        svc = CalculationService(db, signed_in_operator(db, args.operator))
        try:
            if args.all:

                def progress(done: int, total: int) -> None:
                    print(_("已核算 {done}/{total} 户", done=done, total=total), file=sys.stderr)

                s = svc.recompute_all(as_of=as_of, progress=progress)
                print(
                    _(
                        "变化 {changed} 户，未变 {unchanged} 户，失败 {failed} 户，"
                        "已签约保持协议金额 {kept} 户",
                        changed=s.changed,
                        unchanged=s.unchanged,
                        failed=len(s.failed),
                        kept=s.signed_kept,
                    )
                )
                for code, reason in s.failed:
                    print(f"  {code}: {reason}")
                return 0
            view = svc.compute(svc.household_id(args.household), as_of=as_of)
        except CalculationError as exc:
            raise CliError(exc.message) from None
    finally:
        db.close()
    print(_("{code} 第{version}版核算（{status}）", code=view.household_code,
            version=view.version_no, status=view.status))  # fmt: skip
    print(view.scheme_label)
    for ln in view.lines:
        print(f"{ln.seq:>3}. {ln.item_name}  {format_fen(ln.amount_fen)}")
        print(f"     {ln.explanation}")
    print(_("合计：{total}元", total=format_fen(view.total_fen)))
    print(_("大写：{upper}", upper=view.total_upper))
    return 0


def run_check(args: argparse.Namespace) -> int:
    from ..services.calculation.service import CalculationError, CalculationService
    from .common import CliError

    db = open_target(args.db)
    try:
        svc = CalculationService(db, signed_in_operator(db, args.operator))
        try:
            current = svc.current(svc.household_id(args.household))
            if current is None:
                raise CliError(_("{code} 还没有核算，不能复核", code=args.household))
            view = svc.check(current.id)
        except CalculationError as exc:
            raise CliError(exc.message) from None
    finally:
        db.close()
    print(_("{code} 第{version}版核算已由 {name} 复核", code=view.household_code,
            version=view.version_no, name=view.checked_by))  # fmt: skip
    return 0
