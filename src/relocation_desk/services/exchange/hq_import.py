"""HQ: importing a team's package (``team_to_hq``) into the project, all or nothing.

A package is refused as a whole, with one clear message and nothing changed, when it is
damaged or signed by an unknown key (the container), belongs to another project, is not a
team's package, is older than one already imported, carries the same number as the last one
with other contents (replayed or forked), or when its audit rows do not extend the team's
chain HQ holds: each row's hash is recomputed (domain/audit_chain), the first row must follow
the last one HQ holds, and rows HQ already holds must be the same rows. The last package
imported again changes nothing and says so.

An accepted package is merged (:mod:`.hq_merge`), the team's new audit rows are kept in
``team_audit_row``, the photos it carries are stored, and HQ's own audit chain gets one row;
all in one transaction. The report lists what was inserted, updated, unchanged and every
conflict waiting for HQ's decision.

May use: storage, domain, ``services.access``, ``services.clock``,
``services.households.files``, ``services.gc_pause``, this package's ``container``,
``identity``, ``join`` (the package digest), ``bundle`` and ``hq_merge``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...domain.audit_chain import GENESIS, canonical_row, json_value_text, row_hash
from ...domain.permissions import Action
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..access import Actor, require
from ..clock import utc_now
from ..gc_pause import gc_paused
from ..households.files import files_folder, stored_path
from .bundle import bulk_insert, decode_row
from .container import Package, PackageRefused, read_package
from .hq_merge import merge_households, merge_team_records, read_incoming
from .identity import require_role, trusted_keys
from .join import package_digest

__all__ = ["ImportReport", "import_package"]


@dataclass
class ImportReport:
    """What one import did; ``to_json`` is the ``--report`` file."""

    package: str
    team: str
    sequence: int
    counts: dict[str, int] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    already: bool = False  # the same package was imported before: nothing changed

    def to_json(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "team": self.team,
            "sequence": self.sequence,
            "already_imported": self.already,
            "counts": dict(self.counts),
            "conflicts": list(self.conflicts),
        }


def _refused(text: str) -> PackageRefused:
    return PackageRefused(text)


def import_package(
    db: Database, operator: Actor | None, path: Path, *, password: str | None = None
) -> ImportReport:
    """Merge the team package at ``path`` into HQ's database (see the module docstring)."""
    path = Path(path)
    with gc_paused(), db.session(immediate=True) as s:
        me = require_role(s, "hq")
        require(operator, Action.MERGE_FROM_TEAM)
        package = read_package(path, trusted_keys(s), password=password)
        man = package.manifest
        if man.kind != "team_to_hq":
            raise _refused(
                _("{name} 不是工作组报送指挥部的数据包，不能在指挥部导入（指挥部发给工作组的"
                  "数据包和加入包在工作组电脑上使用）", name=path.name)
            )  # fmt: skip
        if man.project_id != me.project_id.hex:
            raise _refused(
                _("{name} 属于另一个征收项目，未导入任何内容。请确认数据包来自本项目的工作组",
                  name=path.name)
            )  # fmt: skip
        peer = s.scalar(select(m.ExchangePeer).where(m.ExchangePeer.key_id == man.key_id))
        team = s.get(m.Team, peer.team_id) if peer is not None and peer.team_id else None
        if peer is None or peer.role != "team" or team is None:
            raise _refused(_("{name} 不是由工作组的密钥签名的，不能导入", name=path.name))
        if man.sender != team.code or man.extra.get("team_id") != team.id.hex:
            raise _refused(
                _("{name} 自称来自工作组 {sender}，但签名密钥属于工作组 {team}，未导入任何内容",
                  name=path.name, sender=man.sender, team=team.code)
            )  # fmt: skip
        sha = package_digest(man)
        report = ImportReport(path.name, team.code, man.sequence)
        if man.sequence == peer.received_sequence and sha == peer.received_sha256:
            report.already = True
            report.counts = {"inserted": 0, "updated": 0, "unchanged": 0, "conflicts": 0}
            return report
        if man.sequence < peer.received_sequence:
            raise _refused(
                _("{name} 是工作组 {team} 的第 {n} 号数据包，比已导入的第 {last} 号旧，未导入任何"
                  "内容。请让工作组重新生成数据包", name=path.name, team=team.code,
                  n=man.sequence, last=peer.received_sequence)
            )  # fmt: skip
        if man.sequence == peer.received_sequence:
            raise _refused(
                _("{name} 与已导入的第 {n} 号数据包编号相同但内容不同（重放或篡改），未导入任何"
                  "内容", name=path.name, n=man.sequence)
            )  # fmt: skip
        try:
            _merge(db, s, me.project_id, peer, team, package, report, operator, sha, path)
            s.commit()
        except IntegrityError:
            s.rollback()
            raise _refused(
                _(
                    "{name} 中的记录与指挥部已有的记录相抵触（编号重复或引用的记录不存在），未导入"
                    "任何内容。请把数据包交给技术人员检查",
                    name=path.name,
                )
            ) from None
    return report


