"""Autosaved editor state, so a crash or a power cut loses at most the field being typed.

The household editor saves its :class:`HouseholdForm` here after each change (what the clerk
typed, not yet validated or saved to the database) and discards the draft once the household
is saved or the edit is abandoned. On the next start, :meth:`DraftStore.keys` lists what
was left behind, to offer it back.

Drafts are small JSON files in ``<user data>/drafts/<hash of the database location>/``, one
per editor: ``<household id>.json`` for a stored household, ``new-<uuid>.json`` for one not
saved yet (see :func:`draft_key`). Each is written to a temporary file, flushed to disk and
renamed over the old one, so a crash mid-write leaves the previous draft intact. A draft that
cannot be read back is renamed to ``….corrupt`` (kept for support) and treated as absent.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import uuid
import weakref
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...domain.household_form import HouseholdForm
from ...paths import user_data_dir
from ...storage.db import Database

__all__ = ["DraftStore", "draft_key"]

_FORMAT = 1
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")

# Keys of new (unsaved) households, per form object, so the same editor keeps one draft.
_NEW_KEYS: dict[int, str] = {}


def draft_key(form: HouseholdForm) -> str:
    """The draft file's key: ``str(form.id)`` for a stored household; for a new one,
    ``new-<uuid4>``, the same for as long as this form object lives (and for a form restored
    from that draft by :meth:`DraftStore.load`). An editor that replaces its form object
    should take the key once, when it opens, and keep it."""
    if form.id is not None:
        return str(form.id)
    key = _NEW_KEYS.get(id(form))
    if key is None:
        key = f"new-{uuid.uuid4()}"
        _remember(form, key)
    return key


def _remember(form: HouseholdForm, key: str) -> None:
    _NEW_KEYS[id(form)] = key
    weakref.finalize(form, _NEW_KEYS.pop, id(form), None)


class DraftStore:
    """The drafts of one project database on this computer."""

    def __init__(self, db: Database) -> None:
        if db.path is not None:
            location = str(db.path.resolve())
        else:
            location = db.url.render_as_string(hide_password=True)
        digest = hashlib.sha256(location.encode("utf-8")).hexdigest()[:16]
        self.folder = user_data_dir() / "drafts" / digest

    def save(self, key: str, form: HouseholdForm) -> None:
        """Write the draft atomically (temporary file, fsync, rename)."""
        path = self._path(key)
        payload = {
            "format": _FORMAT,
            "key": key,
            "saved_at": datetime.now(UTC).isoformat(),
            "form": form.to_dict(),
        }
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{key}.{os.getpid()}.tmp"
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise

    def load(self, key: str) -> HouseholdForm | None:
        """The draft, or None if there is none or it cannot be read (then it is moved aside)."""
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or data.get("format") != _FORMAT:
                raise ValueError("not a draft of this format")
            form = HouseholdForm.from_dict(data["form"])
            if not _well_formed(form):
                raise ValueError("a field has the wrong type")
        except (ValueError, KeyError, TypeError, AttributeError):
            self._move_aside(path)
            return None
        if form.id is None and key.startswith("new-"):
            _remember(form, key)
        return form

    def discard(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> list[str]:
        """Keys of the drafts left in the folder, sorted."""
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.json") if _KEY.fullmatch(p.stem))

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError(f"invalid draft key {key!r}")
        return self.folder / f"{key}.json"

    def _move_aside(self, path: Path) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        with contextlib.suppress(OSError):
            os.replace(path, path.with_name(f"{path.stem}.{stamp}.corrupt"))


def _well_formed(obj: Any) -> bool:
    """Every field holds the type its default has (a hand-edited or damaged draft may not)."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.default is not dataclasses.MISSING:
            default: Any = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = None
        if isinstance(default, list):
            ok = isinstance(value, list) and all(_well_formed(x) for x in value)
        elif default is None:
            ok = value is None or isinstance(value, uuid.UUID)
        elif isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, type(default))
        if not ok:
            return False
    return True
