"""A team laptop's package for HQ (``team_to_hq``): its work since HQ last acknowledged it.

What a package holds (see the shared design in ``hq_import``'s docstring for the merge):

- ``households.jsonl``: one household bundle a line (:mod:`.bundle`): every household the
  team's audit rows name after the audit position HQ acknowledged (every change is audited,
  and each row names its household), or all the team's households with ``full``;
- ``notice_rounds.jsonl``, ``approval_requests.jsonl``, ``daily_reports.jsonl``: the team's
  notice rounds (with their rows and photos' file rows), exception requests and frozen daily
  reports named by those audit rows (all of them with ``full``);
- ``audit.jsonl``: the team's audit rows from the first one HQ has not acknowledged to the
  chain's head, whole (``prev_hash``, ``row_hash``, ``seal``), so HQ extends the chain it holds;
- ``files/<sha256>``: the contents of the photos and scans those records name.

A laptop keeps sending everything since the last *acknowledged* package: a package lost on
the way costs nothing, and HQ recognises what it already merged.

May use: storage, ``services.access``, ``services.audit``, ``services.clock``,
``services.errors``, ``services.households.files``, this package's ``container``,
``identity``, ``join`` (the package digest) and ``bundle``.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ... import __version__
from ...domain.permissions import Action
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..access import Actor, require
from ..audit import read_head
from ..clock import utc_now
from ..errors import UserError
from ..households.files import files_folder, stored_path
from .bundle import encode_row, household_bundles
from .container import Manifest, write_package
from .identity import NotInExchange, hq_peer, require_role, signing_key
from .join import package_digest

__all__ = ["ExportRaced", "ExportResult", "export_package", "team_households_since"]

_BATCH = 1000  # households read and written per step
_TEAM_ENTITIES = ("notice_round", "approval_request", "daily_report")


class ExportRaced(UserError):
    """Another package was written on this laptop while this one was being made."""


@dataclass(frozen=True)
class ExportResult:
    manifest: Manifest
    households: int
    audit_rows: int
    files: int
    missing_files: list[str] = field(default_factory=list)  # stored files not on this disk


def team_households_since(s: Session, team_id: uuid.UUID, audit_seq: int | None) -> list[uuid.UUID]:
    """The team's households changed after audit position ``audit_seq`` (all: None)."""
    H, A = m.Household, m.AuditLog
    if audit_seq is None:
        query = select(H.id).where(H.team_id == team_id)
    else:
        named = select(A.household_id).where(A.seq > audit_seq, A.household_id.is_not(None))
        query = select(H.id).where(H.team_id == team_id, H.id.in_(named.distinct()))
    return sorted(s.scalars(query), key=lambda i: i.hex)


def _entities_since(s: Session, audit_seq: int) -> dict[str, set[uuid.UUID]]:
    A = m.AuditLog
    found: dict[str, set[uuid.UUID]] = {name: set() for name in _TEAM_ENTITIES}
    rows = s.execute(
        select(A.entity, A.entity_id).where(A.seq > audit_seq, A.entity.in_(_TEAM_ENTITIES))
    )
    for entity, entity_id in rows:
        try:
            found[entity].add(uuid.UUID(entity_id))
        except (ValueError, TypeError):
            continue  # a row that names no single record
    return found


def _jsonl(item: Any) -> bytes:
    # Keys keep their order: audit rows' hashes and records' seals are computed over JSON
    # values as written, and a reordered object would no longer give them.
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode()


def _table_rows(s: Session, model: Any, *where: Any) -> list[dict[str, Any]]:
    table = model.__table__
    name = table.name
    return [encode_row(name, dict(r)) for r in s.execute(select(table).where(*where)).mappings()]


