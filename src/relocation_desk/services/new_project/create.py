"""The use case behind 新建空项目: a new SQLite project file with its organisation, scheme and
first administrator, each step audited.

Everything is written into ``<target>.partial`` and renamed to the target only when complete:
a failure at any step (a bad scheme file, a full disk) leaves no file behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ...i18n import _
from ...storage import models as m
from ...storage.base import utcnow
from ...storage.db import Database, open_database
from ...storage.errors import StorageError, file_write_error
from ..auth.service import AuthService
from ..households.service import OperatorRef
from ..schemes.service import SchemeService
from .plan import NewProject

__all__ = ["CreatedProject", "ProjectFileExists", "create_project"]


class ProjectFileExists(StorageError):
    """The chosen file already exists; a new project never overwrites a file."""


@dataclass(frozen=True)
class CreatedProject:
    path: Path
    project_name: str
    admin: OperatorRef
    scheme_version_id: uuid.UUID | None


def create_project(
    target: Path, plan: NewProject, *, clock: Callable[[], datetime] = utcnow
) -> CreatedProject:
    """Create the project ``plan`` describes in a new SQLite file ``target``.

    Raises :class:`NewProjectRejected` for bad details, :class:`ProjectFileExists` if
    ``target`` exists, a ``SchemeFileError`` for a bad scheme file, a ``StorageError`` when the
    file cannot be written; in every case no file is left behind.
    """
    plan = plan.checked()
    target = Path(target).expanduser().absolute()
    if target.exists():
        raise ProjectFileExists(
            _("文件 {path} 已经存在；新项目不会覆盖已有文件，请换一个文件名。", path=target),
            path=target,
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise file_write_error(exc, target.parent) from exc
    partial = target.with_name(target.name + ".partial")
    _remove(partial)
    try:
        db = open_database(partial, create=True)
        try:
            _write_organisation(db, plan, clock)
            admin = AuthService(db, clock=clock).create_first_administrator(
                plan.admin_login, plan.admin_name, plan.admin_password
            )
            version_id = None
            if plan.scheme_file is not None:
                schemes = SchemeService(db, admin)
                version_id = schemes.import_file(plan.scheme_file)
                schemes.publish(version_id)
        finally:
            db.close()
        partial.replace(target)
    except BaseException:
        _remove(partial)
        raise
    return CreatedProject(target, plan.name, admin, version_id)


def _write_organisation(db: Database, plan: NewProject, clock: Callable[[], datetime]) -> None:
    """The project, its teams, villages and groups: one transaction, one audit row."""
    now = clock()
    stamps = {"created_at": now, "updated_at": now}
    with db.session(immediate=True) as s, s.begin():
        project = m.Project(id=uuid.uuid4(), code=f"P{now:%Y%m%d%H%M%S}", name=plan.name,
                            county=plan.county, description="", **stamps)  # fmt: skip
        s.add(project)
        s.flush()
        teams: dict[str, uuid.UUID] = {}
        for t in plan.teams:
            team = m.Team(id=uuid.uuid4(), project_id=project.id, code=t.code, name=t.name,
                          leader_name="", **stamps)  # fmt: skip
            s.add(team)
            teams[t.code] = team.id
        first_team = teams[plan.teams[0].code]
        s.flush()
        for n, v in enumerate(plan.villages, start=1):
            village = m.Village(id=uuid.uuid4(), project_id=project.id, name=v.name,
                                code=f"V{n:02d}", team_id=teams.get(v.team_code, first_team),
                                **stamps)  # fmt: skip
            s.add(village)
            s.flush()
            for g in v.groups:
                s.add(m.VillageGroup(id=uuid.uuid4(), village_id=village.id, name=g, **stamps))
        s.add(
            m.AuditLog(
                id=uuid.uuid4(), at=now, operator_id=None, operator_login="",
                action="create_project", entity="project", entity_id=str(project.id),
                household_id=None, before=None,
                after={"name": plan.name, "county": plan.county,
                       "teams": [[t.code, t.name] for t in plan.teams],
                       "villages": [[v.name, list(v.groups)] for v in plan.villages]},
                note=_("新建项目"),
            )
        )  # fmt: skip


def _remove(partial: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
