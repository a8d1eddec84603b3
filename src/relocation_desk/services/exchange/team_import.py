"""Laptop: importing HQ's package (schemes, settings, operators, decisions, acknowledgements,
other teams' ID hashes), idempotently and all or nothing.

Refused whole, with nothing changed: a damaged or foreign-signed file (the container), a
package of another project or for another team, one that is not an HQ → team package, one
older than the newest imported, or one with the newest's number and other contents (a
replayed or forked package). The newest package imported again is a no-op that says so.

An acknowledgement moves ``acked_sequence`` / ``acked_audit_seq`` of the HQ peer, so the
team's next package holds only what HQ has not acknowledged. A conflict HQ decided for its own
version brings HQ's records of the household, applied once (and audited, so they travel back
in the team's next package).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import update

from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..access import Action, Actor, require
from ..clock import utc_now
from .container import PackageRefused, read_package
from .hq_records import apply_hq_records
from .identity import hq_peer, require_role, trusted_keys
from .join import package_digest
from .rows import from_json, load_lines

__all__ = ["ImportSummary", "import_from_hq"]

_DECISION_COLUMNS = ("status", "decided_by", "decided_at", "decision_reason")


@dataclass(frozen=True)
class ImportSummary:
    sequence: int
    already_imported: bool
    operators: int = 0
    schemes: int = 0
    settings: int = 0
    id_hashes: int = 0
    decisions: int = 0
    conflict_decisions: int = 0
    households_replaced: int = 0
    acked_sequence: int = 0
    acked_audit_seq: int = 0

    @property
    def text(self) -> str:
        """One line for the clerk (CLI and GUI)."""
        if self.already_imported:
            return _("第 {n} 号数据包已经导入过，这次没有改动任何内容", n=self.sequence)
        return _(
            "已导入指挥部第 {n} 号数据包：补偿方案 {schemes} 个新版本，工作人员 {operators} 处变动，"
            "设置 {settings} 项变动，审批结果 {decisions} 条，冲突处理 {conflicts} 条，"
            "其他工作组的身份证号 {hashes} 个；指挥部已收到本组第 {acked} 号数据包",
            n=self.sequence, schemes=self.schemes, operators=self.operators,
            settings=self.settings, decisions=self.decisions, conflicts=self.conflict_decisions,
            hashes=self.id_hashes, acked=self.acked_sequence,
        )  # fmt: skip


def import_from_hq(
    db: Database, operator: Actor | None, path: Path, *, password: str | None = None
) -> ImportSummary:
    """Laptop: import HQ's package at ``path`` (one transaction, one audit row)."""
    with db.session(immediate=True) as s:
        me = require_role(s, "team")
        require(operator, Action.RECEIVE_FROM_HQ, me.team_id)
        package = read_package(path, trusted_keys(s), password=password)
        manifest = package.manifest
        name = path.name
        if manifest.kind == "team_to_hq":
            raise PackageRefused(
                _("{name} 是工作组发给指挥部的数据包，应在指挥部导入，不能在工作组电脑上导入",
                  name=name)
            )  # fmt: skip
        if manifest.kind == "join":
            raise PackageRefused(
                _("{name} 是加入包：本电脑已经加入项目，只需导入指挥部后来发的数据包", name=name)
            )
        if manifest.project_id != me.project_id.hex:
            raise PackageRefused(
                _("{name} 属于另一个征收项目，不能导入本项目；请确认文件", name=name)
            )
        extra = manifest.extra
        if extra.get("team_id") != (me.team_id.hex if me.team_id else None):
            raise PackageRefused(
                _("{name} 是指挥部发给 {team} 的数据包，不是发给本工作组的；请向指挥部索取本组的",
                  name=name, team=str(extra.get("team_code", "?")))
            )  # fmt: skip
        peer = hq_peer(s)
        if peer is None or peer.key_id != manifest.key_id:
            raise PackageRefused(_("{name} 不是由指挥部的密钥签名的，不能导入", name=name))
        digest = package_digest(manifest)
        if manifest.sequence < peer.received_sequence:
            raise PackageRefused(
                _("{name} 是指挥部第 {n} 号数据包，比已经导入的第 {last} 号旧，未导入；"
                  "请导入指挥部最新的数据包", name=name, n=manifest.sequence,
                  last=peer.received_sequence)
            )  # fmt: skip
        if manifest.sequence == peer.received_sequence:
            if digest == peer.received_sha256:
                return ImportSummary(sequence=manifest.sequence, already_imported=True,
                                     acked_sequence=peer.acked_sequence,
                                     acked_audit_seq=peer.acked_audit_seq)  # fmt: skip
            raise PackageRefused(
                _("{name} 与已经导入的第 {n} 号数据包编号相同、内容不同（重放或被改动的数据包），"
                  "未导入；请向指挥部核实", name=name, n=manifest.sequence)
            )  # fmt: skip
        counts = apply_hq_records(s, package.read, manifest.entry_names())
        names = set(manifest.entry_names())
        decisions = (
            _apply_decisions(s, load_lines(package.read("decisions.jsonl"), "decisions"))
            if "decisions.jsonl" in names
            else 0
        )
        conflicts, replaced = (
            _apply_conflicts(s, load_lines(package.read("conflict_decisions.jsonl"), "conflicts"))
            if "conflict_decisions.jsonl" in names
            else (0, 0)
        )
        given = extra.get("acks")
        acks: dict[str, Any] = given if isinstance(given, dict) else {}
        acked = _count(acks.get("sequence"))
        acked_audit = _count(acks.get("audit_seq"))
        peer.acked_sequence = max(peer.acked_sequence, acked)
        peer.acked_audit_seq = max(peer.acked_audit_seq, acked_audit)
        peer.received_sequence = manifest.sequence
        peer.received_sha256 = digest
        peer.received_at = utc_now()
        peer.sent_at_peer = _time(manifest.created_at)
        summary = ImportSummary(
            sequence=manifest.sequence, already_imported=False, operators=counts.operators,
            schemes=counts.schemes, settings=counts.settings, id_hashes=counts.id_hashes,
            decisions=decisions, conflict_decisions=conflicts, households_replaced=replaced,
            acked_sequence=peer.acked_sequence, acked_audit_seq=peer.acked_audit_seq,
        )  # fmt: skip
        s.add(m.ExchangePackage(
            id=uuid.uuid4(), project_id=me.project_id, direction="in", kind="hq",
            peer_id=peer.id, sequence=manifest.sequence, sha256=digest, file_name=name,
            summary={k: v for k, v in summary.__dict__.items() if k != "already_imported"},
        ))  # fmt: skip
        s.add(m.AuditLog(
            operator_id=getattr(operator, "id", None),
            operator_login=getattr(operator, "login", ""),
            action="import_package", entity="exchange_package", entity_id=str(manifest.sequence),
            after={"sender": "HQ", "sequence": manifest.sequence, "acked": peer.acked_sequence,
                   "schemes": counts.schemes, "operators": counts.operators,
                   "decisions": decisions, "conflict_decisions": conflicts},
            note=_("导入指挥部的数据包"),
        ))  # fmt: skip
        s.commit()
        return summary


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _time(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _apply_decisions(s: Any, items: Any) -> int:
    """HQ's decisions on the team's approval requests (the requests are the team's)."""
    table: Any = m.ApprovalRequest.__table__
    done = 0
    for item in items:
        row = from_json(table, item)
        current = s.get(m.ApprovalRequest, row.get("id"))
        if current is None:
            continue  # a request this laptop no longer holds
        values = {c: row[c] for c in _DECISION_COLUMNS if c in row}
        if all(getattr(current, c) == v for c, v in values.items()):
            continue
        s.execute(update(table).where(table.c.id == current.id).values(**values))
        s.add(m.AuditLog(
            action="decide", entity="approval_request", entity_id=str(current.id),
            household_id=current.household_id,
            before={c: _plain(getattr(current, c)) for c in values},
            after={c: _plain(v) for c, v in values.items()},
            note=_("指挥部的审批结果（随指挥部数据包到达）"),
        ))  # fmt: skip
        s.expire(current)
        done += 1
    return done


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else (
        str(value) if isinstance(value, uuid.UUID) else value
    )  # fmt: skip


def _apply_conflicts(s: Any, items: Any) -> tuple[int, int]:
    """HQ's conflict decisions: kept here for the team to see; HQ's records of a household
    are applied the first time its decision arrives."""
    from .bundle import apply_bundle

    table: Any = m.ExchangeConflict.__table__
    done = replaced = 0
    for item in items:
        data = item.get("conflict")
        if not isinstance(data, dict):
            continue
        row = from_json(table, data)
        row["package_id"] = None  # HQ's package register is not kept here
        current = s.get(m.ExchangeConflict, row.get("id"))
        if current is not None and current.status == "decided":
            continue
        if current is None:
            s.execute(table.insert().values(**row))
        else:
            s.execute(table.update().where(table.c.id == current.id).values(**row))
        done += 1
        bundle = item.get("bundle")
        if isinstance(bundle, dict) and row.get("decision") == "keep_hq":
            apply_bundle(s, bundle)
            hid = row.get("household_id")
            s.add(m.AuditLog(
                action="replace", entity="household", entity_id=str(hid), household_id=hid,
                after={"conflict": str(row.get("id")), "decision": "keep_hq"},
                note=_("按指挥部的冲突处理决定，本户记录换成指挥部的版本"),
            ))  # fmt: skip
            replaced += 1
    s.flush()
    return done, replaced
