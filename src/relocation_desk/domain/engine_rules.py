"""One rule per :class:`RateKind`: household + rate item (+ earlier lines) → a draft line.

A rule returns ``None`` when the item gives this household nothing to show (no area of that
type, no such attachment, not vulnerable, guarantee already met). Each amount is rounded
half-up to the fen exactly once (the exact product, as :func:`money.multiply_half_up`
rounds it); derived rules (percent, guarantee) work on the earlier lines' already-rounded
amounts.

Speed. The engine runs for every household of a project, so everything that depends only
on the scheme version, the compensation method and the language is worked out once: a
:class:`Step` per applicable item holds the item's fields, its parameters as typed values
and its explanation templates already translated (:func:`prepare`). The household's areas,
decoration areas and attachment counts are summed once per calculation (:class:`Facts`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from ..i18n import _
from .calculation import Line
from .household_input import HouseholdInput
from .scheme import BonusWindow, Per, RateItem, RateKind, Scheme, category_label, find_window
from .scheme_conditions import Condition, compile_conditions
from .scheme_scope import rounding
from .status import STRUCTURE_LABELS, StructureType

__all__ = ["Draft", "Facts", "Step", "bonus_day", "judged_on", "prepare", "window_for"]


Draft = tuple[Decimal, int, int, str, str]
"""A line before it is numbered: quantity, rate (fen), amount (fen), unit, explanation (a
plain tuple: the engine makes millions)."""


# --- numbers as text ---------------------------------------------------------------------


def area(dm2: int) -> Decimal:
    """dm² → ㎡, exact, always two places (12050 → 120.50)."""
    return Decimal(dm2).scaleb(-2)


def counted(milli: int) -> Decimal:
    """Thousandths → units, exact, without needless zeros (2000 → 2, 12500 → 12.5)."""
    value = Decimal(milli).scaleb(-3)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def num(value: Decimal | int) -> str:
    return format(Decimal(value), ",f")


def yuan(fen: int) -> str:
    """As :func:`money.format_fen` (``-1,234.50``), for the engine's own ints."""
    if fen < 0:
        whole, cents = divmod(-fen, 100)
        return f"-{whole:,}.{cents:02d}"
    whole, cents = divmod(fen, 100)
    return f"{whole:,}.{cents:02d}"


def area_text(dm2: int) -> str:
    """``num(area(dm2))`` for the non-negative areas the engine sees, without Decimal."""
    if dm2 < 0 or dm2 >= 10**26:  # beyond the default context: the Decimal way, unchanged
        return num(area(dm2))
    whole, part = divmod(dm2, 100)
    return f"{whole:,}.{part:02d}"


_COUNTED: dict[int, tuple[Decimal, str]] = {}


def counted_text(milli: int) -> tuple[Decimal, str]:
    """``counted(milli)`` and its text, remembered (attachment counts repeat a lot)."""
    found = _COUNTED.get(milli)
    if found is None:
        value = counted(milli)
        found = (value, num(value))
        if len(_COUNTED) > 50_000:
            _COUNTED.clear()
        _COUNTED[milli] = found
    return found


