"""A small streaming .xlsx writer for big tables: rows go straight into the zip file.

Why not openpyxl's write-only mode: measured here it costs ~21 µs per cell (1.2 million cells
in 26 s, no lxml); a full ledger of 100,000 households is ~20 million cells (members,
buildings, attachments, calculation lines), minutes instead of the budget of 60 s. This
writer builds each row's XML from pre-made fragments (~1 µs per cell) and streams it through
``zipfile``, so memory stays flat whatever the size. It writes only what a ledger needs:
typed columns (text, integer, money, area, date), a bold header row that is frozen and
filtered, and column widths; optionally a bold totals row after the filtered range and a print
set-up (A4 landscape fitted to the page width, header row repeated, a page-number footer).
The output opens in Excel, WPS, LibreOffice and openpyxl.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

# Column kinds → cell style index in styles.xml below.
TEXT, INTEGER, MONEY, AREA, DATE, GENERAL = "text", "int", "money", "area", "date", "general"
_STYLE = {GENERAL: 0, TEXT: 2, MONEY: 3, AREA: 4, DATE: 5, INTEGER: 6}
_HEADER_STYLE = 1
# Totals row (bold): text, money, integer.
_TOTAL_STYLE = {MONEY: 8, INTEGER: 9}
_TOTAL_TEXT_STYLE = 7
# Row fills (``add_sheet(row_fill=…)``): name → colour; each fill has one cell style per column
# kind after the ten fixed ones, in the order of _KIND_ORDER.
FILLS = {"green": "FFE2EFDA", "pale_green": "FFEFF6EA", "grey": "FFEDEDED", "red": "FFF8CBAD",
         "yellow": "FFFFF2CC"}  # fmt: skip
_KIND_ORDER = (GENERAL, TEXT, MONEY, AREA, DATE, INTEGER)
_KIND_FORMAT = {GENERAL: 0, TEXT: 49, MONEY: 4, AREA: 2, DATE: 164, INTEGER: 1}
_EPOCH = date(1899, 12, 30).toordinal()
_ILLEGAL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)], None)

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="宋体"/><family val="2"/></font>
<font><b/><sz val="11"/><name val="宋体"/><family val="2"/></font></fonts>
<fills count="FILL_COUNT"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>ROW_FILLS</fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="XF_COUNT">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="4" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>
<xf numFmtId="1" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>
ROW_XFS</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def _styles() -> str:
    fills = "".join(
        f'<fill><patternFill patternType="solid"><fgColor rgb="{rgb}"/><bgColor indexed="64"/>'
        "</patternFill></fill>"
        for rgb in FILLS.values()
    )
    xfs = "".join(
        f'<xf numFmtId="{_KIND_FORMAT[kind]}" fontId="0" fillId="{3 + f}" borderId="0" xfId="0" '
        'applyNumberFormat="1" applyFill="1"/>'
        for f in range(len(FILLS))
        for kind in _KIND_ORDER
    )
    return (
        _STYLES.replace("FILL_COUNT", str(3 + len(FILLS)))
        .replace("ROW_FILLS", fills)
        .replace("XF_COUNT", str(10 + len(FILLS) * len(_KIND_ORDER)))
        .replace("ROW_XFS", xfs)
    )


def _filled(kind: str, fill: str) -> int:
    """The cell style of a column kind on a row with ``fill``."""
    return 10 + list(FILLS).index(fill) * len(_KIND_ORDER) + _KIND_ORDER.index(kind)


def _text(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    if not text.isprintable():
        text = text.translate(_ILLEGAL)
    if "&" in text or "<" in text or ">" in text:
        text = escape(text)
    return text


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, bool) else str(value)


def _row_function(kinds: Sequence[str], fill: str | None = None) -> Any:
    """A function (row number, values) → the row's XML, generated for these column kinds
    (and a row fill): one expression per column, no per-cell dispatch (this is the inner loop
    of a 20-million cell export)."""
    parts = []
    for i, kind in enumerate(kinds):
        s = _STYLE[kind] if fill is None else _filled(kind, fill)
        text = f'\'<c t="inlineStr" s="{s}"><is><t xml:space="preserve">\' + _text(v) + \'</t></is></c>\''
        if kind == TEXT:
            cell = text
        elif kind == DATE:
            cell = f"('<c s=\"{s}\"><v>' + str(v.toordinal() - {_EPOCH}) + '</v></c>' if hasattr(v, 'toordinal') else {text})"
        elif kind in (MONEY, AREA):
            cell = f"('<c s=\"{s}\"><v>' + repr(v / 100) + '</v></c>' if not isinstance(v, str) else {text})"
        else:
            cell = f"('<c s=\"{s}\"><v>' + _number(v) + '</v></c>' if not isinstance(v, str) else {text})"
        parts.append(f"('<c/>' if (v := r[{i}]) is None or v == '' else {cell})")
    body = " + ".join(parts) if parts else "''"
    source = f"def fmt(n, r):\n    return '<row r=\"' + str(n) + '\">' + {body} + '</row>'\n"
    scope: dict[str, Any] = {"_text": _text, "_number": _number}
    exec(compile(source, "<xlsx row>", "exec"), scope)
    return scope["fmt"]


def _totals_row(n: int, kinds: Sequence[str], values: Sequence[Any]) -> str:
    cells = []
    for kind, v in zip(kinds, values, strict=True):
        if v is None or v == "":
            cells.append("<c/>")
        elif kind in _TOTAL_STYLE and not isinstance(v, str):
            number = repr(v / 100) if kind in (MONEY, AREA) else _number(v)
            cells.append(f'<c s="{_TOTAL_STYLE[kind]}"><v>{number}</v></c>')
        else:
            cells.append(
                f'<c t="inlineStr" s="{_TOTAL_TEXT_STYLE}"><is><t xml:space="preserve">{_text(v)}</t></is></c>'
            )
    return f'<row r="{n}">' + "".join(cells) + "</row>"


def _quoted_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _col(index: int) -> str:
    n, out = index + 1, ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


class StreamingWorkbook:
    """``with StreamingWorkbook(path) as wb: wb.add_sheet(name, columns, rows)``.

    ``mark``: text every sheet shows in its header row after the table's columns and one
    blank column, and in the centre of its printed page header (the demo project's 演示数据).
    """

    def __init__(self, path: str | Path, *, mark: str = "") -> None:
        self._path = Path(path)
        self._mark = mark
        self._zip = zipfile.ZipFile(self._path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[str] = []
        self._print_titles: list[int] = []  # sheet indexes whose header row repeats in print

    def add_sheet(
        self,
        name: str,
        columns: Sequence[tuple[str, str, float]],
        rows: Iterable[Sequence[Any]],
        *,
        totals: Sequence[Any] | None = None,
        landscape: bool = False,
        footer: str = "",
        page_header: str = "",
        row_fill: Callable[[Sequence[Any]], str | None] | None = None,
    ) -> int:
        """``columns``: (header, kind, width). Returns the number of data rows written.

        ``totals``: a bold last row outside the filter (money and integers as numbers, anything
        else as text). ``landscape``: print on A4 landscape fitted to the page width with the
        header row on every page. ``footer``: centred footer text (``&P`` page, ``&N`` pages).
        ``page_header``: page header text, left | right separated by a tab (title | date).
        ``row_fill``: row values → a name of :data:`FILLS` to colour the row, or None.
        """
        self._sheets.append(name)
        index = len(self._sheets)
        if landscape:
            self._print_titles.append(index - 1)
        kinds = [k for _h, k, _w in columns]
        last = _col(len(columns) - 1)
        with self._zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as f:
            out: list[str] = [
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                + ('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if landscape else "")
                + '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                '<sheetFormatPr defaultRowHeight="15"/><cols>'
            ]
            for i, (_h, _k, width) in enumerate(columns):
                out.append(f'<col min="{i + 1}" max="{i + 1}" width="{width}" customWidth="1"/>')
            mark_col = len(columns) + 2
            if self._mark:
                out.append(f'<col min="{mark_col}" max="{mark_col}" width="40" customWidth="1"/>')
            out.append('</cols><sheetData><row r="1">')
            for header, _k, _w in columns:
                out.append(
                    f'<c t="inlineStr" s="{_HEADER_STYLE}"><is><t>{escape(header)}</t></is></c>'
                )
            if self._mark:
                out.append(
                    f'<c r="{_col(mark_col - 1)}1" t="inlineStr" s="{_TOTAL_TEXT_STYLE}">'
                    f"<is><t>{escape(self._mark)}</t></is></c>"
                )
            out.append("</row>")
            write = f.write
            write("".join(out).encode())
            fmt = _row_function(kinds)
            filled = {f: _row_function(kinds, f) for f in FILLS} if row_fill else {}
            buffer: list[str] = []
            rownum = 1
            for row in rows:
                rownum += 1
                fill = row_fill(row) if row_fill is not None else None
                buffer.append((filled[fill] if fill else fmt)(rownum, row))
                if len(buffer) >= 4000:
                    write("".join(buffer).encode())
                    buffer.clear()
            count = rownum - 1
            tail = "".join(buffer)
            if totals is not None:
                tail += _totals_row(rownum + 1, kinds, totals)
            tail += "</sheetData>"
            tail += f'<autoFilter ref="A1:{last}{max(rownum, 1)}"/>'
            if landscape:
                tail += '<printOptions horizontalCentered="1"/>'
                tail += '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
                tail += '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
            else:
                tail += '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            if footer or page_header or self._mark:
                left, _tab, right = page_header.partition("\t")
                tail += "<headerFooter>"
                if page_header or self._mark:
                    parts = (("L", left), ("C", self._mark), ("R", right))
                    text = "".join(f"&amp;{k}{escape(v)}" for k, v in parts if v)
                    tail += f"<oddHeader>{text}</oddHeader>"
                if footer:
                    tail += f"<oddFooter>&amp;C{escape(footer)}</oddFooter>"
                tail += "</headerFooter>"
            tail += "</worksheet>"
            write(tail.encode())
        return count

    def close(self) -> None:
        z = self._zip
        sheets = "".join(
            f'<sheet name="{escape(n, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, n in enumerate(self._sheets, 1)
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{sheets}</sheets>{self._defined_names()}</workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(self._sheets) + 1)
        )
        n = len(self._sheets) + 1
        rels += (
            f'<Relationship Id="rId{n}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/>'
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        z.writestr("xl/styles.xml", _styles())
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(self._sheets) + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        z.close()

    def _defined_names(self) -> str:
        if not self._print_titles:
            return ""
        names = "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
            f"{escape(_quoted_sheet(self._sheets[i]))}!$1:$1</definedName>"
            for i in self._print_titles
        )
        return f"<definedNames>{names}</definedNames>"

    def __enter__(self) -> StreamingWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
