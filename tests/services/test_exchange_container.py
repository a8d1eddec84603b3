"""The .rdpkg container: what it packs comes back whole, and anything else is refused."""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path

import pytest

from relocation_desk.services.exchange import container as c
from relocation_desk.services.exchange.container import (
    Manifest,
    PackageRefused,
    PasswordNeeded,
    is_encrypted,
    read_package,
    write_package,
)
from relocation_desk.services.exchange.keys import (
    generate_key,
    key_id,
    private_key_bytes,
    private_key_from_bytes,
    public_key_bytes,
)

KEY = generate_key()
TRUSTED = {key_id(KEY): public_key_bytes(KEY)}
PROJECT = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def _manifest(**kw: object) -> Manifest:
    fields: dict[str, object] = {
        "project_id": PROJECT,
        "kind": "team_to_hq",
        "sender": "T03",
        "sequence": 7,
        "created_at": "2026-12-07T18:00:00+08:00",
        "extra": {"audit": {"from": 101, "to": 250}, "note": "第七工作组 㑇 䶮 𠮷"},
    }
    fields.update(kw)
    return Manifest(**fields)  # type: ignore[arg-type]


def _write(tmp_path: Path, name: str = "p.rdpkg", **kw: object) -> tuple[Path, dict[str, bytes]]:
    entries = {
        "households.jsonl": "\n".join(
            f'{{"code":"T03-{i:04d}","name":"王㑇"}}' for i in range(500)
        ).encode(),
        "photos/ab/abcdef.jpg": os.urandom(3 * 1024 * 1024 + 17),  # more than one chunk
        "empty.txt": b"",
    }
    out = tmp_path / name
    items = [(n, io.BytesIO(v) if n.startswith("photos") else v) for n, v in entries.items()]
    write_package(out, _manifest(), items, KEY, **kw)  # type: ignore[arg-type]
    return out, entries


def test_round_trip(tmp_path: Path) -> None:
    path, entries = _write(tmp_path)
    package = read_package(path, TRUSTED)
    m = package.manifest
    assert (m.project_id, m.kind, m.sender, m.sequence) == (PROJECT, "team_to_hq", "T03", 7)
    assert m.extra["note"] == "第七工作组 㑇 䶮 𠮷" and m.key_id == key_id(KEY)
    assert m.entry_names() == list(entries)
    for name, content in entries.items():
        assert package.read(name) == content
    assert not list(tmp_path.glob("*.partial"))


def test_every_flipped_byte_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "small.rdpkg"
    write_package(out, _manifest(), [("a.json", b'{"x": 1}'), ("b.txt", "正文".encode())], KEY)
    data = out.read_bytes()
    bad = tmp_path / "bad.rdpkg"
    for i in range(len(data)):
        flipped = bytearray(data)
        flipped[i] ^= 0x01
        bad.write_bytes(bytes(flipped))
        with pytest.raises(PackageRefused):
            read_package(bad, TRUSTED)


def test_every_truncation_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "small.rdpkg"
    write_package(out, _manifest(), [("a.json", b'{"x": 1}')], KEY)
    data = out.read_bytes()
    bad = tmp_path / "cut.rdpkg"
    for n in range(len(data)):
        bad.write_bytes(data[:n])
        with pytest.raises(PackageRefused):
            read_package(bad, TRUSTED)


def test_an_unknown_key_is_refused(tmp_path: Path) -> None:
    path, _entries = _write(tmp_path)
    stranger = generate_key()
    with pytest.raises(PackageRefused) as info:
        read_package(path, {key_id(stranger): public_key_bytes(stranger)})
    assert "未登记的密钥" in info.value.message
    # A key registered under the right id but the wrong key: the signature does not hold.
    with pytest.raises(PackageRefused) as info:
        read_package(path, {key_id(KEY): public_key_bytes(stranger)})
    assert "签名不符" in info.value.message


