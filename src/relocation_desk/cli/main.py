"""The ``relocation-desk`` command: the GUI when run bare, and one sub-command per use case.

Bad input never ends in a traceback: user and environment errors, usage errors included,
print one clear line to stderr and exit 1; a bug prints one line naming the log file that
holds the details and exits 2 (see :mod:`.failures`). Later features add a
module to ``COMMANDS``; each module has ``register(subparsers)`` that sets ``func``.
"""

from __future__ import annotations

import argparse
import errno
import logging
import multiprocessing
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from .. import __version__
from ..i18n import _, set_language
from . import (
    cmd_agreement,
    cmd_backup,
    cmd_calc,
    cmd_check,
    cmd_daily_report,
    cmd_demo,
    cmd_exchange,
    cmd_fairness,
    cmd_gui,
    cmd_info,
    cmd_join,
    cmd_ledger,
    cmd_notice,
    cmd_password,
    cmd_payments,
    cmd_resettlement,
    cmd_restore,
    cmd_scheme,
    cmd_server,
    cmd_settings,
)
from .common import CliError
from .failures import EXIT_USER, Parser, empty_option_value, report_bug

COMMANDS: tuple[ModuleType, ...] = (
    cmd_gui,
    cmd_demo,
    cmd_info,
    cmd_check,
    cmd_password,
    cmd_backup,
    cmd_restore,
    cmd_notice,
    cmd_agreement,
    cmd_calc,
    cmd_fairness,
    cmd_ledger,
    cmd_payments,
    cmd_scheme,
    cmd_settings,
    cmd_daily_report,
    cmd_resettlement,
    cmd_exchange,
    cmd_join,
    cmd_server,
)

log = logging.getLogger(__name__)


# argparse's own words (usage, options, errors), in Chinese when the interface is Chinese.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示程序版本并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "expected one argument": "需要一个参数值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
}


def _localise_argparse() -> None:
    from ..i18n import language

    if language() == "zh_CN":
        argparse._ = lambda text: _ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    _localise_argparse()
    parser = Parser(
        prog="relocation-desk",
        description=_(
            "征收补偿工作台：房屋征收与补偿的离线工作软件。不带子命令运行时打开图形界面。"
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        # Python 3.11's argparse does not pass this text through gettext: give it ourselves.
        help=_("显示程序版本并退出"),
    )
    parser.add_argument(
        "--lang",
        choices=("zh_CN", "en"),
        help=_("界面语言（默认 zh_CN，也可用环境变量 RELOCATION_DESK_LANG 设置）"),
    )
    sub = parser.add_subparsers(dest="command", metavar=_("子命令"))
    for module in COMMANDS:
        module.register(sub)
    return parser


def _pre_set_language(argv: Sequence[str]) -> None:
    # The help text itself must be in the chosen language, so look before parsing.
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("zh_CN", "en"):
            set_language(argv[i + 1])
        elif arg.startswith("--lang=") and arg.split("=", 1)[1] in ("zh_CN", "en"):
            set_language(arg.split("=", 1)[1])


def _bare_file_opens_gui(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """``relocation-desk FILE`` (what a double-clicked project file or join package runs)
    means ``relocation-desk gui FILE``; options such as ``--lang en`` may come before it."""
    rest, i = [], 0
    while i < len(argv):
        if argv[i] == "--lang":
            i += 2
            continue
        if not argv[i].startswith("--lang="):
            rest.append(argv[i])
        i += 1
    commands = {
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    }
    if len(rest) != 1 or rest[0].startswith("-") or rest[0] in commands:
        return argv
    at = argv.index(rest[0])
    return [*argv[:at], "gui", *argv[at:]]


def main(argv: Sequence[str] | None = None) -> int:
    # A frozen (installer) build must let the demo generator's second process start.
    multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    _pre_set_language(argv)
    parser = build_parser()
    empty = empty_option_value(argv)
    if empty is not None:
        print(_("错误：{message}", message=empty), file=sys.stderr)
        return EXIT_USER
    argv = _bare_file_opens_gui(argv, parser)
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*argv, "gui"])
    try:
        result: int = args.func(args)
        return result
    except KeyboardInterrupt:
        print(_("已取消。"), file=sys.stderr)
        return 130
    except Exception as exc:
        message = user_message(exc)
        if message is None:
            return report_bug(args.command, exc)
        print(_("错误：{message}", message=message), file=sys.stderr)
        return 1


def user_message(exc: BaseException) -> str | None:
    """The one-line message for a user or environment error, or None for a bug."""
    from ..domain.errors import InputError
    from ..services.errors import UserError
    from ..storage.errors import StorageError

    if isinstance(exc, CliError):
        return str(exc)
    if isinstance(exc, UserError):
        return exc.message
    if isinstance(exc, StorageError):
        return exc.message
    if isinstance(exc, InputError):
        return exc.reason
    if isinstance(exc, sqlite3.OperationalError) and "unable to open database file" in str(exc):
        # SQLite's own words when a database path cannot be opened or created (a system
        # folder, a device, a folder without write permission): the environment, not a bug.
        return _(
            "无法打开或创建数据库文件：该位置不可写，或不是普通的文件夹和文件；"
            "请检查命令中的文件路径，或换一个位置"
        )
    if isinstance(exc, FileNotFoundError):
        return _missing_file_message(exc)
    if isinstance(exc, PermissionError):
        return _("没有权限访问：{path}；请检查文件权限或换一个位置。", path=exc.filename)
    if isinstance(exc, IsADirectoryError):
        return _("这是一个文件夹，不是文件：{path}", path=exc.filename)
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        # EFBIG: the file-size limit of the file system (FAT32 sticks: 4 GB) or the process.
        return _("磁盘空间不足，操作未完成；请清理磁盘后重试。已保存的数据没有丢失。")
    if isinstance(exc, OSError) and exc.errno == errno.EROFS:
        return _("没有权限访问：{path}；请检查文件权限或换一个位置。", path=exc.filename)
    if isinstance(exc, OSError) and exc.filename:
        # The system refused a named file (a name too long, a loop of links): the
        # environment, not a bug.
        return _(
            "无法使用文件 {path}：{reason}；请检查路径和磁盘。已保存的数据没有丢失。",
            path=str(exc.filename)[:120],
            reason=exc.strerror or type(exc).__name__,
        )
    return None


def _missing_file_message(exc: FileNotFoundError) -> str:
    # A writer's temporary file (x.xlsx.partial) is missing because its folder is: name the
    # folder the user gave, not a file name they never saw.
    path = Path(str(exc.filename)) if exc.filename else None
    if path is not None and not path.parent.is_dir():
        return _("文件夹不存在：{folder}；请先建立这个文件夹，或换一个保存位置", folder=path.parent)
    return _("找不到文件：{path}", path=exc.filename)


if __name__ == "__main__":
    sys.exit(main())
