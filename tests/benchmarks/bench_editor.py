"""Opening the household editor on a large project (target ≤ 100 ms), for docs/benchmarks.md.

QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_editor.py --db big.sqlite
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import time
import uuid
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--samples", type=int, default=30)
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.editor.window import HouseholdEditor
    from relocation_desk.services.households.drafts import DraftStore
    from relocation_desk.services.households.service import HouseholdService, operators
    from relocation_desk.storage.db import open_database

    dialogs.ask_restore_draft = lambda *a, **k: False  # no drafts in play here
    make_app()
    db = open_database(args.db)
    service = HouseholdService(db, operators(db)[0])
    drafts = DraftStore(db)
    with sqlite3.connect(args.db) as conn:
        ids = [uuid.UUID(hex=r[0]) for r in conn.execute("select id from household")]
    rng = random.Random(5)
    HouseholdEditor(service, drafts, ids[0]).deleteLater()  # choice lists are read once
    times = []
    for hid in rng.sample(ids, args.samples):
        start = time.perf_counter()
        editor = HouseholdEditor(service, drafts, hid)
        editor.show()
        editor.repaint()
        times.append(time.perf_counter() - start)
        editor.close()
        editor.deleteLater()
    print(
        f"| open a household in the editor, {len(ids):,} households (median / max of "
        f"{len(times)}) | {statistics.median(times) * 1000:.0f} / {max(times) * 1000:.0f} ms "
        "| ≤ 100 ms |"
    )


if __name__ == "__main__":
    main()
