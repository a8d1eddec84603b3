"""The Linux bundle builds and works: packaging/build-linux builds it with PyInstaller and
smoke-tests the built program (version, a demo project, a wall notice PDF, the window).

It takes minutes, so it runs under .ci/run (RD_STRICT_CHECKS=1) or when RD_BUILD_BUNDLE=1."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .checks import STRICT

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_linux_bundle_builds_and_passes_its_smoke_test() -> None:
    if not (STRICT or os.environ.get("RD_BUILD_BUNDLE") == "1"):
        pytest.skip("not applicable: the bundle is built under .ci/run or with RD_BUILD_BUNDLE=1")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELOCATION_DESK_")}
    r = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build-linux")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    assert "smoke test passed" in r.stdout
    version = subprocess.run(
        [str(ROOT / "dist" / "relocation-desk" / "relocation-desk"), "--version"],
        capture_output=True,
        text=True,
        env=env,
    )
    from relocation_desk import __version__

    assert version.stdout.strip() == f"relocation-desk {__version__}"
