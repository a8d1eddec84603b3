"""Project settings people change (设置 → 项目设置…, ``relocation-desk settings``): the fields
declared once with their checks (``fields``) and the use case that reads them and saves a
change in one audited transaction (``service``).

Uses the storage models, ``households`` (the project), ``agreements.content`` (the shipped
template's values and number format), ``access``, ``audit`` rows and ``clock``.
"""

from .fields import BACKUP_FOLDER_SETTING, Field, SettingInvalid
from .service import ProjectSettings, SettingEntry

__all__ = ["BACKUP_FOLDER_SETTING", "Field", "ProjectSettings", "SettingEntry", "SettingInvalid"]
