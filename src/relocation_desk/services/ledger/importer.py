"""Importing a ledger (台账) workbook typed in Excel/WPS: the use case behind
``relocation-desk import-ledger`` and the import wizard.

Two steps, so a wizard can show the mapping and a preview and let the user correct it:

* :func:`analyse` reads the workbook once (openpyxl read-only), finds each sheet's header and
  column mapping (:mod:`.detect`) and plans every row (:mod:`.rows`);
* :func:`apply` re-plans with the user's corrections, checks the rows against each other and
  the database (duplicates, one person in one household), and writes everything in one
  transaction (:mod:`.write`) — all or nothing — returning an :class:`ImportReport`.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from ...domain.names import normalize_name
from ...i18n import _
from ..access import Action, require_once_staffed
from ..clock import project_today
from ..errors import UserError
from ..gc_pause import gc_paused
from ..input_files import regular_file_problem
from ..progress_report import Progress, ensure
from ..settings import is_demo
from .analysis import LedgerAnalysis, SheetAnalysis
from .detect import (
    FIELD_LABELS,
    SheetHeader,
    column_letter,
    detect_header,
    hidden_columns,
    kind_label,
    kind_without_header,
)
from .formulas import formulas_without_results
from .reimport import find_existing, lock_signed
from .resolve import ImportReport, Plan, report_from, resolve
from .rows import Flag, HouseholdPlan, RowOutcome, RowReader, no_identity, plan_sheet
from .values import cell_text, is_blank, read_area, read_quantity, read_structure
from .villages import check_village_team, ledger_villages, reject_unknown_villages, unknown_villages

__all__ = [
    "ImportReport", "LedgerAnalysis", "LedgerFileError", "SheetAnalysis", "analyse", "apply",
    "ledger_villages", "preview", "unknown_villages",
]  # fmt: skip

_MAX_LEDGER_BYTES = 200 * 1024 * 1024  # a 9,000-household ledger is a few MB
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_GROUP_SHEET = re.compile(r"(第?[0-9一二三四五六七八九十百]+(村民)?小?组)$")
_VILLAGE = re.compile(r"(?:.*[省市县区镇乡道])?([\u4e00-\u9fff]{1,8}?村)(?![民委])")
PREVIEW_ROWS = 30
_SCHEME_CODE = re.compile(r"[A-Z][A-Z0-9_-]{0,39}")
# The export writes 待核实 fields by their Chinese names; read back as the field codes.
_FIELD_CODES = {label: code for code, label in FIELD_LABELS.items()} | {
    "已发生事项": "history", "15位身份证号码": "id_number_15", "其他": "other",
    "户主身份证号码": "head_id_missing",
}  # fmt: skip


class LedgerFileError(UserError):
    """The file cannot be imported at all (not xlsx, encrypted, damaged, empty)."""


# --- reading ---------------------------------------------------------------------------------


def check_file(path: Path) -> None:
    """Raise :class:`LedgerFileError` for anything that is not a readable .xlsx workbook."""
    # Regular files only (a device such as /dev/zero never ends), and a size limit.
    if problem := regular_file_problem(path, _MAX_LEDGER_BYTES):
        raise LedgerFileError(problem)
    with path.open("rb") as f:
        head = f.read(8)
        if head == _OLE_MAGIC:
            data = head + f.read(2_000_000)
            if _ENCRYPTED in data:
                raise LedgerFileError(
                    _("文件 {name} 设置了打开密码，无法读取；请在Excel/WPS中取消密码后另存为.xlsx再导入",
                      name=path.name)
                )  # fmt: skip
            raise LedgerFileError(
                _("文件 {name} 是旧的.xls格式，无法直接导入；请在Excel/WPS中“另存为”.xlsx格式后再导入",
                  name=path.name)
            )  # fmt: skip
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        raise LedgerFileError(
            _("文件 {name} 是CSV文本，不带表头格式和工作表；请在Excel/WPS中打开后另存为.xlsx再导入",
              name=path.name)
        )  # fmt: skip
    if not zipfile.is_zipfile(path):
        raise LedgerFileError(
            _("文件 {name} 不是Excel工作簿（.xlsx），或文件已损坏；请用Excel/WPS打开检查后另存为.xlsx",
              name=path.name)
        )  # fmt: skip


def analyse(path: str | Path, *, today: date | None = None) -> LedgerAnalysis:
    """Read the workbook and find headers, mappings and each row's planned outcome."""
    with gc_paused():
        return _analyse(Path(path), today)


