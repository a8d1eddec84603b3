"""What HQ owns and hands to a team: the project and its teams, the team's villages and
groups, operators (with password hashes and roles), published schemes, settings and the
keyed hashes of other teams' ID numbers; read at HQ, applied on a laptop.

The join package and every HQ → team package carry the same entries; applying them again
changes nothing (rows are matched by their keys, which HQ and the laptops share).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from ...storage import models as m
from .id_hashes import hashes_outside
from .rows import dump_lines, from_json, load_lines, read_rows, to_json

__all__ = ["AppliedCounts", "apply_hq_records", "hq_records"]

# Columns of an operator that belong to the laptop it signs in on, never sent or replaced.
_LOCAL_OPERATOR_COLUMNS = frozenset({"failed_sign_ins", "locked_until"})


def _t(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def hq_records(s: Session, team_id: uuid.UUID, id_hash_key: bytes) -> list[tuple[str, bytes]]:
    """HQ: the entries for ``team_id``'s laptop (``organisation.json`` is JSON lines of
    ``{"table", "row"}``; the others one row or one scheme version a line)."""
    team = s.get(m.Team, team_id)
    assert team is not None
    org: list[dict[str, Any]] = []
    org += [{"table": "project", "row": r} for r in
            read_rows(s, _t(m.Project), m.Project.id == team.project_id)]  # fmt: skip
    org += [{"table": "team", "row": r} for r in
            read_rows(s, _t(m.Team), m.Team.project_id == team.project_id)]  # fmt: skip
    villages = read_rows(s, _t(m.Village), m.Village.team_id == team_id)
    org += [{"table": "village", "row": r} for r in villages]
    village_ids = [uuid.UUID(hex=v["id"]) for v in villages]
    if village_ids:
        groups = read_rows(s, _t(m.VillageGroup), m.VillageGroup.village_id.in_(village_ids))
        org += [{"table": "village_group", "row": r} for r in groups]
    operators = [
        {k: v for k, v in r.items() if k not in _LOCAL_OPERATOR_COLUMNS}
        for r in read_rows(
            s,
            _t(m.Operator),
            m.Operator.project_id == team.project_id,
            (m.Operator.team_id == team_id) | m.Operator.team_id.is_(None),
        )
    ]
    settings = {
        key: value
        for key, value in s.execute(
            select(m.Setting.key, m.Setting.value).where(m.Setting.project_id == team.project_id)
        )
    }
    hashes = [
        {"hash": h, "team_code": code, "team_name": name}
        for h, code, name in hashes_outside(s, id_hash_key, team_id)
    ]
    return [
        ("organisation.jsonl", dump_lines(org)),
        ("operators.jsonl", dump_lines(operators)),
        ("schemes.jsonl", dump_lines(_published_schemes(s, team.project_id))),
        ("settings.json", dump_lines([settings])),
        ("id_hashes.jsonl", dump_lines(hashes)),
    ]


def _published_schemes(s: Session, project_id: uuid.UUID) -> list[dict[str, Any]]:
    sv, sc = m.SchemeVersion, m.Scheme
    versions = s.execute(
        select(sv, sc)
        .join(sc, sc.id == sv.scheme_id)
        .where(sc.project_id == project_id, sv.status == "published")
        .order_by(sv.published_at, sv.version_no)
    ).all()
    out = []
    for version, scheme in versions:
        out.append({
            "scheme": to_json(_t(m.Scheme), _columns(scheme)),
            "version": to_json(_t(m.SchemeVersion), _columns(version)),
            "items": read_rows(s, _t(m.RateItem), m.RateItem.scheme_version_id == version.id),
        })  # fmt: skip
    return out


def _columns(obj: Any) -> dict[str, Any]:
    return {c.name: getattr(obj, c.key) for c in obj.__table__.columns}


@dataclass
class AppliedCounts:
    """What applying HQ's records changed on the laptop."""

    operators: int = 0
    schemes: int = 0
    settings: int = 0
    id_hashes: int = 0
    organisation: int = 0