def half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half-up (ties away from zero) to an int; the
    denominator is positive. Equals ``money.multiply_half_up(rate, quantity)`` for
    ``rate × quantity == numerator / denominator``."""
    q, r = divmod(-numerator if numerator < 0 else numerator, denominator)
    if r + r >= denominator:
        q += 1
    return -q if numerator < 0 else q


# --- the household, summed once --------------------------------------------------------------


class Facts:
    """What the rules read from a household, summed once per calculation."""

    __slots__ = (
        "attachments",
        "decoration",
        "household",
        "legal",
        "legal_by_type",
        "unlicensed",
        "unlicensed_by_type",
    )

    def __init__(self, household: HouseholdInput) -> None:
        self.household = household
        legal = unlicensed = 0
        legal_by_type: dict[StructureType, int] = {}
        unlicensed_by_type: dict[StructureType, int] = {}
        decoration: dict[str, list[int]] = {}
        for s in household.structures:
            kind, lg, ul = s.structure_type, s.legal_area_dm2, s.unlicensed_area_dm2
            legal += lg
            unlicensed += ul
            legal_by_type[kind] = legal_by_type.get(kind, 0) + lg
            unlicensed_by_type[kind] = unlicensed_by_type.get(kind, 0) + ul
            sums = decoration.get(s.decoration)
            if sums is None:
                decoration[s.decoration] = [lg, ul]
            else:
                sums[0] += lg
                sums[1] += ul
        attachments: dict[str, int] = {}
        for a in household.attachments:
            attachments[a.item_code] = attachments.get(a.item_code, 0) + a.quantity_milli
        self.legal, self.unlicensed = legal, unlicensed
        self.legal_by_type, self.unlicensed_by_type = legal_by_type, unlicensed_by_type
        self.decoration, self.attachments = decoration, attachments

    def area_dm2(self, legality: str, structure_type: StructureType | None = None) -> int:
        """As :meth:`HouseholdInput.area_dm2`."""
        if structure_type is None:
            if legality == "legal":
                return self.legal
            if legality == "unlicensed":
                return self.unlicensed
            return self.legal + self.unlicensed
        if legality == "legal":
            return self.legal_by_type.get(structure_type, 0)
        if legality == "unlicensed":
            return self.unlicensed_by_type.get(structure_type, 0)
        return self.legal_by_type.get(structure_type, 0) + self.unlicensed_by_type.get(
            structure_type, 0
        )


# --- per language: the templates, translated once ----------------------------------------------


class Texts:
    """The engine's explanation templates in one language (``_`` without fields translates
    and leaves the ``{fields}`` for ``str.format``, exactly as ``_`` with fields would)."""

    def __init__(self) -> None:
        self.formula = _("{basis} × {rate}元/{unit} = {amount}元")
        self.household = _("{n}户", n=1)
        self.person = _("家庭人口 {n}人")
        self.per_area = {
            Per.LEGAL_AREA: _("合法面积 {area}㎡"),
            Per.UNLICENSED_AREA: _("无证面积 {area}㎡"),
            Per.TOTAL_AREA: _("房屋总面积 {area}㎡"),
            Per.BUSINESS_AREA: _("经营面积 {area}㎡"),
        }
        self.legal = _("合法")
        self.unlicensed = _("无证")
        self.area_basis = _("{legality}面积 {area}{unit}")
        self.structure_area_basis = _("{structure}结构{legality}面积 {area}{unit}")
        self.decoration_basis = _("{name} {area}{unit}")
        self.item_basis = _("{name} {quantity}{unit}")
        self.monthly = _("{basis} × {months}个月 × {rate}元/{unit} = {amount}元")
        self.percent = _("{what}合计 {base}元 × {percent}% = {amount}元")
        self.everything = _("以上各项")
        self.vacated = _("腾房日期")
        self.not_vacated = _("计算日期（尚未腾房）")
        self.signed = _("签约日期")
        self.not_signed = _("计算日期（尚未签约）")
        self.outside = _("{source} {day} 不在奖励期（{periods}）内，此项为 0 元")
        self.inside = _("{source} {day} 在奖励期 {start} 至 {end} 内：{formula}")
        self.guarantee = _("保障标准 {formula}；{what}合计 {base}元，补足差额 {amount}元")
        self.entitled = _("应安置面积 家庭人口 {n}人 × {per}㎡/人 = {area}㎡")
        self.chosen = _("；选定安置面积 {area}㎡")
        self.price = _("；安置房价款 {area}{unit} × {rate}元/{unit} = {price}元，从补偿款中扣除")
        self.no_price = _("；不计价款")
        self.flats = _("；已选安置房 {n}套 共 {area}㎡，房款按以下各档结算，此项不另计价款")
        self.entitled_legal = _("应安置面积 按合法面积 {area}㎡ 等面积调换")
        self.conditions = _("；适用条件：{conditions}")
        self.derived_fen = _(
            "（单价：{other}单价 {base}元/{unit} × {percent}% = {exact}元/{unit}，"
            "四舍五入到分为 {rate}元/{unit}）"
        )
        self.derived_exact = _(
            "（单价：{other}单价 {base}元/{unit} × {percent}% = {exact}元/{unit}，单价不取整，金额四舍五入到分）"
        )
        self.building_part = _("第{n}幢 {area}{unit} × {rate}元/{unit} = {amount}元")
        self.by_building = _("{basis}，按幢取整：{parts}；合计 {amount}元")


# --- one applicable item, prepared --------------------------------------------------------------

Rule = Callable[["Step", Facts, Sequence[Line], date], Draft | None]


class Step:
    """A rate item as the engine applies it: its fields, its parameters as typed values and
    everything about its text that does not depend on the household."""

    __slots__ = (
        "area_per_person_dm2",
        "basis_all",
        "basis_categories",
        "basis_codes",
        "basis_text",
        "category",
        "code",
        "conditions",
        "constant",
        "date_source",
        "item",
        "kind",
        "legality",
        "legality_label",
        "memo",
        "months",
        "name",
        "per",
        "per_building",
        "percent",
        "percent_ratio",
        "percent_text",
        "periods",
        "rate_den",
        "rate_fen",
        "rate_note",
        "rate_num",
        "rate_text",
        "rule",
        "structure_label",
        "structure_type",
        "texts",
        "times",
        "unit",
        "what",
        "windows",
    )

    def __init__(self, item: RateItem, scheme: Scheme, texts: Texts) -> None:
        self.item = item
        self.texts = texts
        self.code, self.name, self.category = item.code, item.name, item.category
        self.kind, self.unit, self.rate_fen = item.kind, item.unit, item.rate_fen
        self.rate_text = yuan(item.rate_fen)
        self.rule: Rule = RULES[item.kind]
        params = item.params
        # The rate as the fraction rate_num / rate_den fen (den 1 unless derived, exact).
        self.rate_num, self.rate_den, self.rate_note = item.rate_fen, 1, ""
        if "rate_of" in params:
            self._derive_rate(scheme, texts)
        self.per_building = rounding(scheme.params) == "building" and item.kind in (
            RateKind.AREA,
            RateKind.DECORATION,
        )
        self.conditions: tuple[Condition, ...] = compile_conditions(
            item.conditions, scheme.params, judged_on
        )
        self.legality = str(params["legality"]) if "legality" in params else ""
        self.structure_type = item.structure_type
        self.per = item.per if "per" in params else None
        self.months = item.months if "months" in params else 0
        self.times = item.times if "times" in params else 0
        self.date_source = item.date_source if "on" in params else ""
        self.windows = item.windows if "windows" in params else ()
        self.area_per_person_dm2 = item.area_per_person_dm2 if "area_per_person" in params else 0
        self.percent = item.percent
        self.percent_ratio = (0, 1)
        self.percent_text = ""
        if self.percent is not None:
            self.percent_ratio = self.percent.scaleb(-2).as_integer_ratio()
            self.percent_text = num(self.percent)
        basis = item.basis
        self.basis_all = basis.everything
        self.basis_categories = frozenset(basis.categories)
        self.basis_codes = frozenset(basis.codes)
        self.what = ""
        if self.kind in _DERIVED:
            if basis.everything:
                self.what = texts.everything
            else:
                names = [category_label(scheme, c) for c in basis.categories]
                for code in basis.codes:
                    named = scheme.item(code)
                    names.append(named.name if named else code)
                self.what = "、".join(names)
        self.legality_label = texts.legal if self.legality == "legal" else texts.unlicensed
        self.structure_label = (
            "" if self.structure_type is None else _(STRUCTURE_LABELS[self.structure_type])
        )
        self.basis_text = (
            texts.area_basis if self.structure_type is None else texts.structure_area_basis
        )
        self.periods = "、".join(
            _("{start} 至 {end}", start=w.start.isoformat(), end=w.end.isoformat())
            for w in self.windows
        )
        self.memo: dict[int, Draft] = {}  # quantity → line, for rules whose line needs no more
        self.constant: Draft | None = None
        if self.kind is RateKind.LUMP_SUM:
            self.constant = _simple(
                self,
                Decimal(self.times),
                self.rate_fen * self.times,
                _("{times}次", times=self.times),
            )

    def _derive_rate(self, scheme: Scheme, texts: Texts) -> None:
        """``rate_of``: a share of another item's rate, rounded to the fen or kept exact."""
        ref = self.item.params["rate_of"]
        other = scheme.item(ref["code"])
        assert other is not None  # parse_scheme checked it
        percent = Decimal(ref["percent"])
        p, q = (percent / 100).as_integer_ratio()
        exact = Decimal(other.rate_fen) * percent / 10000  # yuan, exact (≤ 6 places)
        fields = {
            "other": other.name,
            "base": yuan(other.rate_fen),
            "unit": self.unit,
            "percent": num(percent),
            "exact": num(cents if (cents := exact.quantize(Decimal("0.01"))) == exact else exact),
        }
        rounded = half_up(other.rate_fen * p, q)
        self.rate_fen = rounded
        if self.item.params.get("rate_rounding", "fen") == "exact":
            self.rate_num, self.rate_den = other.rate_fen * p, q
            self.rate_text = fields["exact"]
            self.rate_note = texts.derived_exact.format(**fields)
        else:
            self.rate_num, self.rate_den = rounded, 1
            self.rate_text = yuan(rounded)
            self.rate_note = texts.derived_fen.format(rate=yuan(rounded), **fields)


