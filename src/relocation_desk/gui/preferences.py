"""This person's preferences on this computer (QSettings, per user and laptop), as opposed to
the project settings stored in the database: the interface language.

A shared module of the GUI: it imports no window, so the settings window and the language
menu (``gui/language.py``) both use it.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from .. import i18n

__all__ = ["LANGUAGES", "SETTING_KEY", "preferred_language", "set_preferred_language", "store"]

SETTING_KEY = "ui/language"
# Each language is offered in its own words, so a person who cannot read the other finds theirs.
LANGUAGES = (("zh_CN", "中文"), ("en", "English"))


def store() -> QSettings:
    return QSettings("relocation-desk", "relocation-desk")


def preferred_language() -> str | None:
    """The language chosen on this computer, or None if none was chosen yet."""
    value = store().value(SETTING_KEY, "")
    return str(value) if value in i18n.SUPPORTED else None


def set_preferred_language(code: str) -> None:
    """Keep ``code`` (``zh_CN`` or ``en``) as this person's language on this computer; the
    next start uses it (unless ``--lang`` or ``RELOCATION_DESK_LANG`` says otherwise)."""
    if code not in i18n.SUPPORTED:
        raise ValueError(f"unsupported language {code!r}")
    s = store()
    s.setValue(SETTING_KEY, code)
    s.sync()
