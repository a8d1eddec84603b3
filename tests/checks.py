"""Checks that need a program outside Python (PostgreSQL, LibreOffice).

Under ``.ci/run`` (``RD_STRICT_CHECKS=1``) a check that cannot run fails the run instead of
being skipped, so a missing server or program never turns the suite quietly green; the
conftest reports every other skip as a failure there too, unless its reason starts with
"not applicable". ``python3 dev.py test`` installs what these checks need.
"""

from __future__ import annotations

import os
import shutil

import pytest

STRICT = os.environ.get("RD_STRICT_CHECKS") == "1"


def require_program(name: str, why: str) -> str:
    """The path of ``name``; skips the test where it is missing (fails under strict checks)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed ({why}); python3 dev.py test installs it"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    return path
