"""The interface language: the person's choice, kept on this computer, and switching it live.

帮助 → 语言 offers 中文 and English. Choosing one stores it (QSettings key ``ui/language``, per
user and laptop; the next start uses it unless ``--lang`` or ``RELOCATION_DESK_LANG`` says
otherwise) and rebuilds the main window in the new language on the same open database, signed
in as the same operator, on the same household. Every other window of the program is closed
first, each asking as it does on closing (the household editor asks about unsaved changes); if
any stays open, nothing changes.

Qt's own texts (the buttons of its standard dialogs) follow through the qtbase translator
installed here.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from .. import i18n
from ..i18n import _
from . import dialogs, preferences
from .preferences import LANGUAGES, preferred_language, set_preferred_language


class MainWindow(Protocol):
    """What a switch needs of the main window (``gui.main_window.MainWindow``, which builds
    this menu: no import back to it)."""

    filters: Any

    def current_household(self) -> uuid.UUID | None: ...

    def release_database(self) -> tuple[Any, Any]: ...

    def select_household(self, household_id: uuid.UUID) -> None: ...


# The stored choice lives in ``preferences`` (shared with the settings window).
SETTING_KEY = preferences.SETTING_KEY
_store = preferences.store
_qt_translators: list[QTranslator] = []
_windows: list[QWidget] = []  # main windows built here: Python keeps them alive


def apply_preferred_language() -> str:
    """At start-up: use the stored choice unless the command line or the environment chose."""
    code = preferred_language()
    if code is not None and not i18n.language_chosen():
        i18n.set_language(code)
    return i18n.language()


def install_qt_translation(app: QApplication) -> None:
    """Qt's own buttons and dialogs (确定/取消) in the current language."""
    for old in _qt_translators:
        app.removeTranslator(old)
    _qt_translators.clear()
    if i18n.language() == "zh_CN":
        t = QTranslator(app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if t.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", qt_dir):
            app.installTranslator(t)
            _qt_translators.append(t)
    app.setApplicationDisplayName(_("征收补偿工作台"))


def add_language_menu(window: MainWindow, menu: QMenu) -> QMenu:
    """语言(&L) with one checkable entry per language, in ``menu``."""
    sub = menu.addMenu(_("语言(&L)"))
    sub.setObjectName("languageMenu")
    group = QActionGroup(sub)
    group.setExclusive(True)
    for code, name in LANGUAGES:
        action = QAction(name, sub)
        action.setObjectName(f"language_{code}")
        action.setCheckable(True)
        action.setChecked(code == i18n.language())
        action.triggered.connect(lambda _checked=False, code=code: switch_language(window, code))
        group.addAction(action)
        sub.addAction(action)
    return sub


def _other_windows(window: QWidget) -> list[QWidget]:
    """The open windows that belong to ``window`` (editor, dialogs, dashboard…)."""

    def belongs(w: QWidget) -> bool:
        parent = w.parentWidget()
        while parent is not None:
            if parent is window:
                return True
            parent = parent.parentWidget()
        return False

    return [
        w
        for w in QApplication.topLevelWidgets()
        if w is not window and w.isVisible() and not w.inherits("QMenu") and belongs(w)
    ]


def switch_language(window: MainWindow, code: str) -> MainWindow | None:
    """Rebuild ``window`` in language ``code``; returns the new window (``window`` itself if
    the language is already ``code``, None if a window with unsaved work stayed open)."""
    if code == i18n.language():
        return window
    others = _other_windows(window)
    if others and not dialogs.ask_confirm(
        window,
        _("切换语言"),
        _(
            "切换语言要关闭其他已打开的窗口（{n} 个），再用新的语言重新打开主窗口。"
            "有未保存修改的窗口会先询问。要继续吗？",
            n=len(others),
        ),
    ):
        _check_current(window)
        return None
    for other in others:
        other.close()
    if any(w.isVisible() for w in others):  # kept open: its unsaved work stays
        _check_current(window)
        return None
    set_preferred_language(code)
    i18n.set_language(code)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        install_qt_translation(app)
    return _rebuild(window)


def _check_current(window: MainWindow) -> None:
    """After a refused switch the menu shows the language still in use."""
    for action in window.findChildren(QAction):
        if action.objectName() == f"language_{i18n.language()}":
            action.setChecked(True)


def _rebuild(old: MainWindow) -> MainWindow:
    household = old.current_household()
    db, operator = old.release_database()
    filter_text = old.filters.text.text()
    geometry, maximized = old.geometry(), old.isMaximized()
    new = type(old)(db, operator)  # type: ignore[call-arg]
    if maximized:
        new.showMaximized()
    else:
        new.setGeometry(geometry)
        new.show()
    if filter_text:
        new.filters.text.setText(filter_text)
    if household is not None:
        new.select_household(household)
    _windows.append(new)
    old.close()
    old.deleteLater()
    if old in _windows:
        _windows.remove(old)
    return new
