"""Keyed hashes of ID numbers, so a laptop can warn that a number is registered by another
team without holding other teams' ID numbers.

HQ holds the key (made with its identity, ``exchange_identity.id_hash_key``) and hands it to
each laptop in the join package. A hash is HMAC-SHA256 of the normalised number under that key,
in hex: without the key a list of hashes does not give the numbers back by trying all
(a few hundred million plausible numbers would be tried in seconds with a plain hash).

HQ: :func:`hashes_outside` lists the hashes of every person of households not of a team (what
that team's laptop receives). Laptop: :func:`registered_elsewhere` and :func:`warning_for`
answer the household editor.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain import idnumber
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database

__all__ = [
    "hashes_outside",
    "id_hash",
    "registered_elsewhere",
    "warning_for",
    "warnings_for",
]


def id_hash(key: bytes, id_number: str) -> str:
    """The keyed hash of an ID number (normalised first: spaces, full-width digits, ``x``)."""
    return hmac.new(key, idnumber.normalize(id_number).encode("ascii", "replace"),
                    hashlib.sha256).hexdigest()  # fmt: skip


def hashes_outside(
    s: Session, key: bytes, team_id: uuid.UUID | None
) -> Iterator[tuple[str, str, str]]:
    """HQ: (hash, team code, team name) for every ID number held by a household of a team
    other than ``team_id`` (all teams when None), in a stable order."""
    p, h, t = m.Person, m.Household, m.Team
    query = (
        select(p.id_number, t.code, t.name)
        .join(h, h.id == p.household_id)
        .join(t, t.id == h.team_id)
        .where(p.id_number.is_not(None))
        .order_by(t.code, p.id_number)
    )
    if team_id is not None:
        query = query.where(h.team_id != team_id)
    for number, code, name in s.execute(query):
        if number:
            yield id_hash(key, number), code, name


def registered_elsewhere(s: Session, id_number: str) -> list[tuple[str, str]]:
    """Laptop: the teams (code, name) whose households hold ``id_number``, as HQ's latest
    package said; empty when none does or this database never joined a project."""
    me = s.get(m.ExchangeIdentity, 1)
    if me is None or me.role != "team" or not me.id_hash_key or not id_number:
        return []
    digest = id_hash(bytes(me.id_hash_key), id_number)
    f = m.ForeignIdHash
    rows = s.execute(
        select(f.team_code, f.team_name).where(f.id_hash == digest).order_by(f.team_code)
    )
    return [(code, name) for code, name in rows]


def _message(teams: list[tuple[str, str]]) -> str:
    names = "、".join(name or code for code, name in teams)
    return _(
        "此身份证号已在{teams}登记：同一人不能在两个工作组各登记一次，请与该工作组和指挥部核实",
        teams=names,
    )


def warning_for(db: Database, id_number: str) -> str | None:
    """The warning for one ID number (None when no other team holds it)."""
    return warnings_for(db, [id_number]).get(idnumber.normalize(id_number))


def warnings_for(db: Database, id_numbers: list[str]) -> dict[str, str]:
    """Normalised ID number → warning, for those another team has registered."""
    wanted = sorted({idnumber.normalize(n) for n in id_numbers if n and n.strip()})
    if not wanted:
        return {}
    out: dict[str, str] = {}
    with db.session() as s:
        for number in wanted:
            teams = registered_elsewhere(s, number)
            if teams:
                out[number] = _message(teams)
    return out