def _analyse(path: Path, today: date | None) -> LedgerAnalysis:
    from openpyxl import load_workbook

    check_file(path)
    today = today or project_today()
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise LedgerFileError(
            _("文件 {name} 无法读取（{error}），可能已损坏；请用Excel/WPS打开检查后另存为.xlsx",
              name=path.name, error=type(exc).__name__)
        ) from exc  # fmt: skip
    try:
        paths = {
            ws.title: ws._worksheet_path for ws in wb.worksheets if hasattr(ws, "_worksheet_path")
        }
        hidden = hidden_columns(str(path), paths)
        formulas = formulas_without_results(str(path), paths)
        sheets: list[SheetAnalysis] = []
        title = ""
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue
            rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
            while rows and all(is_blank(v) for v in rows[-1]):
                rows.pop()
            if not rows:
                continue
            header = detect_header(rows, hidden.get(ws.title, set()), ws.title)
            first = _title_of(rows, header)
            title = title or first
            village, group = _place(ws.title, first)
            sheet = SheetAnalysis(ws.title, header, village, group, rows)
            if header is None:
                sheet.bare_kind = kind_without_header(ws.title, rows)
            sheets.append(sheet)
    except LedgerFileError:
        raise
    except Exception as exc:
        raise LedgerFileError(
            _("文件 {name} 无法读取（{error}），可能已损坏；请用Excel/WPS打开检查后另存为.xlsx",
              name=path.name, error=type(exc).__name__)
        ) from exc  # fmt: skip
    finally:
        wb.close()
    if not sheets:
        raise LedgerFileError(_("文件 {name} 是空的，没有任何数据；未导入任何内容", name=path.name))
    if not any(s.header is not None for s in sheets):
        raise LedgerFileError(
            _("在文件 {name} 中找不到表头（如“户主”“身份证号码”“合法面积”）；请检查是否选错了文件",
              name=path.name)
        )  # fmt: skip
    if not any(s.header is not None and s.header.kind == "households" for s in sheets):
        # A roster of one row per person (户号, 姓名, 与户主关系 …) with no household sheet:
        # its households are the runs of rows with the same 户号.
        for s in sheets:
            if s.header is not None and s.header.kind == "members":
                s.header.kind = "households"
                s.header.kind_reason = _("没有户表：同一户编号的连续各行为一户")
    villages = [s.village for s in sheets if s.village]
    for s in sheets:
        s.village = s.village or _village_in(title) or (villages[0] if villages else "")
    analysis = LedgerAnalysis(path, title, sheets, today, formulas)
    # The preview: the outcomes of each sheet's first rows (the whole plan is made by apply).
    by_sheet = preview(analysis)
    for s in sheets:
        s.preview = by_sheet.get(s.name, [])
    return analysis


def preview(
    analysis: LedgerAnalysis,
    mapping_overrides: dict[str, dict[str, int | None]] | None = None,
    *,
    mark_for_correction: bool = True,
) -> dict[str, list[RowOutcome]]:
    """Each sheet's first rows' outcomes, with their warnings, under the user's corrected
    mapping (what the import wizard shows while the user corrects columns). Only checks
    within these rows: the database and the rest of the file are looked at by ``apply``."""
    head = LedgerAnalysis(analysis.path, analysis.title, [
        SheetAnalysis(s.name, s.header, s.village, s.group,
                      s.rows[: (s.header.first_data_row if s.header else 0) + PREVIEW_ROWS],
                      bare_kind=s.bare_kind)
        for s in analysis.sheets
    ], analysis.today, analysis.formulas)  # fmt: skip
    with gc_paused():
        plan = _plan(head, mapping_overrides, mark_for_correction)
        resolve(plan, mark=mark_for_correction, known_ids={}, known_codes=set(),
                members_layout=_members_layout(head))  # fmt: skip
    by_sheet: dict[str, list[RowOutcome]] = {s.name: [] for s in analysis.sheets}
    for o in plan.outcomes:
        by_sheet.setdefault(o.sheet, []).append(o)
    return by_sheet


def _members_layout(analysis: LedgerAnalysis) -> set[str]:
    """Sheets of a head row followed by member rows (a 与户主关系 column on a household sheet)."""
    return {
        s.name for s in analysis.sheets
        if s.header is not None and "relation" in s.header.fields() and s.header.kind == "households"
    }  # fmt: skip


