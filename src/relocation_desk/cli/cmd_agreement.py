"""``relocation-desk agreement``: print a household's agreement (协议) as PDF, optionally
record its signing; and ``sign-first``: the cadre households and whether they signed."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import _
from .arguments import output_file
from .common import CliError, add_operator_option, date_arg, open_target, signed_in_operator


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "agreement",
        help=_("打印补偿协议（PDF），登记签约"),
        description=_(
            "为一户生成补偿协议 PDF：缺少协议必备内容、核算未复核或数据未公示时拒绝并列出原因；"
            "已签约的协议只能重印（标明“副本/重印”）。加 --sign 登记签约。"
        ),
    )
    p.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    p.add_argument("--household", required=True, help=_("户号，如 T07-0001"))
    p.add_argument("--out", type=output_file, help=_("输出的 PDF 文件"))
    p.add_argument(
        "--sign", type=date_arg, metavar="YYYY-MM-DD", help=_("登记该户已在此日期签约（须先打印）")
    )
    p.add_argument("--witness", help=_("见证人（登记签约时必填）"))
    p.add_argument(
        "--reason",
        help=_("补登本系统启用前已签订的协议：写明原因；按 --sign 的日期生效的方案版本和签约奖励期核对，"
               "不需要本系统打印过，记入审计日志"),
    )  # fmt: skip
    p.add_argument(
        "--supplementary", metavar=_("原因"), help=_("为已签约的户开立补充协议，写明原因")
    )
    add_operator_option(p)
    p.set_defaults(func=run_agreement)

    f = sub.add_parser(
        "sign-first",
        help=_("先签户：干部及干部亲属户的签约情况"),
        description=_("列出家庭成员中有干部或干部亲属的户及其签约情况，未签的在前。"),
    )
    f.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    f.set_defaults(func=run_sign_first)


def run_agreement(args: argparse.Namespace) -> int:
    from ..reports.agreement_pdf import render_agreement
    from ..services.agreements.backdated import sign_backdated
    from ..services.agreements.service import AgreementService, NotReady
    from ..services.errors import UserError
    from ..services.resettlement.ordering import OrderService

    if args.out is None and args.sign is None and args.supplementary is None:
        raise CliError(_("请用 --out 指定输出的 PDF 文件，或用 --sign 登记签约"))
    if args.reason is not None and args.sign is None:
        raise CliError(_("--reason 用于补登以前的签约，请同时用 --sign 写明签约日期"))
    if args.sign is not None and not (args.witness or "").strip():
        raise CliError(_("登记签约需要见证人：请加 --witness 姓名或单位"))
    db = open_target(args.db)
    try:
        op = signed_in_operator(db, args.operator)
        svc = AgreementService(db, op)
        try:
            hid = svc.household_id(args.household)
            if args.supplementary is not None:
                state = svc.state(hid)
                if state.main is None or not state.main.signed:
                    raise CliError(_("该户尚未签约，不能开立补充协议"))
                supp = svc.supplementary(state.main.id, args.supplementary)
                print(_("已开立补充协议 {number}", number=supp.number))
            if args.out is not None:
                out = Path(args.out)
                view = svc.print_to_file(hid, out, render_agreement)  # logged with the file
                if view.reprint_no:
                    print(
                        _("协议 {number} 已签订，本次为副本/重印（第 {n} 次）",
                          number=view.number, n=view.reprint_no)
                    )  # fmt: skip
                else:
                    print(_("协议 {number}（第 {rev} 稿）", number=view.number, rev=view.revision))
                print(
                    _("补偿总额：{total} 元（{upper}）", total=_yuan(view.total_fen),
                      upper=view.content.get("total_upper", ""))
                )  # fmt: skip
                print(_("已写入 {path}", path=out))
            if args.sign is not None and args.reason is not None:
                signed = sign_backdated(db, op, hid, args.sign, args.witness, args.reason)
                print(
                    _("已补登签约：协议 {number}，{day} 签订，见证人 {witness}；原因：{reason}",
                      number=signed.number, day=args.sign.isoformat(),
                      witness=signed.witnessed_by, reason=args.reason)
                )  # fmt: skip
            elif args.sign is not None:
                signed = svc.sign(hid, args.sign, args.witness)
                print(
                    _("已登记签约：协议 {number}，{day} 签订，见证人 {witness}",
                      number=signed.number, day=args.sign.isoformat(), witness=signed.witnessed_by)
                )  # fmt: skip
                order_no = OrderService(db, op).issue_at_signing(hid)
                if order_no is not None:
                    print(_("产权调换选房顺序号：第 {no} 号", no=order_no))
        except NotReady as exc:  # one line, like every CLI error: the reasons numbered
            numbered = "；".join(f"{i}. {p}" for i, p in enumerate(exc.problems, start=1))
            raise CliError(exc.message.splitlines()[0] + numbered) from exc
        except UserError as exc:
            raise CliError(exc.message) from exc
    finally:
        db.close()
    return 0


def run_sign_first(args: argparse.Namespace) -> int:
    from ..services.agreements.service import AgreementService

    db = open_target(args.db)
    try:
        rows = AgreementService(db, None).sign_first()
    finally:
        db.close()
    signed = sum(1 for r in rows if r.signed_on is not None)
    print(_("干部及亲属户 {n} 户，已签约 {signed} 户", n=len(rows), signed=signed))
    for r in rows:
        state = (
            _("{day} 签约 {number}", day=r.signed_on.isoformat(), number=r.number)
            if r.signed_on
            else r.status_label
        )
        print(f"{r.code}\t{r.head_name}\t{state}\t{r.cadres}")
    return 0


def _yuan(fen: int) -> str:
    from ..domain.money import format_fen

    return format_fen(fen)
