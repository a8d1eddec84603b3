"""Writing an import plan: one transaction, bulk inserts, nothing written on any failure.

Values are normalised by the ledger readers with the same domain functions the household
service uses; the register columns (head, counts, areas, ``search_text``) come from
:func:`.household_values.register_columns`, so an imported household looks exactly like one
saved in the editor. A new database path creates a new project: project, team (``T01`` when
the ledger's codes name none), villages and groups from the ledger. What the ledger says
already happened (signed agreements, payments, milestones) is written by :mod:`.past` in the
same transaction, after the households.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from ...domain.status import HouseholdStatus
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database, open_database
from ..audit import chain_rows
from ..bulk_writer import BulkWriter
from ..clock import project_today
from ..households.values import register_columns
from ..progress_report import Progress, ensure
from .past import Household, Numbering, plan_past
from .reimport import update_households

if TYPE_CHECKING:
    from .analysis import LedgerAnalysis
    from .rows import HouseholdPlan

DEFAULT_TEAM = "T01"
_CODE = re.compile(r"^([A-Z][A-Z0-9]{0,9})-(\d{1,8})$")
_CN_NUMBERS = "一二三四五六七八九十"


def _typed(value: Any) -> uuid.UUID:
    """An id as a UUID (the rows here hold SQLite's stored form, 32 hex digits)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def open_target(target: Any) -> tuple[Database, bool, bool]:
    """(database, created now, close when done)."""
    if isinstance(target, Database):
        return target, False, False
    text = str(target)
    if "://" in text:
        return open_database(target, create=True), False, True
    path = Path(text)
    created = not path.exists() or path.stat().st_size == 0
    return open_database(path, create=True), created, True


def _stored(value: Any) -> Any:
    """A value as SQLAlchemy stores it on SQLite (see ``demo_writer``)."""
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def discard_new(db: Database) -> None:
    """Remove a database this import created (the import failed: leave nothing behind)."""
    path = db.path
    db.close()
    if path is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def existing_keys(target: Any) -> tuple[dict[str, str], set[str]]:
    """ID numbers (→ household code) and household codes already in the database."""
    if not isinstance(target, Database):
        text = str(target)
        if "://" not in text and (not Path(text).exists() or Path(text).stat().st_size == 0):
            return {}, set()
        db = open_database(target)
        try:
            return existing_keys(db)
        finally:
            db.close()
    with target.session() as s:
        ids = dict(
            s.execute(
                select(m.Person.id_number, m.Household.code)
                .join(m.Household, m.Household.id == m.Person.household_id)
                .where(m.Person.id_number.is_not(None))
            ).all()
        )
        codes = set(s.scalars(select(m.Household.code)))
    return {k: v for k, v in ids.items() if k}, codes


def village_teams(target: Any) -> tuple[dict[str, str | None], list[str]]:
    """The project's villages (name → its team's code, None when it has none) and its team
    codes; both empty for a database that does not exist yet (a new project)."""
    if not isinstance(target, Database):
        text = str(target)
        if "://" not in text and (not Path(text).exists() or Path(text).stat().st_size == 0):
            return {}, []
        db = open_database(target)
        try:
            return village_teams(db)
        finally:
            db.close()
    with target.session() as s:
        teams = dict(s.execute(select(m.Team.id, m.Team.code)).all())
        villages = {
            name: teams.get(tid) if tid is not None else None
            for name, tid in s.execute(select(m.Village.name, m.Village.team_id))
        }
    return villages, sorted(teams.values())


def _team_name(code: str) -> str:
    digits = code[1:]
    if digits.isdigit() and 1 <= int(digits) <= 10:
        return _("第{n}工作组", n=_CN_NUMBERS[int(digits) - 1])
    return _("{code}工作组", code=code)


def write_plan(
    db: Database,
    analysis: LedgerAnalysis,
    households: list[HouseholdPlan],
    operator: Any,
    village_team: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> None:
    """Write the households. Each goes to its village's team: the village's own team, else
    ``village_team`` (village name → team code, the user's answer); a village with neither
    gets the team its households' codes name, or the first team (a new project has one).
    ``progress`` hears of the rows built and the tables written; a cancel before the commit
    rolls everything back."""
    steps = ensure(progress)
    updates = [h for h in households if h.existing is not None]  # see .reimport
    households = [h for h in households if h.existing is None]
    sqlite = db.is_sqlite
    # On SQLite the rows are built in their stored form (see _stored) for the bulk writer.
    conv: Any = _stored if sqlite else (lambda v: v)
    new_id: Any = (lambda: uuid.uuid4().hex) if sqlite else uuid.uuid4
    now = conv(datetime.now(UTC))
    stamps = {"created_at": now, "updated_at": now}
    op_id = conv(getattr(operator, "id", None))
    op_login = getattr(operator, "login", "")
    with db.session(immediate=True) as s, s.begin():
        project_key = s.scalar(select(m.Project.id).order_by(m.Project.created_at).limit(1))
        project_id = conv(project_key)  # the stored form, for the new rows
        project_rows: list[dict[str, Any]] = []
        if project_key is None:
            project_key = uuid.uuid4()
            project_id = conv(project_key)
            name = (analysis.title or analysis.path.stem)[:200]
            project_rows.append({
                "id": project_id, "code": f"LEDGER-{project_today(s):%Y%m%d}", "name": name,
                "county": "", "description": _("由台账 {file} 导入", file=analysis.path.name),
                **stamps,
            })  # fmt: skip
        teams = {t.code: conv(t.id) for t in s.execute(select(m.Team.code, m.Team.id).where(
            m.Team.project_id == project_key))}  # fmt: skip
        default_team = teams[min(teams)] if teams else None
        new_teams: list[dict[str, Any]] = []

        def team_id(code: str) -> uuid.UUID:
            found = teams.get(code)
            if found is None:
                found = teams[code] = new_id()
                new_teams.append({"id": found, "project_id": project_id, "code": code,
                                  "name": _team_name(code), "leader_name": "", **stamps})  # fmt: skip
            return found

        if default_team is None:
            default_team = team_id(DEFAULT_TEAM)
        villages, village_tid = {}, {}
        for v in s.execute(select(m.Village.name, m.Village.id, m.Village.team_id).where(
                m.Village.project_id == project_key)):  # fmt: skip
            villages[v.name] = conv(v.id)
            village_tid[v.name] = conv(v.team_id)
        answered = {name: team_id(code) for name, code in (village_team or {}).items()}
        by_codes: dict[str, str] = {}  # village → the team its first coded household names
        for h in households:
            found = _CODE.match(h.code) if h.code else None
            if found:
                by_codes.setdefault((h.village or _("未注明村"))[:100], found[1])
        groups = {(conv(g.village_id), g.name): conv(g.id) for g in s.execute(
            select(m.VillageGroup.village_id, m.VillageGroup.name, m.VillageGroup.id)
            .join(m.Village, m.Village.id == m.VillageGroup.village_id)
            .where(m.Village.project_id == project_key))}  # fmt: skip
        new_villages: list[dict[str, Any]] = []
        new_groups: list[dict[str, Any]] = []
        highest: dict[str, int] = {}
        for code in s.scalars(
            select(m.Household.code).where(m.Household.project_id == project_key)
        ):
            found = _CODE.match(code)
            if found:
                highest[found[1]] = max(highest.get(found[1], 0), int(found[2]))
        for h in households:
            found = _CODE.match(h.code) if h.code else None
            if found:
                highest[found[1]] = max(highest.get(found[1], 0), int(found[2]))
        hh_rows: list[dict[str, Any]] = []
        person_rows: list[dict[str, Any]] = []
        structure_rows: list[dict[str, Any]] = []
        attachment_rows: list[dict[str, Any]] = []
        flag_rows: list[dict[str, Any]] = []
        audit_rows: list[dict[str, Any]] = []
        # What already happened (see .past): sealed records with their audit rows.
        agreement_rows: list[dict[str, Any]] = []
        payment_rows: list[dict[str, Any]] = []
        milestone_rows: list[dict[str, Any]] = []
        numbering = Numbering.load(s, project_key)
        at = datetime.now(UTC)
        team_codes = {i: c for c, i in teams.items()}
        building = _("正在整理要导入的户…")
        for done, h in enumerate(households):
            if done % 500 == 0:
                steps.check()
                steps(done, len(households), building)
            vname = (h.village or _("未注明村"))[:100]
            tid = village_tid.get(vname) or answered.get(vname)
            if tid is None:
                tid = team_id(by_codes[vname]) if vname in by_codes else default_team
                village_tid[vname] = tid
            vid = villages.get(vname)
            if vid is None:
                vid = villages[vname] = new_id()
                new_villages.append({"id": vid, "project_id": project_id, "name": vname,
                                     "code": "", "team_id": tid, **stamps})  # fmt: skip
            if h.code and _CODE.match(h.code):
                code = h.code
            else:
                prefix = team_codes.get(tid) or next(c for c, i in teams.items() if i == tid)
                team_codes[tid] = prefix
                highest[prefix] = highest.get(prefix, 0) + 1
                code = f"{prefix}-{highest[prefix]:04d}"
            gid = None
            if h.group:
                gid = groups.get((vid, h.group))
                if gid is None:
                    gid = groups[(vid, h.group)] = new_id()
                    new_groups.append({"id": gid, "village_id": vid, "name": h.group[:100],
                                       **stamps})  # fmt: skip
            hid = new_id()
            persons = []
            for order, p in enumerate(h.persons):
                sex, birth = p.sex, p.birth_date
                if p.id_number:
                    v = p.id_number
                    birth = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
                    sex = "男" if int(v[16]) % 2 else "女"
                persons.append({
                    "id": new_id(), "project_id": project_id, "household_id": hid,
                    "sort_order": order, "name": p.name[:100], "id_number": p.id_number,
                    "relation": p.relation[:20], "is_head": p.relation == "户主", "sex": sex,
                    "birth_date": conv(birth), "phone": p.phone[:40], "is_cadre": False,
                    "is_cadre_relative": False, "cadre_note": "", "is_dibao": False,
                    "is_disabled": False, "special_note": "", **stamps,
                })  # fmt: skip
            if persons and not any(p["is_head"] for p in persons):
                persons[0]["is_head"] = True
            structures = [
                {"id": new_id(), "household_id": hid, "sort_order": i, "decoration": "",
                 **st, **stamps}
                for i, st in enumerate(h.structures)
            ]  # fmt: skip
            register = register_columns(code, persons, structures)
            hh_rows.append({
                "id": hid, "project_id": project_id, "code": code, "team_id": tid,
                "village_id": vid, "group_id": gid, "responsible_id": None,
                "address": h.address, "status": HouseholdStatus.REGISTERED.value,
                "status_changed_at": now, "deadline": conv(h.deadline), "closed_at": None,
                "compensation_method": h.compensation_method, "bank_name": h.bank_name,
                "bank_account": h.bank_account, "account_holder": "",
                "special_situation": "", "remarks": h.remarks,
                "declared_member_count": h.declared_member_count,
                "ledger_amount_fen": h.ledger_amount_fen, "total_fen": None,
                "updated_by": op_id, "row_version": 1, **register, **stamps,
            })  # fmt: skip
            person_rows.extend(persons)
            structure_rows.extend(structures)
            attachment_rows.extend(
                {"id": new_id(), "household_id": hid, "sort_order": i, **a, **stamps}
                for i, a in enumerate(h.attachments)
            )
            source = f"{analysis.path.name} {h.sheet}"
            seen_flags: set[tuple[Any, ...]] = set()
            first_flag = len(flag_rows)
            for f in h.flags:
                # A re-imported export reads a problem again from its row and from 待核实.
                key = (f.field, f.original_text, f.reason, f.person_index)
                if f.field in ("id_number_15",) or key in seen_flags:
                    continue
                seen_flags.add(key)
                pid = (
                    persons[f.person_index]["id"]
                    if f.person_index is not None and f.person_index < len(persons)
                    else None
                )
                flag_rows.append({
                    "id": new_id(), "household_id": hid, "person_id": pid,
                    "field": f.field[:40], "original_text": f.original_text, "reason": f.reason,
                    "source": ((f.sheet and f"{analysis.path.name} {f.sheet} {f.row}") or source)[:255],
                    "created_at": now, "resolved_at": None, "resolved_by": None,
                })  # fmt: skip
            if h.history:
                past = plan_past(
                    Household(
                        id=_typed(hid), project_id=_typed(project_id), head_name=register["head_name"],
                        compensation_method=h.compensation_method or "",
                        status=HouseholdStatus.REGISTERED.value,
                    ),
                    h, analysis.path.name, numbering, operator, at,
                )  # fmt: skip
                for rows, made in ((agreement_rows, past.agreements), (payment_rows, past.payments),
                                   (milestone_rows, past.milestones), (audit_rows, past.audits)):  # fmt: skip
                    rows.extend({k: conv(v) for k, v in row.items()} for row in made)
                if past.status is not None:
                    hh_rows[-1]["status"] = past.status.value
                text = past.text()
                for f in flag_rows[first_flag:]:
                    if text and f["field"] == "history":
                        f["reason"] = f"{f['reason']}；{text}"
            audit_rows.append({
                "id": new_id(), "at": now, "operator_id": op_id, "operator_login": op_login,
                "action": "import", "entity": "household",
                "entity_id": str(uuid.UUID(hid)) if sqlite else str(hid),
                "household_id": hid, "before": None,
                "after": {"code": code, "head_name": register["head_name"],
                          "member_count": register["member_count"]},
                "note": f"{source} {h.row}"[:500],
            })  # fmt: skip
        # SQLite: values converted once to their stored form and handed to the driver in
        # batches (demo_writer.BulkWriter); SQLAlchemy's per-value processing took half the
        # write time. PostgreSQL: Core executemany.
        for row in update_households(s, analysis.path.name, updates, operator, datetime.now(UTC)):
            keys = ("id", "at", "operator_id", "household_id")
            audit_rows.append({k: conv(v) if k in keys else v for k, v in row.items()})
        chain_rows(s, audit_rows)  # their places in the audit chain, in this transaction
        writer = BulkWriter(s.connection()) if db.is_sqlite else None
        tables = (
            (m.Project, project_rows), (m.Team, new_teams), (m.Village, new_villages), (m.VillageGroup, new_groups),
            (m.Household, hh_rows), (m.Person, person_rows), (m.Structure, structure_rows),
            (m.Attachment, attachment_rows), (m.DataFlag, flag_rows), (m.Agreement, agreement_rows),
            (m.Payment, payment_rows), (m.Milestone, milestone_rows), (m.AuditLog, audit_rows),
        )  # fmt: skip
        writing = _("正在写入数据库（全部成功才会保存）…")
        for step, (model, rows) in enumerate(tables):
            steps.check()
            steps(step, len(tables), writing)
            table: Any = model.__table__
            if writer is not None:
                add = writer.adder(table)
                for row in rows:
                    add(row)
                writer.flush(table)
                continue
            for start in range(0, len(rows), 5000):
                s.execute(insert(table), rows[start : start + 5000])
        steps(len(tables), len(tables), writing)
        steps.check()  # the last moment at which nothing of the import is saved
        steps.cannot_cancel(_("正在保存导入的数据，保存完成前不能取消。"))