def test_password_encryption(tmp_path: Path) -> None:
    path, entries = _write(tmp_path, password="村口老槐树2026")
    assert is_encrypted(path)
    assert b"households" not in path.read_bytes()  # names and content are sealed too
    with pytest.raises(PasswordNeeded) as info:
        read_package(path, TRUSTED)
    assert "已加密" in info.value.message
    with pytest.raises(PasswordNeeded) as info:
        read_package(path, TRUSTED, password="村口老槐树2025")
    assert "密码不对" in info.value.message
    package = read_package(path, TRUSTED, password="村口老槐树2026")
    assert package.read("households.jsonl") == entries["households.jsonl"]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x80
    path.write_bytes(bytes(data))
    with pytest.raises(PasswordNeeded):
        read_package(path, TRUSTED, password="村口老槐树2026")


def test_not_a_package(tmp_path: Path) -> None:
    for content in (b"", b"PK\x03\x04 a zip file", os.urandom(4096)):
        path = tmp_path / "x.rdpkg"
        path.write_bytes(content)
        with pytest.raises(PackageRefused) as info:
            read_package(path, TRUSTED)
        assert "x.rdpkg" in info.value.message
    with pytest.raises(PackageRefused) as info:
        read_package(Path("/dev/zero"), TRUSTED)
    assert "不是普通文件" in info.value.message
    with pytest.raises(PackageRefused) as info:
        read_package(tmp_path / "missing.rdpkg", TRUSTED)
    assert "找不到文件" in info.value.message


def _forge(path: Path, body: bytes, entries: bytes = b"") -> None:
    """A package whose manifest is ``body``, properly signed by the trusted key."""
    signature = KEY.sign(c.MAGIC + body)
    path.write_bytes(c.MAGIC + entries + body + signature + struct.pack(">Q", len(body)) + c.END)


def test_signed_but_malformed_manifests_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "forged.rdpkg"
    good = _manifest(key_id=key_id(KEY)).to_json()
    _forge(path, good)
    assert read_package(path, TRUSTED).manifest.sequence == 7
    kid = key_id(KEY)
    bodies = [
        b'{"key_id":"' + kid.encode() + b'","x":' + b"[" * 10_000 + b"]" * 10_000 + b"}",
        good.replace(b'"sequence":7', b'"sequence":' + b"9" * 5000),
        good.replace(b'"sequence":7', b'"sequence":0'),
        good.replace(b'"kind":"team_to_hq"', b'"kind":"anything"'),
        good.replace(
            b'"entries":[]',
            b'"entries":[{"name":"../../etc/passwd","offset":6,'
            b'"stored":0,"size":0,"sha256":"' + b"0" * 64 + b'"}]',
        ),
    ]
    for body in bodies:
        _forge(path, body)
        with pytest.raises(PackageRefused):
            read_package(path, TRUSTED)
    _forge(path, good.replace(b'"format":1', b'"format":2'))
    with pytest.raises(PackageRefused) as info:
        read_package(path, TRUSTED)
    assert "更新版本" in info.value.message


def test_a_listed_size_smaller_than_the_content_is_refused(tmp_path: Path) -> None:
    """A zip-bomb-like entry: it stops being read at its listed size."""
    import hashlib
    import json
    import zlib

    stored = zlib.compress(b"\0" * 10_000_000)
    entry = {"name": "big", "offset": 6, "stored": len(stored), "size": 10,
             "sha256": hashlib.sha256(b"\0" * 10).hexdigest()}  # fmt: skip
    manifest = json.loads(_manifest(key_id=key_id(KEY)).to_json())
    manifest["entries"] = [entry]
    body = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    path = tmp_path / "bomb.rdpkg"
    _forge(path, body, stored)
    with pytest.raises(PackageRefused):
        read_package(path, TRUSTED)


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    def entries():  # type: ignore[no-untyped-def]
        yield "a.txt", b"first"
        raise OSError(28, "No space left on device")

    out = tmp_path / "p.rdpkg"
    with pytest.raises(OSError):
        write_package(out, _manifest(), entries(), KEY)
    assert list(tmp_path.iterdir()) == []


def test_keys_round_trip() -> None:
    again = private_key_from_bytes(private_key_bytes(KEY))
    assert key_id(again) == key_id(KEY) and len(key_id(KEY)) == 32
