"""Bounds on the files a user hands to the program (scheme files, ledgers, documents).

Only regular files are read: a device such as ``/dev/zero`` or ``/dev/urandom`` never ends, a
named pipe blocks, and a folder is not a file. Each reader also names its size limit, checked
before reading, so a wrong file chosen by mistake (a video, a disk image) gets a message
instead of filling the memory. Uses nothing but the standard library.
"""

from __future__ import annotations

import stat
from pathlib import Path

from ..i18n import _

__all__ = ["regular_file_problem"]


def regular_file_problem(path: Path, max_bytes: int) -> str | None:
    """Why ``path`` cannot be read as an input file, in the user's language; None if it can."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return _("找不到文件：{path}", path=path)
    except OSError as exc:
        return _("无法读取文件 {path}：{reason}", path=path, reason=exc.strerror or exc)
    if stat.S_ISDIR(info.st_mode):
        return _("这是一个文件夹，不是文件：{path}", path=path)
    if not stat.S_ISREG(info.st_mode):
        return _("{path} 不是普通文件（可能是设备或管道），不能作为输入；请选择一个文件", path=path)
    if info.st_size > max_bytes:
        return _(
            "文件 {path} 有 {size} MB，超过了这类文件的上限 {limit} MB；请确认选择的文件是否正确",
            path=path,
            size=f"{info.st_size / 1024 / 1024:,.1f}",
            limit=f"{max_bytes / 1024 / 1024:,.0f}",
        )
    return None
