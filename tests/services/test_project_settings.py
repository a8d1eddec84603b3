"""Project settings (services/project_settings): every field checked with a Chinese message,
one transaction and one audit row per save, permission, defaults, and the settings reaching
the use cases that read them (clock, automatic backups)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from relocation_desk.services import clock
from relocation_desk.services.backups import AutoBackups, backup_folder
from relocation_desk.services.errors import PermissionDenied
from relocation_desk.services.households.service import OperatorRef
from relocation_desk.services.progress.facts import read_settings
from relocation_desk.services.project_settings import ProjectSettings, SettingInvalid
from relocation_desk.storage import models as m
from relocation_desk.storage.backup import last_backup_time
from relocation_desk.storage.db import Database
from relocation_desk.storage.errors import StorageError

from .payment_org import make_payment_org


@pytest.fixture
def org(sqlite_db: Database):  # type: ignore[no-untyped-def]
    return make_payment_org(sqlite_db)


def _stored(db: Database, key: str) -> object:
    with db.session() as s:
        return s.scalar(select(m.Setting.value).where(m.Setting.key == key))


def org_project(db: Database) -> object:
    with db.session() as s:
        return s.scalar(select(m.Project.id))


def _audit_rows(db: Database) -> list[tuple[str, object, object]]:
    with db.session() as s:
        return [
            (r.entity_id, r.before, r.after)
            for r in s.scalars(select(m.AuditLog).where(m.AuditLog.entity == "setting"))
        ]


def test_entries_show_stored_values_and_defaults(sqlite_db: Database, org) -> None:  # type: ignore[no-untyped-def]
    entries = {e.key: e for e in ProjectSettings(sqlite_db, org.hq).entries()}
    assert entries["sign_deadline"].text == "2026-03-31"  # stored by the org
    assert entries["report_cutoff"].text == "" and entries["report_cutoff"].default == "18:00"
    assert entries["report_cutoff"].effective == "18:00"
    assert entries["time_zone"].default == "Asia/Shanghai"
    assert entries["agreement_values.payment_days"].default == "15"
    # One target per work team, after the project's.
    team_keys = [k for k in entries if k.startswith("sign_targets.")]
    assert team_keys[0] == "sign_targets.project" and len(team_keys) == 2
    assert entries[team_keys[1]].label.endswith("签约目标（户）")
    assert all(e.label and e.group for e in entries.values())


def test_save_is_one_audited_change(sqlite_db: Database, org) -> None:  # type: ignore[no-untyped-def]
    svc = ProjectSettings(sqlite_db, org.hq)
    team_key = next(k for k in svc.setting_keys() if k.startswith("sign_targets.T"))
    changed = svc.save({
        "report_cutoff": "17：30",  # a full-width colon is accepted and normalised
        "agreement_values.authority": "清源县房屋征收指挥部",
        "agreement_values.payment_days": "20",
        team_key: "1,200",
        "sign_deadline": "2026/4/30".replace("/4/", "/04/"),
        "time_zone": "Asia/Urumqi",
    })  # fmt: skip
    assert set(changed) == {
        "report_cutoff", "agreement_values.authority", "agreement_values.payment_days",
        team_key, "sign_deadline", "time_zone",
    }  # fmt: skip
    assert _stored(sqlite_db, "report_cutoff") == "17:30"
    assert _stored(sqlite_db, "agreement_values") == {
        "authority": "清源县房屋征收指挥部",
        "payment_days": 20,
    }
    assert _stored(sqlite_db, "sign_targets") == {team_key.split(".", 1)[1]: 1200}
    assert _stored(sqlite_db, "sign_deadline") == "2026-04-30"
    [(entity_id, before, after)] = _audit_rows(sqlite_db)
    assert entity_id == str(org_project(sqlite_db))
    assert set(after) == {
        "agreement_values", "report_cutoff", "sign_deadline", "sign_targets", "time_zone",
    }  # fmt: skip
    assert before["sign_deadline"] == "2026-03-31" and after["sign_deadline"] == "2026-04-30"
    assert before["report_cutoff"] is None and after["time_zone"] == "Asia/Urumqi"
    # The readers see it: the report's cut-off, deadline and targets, and the clock.
    with sqlite_db.session() as s:
        rs = read_settings(s, s.scalar(select(m.Project.id)))
    assert rs.cutoff.hour == 17 and rs.cutoff.minute == 30
    assert rs.sign_deadline == date(2026, 4, 30)
    assert rs.targets == {team_key.split(".", 1)[1]: 1200}
    assert str(clock.project_zone(sqlite_db)) == "Asia/Urumqi"
    # Saving the same again changes nothing and writes no audit row.
    assert svc.save({"report_cutoff": "17:30"}) == []
    assert len(_audit_rows(sqlite_db)) == 1
    # An empty text restores the default; other values in the same object stay.
    assert svc.set("agreement_values.payment_days", "")
    assert _stored(sqlite_db, "agreement_values") == {"authority": "清源县房屋征收指挥部"}
    assert svc.set(team_key, "")
    assert _stored(sqlite_db, "sign_targets") is None  # the empty object is removed


@pytest.mark.parametrize(
    ("key", "text", "needle"),
    [
        ("report_cutoff", "25:00", "时:分"),
        ("report_cutoff", "下午五点", "例如 17:30"),
        ("sign_deadline", "2026-02-30", "年-月-日"),
        ("sign_deadline", "1999-12-31", "2000 年到 2099 年"),
        ("time_zone", "Beijing", "不是已知的时区名称"),
        ("idle_lock_minutes", "-5", "0 到 1440"),
        ("idle_lock_minutes", "5000", "0 到 1440"),
        ("agreement_values.payment_days", "0", "1 到 365"),
        ("agreement_number_format", "征补协第号", "{seq}"),
        ("agreement_number_format", "征补协〔{yr}〕{seq}", "写法有误"),
        ("agreement_number_format", "征补协{seq", "写法有误"),
        ("agreement_values.authority", "甲" * 101, "最多 100 个字"),
        ("agreement_values.transition_mode", "自行\n过渡", "换行"),
        ("backup_folder", "relative/folder", "完整路径"),
        ("notice_period_days", "1" * 30, "1 到 90"),
    ],
)
def test_bad_values_are_refused_saying_why(sqlite_db: Database, org, key, text, needle) -> None:  # type: ignore[no-untyped-def]
    svc = ProjectSettings(sqlite_db, org.hq)
    with pytest.raises(
        SettingInvalid, match=needle.replace("{", r"\{").replace("}", r"\}")
    ) as info:
        svc.save({"report_cutoff": "17:00", key: text})
    assert info.value.key == key
    assert svc.problem(key, text) == info.value.message
    # Nothing of the save was written, not even the valid field.
    assert _stored(sqlite_db, "report_cutoff") is None
    assert _audit_rows(sqlite_db) == []


def test_folder_must_exist_and_unknown_keys_are_named(
    sqlite_db: Database, org, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    svc = ProjectSettings(sqlite_db, org.hq)
    with pytest.raises(SettingInvalid, match="不存在或不是文件夹"):
        svc.set("backup_folder", str(tmp_path / "missing"))
    with pytest.raises(SettingInvalid, match="不能写入"):
        svc.set("backup_folder", "/sys")
    with pytest.raises(SettingInvalid, match="report_cutoff") as info:
        svc.set("report_cut_off", "17:00")
    assert info.value.key == "report_cut_off"
    assert svc.problem("report_cutoff", "17:00") is None


def test_only_hq_and_administrators_change_settings(sqlite_db: Database, org) -> None:  # type: ignore[no-untyped-def]
    leader = OperatorRef(org.clerk.id, "leader", "组长", "leader", org.clerk.team_id)
    for who in (org.clerk, leader, None):
        svc = ProjectSettings(sqlite_db, who)
        assert not svc.may_change
        with pytest.raises(PermissionDenied, match="修改项目设置"):
            svc.set("report_cutoff", "17:00")
        assert svc.entries()  # reading is for everyone
    admin = OperatorRef(org.hq.id, "admin", "管理员", "admin", None)
    assert ProjectSettings(sqlite_db, admin).set("report_cutoff", "17:00")


def test_automatic_backups_go_to_the_backup_folder(
    sqlite_db: Database, org, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    stick = tmp_path / "stick"
    stick.mkdir()
    ProjectSettings(sqlite_db, org.hq).set("backup_folder", str(stick))
    assert backup_folder(sqlite_db) == stick
    made = AutoBackups(sqlite_db).backup_if_changed()
    assert made is not None and made.parent == stick
    assert last_backup_time(sqlite_db, stick) is not None
    # Taken out: said so, and nothing is written anywhere else.
    made.unlink()
    stick.rmdir()
    assert sqlite_db.path is not None
    before = sorted(sqlite_db.path.parent.rglob("*-auto.sqlite"))
    with sqlite_db.session() as s, s.begin():  # a change, so a backup is due
        s.add(m.Setting(project_id=s.scalar(select(m.Project.id)), key="x_note", value=1))
    with pytest.raises(StorageError, match="U 盘是否已拔出"):
        AutoBackups(sqlite_db).backup_if_changed()
    assert sorted(sqlite_db.path.parent.rglob("*-auto.sqlite")) == before


def test_zone_change_is_seen_at_once(
    sqlite_db: Database, org, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "system_now", lambda: datetime(2026, 3, 1, 20, 0, tzinfo=UTC))
    assert clock.project_today(sqlite_db) == date(2026, 3, 2)
    ProjectSettings(sqlite_db, org.hq).set("time_zone", "America/New_York")
    assert clock.project_today(sqlite_db) == date(2026, 3, 1)
    with sqlite_db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.AuditLog)) >= 1
