"""Errors the domain raises for bad user input, and small helpers for their messages.

A clerk typed or imported something the domain cannot accept. These are *user errors* in the
sense of the architecture notes: the GUI shows ``reason`` (in the current language, see
:mod:`relocation_desk.i18n`; says what is wrong and what to do) and code can branch on
``code`` (a short, stable English string) without parsing the message.

``reason`` is translated when the error is raised, so a message always follows the language
that is active at that moment.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..i18n import _

__all__ = ["InputError", "quoted"]


class InputError(ValueError):
    """Bad input: ``reason`` is for the clerk, ``code`` for the program."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason

    def __str__(self) -> str:
        return self.reason

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, reason={self.reason!r})"


def quoted(items: Iterable[str]) -> str:
    """Quote each item for a message: ``“a”“-”`` in Chinese, ``“a”, “-”`` in English."""
    items = list(items)
    if not items:
        return ""
    # The catalogue translates what goes between two quoted items.
    return "“" + _("”“").join(items) + "”"
