"""The audit chain and record seals: canonical texts and their SHA-256 hashes.

Audit row
    Every audit row has a sequence number ``seq`` (1, 2, 3 … with no gap), the hash of the row
    before it (``prev_hash``; the first row's is :data:`GENESIS`) and its own hash::

        row_hash = sha256_hex(prev_hash + "\\n" + canonical_row(...))

    :func:`canonical_row` is the JSON array (``ensure_ascii=False``, default separators) of
    ``[seq, id, at, operator_id, operator_login, action, entity, entity_id, household_id,
    before, after, note, seal]`` where ids are 32 lower-case hex digits (or null), ``at`` is the
    UTC time as ``YYYY-MM-DD HH:MM:SS.ffffff``, ``before``/``after`` are the JSON texts as
    stored (``null`` for none) and ``seal`` is the sealed record's hash or ``""``. These are
    exactly the forms SQLite stores, so a checker reads the raw column values and hashes them
    without converting anything; typed values (UUID, datetime, Python objects for JSON) give the
    same text through :func:`uuid_text`, :func:`time_text` and :func:`json_text`.

    Changing, removing or inserting a row breaks the chain from there on; rewriting the whole
    chain is caught by the chain head printed on every daily report (SECURITY.md).

Seal
    A sealed record (signed agreement, payment, milestone, compensation decision) has a
    ``seal``: ``sha256_hex`` of the JSON object of its sealed columns (:data:`SEALED_COLUMNS`,
    plus ``"kind"``) with sorted keys, compact separators and ``ensure_ascii=False``; values
    in the stored forms above (dates ``YYYY-MM-DD``), JSON columns as their stored JSON text. The audit
    row of its creation carries the same seal, so the seal is inside the chain. Published
    scheme versions, posted notice rounds and frozen daily reports are sealed by the content
    hashes they already had (``content_hash``, ``snapshot_hash``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

GENESIS = "0" * 64

# Sealed record kind (its table) -> the columns its seal covers, and the audit actions whose
# row carries its seal (the row written when the record is made or signed).
SEALED_COLUMNS: dict[str, tuple[str, ...]] = {
    "agreement": (
        "id", "project_id", "household_id", "kind", "parent_id", "seq_no", "number",
        "scheme_version_id", "calculation_id", "compensation_method", "total_fen", "content",
        "payment_deadline", "vacate_deadline", "signed_on", "witnessed_by",
        "signed_recorded_by",
    ),
    "payment": (
        "id", "agreement_id", "decision_id", "household_id", "kind", "amount_fen", "paid_on",
        "payee", "method", "voucher_no", "reverses_id", "note", "created_at", "created_by",
    ),
    "milestone": ("id", "household_id", "kind", "happened_on", "note", "created_at", "created_by"),
    "compensation_decision": (
        "id", "household_id", "number", "decided_on", "total_fen", "calculation_id", "content",
        "created_at", "created_by",
    ),
}  # fmt: skip
JSON_COLUMNS = frozenset({"content"})


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def uuid_text(value: Any) -> str | None:
    """An id as 32 lower-case hex digits (SQLite's stored form), or None."""
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return value.hex
    return str(value).replace("-", "").lower()


def time_text(value: Any) -> str:
    """A time as UTC ``YYYY-MM-DD HH:MM:SS.ffffff`` (SQLite's stored form)."""
    if isinstance(value, datetime):
        moment: datetime = value.astimezone(UTC) if value.tzinfo is not None else value
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    return str(value)


def json_text(value: Any) -> str:
    """A JSON value as the storage writes it (``ensure_ascii=False``); raw text stays as is."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def json_value_text(value: Any) -> str:
    """A Python JSON value (never raw text) as the storage writes it."""
    return json.dumps(value, ensure_ascii=False)


def canonical_row(
    seq: int,
    row_id: Any,
    at: Any,
    operator_id: Any,
    operator_login: str | None,
    action: str,
    entity: str,
    entity_id: str | None,
    household_id: Any,
    before: str,
    after: str,
    note: str | None,
    seal: str | None,
) -> str:
    """The hashed text of one audit row (``before``/``after`` already as JSON text)."""
    return json.dumps(
        [
            seq, uuid_text(row_id), time_text(at), uuid_text(operator_id), operator_login or "",
            action, entity, entity_id or "", uuid_text(household_id), before, after,
            note or "", seal or "",
        ],
        ensure_ascii=False,
    )  # fmt: skip


def row_hash(prev_hash: str, canonical: str) -> str:
    return sha256_hex(prev_hash + "\n" + canonical)


def seal_value(value: Any) -> Any:
    """One sealed column's value in its canonical JSON form."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return time_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def seal_hash(
    kind: str,
    values: Mapping[str, Any],
    *,
    raw: bool = False,
    columns: tuple[str, ...] | None = None,
) -> str:
    """The seal of a record of ``kind`` from its column values: typed, as read through the
    ORM or Core (JSON columns as Python values), or ``raw`` as SQLite stores them (32-hex ids,
    ISO dates, UTC time text, JSON columns as their stored text). ``columns``: the sealed
    columns as a migration of that time knew them (default: :data:`SEALED_COLUMNS`)."""
    data: dict[str, Any] = {"kind": kind}
    for column in columns if columns is not None else SEALED_COLUMNS[kind]:
        value = values[column]
        if column in JSON_COLUMNS:
            data[column] = value if raw else json_value_text(value)
        elif not raw:
            data[column] = seal_value(value)
        else:
            data[column] = value
    return sha256_hex(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def short_hash(h: str) -> str:
    """The head hash as printed on reports: its first 16 hex digits."""
    return h[:16]


def field_digests(change_mark: str, data: Mapping[str, Any]) -> dict[str, str]:
    """Per-field digests of a posted notice row (first 16 hex digits of the SHA-256 of each
    value's canonical JSON), stored beside the row when it is posted: when a round no longer
    matches its snapshot hash, the rows and fields whose values changed can be named. The
    round's snapshot hash, sealed into the audit chain, remains the proof; the digests only
    point at the place."""
    out = {"change_mark": _digest16(change_mark)}
    for key, value in data.items():
        out[f"data.{key}"] = _digest16(value)
    return out


def _digest16(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return sha256_hex(text)[:16]


def changed_fields(
    digests: Mapping[str, str] | None, change_mark: str, data: Mapping[str, Any]
) -> list[str]:
    """The fields of a posted notice row whose values no longer give their digests (field
    names without the ``data.`` prefix; ``change_mark`` for the mark; fields added or removed
    count as changed). Empty when the row has no digests."""
    if not digests:
        return []
    now = field_digests(change_mark, data)
    names = sorted(set(now) | set(digests))
    return [n.removeprefix("data.") for n in names if now.get(n) != digests.get(n)]
