"""Alembic, configured in code: the migration scripts ship inside the package.

No ``alembic.ini`` is read at run time. ``upgrade`` runs every pending revision in one
transaction: on PostgreSQL DDL is transactional anyway; on SQLite it is too, because our
engine emits a real ``BEGIN`` (see ``db.create_engine_for``), and the write lock is taken
first (``BEGIN IMMEDIATE``) so two program windows cannot migrate at once.
"""

from __future__ import annotations

import ast
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, text

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# More folders of revisions; tests put a throw-away "newer" revision here.
EXTRA_VERSION_LOCATIONS: list[Path] = []
# Key of the PostgreSQL advisory lock held while migrating (HQ clients starting together).
_PG_LOCK_KEY = 0x526C446B


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for our scripts; ``connection`` is the one to migrate."""
    from alembic.config import Config  # late: importing Alembic costs 0.2 s at start-up

    cfg = Config()
    locations = [MIGRATIONS_DIR / "versions", *EXTRA_VERSION_LOCATIONS]

    def opt(p: Path) -> str:
        return str(p).replace("%", "%%")  # ConfigParser interpolation

    cfg.set_main_option("script_location", opt(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(opt(p) for p in locations))
    cfg.attributes["connection"] = connection
    return cfg


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


# Opening a database only needs to know which revisions exist and which are heads. Reading
# that from the scripts' source spares importing Alembic at every start (tests check the
# answer against Alembic's own).


def head_revisions() -> tuple[str, ...]:
    graph = _revision_graph(tuple(EXTRA_VERSION_LOCATIONS))
    parents = {p for downs in graph.values() for p in downs}
    return tuple(sorted(r for r in graph if r not in parents))


def is_known_revision(revision: str) -> bool:
    return revision in _revision_graph(tuple(EXTRA_VERSION_LOCATIONS))


@cache
def _revision_graph(extra: tuple[Path, ...]) -> dict[str, tuple[str, ...]]:
    """Each revision and the revisions it follows (its ``down_revision``)."""
    graph: dict[str, tuple[str, ...]] = {}
    for folder in (MIGRATIONS_DIR / "versions", *extra):
        for script in sorted(folder.glob("*.py")):
            values = _module_constants(script, ("revision", "down_revision"))
            revision, down = values.get("revision"), values.get("down_revision")
            if isinstance(revision, str):
                graph[revision] = (down,) if isinstance(down, str) else tuple(down or ())
    return graph


def _module_constants(script: Path, names: tuple[str, ...]) -> dict[str, Any]:
    """Literal values assigned to ``names`` at the top level of a Python file."""
    found: dict[str, Any] = {}
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        target: ast.expr
        if isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in names and value is not None:
            found[target.id] = ast.literal_eval(value)
    return found


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Upgrade the database to ``revision`` in a single transaction."""
    from alembic import command

    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # A batch-mode table rebuild drops and re-creates tables others refer to; SQLite's
            # ALTER TABLE recipe turns foreign keys off for that and checks them at the end.
            # The switch only works outside a transaction, so it goes to the driver directly.
            _driver_execute(conn, "PRAGMA foreign_keys = OFF")
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        try:
            with conn.begin():
                if not sqlite:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
                # Alembic reads the current revision inside this transaction, so a second
                # window that waited for the lock finds the work done and does nothing.
                command.upgrade(alembic_config(conn), revision)
                if sqlite:
                    bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(5)
                    if bad:
                        raise RuntimeError(f"foreign key violations after migrating: {bad}")
        finally:
            if sqlite and not conn.invalidated:
                _driver_execute(conn, "PRAGMA foreign_keys = ON")


def stamp(engine: Engine, revision: str) -> None:
    """Record ``revision`` without running anything (tests, repairs)."""
    from alembic import command

    with engine.begin() as conn:
        command.stamp(alembic_config(conn), revision)


def _driver_execute(conn: Connection, sql: str) -> None:
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    dbapi.execute(sql)
