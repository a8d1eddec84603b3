"""Photos and scans of a household, copied into the project's data folder by content.

A file is stored once per content: ``<files folder>/<first 2 hex of sha256>/<sha256><suffix>``
(suffix of the original name, lower case). The copy is hashed while it is written to a
temporary file in the same folder and then moved into place with ``os.replace``, so a crash or
a full disk never leaves a half-written file under a final name. The files folder sits next to
a SQLite database (``project.sqlite`` → ``project-files/``) so both travel together; for a
PostgreSQL database it is ``<user data>/files/<database name>/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from ...i18n import _
from ...paths import user_data_dir
from ...storage.db import Database
from ..errors import UserError

MAX_FILE_BYTES = 50 * 1024 * 1024
FILE_KINDS = ("photo", "scan", "document")
_CHUNK = 1024 * 1024


class FileProblem(UserError):
    """A file that cannot be added; ``message`` tells the clerk why (translated)."""


def files_folder(db: Database) -> Path:
    """Where the project's stored files live (not created here)."""
    if db.path is not None:
        return db.path.parent / f"{db.path.stem}-files"
    return user_data_dir() / "files" / (db.url.database or "default")


def stored_path(folder: Path, sha256: str, original_name: str) -> Path:
    return folder / sha256[:2] / f"{sha256}{Path(original_name).suffix.lower()}"


def check_source(source: Path) -> int:
    """The size of ``source``, or :class:`FileProblem` if it cannot be added."""
    try:
        if source.is_dir():
            raise FileProblem(_("“{path}”是文件夹，不是文件；请选择其中的照片或文件", path=source))
        size = source.stat().st_size
    except FileNotFoundError:
        raise FileProblem(
            _("找不到文件“{path}”；它可能已被移动或删除，请重新选择", path=source)
        ) from None
    except OSError as exc:
        raise FileProblem(_("无法读取文件“{path}”：{error}", path=source, error=exc)) from exc
    if size > MAX_FILE_BYTES:
        raise FileProblem(_too_big(source, size))
    return size


def _too_big(source: Path, size: int) -> str:
    return _(
        "文件“{path}”有 {size} MB，超过 50 MB 的上限；请压缩照片或分页扫描后再添加",
        path=source,
        size=f"{size / (1024 * 1024):.1f}",
    )


def store_copy(folder: Path, source: Path) -> tuple[str, int, Path]:
    """Copy ``source`` into the store; returns (sha256, size, stored path).

    The same content already stored is not written again."""
    check_source(source)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".adding-", suffix=".tmp")
    except OSError as exc:
        raise FileProblem(
            _("无法在数据文件夹“{folder}”中保存文件：{error}", folder=folder, error=exc)
        ) from exc
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            while chunk := src.read(_CHUNK):
                size += len(chunk)
                if size > MAX_FILE_BYTES:  # it grew since it was checked
                    raise FileProblem(_too_big(source, size))
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        target = stored_path(folder, sha, source.name)
        if target.exists() and target.stat().st_size == size:
            tmp.unlink()
        else:
            target.parent.mkdir(exist_ok=True)
            os.replace(tmp, target)
        return sha, size, target
    except FileProblem:
        raise
    except OSError as exc:
        raise FileProblem(
            _("复制文件“{path}”失败：{error}；原文件未受影响", path=source, error=exc)
        ) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
