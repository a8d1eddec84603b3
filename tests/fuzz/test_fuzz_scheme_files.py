"""Fuzz scheme files: whatever the file holds, reading it gives a scheme or a user error."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from relocation_desk.paths import resource
from relocation_desk.services.schemes.files import SchemeFileError, read_scheme_file

from .corpus import fuzz_settings, hostile_text, timed

pytestmark = pytest.mark.fuzz


@cache
def _sample() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resource("schemes", "sample-scheme.json").read_text(encoding="utf-8")
    )
    return data


def _read(path: Path) -> None:
    try:
        read_scheme_file(path)
    except SchemeFileError as exc:
        assert exc.message.strip()


_json_values = st.one_of(
    hostile_text(),
    st.integers(min_value=-(10**45), max_value=10**45),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
)


_KEYS = ["code", "name", "unit", "rate_fen", "kind", "category", "params", "structure_type",
         "legality", "version_no", "effective_date", "items"]  # fmt: skip


@fuzz_settings(120)
@given(
    where=st.sampled_from(["item", "item_params", "params", "top"]),
    index=st.integers(min_value=0, max_value=39),
    key=st.one_of(st.sampled_from(_KEYS), st.text(max_size=8)),
    value=_json_values,
)
@example(where="item_params", index=0, key="structure_type", value=[])  # found by the long run
@example(where="item_params", index=0, key="legality", value={})
def test_a_sample_scheme_with_one_hostile_value(
    tmp_path_factory: pytest.TempPathFactory, where: str, index: int, key: str, value: Any
) -> None:
    data = copy.deepcopy(_sample())
    items = data["items"]
    target = {
        "item": items[index % len(items)],
        "item_params": items[index % len(items)].setdefault("params", {}),
        "params": data["params"],
        "top": data,
    }[where]
    target[key] = value
    path = tmp_path_factory.mktemp("scheme") / "s.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with timed("scheme.mutated", (where, index, key, value)):
        _read(path)


@fuzz_settings(60)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("scheme") / "s.json"
    path.write_bytes(raw)
    with timed("scheme.bytes", raw[:100]):
        _read(path)


def _many_overlapping_items(n: int) -> str:
    data = copy.deepcopy(_sample())
    first = data["items"][0]
    data["items"] = [{**first, "code": f"X{i}"} for i in range(n)]
    return json.dumps(data, ensure_ascii=False)


CORPUS: dict[str, bytes | str] = {
    "nested 10,000 deep": '{"items": ' + "[" * 10_000 + "]" * 10_000 + "}",
    "5,000-digit integer": '{"items": [], "x": ' + "9" * 5000 + "}",
    "1e400": '{"items": [], "x": 1e400}',
    "NaN": '{"items": [], "x": NaN}',
    "empty": "",
    "BOM only": "\ufeff",
    "UTF-16": '{"items": []}'.encode("utf-16"),
    "a list": "[]",
    "a string": '"scheme"',
    "truncated": json.dumps({"items": []})[:-1],
    "300-character name": json.dumps({**_sample(), "name": "方" * 300}, ensure_ascii=False),
    "500 overlapping items": _many_overlapping_items(500),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_files(tmp_path: Path, name: str) -> None:
    content = CORPUS[name]
    path = tmp_path / "s.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with timed("scheme.corpus", name):
        _read(path)


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/urandom", "/proc/version", "/tmp"])
def test_devices_and_folders_are_refused(path: str) -> None:
    with timed("scheme.devices", path), pytest.raises(SchemeFileError):
        read_scheme_file(Path(path))
