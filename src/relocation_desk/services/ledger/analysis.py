"""What reading a ledger workbook found: its sheets, each sheet's header, village and group,
its rows and a preview of their outcomes. :func:`.importer.analyse` makes it; the wizard shows
it and :func:`.write.write_plan` records its file name and title."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .detect import SheetHeader
from .rows import RowOutcome


@dataclass
class SheetAnalysis:
    name: str
    header: SheetHeader | None
    village: str
    group: str
    rows: list[tuple[Any, ...]] = field(repr=False, default_factory=list)
    preview: list[RowOutcome] = field(default_factory=list)


@dataclass
class LedgerAnalysis:
    path: Path
    title: str
    sheets: list[SheetAnalysis]
    today: date

    def mapping(self) -> dict[str, dict[str, str]]:
        """sheet → field → column letter, for showing the user."""
        return {
            s.name: {f: c.letter for c in s.header.columns for f in [c.field] if f}
            for s in self.sheets
            if s.header is not None
        }
