"""The fairness report's figures (一把尺子): are comparable households paid alike?

Households with a current calculation are grouped by main structure type (the type with the
largest floor area) × legal-area band; within a group the amount per ㎡ of legal area is
compared: median, quartiles and the outliers beyond 1.5 × IQR. Beside it: every approved
exception (flagged when decided after someone had already signed: DOMAIN rule 8), cadre and
cadre-relative households next to their group's median (rule 7), and signing dates against
the signing deadline (signing-bonus eligibility).
"""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from ...domain.scheme import RateKind
from ...domain.status import STRUCTURE_LABELS, StructureType
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..clock import project_today
from ..households.service import project_id_of
from ..settings import is_demo, sign_deadline
from .inputs import SchemeBook

__all__ = ["BANDS", "FairnessReport", "fairness_report"]

# Legal-area bands in dm² (upper bound exclusive); labels in ㎡.
BANDS: tuple[tuple[int, str], ...] = (
    (8000, "<80㎡"),
    (15000, "80–150㎡"),
    (25000, "150–250㎡"),
    (10**12, ">250㎡"),
)
CENT = Decimal("0.01")


def band_of(legal_dm2: int) -> str:
    for upper, label in BANDS:
        if legal_dm2 < upper:
            return label
    return BANDS[-1][1]


@dataclass
class HouseholdFigure:
    code: str
    head_name: str
    team: str
    structure: str  # Chinese label
    band: str
    legal_dm2: int
    total_fen: int
    per_m2: Decimal | None  # 元/㎡ of legal area; None without legal area
    cadre_note: str = ""  # "干部: …" / "干部亲属: …"
    signed_on: date | None = None

    @property
    def group(self) -> tuple[str, str]:
        return self.structure, self.band


@dataclass
class GroupStats:
    structure: str
    band: str
    households: int
    median: Decimal
    q1: Decimal
    q3: Decimal
    low: Decimal
    high: Decimal
    minimum: Decimal
    maximum: Decimal
    outliers: int = 0


@dataclass
class ExceptionRow:
    number: str
    code: str
    head_name: str
    item_code: str
    amount_fen: int | None
    rule: str
    reason: str
    decision: str
    decided_at: datetime | None
    after_signings: int  # households that had signed before this decision


@dataclass
class BonusRow:
    code: str
    head_name: str
    team: str
    signed_on: date
    deadline: date | None
    eligible: bool
    bonus_fen: int


@dataclass
class FairnessReport:
    project: str
    generated: date
    households: int
    groups: list[GroupStats]
    outliers: list[tuple[HouseholdFigure, GroupStats]]
    exceptions: list[ExceptionRow]
    cadres: list[tuple[HouseholdFigure, GroupStats | None]]
    bonuses: list[BonusRow]
    sign_deadline: date | None = None
    no_area: int = 0
    notes: list[str] = field(default_factory=list)
    demo: bool = False  # the demo project's: written with the 演示数据 mark


