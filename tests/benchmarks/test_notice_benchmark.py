"""Wall notice PDF at 2,000 synthetic rows (figures: bench_notice.py)."""

from __future__ import annotations

from relocation_desk.reports.notice_pdf import render_round

from .notice_rows import synthetic_round


def test_notice_pdf_benchmark(benchmark, tmp_path) -> None:  # type: ignore[no-untyped-def]
    view = synthetic_round(2_000)
    pages = benchmark.pedantic(
        render_round, args=(view, tmp_path / "n.pdf"), rounds=1, iterations=1
    )
    assert pages > 40
