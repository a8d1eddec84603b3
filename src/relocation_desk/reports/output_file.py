"""Writing a finished document so that a full disk or a removed stick leaves no half file.

A report is built in memory (they are small: one page, a few sheets), then written to
``<name>.partial`` and renamed over the target only when every byte is on disk. A write that
fails removes the ``.partial``; an older file of that name stays as it was.
"""

from __future__ import annotations

import gc
import io
import os
import sys
import threading
from pathlib import Path
from typing import Any

_hook_lock = threading.Lock()


def write_document(path: str | Path, data: bytes) -> None:
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def workbook_bytes(wb: Any) -> bytes:
    """An openpyxl workbook as the bytes of its file.

    openpyxl writes each sheet through a temporary file first. When that write fails (a full
    disk), the error reaches the caller, but openpyxl's half-finished sheet writer raises it
    once more when it is collected, and Python prints that as a traceback on stderr. So the
    error is re-raised without the frames that hold that writer, after collecting it under a
    hook that drops this one repeated report (anything else goes to the usual hook).
    """
    buffer = io.BytesIO()
    failed: OSError | None = None
    with _hook_lock:
        previous = sys.unraisablehook

        def hook(unraisable: Any) -> None:
            if failed is None or not isinstance(unraisable.exc_value, OSError):
                previous(unraisable)

        sys.unraisablehook = hook
        try:
            try:
                wb.save(buffer)
            except OSError as exc:
                failed = OSError(exc.errno, exc.strerror, exc.filename)
            if failed is not None:
                gc.collect()
        finally:
            sys.unraisablehook = previous
    if failed is not None:
        raise failed
    return buffer.getvalue()
