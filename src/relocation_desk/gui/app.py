"""Start-up of the desktop application: Qt, translations, fonts, the database, the window."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QLibraryInfo, QLocale, QSettings, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QProgressDialog

from ..i18n import _, language
from ..paths import DEMO_HOUSEHOLDS, demo_database
from ..storage.db import open_database
from ..storage.errors import StorageError
from . import dialogs
from .auth.flow import sign_in
from .crash import install_excepthook, setup_logging
from .main_window import MainWindow

_translators: list[QTranslator] = []


def settings() -> QSettings:
    return QSettings("relocation-desk", "relocation-desk")


def make_app() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("relocation-desk")
    app.setOrganizationName("relocation-desk")
    app.setApplicationDisplayName(_("征收补偿工作台"))
    if language() == "zh_CN" and not _translators:
        # Qt's own buttons and dialogs (确定/取消) in Chinese.
        t = QTranslator(app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if t.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", qt_dir):
            app.installTranslator(t)
            _translators.append(t)
    from .qt_fonts import install_app_fonts

    install_app_fonts(app)
    return app


def ensure_demo(path: Path, households: int = DEMO_HOUSEHOLDS) -> None:
    """Generate the demo project in the background with a progress dialog."""
    from ..services.demo.generator import generate_demo

    path.parent.mkdir(parents=True, exist_ok=True)
    state: dict[str, object] = {"done": 0, "total": households, "error": None}

    def work() -> None:
        try:
            generate_demo(
                path,
                households=households,
                progress=lambda d, t: state.update(done=d, total=t),
            )
        except BaseException as exc:  # handed to the GUI thread below
            state["error"] = exc

    dialog = QProgressDialog(_("正在生成演示项目…"), "", 0, households)
    dialog.setCancelButton(None)
    dialog.setMinimumDuration(300)
    dialog.setWindowTitle(_("征收补偿工作台"))
    thread = threading.Thread(target=work, name="demo", daemon=True)
    thread.start()
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(100)

    def poll() -> None:
        dialog.setValue(int(state["done"]))  # type: ignore[call-overload]
        if not thread.is_alive():
            loop.quit()

    timer.timeout.connect(poll)
    timer.start()
    loop.exec()
    timer.stop()
    dialog.close()
    error = state["error"]
    if isinstance(error, BaseException):
        path.unlink(missing_ok=True)
        raise error


def run_gui(db_path: Path | None = None, demo: bool = False, smoke: bool = False) -> int:
    started = time.perf_counter()
    setup_logging()
    app = make_app()
    install_excepthook()
    store = settings()
    if db_path is None and not demo:
        last = store.value("last_database", "")
        if last and Path(str(last)).exists():
            db_path = Path(str(last))
        else:
            demo = True
    if demo:
        db_path = demo_database()
        if not db_path.exists():
            ensure_demo(db_path)
    assert db_path is not None
    try:
        db = open_database(db_path)
        operator = None
        if not smoke:
            operator = sign_in(None, db)
            if operator is None:  # the sign-in was cancelled: nobody works, nothing opens
                db.close()
                return 0
        window = MainWindow(db, operator)
    except StorageError as exc:
        dialogs.show_error(None, _("无法打开数据库"), exc.message)
        return 1
    except LookupError:
        dialogs.show_error(
            None, _("无法打开数据库"), _("这个数据库里还没有项目：{path}", path=db_path)
        )
        return 1
    store.setValue("last_database", str(db_path.resolve()))
    window.show()
    if smoke:

        def finish() -> None:
            assert window.model is not None
            window.grab()  # paints the window, so the visible rows are really fetched
            print(
                f"smoke ok: rows={window.model.rowCount()} pages={window.model.pages_fetched} "
                f"seconds={time.perf_counter() - started:.3f} shown_at={time.time():.3f}",
                flush=True,
            )
            window.close()
            app.quit()

        QTimer.singleShot(0, finish)
    return app.exec()
