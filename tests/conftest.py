"""Fixtures shared by the whole suite.

Databases: ``db`` is an open, migrated, empty project ``Database``, once on SQLite (a file
in ``tmp_path``) and once on PostgreSQL (on the server this test run starts, see
``pgserver.py``; marked ``postgres``), so tests that take it run on both backends.
``sqlite_db`` is the SQLite one only. ``new_db_target`` is where a database can be created
(a path, or an empty PostgreSQL database's URL); ``pg_url`` is an empty PostgreSQL database
of the test's own.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import URL

from relocation_desk.storage.base import Base
from relocation_desk.storage.db import Database, open_database

from .checks import STRICT
from .pgserver import NOT_FOUND, PostgresServer, find_bindir

# Tests never need a screen: Qt draws offscreen unless a run asks for a real display, on a
# screen the size of the users' smallest laptops (1366×768), where tests/gui/test_text_fits.py
# checks that every window fits and no text is cut.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    _screen = Path(__file__).parent / "gui" / "offscreen-1366x768.json"
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

_unrun: list[str] = []  # skipped checks, reported (and failing the run) under STRICT


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if STRICT and report.skipped:
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        if not reason.removeprefix("Skipped: ").startswith("not applicable"):
            _unrun.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _unrun:
        print("\n\nChecks that could not run (RD_STRICT_CHECKS=1 makes this a failure):")
        for line in _unrun:
            print("  " + line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# --- PostgreSQL -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for this test run (skipped if not installed, failed in CI)."""
    bindir = find_bindir()
    if bindir is None:
        if STRICT or os.environ.get("CI"):
            pytest.fail(NOT_FOUND)
        pytest.skip(NOT_FOUND)
    server = PostgresServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_shared(pg_server: PostgresServer) -> URL:
    """A migrated database the ``db`` fixture empties after each test (CREATE DATABASE
    takes a third of a second here; emptying 27 small tables takes milliseconds)."""
    url = pg_server.url(pg_server.create_database(name="rd_shared"))
    open_database(url, create=True).close()
    return url


def _empty_all_tables(server: PostgresServer, url: URL) -> None:
    with server.connect(url.database or "") as conn:
        # A test that left a session open must not make the next one wait for its locks.
        conn.execute(
            b"SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            b" WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        conn.execute(b"SET lock_timeout = '5s'")
        with conn.transaction():
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(f'DELETE FROM "{table.name}"'.encode())


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[URL]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)


# --- Both backends -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "project.sqlite"
    open_database(path, create=True).close()  # closing checkpoints the WAL: one file
    return path


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "project.sqlite"
    shutil.copyfile(sqlite_template, path)
    db = open_database(path)
    yield db
    db.close()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An open, migrated, empty project database on SQLite and on PostgreSQL.

    The PostgreSQL one is shared and emptied afterwards: a test that changes the schema
    must use ``pg_url`` (a database of its own) instead.
    """
    if request.param == "sqlite":
        path = tmp_path / "project.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        database = open_database(path)
        yield database
        database.close()
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    url: URL = request.getfixturevalue("pg_shared")
    database = open_database(url)
    yield database
    database.close()
    _empty_all_tables(server, url)


@pytest.fixture(params=BACKENDS)
def new_db_target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | URL:
    """Where a new database can be created: a SQLite path, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "new.sqlite"
    url: URL = request.getfixturevalue("pg_url")
    return url


# --- Demo project -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo project (read-only by convention: copy it before changing anything)."""
    from datetime import date

    from relocation_desk.services.demo.generator import generate_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    generate_demo(path, households=250, seed=3, today=date(2026, 11, 23))
    return path


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests never touch the real user's settings, demo project or logs."""
    home = tmp_path_factory.getbasetemp() / "user-home"
    monkeypatch.setenv("RELOCATION_DESK_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
