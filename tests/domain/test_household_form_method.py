"""The household's 补偿方式 on the form: empty until chosen, one of the three methods."""

from __future__ import annotations

from uuid import uuid4

from relocation_desk.domain.household_form import HouseholdForm, PersonForm, validate_form


def _form(method: str) -> HouseholdForm:
    return HouseholdForm(
        village_id=uuid4(),
        persons=[PersonForm(name="张三", relation="户主")],
        compensation_method=method,
    )


def test_not_chosen_yet_is_allowed() -> None:
    assert not [p for p in validate_form(_form("")) if p.path == "compensation_method"]


def test_each_method_is_accepted_and_anything_else_refused() -> None:
    for method in ("money", "swap", "mixed"):
        assert not [p for p in validate_form(_form(method)) if p.path == "compensation_method"]
    [problem] = [p for p in validate_form(_form("cash")) if p.path == "compensation_method"]
    assert "货币补偿" in problem.message
