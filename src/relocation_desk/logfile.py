"""The application's log file: one rotating file in the user data folder, for GUI and CLI.

Bugs (the third kind of error in the architecture notes) are written here with their traceback,
and the user is told this file's path, so a clerk can send it to support. The file rotates at
2 MB and keeps 5 old files, so a laptop that runs for years never fills up with logs.
"""

from __future__ import annotations

import logging
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from .paths import user_data_dir

__all__ = ["LOG_NAME", "log_bug", "log_path", "setup_logging"]

LOG_NAME = "relocation-desk.log"
_MAX_BYTES = 2 * 1024 * 1024
_BACKUPS = 5
_FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")

log = logging.getLogger("relocation_desk")


def log_path() -> Path:
    """The log file's path (the folder is created on demand)."""
    folder = user_data_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / LOG_NAME


def setup_logging(level: int = logging.INFO) -> Path:
    """Send the application's log records to the rotating log file; returns its path.

    Calling it again adds no second handler.
    """
    path = log_path()
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    handler = RotatingFileHandler(
        path, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8", delay=True
    )
    handler.setFormatter(_FORMAT)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    return path


def log_bug(what: str, exc: BaseException) -> Path | None:
    """Write ``exc`` with its traceback to the log file; its path, or None if it cannot be written.

    Writes the record directly (not through the logging tree), so it lands in the file even
    when logging has not been set up; a log that cannot be written is not a second error.
    """
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    record = log.makeRecord(
        log.name, logging.ERROR, __file__, 0, "%s failed\n%s", (what, text), None
    )
    handler: RotatingFileHandler | None = None
    try:
        path = log_path()
        handler = RotatingFileHandler(
            path, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8", delay=True
        )
        line = _FORMAT.format(record)
        if handler.shouldRollover(record):
            handler.doRollover()
        handler.close()
        with path.open("a", encoding="utf-8") as f:
            f.write(line + "\n")
    except OSError:
        return None
    finally:
        if handler is not None:
            handler.close()
    return path
