"""Wall notice PDF timings: canvas drawing vs one platypus Table(repeatRows=1).

Run: .venv/bin/python -m tests.benchmarks.bench_notice [rows ...]  (default 10000 100000)
"""

from __future__ import annotations

import io
import resource
import sys
import time

from relocation_desk.domain.money import format_fen
from relocation_desk.domain.units import format_area
from relocation_desk.reports import pdf_fonts
from relocation_desk.reports.notice_pdf import render_round

from .notice_rows import synthetic_round


def platypus_baseline(n: int) -> float:
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
    t0 = time.perf_counter()
    table = Table(data, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), pdf_fonts.MAIN, 10)]))
    SimpleDocTemplate(io.BytesIO(), pagesize=landscape(A3)).build([table])
    return time.perf_counter() - t0


def canvas(n: int) -> tuple[float, int]:
    view = synthetic_round(n)
    t0 = time.perf_counter()
    pages = render_round(view, io.BytesIO())
    return time.perf_counter() - t0, pages


def main(sizes: list[int]) -> None:
    base = platypus_baseline(10_000)
    print(f"platypus Table(repeatRows=1), 10,000 rows: {base:.1f} s")
    for n in sizes:
        secs, pages = canvas(n)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        extra = f", {base / secs:.1f}x faster than platypus" if n == 10_000 else ""
        print(f"canvas, {n:,} rows: {secs:.1f} s, {pages} pages, peak RSS {rss:.0f} MB{extra}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