def _title_of(rows: list[tuple[Any, ...]], header: SheetHeader | None) -> str:
    end = header.header_rows[0] - 1 if header else min(3, len(rows))
    for row in rows[:end]:
        texts = [cell_text(v) for v in row if not is_blank(v)]
        if len(texts) == 1 and not texts[0].startswith(("单位", "日期", "制表")):
            return texts[0]
    return ""


def _village_in(text: str) -> str:
    found = _VILLAGE.match(text.replace(" ", ""))
    return found.group(1) if found else ""


def _place(sheet_name: str, title: str) -> tuple[str, str]:
    """(village, group) a sheet's name or title says: "张庄村一组", "三组", "李庄村"."""
    name = sheet_name.strip()
    group_match = _GROUP_SHEET.search(name)
    group = group_match.group(1) if group_match else ""
    rest = name[: group_match.start()] if group_match else name
    village = _village_in(rest) or _village_in(title)
    return village, group


# --- planning --------------------------------------------------------------------------------


def _plan(
    analysis: LedgerAnalysis,
    overrides: dict[str, dict[str, int | None]] | None,
    mark: bool,
    progress: Progress | None = None,
    steps: int = 0,
) -> Plan:
    """Every row of every sheet read into households and outcomes. ``progress`` hears after
    each sheet how many rows of ``steps`` are read (and may stop it there)."""
    p = ensure(progress)
    done = 0
    households: list[HouseholdPlan] = []
    outcomes: list[RowOutcome] = []
    keyed: list[tuple[str, RowOutcome, dict[str, Any], RowReader]] = []
    for s in analysis.sheets:
        if s.header is None or not s.imported:
            # Every row is accounted for: the sheet's kind says why none is imported.
            why = _("{kind}，整张工作表不导入", kind=kind_label(s.kind))
            outcomes.extend(
                RowOutcome(s.name, r, "skipped", why) for r in range(1, len(s.rows) + 1)
            )
            done += len(s.rows)
            continue
        p.check()
        reader = RowReader(
            s.name, s.header, (overrides or {}).get(s.name), s.village, s.group,
            analysis.today, mark,
        )  # fmt: skip
        result = plan_sheet(reader, s.rows)
        _unread_formulas(reader, result.outcomes, analysis.formulas.get(s.name, {}))
        households.extend(result.households)
        outcomes.extend(result.outcomes)
        keyed.extend((k, o, v, reader) for k, o, v in result.keyed)
        done += len(s.rows)
        p(done, steps, _("已核对“{sheet}”：共 {n} 行", sheet=s.name, n=f"{len(s.rows):,}"))
    p.check()
    _merge_keyed(households, keyed, analysis.today)
    return Plan(households, outcomes)


def _unread_formulas(
    reader: RowReader, outcomes: list[RowOutcome], missing: dict[int, set[int]]
) -> None:
    """Rows read with a formula cell that holds no result say so (the value stays empty)."""
    if not missing:
        return
    mapped = set(reader.cols.values())
    for o in outcomes:
        cols = missing.get(o.row, set()) & mapped
        if o.outcome in ("household", "member") and cols:
            o.warnings.extend(
                _("{column}列是公式，文件中没有保存计算结果，未能读取（该项留空）；"
                  "请用Excel或WPS打开并保存后重新导入", column=column_letter(c))
                for c in sorted(cols)
            )  # fmt: skip


