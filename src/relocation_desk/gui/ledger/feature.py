"""File menu: import an Excel ledger (wizard) and export the full ledger (台账)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from ...i18n import _
from ...services.errors import UserError
from ...storage.errors import StorageError
from .. import dialogs
from ..access import Action, gate, why_not
from ..progress_dialog import Cancelled, run_with_progress

if TYPE_CHECKING:
    from ..hosts import FeatureWindow


def ask_export_path(parent: QWidget | None) -> Path | None:
    return dialogs.ask_save_xlsx(parent, _("导出完整台账"), _("台账.xlsx"))


def install(window: FeatureWindow) -> None:
    menu = window.menus["file"]
    first_separator = next((a for a in menu.actions() if a.isSeparator()), None)
    import_action = QAction(_("导入Excel台账(&I)…"), window)
    import_action.triggered.connect(lambda: import_ledger(window))
    export_action = QAction(_("导出完整台账(&E)…"), window)
    export_action.triggered.connect(lambda: export_ledger(window))
    menu.insertSeparator(first_separator)
    menu.insertAction(first_separator, import_action)
    menu.insertAction(first_separator, export_action)
    window.import_ledger_action = import_action  # type: ignore[attr-defined]
    gate(import_action, window.operator, Action.IMPORT_LEDGER)
    gate(export_action, window.operator, Action.EXPORT_LEDGER)
    window.export_ledger_action = export_action  # type: ignore[attr-defined]


def import_ledger(window: FeatureWindow) -> None:
    from .wizard import LedgerWizard

    wizard = LedgerWizard(window.db, window.operator, window)
    wizard.exec()
    if not wizard.imported:
        return
    if isinstance(wizard.target, Path):
        window.open_path(wizard.target)
    elif window.db is not None:
        window.set_database(window.db)  # re-read the register with the new households


def export_ledger(window: FeatureWindow) -> None:
    from ...reports.ledger_xlsx import summary, write_ledger
    from ...services.ledger.export import LedgerRows, export_ledger
    from ...services.progress_report import Progress

    db, operator = window.db, window.operator
    if db is None:
        return
    refused = why_not(operator, Action.EXPORT_LEDGER)
    if refused:  # the menu entry is greyed out; the service refuses as well
        dialogs.show_error(window, _("不能导出"), refused)
        return
    path = ask_export_path(window)
    if path is None:
        return

    def work(progress: Progress) -> dict[str, int]:
        def write(part: Path, rows: LedgerRows) -> dict[str, int]:
            return write_ledger(part, rows, progress=progress)

        return export_ledger(db, path, write, operator, progress=progress)

    try:
        counts = run_with_progress(window, _("导出台账"), work, text=_("正在导出完整台账…"))
    except Cancelled:
        dialogs.show_info(window, _("导出台账"), _("已取消导出，没有写出文件。"))
        return
    except (UserError, StorageError) as exc:
        dialogs.show_error(window, _("导出失败"), exc.message)
        return
    except OSError as exc:
        dialogs.show_error(
            window, _("导出失败"), _("无法写入 {path}：{error}", path=path, error=exc)
        )
        return
    dialogs.show_info(
        window,
        _("已导出"),
        _("已导出台账：{path}（{summary}）", path=path, summary=summary(counts)),
    )
