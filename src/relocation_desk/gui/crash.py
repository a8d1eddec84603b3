"""The third kind of error (STYLE.md): a bug. Log it with its traceback and tell the user.

The database needs no rescue here: every user action is one transaction, so an exception
rolls back whatever that action had not committed.
"""

from __future__ import annotations

import logging
import sys
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from ..i18n import _
from ..paths import user_data_dir
from . import dialogs

log = logging.getLogger("relocation_desk")


def log_dir() -> Path:
    d = user_data_dir() / "logs"
    d.mkdir(parents=True, exist_ok=True)
    return d


def setup_logging() -> Path:
    path = log_dir() / "relocation-desk.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def write_crash_report(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = log_dir() / f"crash-{stamp}.txt"
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    path.write_text(text, encoding="utf-8")
    log.error("unhandled exception, report written to %s\n%s", path, text)
    return path


def install_excepthook() -> None:
    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        path = write_crash_report(exc_type, exc, tb)
        sys.__excepthook__(exc_type, exc, tb)
        dialogs.show_error(
            None,
            _("程序出错"),
            _(
                "程序遇到了一个错误，刚才的操作没有完成，已保存的数据不受影响。\n"
                "错误报告已保存到：{path}\n请把这个文件发给技术支持。",
                path=path,
            ),
        )

    sys.excepthook = hook
