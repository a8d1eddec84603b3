"""设置 → 项目设置…: the project settings window (agreement values and number formats, the
report cut-off, signing targets and deadline, notice periods, the project's time zone, idle
lock, automatic backups) and this computer's interface language.

Project settings go through ``services.project_settings`` (checked field by field, saved in
one audited transaction; only roles with ``change_settings``). The language is a per-user,
per-laptop preference kept by :mod:`..preferences` (``preferred_language`` /
``set_preferred_language``, re-exported here), used at the next start; 帮助 → 语言
(:mod:`..language`) switches it live.

Uses the services, ``gui.dialogs``, ``gui.access`` and ``gui.preferences``; no other feature.
"""

from ..preferences import preferred_language, set_preferred_language

__all__ = ["preferred_language", "set_preferred_language"]
