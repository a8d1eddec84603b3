"""Entitlement, combination rules, price tiers and 多退少补 in fen; the draw."""

from __future__ import annotations

import hashlib
import random

import pytest

from relocation_desk.domain import lottery
from relocation_desk.domain import resettlement as r
from relocation_desk.domain.errors import InputError

PARAMS = {
    "resettlement": {
        "entitlement": {"basis": "per_person", "area_per_person": "40"},
        "max_flats": 3,
        "min_remainder_before_last": "20",
        "remainder_layouts": [{"remainder_up_to": "30", "largest_area": "60"}],
        "max_estates": 1,
        "swap_price_fen": 180000,
        "band_area": "10",
        "band_price_fen": 350000,
        "unused_rate_fen": 250000,
    }
}
RULES = r.parse_rules(PARAMS)


def test_entitlement_per_person_and_per_legal_area() -> None:
    assert r.entitlement_dm2(RULES, members=3, legal_area_dm2=0) == 12000
    by_area = r.parse_rules(
        {"resettlement": {"entitlement": {"basis": "legal_area", "ratio": "0.8"}}}
    )
    assert r.entitlement_dm2(by_area, members=9, legal_area_dm2=12050) == 9640


def test_bad_params_say_which() -> None:
    with pytest.raises(InputError, match="max_flats"):
        r.parse_rules({"resettlement": {"max_flats": 0}})
    with pytest.raises(InputError, match="band_area"):
        r.parse_rules({"resettlement": {"band_area": "abc"}})
    with pytest.raises(InputError, match="order_by"):
        r.parse_rules({"resettlement": {"order_by": "lottery"}})
    assert RULES.order_by == "signing"
    with pytest.raises(InputError) as exc:
        r.parse_rules({})
    assert exc.value.code == "no_resettlement_rules"


def test_floor_price_rounds_half_up() -> None:
    assert r.flat_unit_price(400000, 1025) == 410000
    assert r.flat_unit_price(333333, 1005) == 335000  # 334999.665 → 335000 (half-up)
    assert r.flat_unit_price(1, 1500) == 2  # 1.5 → 2


def flat(
    area_dm2: int, price: int = 500000, coef: int = 1000, label: str = "1栋0101"
) -> r.FlatTerms:
    return r.FlatTerms(label, area_dm2, price, coef)


def test_settlement_within_entitlement_only() -> None:
    s = r.settle(RULES, 12000, [flat(12000)])
    assert [(ln.tier, ln.area_dm2, ln.amount_fen) for ln in s.lines] == [
        ("entitlement", 12000, 120 * 180000)
    ]
    assert s.payable_fen == 21_600_000


def test_settlement_every_tier_and_unused() -> None:
    # entitlement 100 ㎡, band 10 ㎡: 123.45 ㎡ → 100 at 1,800, 10 at 3,500, 13.45 at 5,000
    s = r.settle(RULES, 10000, [flat(12345)])
    assert [(ln.tier, ln.area_dm2, ln.rate_fen, ln.amount_fen) for ln in s.lines] == [
        ("entitlement", 10000, 180000, 18_000_000),
        ("band", 1000, 350000, 3_500_000),
        ("market", 1345, 500000, 6_725_000),
    ]
    assert s.payable_fen == 28_225_000
    small = r.settle(RULES, 12000, [flat(9000)])
    assert small.lines[-1].tier == "unused"
    assert small.lines[-1].amount_fen == -30 * 250000  # the household is paid
    assert small.payable_fen == 90 * 180000 - 30 * 250000


def test_floor_coefficient_applies_to_tiers_and_rounds_each_line_once() -> None:
    # 0.33 ㎡ × 1,800 × 1.013 = 601.722 元 → 60,172 fen (half-up on the line, once)
    s = r.settle(RULES, 33, [flat(33, coef=1013)])
    assert s.lines[0].rate_fen == 182340
    assert s.lines[0].amount_fen == 60172


def test_excess_falls_on_the_last_flat_chosen() -> None:
    s = r.settle(RULES, 12000, [flat(9000, label="A"), flat(6000, price=600000, label="B")])
    tiers = [(ln.label, ln.tier, ln.area_dm2) for ln in s.lines]
    assert tiers == [("A", "entitlement", 9000), ("B", "entitlement", 3000),
                     ("B", "band", 1000), ("B", "market", 2000)]  # fmt: skip
    assert s.lines[-1].amount_fen == 20 * 600000


