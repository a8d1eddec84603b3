"""``relocation-desk notice`` and ``verify-notice``: post (or reprint) a wall notice as PDF, and
check a notice's verification code against the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n import _
from ..services.clock import project_today
from .arguments import output_file
from .common import add_operator_option, date_arg, open_target, signed_in_operator

# verify-notice's exit status (documented in its --help).
VERIFY_CONSISTENT = 0
VERIFY_FIGURES_CHANGED = 1
VERIFY_TAMPERED_OR_UNKNOWN = 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "notice",
        help=_("张榜公示：生成公示 PDF"),
        description=_(
            "数据自上一轮公示以来有变动时发布新一轮公示，否则重印上一轮；"
            "输出可打印的 PDF，并显示轮次和验证码。"
        ),
    )
    p.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    p.add_argument("--village", required=True, help=_("村名"))
    p.add_argument(
        "--kind", required=True, choices=("survey", "compensation", "signed", "resettlement")
    )
    p.add_argument("--group", help=_("村民小组（不填则整村公示）"))
    p.add_argument("--paper", choices=("A3", "A4"), default="A3")
    p.add_argument(
        "--from",
        dest="posted_from",
        type=date_arg,
        help=_("公示开始日期 YYYY-MM-DD（默认今天）"),
    )
    p.add_argument("--place", help=_("受理异议的地点（默认：村委会）"))
    p.add_argument("--out", required=True, type=output_file, help=_("输出的 PDF 文件"))
    add_operator_option(p)
    p.set_defaults(func=run_notice)

    v = sub.add_parser(
        "verify-notice",
        help=_("核对公示验证码"),
        description=_("核对张贴的公示是否与数据库一致，并列出当前数据与公示不同的户。"),
        epilog=_(
            "退出码：0 公示与数据库一致，各户当前数据与公示相同；"
            "1 公示内容完好，但有户的当前数据与公示不同（列出户和栏目）；"
            "2 公示内容被改动过（列出被改动的户和栏目）或验证码不存在"
        ),
    )
    v.add_argument("--db", required=True, help=_("数据库文件路径或 PostgreSQL 连接地址"))
    v.add_argument("--code", required=True, help=_("验证码，或二维码中的文字"))
    v.set_defaults(func=run_verify)


def run_notice(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from ..domain.status import NoticeKind
    from ..reports.notice_pdf import render_round
    from ..services.notices.service import NoticeError, NoticeService
    from ..storage import models as m
    from .common import CliError

    db = open_target(args.db)
    try:
        start = args.posted_from or project_today(db)
        op = signed_in_operator(db, args.operator)
        with db.session() as s:
            village = s.scalar(select(m.Village).where(m.Village.name == args.village))
            if village is None:
                raise CliError(_("找不到村：{name}", name=args.village))
            group_id = None
            if args.group:
                group_id = s.scalar(
                    select(m.VillageGroup.id).where(
                        m.VillageGroup.village_id == village.id, m.VillageGroup.name == args.group
                    )
                )
                if group_id is None:
                    raise CliError(
                        _("{village}没有村民小组：{group}", village=args.village, group=args.group)
                    )
            place = args.place or _("{village}村委会", village=village.name)
        service = NoticeService(db, op)
        try:
            view = service.post_or_reprint(
                village.id,
                NoticeKind(args.kind),
                group_id=group_id,
                posted_from=start,
                objection_place=place,
            )
        except NoticeError as exc:
            raise CliError(exc.message) from exc
        out = Path(args.out)
        pages = render_round(view, out, paper=args.paper)
        service.record_print(view.id, note=str(out.name))
    finally:
        db.close()
    if view.reprint:
        print(_("数据无变动，重印第 {n} 轮公示", n=view.round_no))
    else:
        print(_("已发布第 {n} 轮公示", n=view.round_no))
    print(_("验证码：{code}", code=view.verification_code))
    print(_("已写入 {path}（{pages} 页）", path=out, pages=pages))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from ..domain.notice import normalise_code
    from ..services.notices.service import NoticeService

    # Exit status: 0 consistent, 1 current figures differ from the posted ones, 2 tampered or
    # unknown code. "Unknown" is an answer the user must not miss in a script's output: it
    # goes to stderr.
    if normalise_code(args.code) is None:
        print(
            _(
                "错误：“{code}”不是验证码：验证码是 16 位字母和数字（如 7BW8-05R0-VE5Z-D76M），"
                "也可以粘贴扫描二维码得到的 RDN:… 文字",
                code=args.code.strip(),
            ),
            file=sys.stderr,
        )
        return VERIFY_TAMPERED_OR_UNKNOWN
    db = open_target(args.db)
    try:
        result = NoticeService(db, None).verify(args.code)
    finally:
        db.close()
    if not result.found or result.round is None:
        print(
            _(
                "错误：验证码 {code} 不存在：这份公示不是由本数据库发布的（请核对验证码，"
                "或换用发布该公示的数据库）",
                code=result.code,
            ),
            file=sys.stderr,
        )
        return VERIFY_TAMPERED_OR_UNKNOWN
    r = result.round
    print(
        _(
            "第 {n} 轮 {kind}：{village}{group}，公示期 {start} 至 {end}",
            n=r.round_no,
            kind=r.title_kind,
            village=r.village_name,
            group=r.group_name,
            start=r.posted_from.isoformat(),
            end=r.posted_to.isoformat(),
        )
    )
    if not result.hash_ok:
        print(_("不一致：数据库中保存的公示内容与发布时不符（在程序之外被改动过）"))
        if result.altered:
            print(_("被改动的户和栏目："))
            for a in result.altered:
                print(f"  {a.code} {a.head_name}: {'、'.join(a.fields)}")
        else:
            print(_("无法指出被改动的户：各行的摘要也被改写了；请用指挥部收到的日报核对"))
        return VERIFY_TAMPERED_OR_UNKNOWN
    if result.latest_round_no and result.latest_round_no > r.round_no:
        print(_("注意：此后已发布第 {n} 轮", n=result.latest_round_no))
    if not result.differences:
        print(_("一致：公示内容与数据库相符，各户当前数据与公示相同"))
        return VERIFY_CONSISTENT
    print(_("公示内容与发布时相符，但有 {n} 项当前数据与公示不同：", n=len(result.differences)))
    for d in result.differences:
        print(f"  {d.code} {d.head_name} {d.field}: {d.posted} → {d.current}")
    return VERIFY_FIGURES_CHANGED