def apply_hq_records(s: Session, read: Any, names: Iterable[str]) -> AppliedCounts:
    """Laptop: apply the entries :func:`hq_records` wrote (``read(name) -> bytes``) in the
    caller's transaction; returns how many rows were new or changed."""
    present = set(names)
    counts = AppliedCounts()
    if "organisation.jsonl" in present:
        for item in load_lines(read("organisation.jsonl"), "organisation.jsonl"):
            model = {"project": m.Project, "team": m.Team, "village": m.Village,
                     "village_group": m.VillageGroup}.get(str(item.get("table")))  # fmt: skip
            if model is not None and isinstance(item.get("row"), dict):
                counts.organisation += _upsert(s, _t(model), item["row"])
    if "operators.jsonl" in present:
        counts.operators = _apply_operators(s, load_lines(read("operators.jsonl"), "operators"))
    if "schemes.jsonl" in present:
        for item in load_lines(read("schemes.jsonl"), "schemes.jsonl"):
            counts.schemes += _apply_scheme(s, item)
    if "settings.json" in present:
        for settings in load_lines(read("settings.json"), "settings.json"):
            counts.settings += _apply_settings(s, settings)
    if "id_hashes.jsonl" in present:
        counts.id_hashes = _replace_id_hashes(s, load_lines(read("id_hashes.jsonl"), "id hashes"))
    return counts


def _upsert(s: Session, table: Table, data: Mapping[str, Any], *, keep: Iterable[str] = ()) -> int:
    """Insert the row, or update the columns that differ; 1 when something changed."""
    row = from_json(table, data)
    key = [table.c[c.name] == row[c.name] for c in table.primary_key.columns]
    current = s.execute(select(table).where(*key)).first()
    if current is None:
        s.execute(insert(table).values(**row))
        return 1
    kept = set(keep)
    changed = {k: v for k, v in row.items() if k not in kept and current._mapping[k] != v}
    if not changed:
        return 0
    s.execute(update(table).where(*key).values(**changed))
    return 1


def _apply_operators(s: Session, items: Iterable[dict[str, Any]]) -> int:
    """HQ's operators: new ones added, changed ones updated (a password changed on this
    laptop later than HQ's stays), operators HQ no longer lists for this team deactivated."""
    table = _t(m.Operator)
    seen: set[uuid.UUID] = set()
    done = 0
    for item in items:
        row = from_json(table, item)
        seen.add(row["id"])
        local = s.get(m.Operator, row["id"])
        keep = set(_LOCAL_OPERATOR_COLUMNS)
        if (
            local is not None
            and local.password_changed_at is not None
            and (
                row.get("password_changed_at") is None
                or row["password_changed_at"] < local.password_changed_at
            )
        ):
            keep |= {"password_hash", "must_change_password", "password_changed_at"}
        done += _upsert(s, table, item, keep=keep)
    gone = s.scalars(select(m.Operator).where(m.Operator.active.is_(True))).all()
    for op in gone:
        if op.id not in seen:
            op.active = False
            done += 1
    s.flush()
    return done


def _apply_scheme(s: Session, item: Mapping[str, Any]) -> int:
    """A published scheme version (immutable: one already here is left as it is)."""
    version = item.get("version")
    if not isinstance(version, dict) or not isinstance(item.get("scheme"), dict):
        return 0
    row = from_json(_t(m.SchemeVersion), version)
    if s.get(m.SchemeVersion, row["id"]) is not None:
        return 0
    if (
        row.get("supersedes_id") is not None
        and s.get(m.SchemeVersion, row["supersedes_id"]) is None
    ):
        row["supersedes_id"] = None  # the version it replaced was never published to teams
    _upsert(s, _t(m.Scheme), item["scheme"])
    s.execute(insert(_t(m.SchemeVersion)).values(**row))
    items = item.get("items") or []
    for rate in items if isinstance(items, list) else []:
        if isinstance(rate, dict):
            s.execute(insert(_t(m.RateItem)).values(**from_json(_t(m.RateItem), rate)))
    return 1


def _apply_settings(s: Session, settings: Mapping[str, Any]) -> int:
    project_id = s.scalar(select(m.Project.id))
    done = 0
    for key, value in sorted(settings.items()):
        current = s.get(m.Setting, (project_id, key))
        if current is None:
            s.add(m.Setting(project_id=project_id, key=key, value=value))
            done += 1
        elif current.value != value:
            current.value = value
            done += 1
    s.flush()
    return done


def _replace_id_hashes(s: Session, items: Iterable[dict[str, Any]]) -> int:
    """The whole list is HQ's latest: it replaces the one held."""
    table = _t(m.ForeignIdHash)
    s.execute(delete(table))
    rows = {
        (str(i.get("hash", "")), str(i.get("team_code", ""))): str(i.get("team_name", ""))[:100]
        for i in items
    }
    batch = [
        {"id_hash": h, "team_code": code[:40], "team_name": name}
        for (h, code), name in rows.items()
        if len(h) == 64
    ]
    for start in range(0, len(batch), 5000):
        s.execute(insert(table), batch[start : start + 5000])
    return len(batch)
