"""Finding the header of a ledger sheet and what each column holds.

Ledgers typed in Excel/WPS by many hands: a title merged across the sheet, a date line and a
units line (单位：元、平方米), then a header of one or two rows (房屋情况 → 结构 / 合法面积 /
无证面积, merged). Column names vary (户主 / 户主姓名 / 姓名 …), so each field has a list of
synonyms; a column matched exactly gets confidence 1.0, by containing a synonym 0.7, and a
hidden column a little less, so a visible column wins when both match a field.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Any

# field → synonyms, most specific first. A column is matched to the field whose synonym it
# equals; failing that, the longest synonym it contains.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "序", "编号序号", "no"),
    "code": ("户编号", "户号", "户编码", "农户编号", "编号"),
    "head_name": ("户主姓名", "户主", "户主名称", "被征收人", "被征收人姓名", "权利人"),
    "name": ("姓名", "成员姓名", "家庭成员", "家庭成员姓名", "人员姓名"),
    "id_number": (
        "身份证号码", "身份证号", "身份证", "证件号码", "证件号", "公民身份号码",
        "户主身份证号码", "户主身份证号", "身份证号码（18位）",
    ),
    "relation": ("与户主关系", "与户主的关系", "关系", "家庭关系", "成员关系"),
    "member_count": ("家庭人口", "人口", "家庭人数", "人数", "户籍人口", "在册人口", "人口数"),
    "legal_area": (
        "合法面积", "有证面积", "证载面积", "合法建筑面积", "确权面积", "合法面积（㎡）",
    ),
    "unlicensed_area": ("无证面积", "无证建筑面积", "未登记面积", "无证房屋面积"),
    "structure": ("结构", "房屋结构", "建筑结构", "结构类型"),
    "ledger_amount": (
        "台账补偿金额", "补偿金额", "补偿总额", "补偿款", "补偿合计", "应补偿金额",
        "补偿金额合计", "总金额", "金额",
    ),
    "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "电话号码"),
    "village": ("村", "村名", "所在村", "行政村", "村委会", "村别"),
    "group": ("村民小组", "组", "小组", "组别", "所在组"),
    "address": ("地址", "住址", "房屋坐落", "坐落", "房屋地址"),
    "deadline": ("搬迁期限", "腾房期限", "限期", "期限", "交房期限"),
    "survey_date": ("调查日期", "丈量日期", "测量日期", "登记日期", "日期", "入户日期"),
    "compensation_method": ("补偿方式", "补偿安置方式", "安置方式", "选择方式"),
    "bank_name": ("开户银行", "开户行"),
    "bank_account": ("银行账号", "账号", "银行卡号", "卡号"),
    "remarks": ("备注", "说明"),
    "label": ("房屋", "房屋名称", "名称"),
    "floors": ("层数",),
    "build_year": ("建造年份", "建成年份", "建房年份"),
    "item_code": ("项目编码", "附属物编码"),
    "item_name": ("附属物", "附属物名称", "项目", "项目名称"),
    "decoration": ("装修", "装修等级"),
    "quantity": ("数量",),
    "unit": ("单位", "计量单位"),
    "member_seq": ("成员序号",),
    "sex": ("性别",),
    "birth_date": ("出生年月日", "出生日期", "出生年月"),
    "flag_field": ("字段",),
    "flag_text": ("原始内容", "原文"),
    "flag_reason": ("原因",),
}  # fmt: skip

# Names of the member-level fields: in a sheet of one row per person these vary per row.
PERSON_FIELDS = ("name", "id_number", "relation", "phone")
# Sheets our own export writes that are computed data, never read back.
EXPORT_ONLY_SHEETS = ("补偿", "协议与支付")
_EXACT = {unicodedata.normalize("NFKC", s).lower(): f for f, syns in SYNONYMS.items() for s in syns}
_CONTAINED = sorted(
    ((unicodedata.normalize("NFKC", s).lower(), f) for f, syns in SYNONYMS.items() for s in syns),
    key=lambda x: -len(x[0]),
)
_UNIT_WAN = re.compile(r"万元")
_SPACE = re.compile(r"\s+")
_HIDDEN_COL = re.compile(rb"<col\b[^>]*>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')


def clean_label(value: Any) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACE.sub("", text).lower()


def match_field(label: str) -> tuple[str | None, float]:
    """The field a header text names, and how sure that is."""
    if not label:
        return None, 0.0
    bare = re.sub(r"[（(][^）)]*[）)]", "", label)  # 合法面积（㎡） → 合法面积
    for text in (label, bare):
        found = _EXACT.get(text)
        if found:
            return found, 1.0
    for syn, fld in _CONTAINED:
        if len(syn) >= 2 and syn in bare:
            return fld, 0.7
    return None, 0.0


@dataclass
class ColumnMapping:
    index: int  # 0-based column
    letter: str
    header: str  # the header text as shown (parent / child)
    field: str | None
    confidence: float
    hidden: bool = False


@dataclass
class SheetHeader:
    header_rows: tuple[int, ...]  # 1-based rows of the header
    columns: list[ColumnMapping]
    amount_factor: int = 1  # 10,000 when the units line or the header says 万元
    kind: str = "households"  # households, members, structures, attachments, flags, ignore
    notes: list[str] = field(default_factory=list)

    @property
    def first_data_row(self) -> int:
        return self.header_rows[-1] + 1

    def fields(self) -> dict[str, int]:
        """field → column index (the most confident column per field)."""
        best: dict[str, ColumnMapping] = {}
        for c in self.columns:
            if c.field is None:
                continue
            old = best.get(c.field)
            if old is None or c.confidence > old.confidence:
                best[c.field] = c
        return {f: c.index for f, c in best.items()}


def column_letter(index: int) -> str:
    n, out = index + 1, ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _row_score(row: tuple[Any, ...]) -> tuple[int, int]:
    matched, texts = 0, 0
    for v in row:
        if isinstance(v, str) and v.strip():
            texts += 1
            if match_field(clean_label(v))[0]:
                matched += 1
        elif v is not None and not isinstance(v, str):
            return 0, 0  # a number or date: data, not a header
    return matched, texts


def detect_header(
    rows: list[tuple[Any, ...]], hidden: set[int], sheet_name: str = ""
) -> SheetHeader | None:
    """Find the header among the first rows (1-based rows in the result) or None."""
    best, best_row = (1, 0), -1
    for i, row in enumerate(rows[:30]):
        score = _row_score(row)
        if score[0] >= 2 and score > best:
            best, best_row = score, i
    if best_row < 0:
        return None
    header_idx = [best_row]
    width = max((len(r) for r in rows[: best_row + 3]), default=0)
    below = rows[best_row + 1] if best_row + 1 < len(rows) else ()
    above = rows[best_row - 1] if best_row >= 1 else ()
    if below and _row_score(below)[0] >= 1 and _is_subheader(rows[best_row], below):
        header_idx.append(best_row + 1)
    elif above and _is_subheader(above, rows[best_row]) and _row_score(above)[1] >= 2:
        header_idx.insert(0, best_row - 1)
    parent_row = rows[header_idx[0]] if len(header_idx) == 2 else ()
    child_row = rows[header_idx[-1]]
    columns: list[ColumnMapping] = []
    parent = ""
    for c in range(width):
        p = parent_row[c] if c < len(parent_row) else None
        ch = child_row[c] if c < len(child_row) else None
        if len(header_idx) == 2:
            if p is not None and str(p).strip():
                parent = str(p).strip()
            elif ch is None:
                parent = ""
        child = str(ch).strip() if ch is not None else ""
        if len(header_idx) == 2 and not child:
            child, shown = parent, parent
        else:
            shown = f"{parent}/{child}" if len(header_idx) == 2 and parent and child else child
        fld, conf = match_field(clean_label(child))
        if fld is None and parent and child != parent:
            fld, conf = match_field(clean_label(parent + child))
            conf = min(conf, 0.6)
        if c in hidden and fld is not None:
            conf -= 0.2
        columns.append(ColumnMapping(c, column_letter(c), shown, fld, conf, c in hidden))
    _resolve_names(columns)
    header = SheetHeader(tuple(i + 1 for i in header_idx), columns)
    for row in rows[: header_idx[0]]:
        if any(isinstance(v, str) and _UNIT_WAN.search(v) for v in row):
            header.amount_factor = 10_000
    for col in columns:
        if col.field == "ledger_amount" and "万元" in col.header:
            header.amount_factor = 10_000
    header.kind = _sheet_kind(header, sheet_name)
    return header


def _is_subheader(upper: tuple[Any, ...], lower: tuple[Any, ...]) -> bool:
    """``lower`` completes ``upper``: it has text under a blank (merged) cell of ``upper`` or
    under a group title, and no data values."""
    if any(v is not None and not isinstance(v, str) for v in lower):
        return False
    gaps = 0
    for c, v in enumerate(lower):
        if isinstance(v, str) and v.strip():
            u = upper[c] if c < len(upper) else None
            if u is None or (isinstance(u, str) and not match_field(clean_label(u))[0]):
                gaps += 1
    return gaps >= 1


def _resolve_names(columns: list[ColumnMapping]) -> None:
    """姓名 means the head's name when no 户主 column exists and no relation column says the
    sheet lists members."""
    fields = {c.field for c in columns}
    for c in columns:
        if c.field == "name" and "head_name" not in fields and "relation" not in fields:
            c.field = "head_name"
        elif c.field == "head_name" and "relation" in fields and "name" not in fields:
            c.field = "name"


def _sheet_kind(header: SheetHeader, sheet_name: str) -> str:
    fields = set(header.fields())
    name = sheet_name.strip()
    if name in EXPORT_ONLY_SHEETS:
        return "ignore"
    if "flag_field" in fields and "flag_text" in fields:
        return "flags"
    if "code" in fields and "item_name" in fields and "quantity" in fields:
        return "attachments"
    if "code" in fields and "structure" in fields and not fields & {"head_name", "name"}:
        return "structures"
    household_only = {"head_name", "legal_area", "unlicensed_area", "ledger_amount", "member_count"}
    if "code" in fields and "relation" in fields and not fields & household_only:
        return "members"
    return "households"


def hidden_columns(path: str, sheet_paths: dict[str, str]) -> dict[str, set[int]]:
    """0-based hidden column indexes per sheet, from each sheet's ``<cols>`` (read-only
    worksheets do not expose column dimensions). Reads only the start of each sheet."""
    out: dict[str, set[int]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for title, member in sheet_paths.items():
                with zf.open(member) as f:
                    head = f.read(65536)
                cut = head.find(b"<sheetData")
                hidden: set[int] = set()
                for tag in _HIDDEN_COL.findall(head if cut < 0 else head[:cut]):
                    attrs = dict(_ATTR.findall(tag))
                    if attrs.get(b"hidden") in (b"1", b"true"):
                        lo, hi = int(attrs.get(b"min", b"1")), int(attrs.get(b"max", b"1"))
                        hidden.update(range(lo - 1, min(hi, lo + 200)))
                out[title] = hidden
    except (KeyError, zipfile.BadZipFile, ValueError):
        pass
    return out
