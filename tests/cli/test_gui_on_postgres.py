"""HQ on its PostgreSQL server: ``relocation-desk copy-to-server`` moves a project file there
(every row, the audit chain still whole), a second copy is refused, and
``relocation-desk gui --db postgresql://…`` opens the same app on it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from relocation_desk.storage.base import Base
from relocation_desk.storage.db import open_database
from tests.cli.test_cli import cli, login_of


@pytest.mark.gui
def test_copy_to_server_then_the_gui_opens_on_it(
    tmp_path: Path, demo_db_path: Path, pg_url: URL
) -> None:
    source = tmp_path / "hq.sqlite"
    shutil.copy(demo_db_path, source)
    url = pg_url.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = login_of(source, "admin")
    r = cli("copy-to-server", str(source), "--db", url, "--operator", admin)
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(source) as conn:
        households = conn.execute("SELECT count(*) FROM household").fetchone()[0]
    assert f"已复制到服务器：{households} 户" in r.stdout
    assert f"relocation-desk gui --db {url}" in r.stdout

    lite, server = open_database(source), open_database(pg_url)
    try:
        for table in Base.metadata.sorted_tables:
            with lite.engine.connect() as a, server.engine.connect() as b:
                mine = a.scalar(select(func.count()).select_from(table))
                theirs = b.scalar(select(func.count()).select_from(table))
            # The server's chain has one row more: the copy itself.
            expected = mine + 1 if table.name == "audit_log" else mine
            assert theirs == expected, table.name
    finally:
        lite.close()
        server.close()
    checked = cli("check", "--db", url)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    again = cli("copy-to-server", str(source), "--db", url, "--operator", admin)
    assert again.returncode == 1
    assert "已经有项目数据，没有复制任何内容" in again.stderr + again.stdout
    member = cli(
        "copy-to-server", str(source), "--db", url, "--operator", login_of(source, "member")
    )
    assert member.returncode == 1

    r = cli(
        "gui", "--db", url, "--smoke",
        env={"QT_QPA_PLATFORM": "offscreen", "RELOCATION_DESK_HOME": str(tmp_path / "home")},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert f"smoke ok: rows={households} " in r.stdout
