"""Speed of 新建空项目 with the first-run wizard's defaults (docs/benchmarks.md): the machine's
part of "first-run wizard to a usable empty project ≤ 1 minute of a person's time"; the
person's part (下一步, 下一步, one password typed twice, 完成) is walked with real clicks in
tests/gui/test_first_run.py.

Run with ``.venv/bin/pytest tests/benchmarks/test_first_run_benchmark.py --benchmark-enable``
(the ordinary suite runs it once, untimed). No assertion on time.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from pytest_benchmark.fixture import BenchmarkFixture

from relocation_desk.paths import resource
from relocation_desk.services.new_project.create import CreatedProject, create_project
from relocation_desk.services.new_project.plan import (
    DEFAULT_GROUPS,
    DEFAULT_TEAM,
    DEFAULT_VILLAGE,
    NewProject,
    TeamPlan,
    VillagePlan,
)


def test_new_empty_project_with_the_defaults(benchmark: BenchmarkFixture, tmp_path: Path) -> None:
    plan = NewProject(
        name="新征收项目", teams=(TeamPlan(*DEFAULT_TEAM),),
        villages=(VillagePlan(DEFAULT_VILLAGE, DEFAULT_GROUPS),),
        scheme_file=resource("schemes", "sample-scheme.json"),
        admin_password="kaishi2026", admin_password_again="kaishi2026",
    )  # fmt: skip
    numbers = itertools.count()

    def make() -> CreatedProject:
        return create_project(tmp_path / f"p{next(numbers)}.sqlite", plan)

    created = benchmark.pedantic(make, rounds=3, iterations=1)
    assert created.path.is_file() and created.scheme_version_id is not None
