"""One shard of the demo: the households of a consecutive range of teams.

The demo generator splits the teams over processes (two cores, two shards). The first shard
is generated in the calling process straight into the project database; each other shard in a
worker process into a plain SQLite scratch file, which the parent then copies in, in team
order. Everything a team produces comes from that team's own random stream, id block and
ID-number slot, so the database is the same whatever the number of shards.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Container
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, create_engine

from ...domain.household_input import AttachmentInput, HouseholdInput, StructureInput
from ...domain.scheme import Scheme
from ...domain.scheme_parse import parse_scheme
from ...domain.search import SearchPerson, household_search_text
from ...domain.status import CompensationMethod, HouseholdStatus, StructureType
from ...storage import models as m
from ...storage.base import Base
from ...storage.engine import json_dumps
from ..bulk_writer import BulkWriter, Clock, Ids, uuid_text
from . import data
from .people import Member, People
from .plan import HouseholdPlan, Layout
from .records import CaseFacts, Records, structure_summary
from .structures import Building, Counted, Property

S = HouseholdStatus
_SCRATCH_PRAGMAS = (
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    "PRAGMA cache_size = -65536",
)


@dataclass(frozen=True)
class ShardJob:
    """Everything a shard needs; picklable, so a worker process can be given it."""

    scratch: str  # "" for the parent's own shard, written straight into the project database
    teams: tuple[int, ...]
    layout: Layout  # with only this shard's households
    scheme: dict[str, Any]  # the demo scheme as a dict (parse_scheme gives it back)
    seed: int
    today: date
    project_id: str
    scheme_version_id: str
    id_base: int


def create_scratch(path: Path) -> None:
    """An empty scratch file with every table's columns and no constraints or indexes."""
    engine = create_engine(URL.create("sqlite", database=str(path)), json_serializer=json_dumps)
    try:
        with engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                columns = ", ".join(f'"{c.name}"' for c in table.columns)
                conn.exec_driver_sql(f'CREATE TABLE "{table.name}" ({columns})')
    finally:
        engine.dispose()


def run_shard(job: ShardJob, progress: Callable[[int], None] | None = None) -> int:
    """Generate the job's teams into its scratch file; returns how often the engine ran.
    ``progress(done)`` is called after each household with the count done so far."""
    engine = create_engine(URL.create("sqlite", database=job.scratch), json_serializer=json_dumps)
    try:
        with engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            for pragma in _SCRATCH_PRAGMAS:
                driver.execute(pragma)
            with conn.begin():
                return generate_teams(job, conn, progress)
    finally:
        engine.dispose()


def generate_teams(
    job: ShardJob, conn: Connection, progress: Callable[[int], None] | None = None
) -> int:
    """Generate the job's teams on ``conn`` (a scratch file, or the project database itself
    for the parent's own shard); returns how often the engine ran."""
    scheme = parse_scheme(job.scheme)
    covered = _font_coverage()
    writer = BulkWriter(conn)
    calls = done = 0
    for team in job.teams:
        work = TeamWork(job, team, scheme, covered, writer)
        for p in work.plans:
            work.household(p)
            done += 1
            if progress is not None:
                progress(done)
        work.finish()
        calls += work.records.engine_calls
    writer.flush_all(Base.metadata.sorted_tables)
    return calls


def _font_coverage() -> Container[int] | None:
    try:
        from ...fonts import covered_codepoints

        return covered_codepoints()
    except (ImportError, FileNotFoundError, ValueError):
        return None


def team_random(seed: int, team: int, purpose: str) -> random.Random:
    """The random stream of one team for one purpose (str seeds hash the same everywhere)."""
    return random.Random(f"relocation-desk-demo/{seed}/{team}/{purpose}")