def fairness_report(db: Database, *, today: date | None = None) -> FairnessReport:
    with db.session() as s:
        project_id = project_id_of(s)
        project = s.get(m.Project, project_id)
        assert project is not None
        demo = is_demo(s)
        H, C = m.Household, m.Calculation
        teams = {t.id: t.code for t in s.scalars(select(m.Team))}
        main_type: dict[uuid.UUID, tuple[int, str]] = {}
        for hid, kind, legal, unlicensed in s.execute(
            select(m.Structure.household_id, m.Structure.structure_type,
                   m.Structure.legal_area_dm2, m.Structure.unlicensed_area_dm2)
        ):  # fmt: skip
            area = legal + unlicensed
            if hid not in main_type or area > main_type[hid][0]:
                main_type[hid] = (area, kind)
        cadre: dict[uuid.UUID, list[str]] = defaultdict(list)
        for hid, name, is_cadre, note in s.execute(
            select(m.Person.household_id, m.Person.name, m.Person.is_cadre,
                   m.Person.cadre_note)
            .where((m.Person.is_cadre.is_(True)) | (m.Person.is_cadre_relative.is_(True)))
        ):  # fmt: skip
            what = _("干部") if is_cadre else _("干部亲属")
            cadre[hid].append(f"{name}（{what}{'：' + note if note else ''}）")
        signed: dict[uuid.UUID, date] = {}
        for hid, day in s.execute(
            select(m.Agreement.household_id, m.Agreement.signed_on).where(
                m.Agreement.status == "signed", m.Agreement.kind == "main"
            )
        ):
            if day is not None:
                signed[hid] = day
        figures: dict[uuid.UUID, HouseholdFigure] = {}
        calc_of: dict[uuid.UUID, uuid.UUID] = {}
        for hid, code, head, team, legal, calc_id, total in s.execute(
            select(H.id, H.code, H.head_name, H.team_id, H.legal_area_dm2, C.id, C.total_fen)
            .join(C, C.household_id == H.id)
            .where(H.project_id == project_id, C.status != "superseded")
            .order_by(H.code)
        ):
            kind = main_type.get(hid, (0, StructureType.OTHER.value))[1]
            per = (
                (Decimal(total) / legal).quantize(CENT, ROUND_HALF_UP) if legal else None
            )  # fen per dm² = 元 per ㎡
            figures[hid] = HouseholdFigure(
                code, head, teams.get(team, ""), STRUCTURE_LABELS[StructureType(kind)],
                band_of(legal), legal, total, per, "；".join(cadre.get(hid, [])),
                signed.get(hid),
            )  # fmt: skip
            calc_of[hid] = calc_id
        deadline = sign_deadline(s, project_id)
        book = SchemeBook(s, project_id)
        sign_codes = {
            it.code
            for scheme in book.by_id.values()
            for it in scheme.items
            if it.kind is RateKind.BONUS_WINDOW and it.date_source == "signed"
        }
        bonus_by_calc: dict[uuid.UUID, int] = defaultdict(int)
        if sign_codes and signed:
            wanted = [calc_of[h] for h in signed if h in calc_of]
            for start in range(0, len(wanted), 500):
                for cid, amount in s.execute(
                    select(m.CalculationLine.calculation_id, m.CalculationLine.amount_fen).where(
                        m.CalculationLine.calculation_id.in_(wanted[start : start + 500]),
                        m.CalculationLine.item_code.in_(sign_codes),
                    )
                ):
                    bonus_by_calc[cid] += amount
        sign_days = sorted(signed.values())
        exceptions = []
        R = m.ApprovalRequest
        for r, code, head in s.execute(
            select(R, H.code, H.head_name)
            .join(H, H.id == R.household_id)
            .where(R.project_id == project_id, R.status == "approved")
            .order_by(R.decided_at, R.number)
        ):
            decided = r.decided_at.date() if r.decided_at else None
            earlier = sum(1 for d in sign_days if decided and d < decided)
            exceptions.append(
                ExceptionRow(r.number, code, head, r.item_code, r.requested_amount_fen,
                             r.requested_rule, r.reason, r.decision_reason, r.decided_at,
                             earlier)
            )  # fmt: skip
    groups, stats_of, outliers = _group_stats(list(figures.values()))
    cadres = [(f, stats_of.get(f.group)) for f in figures.values() if f.cadre_note]
    bonuses = [
        BonusRow(
            f.code,
            f.head_name,
            f.team,
            f.signed_on,
            deadline,
            deadline is None or f.signed_on <= deadline,
            bonus_by_calc.get(calc_of[hid], 0),
        )
        for hid, f in figures.items()
        if f.signed_on is not None
    ]
    return FairnessReport(
        project=project.name, generated=today or project_today(db), households=len(figures),
        groups=groups, outliers=outliers, exceptions=exceptions, cadres=cadres,
        bonuses=bonuses, sign_deadline=deadline,
        no_area=sum(1 for f in figures.values() if f.per_m2 is None), demo=demo,
    )  # fmt: skip


def _group_stats(
    figures: list[HouseholdFigure],
) -> tuple[
    list[GroupStats],
    dict[tuple[str, str], GroupStats],
    list[tuple[HouseholdFigure, GroupStats]],
]:
    by_group: dict[tuple[str, str], list[HouseholdFigure]] = defaultdict(list)
    for f in figures:
        if f.per_m2 is not None:
            by_group[f.group].append(f)
    order = {label: k for k, (_u, label) in enumerate(BANDS)}
    groups, stats_of, outliers = [], {}, []
    for key in sorted(by_group, key=lambda g: (g[0], order[g[1]])):
        members = by_group[key]
        values = sorted(f.per_m2 for f in members if f.per_m2 is not None)
        if len(values) >= 2:
            q1, _q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
        else:
            q1 = q3 = values[0]
        iqr = q3 - q1
        low, high = q1 - iqr * Decimal("1.5"), q3 + iqr * Decimal("1.5")
        st = GroupStats(
            key[0], key[1], len(values), Decimal(statistics.median(values)).quantize(CENT),
            Decimal(q1).quantize(CENT), Decimal(q3).quantize(CENT), Decimal(low).quantize(CENT),
            Decimal(high).quantize(CENT), values[0], values[-1],
        )  # fmt: skip
        for f in members:
            assert f.per_m2 is not None
            if f.per_m2 < low or f.per_m2 > high:
                outliers.append((f, st))
                st.outliers += 1
        groups.append(st)
        stats_of[key] = st
    return groups, stats_of, outliers
