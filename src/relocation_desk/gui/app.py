"""Start-up of the desktop application: Qt, translations, fonts, the database, the window."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from ..i18n import _
from ..paths import DEMO_HOUSEHOLDS, demo_database
from ..services.auth.service import AuthService
from ..services.exchange.container import peek_kind
from ..services.households.service import OperatorRef
from ..storage.db import Database, open_database
from ..storage.errors import StorageError
from . import dialogs
from .auth.flow import sign_in
from .crash import install_excepthook, setup_logging
from .exchange import feature as exchange_feature
from .first_run import wizard as first_run
from .language import apply_preferred_language, install_qt_translation
from .main_window import MainWindow


def settings() -> QSettings:
    return QSettings("relocation-desk", "relocation-desk")


def make_app() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("relocation-desk")
    app.setOrganizationName("relocation-desk")
    install_qt_translation(app)  # Qt's own buttons (确定/取消) in the current language
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


def remembered_project() -> Path | None:
    """The project file opened last on this computer, if it is still there."""
    last = str(settings().value("last_database", "") or "")
    return Path(last) if last and Path(last).is_file() else None


def project_problem(path: Path | str, exc: BaseException) -> str:
    """Why ``path`` cannot be opened as a project, in the user's words."""
    if isinstance(exc, StorageError):
        return _("无法打开项目文件 {path}：\n{reason}", path=path, reason=exc.message)
    return _("文件 {path} 里没有征收项目；它可能是空文件或别的数据库。", path=path)


def route_package(package: Path) -> tuple[Path | None, Path | None, Path | None]:
    """Where a double-clicked ``.rdpkg`` goes, as (project to open, join package for the
    first-run wizard, package to import into the project): a join package, or any package
    when no project was opened before, starts the wizard's join page; a routine package
    (team → HQ, HQ → team) is imported into the project in use, whose import checks it."""
    project = remembered_project()
    if project is None or peek_kind(package) == "join":
        return None, package, None
    return project, None, package


def open_project(
    path: Path | str | None, *, smoke: bool = False, package: Path | None = None
) -> tuple[Database, OperatorRef | None, str] | None:
    """The open project database, who signed in to it and a note to show; None when the
    person chose 退出 or gave up.

    ``path`` None starts the first-run wizard (on its join page with ``package``). A file that
    cannot be opened (missing, unreadable, not a project) never ends the program: the person
    is told why and may choose another file, make a new project, or quit.
    """
    operator: OperatorRef | None = None
    note = ""
    while True:
        if path is None:
            result = first_run.ask_first_run(None, package=package)
            package = None
            if result is None:
                return None
            path, operator, note = result.path, result.operator, result.note
        db: Database | None = None
        try:
            db = open_database(path)
            if operator is None and not smoke:
                operator = sign_in(None, db)
                if operator is None:  # the sign-in was cancelled
                    db.close()
                    return None
            else:
                AuthService(db).project_name()  # a database without a project is refused here
            return db, operator, note
        except (StorageError, LookupError) as exc:
            if db is not None:
                db.close()
            message = project_problem(path, exc)
        operator, note = None, ""
        path = None
        while path is None:
            choice = dialogs.ask_project_problem(None, message)
            if choice == "quit":
                return None
            if choice == "new":
                break
            path = dialogs.ask_open_database(None)


def run_gui(
    db_path: Path | str | None = None,  # a project file, or HQ's postgresql:// URL
    demo: bool = False,
    smoke: bool = False,
    package: Path | None = None,
) -> int:
    """Open the window on ``db_path``, the demo, HQ's join ``package`` (through the first-run
    wizard), or the project last opened; with none of them the first-run wizard asks."""
    started = time.perf_counter()
    setup_logging()
    apply_preferred_language()  # the language chosen in 帮助 → 语言, unless --lang says
    app = make_app()
    install_excepthook()
    store = settings()
    if demo:
        db_path = demo_database()
        if not db_path.exists():
            ensure_demo(db_path)
    elif db_path is None and package is None:
        db_path = remembered_project()
    exchange_package: Path | None = None
    if package is not None:
        db_path, package, exchange_package = route_package(package)
    opened = open_project(db_path, smoke=smoke, package=package)
    if opened is None:  # they chose 退出 or gave up: nobody works, nothing opens
        return 0
    db, operator, note = opened
    window = MainWindow(db, operator)
    if db.path is not None:
        store.setValue("last_database", str(db.path.resolve()))
    window.show()
    if note:
        dialogs.show_info(window, _("征收补偿工作台"), note)
    if exchange_package is not None:
        QTimer.singleShot(0, lambda: exchange_feature.import_package(window, exchange_package))
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
