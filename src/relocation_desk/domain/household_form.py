"""A household as the editor holds it — what the clerk typed — and its validation.

Text fields keep exactly what was typed (ID numbers, phones, areas, quantities), so a draft
saved after a crash restores the screen as it was, and validation can say precisely what is
wrong with the text. ``validate_form`` is pure: checks that need the database (an ID number
already used by another household) are added by the household service.

Problems have a ``path`` naming the field (``"persons.2.id_number"``, ``"structures.0.legal_area"``)
so the editor can show each message next to its field, and a severity:
- ``ERROR``: cannot be saved as it is;
- ``CONFIRM``: plausible but unusual (an area over 5,000 ㎡): saved once the clerk confirms;
- ``WARNING``: saved, but the clerk should know (a character the print font lacks).
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from ..i18n import _
from . import idnumber, limits, names, phone
from .status import CompensationMethod, StructureType
from .units import QuantityError, parse_area, parse_quantity

MAX_AREA_DM2_WITHOUT_CONFIRM = 5_000 * 100  # 5,000 ㎡
MAX_FLOORS = 60


class Severity(StrEnum):
    ERROR = "error"
    CONFIRM = "confirm"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str
    severity: Severity = Severity.ERROR


@dataclass
class PersonForm:
    id: UUID | None = None
    name: str = ""
    id_number: str = ""
    relation: str = ""
    phone: str = ""
    is_cadre: bool = False
    is_cadre_relative: bool = False
    cadre_note: str = ""
    is_dibao: bool = False
    is_disabled: bool = False
    special_note: str = ""


@dataclass
class StructureForm:
    id: UUID | None = None
    label: str = ""
    structure_type: str = StructureType.BRICK_CONCRETE.value
    legal_area: str = ""  # ㎡ as typed, e.g. "120.5"
    unlicensed_area: str = ""
    floors: str = "1"
    build_year: str = ""
    decoration: str = ""  # rate item code of the decoration grade, "" for none
    remarks: str = ""


@dataclass
class AttachmentForm:
    id: UUID | None = None
    item_code: str = ""
    name: str = ""
    unit: str = ""
    quantity: str = ""  # as typed, e.g. "12.5"
    remarks: str = ""


@dataclass
class HouseholdForm:
    id: UUID | None = None  # None: a new household
    code: str = ""
    team_id: UUID | None = None
    village_id: UUID | None = None
    group_id: UUID | None = None
    responsible_id: UUID | None = None
    address: str = ""
    persons: list[PersonForm] = field(default_factory=list)
    structures: list[StructureForm] = field(default_factory=list)
    attachments: list[AttachmentForm] = field(default_factory=list)
    compensation_method: str = ""  # domain.status.CompensationMethod value; "" not chosen yet
    bank_name: str = ""
    bank_account: str = ""
    account_holder: str = ""
    special_situation: str = ""
    remarks: str = ""
    row_version: int = 0  # the version it was loaded at (optimistic locking); 0 when new

    def copy(self) -> HouseholdForm:
        return replace(
            self,
            persons=[replace(p) for p in self.persons],
            structures=[replace(s) for s in self.structures],
            attachments=[replace(a) for a in self.attachments],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (for drafts): UUIDs as strings."""

        def plain(obj: Any) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for f in fields(obj):
                v = getattr(obj, f.name)
                if isinstance(v, UUID):
                    v = str(v)
                elif isinstance(v, list):
                    v = [plain(x) for x in v]
                out[f.name] = v
            return out

        return plain(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HouseholdForm:
        def build(kind: type[Any], d: dict[str, Any]) -> Any:
            known = {f.name: f for f in fields(kind)}
            kwargs: dict[str, Any] = {}
            for k, v in d.items():
                if k not in known:
                    continue
                if k.endswith("id") and isinstance(v, str) and v:
                    v = UUID(v)
                kwargs[k] = v
            return kind(**kwargs)

        form: HouseholdForm = build(cls, data)
        form.persons = [build(PersonForm, p) for p in data.get("persons", [])]
        form.structures = [build(StructureForm, s) for s in data.get("structures", [])]
        form.attachments = [build(AttachmentForm, a) for a in data.get("attachments", [])]
        return form


HEAD_RELATION = "户主"
_METHODS = frozenset(m.value for m in CompensationMethod)


def validate_form(
    form: HouseholdForm, *, printable: Container[int] | None = None, today: date | None = None
) -> list[Problem]:
    """Every problem of the form, in field order. ``printable``: the print font's coverage."""
    problems: list[Problem] = []
    add = problems.append
    if form.village_id is None:
        add(Problem("village_id", _("请选择所在村")))
    if not form.persons:
        add(Problem("persons", _("至少要登记户主一人")))
    heads = [i for i, p in enumerate(form.persons) if p.relation.strip() == HEAD_RELATION]
    if form.persons and len(heads) != 1:
        add(
            Problem(
                "persons",
                _("每户必须有且只有一位户主（与户主关系填“户主”），现在有 {n} 位", n=len(heads)),
            )
        )
    if len(form.persons) > limits.MAX_MEMBERS:
        add(
            Problem(
                "persons",
                _(
                    "一户最多登记 {maximum} 位成员，现在有 {n} 位；请核对是否重复登记",
                    maximum=limits.MAX_MEMBERS,
                    n=len(form.persons),
                ),
            )
        )
    problems.extend(_text_problems(form))
    seen_ids: dict[str, int] = {}
    for i, p in enumerate(form.persons):
        problems.extend(_person_problems(i, p, printable, today, seen_ids))
    for i, s in enumerate(form.structures):
        problems.extend(_structure_problems(i, s, today))
    for i, a in enumerate(form.attachments):
        problems.extend(_attachment_problems(i, a))
    if form.compensation_method and form.compensation_method not in _METHODS:
        add(Problem("compensation_method", _("补偿方式只能是货币补偿、产权调换或两者结合")))
    account = "".join(form.bank_account.split())
    if account and (not account.isdigit() or not 12 <= len(account) <= 25):
        add(Problem("bank_account", _("银行账号应为 12–25 位数字，请核对存折或银行卡")))
    return problems


def _person_problems(
    i: int,
    p: PersonForm,
    printable: Container[int] | None,
    today: date | None,
    seen_ids: dict[str, int],
) -> list[Problem]:
    out: list[Problem] = []
    base = f"persons.{i}"
    name = names.normalize_name(p.name)
    for message in names.validate_name(name):
        out.append(Problem(f"{base}.name", message))
    if name and printable is not None:
        missing = names.unprintable_chars(name, printable)
        if missing:
            out.append(
                Problem(f"{base}.name", names.unprintable_message(missing), Severity.WARNING)
            )
    if not p.relation.strip():
        out.append(Problem(f"{base}.relation", _("请填写与户主关系")))
    if p.id_number.strip():
        try:
            parsed = idnumber.parse(p.id_number, today=today)
        except idnumber.IdNumberError as exc:
            out.append(Problem(f"{base}.id_number", exc.reason))
        else:
            doubt = idnumber.area_code_warning(parsed)
            if doubt:
                out.append(Problem(f"{base}.id_number", doubt, Severity.WARNING))
            first = seen_ids.setdefault(parsed.value, i)
            if first != i:
                out.append(
                    Problem(
                        f"{base}.id_number",
                        _("与本户第 {n} 位成员的身份证号码相同", n=first + 1),
                    )
                )
    if p.phone.strip():
        reason = phone.validate_phone(p.phone)
        if reason:
            out.append(Problem(f"{base}.phone", reason))
    return out


def _structure_problems(i: int, s: StructureForm, today: date | None) -> list[Problem]:
    out: list[Problem] = []
    base = f"structures.{i}"
    if s.structure_type not in {t.value for t in StructureType}:
        out.append(Problem(f"{base}.structure_type", _("请选择房屋结构")))
    total = 0
    for key, text in (("legal_area", s.legal_area), ("unlicensed_area", s.unlicensed_area)):
        if not text.strip():
            continue
        try:
            dm2 = parse_area(text)
        except QuantityError as exc:
            out.append(Problem(f"{base}.{key}", exc.reason))
            continue
        total += dm2
        if dm2 > MAX_AREA_DM2_WITHOUT_CONFIRM:
            out.append(
                Problem(
                    f"{base}.{key}",
                    _("面积 {text}㎡ 超过 5,000㎡，请确认测量数据无误", text=text.strip()),
                    Severity.CONFIRM,
                )
            )
    if not s.legal_area.strip() and not s.unlicensed_area.strip():
        out.append(Problem(f"{base}.legal_area", _("请填写合法面积或无证面积")))
    floors = s.floors.strip()
    if floors and (not _small_int(floors) or not 1 <= int(floors) <= MAX_FLOORS):
        out.append(Problem(f"{base}.floors", _("层数应为 1 到 {n} 的整数", n=MAX_FLOORS)))
    if s.build_year.strip():
        # No day given (the domain reads no clock): any year up to 9999 passes this check.
        year_now = today.year if today is not None else 9999
        text = s.build_year.strip()
        if not _small_int(text) or not 1900 <= int(text) <= year_now:
            out.append(
                Problem(
                    f"{base}.build_year",
                    _("建造年份应为 1900 到 {year} 之间的四位年份", year=year_now),
                )
            )
    return out


def _attachment_problems(i: int, a: AttachmentForm) -> list[Problem]:
    out: list[Problem] = []
    base = f"attachments.{i}"
    if not a.item_code:
        out.append(Problem(f"{base}.item_code", _("请从补偿标准中选择附属物项目")))
    if not a.quantity.strip():
        out.append(Problem(f"{base}.quantity", _("请填写数量")))
    else:
        try:
            milli = parse_quantity(a.quantity)
        except QuantityError as exc:
            out.append(Problem(f"{base}.quantity", exc.reason))
        else:
            if milli <= 0:
                out.append(Problem(f"{base}.quantity", _("数量应大于 0")))
    return out


def _small_int(text: str) -> bool:
    # str.isdigit() is also true for "²" and "١", which int() refuses or reads differently.
    return text.isascii() and text.isdigit() and len(text) <= 6


# (attribute, label, limit key, multiline) of the free-text fields; names, ID numbers, phones and
# accounts have their own checks.
_HOUSEHOLD_TEXTS = (
    ("code", lambda: _("户编号"), "household_code", False),
    ("address", lambda: _("地址"), "address", False),
    ("bank_name", lambda: _("开户银行"), "bank_name", False),
    ("account_holder", lambda: _("开户人"), "account_holder", False),
    ("special_situation", lambda: _("特殊情况"), "special_situation", True),
)
_PERSON_TEXTS = (
    ("relation", lambda: _("与户主关系"), "relation", False),
    ("cadre_note", lambda: _("干部说明"), "cadre_note", False),
    ("special_note", lambda: _("特殊情况说明"), "special_situation", True),
)
_STRUCTURE_TEXTS = (
    ("label", lambda: _("房屋名称"), "structure_label", False),
    ("remarks", lambda: _("备注"), "remarks", True),
)
_ATTACHMENT_TEXTS = (
    ("name", lambda: _("附属物名称"), "item_name", False),
    ("unit", lambda: _("单位"), "unit", False),
    ("remarks", lambda: _("备注"), "remarks", True),
)


def _text_problems(form: HouseholdForm) -> list[Problem]:
    """Over-long text and hidden characters in the free-text fields, never cut."""
    out: list[Problem] = []

    def check(
        obj: Any, base: str, specs: tuple[tuple[str, Callable[[], str], str, bool], ...]
    ) -> None:
        for attr, label, key, multiline in specs:
            text = getattr(obj, attr)
            problem = limits.text_problem(
                text.strip(), label(), limits.TEXT_LIMITS[key],
                multiline=multiline, allow_format=multiline,
            )  # fmt: skip
            if problem:
                out.append(Problem(f"{base}{attr}", problem))

    check(form, "", _HOUSEHOLD_TEXTS)
    for i, p in enumerate(form.persons):
        check(p, f"persons.{i}.", _PERSON_TEXTS)
    for i, st in enumerate(form.structures):
        check(st, f"structures.{i}.", _STRUCTURE_TEXTS)
    for i, a in enumerate(form.attachments):
        check(a, f"attachments.{i}.", _ATTACHMENT_TEXTS)
    return out
