"""Automatic backups while the program runs: one when a project database is opened, then one
every ``backup_every_minutes`` (a project setting) if the database changed since the last.

The copying, checking and restoring themselves live in ``storage.backup`` and
``storage.restore``; this package decides when, and adds the audit-chain check of a backup
(``verify``); automatic backups go to the ``backup_folder`` setting's folder when one is
set. Uses storage, ``services.settings``, ``services.project_settings`` (the setting's name)
and ``services.integrity``. ``server`` moves a project file onto HQ's PostgreSQL server
(``storage.server_copy``), for administrators only, audited there.
"""

from .schedule import (
    AUTO_LABEL,
    BACKUP_EVERY_DEFAULT,
    BACKUP_EVERY_SETTING,
    AutoBackups,
    backup_every_minutes,
    backup_folder,
)
from .verify import verify_audit_chain

__all__ = [
    "AUTO_LABEL",
    "BACKUP_EVERY_DEFAULT",
    "BACKUP_EVERY_SETTING",
    "AutoBackups",
    "backup_every_minutes",
    "backup_folder",
    "verify_audit_chain",
]
