"""The collector never runs on a worker thread of run_busy / run_with_progress: a collection
there could free Qt objects' wrappers off the GUI thread, which crashes Qt."""

from __future__ import annotations

import gc

import pytest

pytestmark = pytest.mark.gui


def test_run_busy_pauses_the_collector_while_the_worker_runs(qtbot) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.background import run_busy

    make_app()
    assert gc.isenabled()
    assert run_busy(None, "…", gc.isenabled) is False
    assert gc.isenabled()  # and back once the worker ended


def test_run_with_progress_pauses_the_collector_while_the_worker_runs(qtbot) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.progress_dialog import run_with_progress

    make_app()
    assert gc.isenabled()
    assert run_with_progress(None, "…", lambda _progress: gc.isenabled()) is False
    assert gc.isenabled()
