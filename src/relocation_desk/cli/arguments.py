"""Checks of the command line's file and database arguments, before any work starts.

What a user types as a path can be anything: a folder, a device (``/dev/zero``), a file inside
a "folder" that is really a file (``notes.txt/x.sqlite``), a folder that does not exist, or a
URL of a database kind the program does not know (``foo://bar``). Each gets a one-line message
naming what the user gave, before a reader hangs on a device or a writer reports a temporary
file name the user never saw.
"""

from __future__ import annotations

import argparse
import stat
from pathlib import Path

from ..i18n import _
from ..services.errors import UserError

__all__ = ["BadArgument", "database_target", "input_file", "output_file"]

# Server URLs the program can open (psycopg 3 is shipped); everything else is a file path.
_SERVER_SCHEMES = ("postgresql", "postgresql+psycopg", "postgres")


class BadArgument(UserError):
    """A path or address on the command line that cannot be used; shown as one line."""


def _folder_problem(path: Path) -> str | None:
    """Why files cannot be made in ``path``'s folder, naming the folder as given, or None."""
    folder = path.parent
    shown = str(folder) if str(folder) not in ("", ".") else "."
    if folder.is_dir():
        return None
    if folder.exists() or any(p.exists() and not p.is_dir() for p in folder.parents):
        return _(
            "{folder} 是一个文件，不是文件夹，不能在其中保存文件；请换一个保存位置",
            folder=shown,
        )
    return _("文件夹不存在：{folder}；请先建立这个文件夹，或换一个保存位置", folder=shown)


def _shown(text: str) -> str:
    return text if len(text) <= 120 else text[:120] + "…"


def _path_error(text: str, exc: OSError | RuntimeError) -> str:
    # The system refused the path itself: a name too long, a loop of links, "~nobody".
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return _("无法使用路径 {path}：{reason}；请检查路径", path=_shown(text), reason=reason)


def output_file(text: str) -> Path:
    """argparse ``type=`` for a file to be written: its folder must exist, it must not be a
    folder or a device."""
    try:
        return _output_file(text)
    except (OSError, RuntimeError) as exc:
        raise argparse.ArgumentTypeError(_path_error(text, exc)) from None


def _output_file(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError(_("没有给出文件名；请写上要保存的文件路径"))
    path = Path(text).expanduser()
    problem = _folder_problem(path)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    if path.is_dir():
        raise argparse.ArgumentTypeError(
            _("{path} 是一个文件夹；请写上文件名，例如 {example}", path=text,
              example=str(path / "导出.xlsx"))
        )  # fmt: skip
    if path.exists() and not path.is_file():
        raise argparse.ArgumentTypeError(
            _("{path} 不是普通文件（可能是设备或系统文件），不能写入；请换一个文件名", path=text)
        )
    return path


def input_file(text: str) -> Path:
    """argparse ``type=`` for a file to be read: it must exist and be a regular file (a device
    such as /dev/zero never ends, a folder is not a file)."""
    try:
        mode = Path(text).expanduser().stat().st_mode
    except FileNotFoundError:
        raise argparse.ArgumentTypeError(_("找不到文件：{path}", path=_shown(text))) from None
    except (OSError, RuntimeError) as exc:
        raise argparse.ArgumentTypeError(_path_error(text, exc)) from None
    path = Path(text).expanduser()
    if stat.S_ISDIR(mode):
        raise argparse.ArgumentTypeError(_("这是一个文件夹，不是文件：{path}", path=text))
    if not stat.S_ISREG(mode):
        raise argparse.ArgumentTypeError(
            _("{path} 不是普通文件（可能是设备或管道），不能作为输入；请选择一个文件", path=text)
        )
    return path


def database_target(target: str) -> str | Path:
    """A ``--db`` value as :func:`~relocation_desk.storage.db.open_database` takes it: a file
    path, or a PostgreSQL URL; :class:`BadArgument` for anything it cannot be."""
    if "://" in target:
        scheme = target.split("://", 1)[0].lower()
        if scheme not in _SERVER_SCHEMES or not _readable_url(target):
            raise BadArgument(
                _(
                    "不支持的数据库地址：{target}；请写项目数据库文件的路径，"
                    "或 PostgreSQL 连接地址 postgresql://用户@服务器/数据库",
                    target=_shown(target),
                )
            )
        return target
    if not target.strip():
        raise BadArgument(_("没有给出数据库文件；请用 --db 写上项目数据库文件的路径"))
    try:
        return _database_file(target)
    except (OSError, RuntimeError) as exc:
        raise BadArgument(_path_error(target, exc)) from None


def _database_file(target: str) -> Path:
    path = Path(target).expanduser()
    if path.exists():
        if path.is_dir():
            raise BadArgument(
                _("{path} 是一个文件夹，不是项目数据库文件；请写上数据库文件的路径", path=target)
            )
        if not path.is_file():
            raise BadArgument(
                _("{path} 不是普通文件（可能是设备或系统文件），不是项目数据库；请检查路径",
                  path=target)
            )  # fmt: skip
        return path
    if not path.parent.is_dir():
        raise BadArgument(
            _("找不到数据库文件：{path}（{folder} 不是一个文件夹）；请检查路径",
              path=target, folder=path.parent)
        )  # fmt: skip
    return path


def _readable_url(target: str) -> bool:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(target)
        _ = url.port  # a port that is not a number is found only when read
    except (ArgumentError, ValueError):
        return False
    return True
