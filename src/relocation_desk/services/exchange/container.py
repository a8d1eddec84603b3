"""The ``.rdpkg`` file: a signed, optionally password-encrypted container of named entries.

Team laptops and HQ never share a network; what one hands the other travels as one file on a
USB stick or through a chat app. The container guarantees what the merge relies on: the file
is whole (every byte is covered by a hash under the signature), it comes from the key that
signed it, and its manifest (project, sender, sequence, what it holds) is what the sender
wrote. What the entries mean (households, audit rows, schemes …) is the exchange services'
business; this module only packs and unpacks them.

Layout of a signed package (all integers big-endian)::

    b"RDPKG\\x01"                      magic and format version
    entry 1, entry 2, …               each entry's bytes, zlib-compressed
    manifest                          canonical JSON, UTF-8 (see :class:`Manifest`)
    signature                         64 bytes: Ed25519 over magic + manifest
    manifest length                   8 bytes
    b"RDEND\\x01"

The manifest lists every entry with its offset, stored length, size and SHA-256, so the whole
file is checked before anything is used; the trailer lets a package be written in one pass.
With a password the signed package is wrapped: ``b"RDPKE\\x01"``, the scrypt salt and cost,
a nonce, and the package sealed with AES-256-GCM under a key derived from the password.

Reading bounds everything it is given (file size, manifest size, entry sizes and count, the
JSON's depth), since a package may come from anywhere.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import struct
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ...domain import bounded_json
from ...i18n import _
from ..errors import UserError
from .keys import key_id, public_key_from_bytes

__all__ = [
    "MAX_ENTRY_BYTES",
    "MAX_PACKAGE_BYTES",
    "Manifest",
    "Package",
    "PackageRefused",
    "PasswordNeeded",
    "is_encrypted",
    "peek_kind",
    "read_package",
    "write_package",
]

MAGIC = b"RDPKG\x01"
END = b"RDEND\x01"
ENCRYPTED_MAGIC = b"RDPKE\x01"
_TRAILER = 64 + 8 + len(END)
FORMAT = 1

MAX_PACKAGE_BYTES = 16 * 1024**3  # a team's photos for a season fit; /dev/zero does not
MAX_MANIFEST_BYTES = 64 * 1024**2
MAX_ENTRY_BYTES = 4 * 1024**3
MAX_ENCRYPTED_BYTES = 2 * 1024**3  # decrypted in memory; chat apps carry less anyway
MAX_ENTRIES = 1_000_000
MAX_JSON_DEPTH = 32
KINDS = ("team_to_hq", "hq_to_team", "join")
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]{0,199}$")

# scrypt for the password: ~0.1–0.3 s on a team laptop, 64 MiB of memory.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**16, 8, 1
_CHUNK = 1024 * 1024


class PackageRefused(UserError):
    """The file cannot be used as a package; nothing was changed. The message says why and
    what to do (ask the sender for a new package, check the password …)."""


class PasswordNeeded(PackageRefused):
    """The package is encrypted and no (or a wrong) password was given."""


@dataclass(frozen=True)
class Manifest:
    """What a package says about itself, under its signature.

    ``sequence`` counts the sender's packages (1, 2, …), so the receiver can refuse one older
    than the last it imported; ``extra`` carries what the exchange services need (the range of
    audit rows, the package acknowledged …), as plain JSON values.
    """

    project_id: str
    kind: str
    sender: str  # a team code, or "HQ"
    sequence: int
    created_at: str  # ISO 8601 with its offset
    key_id: str = ""
    entries: tuple[Mapping[str, Any], ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    format: int = FORMAT

    def to_json(self) -> bytes:
        data = {
            "format": self.format,
            "project_id": self.project_id,
            "kind": self.kind,
            "sender": self.sender,
            "sequence": self.sequence,
            "created_at": self.created_at,
            "key_id": self.key_id,
            "entries": [dict(e) for e in self.entries],
            "extra": dict(self.extra),
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    def entry_names(self) -> list[str]:
        return [str(e["name"]) for e in self.entries]


@dataclass(frozen=True)
class Package:
    """A package that passed every check: its manifest and a reader for its entries."""

    manifest: Manifest
    path: Path
    _data: bytes | None = field(default=None, repr=False)  # the decrypted package, if it was

    def read(self, name: str) -> bytes:
        """The content of entry ``name`` (checked again against its hash)."""
        entry = next((e for e in self.manifest.entries if e["name"] == name), None)
        if entry is None:
            raise KeyError(name)
        with self._open() as f:
            return b"".join(_entry_chunks(f, entry))

    def _open(self) -> BinaryIO:
        if self._data is not None:
            return io.BytesIO(self._data)
        return self.path.open("rb")


# --- writing ---------------------------------------------------------------------------------


def write_package(
    out: Path,
    manifest: Manifest,
    entries: Iterable[tuple[str, bytes | BinaryIO]],
    signing_key: Ed25519PrivateKey,
    *,
    password: str | None = None,
) -> Manifest:
    """Write the package to ``out`` (through a temporary file, so a failed write leaves no
    half package) and return the manifest as signed. ``manifest.entries`` and ``key_id`` are
    filled in here; an entry is bytes or a binary file read to its end."""
    if manifest.kind not in KINDS:
        raise ValueError(f"unknown package kind {manifest.kind!r}")
    partial = out.with_name(out.name + ".partial")
    try:
        with partial.open("wb") as f:
            f.write(MAGIC)
            listed = []
            seen: set[str] = set()
            for name, content in entries:
                if not _NAME.match(name) or name in seen:
                    raise ValueError(f"bad or repeated entry name {name!r}")
                seen.add(name)
                listed.append(_write_entry(f, name, content))
            public = signing_key.public_key()
            signed = Manifest(
                project_id=manifest.project_id,
                kind=manifest.kind,
                sender=manifest.sender,
                sequence=manifest.sequence,
                created_at=manifest.created_at,
                key_id=key_id(public),
                entries=tuple(listed),
                extra=manifest.extra,
            )
            body = signed.to_json()
            f.write(body)
            f.write(signing_key.sign(MAGIC + body))
            f.write(struct.pack(">Q", len(body)))
            f.write(END)
        if password is not None:
            _encrypt_file(partial, password)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return signed


def _write_entry(f: BinaryIO, name: str, content: bytes | BinaryIO) -> dict[str, Any]:
    offset = f.tell()
    digest = hashlib.sha256()
    packer = zlib.compressobj(6)
    size = 0
    source: BinaryIO = io.BytesIO(content) if isinstance(content, bytes) else content
    while chunk := source.read(_CHUNK):
        size += len(chunk)
        digest.update(chunk)
        f.write(packer.compress(chunk))
    f.write(packer.flush())
    return {
        "name": name,
        "offset": offset,
        "stored": f.tell() - offset,
        "size": size,
        "sha256": digest.hexdigest(),
    }


def _encrypt_file(path: Path, password: str) -> None:
    data = path.read_bytes()
    salt, nonce = os.urandom(16), os.urandom(12)
    key = _derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    header = ENCRYPTED_MAGIC + salt + struct.pack(">III", SCRYPT_N, SCRYPT_R, SCRYPT_P) + nonce
    path.write_bytes(header + AESGCM(key).encrypt(nonce, data, header))


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024**2, dklen=32
    )


# --- reading ---------------------------------------------------------------------------------


def is_encrypted(path: Path) -> bool:
    """Whether the file is a password-encrypted package (so the GUI can ask for it first)."""
    with _open_regular(path) as f:
        return f.read(len(ENCRYPTED_MAGIC)) == ENCRYPTED_MAGIC


def read_package(
    path: Path,
    trusted: Mapping[str, bytes],
    *,
    password: str | None = None,
    carried_key: str | None = None,
) -> Package:
    """Check the whole package and return it. ``trusted`` maps key ids to the raw Ed25519
    public keys the receiver has registered (HQ: each team laptop's; a laptop: HQ's).

    ``carried_key`` names a manifest ``extra`` field holding the signer's raw public key in
    hex, used when no trusted key matches and its id is the one that signed: a join package,
    whose HQ key the laptop trusts on first use (and shows for checking by phone).

    Raises :class:`PackageRefused` (or :class:`PasswordNeeded`) with one clear message; a
    refused package changes nothing."""
    with _open_regular(path) as f:
        head = f.read(len(MAGIC))
        if head == ENCRYPTED_MAGIC:
            data = _decrypt(f, path, password)
            stream: BinaryIO = io.BytesIO(data)
            size = len(data)
        elif head == MAGIC:
            data = None
            stream = f
            size = os.fstat(f.fileno()).st_size
        else:
            raise PackageRefused(
                _("{name} 不是本程序的数据包（.rdpkg）。请确认选择的文件", name=path.name)
            )
        manifest = _verified_manifest(stream, size, path, trusted, carried_key)
        for entry in manifest.entries:
            for _chunk in _entry_chunks(stream, entry):
                pass  # hashes and sizes are checked as the entry is read
    return Package(manifest=manifest, path=path, _data=data)


def peek_kind(path: Path) -> str | None:
    """The kind a package says it is (``join``, ``team_to_hq``, ``hq_to_team``), read WITHOUT
    checking it, only to decide where a double-clicked file goes; None when the file is
    encrypted, damaged or not a package. Importing checks everything again."""
    try:
        with _open_regular(path) as f:
            size = os.fstat(f.fileno()).st_size
            if f.read(len(MAGIC)) != MAGIC or size < len(MAGIC) + _TRAILER:
                return None
            f.seek(size - _TRAILER + 64)
            (length,) = struct.unpack(">Q", f.read(8))
            if f.read(len(END)) != END or length > min(MAX_MANIFEST_BYTES, size - _TRAILER):
                return None
            f.seek(size - _TRAILER - length)
            kind = _load_json(f.read(length), path).get("kind")
    except (PackageRefused, OSError, struct.error):
        return None
    return kind if kind in KINDS else None


def _open_regular(path: Path) -> BinaryIO:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise PackageRefused(_("找不到文件：{path}", path=path)) from None
    except OSError as exc:
        raise PackageRefused(
            _("无法读取 {path}：{reason}", path=path, reason=exc.strerror)
        ) from None
    import stat

    if not stat.S_ISREG(st.st_mode):
        raise PackageRefused(_("{path} 不是普通文件，不能作为数据包导入", path=path))
    if st.st_size > MAX_PACKAGE_BYTES:
        raise PackageRefused(
            _("{name} 太大（超过 {limit} GB），不是本程序生成的数据包", name=path.name,
              limit=MAX_PACKAGE_BYTES // 1024**3)
        )  # fmt: skip
    return path.open("rb")


def _decrypt(f: BinaryIO, path: Path, password: str | None) -> bytes:
    if os.fstat(f.fileno()).st_size > MAX_ENCRYPTED_BYTES:
        raise PackageRefused(
            _(
                "加密的数据包 {name} 超过 2 GB，不能导入：请让发送方不加密、用U盘传送",
                name=path.name,
            )
        )
    if password is None:
        raise PasswordNeeded(_("{name} 已加密：请输入发送方设置的密码", name=path.name))
    rest = f.read(16 + 12 + 12)
    if len(rest) < 40:
        raise PackageRefused(_("{name} 不完整：请向发送方重新索取数据包", name=path.name))
    salt, (n, r, p), nonce = rest[:16], struct.unpack(">III", rest[16:28]), rest[28:]
    if not (2**14 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 16 and 1 <= p <= 4):
        raise PackageRefused(_("{name} 的加密参数不对：文件已损坏", name=path.name))
    header = ENCRYPTED_MAGIC + rest
    key = _derive(password, salt, n, r, p)
    try:
        data = AESGCM(key).decrypt(nonce, f.read(), header)
    except InvalidTag:
        raise PasswordNeeded(
            _("无法解开 {name}：密码不对，或文件在传送中损坏。请核对密码后重试", name=path.name)
        ) from None
    if data[: len(MAGIC)] != MAGIC:
        raise PackageRefused(_("{name} 不是本程序的数据包（.rdpkg）", name=path.name))
    return data


def _damaged(path: Path, what: str) -> PackageRefused:
    return PackageRefused(
        _("数据包 {name} 已损坏或被改动（{what}），未导入任何内容。请向发送方重新索取", name=path.name,
          what=what)
    )  # fmt: skip


def _verified_manifest(
    f: BinaryIO,
    size: int,
    path: Path,
    trusted: Mapping[str, bytes],
    carried_key: str | None = None,
) -> Manifest:
    if size < len(MAGIC) + _TRAILER:
        raise _damaged(path, _("文件不完整"))
    f.seek(size - _TRAILER)
    trailer = f.read(_TRAILER)
    signature, (length,), end = trailer[:64], struct.unpack(">Q", trailer[64:72]), trailer[72:]
    if end != END:
        raise _damaged(path, _("文件不完整"))
    if length > MAX_MANIFEST_BYTES or length > size - len(MAGIC) - _TRAILER:
        raise _damaged(path, _("目录长度不对"))
    body_at = size - _TRAILER - length
    f.seek(body_at)
    body = f.read(length)
    data = _load_json(body, path)
    claimed = str(data.get("key_id", ""))
    public = trusted.get(claimed)
    if public is None and carried_key is not None:
        public = _carried(data, carried_key, claimed)
    if public is None:
        raise PackageRefused(
            _("数据包 {name} 由未登记的密钥签名（{key}），不能导入。请确认发送方已在指挥部登记",
              name=path.name, key=claimed[:16] or "?")
        )  # fmt: skip
    try:
        public_key_from_bytes(public).verify(signature, MAGIC + body)
    except InvalidSignature:
        raise _damaged(path, _("签名不符")) from None
    manifest = _manifest_from(data, path)
    # Entries must tile the file between the magic and the manifest, in order.
    at = len(MAGIC)
    for entry in manifest.entries:
        if entry["offset"] != at:
            raise _damaged(path, _("数据项位置不对"))
        at += entry["stored"]
    if at != body_at:
        raise _damaged(path, _("数据项位置不对"))
    return manifest


def _carried(data: Mapping[str, Any], name: str, claimed: str) -> bytes | None:
    """The public key the manifest carries in ``extra[name]``, if it is the signer's."""
    extra = data.get("extra")
    raw = extra.get(name) if isinstance(extra, dict) else None
    try:
        key = bytes.fromhex(raw) if isinstance(raw, str) and len(raw) == 64 else b""
        if key and key_id(public_key_from_bytes(key)) == claimed:
            return key
    except ValueError:
        pass
    return None


