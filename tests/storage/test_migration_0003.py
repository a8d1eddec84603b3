"""Revision 0003 upgrades a 0002 database with operators in it: they keep their rows and get
no password (they cannot sign in until the administrator sets one), on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import URL

from relocation_desk.services.auth.service import AuthService, SignInRefused
from relocation_desk.storage import migrate
from relocation_desk.storage.db import open_database
from relocation_desk.storage.engine import create_engine_for

from .factories import make_project

# The operator table as revision 0002 left it (the models have moved on).
OPERATOR_0002 = sa.table(
    "operator",
    *(sa.column(c, sa.Uuid()) for c in ("id", "project_id", "team_id")),
    *(sa.column(c, sa.String()) for c in ("login", "name", "role", "phone")),
    sa.column("active", sa.Boolean()),
    *(sa.column(c, sa.DateTime(timezone=True)) for c in ("created_at", "updated_at")),
)


def test_operators_of_an_upgraded_database_have_no_password(new_db_target: Path | URL) -> None:
    engine = create_engine_for(new_db_target)
    try:
        migrate.upgrade(engine, "0002")
    finally:
        engine.dispose()
    with open_database(new_db_target, migrate=False) as db, db.session() as s, s.begin():
        project, team, _village = make_project(s)
        project_id, team_id = project.id, team.id
    engine = create_engine_for(new_db_target)
    try:
        now = datetime.now(UTC)
        with engine.begin() as conn:
            for login, role in (("admin", "admin"), ("zhangwei", "member")):
                conn.execute(OPERATOR_0002.insert().values(
                    id=uuid.uuid4(), project_id=project_id,
                    team_id=team_id if role == "member" else None, login=login, name=login,
                    role=role, phone="", active=True, created_at=now, updated_at=now,
                ))  # fmt: skip
        migrate.upgrade(engine, "0003")
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT login, password_hash, must_change_password, failed_sign_ins, locked_until"
                " FROM operator ORDER BY login"
            )).all()  # fmt: skip
        assert [tuple(r) for r in rows] == [
            ("admin", "", False, 0, None),
            ("zhangwei", "", False, 0, None),
        ]
    finally:
        engine.dispose()
    with open_database(new_db_target) as db:  # on to the newest revision
        auth = AuthService(db)
        with pytest.raises(SignInRefused) as info:
            auth.sign_in("zhangwei", "anything-1")
        assert info.value.reason == "no_password"
        assert auth.needs_first_administrator()
        assert auth.first_administrator_suggestion() == ("admin", "admin")
        admin = auth.create_first_administrator("admin", "王管理", "admin-pass-1")
        auth.reset_password(admin, "zhangwei", "temporary-1")
        assert auth.sign_in("zhangwei", "temporary-1").must_change_password