_DERIVED = (RateKind.PERCENT, RateKind.VULNERABLE_UPLIFT, RateKind.MINIMUM_GUARANTEE)


def prepare(scheme: Scheme, items: Sequence[RateItem]) -> list[Step]:
    """The steps for ``items`` (the scheme's items that apply), in the current language."""
    texts = Texts()
    return [Step(item, scheme, texts) for item in items]


# --- the rules -----------------------------------------------------------------------------


def _simple(step: Step, quantity: Decimal, exact: int, basis: str, den: int = 1) -> Draft | None:
    """A line of ``rate × quantity``; ``exact / den`` is that product, unrounded."""
    if quantity == 0:
        return None
    amount = half_up(exact, den)
    text = step.texts.formula.format(
        basis=basis, rate=step.rate_text, unit=step.unit, amount=yuan(amount)
    )
    return (quantity, step.rate_fen, amount, step.unit, text)


def per_quantity(step: Step, per: Per, facts: Facts) -> tuple[Decimal, int, int, str]:
    """The quantity a ``per`` names (as a Decimal and as the fraction ``numerator /
    denominator``), and how to say it."""
    texts = step.texts
    if per is Per.HOUSEHOLD:
        return Decimal(1), 1, 1, texts.household
    if per is Per.PERSON:
        n = facts.household.member_count
        return Decimal(n), n, 1, texts.person.format(n=n)
    if per is Per.LEGAL_AREA:
        dm2 = facts.legal
    elif per is Per.UNLICENSED_AREA:
        dm2 = facts.unlicensed
    elif per is Per.TOTAL_AREA:
        dm2 = facts.legal + facts.unlicensed
    else:
        dm2 = facts.household.business_area_dm2
    return area(dm2), dm2, 100, texts.per_area[per].format(area=area_text(dm2))