def _load_json(body: bytes, path: Path) -> dict[str, Any]:
    try:
        data = bounded_json.loads(body.decode("utf-8"), max_depth=MAX_JSON_DEPTH)
    except ValueError:  # bad UTF-8, bad JSON, or past the depth and number bounds
        raise _damaged(path, _("目录格式不对")) from None
    if not isinstance(data, dict):
        raise _damaged(path, _("目录格式不对"))
    return data


def _manifest_from(data: Mapping[str, Any], path: Path) -> Manifest:
    fmt = data.get("format")
    if not isinstance(fmt, int) or fmt > FORMAT:
        raise PackageRefused(
            _("数据包 {name} 由更新版本的程序生成，请先升级本程序再导入", name=path.name)
        )
    entries = data.get("entries")
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise _damaged(path, _("目录格式不对"))
    checked = []
    for e in entries:
        ok = (
            isinstance(e, dict)
            and isinstance(e.get("name"), str)
            and _NAME.match(e["name"])
            and all(isinstance(e.get(k), int) and e[k] >= 0 for k in ("offset", "stored", "size"))
            and e["size"] <= MAX_ENTRY_BYTES
            and isinstance(e.get("sha256"), str)
            and re.fullmatch(r"[0-9a-f]{64}", e["sha256"])
        )
        if not ok:
            raise _damaged(path, _("目录格式不对"))
        checked.append(e)
    if len({e["name"] for e in checked}) != len(checked):
        raise _damaged(path, _("目录格式不对"))
    fields = ("project_id", "kind", "sender", "created_at", "key_id")
    if not all(isinstance(data.get(k), str) for k in fields) or data["kind"] not in KINDS:
        raise _damaged(path, _("目录格式不对"))
    sequence, extra = data.get("sequence"), data.get("extra", {})
    if not isinstance(sequence, int) or not 1 <= sequence < 2**63 or not isinstance(extra, dict):
        raise _damaged(path, _("目录格式不对"))
    return Manifest(
        project_id=data["project_id"],
        kind=data["kind"],
        sender=data["sender"],
        sequence=sequence,
        created_at=data["created_at"],
        key_id=data["key_id"],
        entries=tuple(checked),
        extra=extra,
        format=fmt,
    )


