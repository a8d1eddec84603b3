"""A summary of what a database holds: for ``relocation-desk info`` and the status bar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from ..i18n import _
from ..storage import models as m
from ..storage.backup import last_backup_time
from ..storage.db import Database
from ..storage.program_version import WrittenBy, read_writers
from .backups import backup_folder
from .settings import is_demo


@dataclass(frozen=True)
class ProjectInfo:
    project_name: str
    project_code: str
    location: str
    schema_revision: str
    counts: tuple[tuple[str, int], ...]
    last_backup: datetime | None
    # The program versions that opened it for writing, oldest first (``storage.program_version``).
    written_by: tuple[WrittenBy, ...] = ()


def _counted() -> tuple[tuple[str, type[m.Base]], ...]:
    return (
        (_("工作组"), m.Team),
        (_("工作人员"), m.Operator),
        (_("村"), m.Village),
        (_("农户"), m.Household),
        (_("家庭成员"), m.Person),
        (_("房屋"), m.Structure),
        (_("附属物"), m.Attachment),
        (_("核算"), m.Calculation),
        (_("公示轮次"), m.NoticeRound),
        (_("协议"), m.Agreement),
        (_("支付"), m.Payment),
    )


def read_project_info(db: Database) -> ProjectInfo:
    with db.engine.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision() or "-"
        project = conn.execute(select(m.Project.name, m.Project.code).limit(1)).first()
        counts = tuple(
            (label, int(conn.execute(select(func.count()).select_from(model)).scalar_one()))
            for label, model in _counted()
        )
        written_by = read_writers(conn)
    return ProjectInfo(
        project_name=project.name if project else _("（无项目）"),
        project_code=project.code if project else "-",
        location=str(db.path) if db.path is not None else db.url.render_as_string(),
        schema_revision=revision,
        counts=counts,
        last_backup=last_backup_time(db, backup_folder(db)),
        written_by=written_by,
    )


def program_versions(db: Database) -> tuple[WrittenBy, ...]:
    """The program versions that opened ``db`` for writing, oldest first."""
    with db.engine.connect() as conn:
        return read_writers(conn)


def is_demo_project(db: Database) -> bool:
    """Whether the database holds the made-up demo project (marked 演示 on screen and paper)."""
    with db.session() as s:
        return is_demo(s)