def per_number(per: Per, facts: Facts) -> int:
    """The numerator :func:`per_quantity` gives for ``per`` (its denominator is fixed)."""
    if per is Per.HOUSEHOLD:
        return 1
    if per is Per.PERSON:
        return facts.household.member_count
    if per is Per.LEGAL_AREA:
        return facts.legal
    if per is Per.UNLICENSED_AREA:
        return facts.unlicensed
    if per is Per.TOTAL_AREA:
        return facts.legal + facts.unlicensed
    return facts.household.business_area_dm2


def _area_rule(step: Step, facts: Facts, earlier: Sequence[Line], as_of: date) -> Draft | None:
    dm2 = facts.area_dm2(step.legality, step.structure_type)
    if not dm2:  # checked first: the explanation is not built for lines that do not exist
        return None
    basis = step.basis_text.format(
        structure=step.structure_label,
        legality=step.legality_label,
        area=area_text(dm2),
        unit=step.unit,
    )
    if step.per_building:
        legality, kind = step.legality, step.structure_type
        parts = [
            (n, s.area_dm2(legality))
            for n, s in enumerate(facts.household.structures, start=1)
            if (kind is None or s.structure_type is kind) and s.area_dm2(legality)
        ]
        return _by_building(step, dm2, parts, basis)
    return _area_line(step, dm2, basis)


