"""What an agreement says: the template (data, not code) filled with one household's figures.

The template is ``resources/agreements/template.json``; a project replaces it by storing a
whole template (the same JSON shape) in the setting ``agreement_template``, and changes single
values (``authority``, ``payment_days``, ``vacate_days``, ``resettlement_place``,
``transition_mode``, ``transition_period`` …) with the setting ``agreement_values`` (a JSON
object) over the template's ``default_values``.

:func:`build_main` and :func:`build_supplementary` return the agreement's *content*: a
JSON-ready dict with every text as it is printed (title, parties, one clause per item of
条例 art. 25, the calculation lines, the total in figures and 大写, who signs). The content is
stored with the agreement, so a reprint shows exactly what was signed even after the template,
the scheme or the household's data changed. Nothing here touches the database.
"""

from __future__ import annotations

import copy
import json
import string
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from ...domain import money
from ...i18n import _
from ...paths import resource

__all__ = [
    "ART25_ITEMS",
    "CONTENT_FORMAT",
    "AgreementFacts",
    "Signer",
    "build_main",
    "build_supplementary",
    "comparable",
    "default_template",
    "number_for",
    "supplementary_format",
    "template_problems",
]

CONTENT_FORMAT = 1
# The items 条例 art. 25 requires (DOMAIN rule 5), in the order of the law.
ART25_ITEMS = (
    "补偿方式",
    "补偿金额和支付期限",
    "用于产权调换房屋的地点和面积",
    "搬迁费",
    "临时安置费或者周转用房",
    "停产停业损失",
    "搬迁期限",
    "过渡方式和过渡期限",
)
METHOD_LABELS = {
    "money": "货币补偿",
    "swap": "产权调换",
    "mixed": "货币补偿与产权调换相结合",
}
DEFAULT_NUMBER_FORMAT = "征补协〔{year}〕第{seq:05d}号"


@dataclass(frozen=True)
class Signer:
    name: str
    relation: str
    id_number: str


@dataclass(frozen=True)
class Line:
    seq: int
    name: str
    category: str
    quantity: str
    unit: str
    rate_fen: int
    amount_fen: int


@dataclass(frozen=True)
class AgreementFacts:
    """Everything the content of one household's agreement is made of."""

    project_name: str
    household_code: str
    head_name: str
    head_id_number: str
    address: str
    village: str
    group: str
    method: str  # CompensationMethod value
    bank_name: str
    bank_account: str
    account_holder: str
    signers: tuple[Signer, ...]
    lines: tuple[Line, ...]
    total_fen: int
    calculation_id: str
    calculation_version: int
    scheme_version_id: str
    scheme_label: str
    bonus_text: str
    values: Mapping[str, Any]  # default_values with the project's agreement_values over them
    land_type: str = "state"  # the scheme's: chooses the template, so the law cited
    provincial_rules: str = ""  # the provincial rules a collective-land scheme names


TEMPLATE_FILES = {"state": "template.json", "collective": "template-collective.json"}


@cache
def _resource_template(land_type: str = "state") -> str:
    return resource("agreements", TEMPLATE_FILES[land_type]).read_text(encoding="utf-8")


def default_template(land_type: str = "state") -> dict[str, Any]:
    """The shipped template for ``land_type`` (``state``: 国有土地, citing the 国有土地上房屋
    征收与补偿条例; ``collective``: 集体土地, citing the 土地管理法 art. 47–48 and the
    provincial rules the scheme names), a fresh copy."""
    data: dict[str, Any] = json.loads(_resource_template(land_type))
    return data


def template_for(template: Mapping[str, Any], land_type: str) -> Mapping[str, Any]:
    """The template for a scheme of ``land_type``: the project's (or shipped) template when it
    is written for that land (its ``land_type``, default ``state``), else the shipped one
    that is. The law an agreement cites follows the scheme, never a fixed text."""
    if str(template.get("land_type", "state")) == land_type:
        return template
    return default_template(land_type)


