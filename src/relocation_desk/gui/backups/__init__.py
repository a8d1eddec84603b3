"""File menu: back up to a chosen folder (a USB stick), restore from a backup; and the
automatic backups (on opening, then every ``backup_every_minutes`` of changes).

Uses ``storage.backup`` / ``storage.restore`` for the copying and checking,
``services.backups`` for when, and the gui package's shared modules (dialogs, background,
tasks). No other GUI feature package.
"""