def _area_line(step: Step, dm2: int, basis: str) -> Draft | None:
    """rate × area, the rate possibly a derived one (its derivation told on the line)."""
    draft = _simple(step, area(dm2), step.rate_num * dm2, basis, 100 * step.rate_den)
    if draft is None or not step.rate_note:
        return draft
    quantity, rate, amount, unit, text = draft
    return (quantity, rate, amount, unit, text + step.rate_note)


def _by_building(step: Step, dm2: int, parts: list[tuple[int, int]], basis: str) -> Draft | None:
    """Rounding per building: each building's amount rounded to the fen, then added up."""
    if len(parts) < 2:
        return _area_line(step, dm2, basis)
    texts = step.texts
    amounts = [half_up(step.rate_num * part, 100 * step.rate_den) for _n, part in parts]
    amount = sum(amounts)
    text = texts.by_building.format(
        basis=basis,
        parts="；".join(
            texts.building_part.format(
                n=n, area=area_text(part), unit=step.unit, rate=step.rate_text, amount=yuan(a)
            )
            for (n, part), a in zip(parts, amounts, strict=True)
        ),
        amount=yuan(amount),
    )
    return (area(dm2), step.rate_fen, amount, step.unit, text + step.rate_note)


def _decoration_rule(
    step: Step, facts: Facts, earlier: Sequence[Line], as_of: date
) -> Draft | None:
    sums = facts.decoration.get(step.code)
    if sums is None:
        return None
    legality = step.legality
    if legality == "legal":
        dm2 = sums[0]
    elif legality == "unlicensed":
        dm2 = sums[1]
    else:
        dm2 = sums[0] + sums[1]
    if not dm2:
        return None
    basis = step.texts.decoration_basis.format(name=step.name, area=area_text(dm2), unit=step.unit)
    if step.per_building:
        code = step.code
        parts = [
            (n, s.area_dm2(legality))
            for n, s in enumerate(facts.household.structures, start=1)
            if s.decoration == code and s.area_dm2(legality)
        ]
        return _by_building(step, dm2, parts, basis)
    return _area_line(step, dm2, basis)


_MEMO_SIZE = 2048


def _remember(step: Step, key: int, draft: Draft | None) -> Draft | None:
    """Keep ``draft`` as the step's line for quantity ``key`` (rules whose line depends on
    one quantity only: attachment counts, household size repeat across households)."""
    if draft is not None:
        memo = step.memo
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[key] = draft
    return draft


def _per_item_rule(step: Step, facts: Facts, earlier: Sequence[Line], as_of: date) -> Draft | None:
    milli = facts.attachments.get(step.code)
    if not milli:
        return None
    found = step.memo.get(milli)
    if found is not None:
        return found
    qty, text = counted_text(milli)
    basis = step.texts.item_basis.format(name=step.name, quantity=text, unit=step.unit)
    return _remember(step, milli, _simple(step, qty, step.rate_fen * milli, basis, 1000))


def _per_person_rule(
    step: Step, facts: Facts, earlier: Sequence[Line], as_of: date
) -> Draft | None:
    n = facts.household.member_count
    if n == 0:
        return None
    found = step.memo.get(n)
    if found is not None:
        return found
    qty, n, den, basis = per_quantity(step, Per.PERSON, facts)
    return _remember(step, n, _simple(step, qty, step.rate_fen * n, basis, den))


