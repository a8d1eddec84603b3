"""This database's identity in the project and the keys it trusts.

HQ's database becomes ``hq`` the first time it writes a join package; a laptop becomes
``team`` when it joins from one. HQ makes each team's signing key when it writes the team's
join package (the package travels encrypted when a password is given) and registers the
public half at once, so the first package a team sends is already from a known key.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...i18n import _
from ...storage import models as m
from ..errors import UserError
from .keys import (
    generate_key,
    key_id,
    private_key_bytes,
    private_key_from_bytes,
    public_key_bytes,
    public_key_from_bytes,
)

__all__ = [
    "NotInExchange",
    "hq_peer",
    "identity",
    "make_identity",
    "peer_for_team",
    "register_peer",
    "require_role",
    "signing_key",
    "trusted_keys",
]


class NotInExchange(UserError):
    """The database has no part (or another part) in the team/HQ exchange."""


def identity(s: Session) -> m.ExchangeIdentity | None:
    return s.get(m.ExchangeIdentity, 1)


def require_role(s: Session, role: str) -> m.ExchangeIdentity:
    """This database's identity, which must be ``role``; a clear message otherwise."""
    me = identity(s)
    if me is None:
        if role == "team":
            raise NotInExchange(
                _("这个项目文件还没有加入指挥部的项目。请先用指挥部发来的加入包加入项目")
            )
        raise NotInExchange(_("这个数据库还不是指挥部的项目库。请先为一个工作组生成加入包"))
    if me.role != role:
        if role == "hq":
            raise NotInExchange(_("这是工作组的项目文件，只有指挥部的项目库能做这件事"))
        raise NotInExchange(_("这是指挥部的项目库，只有工作组的项目文件能做这件事"))
    return me


def make_identity(
    s: Session,
    project_id: uuid.UUID,
    role: str,
    *,
    team_id: uuid.UUID | None = None,
    key: Ed25519PrivateKey | None = None,
    id_hash_key: bytes | None = None,
) -> m.ExchangeIdentity:
    """Give this database its identity (once): a new key unless ``key`` is given (a team's
    key comes in its join package); HQ makes the key for the keyed ID hashes."""
    if identity(s) is not None:
        raise NotInExchange(_("这个数据库已经有自己的身份（指挥部或工作组），不能再设"))
    key = key or generate_key()
    if id_hash_key is None:
        id_hash_key = os.urandom(32) if role == "hq" else b""
    me = m.ExchangeIdentity(
        id=1,
        project_id=project_id,
        role=role,
        team_id=team_id,
        key_id=key_id(key),
        private_key=private_key_bytes(key),
        public_key=public_key_bytes(key),
        id_hash_key=id_hash_key,
    )
    s.add(me)
    s.flush()
    return me


def signing_key(me: m.ExchangeIdentity) -> Ed25519PrivateKey:
    return private_key_from_bytes(me.private_key)


def register_peer(
    s: Session,
    project_id: uuid.UUID,
    role: str,
    public_key: bytes,
    *,
    team_id: uuid.UUID | None = None,
) -> m.ExchangePeer:
    """Trust ``public_key`` from now on (HQ: a team's; a laptop: HQ's). A team that gets a
    new key (a replaced laptop) keeps its counters: the old key is revoked, not forgotten."""
    kid = key_id(public_key_from_bytes(public_key))
    existing = s.scalar(select(m.ExchangePeer).where(m.ExchangePeer.key_id == kid))
    if existing is not None:
        return existing
    previous = _active_peer(s, role, team_id)
    peer = m.ExchangePeer(
        project_id=project_id, role=role, team_id=team_id, key_id=kid, public_key=public_key
    )
    if previous is not None:
        previous.revoked_at = datetime.now(UTC)
        for name in (
            "received_sequence",
            "received_sha256",
            "received_at",
            "sent_at_peer",
            "audit_seq",
            "audit_hash",
            "sent_sequence",
            "acked_sequence",
            "acked_audit_seq",
        ):
            setattr(peer, name, getattr(previous, name))
    s.add(peer)
    s.flush()
    return peer


def _active_peer(s: Session, role: str, team_id: uuid.UUID | None) -> m.ExchangePeer | None:
    p = m.ExchangePeer
    query = select(p).where(p.role == role, p.revoked_at.is_(None))
    query = query.where(p.team_id.is_(None) if team_id is None else p.team_id == team_id)
    return s.scalar(query)


def peer_for_team(s: Session, team_id: uuid.UUID) -> m.ExchangePeer | None:
    """HQ: the team's current (not revoked) key."""
    return _active_peer(s, "team", team_id)


def hq_peer(s: Session) -> m.ExchangePeer | None:
    """A laptop: HQ's key."""
    return _active_peer(s, "hq", None)


def trusted_keys(s: Session) -> dict[str, bytes]:
    """Key id → raw public key of every peer not revoked (what ``read_package`` accepts)."""
    p = m.ExchangePeer
    rows = s.execute(select(p.key_id, p.public_key).where(p.revoked_at.is_(None)))
    return {kid: bytes(raw) for kid, raw in rows}