def _merge(
    db: Database,
    s: Session,
    project_id: uuid.UUID,
    peer: m.ExchangePeer,
    team: m.Team,
    package: Package,
    report: ImportReport,
    operator: Actor | None,
    sha: str,
    path: Path,
) -> None:
    man = package.manifest
    names = set(man.entry_names())

    def lines(name: str) -> list[dict[str, Any]]:
        return _json_lines(package.read(name), name, path) if name in names else []

    audit_new = _checked_audit(s, peer, team, lines("audit.jsonl"), man.extra, path)
    incoming = read_incoming(lines("households.jsonl"), team.id)
    now = utc_now()
    package_id = uuid.uuid4()
    s.add(
        m.ExchangePackage(
            id=package_id, project_id=project_id, direction="in", kind="team", peer_id=peer.id,
            sequence=man.sequence, sha256=sha, at=now, file_name=path.name, summary={},
        )
    )  # fmt: skip
    s.flush()
    rounds, requests, reports = (
        lines("notice_rounds.jsonl"),
        lines("approval_requests.jsonl"),
        lines("daily_reports.jsonl"),
    )
    records: dict[str, Any] = {}
    round_files: dict[str, str] = {}

    def team_records(session: Session) -> None:
        records["counts"] = merge_team_records(
            session, team.id, rounds, requests, reports, round_files
        )

    result = merge_households(
        s, project_id, team, incoming, package_id, now, before_records=team_records
    )
    for sha_, original in round_files.items():
        result.file_names.setdefault(sha_, original)
    stored = _store_files(db, package, names, result.file_names, path)
    if audit_new:
        bulk_insert(s, "team_audit_row", audit_new)
        peer.audit_seq = audit_new[-1]["seq"]
        peer.audit_hash = audit_new[-1]["row_hash"]
    peer.received_sequence = man.sequence
    peer.received_sha256 = sha
    peer.received_at = now
    try:
        peer.sent_at_peer = datetime.fromisoformat(man.created_at).astimezone(UTC)
    except ValueError:
        peer.sent_at_peer = None
    team_counts = records.get("counts")
    report.counts = {
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "conflicts": len(result.conflicts),
        "audit_rows": len(audit_new),
        "files": stored,
        "notice_rounds": team_counts.notice_rounds if team_counts else 0,
        "notice_rounds_waiting": team_counts.notice_rounds_waiting if team_counts else 0,
        "approval_requests": team_counts.approval_requests if team_counts else 0,
        "daily_reports": team_counts.daily_reports if team_counts else 0,
    }
    report.conflicts = result.conflicts
    saved = s.get(m.ExchangePackage, package_id)
    assert saved is not None
    saved.summary = {"counts": report.counts, "conflicts": len(result.conflicts)}
    s.add(
        m.AuditLog(
            id=uuid.uuid4(),
            at=now,
            operator_id=getattr(operator, "id", None),
            operator_login=getattr(operator, "login", ""),
            action="import_package",
            entity="exchange_package",
            entity_id=str(package_id),
            after={"team": team.code, "sequence": man.sequence, **report.counts},
            note=path.name,
        )
    )
    s.flush()


