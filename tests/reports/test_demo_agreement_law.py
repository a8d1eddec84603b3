"""The demo's agreements cite the law of the land its scheme is for, read back from printed PDFs.

A small demo is generated, one signed agreement is reprinted and one new agreement printed
through the agreement service, and pdftotext reads the law each cites: the scheme's name and
its ``land_type`` must agree, and the PDFs must cite that land's law and no other.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from relocation_desk.domain.scheme_scope import LAND_TYPES
from relocation_desk.reports.agreement_pdf import render_agreement
from relocation_desk.services.agreements.service import AgreementService, NotReady
from relocation_desk.services.demo.generator import generate_demo
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

from ..checks import require_program
from ..operators import operator_with_role

TODAY = date(2026, 11, 23)
STATE_LAW = "《国有土地上房屋征收与补偿条例》"
COLLECTIVE_LAW = "《中华人民共和国土地管理法》第四十七条、第四十八条"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("demo_law") / "demo.sqlite"
    generate_demo(path, households=60, seed=5, today=TODAY)
    with open_database(path) as db:
        yield db


def _pdf_text(path: Path) -> str:
    """The PDF's text with line breaks and spaces removed (a law's name may wrap)."""
    out = subprocess.run(
        [require_program("pdftotext", "reads the printed agreement back"), "-enc", "UTF-8",
         str(path), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return re.sub(r"\s+", "", out)


def _scheme(db: Database) -> m.SchemeVersion:
    with db.session() as s:
        versions = s.scalars(select(m.SchemeVersion)).all()
        assert len(versions) == 1
        s.expunge(versions[0])
        return versions[0]


def _assert_cites(text: str, params: dict[str, object]) -> None:
    if params.get("land_type", "state") == "collective":
        assert COLLECTIVE_LAW in text
        assert str(params["provincial_rules"]) in text
        assert STATE_LAW not in text
        assert "集体土地上房屋" in text
    else:
        assert STATE_LAW in text
        assert "土地管理法" not in text


def test_the_demo_schemes_name_and_land_type_agree(demo: Database) -> None:
    version = _scheme(demo)
    with demo.session() as s:
        name = s.scalar(select(m.Scheme.name).where(m.Scheme.id == version.scheme_id))
    params = version.params or {}
    land = str(params.get("land_type", "state"))
    assert land == "collective"  # the demo is village houses on collective land
    assert LAND_TYPES[land] in str(name)
    assert all(other not in str(name) for key, other in LAND_TYPES.items() if key != land)


def test_a_reprinted_demo_agreement_cites_the_schemes_law(demo: Database, tmp_path: Path) -> None:
    params = _scheme(demo).params or {}
    hq = operator_with_role(demo, "hq")
    with demo.session() as s:
        household = s.scalar(
            select(m.Agreement.household_id)
            .where(m.Agreement.status == "signed", m.Agreement.kind == "main")
            .order_by(m.Agreement.number)
            .limit(1)
        )
    assert household is not None
    out = tmp_path / "signed.pdf"
    view = AgreementService(demo, hq).print_to_file(household, out, render_agreement, on=TODAY)
    assert view.reprint_no >= 1  # the content the generator stored at signing
    _assert_cites(_pdf_text(out), params)


def test_a_new_demo_agreement_cites_the_schemes_law(demo: Database, tmp_path: Path) -> None:
    params = _scheme(demo).params or {}
    hq = operator_with_role(demo, "hq")
    service = AgreementService(demo, hq)
    with demo.session() as s:
        waiting = s.scalars(
            select(m.Household.id)
            .where(m.Household.status == "noticed")
            .where(~m.Household.id.in_(select(m.Agreement.household_id)))
            .order_by(m.Household.code)
        ).all()
    out = tmp_path / "new.pdf"
    for household in waiting:
        try:
            view = service.print_to_file(household, out, render_agreement, on=TODAY)
        except NotReady:
            continue
        break
    else:
        pytest.fail(f"none of the {len(waiting)} noticed demo households could be printed")
    assert view.reprint_no == 0
    _assert_cites(_pdf_text(out), params)
