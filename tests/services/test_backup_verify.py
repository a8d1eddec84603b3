"""A backup whose audit log was altered outside the program is not restored."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from relocation_desk.services.backups import verify_audit_chain
from relocation_desk.storage.backup import make_backup
from relocation_desk.storage.db import open_database
from relocation_desk.storage.errors import BackupInvalid
from relocation_desk.storage.restore import restore_backup


def test_backup_with_an_altered_audit_log_is_refused(tmp_path: Path, demo_db_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    shutil.copy(demo_db_path, path)
    with open_database(path) as db:
        good = make_backup(db.engine, path, dest=tmp_path / "good.sqlite")
    verify_audit_chain(good)  # intact: no complaint, and the file is not changed by looking
    digest = hashlib.sha256(good.read_bytes()).hexdigest()
    verify_audit_chain(good)
    assert hashlib.sha256(good.read_bytes()).hexdigest() == digest

    altered = tmp_path / "altered.sqlite"
    shutil.copy(good, altered)
    with sqlite3.connect(altered) as conn:
        (n,) = conn.execute("select count(*) from audit_log where seq is not null").fetchone()
        assert n > 0
        conn.execute("update audit_log set note = '改过' where seq = ?", (n // 2,))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(BackupInvalid, match="审计日志链不完整"):
        restore_backup(altered, path, verify=verify_audit_chain)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert restore_backup(good, path, verify=verify_audit_chain).backup.households > 0
