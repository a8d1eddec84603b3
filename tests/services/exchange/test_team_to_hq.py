"""Team → HQ packages and the merge at HQ, on a split project (HQ's database and each team's
laptop from the demo's split), with HQ on SQLite and on the suite's PostgreSQL server.

Merged, HQ holds what the laptops hold; the same package again changes nothing; a damaged,
foreign, replayed, rewritten or other project's package is refused with nothing changed; an
edit on both sides waits as a conflict; the same ID number in two teams is reported; an
incremental package holds only the households changed since HQ's acknowledgement.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from relocation_desk.services.exchange.container import (
    PackageRefused,
    read_package,
    write_package,
)
from relocation_desk.services.exchange.demo_split import split_demo
from relocation_desk.services.exchange.hq_export import export_for_team
from relocation_desk.services.exchange.hq_import import import_package
from relocation_desk.services.exchange.identity import trusted_keys
from relocation_desk.services.exchange.keys import generate_key
from relocation_desk.services.exchange.team_export import export_package
from relocation_desk.services.exchange.team_import import import_from_hq
from relocation_desk.services.households.service import HouseholdService
from relocation_desk.services.integrity import check_database
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database
from tests.operators import operator_with_role

from .split import copy_split, copy_to_server, tables_digest, team_operator, totals

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def split_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("split")
    split_demo(
        folder / "hq.sqlite", folder / "laptops", households=120, seed=5, today=date(2026, 11, 23)
    )
    return folder


@dataclasses.dataclass
class Project:
    hq: Database
    laptops: dict[str, Database]
    folder: Path

    def export(self, team: str, name: str, **kw: object) -> Path:
        out = self.folder / name
        db = self.laptops[team]
        export_package(db, team_operator(db), out, **kw)  # type: ignore[arg-type]
        return out

    def merge(self, path: Path) -> dict:
        return import_package(self.hq, operator_with_role(self.hq, "hq"), path).to_json()


@pytest.fixture(params=BACKENDS)
def project(
    request: pytest.FixtureRequest, split_source: Path, tmp_path: Path
) -> Iterator[Project]:
    hq_file, laptop_files = copy_split(split_source, tmp_path / "split")
    if request.param == "sqlite":
        hq = open_database(hq_file)
    else:
        hq = copy_to_server(hq_file, request.getfixturevalue("pg_url"))
    laptops = {code: open_database(path) for code, path in laptop_files.items()}
    yield Project(hq, laptops, tmp_path)
    hq.close()
    for db in laptops.values():
        db.close()


@pytest.fixture
def sqlite_project(split_source: Path, tmp_path: Path) -> Iterator[Project]:
    hq_file, laptop_files = copy_split(split_source, tmp_path / "split")
    hq = open_database(hq_file)
    laptops = {code: open_database(path) for code, path in laptop_files.items()}
    yield Project(hq, laptops, tmp_path)
    hq.close()
    for db in laptops.values():
        db.close()


def _bundles(path: Path, laptop: Database) -> list[dict]:
    with laptop.session() as s:
        keys = trusted_keys(s)
        me = s.get(m.ExchangeIdentity, 1)
        assert me is not None
        keys[me.key_id] = bytes(me.public_key)
    package = read_package(path, keys)
    lines = package.read("households.jsonl").splitlines()
    return [json.loads(line) for line in lines if line]


def test_merged_hq_holds_what_the_laptops_hold_and_reimport_changes_nothing(
    project: Project,
) -> None:
    packages = {code: project.export(code, f"{code}-1.rdpkg") for code in project.laptops}
    for code, path in packages.items():
        report = project.merge(path)
        assert report["team"] == code
        assert report["counts"]["conflicts"] == 0
        assert report["counts"]["inserted"] == totals(project.laptops[code])["households"]
    merged = totals(project.hq)
    for code, laptop in project.laptops.items():
        assert totals(project.hq, code) == totals(laptop)
    assert merged["households"] == 120
    assert merged["payments_fen"] == sum(
        totals(db)["payments_fen"] for db in project.laptops.values()
    )

    # Sealed agreements, payments and decisions, posted notices and the register's columns
    # arrive as they were: the full check passes at HQ.
    check = check_database(project.hq, files=False)
    assert check.ok, [p.problems for p in check.parts if not p.ok]

    before = tables_digest(project.hq)
    for path in packages.values():
        again = project.merge(path)
        assert again["already_imported"] is True
        assert again["counts"]["inserted"] == again["counts"]["updated"] == 0
    assert tables_digest(project.hq) == before


def test_a_package_sent_again_with_more_merges_only_what_changed(sqlite_project: Project) -> None:
    p = sqlite_project
    first = p.export("T01", "a.rdpkg")
    p.merge(first)
    laptop = p.laptops["T01"]
    op = team_operator(laptop)
    with laptop.session() as s:
        hid = s.scalars(select(m.Household.id).order_by(m.Household.code)).first()
    service = HouseholdService(laptop, op)
    form = service.load(hid)
    form.remarks = "户主要求周末入户"
    service.save(form, confirmed=True)
    # No acknowledgement from HQ yet: the laptop sends everything again, HQ merges one change.
    report = p.merge(p.export("T01", "b.rdpkg"))
    assert report["counts"]["updated"] == 1
    assert report["counts"]["inserted"] == 0
    assert report["counts"]["unchanged"] == totals(laptop)["households"] - 1
    with p.hq.session() as s:
        assert (
            s.scalar(select(m.Household.remarks).where(m.Household.id == hid)) == "户主要求周末入户"
        )


def _refused(p: Project, path: Path, words: str) -> None:
    before = tables_digest(p.hq)
    with pytest.raises(PackageRefused) as caught:
        p.merge(path)
    assert words in caught.value.message
    assert "未导入任何内容" in caught.value.message
    assert tables_digest(p.hq) == before


def test_refused_whole_and_nothing_changed(project: Project) -> None:
    p = project
    first = p.export("T02", "1.rdpkg")
    second = p.export("T02", "2.rdpkg")
    p.merge(first)
    p.merge(second)

    flipped = p.folder / "flipped.rdpkg"
    data = bytearray(second.read_bytes())
    data[len(data) // 3] ^= 0x01
    flipped.write_bytes(bytes(data))
    _refused(p, flipped, "已损坏或被改动")

    _refused(p, first, "比已导入的第 2 号旧")

    laptop = p.laptops["T02"]
    with laptop.session() as s:
        me = s.get(m.ExchangeIdentity, 1)
        assert me is not None
        project_id, signing = me.project_id, me.private_key
    package = read_package(second, {**_keys(laptop)})
    entries = [(n, package.read(n)) for n in package.manifest.entry_names()]

    def resigned(name: str, key: object, **changes: object) -> Path:
        manifest = dataclasses.replace(package.manifest, **changes)  # type: ignore[arg-type]
        out = p.folder / name
        write_package(out, manifest, entries, key)  # type: ignore[arg-type]
        return out

    from relocation_desk.services.exchange.keys import private_key_from_bytes

    own_key = private_key_from_bytes(bytes(signing))
    # Signed by a key HQ never registered.
    with pytest.raises(PackageRefused) as caught:
        p.merge(resigned("foreign.rdpkg", generate_key(), sequence=3))
    assert "未登记的密钥" in caught.value.message
    # Signed with the team's own key, for another project.
    other = resigned("other.rdpkg", own_key, sequence=3, project_id="f" * 32)
    _refused(p, other, "另一个征收项目")
    # Same number as the last one imported, other contents.
    forked = resigned("forked.rdpkg", own_key, created_at=datetime.now(UTC).isoformat())
    _refused(p, forked, "编号相同但内容不同")
    assert project_id is not None


def _keys(db: Database) -> dict[str, bytes]:
    with db.session() as s:
        me = s.get(m.ExchangeIdentity, 1)
        assert me is not None
        return {me.key_id: bytes(me.public_key)}


def test_a_rewritten_audit_history_is_refused(sqlite_project: Project) -> None:
    p = sqlite_project
    p.merge(p.export("T03", "1.rdpkg"))
    laptop = p.laptops["T03"]
    # Someone edits an old audit row on the laptop and recomputes the whole chain, so the
    # laptop's own check passes and the package is signed with the right key.
    from relocation_desk.services.audit import chain_unchained

    with laptop.engine.begin() as conn:
        conn.execute(update(m.AuditLog).where(m.AuditLog.seq == 3).values(note="改过的记录"))
        conn.execute(update(m.AuditLog).values(seq=None, prev_hash="", row_hash=""))
        conn.execute(m.AuditChainHead.__table__.delete())
        chain_unchained(conn)
    _refused(p, p.export("T03", "2.rdpkg"), "接不上")


def test_edits_on_both_sides_become_a_conflict_not_a_lost_update(project: Project) -> None:
    p = project
    p.merge(p.export("T01", "1.rdpkg"))
    laptop, hq = p.laptops["T01"], p.hq
    with laptop.session() as s:
        hid = s.scalars(select(m.Household.id).order_by(m.Household.code)).first()
    team_side = HouseholdService(laptop, team_operator(laptop))
    form = team_side.load(hid)
    form.address = "工作组改的地址"
    team_side.save(form, confirmed=True)
    hq_side = HouseholdService(hq, operator_with_role(hq, "hq"))
    form = hq_side.load(hid)
    form.address = "指挥部改的地址"
    hq_side.save(form, confirmed=True)

    report = p.merge(p.export("T01", "2.rdpkg"))
    assert report["counts"]["conflicts"] == 1
    assert report["conflicts"][0]["kind"] == "both_changed"
    with hq.session() as s:
        assert (
            s.scalar(select(m.Household.address).where(m.Household.id == hid)) == "指挥部改的地址"
        )
        conflict = s.scalars(select(m.ExchangeConflict)).one()
        assert conflict.household_id == hid and conflict.status == "open"
        assert conflict.details["bundle"]["household"]["address"] == "工作组改的地址"
    # The same package again: no second conflict.
    again = p.merge(p.export("T01", "3.rdpkg"))
    assert again["counts"]["conflicts"] == 1
    with hq.session() as s:
        assert len(s.scalars(select(m.ExchangeConflict)).all()) == 1


def test_the_same_id_number_in_two_teams_is_reported(project: Project) -> None:
    p = project
    p.merge(p.export("T01", "t01.rdpkg"))
    with p.laptops["T01"].session() as s:
        taken = s.scalars(
            select(m.Person.id_number)
            .where(m.Person.id_number.is_not(None))
            .order_by(m.Person.name)
        ).first()
    assert taken
    laptop = p.laptops["T02"]
    with laptop.session() as s:
        hid = s.scalars(select(m.Household.id).order_by(m.Household.code)).first()
    service = HouseholdService(laptop, team_operator(laptop))
    form = service.load(hid)
    form.persons[-1].id_number = taken
    service.save(form, confirmed=True)
    report = p.merge(p.export("T02", "t02.rdpkg"))
    duplicates = [c for c in report["conflicts"] if c["kind"] == "duplicate_id"]
    assert len(duplicates) == 1
    assert duplicates[0]["other_team"]
    assert duplicates[0]["id_number"].startswith(taken[:6]) and "*" in duplicates[0]["id_number"]
    with p.hq.session() as s:
        kinds = s.scalars(select(m.ExchangeConflict.kind)).all()
    assert kinds == ["duplicate_id"]


def test_after_hqs_acknowledgement_only_changed_households_travel(sqlite_project: Project) -> None:
    p = sqlite_project
    laptop = p.laptops["T01"]
    full = p.export("T01", "1.rdpkg")
    assert len(_bundles(full, laptop)) == totals(laptop)["households"]
    p.merge(full)
    back = p.folder / "hq-1.rdpkg"
    export_for_team(p.hq, operator_with_role(p.hq, "hq"), "T01", back)
    import_from_hq(laptop, team_operator(laptop), back)

    quiet = p.export("T01", "2.rdpkg")
    assert _bundles(quiet, laptop) == []
    with laptop.session() as s:
        codes = s.scalars(select(m.Household.id).order_by(m.Household.code)).all()[:2]
    service = HouseholdService(laptop, team_operator(laptop))
    for hid in codes:
        form = service.load(hid)
        form.remarks = "补充了入户调查"
        service.save(form, confirmed=True)
    changed = p.export("T01", "3.rdpkg")
    assert {b["household"]["id"] for b in _bundles(changed, laptop)} == {h.hex for h in codes}
    report = p.merge(changed)
    assert report["counts"]["updated"] == 2 and report["counts"]["unchanged"] == 0
    assert totals(p.hq, "T01") == totals(laptop)


def test_sqlites_stored_forms_read_as_the_typed_values_would_be(sqlite_project: Project) -> None:
    """A laptop reads its bundles straight from SQLite's stored forms; PostgreSQL's typed
    values must give the very same bundles, or HQ would see changes nobody made."""
    from relocation_desk.services.exchange import bundle

    laptop = sqlite_project.laptops["T02"]
    with laptop.session() as s:
        ids = s.scalars(select(m.Household.id).order_by(m.Household.code)).all()
        stored = bundle.household_bundles(s, ids)
        typed: dict = {}
        for owner, row in bundle._typed_rows(s, "household", ids):
            typed[owner] = {"household": row}
        for name in bundle.BUNDLE_TABLES:
            for owner, row in bundle._typed_rows(s, name, ids):
                typed[owner].setdefault(name, []).append(row)
    assert len(stored) == len(ids)
    for hid in ids:
        expected = typed[hid.hex]
        for name in bundle.BUNDLE_TABLES:
            if name in expected:
                expected[name].sort(key=lambda r: r["id"])
        assert stored[hid] == expected
        assert bundle.bundle_hash(stored[hid]) == bundle.bundle_hash(expected)


def test_photos_travel_with_their_household(project: Project) -> None:
    from relocation_desk.services.households.files import files_folder, stored_path

    laptop = project.laptops["T03"]
    with laptop.session() as s:
        hid = s.scalars(select(m.Household.id).order_by(m.Household.code)).first()
    photo = project.folder / "门前.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40)
    row = HouseholdService(laptop, team_operator(laptop)).add_file(hid, photo)
    report = project.merge(project.export("T03", "photo.rdpkg"))
    assert report["counts"]["files"] == 1
    copy = stored_path(files_folder(project.hq), row.sha256, row.original_name)
    assert copy.read_bytes() == photo.read_bytes()
    with project.hq.session() as s:
        assert s.scalar(select(m.StoredFile.household_id).where(m.StoredFile.id == row.id)) == hid
