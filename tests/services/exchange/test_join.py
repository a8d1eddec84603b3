"""Joining a project: HQ's join package and the laptop made from it, and the split demo's
laptops, which joined the same way."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import URL, func, select

from relocation_desk.cli.main import main
from relocation_desk.services.errors import PermissionDenied, UserError
from relocation_desk.services.exchange.container import PackageRefused, PasswordNeeded
from relocation_desk.services.exchange.hq_export import export_for_team
from relocation_desk.services.exchange.identity import hq_peer, peer_for_team
from relocation_desk.services.exchange.join import JoinRefused, join_project, write_join_package
from relocation_desk.services.exchange.keys import key_id, public_key_from_bytes
from relocation_desk.services.integrity import check_database
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

from .people import operator
from .split import copy_split, copy_to_server


def _hq(split_source: Path, tmp_path: Path) -> tuple[Database, dict[str, Path]]:
    hq, laptops = copy_split(split_source, tmp_path / "project")
    return open_database(hq), laptops


def _count(db: Database, model: object, *where: object) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def test_the_split_laptops_joined_and_hold_their_teams_work(split_source: Path) -> None:
    hq = open_database(split_source / "hq.sqlite")
    try:
        assert _count(hq, m.Household) == 0
        assert check_database(hq).ok
        with hq.session() as s:
            me = s.get(m.ExchangeIdentity, 1)
            assert me is not None and me.role == "hq"
            hq_public, id_key = bytes(me.public_key), bytes(me.id_hash_key)
            teams = dict(s.execute(select(m.Team.code, m.Team.id)).all())
            team_keys = {
                code: bytes(peer_for_team(s, tid).public_key) for code, tid in teams.items()
            }  # type: ignore[union-attr]
    finally:
        hq.close()
    laptops = sorted((split_source / "laptops").glob("*.sqlite"))
    assert [p.stem for p in laptops] == sorted(teams)
    for path in laptops:
        db = open_database(path)
        try:
            with db.session() as s:
                me = s.get(m.ExchangeIdentity, 1)
                assert me is not None and me.role == "team"
                assert me.team_id == teams[path.stem]
                assert bytes(me.public_key) == team_keys[path.stem]  # HQ registered its key
                assert bytes(me.id_hash_key) == id_key
                peer = hq_peer(s)
                assert peer is not None and bytes(peer.public_key) == hq_public
                foreign = set(s.scalars(select(m.Household.team_id)))
                assert foreign == {teams[path.stem]}
                others = set(s.scalars(select(m.ForeignIdHash.team_code)))
                assert others == set(teams) - {path.stem}
            report = check_database(db)
            assert report.ok, [(p.title, p.problems) for p in report.parts if not p.ok]
        finally:
            db.close()


def test_a_join_package_makes_a_laptop(split_source: Path, tmp_path: Path) -> None:
    hq, _laptops = _hq(split_source, tmp_path)
    out = tmp_path / "T02-join.rdpkg"
    try:
        with hq.session() as s:
            team = s.scalar(select(m.Team).where(m.Team.code == "T02"))
            assert team is not None
            old = peer_for_team(s, team.id)
            assert old is not None
        manifest = write_join_package(hq, operator(hq, "hq"), "T02", out)
        with hq.session() as s:
            new = peer_for_team(s, team.id)
            assert new is not None and new.key_id != old.key_id  # a new laptop, a new key
            assert s.get(m.ExchangePeer, old.id).revoked_at is not None  # type: ignore[union-attr]
            me = s.get(m.ExchangeIdentity, 1)
            assert me is not None
            expected_operators = s.scalar(
                select(func.count())
                .select_from(m.Operator)
                .where((m.Operator.team_id == team.id) | m.Operator.team_id.is_(None))
            )
            assert s.scalar(
                select(m.AuditLog).where(
                    m.AuditLog.action == "write_join_package", m.AuditLog.entity_id == str(team.id)
                )
            )
    finally:
        hq.close()
    result = join_project(out, tmp_path / "new-T02.sqlite")
    assert (result.team_code, result.team_name) == ("T02", team.name)
    assert result.hq_key_id == me.key_id == manifest.key_id
    assert result.operators == expected_operators
    laptop = open_database(tmp_path / "new-T02.sqlite")
    try:
        with laptop.session() as s:
            ident = s.get(m.ExchangeIdentity, 1)
            assert ident is not None and ident.role == "team" and ident.team_id == team.id
            assert ident.key_id == new.key_id
            assert key_id(public_key_from_bytes(bytes(ident.public_key))) == new.key_id
            assert s.scalar(select(func.count()).select_from(m.Operator)) == expected_operators
            assert (
                s.scalar(
                    select(func.count())
                    .select_from(m.SchemeVersion)
                    .where(m.SchemeVersion.status == "published")
                )
                == 1
            )
            assert s.scalar(select(func.count()).select_from(m.Village)) >= 1
            assert set(s.scalars(select(m.Village.team_id))) == {team.id}
            assert s.scalar(select(func.count()).select_from(m.Team)) >= 2
        assert check_database(laptop).ok
    finally:
        laptop.close()


def test_an_encrypted_join_package_needs_its_password(split_source: Path, tmp_path: Path) -> None:
    hq, _ = _hq(split_source, tmp_path)
    out = tmp_path / "join.rdpkg"
    try:
        write_join_package(hq, operator(hq, "admin"), "T01", out, password="渠道口令 9")
    finally:
        hq.close()
    target = tmp_path / "laptop.sqlite"
    with pytest.raises(PasswordNeeded, match="已加密"):
        join_project(out, target)
    with pytest.raises(PasswordNeeded, match="密码不对"):
        join_project(out, target, password="wrong")
    assert not target.exists()
    assert join_project(out, target, password="渠道口令 9").team_code == "T01"


def test_join_refuses_what_it_cannot_use(split_source: Path, tmp_path: Path) -> None:
    hq, laptops = _hq(split_source, tmp_path)
    join = tmp_path / "join.rdpkg"
    other = tmp_path / "hq-to-team.rdpkg"
    try:
        write_join_package(hq, operator(hq, "hq"), "T01", join)
        export_for_team(hq, operator(hq, "hq"), "T01", other)
    finally:
        hq.close()
    # A project file that already holds data is never overwritten.
    existing = laptops["T02"]
    before = existing.read_bytes()
    with pytest.raises(JoinRefused, match="已存在"):
        join_project(join, existing)
    assert existing.read_bytes() == before
    # Not a join package (HQ's later package is signed by a key the new laptop cannot know).
    target = tmp_path / "new.sqlite"
    with pytest.raises(PackageRefused):
        join_project(other, target)
    assert not target.exists()
    # A flipped byte anywhere.
    data = bytearray(join.read_bytes())
    data[len(data) // 3] ^= 0x01
    flipped = tmp_path / "flipped.rdpkg"
    flipped.write_bytes(bytes(data))
    with pytest.raises(PackageRefused, match=r"损坏|改动"):
        join_project(flipped, target)
    assert not target.exists()


def test_only_a_join_package_makes_a_laptop(split_source: Path, tmp_path: Path) -> None:
    """A package of another kind is refused even when it carries HQ's key as a join package
    does (signed by HQ, so whole and HQ's, but not meant to start a laptop)."""
    from datetime import UTC, datetime

    from relocation_desk.services.exchange.container import Manifest, write_package
    from relocation_desk.services.exchange.identity import signing_key

    hq, _laptops = _hq(split_source, tmp_path)
    try:
        with hq.session() as s:
            me = s.get(m.ExchangeIdentity, 1)
            assert me is not None
            manifest = Manifest(
                project_id=me.project_id.hex, kind="hq_to_team", sender="HQ", sequence=1,
                created_at=datetime.now(UTC).isoformat(),
                extra={"hq_public_key": bytes(me.public_key).hex()},
            )  # fmt: skip
            out = tmp_path / "hq-to-team.rdpkg"
            write_package(out, manifest, [("settings.json", b"{}\n")], signing_key(me))
    finally:
        hq.close()
    with pytest.raises(PackageRefused, match="不是加入包"):
        join_project(out, tmp_path / "new.sqlite")
    assert not (tmp_path / "new.sqlite").exists()


def test_only_hq_writes_join_packages(split_source: Path, tmp_path: Path) -> None:
    hq, laptops = _hq(split_source, tmp_path)
    try:
        for role, team in (("member", "T01"), ("leader", "T01"), ("auditor", None)):
            if _count(hq, m.Operator, m.Operator.role == role) == 0:
                continue
            with pytest.raises(PermissionDenied):
                write_join_package(hq, operator(hq, role, team), "T01", tmp_path / "x.rdpkg")
        with pytest.raises(UserError, match="T99"):
            write_join_package(hq, operator(hq, "hq"), "T99", tmp_path / "x.rdpkg")
    finally:
        hq.close()
    laptop = open_database(laptops["T01"])
    try:
        with pytest.raises(UserError, match="工作组的项目文件"):
            write_join_package(laptop, operator(laptop, "hq"), "T01", tmp_path / "x.rdpkg")
    finally:
        laptop.close()
    assert not (tmp_path / "x.rdpkg").exists()


def test_join_from_the_command_line(
    split_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    hq, _ = copy_split(split_source, tmp_path / "project")
    db = open_database(hq)
    login = operator(db, "hq").login
    db.close()
    monkeypatch.setenv("RD_PASSWORD", "demo")
    monkeypatch.setenv("JOIN_SECRET", "口令-123")
    out = tmp_path / "T03.rdpkg"
    code = main(["join-package", "--db", str(hq), "--team", "T03", "--out", str(out),
                 "--operator", login, "--password-env", "JOIN_SECRET"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "T03" in printed and "指挥部密钥编号" in printed
    monkeypatch.delenv("RD_PASSWORD")
    laptop = tmp_path / "T03.sqlite"
    code = main(
        ["join", "--package", str(out), "--db", str(laptop), "--password-env", "JOIN_SECRET"]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "已加入项目" in printed and "T03" in printed
    assert main(["join", "--package", str(out), "--db", str(laptop),
                 "--password-env", "JOIN_SECRET"]) == 1  # fmt: skip
    assert "已存在" in capsys.readouterr().err


@pytest.mark.postgres
def test_hq_on_postgresql_writes_a_join_package(
    split_source: Path, tmp_path: Path, pg_url: URL
) -> None:
    hq_file, _ = copy_split(split_source, tmp_path / "project")
    hq = copy_to_server(hq_file, pg_url)
    out = tmp_path / "join.rdpkg"
    try:
        write_join_package(hq, operator(hq, "hq"), "T01", out)
    finally:
        hq.close()
    result = join_project(out, tmp_path / "laptop.sqlite")
    assert result.team_code == "T01"
    laptop = open_database(tmp_path / "laptop.sqlite")
    try:
        assert check_database(laptop).ok
    finally:
        laptop.close()
    shutil.rmtree(tmp_path / "project")
