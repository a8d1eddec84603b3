"""The third kind of error (STYLE.md): a bug. Log it with its traceback and tell the user.

The database needs no rescue here: every user action is one transaction, so an exception
rolls back whatever that action had not committed. The dialog says so, names the log file
(:mod:`relocation_desk.logfile`, rotating, in the user data folder) and shows the traceback
in its details section, so a clerk can copy it or send the file to support.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QWidget

from ..i18n import _
from ..logfile import log_bug
from ..logfile import setup_logging as _setup_logging
from . import dialogs

__all__ = ["install_excepthook", "report_bug", "setup_logging"]


def setup_logging() -> Path:
    """Log to the rotating log file; returns its path."""
    return _setup_logging()


def report_bug(parent: QWidget | None, exc: BaseException, what: str = "GUI") -> Path | None:
    """Log ``exc`` with its traceback and show the crash dialog; the log file's path."""
    path = log_bug(what, exc)
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if path is None:
        where = _("日志文件无法写入，请复制下面“详细信息”中的内容发给技术支持。")
    else:
        where = _("详细信息已写入日志文件：{path}\n请把这个文件发给技术支持。", path=path)
    dialogs.show_crash(
        parent,
        _("程序出错"),
        _(
            "程序遇到了一个内部错误（{kind}），刚才的操作没有完成，已保存的数据不受影响。\n{where}",
            kind=type(exc).__name__,
            where=where,
        ),
        details,
    )
    return path


def install_excepthook() -> None:
    """Route exceptions nobody caught (in slots, timers, the event loop) to :func:`report_bug`."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        try:
            report_bug(None, exc)
        except Exception:  # the dialog itself failed: at least keep the traceback visible
            sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = hook
