"""新建空项目: the new project's file, organisation, scheme and administrator, each audited;
bad details refused with nothing left behind; teams and villages read from an xlsx."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from relocation_desk.paths import resource
from relocation_desk.services.auth.service import AuthService
from relocation_desk.services.new_project.create import ProjectFileExists, create_project
from relocation_desk.services.new_project.layout_xlsx import read_layout
from relocation_desk.services.new_project.plan import (
    DEFAULT_GROUPS,
    DEFAULT_TEAM,
    DEFAULT_VILLAGE,
    NewProject,
    NewProjectRejected,
    TeamPlan,
    VillagePlan,
)
from relocation_desk.services.project_info import is_demo_project
from relocation_desk.services.schemes.files import SchemeFileError
from relocation_desk.storage import models as m
from relocation_desk.storage.db import open_database

PASSWORD = "kaishi2026"


def plan(**changes: object) -> NewProject:
    base: dict[str, object] = dict(
        name="城东片区征收项目", county="清源县",
        teams=(TeamPlan(*DEFAULT_TEAM), TeamPlan("T02", "第二工作组")),
        villages=(VillagePlan(DEFAULT_VILLAGE, DEFAULT_GROUPS),
                  VillagePlan("张庄村", ("一组",), "T02")),
        scheme_file=resource("schemes", "sample-scheme.json"),
        admin_password=PASSWORD, admin_password_again=PASSWORD,
    )  # fmt: skip
    base.update(changes)
    return NewProject(**base)  # type: ignore[arg-type]


def test_a_new_project_holds_what_was_typed_and_the_administrator_signs_in(
    tmp_path: Path,
) -> None:
    target = tmp_path / "项目" / "城东.sqlite"
    created = create_project(target, plan())
    assert created.path == target and target.is_file()
    assert sorted(p.name for p in target.parent.iterdir()) == ["城东.sqlite"]  # no .partial
    with open_database(target) as db:
        signed = AuthService(db).sign_in("admin", PASSWORD)
        assert signed.operator.role == "admin" and signed.operator == created.admin
        assert not is_demo_project(db)
        with db.session() as s:
            project = s.scalars(select(m.Project)).one()
            assert (project.name, project.county) == ("城东片区征收项目", "清源县")
            teams = {t.code: t for t in s.scalars(select(m.Team))}
            assert {c: t.name for c, t in teams.items()} == {
                "T01": "第一工作组",
                "T02": "第二工作组",
            }
            villages = {v.name: v for v in s.scalars(select(m.Village))}
            assert villages["张庄村"].team_id == teams["T02"].id
            assert villages[DEFAULT_VILLAGE].team_id == teams["T01"].id
            groups = {
                (v, g)
                for v, g in s.execute(
                    select(m.Village.name, m.VillageGroup.name).join(
                        m.VillageGroup, m.VillageGroup.village_id == m.Village.id
                    )
                )
            }
            assert groups == {
                (DEFAULT_VILLAGE, "第一组"),
                (DEFAULT_VILLAGE, "第二组"),
                ("张庄村", "一组"),
            }
            version = s.scalars(select(m.SchemeVersion)).one()
            assert version.status == "published" and version.id == created.scheme_version_id
            actions = [a for (a,) in s.execute(select(m.AuditLog.action).order_by(m.AuditLog.seq))]
            assert actions[0] == "create_project" and "create_admin" in actions
            assert "publish" in actions
            assert s.scalar(select(m.Household.id)) is None


def test_no_scheme_is_allowed(tmp_path: Path) -> None:
    created = create_project(tmp_path / "p.sqlite", plan(scheme_file=None))
    assert created.scheme_version_id is None


@pytest.mark.parametrize(
    ("changes", "page", "words"),
    [
        ({"name": "  "}, "project", "项目名称"),
        ({"teams": ()}, "teams", "至少要有一个工作组"),
        ({"teams": (TeamPlan("T01", "一组"), TeamPlan("T01", "二组"))}, "teams", "T01 重复"),
        ({"teams": (TeamPlan("T01", ""),)}, "teams", "是空的"),
        ({"villages": (VillagePlan(" ", ("一组",)),)}, "villages", "村名是空的"),
        ({"villages": (VillagePlan("袁岗村"), VillagePlan("袁岗村"))}, "villages", "出现了两次"),
        ({"villages": (VillagePlan("袁岗村", ("一组", "一组")),)}, "villages", "重名"),
        ({"villages": (VillagePlan("袁岗村", (), "T09"),)}, "villages", "T09"),
        ({"admin_password_again": "other-password"}, "admin", "不一致"),
        ({"admin_password": "short", "admin_password_again": "short"}, "admin", "至少"),
        ({"admin_login": ""}, "admin", "登录名"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_written(
    tmp_path: Path, changes: dict[str, object], page: str, words: str
) -> None:
    with pytest.raises(NewProjectRejected) as caught:
        create_project(tmp_path / "p.sqlite", plan(**changes))
    assert caught.value.page == page and words in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_bad_scheme_file_leaves_no_file_behind(tmp_path: Path) -> None:
    bad = tmp_path / "scheme.json"
    bad.write_text('{"name": "x"}', encoding="utf-8")
    with pytest.raises(SchemeFileError):
        create_project(tmp_path / "out" / "p.sqlite", plan(scheme_file=bad))
    assert list((tmp_path / "out").iterdir()) == []


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "p.sqlite"
    target.write_bytes(b"someone's data")
    with pytest.raises(ProjectFileExists):
        create_project(target, plan())
    assert target.read_bytes() == b"someone's data"


def test_the_sample_xlsx_reads(tmp_path: Path) -> None:
    teams, villages = read_layout(resource("new-project", "村组模板.xlsx"))
    assert [(t.code, t.name) for t in teams] == [("T01", "第一工作组"), ("T02", "第二工作组")]
    assert villages[0] == VillagePlan("袁岗村", ("一组", "二组", "三组"), "T01")
    created = create_project(tmp_path / "p.sqlite", plan(teams=teams, villages=villages))
    assert created.path.is_file()


def test_an_xlsx_with_a_title_row_numbers_and_no_team_column(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "工作组"
    ws.append(["清源县城东片区 工作组名单"])
    ws.append(["组号", "名称"])
    ws.append([1, "第一工作组"])
    villages = wb.create_sheet("村组")
    villages.append(["村", "村民小组"])
    villages.append(["袁岗村", "一组"])
    villages.append(["袁岗村", None])
    villages.append(["张庄村", None])
    villages.append([None, None])
    path = tmp_path / "村组.xlsx"
    wb.save(path)
    teams, read = read_layout(path)
    assert teams == (TeamPlan("1", "第一工作组"),)
    assert read == (VillagePlan("袁岗村", ("一组",), ""), VillagePlan("张庄村", (), ""))


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04 broken zip", "不是有效的 xlsx"),
        (b"", "不是有效的 xlsx"),
    ],
)
def test_unreadable_xlsx_files_are_told(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "村组.xlsx"
    path.write_bytes(content)
    with pytest.raises(NewProjectRejected) as caught:
        read_layout(path)
    assert words in caught.value.message and "村组.xlsx" in caught.value.message


def test_missing_sheets_and_headers_are_told(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "工作组"
    ws.append(["编号", "队名"])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    with pytest.raises(NewProjectRejected) as caught:
        read_layout(path)
    assert "找不到表头" in caught.value.message
    wb.create_sheet("其他")
    ws.append(["组号", "名称"])
    del wb["其他"]
    ws.delete_rows(1)
    wb.save(path)
    with pytest.raises(NewProjectRejected) as caught:
        read_layout(path)
    assert "村组" in caught.value.message
    with pytest.raises(NewProjectRejected) as caught:
        read_layout(tmp_path / "none.xlsx")
    assert "找不到文件" in caught.value.message