def resolve_template(override: Any, values_override: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The template (the project's ``agreement_template`` setting wins over the resource) and
    its values (``default_values`` with the ``agreement_values`` setting over them)."""
    template = copy.deepcopy(override) if isinstance(override, dict) else default_template()
    values = dict(template.get("default_values") or {})
    if isinstance(values_override, dict):
        values.update(values_override)
    return template, values


def template_problems(template: Mapping[str, Any]) -> list[str]:
    """What is wrong with a (project's) template: missing parts or art. 25 items."""
    problems = []
    for key in ("title", "parties", "preamble", "clauses", "signature"):
        if not template.get(key):
            problems.append(_("协议模板缺少“{key}”部分（项目设置 agreement_template）", key=key))
    items = {c.get("item") for c in template.get("clauses") or [] if isinstance(c, dict)}
    for item in ART25_ITEMS:
        if item not in items:
            problems.append(
                _(
                    "协议模板缺少条例第二十五条规定的“{item}”条款（项目设置 agreement_template）",
                    item=item,
                )
            )
    return problems


def number_for(fmt: str, year: int, seq: int) -> str:
    """``"CD征〔{year}〕第{seq:05d}号"`` → ``CD征〔2026〕第00123号``."""
    return fmt.format(year=year, seq=seq)


def supplementary_format(main_format: str) -> str:
    """The default supplementary number format: ``补`` after the main format's prefix
    (``CD征〔{year}〕…`` → ``CD征补〔{year}〕…``)."""
    if "〔" in main_format:
        head, tail = main_format.split("〔", 1)
        return f"{head}补〔{tail}"
    return "补" + main_format


def yuan(fen: int) -> str:
    return money.format_fen(fen)


def _fill(text: str, values: Mapping[str, Any]) -> str:
    """Fill ``{name}`` placeholders; an unknown name stays visible as ``{name}``, so a
    misspelt placeholder shows on the preview instead of crashing."""
    out = []
    for literal, field, spec, _conv in string.Formatter().parse(text):
        out.append(literal)
        if field is None:
            continue
        if field in values:
            out.append(format(values[field], spec or ""))
        else:
            out.append("{" + field + "}")
    return "".join(out)


def unknown_placeholders(template: Mapping[str, Any], values: Collection[str]) -> list[str]:
    texts: list[str] = [str(template.get("title", "")), str(template.get("preamble", ""))]
    texts += [str(p) for p in template.get("parties") or []]
    texts += [str(c.get("text", "")) for c in template.get("clauses") or []]
    found = []
    for text in texts:
        for _lit, field, _spec, _conv in string.Formatter().parse(text):
            if field and field not in values and field not in found:
                found.append(field)
    return found


def _sum(lines: Sequence[Line], category: str) -> int:
    return sum(ln.amount_fen for ln in lines if ln.category == category)


def main_values(f: AgreementFacts) -> dict[str, Any]:
    """The placeholder values of a main agreement."""
    v = dict(f.values)
    v["project_name"] = f.project_name
    v["provincial_rules"] = f.provincial_rules
    for key, value in list(v.items()):  # values may name the project ("{project_name}指挥部")
        if isinstance(value, str):
            v[key] = _fill(value, {"project_name": f.project_name})
    swap = next((ln for ln in f.lines if ln.category == "resettlement"), None)
    moving = _sum(f.lines, "moving")
    transition = _sum(f.lines, "transition")
    business = _sum(f.lines, "business")
    if f.method == "money":
        resettlement_text = "乙方选择货币补偿，不适用产权调换。"
        period = str(v.get("transition_period_money") or "")
    else:
        place = str(v.get("resettlement_place") or "")
        area = f"{swap.quantity}{swap.unit}" if swap is not None else ""
        resettlement_text = f"用于产权调换的房屋位于{place}，安置面积{area}"
        if swap is not None and swap.amount_fen:
            resettlement_text += (
                f"，安置房结算款人民币{yuan(-swap.amount_fen)}元"
                f"（大写：{money.to_chinese_upper(-swap.amount_fen)}）已在补偿总额中扣减"
            )
        resettlement_text += "；具体楼栋、房号在安置房交付时按规定公开选定。"
        period = str(v.get("transition_period") or "")
    if transition:
        transition_fee_text = (
            f"临时安置费人民币{yuan(transition)}元（大写：{money.to_chinese_upper(transition)}），"
            "已计入补偿总额；甲方不另行提供周转用房。"
        )
    elif f.method == "money":
        transition_fee_text = "乙方选择货币补偿，无临时安置费，甲方不提供周转用房。"
    else:
        transition_fee_text = "补偿方案未设临时安置费，甲方不提供周转用房。"
    if business:
        business_text = (
            f"停产停业损失补偿人民币{yuan(business)}元（大写：{money.to_chinese_upper(business)}），"
            "已计入补偿总额。"
        )
    else:
        business_text = "乙方被征收房屋无生产经营，无停产停业损失。"
    v.update(
        household_code=f.household_code,
        head_name=f.head_name,
        head_id_number=f.head_id_number,
        address=f.address,
        village=f.village,
        group=f.group,
        method_label=METHOD_LABELS.get(f.method, f.method),
        scheme_label=f.scheme_label,
        calculation_version=f.calculation_version,
        total_yuan=yuan(f.total_fen),
        total_upper=money.to_chinese_upper(f.total_fen),
        bank_name=f.bank_name or "（不适用）",
        bank_account=f.bank_account or "（不适用）",
        account_holder=f.account_holder or "（不适用）",
        resettlement_text=resettlement_text,
        moving_yuan=yuan(moving),
        moving_upper=money.to_chinese_upper(moving),
        transition_fee_text=transition_fee_text,
        business_text=business_text,
        transition_mode=str(v.get("transition_mode") or ""),
        transition_period=period,
        bonus_text=f.bonus_text,
    )
    return v


def _lines_json(lines: Sequence[Line]) -> list[dict[str, Any]]:
    return [
        {
            "seq": ln.seq, "name": ln.name, "category": ln.category, "quantity": ln.quantity,
            "unit": ln.unit, "rate_fen": ln.rate_fen, "amount_fen": ln.amount_fen,
        }
        for ln in lines
    ]  # fmt: skip


def _common(f: AgreementFacts, template: Mapping[str, Any], v: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "format": CONTENT_FORMAT,
        "parties": [_fill(str(p), v) for p in template.get("parties") or []],
        "signature": dict(template.get("signature") or {}),
        "signers": [
            {"name": s.name, "relation": s.relation, "id_number": s.id_number} for s in f.signers
        ],
        "household": {
            "code": f.household_code, "head_name": f.head_name,
            "head_id_number": f.head_id_number, "address": f.address, "village": f.village,
            "group": f.group,
        },
        "method": {"code": f.method, "label": METHOD_LABELS.get(f.method, f.method)},
        "bank": {
            "bank_name": f.bank_name, "bank_account": f.bank_account,
            "account_holder": f.account_holder,
        },
        "calculation": {"id": f.calculation_id, "version_no": f.calculation_version},
        "scheme": {"id": f.scheme_version_id, "label": f.scheme_label},
        "lines": _lines_json(f.lines),
        "total_fen": f.total_fen,
        "total_upper": money.to_chinese_upper(f.total_fen),
        "payment_days": int(v.get("payment_days") or 0),
        "vacate_days": int(v.get("vacate_days") or 0),
    }  # fmt: skip


def build_main(f: AgreementFacts, template: Mapping[str, Any]) -> dict[str, Any]:
    """The content of a main agreement (number and revision are added by the service)."""
    template = template_for(template, f.land_type)
    v = main_values(f)
    content = _common(f, template, v)
    content.update(
        kind="main",
        title=_fill(str(template.get("title", "")), v),
        preamble=_fill(str(template.get("preamble", "")), v),
        clauses=[
            {"item": str(c.get("item", "")), "text": _fill(str(c.get("text", "")), v)}
            for c in template.get("clauses") or []
        ],
        bonus_text=f.bonus_text,
    )
    return content


def build_supplementary(
    f: AgreementFacts,
    template: Mapping[str, Any],
    parent: Mapping[str, Any],
    *,
    reason: str,
) -> dict[str, Any]:
    """The content of a supplementary agreement: the new figures next to those in force
    (``parent``: the content of the last signed agreement of the chain, with ``number``,
    ``title`` and ``signed_on``)."""
    template = template_for(template, f.land_type)
    v = main_values(f)
    old_total = int(parent.get("total_fen") or 0)
    diff = f.total_fen - old_total
    if diff > 0:
        difference_text = f"增加人民币{yuan(diff)}元（大写：{money.to_chinese_upper(diff)}）"
        payment_text = f"增加部分由甲方自本补充协议签订之日起{v.get('payment_days')}日内支付至乙方原协议约定的账户。"
    elif diff < 0:
        difference_text = f"减少人民币{yuan(-diff)}元（大写：{money.to_chinese_upper(-diff)}）"
        payment_text = "减少部分从尚未支付的补偿款中扣减；已全额支付的，由乙方自本补充协议签订之日起三十日内退还甲方。"
    else:
        difference_text = "总额不变"
        payment_text = "补偿总额不变，支付期限按原协议执行。"
    v.update(
        reason=reason,
        parent_number=str(parent.get("number", "")),
        parent_title=str(parent.get("title", "")),
        parent_signed_on=str(parent.get("signed_on", "")),
        old_total_yuan=yuan(old_total),
        difference_text=difference_text,
        difference_payment_text=payment_text,
    )
    old_lines = {(ln["name"]): ln for ln in parent.get("lines") or []}
    new_lines = {ln.name: ln for ln in f.lines}
    changes = []
    for name in list(old_lines) + [n for n in new_lines if n not in old_lines]:
        before = int(old_lines[name]["amount_fen"]) if name in old_lines else 0
        after = new_lines[name].amount_fen if name in new_lines else 0
        if before != after:
            changes.append({"name": name, "before_fen": before, "after_fen": after})
    content = _common(f, template, v)
    content.update(
        kind="supplementary",
        title=_fill(str(template.get("supplementary_title", "")), v),
        preamble=_fill(str(template.get("supplementary_preamble", "")), v),
        clauses=[
            {"item": str(c.get("item", "")), "text": _fill(str(c.get("text", "")), v)}
            for c in template.get("supplementary_clauses") or []
        ],
        reason=reason,
        parent={
            "number": str(parent.get("number", "")),
            "total_fen": old_total,
            "signed_on": str(parent.get("signed_on", "")),
        },
        changes=changes,
        difference_fen=diff,
        bonus_text=f.bonus_text,
    )
    return content


_VOLATILE = ("number", "revision", "issued_on")


def comparable(content: Mapping[str, Any]) -> dict[str, Any]:
    """The content without what the service adds (number, revision): equal figures and texts
    compare equal."""
    return {k: v for k, v in content.items() if k not in _VOLATILE}


def bonus_text(lines: Sequence[tuple[str, str, int]], bonus_codes: set[str]) -> str:
    """The bonus clause: ``lines`` are (item code, item name, amount) of the calculation,
    ``bonus_codes`` the scheme's signing-bonus items. Document text, like the template: in
    Chinese whatever the interface language."""
    if not bonus_codes:
        return "本补偿方案未设签约奖励。"
    paid = [(name, amount) for code, name, amount in lines if code in bonus_codes and amount]
    if not paid:
        return "乙方签约日期不在补偿方案规定的签约奖励期内，无签约奖励。"
    parts = "；".join(f"{name}人民币{money.format_fen(amount)}元" for name, amount in paid)
    return (
        f"乙方在补偿方案规定的奖励期内签约，可得{parts}，已计入补偿总额（以本协议签订日期为准）。"
    )


def adult_on(birth: date | None, day: date) -> bool:
    """18 or older on ``day``; a member with no known birth date is counted as adult (they
    sign rather than be left out)."""
    if birth is None:
        return True
    years = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return years >= 18
