"""Joining a project: HQ writes a team's join package, a laptop starts from it.

HQ (``write_join_package``): this database becomes HQ's (identity ``hq``) the first time; a new
signing key is made for the team and its public half registered at once (a key made earlier
for the team is revoked: the package is for a new or replaced laptop). The package carries
what a laptop needs to start: the project, its teams, the team's villages and groups, the
operators, published schemes, settings, the keyed hashes of other teams' ID numbers, the
team's private key and the key of those hashes; HQ's public key rides in the manifest.
Give a password when the package travels by chat app: it holds a private key.

Laptop (``join_project``): the package is checked whole with the HQ key it carries (trust on
first use: its key id is shown so it can be compared with HQ's by phone), a new project
file is made with the program's migrations and filled with HQ's rows under HQ's ids, and the
laptop takes the identity ``team`` with its key and trusts HQ's.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ... import __version__
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database, open_database
from ...storage.engine import database_url
from ..access import Action, Actor, require
from ..clock import utc_now
from ..errors import UserError
from .container import Manifest, PackageRefused, read_package, write_package
from .hq_records import apply_hq_records, hq_records
from .identity import identity, make_identity, register_peer, signing_key
from .keys import generate_key, key_id, private_key_bytes, private_key_from_bytes, public_key_bytes

__all__ = ["JoinRefused", "JoinResult", "join_project", "package_digest", "write_join_package"]

HQ_KEY_FIELD = "hq_public_key"


class JoinRefused(UserError):
    """The laptop's project file cannot be made from this package (nothing was made)."""


@dataclass(frozen=True)
class JoinResult:
    project_name: str
    team_code: str
    team_name: str
    hq_key_id: str  # to compare with HQ's by phone
    operators: int
    path: str  # the project file (or the server database) now joined


def package_digest(manifest: Manifest) -> str:
    """A package's identity for refusing replays: the SHA-256 of its signed manifest (which
    lists every entry's hash), the same whether or not the file was encrypted."""
    return hashlib.sha256(manifest.to_json()).hexdigest()


def find_team(s: Session, project_id: uuid.UUID, team_code: str) -> m.Team:
    code = team_code.strip()
    team = s.scalar(select(m.Team).where(m.Team.project_id == project_id, m.Team.code == code))
    if team is None:
        known = s.scalars(
            select(m.Team.code).where(m.Team.project_id == project_id).order_by(m.Team.code)
        ).all()
        raise UserError(
            _("项目中没有编号为 {code} 的工作组；现有的工作组：{known}", code=code,
              known="、".join(known) or _("（无）"))
        )  # fmt: skip
    return team


def write_join_package(
    db: Database, operator: Actor | None, team_code: str, out: Path, *, password: str | None = None
) -> Manifest:
    """HQ: write ``team_code``'s join package to ``out`` (one transaction, audited)."""
    require(operator, Action.WRITE_JOIN_PACKAGE)
    with db.session(immediate=True) as s:
        project_id = s.scalar(select(m.Project.id))
        if project_id is None:
            raise UserError(_("这个数据库里还没有项目；请先建立项目和工作组"))
        me = identity(s)
        if me is None:
            me = make_identity(s, project_id, "hq")
        elif me.role != "hq":
            raise UserError(_("这是工作组的项目文件，只有指挥部的项目库能生成加入包"))
        team = find_team(s, project_id, team_code)
        team_key = generate_key()
        peer = register_peer(s, project_id, "team", public_key_bytes(team_key), team_id=team.id)
        entries = hq_records(s, team.id, bytes(me.id_hash_key))
        keys = {"team_private_key": private_key_bytes(team_key).hex(),
                "id_hash_key": bytes(me.id_hash_key).hex()}  # fmt: skip
        entries.append(("keys.json", json.dumps(keys).encode()))
        manifest = Manifest(
            project_id=project_id.hex, kind="join", sender="HQ", sequence=1,
            created_at=utc_now().isoformat(),
            extra={"team_id": team.id.hex, "team_code": team.code, "team_name": team.name,
                   HQ_KEY_FIELD: bytes(me.public_key).hex(), "hq_key_id": me.key_id,
                   "team_key_id": peer.key_id, "program_version": __version__},
        )  # fmt: skip
        signed = write_package(out, manifest, entries, signing_key(me), password=password)
        try:
            s.add(m.ExchangePackage(
                id=uuid.uuid4(), project_id=project_id, direction="out", kind="join",
                peer_id=peer.id, sequence=1, sha256=package_digest(signed), file_name=out.name,
                summary={"team_code": team.code, "encrypted": password is not None},
            ))  # fmt: skip
            s.add(m.AuditLog(
                operator_id=getattr(operator, "id", None),
                operator_login=getattr(operator, "login", ""),
                action="write_join_package", entity="team", entity_id=str(team.id),
                after={"team": team.code, "team_key_id": peer.key_id, "file": out.name},
                note=_("生成加入包（工作组新密钥已登记）"),
            ))  # fmt: skip
            s.commit()
        except BaseException:
            out.unlink(missing_ok=True)  # a package whose key was never registered is no use
            raise
    return signed