def test_handover_difference_both_ways() -> None:
    contracted = [flat(12345)]
    # measured 1.2 ㎡ more: all of it at the market price → the household pays 6,000.00
    assert r.handover_difference(RULES, 10000, contracted, [12465]) == 600_000
    # measured 0.5 ㎡ less: refunded at the market price
    assert r.handover_difference(RULES, 10000, contracted, [12295]) == -250_000
    # a flat inside the entitlement that measures smaller: less to pay, more unused area
    inside = [flat(9000)]
    assert r.handover_difference(RULES, 12000, inside, [8950]) == -(
        multiply(50, 180000) + multiply(50, 250000)
    )


def multiply(dm2: int, rate: int) -> int:
    return dm2 * rate // 100


T90 = r.FlatType("幸福家园", "两室", 9000)
T120 = r.FlatType("幸福家园", "三室", 12000)
T60 = r.FlatType("幸福家园", "一室", 6000)
OTHER = r.FlatType("和谐小区", "两室", 9000)


def test_remainder_rule_before_the_last_flat() -> None:
    # entitlement 120: after a 90 only 30 remain (≥ 20): a 60 is allowed as the last flat
    assert r.check_next_flat(RULES, 12000, [T90], T60) is None
    # … but not a 90: the largest 户型 for a remainder up to 30 ㎡ is 60 ㎡
    assert "60" in (r.check_next_flat(RULES, 12000, [T90], T90) or "")
    # after 120 nothing remains: no further flat
    assert r.check_next_flat(RULES, 12000, [T120], T60) is not None
    assert r.is_last_flat(RULES, 12000, [T90, T60])


def test_estates_and_count_limits() -> None:
    assert r.check_next_flat(RULES, 40000, [T90], OTHER) is not None
    assert r.check_next_flat(RULES, 40000, [T60, T60, T60], T60) is not None


def test_allowed_combinations_listed_largest_first() -> None:
    combos = r.allowed_combinations(RULES, 12000, [T90, T120, T60, OTHER])
    assert combos[0] in {(T120,), (T90, T60)}
    assert (T90, T60) in combos
    assert (T90, T90) not in combos
    assert all(len({t.estate for t in c}) == 1 for c in combos)
    limited = r.allowed_combinations(RULES, 12000, [T90, T60], counts={T90: 1, T60: 0})
    assert limited == [(T90,)]


# --- the draw --------------------------------------------------------------------------------


def test_list_hash_is_sha256_of_sorted_codes() -> None:
    codes = ["T01-0002", "T01-0001"]
    assert lottery.list_hash(codes) == hashlib.sha256(b"T01-0001\nT01-0002").hexdigest()


def test_draw_is_a_permutation_reproduced_from_list_and_seed() -> None:
    codes = [f"T{t:02d}-{i:04d}" for t in range(1, 4) for i in range(1, 40)]
    shuffled = list(codes)
    random.Random(5).shuffle(shuffled)  # the list's input order does not matter
    first = lottery.draw(codes, "第2026333期 5 8 1")
    assert lottery.draw(shuffled, "第2026333期  5 8 1 ") == first  # seed normalised
    assert sorted(first) == sorted(codes)
    assert lottery.draw(codes, "第2026333期 5 8 2") != first


def test_draw_known_answer() -> None:
    """Pins the algorithm: a change anywhere (stream, sampling, shuffle) fails here."""
    codes = ["A", "B", "C", "D", "E"]
    key = hashlib.sha256((lottery.list_hash(codes) + "\n42").encode()).digest()
    stream = []
    for block in range(2):
        d = hashlib.sha256(key + block.to_bytes(8, "big")).digest()
        stream += [int.from_bytes(d[k : k + 8], "big") for k in range(0, 32, 8)]
    items, numbers = sorted(codes), iter(stream)
    for i in range(len(items) - 1, 0, -1):
        n = i + 1
        x = next(numbers)
        while x >= (1 << 64) - (1 << 64) % n:
            x = next(numbers)
        j = x % n
        items[i], items[j] = items[j], items[i]
    assert lottery.draw(codes, "42") == items


def test_draw_refuses_duplicates_and_empty_seed() -> None:
    with pytest.raises(ValueError):
        lottery.draw(["A", "A"], "1")
    with pytest.raises(ValueError):
        lottery.draw(["A", "B"], "  ")


def test_draw_of_ten_thousand_is_a_permutation() -> None:
    codes = [f"T{i // 1000:02d}-{i:05d}" for i in range(10_000)]
    order = lottery.draw(codes, "2026-12-10 现场摇号 731904")
    assert sorted(order) == sorted(codes)
    assert order != sorted(codes)