def _team_records(
    s: Session, team_id: uuid.UUID, named: dict[str, set[uuid.UUID]] | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Notice rounds (with rows and photo rows), approval requests and daily reports of the
    team: those ``named`` by audit rows, or all (None)."""
    R, V, Q, D = m.NoticeRound, m.Village, m.ApprovalRequest, m.DailyReport
    own_round = or_(
        R.issuing_team_id == team_id,
        R.village_id.in_(select(V.id).where(V.team_id == team_id)),
    )
    where_r: list[Any] = [own_round]
    where_q: list[Any] = [Q.team_id == team_id]
    where_d: list[Any] = [D.team_id == team_id]
    if named is not None:
        where_r.append(R.id.in_(list(named["notice_round"])))
        where_q.append(Q.id.in_(list(named["approval_request"])))
        where_d.append(D.id.in_(list(named["daily_report"])))
    rounds = []
    for r in _table_rows(s, R, *where_r):
        rid = uuid.UUID(hex=r["id"])
        rows = _table_rows(s, m.NoticeRow, m.NoticeRow.round_id == rid)
        files = _table_rows(
            s,
            m.StoredFile,
            m.StoredFile.notice_round_id == rid,
            m.StoredFile.household_id.is_(None),
        )
        rows.sort(key=lambda x: str(x["id"]))
        files.sort(key=lambda x: str(x["id"]))
        rounds.append({"round": r, "rows": rows, "files": files})
    requests = _table_rows(s, Q, *where_q)
    reports = _table_rows(s, D, *where_d)
    return rounds, requests, reports


def _audit_rows(s: Session, from_seq: int) -> list[dict[str, Any]]:
    A = m.AuditLog.__table__
    query = select(A).where(A.c.seq >= from_seq).order_by(A.c.seq)
    return [encode_row("audit_log", dict(r)) for r in s.execute(query).mappings()]


def export_package(
    db: Database,
    operator: Actor | None,
    out: Path,
    *,
    full: bool = False,
    password: str | None = None,
) -> ExportResult:
    """Write this laptop's package for HQ to ``out`` and record it (its sequence and an audit
    row); a failed write leaves no file and no record.

    Everything is read in one read transaction (a consistent snapshot, while clerks go on
    saving), and only the short record takes the write lock."""
    out = Path(out)
    with db.session() as s:
        if not db.is_sqlite:
            s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        me = require_role(s, "team")
        assert me.team_id is not None
        require(operator, Action.SEND_TO_HQ, me.team_id)
        hq = hq_peer(s)
        if hq is None:
            raise NotInExchange(
                _("这个项目文件没有指挥部的密钥，无法报送。请用指挥部发来的加入包重新加入项目")
            )
        team = s.get(m.Team, me.team_id)
        assert team is not None
        head = read_head(s)
        acked = 0 if full else hq.acked_audit_seq
        acked = min(acked, head.seq)
        households = team_households_since(s, me.team_id, None if full else acked)
        # Until HQ acknowledges a package, it holds none of the team's records: all of them.
        named = None if full or acked == 0 else _entities_since(s, acked)
        rounds, requests, reports = _team_records(s, me.team_id, named)
        audit = _audit_rows(s, acked + 1)
        folder = files_folder(db)
        sequence = hq.sent_sequence + 1
        now = utc_now()
        with tempfile.TemporaryFile() as bundles_file:
            files: dict[str, str] = {}
            for start in range(0, len(households), _BATCH):
                part = households[start : start + _BATCH]
                bundles = household_bundles(s, part)
                for hid in part:
                    bundle = bundles[hid]
                    for f in bundle.get("stored_file", []):
                        files.setdefault(f["sha256"], f["original_name"])
                    bundles_file.write(_jsonl(bundle) + b"\n")
            for r in rounds:
                for f in r["files"]:
                    files.setdefault(f["sha256"], f["original_name"])
            bundles_file.seek(0)
            entries: list[tuple[str, bytes | BinaryIO]] = [
                ("households.jsonl", bundles_file),
                ("notice_rounds.jsonl", b"".join(_jsonl(r) + b"\n" for r in rounds)),
                ("approval_requests.jsonl", b"".join(_jsonl(r) + b"\n" for r in requests)),
                ("daily_reports.jsonl", b"".join(_jsonl(r) + b"\n" for r in reports)),
                ("audit.jsonl", b"".join(_jsonl(r) + b"\n" for r in audit)),
            ]
            missing: list[str] = []
            opened: list[BinaryIO] = []
            try:
                for sha, name in sorted(files.items()):
                    path = stored_path(folder, sha, name)
                    if not path.is_file():
                        missing.append(sha)
                        continue
                    handle: BinaryIO = path.open("rb")
                    opened.append(handle)
                    entries.append((f"files/{sha}", handle))
                manifest = Manifest(
                    project_id=me.project_id.hex,
                    kind="team_to_hq",
                    sender=team.code,
                    sequence=sequence,
                    created_at=now.isoformat(),
                    extra={
                        "team_id": me.team_id.hex,
                        "acked_sequence": hq.received_sequence,
                        "audit_from_seq": acked + 1,
                        "audit_to_seq": head.seq,
                        "audit_head_hash": head.row_hash,
                        "base_sequence": hq.acked_sequence,
                        "full": bool(full),
                        "program_version": __version__,
                        "households": len(households),
                    },
                )
                signed = write_package(out, manifest, entries, signing_key(me), password=password)
            finally:
                for handle in opened:
                    handle.close()
    try:
        with db.session(immediate=True) as w, w.begin():
            peer = hq_peer(w)
            if peer is None or peer.sent_sequence != sequence - 1:
                raise ExportRaced(
                    _("另一个数据包刚刚在这台电脑上生成（第 {n} 号），这个没有保存。请重新生成",
                      n=peer.sent_sequence if peer is not None else "?")
                )  # fmt: skip
            _record(w, operator, peer, signed, out, len(households), len(audit), now)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return ExportResult(signed, len(households), len(audit), len(files) - len(missing), missing)


def _record(
    s: Session,
    operator: Actor | None,
    hq: m.ExchangePeer,
    manifest: Manifest,
    out: Path,
    households: int,
    audit_rows: int,
    now: datetime,
) -> None:
    hq.sent_sequence = manifest.sequence
    package_id = uuid.uuid4()
    summary = {"households": households, "audit_rows": audit_rows, "full": manifest.extra["full"]}
    s.add(
        m.ExchangePackage(
            id=package_id,
            project_id=hq.project_id,
            direction="out",
            kind="team",
            peer_id=hq.id,
            sequence=manifest.sequence,
            sha256=package_digest(manifest),
            at=now,
            file_name=out.name,
            summary=summary,
        )
    )
    s.add(
        m.AuditLog(
            id=uuid.uuid4(),
            at=now,
            operator_id=getattr(operator, "id", None),
            operator_login=getattr(operator, "login", ""),
            action="export_package",
            entity="exchange_package",
            entity_id=str(package_id),
            after={"sequence": manifest.sequence, **summary},
            note=out.name,
        )
    )
