"""Fuzz every command-line argument that takes text, in-process through ``main(argv)``.

Each input ends in exit code 0 (done) or 1 (a one-line user error): never 2 (a bug), never a
traceback. Values go in as ``--option=VALUE`` so that values starting with ``-`` reach the
command. Files the commands write land in a temporary folder; a hostile ``--out`` is kept
inside it (no ``..``, no absolute paths) — missing folders, devices and folders as files are
in the explicit cases of tests/cli/test_error_path.py.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relocation_desk.cli.main import main
from relocation_desk.i18n import set_language

from .corpus import HOSTILE, fuzz_settings, hostile_text, timed

pytestmark = pytest.mark.fuzz

DEMO_PASSWORD = "demo"  # the demo project's password for every operator
BUG_MARK = "程序内部出错"  # in the one line the CLI prints for a bug (cli/failures.py)

# Command lines with one slot {V}; {DB}, {HH}, {OP}, {VIL}, {OUT} are filled from the project.
# {VOUT} marks a slot for a file to write, {VFILE} a slot for a file to read.
TEMPLATES: list[str] = [
    "info --db={V}",
    "pay --db={DB} --household={HH} --amount={V} --date=2026-06-01 --operator={OP}",
    "pay --db={DB} --household={V} --amount=1 --date=2026-06-01 --operator={OP}",
    "pay --db={DB} --household={HH} --amount=1 --date={V} --operator={OP}",
    "pay --db={DB} --household={HH} --amount=0.01 --date=2026-06-01 --payee={V} --operator={OP}",
    "pay --db={DB} --household={HH} --amount=0.01 --date=2026-06-01 --voucher={V} --operator={OP}",
    "milestone --db={DB} --household={HH} --kind=vacated --date={V} --operator={OP}",
    "milestone --db={DB} --household={HH} --kind=keys --date=2026-06-01 --note={V} --operator={OP}",
    "notice --db={DB} --kind=survey --village={V} --out={OUT}/n.pdf --operator={OP}",
    "notice --db={DB} --kind=survey --village={VIL} --group={V} --out={OUT}/n.pdf --operator={OP}",
    "notice --db={DB} --kind=survey --village={VIL} --from={V} --out={OUT}/n.pdf --operator={OP}",
    "verify-notice --db={DB} --code={V}",
    "agreement --db={DB} --household={V} --out={OUT}/a.pdf --operator={OP}",
    "agreement --db={DB} --household={HH} --sign={V} --witness=张三 --operator={OP}",
    "agreement --db={DB} --household={HH} --sign=2026-06-01 --witness={V} --operator={OP}",
    "calc --db={DB} --household={V} --operator={OP}",
    "calc --db={DB} --household={HH} --as-of={V} --operator={OP}",
    "check-calc --db={DB} --household={V} --operator={OP}",
    "payments --db={DB} --out={OUT}/p.xlsx --team={V} --operator={OP}",
    "daily-report --db={DB} --date={V} --out={OUT}/d.xlsx --operator={OP}",
    "daily-report --db={DB} --date=2026-06-01 --team={V} --out={OUT}/d.xlsx --operator={OP}",
    "daily-report --db={DB} --date=2026-06-01 --out={VOUT} --operator={OP}",
    "scheme export --db={DB} --version=1 --scheme={V} --out={OUT}/s.json",
    "scheme export --db={DB} --version={V} --out={OUT}/s.json",
    "scheme import --db={DB} --file={VFILE} --operator={OP}",
    "import-ledger {VFILE} --db={DB} --dry-run --operator={OP}",
    "backup --db={DB} --out={VOUT}",
    "create-admin --db={DB} --login={V} --name={V}",
    "--lang={V} info --db={DB}",
]


@dataclass
class Project:
    db: Path
    out: Path
    household: str
    operator: str
    village: str


@pytest.fixture(scope="module")
def project(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("fuzz-cli")
    db = folder / "project.sqlite"
    shutil.copyfile(demo_db_path, db)
    out = folder / "out"
    out.mkdir()
    with sqlite3.connect(db) as conn:
        (household,) = conn.execute("SELECT code FROM household ORDER BY code LIMIT 1").fetchone()
        (operator,) = conn.execute(
            "SELECT login FROM operator WHERE role = 'hq' ORDER BY login LIMIT 1"
        ).fetchone()
        (village,) = conn.execute("SELECT name FROM village ORDER BY name LIMIT 1").fetchone()
    yield Project(db, out, household, operator, village)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _argv(template: str, value: str, p: Project) -> list[str]:
    if "{VOUT}" in template:
        # Kept inside the output folder: no absolute paths, no way up.
        safe = value.replace("..", "__").replace("\x00", "").lstrip("/") or "x"
        template = template.replace("{VOUT}", str(p.out / safe))
    if "{VFILE}" in template:
        source = p.out / "input.bin"
        source.write_text(value, encoding="utf-8", errors="surrogatepass")
        template = template.replace("{VFILE}", str(source))
    parts = template.split(" ")
    filled = {"{DB}": str(p.db), "{HH}": p.household, "{OP}": p.operator, "{VIL}": p.village,
              "{OUT}": str(p.out)}  # fmt: skip
    out = []
    for part in parts:
        for key, text in filled.items():
            part = part.replace(key, text)
        out.append(part.replace("{V}", value))
    return out


def run(argv: list[str]) -> tuple[int, str]:
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage errors and --help
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            set_language("zh_CN")
    return code, err.getvalue()


def check(argv: list[str]) -> None:
    command = next((a for a in argv if not a.startswith("-")), "?")
    with timed("cli." + command, argv):
        code, err = run(argv)
    assert "Traceback" not in err, (argv, err)
    assert BUG_MARK not in err, (argv, err)
    # verify-notice answers "tampered or unknown code" with 2, as its --help documents.
    allowed = (0, 1, 2) if argv[0] == "verify-notice" else (0, 1)
    assert code in allowed, (argv, code, err)
    if code != 0:
        assert err.strip(), argv


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch, project: Project) -> Project:
    monkeypatch.setenv("RD_PASSWORD", DEMO_PASSWORD)
    monkeypatch.chdir(project.out)
    return project


@fuzz_settings(120)
@given(template=st.sampled_from(TEMPLATES), value=hostile_text(max_size=60))
def test_every_text_argument(signed_in: Project, template: str, value: str) -> None:
    check(_argv(template, value, signed_in))


# The corpus through the arguments that are read before the database is opened (cheap):
# amounts and dates. Paths and files are in tests/cli/test_error_path.py.
@pytest.mark.parametrize("value", HOSTILE)
def test_corpus_as_amount_and_date(signed_in: Project, value: str) -> None:
    check(_argv(TEMPLATES[1], value, signed_in))
    check(_argv(TEMPLATES[3], value, signed_in))


ISSUE_CASES = [
    "pay --db x --household A --amount=-- --date 2026-06-01",
    "info --db foo://bar",
    "info --db /proc/version",
    "backup --db {DB} --out /proc/version",
    "import-ledger /dev/zero --db {DB}",
    "scheme import --db {DB} --file /dev/urandom --operator {OP}",
    "daily-report --db {DB} --date 0001-01-01 --out {OUT}/d.xlsx",
    "notice --db {DB} --kind survey --village {VIL} --from 9999-12-31 --out {OUT}/n.pdf "
    "--operator {OP}",
]


@pytest.mark.parametrize("command", ISSUE_CASES)
def test_the_cases_of_the_issue(signed_in: Project, command: str) -> None:
    filled = [
        a.replace("{DB}", str(signed_in.db)).replace("{OP}", signed_in.operator)
        .replace("{VIL}", signed_in.village).replace("{OUT}", str(signed_in.out))
        for a in command.split()
    ]  # fmt: skip
    with timed("cli.issue", filled):
        code, err = run(filled)
    assert code == 1 and "Traceback" not in err and err.strip(), (filled, code, err)
