"""Alembic environment for Relocation Desk.

At run time ``storage.migrate`` passes an open connection (already inside the transaction)
through ``config.attributes["connection"]``. Developers can also run the ``alembic`` command
with the repository's ``alembic.ini`` (``sqlalchemy.url`` there, or ``-x url=…``).
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from relocation_desk.storage import models  # noqa: F401  (registers every table)
from relocation_desk.storage.base import Base, UtcDateTime
from relocation_desk.storage.engine import APPLICATION_ID, create_engine_for

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our column types as plain SQLAlchemy types (no application import needed)."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        # Batch mode: SQLite can only ALTER TABLE by rebuilding the table.
        render_as_batch=True,
        render_item=render_item,
        compare_type=True,
        # Our engine emits a real BEGIN on SQLite, so its DDL is transactional too.
        transactional_ddl=True,
        transaction_per_migration=False,
        **kwargs,
    )


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give a database: sqlalchemy.url in alembic.ini or -x url=…")
    return url


def _run(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            # Marks the file as ours (db.py refuses other SQLite files). Transactional.
            connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine_for(_url())
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                # Batch-mode table rebuilds need foreign keys off (as in storage.migrate);
                # the switch works only outside a transaction, so it goes to the driver.
                dbapi = connection.connection.driver_connection
                assert dbapi is not None
                dbapi.execute("PRAGMA foreign_keys = OFF")
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
