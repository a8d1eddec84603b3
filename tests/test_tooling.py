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
    from relocation_desk.domain import permissions, status

    tables = (
        status.STATUS_LABELS,
        status.STRUCTURE_LABELS,
        status.ROLE_LABELS,
        status.COMPENSATION_METHOD_LABELS,
        permissions.ACTION_LABELS,
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


def _import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports (type-checking imports included: a circle
    there is still a circle for whoever reads the code)."""
    src = ROOT / "src"
    modules: dict[str, tuple[Path, bool]] = {}
    for path in (src / "relocation_desk").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(src).with_suffix("").parts
        package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if package else parts)] = (path, package)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, package) in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = name.split(".") if package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                full = f"{target}.{alias.name}"
                if full in modules:
                    graph[name].add(full)
                elif target in modules and target != name:
                    graph[name].add(target)
    return graph


def test_no_import_circles() -> None:
    graph = _import_graph()
    # Tarjan's strongly connected components, iteratively.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    assert not circles, "modules that import each other:\n" + "\n".join(map(str, circles))


def _machine_clock_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """Calls that take "today" or "now" from the machine's zone: ``date.today()``,
    ``datetime.today()``, ``datetime.utcnow()``, ``datetime.now()`` without a zone,
    ``x.astimezone()`` without one, Qt's ``QDate.currentDate()`` /
    ``QDateTime.currentDateTime()`` and ``time.localtime()``."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name, owner = node.func.attr, node.func.value
        owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
        bare = not node.args and not node.keywords
        naive_now = name == "now" and (
            bare or (len(node.args) == 1 and isinstance(node.args[0], ast.Constant))
        )
        if (
            (name == "today" and owner_name in ("date", "datetime"))
            or (name == "utcnow" and owner_name == "datetime")
            or (naive_now and owner_name == "datetime")
            or (name == "astimezone" and bare)
            or (name == "currentDate" and owner_name == "QDate")
            or (name == "currentDateTime" and owner_name == "QDateTime")
            or (name == "localtime" and owner_name == "time")
        ):
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_one_project_clock() -> None:
    """Every date and time the program decides comes from ``services/clock.py`` (the
    project's time zone), never from the machine's zone."""
    src = ROOT / "src" / "relocation_desk"
    clock = src / "services" / "clock.py"
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in sorted(src.rglob("*.py"))
        if path != clock
        for line, text in _machine_clock_reads(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not offenders, "use services.clock (project_today, project_now, shown):\n" + "\n".join(
        offenders
    )


def test_the_clock_check_finds_machine_clock_reads() -> None:
    code = (
        "date.today()\ndatetime.date.today()\ndatetime.now()\ndatetime.now(None)\n"
        "datetime.utcnow()\nt.astimezone()\nQDate.currentDate()\n"
        "QDateTime.currentDateTime()\ntime.localtime()\n"
        "datetime.now(UTC)\nt.astimezone(zone)\nproject_today(db)\nQDate(2026, 3, 2)\n"
    )
    found = [line for line, _text in _machine_clock_reads(ast.parse(code))]
    assert found == [1, 2, 3, 4, 5, 6, 7, 8, 9]
