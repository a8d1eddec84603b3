"""A project database copied into an empty PostgreSQL one (HQ's server) for tests and
benchmarks: every table with COPY, in one transaction."""

from __future__ import annotations

from typing import Any

__all__ = ["copy_to_postgres"]


def copy_to_postgres(source: Any, target: Any) -> int:
    """Every row of every table of ``source`` (a Database) into ``target`` (an empty, migrated
    PostgreSQL Database), with COPY; foreign keys are not checked while copying (the rows come
    from a consistent database). Returns the rows copied."""
    from psycopg.types.json import Jsonb
    from sqlalchemy import JSON, select

    from relocation_desk.storage.base import Base

    rows_copied = 0
    raw = target.engine.raw_connection()
    try:
        pg = raw.driver_connection
        with pg.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
            for table in Base.metadata.sorted_tables:
                if table.name == "alembic_version":
                    continue
                cur.execute(f'DELETE FROM "{table.name}"')
                names = [c.name for c in table.columns]
                json_at = [i for i, c in enumerate(table.columns) if isinstance(c.type, JSON)]
                columns = ", ".join(f'"{n}"' for n in names)
                with source.engine.connect() as conn:
                    result = conn.execution_options(stream_results=True).execute(select(table))
                    with cur.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
                        for row in result:
                            values = list(row)
                            for i in json_at:
                                if values[i] is not None:
                                    values[i] = Jsonb(values[i])
                            copy.write_row(values)
                            rows_copied += 1
                for column in table.columns:  # integer keys with a sequence: carry on after
                    if column.primary_key and column.autoincrement is True:
                        cur.execute(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', "
                            f"'{column.name}'), coalesce(max(\"{column.name}\"), 0) + 1, false) "
                            f'FROM "{table.name}"'
                        )
            cur.execute("SET session_replication_role = DEFAULT")
        pg.commit()
        with pg.cursor() as cur:
            pg.autocommit = True
            cur.execute("VACUUM ANALYZE")
    finally:
        raw.close()
    return rows_copied
