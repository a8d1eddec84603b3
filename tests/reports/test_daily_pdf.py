"""The one-page daily report PDF read back: one page, fonts embedded, the figures in the text,
the same bytes for the same frozen report, and still one page with many teams."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from relocation_desk.reports.daily_columns import wan
from relocation_desk.reports.daily_pdf import write_daily_pdf
from relocation_desk.services.progress import daily_report
from relocation_desk.storage.db import open_database
from tests.operators import operator_with_role

CST = timezone(timedelta(hours=8))
DAY = date(2026, 11, 23)


@pytest.fixture
def frozen(demo_db_path: Path, tmp_path: Path) -> daily_report.DailyReportData:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, path)
    db = open_database(path)
    try:
        return daily_report.freeze(
            db,
            DAY,
            operator=operator_with_role(db, "hq"),
            now=datetime(2026, 11, 23, 18, tzinfo=CST),
        )
    finally:
        db.close()


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


def _pages(path: Path) -> int:
    found = re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(path)), re.MULTILINE)
    assert found
    return int(found.group(1))


def test_one_page_with_the_figures(frozen, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.pdf"
    write_daily_pdf(out, frozen)
    assert _pages(out) == 1
    fonts = [ln.split() for ln in _run("pdffonts", str(out)).splitlines()[2:]]
    assert fonts and all(f[-5] == "yes" for f in fonts), fonts  # embedded
    assert not any("Helvetica" in f[0] for f in fonts)
    text = _run("pdftotext", "-layout", str(out), "-")
    flat = re.sub(r"\s+", "", text)
    t = frozen.total
    assert f"{frozen.scope_name}工作日报" in flat
    assert "报表日期2026-11-23" in flat and "截止2026-11-2317:00" in flat
    assert "已冻结2026-11-2318:00" in flat
    assert f"完成率{t.signed_pct:.1f}%" in flat and f"累计{t.paid:,}户" in flat
    assert wan(t.paid_fen) in flat and f"{t.cadre_signed}/{t.cadre_total}" in flat
    for team in frozen.teams:
        f = team.figures
        row = f"{team.rank}{team.name}{f.households:,}{f.signed_today:,}{f.signed:,}{f.signed_pct:.1f}%"
        assert row in flat, row
    total_row = f"合计{t.households:,}{t.signed_today:,}{t.signed:,}{t.signed_pct:.1f}%"
    assert total_row in flat
    assert f"签约{t.signed:,}" in flat and f"支付{t.paid:,}" in flat  # the chart's legend
    assert frozen.content_hash[:16] in flat
    # The chart is drawn: its axis labels are in the text.
    assert frozen.trend_days[-1].strftime("%m-%d")[:3] in text


def test_same_report_same_bytes(frozen, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    write_daily_pdf(a, frozen)
    write_daily_pdf(b, frozen)
    assert a.read_bytes() == b.read_bytes()


def test_many_teams_still_fit_one_page(frozen, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    teams = tuple(
        dataclasses.replace(row, name=f"第{i + 1}工作组", rank=i + 1)
        for i, row in enumerate(frozen.teams * 22)
    )
    many = dataclasses.replace(frozen, teams=teams)
    out = tmp_path / "many.pdf"
    write_daily_pdf(out, many)
    assert _pages(out) == 1
    flat = re.sub(r"\s+", "", _run("pdftotext", str(out), "-"))
    assert "第66工作组" in flat and "合计" in flat


def test_team_report_lists_its_responsible_persons(demo_db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_db_path, path)
    db = open_database(path)
    try:
        project = daily_report.build(db, DAY)
        team = daily_report.build(db, DAY, team_id=uuid.UUID(project.teams[0].key))
    finally:
        db.close()
    out = tmp_path / "team.pdf"
    write_daily_pdf(out, team)
    assert _pages(out) == 1
    flat = re.sub(r"\s+", "", _run("pdftotext", "-layout", str(out), "-"))
    assert f"{team.scope_name}工作日报" in flat and "责任人" in flat
    for i, person in enumerate(team.persons, start=1):
        f = person.figures
        assert f"{i}{person.name}{f.households:,}{f.signed_today:,}{f.signed:,}" in flat
