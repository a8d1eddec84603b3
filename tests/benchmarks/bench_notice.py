"""Wall notice PDF timings: canvas drawing vs one platypus Table(repeatRows=1).

Run: .venv/bin/python -m tests.benchmarks.bench_notice [rows ...] [--baseline-all] [--cap=S]
(default 10000 100000). Each measurement runs in a fresh process, so its peak RSS is its own;
the platypus baseline is measured in the same run at 10,000 rows (at every size with
--baseline-all; a baseline still running after --cap seconds, default 600, is stopped and
reported as "> S s" — 100,000 rows of platypus take well over 7 CPU minutes and over a GB,
because the one Table is split again for every page). Wall time depends on
what else the machine runs: each line shows the 1-minute load average and the CPU seconds.
Issue #7 targets: 10,000 rows <= 5 s, 100,000 rows <= 40 s and <= 600 MB peak, both >= 3x
faster than the platypus table.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import time

from relocation_desk.domain.money import format_fen
from relocation_desk.domain.units import format_area
from relocation_desk.reports import pdf_fonts
from relocation_desk.reports.notice_pdf import render_round

from .notice_rows import synthetic_round


def platypus_baseline(n: int) -> tuple[float, float]:
    """(wall, cpu) seconds to build ``n`` rows as one platypus Table(repeatRows=1)."""
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    pdf_fonts.register_fonts()
    view = synthetic_round(n)
    data = [["序号", "户主", "村民小组", "家庭人口", "合法面积", "无证面积", "房屋结构",
             *view.columns, "合计", "备注"]]  # fmt: skip
    for r in view.rows:
        d = r.data
        data.append([str(r.seq), d["head_name"], d["group"], str(d["member_count"]),
                     format_area(d["legal_area_dm2"]), format_area(d["unlicensed_area_dm2"]),
                     d["structures"], *(format_fen(d["amounts"][c]) for c in view.columns),
                     format_fen(d["total_fen"]), d["status"]])  # fmt: skip
    t0, c0 = time.perf_counter(), time.process_time()
    table = Table(data, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), pdf_fonts.MAIN, 10)]))
    SimpleDocTemplate(io.BytesIO(), pagesize=landscape(A3)).build([table])
    return time.perf_counter() - t0, time.process_time() - c0


def canvas(n: int) -> int:
    return render_round(synthetic_round(n), io.BytesIO())


def _measure(kind: str, n: int) -> dict[str, float]:
    """Run one case in this process; timings exclude building the synthetic rows."""
    pdf_fonts.register_fonts()
    if kind == "platypus":
        secs, cpu = platypus_baseline(n)
        pages = 0
    else:
        view = synthetic_round(n)
        t0, c0 = time.perf_counter(), time.process_time()
        pages = render_round(view, io.BytesIO())
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"secs": secs, "cpu": cpu, "pages": pages, "rss": rss, "load": os.getloadavg()[0]}


def _child(kind: str, n: int, timeout: float | None = None) -> dict[str, float] | None:
    """One measurement in a fresh process; None if it ran past ``timeout`` seconds."""
    code = f"from tests.benchmarks.bench_notice import _measure; print(__import__('json')" \
           f".dumps(_measure({kind!r}, {n})))"  # fmt: skip
    try:
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True,
            timeout=timeout,
        ).stdout  # fmt: skip
    except subprocess.TimeoutExpired:
        return None
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(sizes: list[int], baseline_all: bool = False, cap: float = 600.0) -> None:
    base: dict[int, float] = {}
    for n in sorted(set(sizes) if baseline_all else {10_000}):
        b = _child("platypus", n, timeout=cap)
        if b is None:  # splitting one huge Table page by page: 100,000 rows take very long
            base[n] = cap
            print(f"platypus Table(repeatRows=1), {n:,} rows: > {cap:.0f} s (stopped),"
                  f" load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
            continue
        base[n] = b["secs"]
        print(f"platypus Table(repeatRows=1), {n:,} rows: {b['secs']:.1f} s (cpu {b['cpu']:.1f} s),"
              f" peak RSS {b['rss']:.0f} MB, load {b['load']:.1f}", flush=True)  # fmt: skip
    for n in sizes:
        r = _child("canvas", n)
        assert r is not None
        extra = ""
        if n in base:
            more = ">= " if base[n] == cap else ""
            extra = f", {more}{base[n] / r['secs']:.1f}x faster than platypus"
        print(f"canvas, {n:,} rows: {r['secs']:.1f} s (cpu {r['cpu']:.1f} s), {r['pages']:.0f} pages,"
              f" peak RSS {r['rss']:.0f} MB, load {r['load']:.1f}{extra}", flush=True)  # fmt: skip


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    cap = next((float(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--cap=")), 600.0)
    main([int(a) for a in args] or [10_000, 100_000], "--baseline-all" in sys.argv, cap)