class TeamWork:
    """The households of one team, with the notice rounds of its villages."""

    def __init__(
        self,
        job: ShardJob,
        team: int,
        scheme: Scheme,
        covered: Container[int] | None,
        writer: BulkWriter,
    ) -> None:
        layout = job.layout
        self.layout, self.team = layout, layout.teams[team]
        self.plans = [p for p in layout.households if p.team == team]
        self.project_id = job.project_id
        self.rng = rng = team_random(job.seed, team, "content")
        self.ids = ids = Ids(team_random(job.seed, team, "ids"), base=job.id_base, block=team + 1)
        self.clock = clock = Clock(job.today)
        self.people = People(job.today, covered, slot=(team, len(layout.teams)))
        self.property = Property(scheme)
        self.records = Records(
            writer, clock, ids, rng, layout, scheme, job.scheme_version_id, job.project_id
        )
        adder = writer.adder
        self._add_person = adder(m.Person.__table__)
        self._add_structure = adder(m.Structure.__table__)
        self._add_attachment = adder(m.Attachment.__table__)
        self._add_household = adder(m.Household.__table__)
        self._add_audit = adder(m.AuditLog.__table__)
        self._addresses: dict[tuple[int, int], int] = {}

    def finish(self) -> None:
        for v in self.team.villages:
            self.records.notice_rounds(self.layout.villages[v])

    def household(self, p: HouseholdPlan) -> None:
        rng, clock, lay = self.rng, self.clock, self.layout
        village = lay.villages[p.village]
        group_id, group_name = village.groups[p.group]
        members = self.people.family(rng, p.cadre)
        head = members[0]
        surveyed = p.surveyed is not None
        buildings = self.property.buildings(rng) if surveyed else []
        counted = self.property.attachments(rng) if surveyed else []
        created = clock.work_time(p.registered, rng)
        survey_time = clock.work_time(p.surveyed, rng) if p.surveyed is not None else created
        self._persons(p, members, created)
        legal = unlicensed = 0
        for order, b in enumerate(buildings):
            legal += b.legal_area_dm2
            unlicensed += b.unlicensed_area_dm2
            self._add_structure({
                "id": self.ids.new(), "household_id": p.id, "sort_order": order,
                "label": b.label, "structure_type": b.structure_type,
                "legal_area_dm2": b.legal_area_dm2, "unlicensed_area_dm2": b.unlicensed_area_dm2,
                "floors": b.floors, "build_year": b.build_year, "decoration": b.decoration,
                "remarks": "", "created_at": survey_time, "updated_at": survey_time,
            })  # fmt: skip
        for order, a in enumerate(counted):
            self._add_attachment({
                "id": self.ids.new(), "household_id": p.id, "sort_order": order,
                "item_code": a.item_code, "name": a.name, "unit": a.unit,
                "quantity_milli": a.quantity_milli, "remarks": "", "created_at": survey_time,
                "updated_at": survey_time,
            })  # fmt: skip

        bank, account = self.people.bank_account(rng)
        payee = head.name
        if len(members) > 1 and members[1].relation == "配偶" and rng.random() < 0.05:
            payee = members[1].name
        cadre_mark = "干部" if any(x.is_cadre for x in members) else (
            "干部亲属" if any(x.is_cadre_relative for x in members) else ""
        )  # fmt: skip
        key = (p.village, p.group)
        number = self._addresses[key] = self._addresses.get(key, 0) + 1
        address = f"{data.TOWN}{village.name}{group_name}{number}号"
        facts = CaseFacts(
            head.name, head.id_number, group_name, len(members), legal, unlicensed,
            structure_summary([(b.structure_type, b.legal_area_dm2, b.unlicensed_area_dm2) for b in buildings]),
            cadre_mark, payee, address, bank, account,
            tuple((x.name, x.relation, x.id_number, x.birth) for x in members),
        )  # fmt: skip

        total: int | None = None
        method: CompensationMethod | None = None
        if p.calculated is not None:
            method, total = self._case(p, members, buildings, counted, facts)

        changed = max(clock.work_time(p.last_event, rng), created)
        special = ""
        if rng.random() < 0.03:
            special = data.SPECIAL_SITUATIONS[int(rng.random() * len(data.SPECIAL_SITUATIONS))]
        search = household_search_text(
            p.code, [SearchPerson(x.name, x.id_number, x.phone) for x in members]
        )
        self._add_household({
            "id": p.id, "project_id": self.project_id, "code": p.code,
            "team_id": lay.teams[p.team].id, "village_id": village.id, "group_id": group_id,
            "responsible_id": lay.operators[p.responsible].id,
            "address": address,
            "status": p.status.value, "status_changed_at": changed, "deadline": None,
            "closed_at": clock.at(p.demolished, 17 * 60) if p.demolished is not None else None,
            "compensation_method": method.value if method is not None else None,
            "bank_name": bank, "bank_account": account, "account_holder": payee,
            "special_situation": special, "remarks": "", "declared_member_count": None,
            "ledger_amount_fen": None, "head_name": head.name,
            "head_id_number": head.id_number or "", "member_count": len(members),
            "legal_area_dm2": legal, "unlicensed_area_dm2": unlicensed, "total_fen": total,
            "has_cadre": bool(cadre_mark), "search_text": search,
            "updated_by": lay.operators[p.responsible].id, "row_version": 1,
            "created_at": created, "updated_at": changed,
        })  # fmt: skip
        self._add_audit({
            "id": self.ids.new(), "at": created,
            "operator_id": lay.operators[p.responsible].id,
            "operator_login": lay.operators[p.responsible].login, "action": "create",
            "entity": "household", "entity_id": uuid_text(p.id), "household_id": p.id,
            "before": None,
            "after": {"code": p.code, "head_name": head.name, "member_count": len(members),
                      "village": village.name, "group": group_name},
            "note": "演示数据",
        })  # fmt: skip

    def _persons(self, p: HouseholdPlan, members: list[Member], created: str) -> None:
        clock = self.clock
        add, new = self._add_person, self.ids.new
        for order, x in enumerate(members):
            add({
                "id": new(), "project_id": self.project_id, "household_id": p.id,
                "sort_order": order, "name": x.name, "id_number": x.id_number,
                "relation": x.relation, "is_head": order == 0, "sex": x.sex,
                "birth_date": clock.day(x.birth.toordinal()), "phone": x.phone,
                "is_cadre": x.is_cadre, "is_cadre_relative": x.is_cadre_relative,
                "cadre_note": x.cadre_note, "is_dibao": p.dibao, "is_disabled": x.is_disabled,
                "special_note": "", "created_at": created, "updated_at": created,
            })  # fmt: skip

    def _case(
        self,
        p: HouseholdPlan,
        members: list[Member],
        buildings: list[Building],
        counted: list[Counted],
        facts: CaseFacts,
    ) -> tuple[CompensationMethod, int]:
        """Calculation(s) and whatever followed; returns (method, current total)."""
        records = self.records
        assert p.calculated is not None
        hh = HouseholdInput(
            code=p.code,
            member_count=len(members),
            structures=tuple(
                StructureInput(
                    StructureType(b.structure_type),
                    b.legal_area_dm2,
                    b.unlicensed_area_dm2,
                    b.decoration,
                )
                for b in buildings
            ),
            attachments=tuple(AttachmentInput(a.item_code, a.quantity_milli) for a in counted),
            vulnerable=p.dibao or any(x.is_disabled for x in members),
            compensation_method=p.method,
        )
        if p.method is not CompensationMethod.MONEY and facts.legal_dm2 < 4500 * len(members):
            # A flat of 40 ㎡ a head would cost more than a small house brings: take the money.
            hh = replace(hh, compensation_method=CompensationMethod.MONEY)
        first = records.compute(hh, p.calculated)
        if first.total_fen <= 0 and hh.compensation_method is not CompensationMethod.MONEY:
            # The flat would cost more than the compensation: this family takes the money.
            hh = replace(hh, compensation_method=CompensationMethod.MONEY)
            first = records.compute(hh, p.calculated)
        method = hh.compensation_method
        posted, current = records.calculations(p, hh, first)
        if p.reached(S.NOTICED):
            records.notice_row(p, facts, posted, method)
        if p.signed is not None:
            agreement_id = records.agreement(p, facts, current, method)
            if p.paid is not None:
                records.payments(p, facts, agreement_id, current.result.total_fen)
            records.milestones(p)
        if p.decided is not None:
            records.decision(p, current, method)
        records.approval(p)
        return method, current.result.total_fen