def _monthly_rule(step: Step, facts: Facts, earlier: Sequence[Line], as_of: date) -> Draft | None:
    assert step.per is not None
    n = per_number(step.per, facts)
    if n == 0:
        return None
    found = step.memo.get(n)
    if found is not None:
        return found
    base, n, den, basis = per_quantity(step, step.per, facts)
    return _remember(step, n, _monthly(step, base, n, den, basis))


def _monthly(step: Step, base: Decimal, n: int, den: int, basis: str) -> Draft:
    qty = base * step.months
    amount = half_up(step.rate_fen * n * step.months, den)
    text = step.texts.monthly.format(
        basis=basis,
        months=step.months,
        rate=step.rate_text,
        unit=step.unit,
        amount=yuan(amount),
    )
    return (qty, step.rate_fen, amount, step.unit, text)


def _lump_sum_rule(step: Step, facts: Facts, earlier: Sequence[Line], as_of: date) -> Draft | None:
    return step.constant


def _basis_sum(step: Step, earlier: Sequence[Line]) -> tuple[int, bool]:
    """Sum of the earlier lines the item's basis selects, and whether any was selected."""
    if step.basis_all:
        return sum(line.amount_fen for line in earlier), bool(earlier)
    categories, codes = step.basis_categories, step.basis_codes
    total = 0
    chosen = False
    for line in earlier:
        if line.category in categories or line.item_code in codes:
            total += line.amount_fen
            chosen = True
    return total, chosen


def _percent_rule(step: Step, facts: Facts, earlier: Sequence[Line], as_of: date) -> Draft | None:
    percent = step.percent
    assert percent is not None
    base, any_line = _basis_sum(step, earlier)
    if not any_line or base == 0:
        return None
    p, q = step.percent_ratio
    amount = half_up(base * p, q)
    text = step.texts.percent.format(
        what=step.what, base=yuan(base), percent=step.percent_text, amount=yuan(amount)
    )
    return (percent, base, amount, "%", text)


def judged_on(by_vacating: bool, household: HouseholdInput, as_of: date) -> date:
    """The date a bonus is judged by: the recorded signing (or vacating) date, else ``as_of``
    (the figure the household would get if it signed or vacated on that day). The engine's
    line and the inputs hash both ask here."""
    if by_vacating:
        return as_of if household.vacated_on is None else household.vacated_on
    return as_of if household.signed_on is None else household.signed_on


def bonus_day(item: RateItem, household: HouseholdInput, as_of: date) -> tuple[date, str]:
    """:func:`judged_on` with the name of the date it used, for explanations."""
    by_vacating = item.date_source == "vacated"
    day = judged_on(by_vacating, household, as_of)
    recorded = household.vacated_on if by_vacating else household.signed_on
    if by_vacating:
        return day, _("腾房日期") if recorded is not None else _("计算日期（尚未腾房）")
    return day, _("签约日期") if recorded is not None else _("计算日期（尚未签约）")


def window_for(item: RateItem, day: date) -> tuple[int, BonusWindow | None]:
    """The item's reward window ``day`` falls in (see :func:`.scheme.find_window`)."""
    return find_window(item.windows, day)


def _bonus_rule(step: Step, facts: Facts, earlier: Sequence[Line], as_of: date) -> Draft | None:
    assert step.per is not None
    qty, n, den, basis = per_quantity(step, step.per, facts)
    if qty == 0:
        return None
    h, texts = facts.household, step.texts
    by_vacating = step.date_source == "vacated"
    day = judged_on(by_vacating, h, as_of)
    if by_vacating:
        source = texts.vacated if h.vacated_on is not None else texts.not_vacated
    else:
        source = texts.signed if h.signed_on is not None else texts.not_signed
    _index, window = find_window(step.windows, day)
    if window is None:
        text = texts.outside.format(source=source, day=day.isoformat(), periods=step.periods)
        return (qty, 0, 0, step.unit, text)
    amount = half_up(window.rate_fen * n, den)
    formula = texts.formula.format(
        basis=basis, rate=yuan(window.rate_fen), unit=step.unit, amount=yuan(amount)
    )
    text = texts.inside.format(
        source=source,
        day=day.isoformat(),
        start=window.start.isoformat(),
        end=window.end.isoformat(),
        formula=formula,
    )
    return (qty, window.rate_fen, amount, step.unit, text)