def _json_lines(content: bytes, entry: str, path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON-lines entry. The container bounded the entry's size; nesting too
    deep for the parser and numbers too long end in the same refusal as bad JSON."""
    out = []
    for number, line in enumerate(content.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError):
            item = None
        if not isinstance(item, dict):
            raise _refused(
                _("数据包的 {entry} 第 {n} 行格式不对，未导入任何内容。请向发送方重新索取",
                  entry=entry, n=number)
            )  # fmt: skip
        out.append(item)
    return out


def _checked_audit(
    s: Session,
    peer: m.ExchangePeer,
    team: m.Team,
    rows: list[dict[str, Any]],
    extra: Any,
    path: Path,
) -> list[dict[str, Any]]:
    """The package's audit rows HQ does not hold yet, once the whole range is checked to
    extend the team's chain HQ holds; ``PackageRefused`` otherwise."""
    first, last = extra.get("audit_from_seq"), extra.get("audit_to_seq")
    head = extra.get("audit_head_hash")
    if not (isinstance(first, int) and isinstance(last, int) and first >= 1 and last >= first - 1):
        raise _rewritten(path, team)
    if first > peer.audit_seq + 1:
        raise _refused(
            _("{name} 从工作组 {team} 的第 {first} 条操作记录开始，而指挥部只有到第 {held} 条："
              "中间的数据包还没有导入。请先导入较早的数据包", name=path.name, team=team.code,
              first=first, held=peer.audit_seq)
        )  # fmt: skip
    if len(rows) != last - first + 1:
        raise _rewritten(path, team)
    if first == 1:
        prev = GENESIS
    elif first - 1 == peer.audit_seq:
        prev = peer.audit_hash
    else:
        prev = _held_hash(s, team.id, first - 1)
    decoded = []
    for offset, raw in enumerate(rows):
        row = decode_row("audit_log", raw)
        seq = first + offset
        if row["seq"] != seq or row["prev_hash"] != prev:
            raise _rewritten(path, team)
        h = row_hash(
            prev,
            canonical_row(
                seq, raw.get("id"), raw.get("at"), raw.get("operator_id"),
                raw.get("operator_login"), raw.get("action", ""), raw.get("entity", ""),
                raw.get("entity_id"), raw.get("household_id"), json_value_text(raw.get("before")),
                json_value_text(raw.get("after")), raw.get("note"), raw.get("seal"),
            ),
        )  # fmt: skip
        if h != row["row_hash"]:
            raise _rewritten(path, team)
        if seq == peer.audit_seq and h != peer.audit_hash:
            raise _rewritten(path, team)
        prev = h
        if seq > peer.audit_seq:
            decoded.append({
                "team_id": team.id, "seq": seq, "at": row["at"], "prev_hash": row["prev_hash"],
                "row_hash": h, "household_id": row["household_id"], "row": raw,
            })  # fmt: skip
    if rows and prev != head:
        raise _rewritten(path, team)
    if last < peer.audit_seq and last >= 1 and _held_hash(s, team.id, last) != prev:
        raise _rewritten(path, team)
    return decoded


def _held_hash(s: Session, team_id: uuid.UUID, seq: int) -> str:
    T = m.TeamAuditRow
    found = s.scalar(select(T.row_hash).where(T.team_id == team_id, T.seq == seq))
    return found or ""


def _rewritten(path: Path, team: m.Team) -> PackageRefused:
    return _refused(
        _("{name} 中工作组 {team} 的操作记录与指挥部已保存的记录接不上（历史记录被改写或"
          "数据包不完整），未导入任何内容。请联系工作组核查", name=path.name, team=team.code)
    )  # fmt: skip


def _store_files(
    db: Database, package: Package, names: set[str], wanted: dict[str, str], path: Path
) -> int:
    """Copy the photos and scans the package carries into HQ's file store (by content, so a
    file stored twice is the same file); returns how many were new."""
    folder = files_folder(db)
    stored = 0
    for sha, original in sorted(wanted.items()):
        entry = f"files/{sha}"
        if entry not in names:
            continue
        target = stored_path(folder, sha, original)
        if target.exists():
            continue
        content = package.read(entry)
        if hashlib.sha256(content).hexdigest() != sha:
            raise _refused(
                _("{name} 中的文件 {sha} 与其记录不符，未导入任何内容", name=path.name,
                  sha=sha[:12])
            )  # fmt: skip
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".adding-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(content)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        stored += 1
    return stored
