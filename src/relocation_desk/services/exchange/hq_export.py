"""HQ → team: the package HQ writes for one team's laptop.

It carries what HQ owns and the laptop must follow: published schemes, settings, the team's
operators (and HQ's own: they sign HQ's decisions), the team's villages and groups, decided
approval requests of the team's households, HQ's decisions on conflicts concerning the team
(with HQ's records of the household when HQ's version stays), the keyed hashes of the ID
numbers other teams registered, and the acknowledgement of the team's packages HQ imported
(so the team's next package starts after them). Each package has the team peer's next
sequence number; writing one is one transaction and one audit row.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ... import __version__
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..access import Action, Actor, require
from ..clock import utc_now
from ..errors import UserError
from .container import Manifest, write_package
from .hq_records import hq_records
from .identity import peer_for_team, require_role, signing_key
from .join import find_team, package_digest
from .rows import dump_lines, read_rows, to_json

__all__ = ["export_for_team"]

DECIDED = ("approved", "rejected")


def export_for_team(
    db: Database,
    operator: Actor | None,
    team_code: str,
    out: Path,
    *,
    password: str | None = None,
) -> Manifest:
    """HQ: write ``team_code``'s next package to ``out``; returns its manifest."""
    require(operator, Action.SEND_TO_TEAM)
    with db.session(immediate=True) as s:
        me = require_role(s, "hq")
        team = find_team(s, me.project_id, team_code)
        peer = peer_for_team(s, team.id)
        if peer is None:
            raise UserError(_("工作组 {code} 还没有加入项目：请先为它生成加入包", code=team.code))
        sequence = peer.sent_sequence + 1
        entries = hq_records(s, team.id, bytes(me.id_hash_key))
        decisions = _decided_requests(s, team.id)
        conflicts = _conflict_decisions(s, team.id, peer.acked_sequence)
        entries.append(("decisions.jsonl", dump_lines(decisions)))
        entries.append(("conflict_decisions.jsonl", dump_lines(conflicts)))
        acks = {"sequence": peer.received_sequence, "audit_seq": peer.audit_seq}
        manifest = Manifest(
            project_id=me.project_id.hex, kind="hq_to_team", sender="HQ", sequence=sequence,
            created_at=utc_now().isoformat(),
            extra={"team_id": team.id.hex, "team_code": team.code, "acks": acks,
                   "program_version": __version__},
        )  # fmt: skip
        signed = write_package(out, manifest, entries, signing_key(me), password=password)
        try:
            peer.sent_sequence = sequence
            for c in s.scalars(_decided_conflicts(team.id)):
                if c.sent_sequence is None:
                    c.sent_sequence = sequence
            summary = {"team_code": team.code, "decisions": len(decisions),
                       "conflict_decisions": len(conflicts), "acks": acks}  # fmt: skip
            s.add(m.ExchangePackage(
                id=uuid.uuid4(), project_id=me.project_id, direction="out", kind="hq",
                peer_id=peer.id, sequence=sequence, sha256=package_digest(signed),
                file_name=out.name, summary=summary,
            ))  # fmt: skip
            s.add(m.AuditLog(
                operator_id=getattr(operator, "id", None),
                operator_login=getattr(operator, "login", ""),
                action="export_package", entity="team", entity_id=str(team.id),
                after={"team": team.code, "sequence": sequence, **summary},
                note=_("为工作组生成数据包"),
            ))  # fmt: skip
            s.commit()
        except BaseException:
            out.unlink(missing_ok=True)  # not recorded as sent: the next one reuses the number
            raise
    return signed


def _decided_requests(s: Session, team_id: uuid.UUID) -> list[dict[str, Any]]:
    a = m.ApprovalRequest
    return read_rows(s, a.__table__, a.team_id == team_id, a.status.in_(DECIDED))  # type: ignore[arg-type]


def _decided_conflicts(team_id: uuid.UUID) -> Any:
    c = m.ExchangeConflict
    return (
        select(c)
        .where(c.status == "decided", or_(c.team_id == team_id, c.other_team_id == team_id))
        .order_by(c.decided_at, c.id)
    )


def _conflict_decisions(
    s: Session, team_id: uuid.UUID, acked_sequence: int
) -> list[dict[str, Any]]:
    """Every decided conflict concerning the team; HQ's records of the household go with a
    ``keep_hq`` decision until the team acknowledged the package that carried it (the laptop
    applies them once, the first time it sees the decision)."""
    from .bundle import household_bundle

    out = []
    for c in s.scalars(_decided_conflicts(team_id)):
        row = to_json(m.ExchangeConflict.__table__, _columns(c))  # type: ignore[arg-type]
        row["details"] = {k: v for k, v in (c.details or {}).items() if k != "bundle"}
        item: dict[str, Any] = {"conflict": row}
        unacked = c.sent_sequence is None or c.sent_sequence > acked_sequence
        if (
            c.decision == "keep_hq"
            and c.household_id is not None
            and c.team_id == team_id
            and unacked
        ):
            bundle = household_bundle(s, c.household_id)
            if bundle is not None:
                item["bundle"] = bundle
        out.append(item)
    return out


def _columns(obj: Any) -> dict[str, Any]:
    return {col.name: getattr(obj, col.key) for col in obj.__table__.columns}
