"""The choosing-order draw (摇号) that anyone can re-run.

1. **The list is frozen first.** The households taking part, as their codes (``T07-0001``),
   sorted by code; the *list hash* is the SHA-256 (hex) of the UTF-8 text of the codes joined
   by ``"\\n"`` (no trailing newline). The hash is posted before the draw.
2. **The seed comes from a public source fixed in advance** (digits drawn in public on the day,
   or a named future lottery result): its text is normalised (NFKC, whitespace runs → one
   space, trimmed).
3. **The stream**: ``key = SHA-256(list_hash + "\\n" + seed)``; block *i* (from 0) is
   ``SHA-256(key ‖ i as 8 bytes big-endian)``; each block gives four 64-bit big-endian
   unsigned numbers, used in turn.
4. **A number below n** by rejection sampling: take the next 64-bit number *x*; if
   ``x ≥ 2⁶⁴ − (2⁶⁴ mod n)`` take another; the answer is ``x mod n`` (no modulo bias).
5. **Fisher–Yates**: start from the sorted list; for *i* from n−1 down to 1, swap position
   *i* with position ``below(i + 1)``. Position 1 of the result chooses first.

A draw is a permutation, so there are no ties. Orders by signing or vacating time break ties
by :data:`TIE_RULE`. Nothing here uses ``random``: the same list and seed give the same order
on any machine and Python version.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

ALGORITHM = "RD-DRAW-1：SHA-256(名单哈希 换行 种子) 生成数据流，拒绝采样取数，Fisher–Yates 洗牌"
TIE_RULE = "同一时间的按户编号从小到大排序"
_SPACES = re.compile(r"\s+")


def normalise_seed(seed: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", seed)).strip()


def frozen_list(codes: Iterable[str]) -> list[str]:
    """The draw's list in its canonical order: the codes sorted."""
    return sorted(codes)


def list_hash(codes: Sequence[str]) -> str:
    """SHA-256 (hex) of the sorted codes joined by newlines."""
    return hashlib.sha256("\n".join(frozen_list(codes)).encode("utf-8")).hexdigest()


def _numbers(key: bytes) -> Iterator[int]:
    block = 0
    while True:
        digest = hashlib.sha256(key + block.to_bytes(8, "big")).digest()
        for k in range(0, 32, 8):
            yield int.from_bytes(digest[k : k + 8], "big")
        block += 1


def draw(codes: Sequence[str], seed: str) -> list[str]:
    """The order: the list shuffled by the stream of ``(list hash, seed)``."""
    items = frozen_list(codes)
    if len(set(items)) != len(items):
        raise ValueError("a household appears twice in the draw list")
    seed = normalise_seed(seed)
    if not seed:
        raise ValueError("the seed is empty")
    key = hashlib.sha256(f"{list_hash(items)}\n{seed}".encode()).digest()
    numbers = _numbers(key)
    span = 1 << 64
    for i in range(len(items) - 1, 0, -1):
        n = i + 1
        limit = span - span % n
        x = next(numbers)
        while x >= limit:
            x = next(numbers)
        j = x % n
        items[i], items[j] = items[j], items[i]
    return items


def result_hash(order: Sequence[str]) -> str:
    """SHA-256 (hex) of the drawn order, codes joined by newlines in order."""
    return hashlib.sha256("\n".join(order).encode("utf-8")).hexdigest()