def _merge_keyed(
    households: list[HouseholdPlan],
    keyed: list[tuple[str, RowOutcome, dict[str, Any], RowReader]],
    today: date,
) -> None:
    """Rows of member, building, attachment and 待核实 sheets, joined by 户编号 (a member
    list without 户编号: by its 户主 column, the head's name on the household sheet)."""
    by_code = {h.code: h for h in households if h.code}
    heads: dict[str, list[HouseholdPlan]] = {}
    for h in households:
        if h.persons and h.persons[0].name:
            heads.setdefault(h.persons[0].name, []).append(h)
    # A member or building sheet keyed by 户编号 lists every household's rows: what the
    # household sheet's own columns gave (the head, area totals) is replaced, also where it
    # lists none. A list by 户主 replaces the members of the households it names.
    kinds = {k for k, _o, v, _r in keyed if k != "members" or not is_blank(v.get("code"))}
    for h in households:
        if "members" in kinds:
            _members_from_list(h)
        if "structures" in kinds:
            h.structures.clear()
    for kind, outcome, values, reader in keyed:
        code = cell_text(values.get("code")).upper()
        hh = by_code.get(code)
        if hh is None and kind == "members" and not code:
            head = normalize_name(cell_text(values.get("head_name")))
            found = heads.get(head, [])
            if len(found) != 1:
                outcome.outcome = "rejected"
                outcome.reason = (
                    _("户主“{name}”在户表中有 {n} 户同名，无法确定是哪一户；请加上户编号",
                      name=head, n=len(found)) if found
                    else _("户主“{name}”在户表中不存在", name=head)
                )  # fmt: skip
                continue
            hh = found[0]
            if not hh.keyed_members:
                _members_from_list(hh)
        if hh is None:
            outcome.outcome = "rejected"
            outcome.reason = _("户编号“{code}”在户表中不存在", code=code)
            continue
        rownum = outcome.row
        flags = hh.flags
        if kind == "members" and not any(
            not is_blank(values.get(f)) for f in ("head_name", "name", "id_number")
        ):
            outcome.outcome, outcome.reason = "rejected", no_identity()
        elif kind == "members":
            # Re-use the row reader's person logic on a row of just the mapped values.
            reader_row = _row_for(reader, values)
            reader.person(reader_row, rownum, hh, head=read_is_head(values))
            hh.member_rows.append(rownum)
        elif kind == "structures":
            legal = _safe(read_area, values.get("legal_area"), flags, "legal_area", outcome)
            unl = _safe(read_area, values.get("unlicensed_area"), flags, "unlicensed_area", outcome)
            st, remark = read_structure(values.get("structure"))
            floors = values.get("floors")
            year = values.get("build_year")
            hh.structures.append({
                "label": cell_text(values.get("label"))[:100], "structure_type": st,
                "legal_area_dm2": legal or 0, "unlicensed_area_dm2": unl or 0,
                "floors": int(floors) if isinstance(floors, int | float) and floors else 1,
                "build_year": int(year) if isinstance(year, int | float) and year else None,
                "remarks": remark or cell_text(values.get("remarks")),
                "decoration": _grade(cell_text(values.get("decoration")))[:40],
            })  # fmt: skip
            outcome.outcome = "detail"
        elif kind == "attachments":
            qty = _safe(read_quantity, values.get("quantity"), flags, "quantity", outcome)
            hh.attachments.append({
                "item_code": cell_text(values.get("item_code") or values.get("item_name"))[:40],
                "name": cell_text(values.get("item_name"))[:100],
                "unit": cell_text(values.get("unit"))[:10], "quantity_milli": qty or 0,
                "remarks": cell_text(values.get("remarks")),
            })  # fmt: skip
            outcome.outcome = "detail"
        elif kind == "flags":
            seq = values.get("member_seq")
            hh.flags.append(
                Flag(_FIELD_CODES.get(cell_text(values.get("flag_field")),
                                      cell_text(values.get("flag_field"))),
                     cell_text(values.get("flag_text")),
                     cell_text(values.get("flag_reason")), outcome.sheet, rownum, "",
                     int(seq) - 1 if isinstance(seq, int | float) and seq else None, kept=True)
            )  # fmt: skip
            outcome.outcome = "detail"
    for h in households:
        if h.keyed_members:
            h.persons.sort(key=lambda p: p.relation != "户主")


def _grade(text: str) -> str:
    """A decoration grade as the export shows it, "DEC-MID 室内装修补偿（中档）" → its code."""
    code, _sep, name = text.partition(" ")
    return code if name and _SCHEME_CODE.fullmatch(code) else text


def _members_from_list(h: HouseholdPlan) -> None:
    """The household's members come from a member list: drop those of its own row."""
    h.persons.clear()
    h.flags = [f for f in h.flags if f.person_index is None]
    h.keyed_members = True


def read_is_head(values: dict[str, Any]) -> bool:
    from .values import read_relation

    return read_relation(values.get("relation")) == "户主"


def _row_for(reader: RowReader, values: dict[str, Any]) -> tuple[Any, ...]:
    width = max(reader.cols.values(), default=0) + 1
    row: list[Any] = [None] * width
    for f, c in reader.cols.items():
        row[c] = values.get(f)
    return tuple(row)


