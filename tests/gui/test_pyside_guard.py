"""Guard against PySide6 6.12.0 on Python 3.11, which lowers None's refcount on every void
call until CPython aborts (FINDINGS.md). An upgrade that brings the bug back fails here."""

from __future__ import annotations

import sys

import pytest

pytestmark = pytest.mark.gui


def test_void_calls_do_not_consume_none_references(qapp: object) -> None:
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    before = sys.getrefcount(None)
    for i in range(10_000):
        label.setText(str(i))  # a method that returns nothing
    after = sys.getrefcount(None)
    # Other code may take a few references meanwhile; the bug loses 10,000.
    assert after >= before - 100, (before, after)
