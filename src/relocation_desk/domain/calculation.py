"""The result of a compensation calculation: lines, total, 大写 — plain values to store,
show, print and post."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .errors import InputError
from .scheme import RateKind

__all__ = ["CalculationResult", "EngineError", "Line", "make_line"]


class EngineError(InputError):
    """The household's data and the scheme do not fit (e.g. an attachment code the scheme
    does not price). ``code`` says which check failed; ``reason`` says it in Chinese."""


@dataclass(frozen=True)
class Line:
    """One line of a calculation (one rate item; at most one line per item, except the
    产权调换 item of a household with chosen flats: its price difference follows as one line
    per flat and tier under the same item, see :mod:`.resettlement_lines`).

    For every line ``amount_fen == multiply_half_up(rate_fen, quantity)``, except percent
    lines (``unit`` ``%``: ``rate_fen`` is the basis, ``quantity`` the percent, amount =
    basis × percent / 100), lines whose rate is derived and kept exact (``rate_fen`` is that
    rate rounded to the fen; the amount is the exact rate × quantity, rounded) and area lines
    rounded per building (the sum of each building's rounded amount); their explanations say
    so. A property-swap deduction has a negative ``rate_fen`` and amount; a swap line with
    amount 0 only states the resettlement area.
    """

    seq: int
    item_code: str
    item_name: str
    category: str
    kind: RateKind
    unit: str
    quantity: Decimal
    rate_fen: int
    amount_fen: int
    explanation: str


def make_line(
    seq: int,
    item_code: str,
    item_name: str,
    category: str,
    kind: RateKind,
    unit: str,
    quantity: Decimal,
    rate_fen: int,
    amount_fen: int,
    explanation: str,
) -> Line:
    """``Line(…)`` with the same fields, made without the frozen dataclass's ``__init__``
    (one ``object.__setattr__`` per field); the engine makes millions of lines."""
    line = object.__new__(Line)
    line.__dict__.update(
        seq=seq,
        item_code=item_code,
        item_name=item_name,
        category=category,
        kind=kind,
        unit=unit,
        quantity=quantity,
        rate_fen=rate_fen,
        amount_fen=amount_fen,
        explanation=explanation,
    )
    return line


@dataclass(frozen=True)
class CalculationResult:
    lines: tuple[Line, ...]
    total_fen: int  # the sum of the (already rounded) lines
    total_upper: str  # 大写, e.g. 人民币壹拾贰万叁仟肆佰伍拾陆元柒角捌分

    def by_category(self) -> dict[str, int]:
        """Subtotal per category, in the order categories first appear (for notice columns)."""
        totals: dict[str, int] = {}
        for line in self.lines:
            totals[line.category] = totals.get(line.category, 0) + line.amount_fen
        return totals
