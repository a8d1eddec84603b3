"""What an agreement needs from the database, and what stops it (DOMAIN rules 4, 5, 8).

:func:`gather` reads one household (members, bank account, the current calculation, the
scheme version) into :class:`~.agreement_content.AgreementFacts` and lists every problem that
stops its agreement from printing or signing, in Chinese, each saying where to fix it: an art.
25 item without data, a calculation missing or unchecked, a compensation method that changed,
a signing bonus the signing day would change (the calculation judged it by the day it was
computed), a template the project broke. The notice check (figures posted) is the service's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain import money
from ...domain.engine_rules import window_for
from ...domain.scheme import RateKind, Scheme
from ...domain.scheme_scope import land_type
from ...i18n import _
from ...storage import models as m
from ..calculation.inputs import SchemeBook, read_facts
from ..calculation.service import CalculationError, _with_approvals
from . import content as ac

__all__ = ["BonusStatus", "bonus_statuses", "current_calc", "gather"]


@dataclass(frozen=True)
class BonusStatus:
    item_name: str
    window: str  # "2026-01-01 至 2026-06-30", or "" outside every window
    rate_fen: int
    eligible: bool


def gather(
    s: Session, hh: m.Household, day: date, template: dict[str, Any], values: dict[str, Any]
) -> tuple[list[str], ac.AgreementFacts | None]:
    """Everything the content of ``hh``'s agreement needs, and every problem that stops it
    (in Chinese, each saying where to fix it)."""
    problems: list[str] = []
    project = s.get(m.Project, hh.project_id)
    assert project is not None
    problems += ac.template_problems(template)
    method = hh.compensation_method or ""
    if not method:
        problems.append(_("未选定补偿方式（货币补偿 / 产权调换 / 两者结合）：请在该户资料中选定"))
    persons = list(
        s.scalars(
            select(m.Person).where(m.Person.household_id == hh.id).order_by(m.Person.sort_order)
        )
    )
    head = next((p for p in persons if p.is_head), None)
    if head is None:
        problems.append(_("没有登记户主：请在农户编辑窗口“家庭成员”中登记户主"))
    elif not head.id_number:
        problems.append(
            _("户主 {name} 没有身份证号码：请在农户编辑窗口“家庭成员”中填写", name=head.name)
        )
    signers = tuple(
        ac.Signer(p.name, p.relation, p.id_number or "")
        for p in persons
        if ac.adult_on(p.birth_date, day)
    )
    if not signers:
        problems.append(_("没有需要签字的成年家庭成员：请在农户编辑窗口“家庭成员”中登记"))
    for p in persons:
        if not p.name.strip():
            problems.append(_("有家庭成员没有姓名：请在农户编辑窗口“家庭成员”中填写"))
            break
    calc = current_calc(s, hh.id)
    pays_out = method in ("money", "mixed") or (calc is not None and calc.total_fen > 0)
    if pays_out:
        missing = [
            label
            for label, value in (
                (_("开户银行"), hh.bank_name), (_("银行账号"), hh.bank_account),
                (_("户名"), hh.account_holder),
            )
            if not value.strip()
        ]  # fmt: skip
        if missing:
            problems.append(
                _("补偿款需要支付到户，收款账户缺少：{fields}；请在农户编辑窗口“基本信息”中填写", fields="、".join(missing))
            )  # fmt: skip
    if method in ("swap", "mixed") and not str(values.get("resettlement_place") or "").strip():
        problems.append(
            _("产权调换需要写明安置房地点：请在项目设置 agreement_values 的 resettlement_place 中填写")
        )  # fmt: skip
    for key, label in (
        ("payment_days", _("支付期限（天）")),
        ("vacate_days", _("搬迁期限（天）")),
    ):
        try:
            ok = int(values.get(key) or 0) > 0
        except (TypeError, ValueError):
            ok = False
        if not ok:
            problems.append(
                _(
                    "{label}未设置：请在项目设置 agreement_values 的 {key} 中填写天数",
                    label=label,
                    key=key,
                )
            )
    if method in ("swap", "mixed") and not str(values.get("transition_period") or "").strip():
        problems.append(
            _("过渡期限未设置：请在项目设置 agreement_values 的 transition_period 中填写")
        )
    if not str(values.get("transition_mode") or "").strip():
        problems.append(
            _("过渡方式未设置：请在项目设置 agreement_values 的 transition_mode 中填写")
        )
    if calc is None:
        problems.append(_("该户还没有核算结果：请先核算（菜单“方案与核算”）"))
        return problems, None
    if calc.status != "checked":
        problems.append(
            _(
                "第{version}版核算尚未复核：请由另一位工作人员复核后再打印协议",
                version=calc.version_no,
            )
        )
    if method and calc.compensation_method != method:
        problems.append(_("核算所用的补偿方式与该户当前选定的不同：请重新核算、复核并公示"))
    book = SchemeBook(s, hh.project_id)
    scheme = book.by_id.get(calc.scheme_version_id)
    label = book.labels.get(calc.scheme_version_id, "")
    bonus_text = "本补偿方案未设签约奖励。"  # document text (see agreement_content)
    if scheme is not None:
        problems += _bonus_problems(s, hh.id, calc, scheme, day)
        bonus_text = _bonus_text(calc, scheme)
    problems += [
        _("协议模板中有无法填写的占位符 {{{name}}}：请修改项目设置 agreement_template", name=n)
        for n in ac.unknown_placeholders(template, _placeholder_names() | set(values))
    ]
    village = s.get(m.Village, hh.village_id)
    group = s.get(m.VillageGroup, hh.group_id) if hh.group_id else None
    address = hh.address or f"{village.name if village else ''}{group.name if group else ''}"
    facts = ac.AgreementFacts(
        project_name=project.name,
        household_code=hh.code,
        head_name=head.name if head else hh.head_name,
        head_id_number=(head.id_number or "") if head else "",
        address=address,
        village=village.name if village else "",
        group=group.name if group else "",
        method=method,
        bank_name=hh.bank_name,
        bank_account=hh.bank_account,
        account_holder=hh.account_holder,
        signers=signers,
        lines=tuple(
            ac.Line(
                ln.seq,
                ln.item_name,
                ln.category,
                ln.quantity,
                ln.unit,
                ln.rate_fen,
                ln.amount_fen,
            )
            for ln in calc.lines
        ),
        total_fen=calc.total_fen,
        calculation_id=str(calc.id),
        calculation_version=calc.version_no,
        scheme_version_id=str(calc.scheme_version_id),
        scheme_label=label,
        bonus_text=bonus_text,
        values=values,
        land_type=land_type(scheme.params) if scheme is not None else "state",
        provincial_rules=str(scheme.params.get("provincial_rules", "")) if scheme else "",
    )
    return problems, facts


def current_calc(s: Session, household_id: uuid.UUID) -> m.Calculation | None:
    return s.scalar(
        select(m.Calculation)
        .where(m.Calculation.household_id == household_id, m.Calculation.status != "superseded")
        .order_by(m.Calculation.version_no.desc())
        .limit(1)
    )


def _signing_bonus_items(scheme: Scheme) -> list[Any]:
    return [
        it for it in scheme.items if it.kind is RateKind.BONUS_WINDOW and it.date_source == "signed"
    ]


def bonus_statuses(scheme: Scheme, day: date) -> list[BonusStatus]:
    out = []
    for item in _signing_bonus_items(scheme):
        _index, window = window_for(item, day)
        out.append(
            BonusStatus(
                item_name=item.name,
                window=(
                    f"{window.start.isoformat()} 至 {window.end.isoformat()}" if window else ""
                ),
                rate_fen=window.rate_fen if window else 0,
                eligible=window is not None and window.rate_fen > 0,
            )
        )
    return out


def _bonus_text(calc: m.Calculation, scheme: Scheme) -> str:
    codes = {it.code for it in _signing_bonus_items(scheme)}
    return ac.bonus_text([(ln.item_code, ln.item_name, ln.amount_fen) for ln in calc.lines], codes)


def _bonus_problems(
    s: Session, household_id: uuid.UUID, calc: m.Calculation, scheme: Scheme, day: date
) -> list[str]:
    """A bonus judged for signing on ``day`` must equal the calculation's (which judged it by
    the day it was computed): otherwise the agreement would show figures that change the
    moment it is signed."""
    if not _signing_bonus_items(scheme):
        return []
    facts = read_facts(s, [household_id]).get(household_id)
    if facts is None:
        return []
    # A signed household (supplementary agreement) keeps the bonus of its first signing.
    signed_input = replace(facts.input_for(scheme), signed_on=facts.input.signed_on or day)
    try:
        result, _keys = _with_approvals(replace(facts, input=signed_input), scheme, day)
    except CalculationError as exc:
        return [exc.message]
    items = {it.code for it in _signing_bonus_items(scheme)}
    stored = {ln.item_code: ln.amount_fen for ln in calc.lines if ln.item_code in items}
    fresh = {ln.item_code: ln.amount_fen for ln in result.lines if ln.item_code in items}
    if stored == fresh:
        return []
    return [
        _(
            "按 {day} 签约，签约奖励为 {fresh} 元，与核算中的 {stored} 元不同（核算时所在的奖励期已过或未到）：请以签约日期重新核算、复核并公示后再打印",
            day=day.isoformat(),
            fresh=money.format_fen(sum(fresh.values())),
            stored=money.format_fen(sum(stored.values())),
        )
    ]


def _placeholder_names() -> set[str]:
    """Every placeholder a template may use."""
    return {
        "project_name", "household_code", "head_name", "head_id_number", "address", "village",
        "group", "method_label", "scheme_label", "calculation_version", "total_yuan",
        "total_upper", "bank_name", "bank_account", "account_holder", "resettlement_text",
        "moving_yuan", "moving_upper", "transition_fee_text", "business_text",
        "transition_mode", "transition_period", "bonus_text", "authority", "payment_days",
        "vacate_days", "resettlement_place", "transition_period_money", "provincial_rules",
    }  # fmt: skip