def _safe(fn: Any, value: Any, flags: list[Flag], fld: str, outcome: RowOutcome) -> Any:
    if is_blank(value):
        return None
    from .values import CellProblem

    try:
        return fn(value)
    except CellProblem as exc:
        flags.append(Flag(fld, cell_text(value), exc.reason, outcome.sheet, outcome.row, ""))
        return None


def apply(
    analysis: LedgerAnalysis,
    db_target: Any,
    *,
    mapping_overrides: dict[str, dict[str, int | None]] | None = None,
    mark_for_correction: bool = True,
    dry_run: bool = False,
    operator: Any = None,
    village_team: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the analysed workbook into ``db_target`` (a :class:`Database`, or a path/URL:
    a new path creates a new project database). One transaction: all or nothing.

    ``mapping_overrides``: sheet → field → 0-based column (None: do not read the field).
    ``mark_for_correction``: import rows with unusable values (the field empty, the original
    text kept as 待核实) — else reject those rows. ``dry_run``: report only, write nothing.
    ``village_team``: village name → team code for villages the project does not know
    (see :func:`unknown_villages`); households of an unanswered unknown village are rejected.
    ``progress`` hears of each step; a cancel before the commit leaves nothing written (a new
    database file is removed again).
    """
    check_village_team(db_target, village_team)
    with gc_paused():
        return _apply(analysis, db_target, mapping_overrides, mark_for_correction, dry_run,
                      operator, village_team, ensure(progress))  # fmt: skip


def _find_existing(db_target: Any, plan: Plan) -> None:
    """find_existing for a dry run's target (a Database, or a path/URL opened to read)."""
    from ...storage.db import Database
    from .write import open_target

    if isinstance(db_target, Database):
        find_existing(db_target, plan.households)
        return
    text = str(db_target)
    if "://" not in text and (not Path(text).exists() or Path(text).stat().st_size == 0):
        return
    db, _created, close = open_target(db_target)
    try:
        find_existing(db, plan.households)
    finally:
        if close:
            db.close()


def _apply(
    analysis: LedgerAnalysis,
    db_target: Any,
    mapping_overrides: dict[str, dict[str, int | None]] | None,
    mark_for_correction: bool,
    dry_run: bool,
    operator: Any,
    village_team: dict[str, str] | None,
    p: Progress,
) -> ImportReport:
    from .write import existing_keys, open_target, write_plan

    rows = sum(len(s.rows) for s in analysis.sheets)
    steps = rows + 1  # each row read, then the check against the households already known
    p(0, steps, _("正在核对各行…"))
    plan = _plan(analysis, mapping_overrides, mark_for_correction, p, steps)
    p.check()
    members_layout = _members_layout(analysis)
    unknown = unknown_villages(analysis, db_target, village_team)
    if dry_run:
        p(rows, steps, _("正在查找已登记的户…"))
        known_ids, known_codes = existing_keys(db_target)
        _find_existing(db_target, plan)
        resolve(plan, mark=mark_for_correction, known_ids=known_ids, known_codes=known_codes,
                members_layout=members_layout)  # fmt: skip
        reject_unknown_villages(plan, unknown)
        lock_signed(plan.households, plan.outcomes)
        p.check()
        p(steps, steps, _("检查完成"))
        return report_from(plan, dry_run=True, sheets=analysis.sheets)
    db, created, close = open_target(db_target)
    try:
        if not created:  # an existing project's database: HQ's to import into
            require_once_staffed(db, operator, Action.IMPORT_LEDGER)
        known_ids, known_codes = existing_keys(db)
        if not created:
            p(0, 1, _("正在查找已登记的户…"))
            find_existing(db, plan.households)
        p.check()
        resolve(plan, mark=mark_for_correction, known_ids=known_ids, known_codes=known_codes,
                members_layout=members_layout)  # fmt: skip
        reject_unknown_villages(plan, unknown)
        lock_signed(plan.households, plan.outcomes)
        report = report_from(plan, dry_run=False, sheets=analysis.sheets)
        p.check()
        write_plan(db, analysis, [h for h in plan.households if not h.rejected], operator,
                   village_team, progress=p)  # fmt: skip
        report.created_database = created
        if not created:
            with db.session() as s:
                report.demo = is_demo(s)
        return report
    except BaseException:
        if created and close:
            from .write import discard_new

            discard_new(db)
            close = False
        raise
    finally:
        if close:
            db.close()
