"""Tables of the exchange between team laptops and HQ (指挥部): who signs packages, what each
side has sent and received, what HQ merged, the teams' audit chains as HQ holds them, the
conflicts waiting for HQ's decision and the keyed hashes of other teams' ID numbers.

A laptop and HQ never share a network; each package is one signed file (services.exchange).
Every database has one identity (its own signing key and its role in the project) and one
peer row per key it trusts: a laptop trusts HQ, HQ trusts each team that joined.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IdMixin, utcnow

Code = String(40)
Hash = String(64)


class ExchangeIdentity(Base):
    """This database's place in the project (one row, ``id`` 1): ``hq`` or ``team`` (with its
    team), and the Ed25519 key it signs its packages with. The private key stays in this
    database; only its public half is ever written into a package."""

    __tablename__ = "exchange_identity"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"))
    role: Mapped[str] = mapped_column(Code)  # hq | team
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id"))
    key_id: Mapped[str] = mapped_column(Code)
    private_key: Mapped[bytes] = mapped_column(LargeBinary)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    # The keyed hash of ID numbers across teams: the key comes from HQ (join package).
    id_hash_key: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExchangePeer(IdMixin, Base):
    """A key this database accepts packages from: HQ's on a laptop, each team's at HQ.

    Receiving: the highest package sequence imported from the peer and, at HQ, how far the
    team's audit chain reaches. Sending: the last sequence sent to the peer and the highest one
    it acknowledged (a team package holds everything since the last acknowledged one)."""

    __tablename__ = "exchange_peer"
    __table_args__ = (UniqueConstraint("key_id"),)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"), index=True)
    role: Mapped[str] = mapped_column(Code)  # hq | team
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id"), index=True)
    key_id: Mapped[str] = mapped_column(Code)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    # receiving from this peer
    received_sequence: Mapped[int] = mapped_column(default=0)
    received_sha256: Mapped[str] = mapped_column(Hash, default="")
    received_at: Mapped[datetime | None]  # when its newest package was imported
    sent_at_peer: Mapped[datetime | None]  # when the peer wrote its newest package
    audit_seq: Mapped[int] = mapped_column(default=0)  # the peer's chain held here, up to …
    audit_hash: Mapped[str] = mapped_column(Hash, default="")
    # sending to this peer
    sent_sequence: Mapped[int] = mapped_column(default=0)
    acked_sequence: Mapped[int] = mapped_column(default=0)
    acked_audit_seq: Mapped[int] = mapped_column(default=0)  # own chain covered by the ack


class ExchangePackage(IdMixin, Base):
    """Every package written or imported here (the id is the package's own, from its
    manifest), so the same file imported twice is recognised and changes nothing."""

    __tablename__ = "exchange_package"
    __table_args__ = (
        Index("ix_exchange_package_peer_sequence", "peer_id", "direction", "sequence"),
    )
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"))
    direction: Mapped[str] = mapped_column(Code)  # out | in
    kind: Mapped[str] = mapped_column(Code)  # team | hq | join
    peer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("exchange_peer.id"))
    sequence: Mapped[int]
    sha256: Mapped[str] = mapped_column(Hash)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    file_name: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[Any] = mapped_column(JSON, default=dict)


class ExchangeRecordState(Base):
    """HQ: each merged household, its owning team and the hash of its records as merged.

    A household whose records no longer hash to ``merged_hash`` was changed at HQ since; one
    whose incoming records differ from it was changed by the team; both at once is a
    conflict, never an overwrite."""

    __tablename__ = "exchange_record_state"
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id"), primary_key=True)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"), index=True)
    merged_hash: Mapped[str] = mapped_column(Hash)
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)
    package_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("exchange_package.id"))


class TeamAuditRow(Base):
    """HQ: a team's audit chain as received, row by row, checked link by link; a package
    whose rows do not extend what is held here is refused."""

    __tablename__ = "team_audit_row"
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(Hash)
    row_hash: Mapped[str] = mapped_column(Hash)
    household_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    row: Mapped[Any] = mapped_column(JSON)


class ExchangeConflict(IdMixin, Base):
    """Something a merge would not decide alone: the same ID number in two teams, a record
    changed on both sides, a household moved between teams, packages out of order. It waits
    for HQ's decision; the decision travels back to the team in HQ's next package."""

    __tablename__ = "exchange_conflict"
    __table_args__ = (Index("ix_exchange_conflict_status", "project_id", "status"),)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id"))
    kind: Mapped[str] = mapped_column(Code)  # duplicate_id | both_changed | moved | out_of_order
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id"), index=True)
    other_team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id"))
    household_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    package_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("exchange_package.id"))
    key: Mapped[str] = mapped_column(String(200), default="")  # what makes it the same conflict
    details: Mapped[Any] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(Code, default="open")  # open | decided
    decision: Mapped[str] = mapped_column(Code, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operator.id"))
    sent_sequence: Mapped[int | None]  # HQ's package that carried the decision back


class ForeignIdHash(Base):
    """Laptop: the keyed hashes of ID numbers registered by other teams, from HQ's package,
    so a clerk is warned without this laptop holding other teams' ID numbers."""

    __tablename__ = "foreign_id_hash"
    id_hash: Mapped[str] = mapped_column(Hash, primary_key=True)
    team_code: Mapped[str] = mapped_column(Code, primary_key=True)
    team_name: Mapped[str] = mapped_column(String(100), default="")
