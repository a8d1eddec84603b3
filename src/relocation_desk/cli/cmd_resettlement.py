"""``relocation-desk lottery`` (the public choosing-order draw: freeze the list, draw, and
``--verify`` a posted result on any machine) and ``relocation-desk resettlement`` (flat
inventory import, order numbers, recording a choice, the printed papers, the report)."""

from __future__ import annotations

import argparse
import json
import uuid
from pathlib import Path
from typing import Any

from ..i18n import _
from ..services.clock import project_today
from .arguments import input_file, output_file
from .common import CliError, add_operator_option, open_target, signed_in_operator

MAX_DRAW_FILE = 20_000_000  # bytes: a posted result of 100,000 households is ~2 MB


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lot = sub.add_parser(
        "lottery",
        help=_("选房顺序摇号：冻结名单、摇号、复核"),
        description=_(
            "摇号前用 --freeze 冻结参加名单并公布其哈希；摇号时用 --draw 输入公开产生的种子；"
            "任何人可用 --verify 结果文件 在任何电脑上复核。"
        ),
    )
    lot.add_argument("--db", help=_("数据库文件路径或 PostgreSQL 连接地址"))
    mode = lot.add_mutually_exclusive_group(required=True)
    mode.add_argument("--freeze", metavar=_("种子来源"),
                      help=_("冻结名单，并写明种子的公开来源（如“12月10日现场摇出的6位数字”）"))  # fmt: skip
    mode.add_argument("--draw", metavar=_("种子"), help=_("用公开产生的种子摇号（只能一次）"))
    mode.add_argument("--verify", type=input_file, metavar="F.json",
                      help=_("复核公布的摇号结果文件：名单哈希和顺序是否都能重算出来"))  # fmt: skip
    mode.add_argument("--show", action="store_true", help=_("显示最近一次摇号"))
    lot.add_argument("--out", type=output_file, metavar="F.json|F.pdf",
                     help=_("把名单或结果写成 .json（供复核）或 .pdf（张贴）"))  # fmt: skip
    add_operator_option(lot, required=False)
    lot.set_defaults(func=run_lottery)

    res = sub.add_parser(
        "resettlement",
        help=_("产权调换：房源、选房顺序、选房、确认单和报表"),
        description=_("产权调换的房源导入、选房顺序号、选房登记、打印通知单和确认单、导出报表。"),
    )
    res.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    act = res.add_mutually_exclusive_group(required=True)
    act.add_argument("--import-flats", type=input_file, metavar="F.xlsx",
                     help=_("从 xlsx 导入安置房源（有错误行则一行都不导入）"))  # fmt: skip
    act.add_argument("--issue", choices=("signing", "vacating"),
                     help=_("按签约时间或腾房时间为尚无顺序号的户发放选房顺序号"))  # fmt: skip
    act.add_argument("--choose", metavar=_("小区/楼栋/单元/房号"),
                     help=_("为 --household 登记选定的房屋，写作 小区/楼栋/单元/房号"))  # fmt: skip
    act.add_argument("--hand-over", metavar=_("小区/楼栋/单元/房号"),
                     help=_("登记房屋交付和 --area 实测面积，显示多退少补（小区/楼栋/单元/房号）"))  # fmt: skip
    act.add_argument("--slip", action="store_true", help=_("打印 --household 的选房顺序通知单"))
    act.add_argument("--confirm", action="store_true", help=_("打印 --household 的选房确认单"))
    act.add_argument("--report", action="store_true", help=_("导出房源和选房情况报表（xlsx）"))
    res.add_argument("--household", help=_("户编号，例如 T07-0001"))
    res.add_argument("--area", help=_("实测建筑面积（㎡），与 --hand-over 一起用"))
    res.add_argument("--out", type=output_file, help=_("输出文件"))
    add_operator_option(res, required=False)
    res.set_defaults(func=run_resettlement)


# --- lottery -----------------------------------------------------------------------------------


