"""How the command line ends when something goes wrong: exit codes and the one-line messages.

* 0 — done; 1 — the user's input or environment is wrong (a usage error too): one line saying
  what and how to fix it; 2 — a bug: one line saying what failed and where the log file with
  the details is (the traceback goes into the log, never onto the screen); 130 — cancelled.

``verify-notice`` alone gives 2 a second meaning its ``--help`` documents (the notice was
changed, or the code is unknown); its bug line still names the log file.

Every command is one transaction per user action, so a bug leaves nothing half-saved.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from ..i18n import _
from ..logfile import log_bug

__all__ = ["EXIT_BUG", "EXIT_USER", "Parser", "empty_option_value", "report_bug"]

EXIT_USER = 1
EXIT_BUG = 2

# ``--amount=--``: Python 3.11's argparse turns the value into an empty list instead of an
# error, and the command would then get a list where it expects text.
_EMPTY_VALUE = re.compile(r"(--[A-Za-z][\w-]*)=--")


class Parser(argparse.ArgumentParser):
    """argparse with usage errors ending in exit code 1, like every other user error."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER, _("{prog}：错误：{message}\n", prog=self.prog, message=message))


def empty_option_value(argv: Sequence[str]) -> str | None:
    """A message for an option given ``--`` as its value (``--amount=--``), or None."""
    for arg in argv:
        if arg == "--":
            break
        match = _EMPTY_VALUE.fullmatch(arg)
        if match:
            return _(
                "参数 {option} 的值是“--”，这不是有效的值；请在 {option}= 后面写上实际的值",
                option=match[1],
            )
    return None


def report_bug(command: str | None, exc: BaseException) -> int:
    """Log ``exc`` with its traceback, print one line naming the log file, return exit code 2."""
    what = command or "relocation-desk"
    path = log_bug(what, exc)
    if path is None:
        message = _(
            "错误：{command} 没有完成，因为程序内部出错（{kind}），日志文件也无法写入；"
            "已保存的数据不受影响。请把这条信息发给技术支持。",
            command=what,
            kind=type(exc).__name__,
        )
    else:
        message = _(
            "错误：{command} 没有完成，因为程序内部出错（{kind}）；已保存的数据不受影响。"
            "详细信息已写入日志文件 {path}，请把它发给技术支持。",
            command=what,
            kind=type(exc).__name__,
            path=path,
        )
    print(message, file=sys.stderr)
    return EXIT_BUG
