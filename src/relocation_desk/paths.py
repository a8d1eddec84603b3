"""Where the application's shipped resources and per-user files live.

Resources (fonts, sample schemes, templates) sit in the repository's top-level ``resources/``
folder. An installed wheel carries them inside the package as ``relocation_desk/resources``;
``RELOCATION_DESK_RESOURCES`` overrides both (used by packaging and tests).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import platformdirs

APP_NAME = "relocation-desk"


@cache
def resources_dir() -> Path:
    """The folder holding the shipped resources; raises if it cannot be found."""
    candidates: list[Path] = []
    env = os.environ.get("RELOCATION_DESK_RESOURCES")
    if env:
        candidates.append(Path(env))
    here = Path(__file__).resolve().parent
    candidates.append(here / "resources")  # installed wheel
    candidates.append(here.parents[1] / "resources")  # source checkout (src layout)
    for c in candidates:
        if (c / "fonts").is_dir():
            return c
    raise FileNotFoundError(
        "Relocation Desk resources not found; looked in: " + ", ".join(str(c) for c in candidates)
    )


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def user_data_dir() -> Path:
    """Per-user data folder (demo project, logs, settings); created on demand."""
    d = Path(os.environ.get("RELOCATION_DESK_HOME") or platformdirs.user_data_dir(APP_NAME))
    d.mkdir(parents=True, exist_ok=True)
    return d


# The project the README's run command opens on first start (generated when missing).
DEMO_HOUSEHOLDS = 3000


def demo_database() -> Path:
    return user_data_dir() / "demo" / "demo.sqlite"


USER_GUIDE_FILES = {"zh_CN": "用户手册.pdf", "en": "user-guide.pdf"}


def user_guide(language: str) -> Path:
    """The printable user guide in ``language`` (zh_CN or en; others get the Chinese one).

    A bundle carries the PDFs in ``relocation_desk/user-guide``; a source checkout has them in
    ``docs/user-guide``. The path is returned even when the file is missing, so the caller can
    say which file it looked for.
    """
    name = USER_GUIDE_FILES.get(language, USER_GUIDE_FILES["zh_CN"])
    here = Path(__file__).resolve().parent
    candidates = (here / "user-guide" / name, here.parents[1] / "docs" / "user-guide" / name)
    for c in candidates:
        if c.is_file():
            return c
    return candidates[-1]