def run_lottery(args: argparse.Namespace) -> int:
    if args.verify is not None:
        return _verify(args.verify)
    if not args.db:
        raise CliError(_("请用 --db 写明项目数据库"))
    from ..services.resettlement.ordering import OrderService

    db = open_target(args.db)
    try:
        if args.show:
            draws = OrderService(db, None).draws()
            if not draws:
                raise CliError(_("还没有摇号记录"))
            view = draws[-1]
        else:
            op = signed_in_operator(db, args.operator)
            svc = OrderService(db, op)
            if args.freeze is not None:
                view = svc.freeze_draw(args.freeze)
            else:
                frozen = [d for d in svc.draws() if d.status == "frozen"]
                if not frozen:
                    raise CliError(
                        _("没有已冻结、待摇号的名单；请先用 --freeze 冻结名单并公布哈希")
                    )
                view = svc.run_draw(frozen[-1].id, args.draw)
        if args.out is not None:
            _write_draw(db, view, args.out)
    finally:
        db.close()
    print(_("名单 {n} 户，名单哈希 {h}", n=len(view.codes), h=view.list_hash))
    print(_("种子来源：{src}", src=view.seed_source))
    if view.result:
        print(_("种子：{seed}；结果哈希 {h}", seed=view.seed, h=view.result_hash))
        for no, code in enumerate(view.result[:20], start=1):
            print(f"{no:>6}  {code}")
        if len(view.result) > 20:
            print(_("……共 {n} 户，完整结果见输出文件", n=len(view.result)))
    return 0


