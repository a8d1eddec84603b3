"""Automatic backups while the program runs: one when a project database is opened, then one
every ``backup_every_minutes`` (a project setting) if the database changed since the last.

The copying, checking and restoring themselves live in ``storage.backup`` and
``storage.restore``; this package decides when, and adds the audit-chain check of a backup
(``verify``). Uses storage, ``services.settings`` and ``services.integrity``.
"""

from .schedule import (
    AUTO_LABEL,
    BACKUP_EVERY_DEFAULT,
    BACKUP_EVERY_SETTING,
    AutoBackups,
    backup_every_minutes,
)
from .verify import verify_audit_chain

__all__ = [
    "AUTO_LABEL",
    "BACKUP_EVERY_DEFAULT",
    "BACKUP_EVERY_SETTING",
    "AutoBackups",
    "backup_every_minutes",
    "verify_audit_chain",
]