def join_project(
    package_path: Path | str, db_url_or_path: str | Path, *, password: str | None = None
) -> JoinResult:
    """Laptop: make a new project file (or fill an empty server database) from a join
    package. Refuses a package that is not a join package, or a target that holds data."""
    path = Path(package_path)
    package = read_package(path, {}, password=password, carried_key=HQ_KEY_FIELD)
    manifest = package.manifest
    if manifest.kind != "join":
        raise PackageRefused(
            _("{name} 不是加入包：加入项目要用指挥部为本工作组生成的加入包", name=path.name)
        )
    extra = manifest.extra
    url = database_url(db_url_or_path)
    file = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
    if file is not None and file.exists() and file.stat().st_size > 0:
        raise JoinRefused(_("{path} 已存在：加入项目会新建项目文件，请换一个新的文件名", path=file))
    db = open_database(db_url_or_path, create=True)
    made_here = file is not None
    try:
        result = _fill(db, package, manifest, extra)
    except BaseException:
        db.close()
        if made_here and file is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(file) + suffix).unlink(missing_ok=True)
        raise
    db.close()
    where = str(file) if file is not None else url.render_as_string(hide_password=True)
    return JoinResult(**result, path=where)


def _fill(db: Database, package: Any, manifest: Manifest, extra: Any) -> dict[str, Any]:
    with db.session(immediate=True) as s:
        if s.scalar(select(func.count()).select_from(m.Project)):
            raise JoinRefused(
                _("这个数据库里已经有项目数据：加入项目只能用新的项目文件，请换一个新的文件名")
            )
        try:
            keys = json.loads(package.read("keys.json"))
            team_key = private_key_from_bytes(bytes.fromhex(keys["team_private_key"]))
            id_hash_key = bytes.fromhex(keys["id_hash_key"])
            team_id = uuid.UUID(hex=str(extra["team_id"]))
            project_id = uuid.UUID(hex=manifest.project_id)
            hq_public = bytes.fromhex(str(extra[HQ_KEY_FIELD]))
        except (KeyError, ValueError, TypeError):
            raise PackageRefused(
                _("加入包的内容不完整（缺少密钥或工作组），请让指挥部重新生成")
            ) from None
        counts = apply_hq_records(s, package.read, manifest.entry_names())
        project = s.get(m.Project, project_id)
        team = s.get(m.Team, team_id)
        if project is None or team is None:
            raise PackageRefused(_("加入包的内容不完整（缺少项目或工作组），请让指挥部重新生成"))
        make_identity(s, project_id, "team", team_id=team_id, key=team_key,
                      id_hash_key=id_hash_key)  # fmt: skip
        peer = register_peer(s, project_id, "hq", hq_public)
        s.add(m.ExchangePackage(
            id=uuid.uuid4(), project_id=project_id, direction="in", kind="join",
            peer_id=peer.id, sequence=manifest.sequence, sha256=package_digest(manifest),
            file_name=package.path.name,
            summary={"operators": counts.operators, "schemes": counts.schemes,
                     "id_hashes": counts.id_hashes},
        ))  # fmt: skip
        s.add(m.AuditLog(
            action="join_project", entity="team", entity_id=str(team_id),
            after={"project": project.name, "team": team.code, "hq_key_id": peer.key_id,
                   "team_key_id": key_id(team_key), "operators": counts.operators,
                   "schemes": counts.schemes},
            note=_("由指挥部的加入包加入项目"),
        ))  # fmt: skip
        s.commit()
        return {
            "project_name": project.name, "team_code": team.code, "team_name": team.name,
            "hq_key_id": peer.key_id, "operators": counts.operators,
        }  # fmt: skip
