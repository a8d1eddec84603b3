"""The project's own rules, checked with every test run: layers, lint, types, translations."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def test_layer_contracts_hold() -> None:
    r = run(str(BIN / "lint-imports"))
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_lint_clean() -> None:
    r = run(str(BIN / "ruff"), "check", "src", "tests", "dev.py", "packaging")
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_format_clean() -> None:
    r = run(str(BIN / "ruff"), "format", "--check", "src", "tests", "dev.py", "packaging")
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_strict_on_domain() -> None:
    r = run(str(BIN / "mypy"))
    assert r.returncode == 0, r.stdout + r.stderr


def _translated_literals() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def _label_tables() -> set[str]:
    from relocation_desk.domain import status

    tables = (
        status.STATUS_LABELS,
        status.STRUCTURE_LABELS,
        status.ROLE_LABELS,
        status.COMPENSATION_METHOD_LABELS,
    )
    return {label for table in tables for label in table.values()}


def test_every_user_text_has_an_english_translation() -> None:
    catalogue = json.loads((ROOT / "resources/i18n/en.json").read_text(encoding="utf-8"))
    missing = sorted((_translated_literals() | _label_tables()) - set(catalogue))
    assert not missing, "add English for:\n" + "\n".join(missing)


def test_english_translations_keep_the_same_fields() -> None:
    import string

    catalogue = json.loads((ROOT / "resources/i18n/en.json").read_text(encoding="utf-8"))

    def fields(s: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(s) if f}

    bad = [k for k, v in catalogue.items() if fields(k) != fields(v)]
    assert not bad, bad
