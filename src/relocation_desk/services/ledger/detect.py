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

from ...i18n import _

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
    "signing_date": (
        "签约日期", "签约时间", "签订日期", "协议签订日期", "签协议日期", "协议日期", "签约",
    ),
    "agreement_number": ("协议编号", "协议号", "合同编号"),
    "agreement_amount": ("协议金额", "签约金额", "协议补偿金额", "协议总金额"),
    "paid_amount": (
        "已支付金额", "已付金额", "已兑付金额", "兑付金额", "已领金额", "支付金额", "实付金额",
        "已拨付金额", "拨付金额", "已付款",
    ),
    "payment_date": (
        "支付日期", "付款日期", "兑付日期", "拨付日期", "领款日期", "发放日期", "打款日期",
    ),
    "vacating_date": ("腾房日期", "腾空日期", "交房日期", "搬迁日期", "搬离日期", "腾退日期"),
    "demolition_date": ("拆除日期", "拆房日期", "拆迁日期"),
    "computed_amount": ("核算补偿金额", "核算金额", "测算金额"),
    "registered_count": ("登记人口", "登记人数"),
    "household_count": ("户数", "总户数", "涉及户数"),
    "rate": ("标准", "补偿标准", "单价", "补偿单价", "价格"),
    "status": ("状态", "签约状态", "进度"),
    "compensation_method": ("补偿方式", "补偿安置方式", "安置方式", "选择方式"),
    "bank_name": ("开户银行", "开户行"),
    "bank_account": ("银行账号", "账号", "银行卡号", "卡号"),
    "remarks": ("备注", "说明"),
    "label": ("房屋", "房屋名称", "名称"),
    "floors": ("层数",),
    "build_year": ("建造年份", "建成年份", "建房年份"),
    "item_code": ("项目编码", "附属物编码"),
    "item_name": ("附属物", "附属物名称", "项目", "项目名称"),
    "decoration": ("装修", "装修等级", "装修标准", "装修档次"),
    "quantity": ("数量",),
    "unit": ("单位", "计量单位"),
    "member_seq": ("成员序号",),
    "sex": ("性别",),
    "birth_date": ("出生年月日", "出生日期", "出生年月"),
    "flag_field": ("字段",),
    "flag_text": ("原始内容", "原文"),
    "flag_reason": ("原因",),
}  # fmt: skip

# What each field is called in the wizard, the CLI and the report.
FIELD_LABELS: dict[str, str] = {
    "seq": "序号", "code": "户编号", "head_name": "户主姓名", "name": "成员姓名",
    "id_number": "身份证号码", "relation": "与户主关系", "member_count": "家庭人口（填报）",
    "legal_area": "合法面积", "unlicensed_area": "无证面积", "structure": "房屋结构",
    "ledger_amount": "台账补偿金额", "phone": "联系电话", "village": "村", "group": "村民小组",
    "address": "地址", "deadline": "搬迁期限", "survey_date": "调查日期",
    "signing_date": "签约日期", "agreement_number": "协议编号", "agreement_amount": "协议金额",
    "paid_amount": "已支付金额", "payment_date": "支付日期", "vacating_date": "腾房日期",
    "demolition_date": "拆除日期", "computed_amount": "核算补偿金额",
    "registered_count": "登记人口", "household_count": "户数", "rate": "补偿标准",
    "status": "状态", "compensation_method": "补偿方式", "bank_name": "开户银行",
    "bank_account": "银行账号", "remarks": "备注", "label": "房屋名称", "floors": "层数",
    "build_year": "建造年份", "item_code": "附属物编码", "item_name": "附属物名称",
    "decoration": "装修", "quantity": "数量", "unit": "单位", "member_seq": "成员序号",
    "sex": "性别", "birth_date": "出生日期", "flag_field": "待核实字段",
    "flag_text": "原始内容", "flag_reason": "待核实原因",
}  # fmt: skip
# Fields recognised so the column is explained, but never read: the desk works them out.
NOT_READ: dict[str, str] = {
    "computed_amount": "核算金额由本系统按补偿方案计算，不从台账读取",
    "registered_count": "登记人口按列出的家庭成员计数，不从台账读取",
    "household_count": "户数是汇总数，不是一户的数据",
    "rate": "补偿标准在“补偿方案”中维护，不从台账读取",
    "status": "状态由本系统按签约、支付、腾房记录确定，不从台账读取",
}
AMOUNT_FIELDS = frozenset(
    {"ledger_amount", "agreement_amount", "paid_amount", "computed_amount", "rate"}
)
DATE_FIELDS = frozenset({"deadline", "survey_date", "signing_date", "payment_date",
                         "vacating_date", "demolition_date", "birth_date"})  # fmt: skip
