"""``relocation-desk payments``: the payment register (支付台账) as an xlsx file; ``pay`` and
``milestone`` record a payment or a milestone from the command line."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import _
from .arguments import output_file
from .common import CliError, add_operator_option, date_arg, open_target, signed_in_operator

if TYPE_CHECKING:
    from ..storage.db import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "payments",
        help=_("导出支付台账"),
        description=_("导出支付台账：每笔支付、提存和冲正，每户结余，以及补偿决定。"),
    )
    p.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    p.add_argument(
        "--out", required=True, type=output_file, metavar="F.xlsx", help=_("输出的 xlsx 文件")
    )
    p.add_argument("--team", help=_("只导出一个工作组（编号或名称）"))
    add_operator_option(p)
    p.set_defaults(func=run_export)

    pay = sub.add_parser(
        "pay",
        help=_("登记一笔支付或提存"),
        description=_("按已签订的补偿协议（未签约户按补偿决定）登记一笔支付或提存，并显示结余。"),
    )
    pay.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    pay.add_argument("--household", required=True, help=_("户编号，例如 T07-0001"))
    pay.add_argument("--amount", required=True, help=_("金额（元），例如 12345.67"))
    pay.add_argument("--date", required=True, type=date_arg, help=_("支付日期 YYYY-MM-DD"))
    pay.add_argument("--method", choices=("transfer", "cash", "cheque"), default="transfer")
    pay.add_argument("--kind", choices=("payment", "deposit"), default="payment")
    pay.add_argument("--payee", default="", help=_("收款人（默认：开户人或户主）"))
    pay.add_argument("--voucher", default="", help=_("凭证号"))
    add_operator_option(pay)
    pay.set_defaults(func=run_pay)

    ms = sub.add_parser(
        "milestone",
        help=_("登记腾房、交钥匙或拆除"),
        description=_("登记腾房、交钥匙或拆除（须先付清或提存）。"),
    )
    ms.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    ms.add_argument("--household", required=True, help=_("户编号，例如 T07-0001"))
    ms.add_argument("--kind", required=True, choices=("vacated", "keys", "demolished"))
    ms.add_argument("--date", required=True, type=date_arg, help=_("日期 YYYY-MM-DD"))
    ms.add_argument("--note", default="", help=_("备注"))
    add_operator_option(ms)
    ms.set_defaults(func=run_milestone)


def run_export(args: argparse.Namespace) -> int:
    from ..reports.payment_register import write_payment_register
    from ..services.payments.register import export_payment_register

    out = Path(args.out)
    db = open_target(args.db)
    try:
        op = signed_in_operator(db, args.operator)
        # The file and its audit row are written together, or neither.
        reg = export_payment_register(db, out, write_payment_register, team=args.team, operator=op)
    finally:
        db.close()
    owing = sum(1 for b, _t, _s in reg.balances if b.outstanding_fen > 0)
    print(
        _(
            "已生成 {path}（{payments} 笔支付，{households} 户，其中未付清 {owing} 户；补偿决定 {decisions} 户）",
            path=out, payments=len(reg.payments), households=len(reg.balances), owing=owing,
            decisions=len(reg.decisions),
        )
    )  # fmt: skip
    return 0


def _household_id(db: Database, code: str) -> uuid.UUID:
    from ..services.households.service import household_by_code

    with db.session() as s:
        found = household_by_code(s, code)
    if found is None:
        raise CliError(_("找不到户编号 {code}", code=code))
    return found


def run_pay(args: argparse.Namespace) -> int:
    from ..domain.money import AmountError, format_fen, parse_amount, to_chinese_upper
    from ..services.payments.service import PaymentService, balance_text

    try:
        fen = parse_amount(args.amount)
    except AmountError as exc:
        raise CliError(exc.reason) from exc
    db = open_target(args.db)
    try:
        op = signed_in_operator(db, args.operator)
        hid = _household_id(db, args.household)
        b = PaymentService(db, op).record_payment(
            hid,
            fen, args.date, payee=args.payee, method=args.method, voucher_no=args.voucher,
            kind=args.kind,
        )  # fmt: skip
    finally:
        db.close()
    print(_("已登记 {amount} 元（{upper}）", amount=format_fen(fen), upper=to_chinese_upper(fen)))
    print(balance_text(b))
    return 0


def run_milestone(args: argparse.Namespace) -> int:
    from ..services.payments.service import PaymentService, milestone_label

    db = open_target(args.db)
    try:
        op = signed_in_operator(db, args.operator)
        hid = _household_id(db, args.household)
        PaymentService(db, op).record_milestone(hid, args.kind, args.date, args.note)
    finally:
        db.close()
    print(_("已登记{what}：{date}", what=milestone_label(args.kind), date=args.date.isoformat()))
    return 0
