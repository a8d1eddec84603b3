"""Autosaved editor drafts: atomic round trip, damaged drafts moved aside, one folder per
database."""

from __future__ import annotations

import gc
import json
import uuid
from pathlib import Path

import pytest

from relocation_desk.domain.household_form import (
    AttachmentForm,
    HouseholdForm,
    PersonForm,
    StructureForm,
)
from relocation_desk.services.households.drafts import DraftStore, draft_key
from relocation_desk.storage.db import Database, open_database


def _form() -> HouseholdForm:
    return HouseholdForm(
        id=uuid.uuid4(),
        code="T07-0001",
        team_id=uuid.uuid4(),
        village_id=uuid.uuid4(),
        address="王庄村",
        persons=[
            PersonForm(id=uuid.uuid4(), name="𠮷祥", id_number="４１０１０２x", relation="户主"),
            PersonForm(name="王㑇", relation="配偶", is_dibao=True),
        ],
        structures=[StructureForm(legal_area="120.", floors="")],  # half-typed
        attachments=[AttachmentForm(item_code="A-WELL-HAND", quantity="2")],
        row_version=3,
    )


def test_round_trip_and_discard(db: Database) -> None:
    store = DraftStore(db)
    form = _form()
    key = draft_key(form)
    assert key == str(form.id)
    assert store.load(key) is None and store.keys() == []
    store.save(key, form)
    assert store.load(key) == form
    form.persons[1].name = "王㑇㑇"
    store.save(key, form)
    assert store.load(key) == form
    assert store.keys() == [key]
    assert [p.name for p in store.folder.iterdir()] == [f"{key}.json"]  # no temporary files
    store.discard(key)
    store.discard(key)
    assert store.load(key) is None and store.keys() == []


def test_new_household_keys(sqlite_db: Database) -> None:
    store = DraftStore(sqlite_db)
    form = HouseholdForm(code="T07-0002")
    key = draft_key(form)
    assert key.startswith("new-") and draft_key(form) == key
    assert draft_key(HouseholdForm()) != key
    store.save(key, form)
    restored = store.load(key)
    assert restored == form and restored is not form
    assert draft_key(restored) == key  # the restored editor keeps writing the same draft
    del form, restored
    gc.collect()


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        json.dumps({"format": 1, "form": {"persons": [{"name": 5}]}}).encode(),
        json.dumps({"format": 1, "form": {"id": "not-a-uuid"}}).encode(),
        json.dumps({"format": 1, "form": {"persons": "x"}}).encode(),
        json.dumps({"format": 99, "form": {}}).encode(),
    ],
)
def test_corrupt_draft_is_moved_aside(sqlite_db: Database, content: bytes) -> None:
    store = DraftStore(sqlite_db)
    key = str(uuid.uuid4())
    store.save(key, _form())
    path = store.folder / f"{key}.json"
    path.write_bytes(content)
    assert store.load(key) is None
    assert not path.exists() and store.keys() == []
    (aside,) = store.folder.glob(f"{key}.*.corrupt")
    assert aside.read_bytes() == content


def test_one_folder_per_database(sqlite_db: Database, tmp_path: Path) -> None:
    other_db = open_database(tmp_path / "other" / "project.sqlite", create=True)
    try:
        first, second = DraftStore(sqlite_db), DraftStore(other_db)
        assert first.folder != second.folder
        assert first.folder == DraftStore(sqlite_db).folder
        form = _form()
        first.save(draft_key(form), form)
        assert second.keys() == []
    finally:
        other_db.close()


def test_bad_keys_are_refused(sqlite_db: Database) -> None:
    store = DraftStore(sqlite_db)
    for key in ("", "../escape", "a/b", ".hidden", "x" * 200):
        with pytest.raises(ValueError):
            store.save(key, _form())
