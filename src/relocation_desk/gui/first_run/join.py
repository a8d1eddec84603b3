"""The adapter between the join page and HQ's join service
(``services.exchange.join.join_project``). Tests replace :func:`join_package`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Joined:
    """What the join page tells the user: which project and team this laptop now works for."""

    path: Path
    project_name: str
    team_name: str


def join_package(package: Path, target: Path, password: str | None) -> Joined:
    """Create the team's project file ``target`` from the join package ``package``."""
    from ...services.exchange.join import join_project

    result = join_project(package, target, password=password)
    return Joined(target, str(result.project_name), str(result.team_name))
