"""The text a household is found by in the register's filter box.

One lower-case string per household holds its code, every member's name, pinyin initials and
full pinyin, ID number and phone, each field separated by ``SEP`` so that a query never matches
across two fields (``wxm`` must not match the end of one name and the start of the next).
The register keeps these strings in memory and filters with plain substring search, which
handles the 1–2 character queries that a trigram index cannot (see FINDINGS.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .names import search_keys

SEP = "\x1f"


@dataclass(frozen=True, slots=True)
class SearchPerson:
    name: str
    id_number: str | None = None
    phone: str = ""


def household_search_text(code: str, persons: Iterable[SearchPerson]) -> str:
    fields: list[str] = [code.lower()]
    for p in persons:
        if p.name:
            initials, full = search_keys(p.name)
            fields.extend((p.name.lower(), initials, full))
        if p.id_number:
            fields.append(p.id_number.lower())
        if p.phone:
            fields.append(p.phone.lower())
    return SEP.join(f for f in fields if f)


# Full-width ASCII (ＡＢＣ１２３－) as typed with a Chinese input method → ASCII.
_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}


def normalize_query(text: str) -> str:
    """What the user typed, as it is matched: no spaces, ASCII for full-width, lower-case."""
    return "".join(text.split()).translate(_FULL_WIDTH).lower()
