"""Fuzz the domain's readers: any text ends in a value inside its bound or a user error."""

from __future__ import annotations

import json
from datetime import date
from uuid import uuid4

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from relocation_desk.domain import bounded_json, idnumber, limits, names, phone
from relocation_desk.domain.household_form import (
    AttachmentForm,
    HouseholdForm,
    PersonForm,
    StructureForm,
    validate_form,
)
from relocation_desk.domain.money import AmountError, parse_amount, yuan_to_fen
from relocation_desk.domain.units import QuantityError, parse_area, parse_quantity

from .corpus import HOSTILE, fuzz_settings, hostile_text, only_raises, timed

pytestmark = pytest.mark.fuzz


@fuzz_settings(150)
@given(hostile_text())
def test_amounts(text: str) -> None:
    with timed("domain.amount", text):
        fen = only_raises(lambda: parse_amount(text), AmountError)
        if fen is not None:
            assert isinstance(fen, int) and abs(fen) <= limits.MAX_AMOUNT_FEN
        only_raises(lambda: yuan_to_fen(text), AmountError)


@fuzz_settings(60)
@given(st.one_of(st.integers(), st.decimals(allow_nan=True, allow_infinity=True)))
def test_amounts_from_spreadsheet_numbers(value: object) -> None:
    with timed("domain.amount_number", value):
        fen = only_raises(lambda: parse_amount(value), AmountError)  # type: ignore[arg-type]
        if fen is not None:
            assert isinstance(fen, int) and abs(fen) <= limits.MAX_AMOUNT_FEN


@fuzz_settings(100)
@given(hostile_text())
def test_areas_and_quantities(text: str) -> None:
    with timed("domain.area", text):
        dm2 = only_raises(lambda: parse_area(text), QuantityError)
        if dm2 is not None:
            assert isinstance(dm2, int) and 0 <= dm2 <= limits.MAX_AREA_DM2
        milli = only_raises(lambda: parse_quantity(text), QuantityError)
        if milli is not None:
            assert isinstance(milli, int) and abs(milli) <= limits.MAX_QUANTITY_MILLI


@fuzz_settings(80)
@given(hostile_text())
def test_dates(text: str) -> None:
    with timed("domain.date", text):
        day = only_raises(lambda: limits.parse_date(text), limits.LimitError)
        if day is not None:
            assert isinstance(day, date) and limits.MIN_DATE <= day <= limits.MAX_DATE


@fuzz_settings(60)
@given(st.one_of(hostile_text(), st.integers(), st.floats(), st.booleans(), st.none()))
def test_member_counts(value: object) -> None:
    with timed("domain.member_count", value):
        n = only_raises(lambda: limits.member_count(value), limits.LimitError)
        if n is not None:
            assert isinstance(n, int) and 0 <= n <= limits.MAX_MEMBERS


@fuzz_settings(80)
@given(hostile_text(max_size=40))
@example("000000198001010017")
def test_id_numbers(text: str) -> None:
    with timed("domain.id_number", text):
        parsed = only_raises(
            lambda: idnumber.parse(text, today=date(2026, 12, 7)), idnumber.IdNumberError
        )
        if isinstance(parsed, idnumber.IdNumber):
            assert len(parsed.value) == 18
            idnumber.area_code_warning(parsed)
        idnumber.mask(text)


@fuzz_settings(80)
@given(hostile_text())
def test_names_and_phones(text: str) -> None:
    with timed("domain.name", text):
        problems = names.validate_name(text)
        clean = names.normalize_name(text)
        if not problems:
            assert 0 < len(clean) <= names.MAX_NAME_LENGTH
            assert not limits.hidden_chars(clean)
        names.search_keys(clean[:50])
        phone.validate_phone(text)


@fuzz_settings(60)
@given(st.lists(hostile_text(max_size=30), min_size=9, max_size=9))
def test_household_form(texts: list[str]) -> None:
    code, address, name, id_number, relation, area, floors, year, quantity = texts
    form = HouseholdForm(
        village_id=uuid4(),
        code=code,
        address=address,
        persons=[PersonForm(name=name, id_number=id_number, relation=relation)],
        structures=[StructureForm(legal_area=area, floors=floors, build_year=year)],
        attachments=[AttachmentForm(item_code="X", quantity=quantity)],
    )
    with timed("domain.household_form", texts):
        problems = validate_form(form, today=date(2026, 12, 7))
    assert all(p.message for p in problems)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@fuzz_settings(60)
@given(
    st.one_of(
        hostile_text(),
        st.integers(min_value=0, max_value=20_000).map(_nested),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.text(max_size=5), inner, max_size=4)
            ),
            max_leaves=30,
        ).map(lambda v: json.dumps(v)),
    )
)
def test_bounded_json(text: str) -> None:
    with timed("domain.json", text[:200]):
        only_raises(
            lambda: bounded_json.loads(text), bounded_json.JsonLimitError, json.JSONDecodeError
        )


@pytest.mark.parametrize("text", HOSTILE)
def test_every_corpus_case_through_every_reader(text: str) -> None:
    """The corpus as explicit examples: each case through each reader, every time."""
    with timed("domain.corpus", text):
        only_raises(lambda: parse_amount(text), AmountError)
        only_raises(lambda: parse_area(text), QuantityError)
        only_raises(lambda: parse_quantity(text), QuantityError)
        only_raises(lambda: limits.parse_date(text), limits.LimitError)
        only_raises(lambda: limits.member_count(text), limits.LimitError)
        only_raises(lambda: idnumber.parse(text), idnumber.IdNumberError)
        only_raises(lambda: bounded_json.loads(text), bounded_json.JsonLimitError,
                    json.JSONDecodeError)  # fmt: skip
        names.validate_name(text)
        phone.validate_phone(text)
