"""The household editor on a team laptop warns when an ID number is registered by another
team (a keyed hash from HQ's package says so): for a number typed, once its cell is left, and
for the numbers of a household it opens. The warning does not stop the save."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from relocation_desk.domain import idnumber
from relocation_desk.domain.household_form import Severity
from relocation_desk.services.exchange.id_hashes import id_hash
from relocation_desk.services.exchange.identity import make_identity
from relocation_desk.storage import models as m

from .test_household_editor import answers, household_ids, type_into_cell, validated  # noqa: F401
from .typing import press_key, type_text

pytestmark = pytest.mark.gui

ELSEWHERE = idnumber.make("410122", date(1975, 8, 9), 315)
MINE = idnumber.make("410102", date(1990, 1, 2), 124)
KEY = bytes(range(32))


@pytest.fixture
def laptop(tmp_path: Path, demo_db_path: Path) -> Iterator[tuple[Any, Path]]:
    """The demo project as team T01's laptop, told by HQ that 第三工作组 registered
    ``ELSEWHERE``."""
    from relocation_desk.storage.db import open_database

    path = tmp_path / "laptop.sqlite"
    shutil.copy(demo_db_path, path)
    db = open_database(path)
    with db.session() as s, s.begin():
        team = s.scalars(select(m.Team).order_by(m.Team.code)).first()
        assert team is not None
        make_identity(s, team.project_id, "team", team_id=team.id, id_hash_key=KEY)
        s.add(m.ForeignIdHash(id_hash=id_hash(KEY, ELSEWHERE), team_code="T03",
                              team_name="第三工作组"))  # fmt: skip
    yield db, path
    db.close()


@pytest.fixture
def open_editor(qtbot: Any, laptop: tuple[Any, Path]) -> Any:
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.editor.window import HouseholdEditor
    from relocation_desk.services.households.drafts import DraftStore
    from relocation_desk.services.households.service import HouseholdService, operators

    make_app()
    db, _path = laptop
    service = HouseholdService(db, operators(db)[0])

    def open_(household_id: uuid.UUID | None = None) -> Any:
        village = None if household_id else service.choices().villages[0].id
        editor = HouseholdEditor(service, DraftStore(db), household_id, village_id=village)
        qtbot.addWidget(editor)
        editor.show()
        qtbot.waitExposed(editor)
        editor.activateWindow()
        qtbot.waitUntil(editor.isActiveWindow)
        return editor

    return open_


WARNING = "此身份证号已在第三工作组登记"


def test_a_typed_number_warns_once_its_cell_is_left(open_editor: Any, qtbot: Any) -> None:
    editor = open_editor()
    table = editor.members
    type_text(qtbot, table, "郑晓明")
    press_key(table, Qt.Key.Key_Tab)
    type_text(qtbot, table, ELSEWHERE.lower())  # typed as it comes: normalised
    validated(editor)
    assert not any(WARNING in t for t in editor.problems.texts())  # still in the cell
    assert table.mark_of(0, "id_number") is None
    press_key(table, Qt.Key.Key_Tab)  # leaves the ID cell
    texts = editor.problems.texts()
    assert any(WARNING in t and "第1位成员（郑晓明）" in t for t in texts), texts
    assert "提示 1 处" in editor.problem_summary.text()
    # Another member with a number nobody else holds: no warning for them.
    qtbot.keyClick(table, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    type_text(qtbot, table, "郑芳")
    press_key(table, Qt.Key.Key_Tab)
    type_text(qtbot, table, MINE)
    press_key(table, Qt.Key.Key_Tab)
    type_text(qtbot, table, "女")
    validated(editor)
    assert sum(WARNING in t for t in editor.problems.texts()) == 1
    # A warning, not an error: the household is saved.
    with qtbot.waitSignal(editor.saved):
        editor.save_action.trigger()


def test_a_household_opened_shows_the_warning_at_once(
    open_editor: Any, laptop: tuple[Any, Path], qtbot: Any
) -> None:
    db, path = laptop
    household = household_ids(path)[0]
    with db.session() as s, s.begin():
        person = s.scalars(select(m.Person).where(m.Person.household_id == household)
                           .order_by(m.Person.sort_order)).first()  # fmt: skip
        assert person is not None and person.id_number
        s.add(m.ForeignIdHash(id_hash=id_hash(KEY, person.id_number), team_code="T03",
                              team_name="第三工作组"))  # fmt: skip
        name = person.name
    editor = open_editor(household)
    texts = editor.problems.texts()
    assert any(WARNING in t and name in t for t in texts), texts
    assert editor.members.mark_of(0, "id_number") is Severity.WARNING  # the cell is marked
