"""HQ: merging one team package's records into the project, household by household.

For each household bundle (``h`` its hash, the merge state what HQ merged last):

- unknown at HQ: inserted;
- ``h`` equals the merged hash: nothing to do (a package sent again, overlapping packages);
- HQ did not touch it since (its records still hash to the merged hash): replaced;
- changed at both sides: a ``both_changed`` conflict holding the team's bundle; HQ's records
  stay until HQ decides (never a lost update);
- held at HQ under another team: a ``moved`` conflict;
- a person's ID number that another household at HQ holds: a ``duplicate_id`` conflict with
  the team's bundle. The household is merged anyway (the data is the team's; its notice rows
  and objections need it) but HQ's copy of that person has no ID number, since one number
  names one person in the project (a unique key), until HQ decides.

Team-level records follow their own rules: notice rounds and frozen daily reports never change
once made (inserted once; a round's print count may grow); an exception request is the
team's until HQ decides it. Conflicts are keyed (kind, household, key), so importing a
package again never doubles them.

May use: storage, domain, this package's ``bundle`` and ``container``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from ...domain.idnumber import mask
from ...storage import models as m
from .bundle import (
    BUNDLE_TABLES,
    bulk_insert,
    bundle_hash,
    decode_bundle,
    decode_row,
    delete_household_records,
    household_bundles,
    insert_records,
    refused_row,
    write_households,
)

__all__ = ["MergeResult", "merge_households", "merge_team_records"]


def _t(model: Any) -> Table:
    table: Table = model.__table__
    return table


@dataclass
class MergeResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    file_names: dict[str, str] = field(default_factory=dict)  # sha256 -> original name
    held: set[uuid.UUID] = field(default_factory=set)  # households waiting in a conflict


class _Incoming:
    """One bundle of the package: its hash at once, its typed rows when they are needed
    (a household HQ already merged unchanged is never decoded)."""

    def __init__(self, raw: dict[str, Any], hid: uuid.UUID) -> None:
        self.raw = raw
        self.id = hid
        self.hash = bundle_hash(raw)
        self._decoded: dict[str, list[dict[str, Any]]] | None = None

    @property
    def decoded(self) -> dict[str, list[dict[str, Any]]]:
        if self._decoded is None:
            self._decoded = decode_bundle(self.raw)
            if self._decoded["household"][0]["id"] != self.id:
                raise refused_row("household", "id")
        return self._decoded

    @property
    def code(self) -> str:
        return str(self.raw["household"].get("code", ""))


def read_incoming(bundles: Iterable[Any], team_id: uuid.UUID) -> list[_Incoming]:
    """The package's bundles, each hashed as the sender wrote it (rows in id order, as
    ``household_bundles`` writes them); a household of another team, or one listed twice,
    refuses the package."""
    out = []
    seen: set[uuid.UUID] = set()
    for raw in bundles:
        household = raw.get("household") if isinstance(raw, dict) else None
        if not isinstance(household, dict) or not isinstance(household.get("id"), str):
            raise refused_row("household", "id")
        try:
            hid = uuid.UUID(hex=household["id"])
        except ValueError:
            raise refused_row("household", "id") from None
        if household.get("team_id") != team_id.hex or hid in seen:
            raise refused_row("household", "team_id")
        seen.add(hid)
        for name in BUNDLE_TABLES:
            rows = raw.get(name)
            if isinstance(rows, list):
                if not rows:
                    del raw[name]
                elif all(isinstance(r, dict) and isinstance(r.get("id"), str) for r in rows):
                    rows.sort(key=lambda r: r["id"])
        out.append(_Incoming(raw, hid))
    return out


def merge_households(
    s: Session,
    project_id: uuid.UUID,
    team: m.Team,
    incoming: list[_Incoming],
    package_id: uuid.UUID,
    now: datetime,
    *,
    before_records: Any = None,
) -> MergeResult:
    """Merge the bundles; ``before_records(s)`` runs once the household rows are written and
    before their records are (the team's notice rounds and requests go in there)."""
    result = MergeResult()
    H, S = m.Household, m.ExchangeRecordState
    ids = [i.id for i in incoming]
    existing: dict[uuid.UUID, uuid.UUID] = {}
    states: dict[uuid.UUID, str] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        existing.update((a, b) for a, b in s.execute(select(H.id, H.team_id).where(H.id.in_(part))))
        found = s.execute(select(S.household_id, S.merged_hash).where(S.household_id.in_(part)))
        states.update((a, b) for a, b in found)
    for inc in incoming:
        for f in inc.raw.get("stored_file", []):
            result.file_names.setdefault(f["sha256"], f["original_name"])
    teams = {a: b for a, b in s.execute(select(m.Team.id, m.Team.code))}
    to_insert: list[_Incoming] = []
    to_update: list[_Incoming] = []
    to_compare: list[_Incoming] = []
    new_states: list[_Incoming] = []
    for inc in incoming:
        holder = existing.get(inc.id)
        if holder is not None and holder != team.id:
            _conflict(s, result, project_id, team, "moved", inc, team.code, package_id, now,
                      {"bundle": inc.raw, "hq_team": teams.get(holder, ""), "team": team.code},
                      other_team_id=holder)  # fmt: skip
        elif states.get(inc.id) == inc.hash:
            result.unchanged += 1
        elif holder is None:
            to_insert.append(inc)
        else:
            to_compare.append(inc)
    current = {
        hid: bundle_hash(b)
        for start in range(0, len(to_compare), 500)
        for hid, b in household_bundles(s, [i.id for i in to_compare[start : start + 500]]).items()
    }
    for inc in to_compare:
        merged = states.get(inc.id)
        now_hash = current.get(inc.id)
        if now_hash == inc.hash:
            result.unchanged += 1  # both sides hold the same records
            new_states.append(inc)
        elif merged is not None and now_hash == merged:
            to_update.append(inc)
        else:
            _conflict(s, result, project_id, team, "both_changed", inc, "", package_id, now,
                      {"bundle": inc.raw, "hq_hash": now_hash or "", "merged_hash": merged or "",
                       "team_hash": inc.hash})  # fmt: skip
    to_insert, to_update = _check_id_numbers(
        s, result, project_id, team, to_insert, to_update, package_id, now, teams
    )
    delete_household_records(s, [i.id for i in to_update])
    write_households(s, [i.decoded for i in to_insert], new=True)
    write_households(s, [i.decoded for i in to_update], new=False)
    if before_records is not None:
        before_records(s)
    insert_records(s, [i.decoded for i in (*to_insert, *to_update)])
    result.inserted, result.updated = len(to_insert), len(to_update)
    _save_states(s, team.id, (*to_insert, *to_update, *new_states), states, package_id, now)
    return result


def _check_id_numbers(
    s: Session,
    result: MergeResult,
    project_id: uuid.UUID,
    team: m.Team,
    to_insert: list[_Incoming],
    to_update: list[_Incoming],
    package_id: uuid.UUID,
    now: datetime,
    teams: Mapping[uuid.UUID, str],
) -> tuple[list[_Incoming], list[_Incoming]]:
    owners: dict[str, _Incoming] = {}
    for inc in (*to_insert, *to_update):
        for p in inc.decoded.get("person", []):
            if p.get("id_number"):
                owners[p["id_number"]] = inc
    if not owners:
        return to_insert, to_update
    moving = {i.id for i in (*to_insert, *to_update)}
    P, H = m.Person, m.Household
    numbers = sorted(owners)
    for start in range(0, len(numbers), 500):
        rows = s.execute(
            select(P.id_number, H.id, H.code, H.team_id)
            .join(H, H.id == P.household_id)
            .where(P.id_number.in_(numbers[start : start + 500]))
        )
        for number, other_id, other_code, other_team in rows:
            if number is None or other_id in moving:
                continue
            inc = owners[number]
            for person in inc.decoded.get("person", []):
                if person.get("id_number") == number:
                    person["id_number"] = None
            _conflict(s, result, project_id, team, "duplicate_id", inc, mask(number), package_id,
                      now, {"bundle": inc.raw, "id_number": mask(number),
                            "other_household": other_code,
                            "other_team": teams.get(other_team, "")},
                      other_team_id=other_team, other_household=other_code,
                      hold=False)  # fmt: skip
    return to_insert, to_update


def _conflict(
    s: Session,
    result: MergeResult,
    project_id: uuid.UUID,
    team: m.Team,
    kind: str,
    inc: _Incoming,
    key: str,
    package_id: uuid.UUID,
    now: datetime,
    details: dict[str, Any],
    *,
    other_team_id: uuid.UUID | None = None,
    other_household: str = "",
    hold: bool = True,
) -> None:
    """Open (or bring up to date) the conflict ``kind`` of this household and key; ``hold``:
    the household's records wait for the decision."""
    C = m.ExchangeConflict
    if hold:
        result.held.add(inc.id)
    row = s.scalar(
        select(C).where(
            C.project_id == project_id, C.kind == kind, C.household_id == inc.id, C.key == key,
            C.status == "open",
        )
    )  # fmt: skip
    if row is None:
        s.add(
            C(
                id=uuid.uuid4(), project_id=project_id, kind=kind, team_id=team.id,
                other_team_id=other_team_id, household_id=inc.id, package_id=package_id,
                key=key, details=details, status="open", created_at=now,
            )
        )  # fmt: skip
    elif row.details != details:
        row.details = details
        row.package_id = package_id
    entry = {"kind": kind, "household": inc.code, "household_id": inc.id.hex, "team": team.code}
    if other_household:
        entry["other_household"] = other_household
    for name in ("id_number", "other_team", "hq_team"):
        if name in details:
            entry[name] = details[name]
    result.conflicts.append(entry)


def _save_states(
    s: Session,
    team_id: uuid.UUID,
    merged: Iterable[_Incoming],
    states: Mapping[uuid.UUID, str],
    package_id: uuid.UUID,
    now: datetime,
) -> None:
    S: Any = m.ExchangeRecordState.__table__
    new: list[dict[str, Any]] = []
    known: list[dict[str, Any]] = []
    for inc in merged:
        row = {"household_id": inc.id, "team_id": team_id, "merged_hash": inc.hash,
               "merged_at": now, "package_id": package_id}  # fmt: skip
        (known if inc.id in states else new).append(row)
    bulk_insert(s, "exchange_record_state", new)
    if known:
        from sqlalchemy import bindparam

        stmt = (
            update(S)
            .where(S.c.household_id == bindparam("b_id"))
            .values(team_id=bindparam("b_team"), merged_hash=bindparam("b_hash"),
                    merged_at=bindparam("b_at"), package_id=bindparam("b_package"))
        )  # fmt: skip
        s.execute(stmt, [{"b_id": r["household_id"], "b_team": team_id, "b_hash": r["merged_hash"],
                          "b_at": now, "b_package": package_id} for r in known])  # fmt: skip


# --- the team's own project-level records ------------------------------------------------------


@dataclass
class TeamRecordCounts:
    notice_rounds: int = 0
    notice_rounds_waiting: int = 0  # naming a household HQ does not hold yet
    approval_requests: int = 0
    daily_reports: int = 0


def merge_team_records(
    s: Session,
    team_id: uuid.UUID,
    rounds: list[dict[str, Any]],
    requests: list[dict[str, Any]],
    reports: list[dict[str, Any]],
    file_names: dict[str, str],
) -> TeamRecordCounts:
    """Notice rounds (with rows and photo rows), exception requests and daily reports."""
    counts = TeamRecordCounts()
    _merge_requests(s, team_id, requests, counts)
    _merge_rounds(s, rounds, counts, file_names)
    D = m.DailyReport
    for raw in reports:
        row = decode_row("daily_report", raw)
        if row["team_id"] != team_id:
            continue  # not the team's: HQ's own reports are HQ's
        taken = s.scalar(
            select(D.id).where(
                (D.id == row["id"])
                | ((D.project_id == row["project_id"]) & (D.scope_key == row["scope_key"])
                   & (D.report_date == row["report_date"]))
            )
        )  # fmt: skip
        if taken is None:
            s.execute(insert(_t(D)), [row])
            counts.daily_reports += 1
    return counts


def _merge_requests(
    s: Session, team_id: uuid.UUID, requests: list[dict[str, Any]], counts: TeamRecordCounts
) -> None:
    Q = m.ApprovalRequest
    rows = [decode_row("approval_request", r) for r in requests]
    rows = [r for r in rows if r["team_id"] == team_id]
    if not rows:
        return
    held = set(s.scalars(select(m.Household.id).where(m.Household.id.in_({r["household_id"] for r in rows}))))  # fmt: skip
    known = {q.id: q for q in s.scalars(select(Q).where(Q.id.in_([r["id"] for r in rows])))}
    team_fields = ("number", "item_code", "requested_amount_fen", "requested_rule", "reason",
                   "requested_by", "requested_at", "updated_at")  # fmt: skip
    for r in rows:
        q = known.get(r["id"])
        if q is None:
            if r["household_id"] in held:
                s.execute(insert(_t(Q)), [r])
                counts.approval_requests += 1
        elif q.status == "pending":  # HQ's decision, once made, is HQ's
            for name in team_fields:
                if getattr(q, name) != r[name]:
                    setattr(q, name, r[name])
    s.flush()


def _merge_rounds(
    s: Session, rounds: list[dict[str, Any]], counts: TeamRecordCounts, file_names: dict[str, str]
) -> None:
    R = m.NoticeRound
    items = []
    for item in rounds:
        if not isinstance(item, dict):
            continue
        round_row = decode_row("notice_round", item.get("round"))
        rows = [decode_row("notice_row", r) for r in item.get("rows") or []]
        files = [decode_row("stored_file", f) for f in item.get("files") or []]
        if any(r["round_id"] != round_row["id"] for r in rows) or any(
            f["notice_round_id"] != round_row["id"] for f in files
        ):
            raise refused_row("notice_row", "round_id")
        items.append((round_row, rows, files))
    items.sort(key=lambda i: (i[0]["round_no"], i[0]["created_at"]))
    for round_row, rows, files in items:
        existing = s.get(R, round_row["id"])
        if existing is not None:
            if round_row["print_count"] > existing.print_count:
                existing.print_count = round_row["print_count"]
            continue
        named = {r["household_id"] for r in rows}
        held = set(s.scalars(select(m.Household.id).where(m.Household.id.in_(named))))
        previous = round_row["previous_round_id"]
        if held != named or (previous is not None and s.get(R, previous) is None):
            counts.notice_rounds_waiting += 1
            continue
        s.execute(insert(_t(R)), [round_row])
        if rows:
            s.execute(insert(_t(m.NoticeRow)), rows)
        if files:
            s.execute(insert(_t(m.StoredFile)), files)
            for f in files:
                file_names.setdefault(f["sha256"], f["original_name"])
        counts.notice_rounds += 1
    s.flush()