def _write_draw(db: Any, view: Any, out: Path) -> None:
    if out.suffix.lower() == ".pdf":
        from ..reports.resettlement_pdf import write_draw_sheet
        from ..services.resettlement.papers import draw_sheet

        write_draw_sheet(out, draw_sheet(db, view.id))
    else:
        out.write_text(json.dumps(view.to_json(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(_("已写出 {path}", path=out))


def _verify(path: Path) -> int:
    from ..domain import lottery

    if path.stat().st_size > MAX_DRAW_FILE:
        raise CliError(_("文件 {path} 太大，不是摇号结果文件", path=path))
    try:
        data = json.loads(path.read_text("utf-8"))
        codes = [str(c) for c in data["list"]]
        posted_hash, seed = str(data["list_hash"]), data.get("seed")
        order = [str(c) for c in data.get("order") or []]
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise CliError(
            _("{path} 不是摇号结果文件（应含 list、list_hash、seed、order）", path=path)
        ) from exc
    ok = True
    computed = lottery.list_hash(codes)
    if computed == posted_hash:
        print(_("名单哈希一致：{h}（{n} 户）", h=computed, n=len(codes)))
    else:
        ok = False
        print(_("名单哈希不一致：公布 {posted}，按名单计算 {computed}", posted=posted_hash,
                computed=computed))  # fmt: skip
    if not seed:
        print(_("尚未摇号：只复核了名单哈希"))
        return 0 if ok else 1
    try:
        again = lottery.draw(codes, str(seed))
    except ValueError as exc:
        raise CliError(_("名单或种子无效：{reason}", reason=exc)) from exc
    if again == order:
        print(_("顺序一致：用种子“{seed}”重算得到相同的 {n} 个顺序号", seed=seed, n=len(order)))
    else:
        ok = False
        first = next((i for i, (a, b) in enumerate(zip(again, order, strict=False)) if a != b),
                     min(len(again), len(order)))  # fmt: skip
        print(_("顺序不一致：从第 {no} 号起与重算结果不同", no=first + 1))
    return 0 if ok else 1


# --- resettlement ------------------------------------------------------------------------------


def run_resettlement(args: argparse.Namespace) -> int:
    from ..services.households.service import household_by_code

    db = open_target(args.db)
    try:
        hid: uuid.UUID | None = None
        if args.household:
            with db.session() as s:
                hid = household_by_code(s, args.household)
            if hid is None:
                raise CliError(_("找不到户编号 {code}", code=args.household))
        needs_household = args.choose or args.slip or args.confirm
        if needs_household and hid is None:
            raise CliError(_("请用 --household 写明户编号"))
        if (args.slip or args.confirm or args.report) and args.out is None:
            raise CliError(_("请用 --out 写明输出文件"))
        if args.import_flats is not None:
            return _import(db, args)
        if args.hand_over:
            return _hand_over(db, args)
        if args.issue:
            from ..services.resettlement.ordering import OrderService

            svc = OrderService(db, signed_in_operator(db, args.operator))
            numbers = svc.issue_signed() if args.issue == "signing" else svc.issue_vacated()
            print(_("已发放选房顺序号 {n} 个", n=len(numbers)))
            return 0
        assert hid is not None or args.report
        if args.choose:
            return _choose(db, args, hid)
        if args.slip:
            from ..reports.resettlement_pdf import write_order_slip
            from ..services.resettlement.papers import order_slip

            write_order_slip(args.out, order_slip(db, hid))  # type: ignore[arg-type]
        elif args.confirm:
            from ..reports.resettlement_pdf import write_confirmation
            from ..services.resettlement.papers import confirmation_sheet

            write_confirmation(args.out, confirmation_sheet(db, hid))  # type: ignore[arg-type]
        else:
            from ..reports.resettlement_xlsx import write_resettlement_report
            from ..services.resettlement.summary import resettlement_summary

            write_resettlement_report(args.out, resettlement_summary(db))
        print(_("已写出 {path}", path=args.out))
        return 0
    finally:
        db.close()


def _import(db: Any, args: argparse.Namespace) -> int:
    from ..services.resettlement.inventory import InventoryService

    report = InventoryService(db, signed_in_operator(db, args.operator)).import_xlsx(
        args.import_flats
    )
    for row, message in report.errors[:50]:
        print(_("第 {row} 行：{message}", row=row, message=message))
    if report.errors:
        print(_("有 {n} 行有错误，一行都没有导入；请改正后重新导入", n=len(report.errors)))
        return 1
    print(_("已导入房源 {n} 套", n=report.imported))
    return 0


def _flat_id(db: Any, text: str) -> uuid.UUID:
    from sqlalchemy import select

    from ..storage.models_resettlement import ResettlementFlat as F

    parts = [p.strip() for p in text.split("/")]
    if len(parts) != 4:
        raise CliError(
            _(
                "房屋请写作 小区/楼栋/单元/房号，例如 幸福家园/1/1/0301（无单元写空：幸福家园/1//0301）"
            )
        )
    with db.session() as s:
        flat_id = s.scalar(
            select(F.id).where(F.estate == parts[0], F.building == parts[1], F.unit == parts[2],
                               F.number == parts[3])
        )  # fmt: skip
    if flat_id is None:
        raise CliError(_("房源中没有 {flat}", flat=text))
    return flat_id


def _hand_over(db: Any, args: argparse.Namespace) -> int:

    from ..domain.money import format_fen, to_chinese_upper
    from ..domain.units import QuantityError, parse_area
    from ..services.payments.handover import hand_over

    if not args.area:
        raise CliError(_("请用 --area 写明实测建筑面积（㎡），例如 90.35"))
    try:
        area = parse_area(args.area)
    except QuantityError as exc:
        raise CliError(exc.reason) from exc
    flat_id = _flat_id(db, str(args.hand_over))
    settlement = hand_over(
        db, signed_in_operator(db, args.operator), flat_id, area, project_today(db)
    )
    diff = settlement.difference_fen
    if diff > 0:
        print(_("多退少补：被征收人应补交 {amount} 元（{upper}）", amount=format_fen(diff),
                upper=to_chinese_upper(diff)))  # fmt: skip
    elif diff < 0:
        print(_("多退少补：征收人应退付被征收人 {amount} 元（{upper}）", amount=format_fen(-diff),
                upper=to_chinese_upper(-diff)))  # fmt: skip
    else:
        print(_("多退少补：实测面积与合同面积的差价为零，双方无需找补"))
    return 0


def _choose(db: Any, args: argparse.Namespace, hid: uuid.UUID | None) -> int:
    from ..domain.money import format_fen
    from ..domain.units import format_area
    from ..services.resettlement.choosing import ChoiceService

    flat_id = _flat_id(db, str(args.choose))
    assert hid is not None
    view = ChoiceService(db, signed_in_operator(db, args.operator)).choose(hid, flat_id)
    print(_("已登记：{code} 选定 {flat}；剩余安置面积 {rest} ㎡；应补差价 {amount} 元",
            code=args.household, flat=args.choose, rest=format_area(view.remaining_dm2),
            amount=format_fen(view.settlement.payable_fen)))  # fmt: skip
    if view.supplementary:
        print(_("已签约户选房后的差价记入补充协议 {number}：请重新核算、复核、公示后签订",
                number=view.supplementary))  # fmt: skip
    return 0
