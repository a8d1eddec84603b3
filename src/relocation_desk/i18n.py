"""Translation of user-facing text. Chinese is the source language; English is a catalogue.

Every string a user can read goes through ``_()``: ``_("户主姓名不能为空")`` or, with fields,
``_("第{row}行：{reason}", row=3, reason=r)``. The English catalogue lives in
``resources/i18n/en.json`` (Chinese text → English text); a test checks that every literal
passed to ``_()`` in the source has an entry, so switching to English never shows a gap.

Plain Python with no Qt, so the domain, services, reports and CLI share one mechanism.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

SUPPORTED = ("zh_CN", "en")
_language = os.environ.get("RELOCATION_DESK_LANG", "zh_CN")
# Chosen for this run (the environment, ``--lang``): then a stored preference does not apply.
_chosen = "RELOCATION_DESK_LANG" in os.environ


def set_language(language: str) -> None:
    global _language, _chosen
    if language not in SUPPORTED:
        raise ValueError(f"unsupported language {language!r}; choose one of {SUPPORTED}")
    _language = language
    _chosen = True


def language_chosen() -> bool:
    """Whether this run's language was chosen (environment, ``--lang``, a switch in the GUI)."""
    return _chosen


def language() -> str:
    return _language


@cache
def _catalogue(language: str) -> dict[str, str]:
    from .paths import resource  # late: keeps importing this module free of file access

    path = resource("i18n", f"{language}.json")
    with open(path, encoding="utf-8") as f:
        data: dict[str, str] = json.load(f)
    return data


def _(text: str, /, **fields: Any) -> str:
    """Translate ``text`` into the current language and fill in ``{fields}``."""
    if _language != "zh_CN":
        text = _catalogue(_language).get(text, text)
    return text.format(**fields) if fields else text