# Fields that hold words: a column of numbers or in 元 is never read into them.
TEXT_FIELDS = frozenset({
    "head_name", "name", "relation", "village", "group", "address", "structure", "label",
    "item_name", "item_code", "unit", "compensation_method", "bank_name", "decoration", "sex",
})  # fmt: skip
# Sheet kinds: the first five are read by the import, the others are reported and left.
IMPORTED_KINDS = ("households", "members", "structures", "attachments", "flags")
SHEET_KINDS = (*IMPORTED_KINDS, "summary", "rates", "notes", "unknown", "ignore")
KIND_LABELS: dict[str, str] = {
    "households": "户台账", "members": "家庭成员名单", "structures": "房屋明细",
    "attachments": "附属物明细", "flags": "待核实清单", "summary": "汇总表",
    "rates": "补偿标准表", "notes": "说明", "unknown": "无法识别", "ignore": "导出的核算数据",
}  # fmt: skip
_MONEY_UNIT = re.compile(r"[（(]\s*万?元\s*[)）]|万?元$|金额|补偿款|奖励|补助费?$")
_LABEL_VALUE = re.compile(r"^[^：:]{1,12}[：:]\s*\S")
_SUMMARY_NAME = re.compile(r"汇总|统计|合计|总表")
_RATE_NAME = re.compile(r"标准|单价|价格|费率")
_NOTES_NAME = re.compile(r"说明|备注|注意|填表|封面|目录")

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
    note: str = ""  # why the column is not imported ("" when it is)

    @property
    def imported(self) -> bool:
        return self.field is not None and self.field not in NOT_READ and not self.note


@dataclass
class SheetHeader:
    header_rows: tuple[int, ...]  # 1-based rows of the header
    columns: list[ColumnMapping]
    amount_factor: int = 1  # 10,000 when the units line or the header says 万元
    kind: str = "households"  # one of SHEET_KINDS
    notes: list[str] = field(default_factory=list)
    kind_reason: str = ""  # why the sheet is of its kind, in Chinese

    @property
    def first_data_row(self) -> int:
        return self.header_rows[-1] + 1

    def fields(self) -> dict[str, int]:
        """field → column index (the most confident column per field)."""
        best: dict[str, ColumnMapping] = {}
        for c in self.columns:
            if c.field is None or c.note:
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
            if _LABEL_VALUE.match(v.strip()):
                return 0, 0  # "填报单位：张庄村": a line about the sheet, not a header
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
    _check_content(columns, rows[header_idx[-1] + 1 : header_idx[-1] + 61])
    _one_column_per_field(columns)
    header = SheetHeader(tuple(i + 1 for i in header_idx), columns)
    for row in rows[: header_idx[0]]:
        if any(isinstance(v, str) and _UNIT_WAN.search(v) for v in row):
            header.amount_factor = 10_000
    for col in columns:
        if col.field == "ledger_amount" and "万元" in col.header:
            header.amount_factor = 10_000
    header.kind, header.kind_reason = _sheet_kind(header, sheet_name)
    return header