def _entry_chunks(f: BinaryIO, entry: Mapping[str, Any]) -> Iterator[bytes]:
    """The entry's content in chunks, refusing it the moment it differs from the manifest."""
    f.seek(entry["offset"])
    left = entry["stored"]
    unpacker = zlib.decompressobj()
    digest = hashlib.sha256()
    size = 0
    name = str(entry["name"])
    try:
        while left > 0:
            stored = f.read(min(_CHUNK, left))
            if not stored:
                raise zlib.error("truncated")
            left -= len(stored)
            chunk = unpacker.decompress(stored, entry["size"] - size + 1)
            while True:
                size += len(chunk)
                if size > entry["size"]:
                    raise zlib.error("longer than listed")
                digest.update(chunk)
                if chunk:
                    yield chunk
                if not unpacker.unconsumed_tail:
                    break
                chunk = unpacker.decompress(unpacker.unconsumed_tail, entry["size"] - size + 1)
        tail = unpacker.flush()
        size += len(tail)
        digest.update(tail)
        if tail:
            yield tail
    except zlib.error:
        raise _damaged(Path(name), _("数据项 {entry} 无法解压", entry=name)) from None
    if size != entry["size"] or digest.hexdigest() != entry["sha256"] or not unpacker.eof:
        raise _damaged(Path(name), _("数据项 {entry} 校验不符", entry=name))
