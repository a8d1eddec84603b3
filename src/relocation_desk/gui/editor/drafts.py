"""The household editor's autosaved draft (``services.drafts``): which key it lives under,
when it is written or dropped, and which draft to offer when an editor opens.

A stored household's draft is keyed by its id. A new household's key is ``new-<uuid>``, fresh
for every new form, so a draft left by a crash while registering a new household is found among
the leftover ``new-…`` drafts that no open editor is working on.
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING

from ...domain.household_form import HouseholdForm
from ...services.households.drafts import draft_key

if TYPE_CHECKING:
    from ...services.households.drafts import DraftStore

log = logging.getLogger(__name__)

_live: weakref.WeakSet[DraftKeeper] = weakref.WeakSet()


class DraftKeeper:
    """One editor's draft. ``written``: a draft of this editor is on disk now."""

    def __init__(self, store: DraftStore, form: HouseholdForm) -> None:
        self.store = store
        self.key = draft_key(form)  # taken once: the editor replaces its form objects
        self.written = False
        _live.add(self)

    def write(self, form: HouseholdForm, saved: HouseholdForm) -> bool:
        """Write ``form`` if it differs from the saved household (else drop the draft).
        True if a draft was written. Storage errors propagate."""
        if form == saved:
            if self.written:
                self.store.discard(self.key)
                self.written = False
            return False
        self.store.save(self.key, form)
        self.written = True
        return True

    def discard(self, *other_keys: str) -> None:
        """Drop the draft (and drafts under ``other_keys``); never fails the caller."""
        for key in {self.key, *other_keys}:
            try:
                self.store.discard(key)
            except OSError:
                log.exception("could not discard draft %s", key)
        self.written = False

    def release(self) -> None:
        """The editor closed: its key is free for a later editor to offer."""
        _live.discard(self)

    def find(self, saved: HouseholdForm) -> tuple[str, HouseholdForm] | None:
        """A draft worth offering for the household the editor opened, with its key.

        Not offered: a draft equal to the saved data (dropped), and a draft older than the
        saved data (someone saved since: restoring it could only end in ConcurrentEdit; it is
        left on disk)."""
        key = self.key
        draft = self.store.load(key)
        if draft is None and saved.id is None:
            key, draft = self._leftover_new()
        if draft is None:
            return None
        if draft == saved:
            self.store.discard(key)
            return None
        if draft.row_version != saved.row_version:
            log.warning("draft %s is older than the saved household; not offered", key)
            return None
        return key, draft

    def adopt(self, key: str) -> None:
        """Keep writing under the key of a restored draft."""
        self.key = key
        self.written = True

    def _leftover_new(self) -> tuple[str, HouseholdForm | None]:
        busy = {k.key for k in _live if k is not self}

        def newest_first(key: str) -> float:
            try:
                return -(self.store.folder / f"{key}.json").stat().st_mtime
            except OSError:
                return 0.0

        left = self.store.keys()
        keys = [k for k in left if k.startswith("new-") and k not in busy]
        for key in sorted(keys, key=newest_first):
            draft = self.store.load(key)
            if draft is not None and draft.id is None:
                return key, draft
        return self.key, None