def _vulnerable_rule(
    step: Step, facts: Facts, earlier: Sequence[Line], as_of: date
) -> Draft | None:
    if not facts.household.vulnerable:
        return None
    if step.percent is not None:
        return _percent_rule(step, facts, earlier, as_of)
    assert step.per is not None
    qty, n, den, basis = per_quantity(step, step.per, facts)
    return _simple(step, qty, step.rate_fen * n, basis, den)


def _guarantee_rule(step: Step, facts: Facts, earlier: Sequence[Line], as_of: date) -> Draft | None:
    assert step.per is not None
    _qty, n, den, basis = per_quantity(step, step.per, facts)
    floor = half_up(step.rate_fen * n, den)
    base, _any = _basis_sum(step, earlier)
    if base >= floor:
        return None
    top_up = floor - base
    texts = step.texts
    text = texts.guarantee.format(
        formula=texts.formula.format(
            basis=basis, rate=step.rate_text, unit=step.unit, amount=yuan(floor)
        ),
        what=step.what,
        base=yuan(base),
        amount=yuan(top_up),
    )
    return (Decimal(1), top_up, top_up, step.unit, text)


def entitled_area_dm2(item: RateItem, household: HouseholdInput) -> int:
    """The flat area a swap household is entitled to: per person × members, or its legal
    area 1:1 where the scheme says ``entitled`` ``legal_area``."""
    if item.entitled_by_legal_area:
        return household.area_dm2("legal")
    return household.member_count * item.area_per_person_dm2


def _resettlement_rule(
    step: Step, facts: Facts, earlier: Sequence[Line], as_of: date
) -> Draft | None:
    h, texts = facts.household, step.texts
    by_legal_area = step.item.entitled_by_legal_area
    entitled = facts.legal if by_legal_area else h.member_count * step.area_per_person_dm2
    chosen = entitled if h.resettlement_area_dm2 is None else h.resettlement_area_dm2
    flats = h.chosen_flats
    if flats:
        chosen = sum(f.area_dm2 for f in flats)
    if chosen == 0:
        return None
    qty = area(chosen)
    if by_legal_area:
        text = texts.entitled_legal.format(area=area_text(entitled))
    else:
        text = texts.entitled.format(
            n=h.member_count,
            per=area_text(step.area_per_person_dm2),
            area=area_text(entitled),
        )
    if flats:
        # The flats' price is on the tier lines that follow (engine: chosen flats).
        text += texts.flats.format(n=len(flats), area=area_text(chosen))
        return (qty, 0, 0, step.unit, text)
    if chosen != entitled:
        text += texts.chosen.format(area=area_text(chosen))
    # The flat's price is set against the compensation: a negative line (rate 0: area only).
    amount = half_up(-step.rate_fen * chosen, 100)
    if step.rate_fen:
        text += texts.price.format(
            area=area_text(chosen), unit=step.unit, rate=step.rate_text, price=yuan(-amount)
        )
    else:
        text += texts.no_price
    return (qty, -step.rate_fen, amount, step.unit, text)


RULES: dict[RateKind, Rule] = {
    RateKind.AREA: _area_rule,
    RateKind.DECORATION: _decoration_rule,
    RateKind.PER_ITEM: _per_item_rule,
    RateKind.PER_PERSON: _per_person_rule,
    RateKind.MONTHLY: _monthly_rule,
    RateKind.LUMP_SUM: _lump_sum_rule,
    RateKind.PERCENT: _percent_rule,
    RateKind.BONUS_WINDOW: _bonus_rule,
    RateKind.VULNERABLE_UPLIFT: _vulnerable_rule,
    RateKind.MINIMUM_GUARANTEE: _guarantee_rule,
    RateKind.RESETTLEMENT: _resettlement_rule,
}