def _check_content(columns: list[ColumnMapping], sample: list[tuple[Any, ...]]) -> None:
    """A column in 元 or holding numbers is never read into a field of words (附属物(元) is
    an amount, not the attachment's name); the column is reported as not imported."""
    for c in columns:
        if c.field is None or c.field not in TEXT_FIELDS:
            continue
        label = FIELD_LABELS.get(c.field, c.field)
        if _MONEY_UNIT.search(c.header.split("/")[-1]) or _MONEY_UNIT.search(c.header):
            c.note = _("这是金额列，不能作为“{label}”导入", label=label)
            continue
        values = [r[c.index] for r in sample if c.index < len(r) and r[c.index] is not None]
        values = [v for v in values if not (isinstance(v, str) and not v.strip())]
        numbers = sum(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
        if c.field != "item_code" and len(values) >= 3 and numbers * 10 >= len(values) * 8:
            c.note = _("这一列填的是数字，不能作为“{label}”导入", label=label)


def _one_column_per_field(columns: list[ColumnMapping]) -> None:
    """Each field is read from one column: the surest (a visible one before a hidden one,
    then the leftmost); the others are reported as not imported."""
    best: dict[str, ColumnMapping] = {}
    for c in columns:
        if c.field is None or c.note:
            continue
        old = best.get(c.field)
        if old is None or c.confidence > old.confidence:
            best[c.field] = c
    for c in columns:
        if c.field is None or c.note:
            continue
        kept = best[c.field]
        if kept is not c:
            c.note = _("与{letter}列“{header}”同为“{label}”，只导入{letter}列", letter=kept.letter,
                       header=kept.header, label=FIELD_LABELS.get(c.field, c.field))  # fmt: skip


def column_status(c: ColumnMapping) -> str:
    """The column's mapping in words: "→ 户主姓名", or why it is not imported."""
    if c.field is None:
        return _("未识别，不导入")
    label = _(FIELD_LABELS.get(c.field, c.field))
    if c.note:
        return _("不导入：{why}", why=c.note)
    if c.field in NOT_READ:
        return _("“{label}”，不导入：{why}", label=label, why=_(NOT_READ[c.field]))
    return _("→ {label}", label=label)


def kind_label(kind: str) -> str:
    return _(KIND_LABELS.get(kind, kind))


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


def _sheet_kind(header: SheetHeader, sheet_name: str) -> tuple[str, str]:
    """(kind, why) from the sheet's columns and name. A household needs a name or an ID
    number, so a sheet with neither column is never a household ledger."""
    fields = set(header.fields())
    name = sheet_name.strip()
    people = fields & {"head_name", "name", "id_number"}
    if name in EXPORT_ONLY_SHEETS:
        return "ignore", _("本系统导出的核算或协议数据，导入时不读取")
    if "flag_field" in fields and "flag_text" in fields:
        return "flags", _("有“字段”“原始内容”列：待核实清单")
    if "code" in fields and "item_name" in fields and "quantity" in fields:
        return "attachments", _("有户编号、附属物名称和数量列：附属物明细")
    if "code" in fields and "structure" in fields and not people:
        return "structures", _("有户编号和房屋结构列、没有姓名列：房屋明细")
    household_only = {"head_name", "legal_area", "unlicensed_area", "ledger_amount", "member_count"}
    if "code" in fields and "relation" in fields and not fields & household_only:
        return "members", _("有户编号和与户主关系列、没有户级数据列：家庭成员名单")
    if {"head_name", "name", "relation"} <= fields and not fields & (
        household_only - {"head_name"}
    ):
        return "members", _("有户主、成员姓名和与户主关系列、没有户级数据列：家庭成员名单")
    if people and not (_SUMMARY_NAME.search(name) and "id_number" not in fields
                       and "head_name" not in fields):  # fmt: skip
        return "households", _("有户主姓名或身份证号码列：户台账")
    if "household_count" in fields or _SUMMARY_NAME.search(name):
        return "summary", _("没有户主姓名或身份证号码列，每行是一个村或小组的合计：汇总表")
    if "rate" in fields or (_RATE_NAME.search(name) and "unit" in fields):
        return "rates", _("有项目、标准、单位列，没有户主姓名或身份证号码列：补偿标准表")
    if fields & {"group", "village"} and fields & (AMOUNT_FIELDS | {"member_count"}):
        return "summary", _("没有户主姓名或身份证号码列，每行是一个村或小组的合计：汇总表")
    return "unknown", _("没有户主姓名或身份证号码列，看不出是哪一种表")


def kind_without_header(sheet_name: str, rows: list[tuple[Any, ...]]) -> tuple[str, str]:
    """(kind, why) for a sheet where no header was found: notes or unknown."""
    texts = [
        v for r in rows[:50] for v in r if not (v is None or (isinstance(v, str) and not v.strip()))
    ]
    if _NOTES_NAME.search(sheet_name) or (texts and all(isinstance(v, str) for v in texts)):
        return "notes", _("只有文字、没有表头：说明或备注")
    return "unknown", _("找不到表头（如“户主”“身份证号码”），看不出是哪一种表")


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
