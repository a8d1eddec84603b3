"""Rate schedules (补偿方案) as editable, versioned data (DOMAIN rules 1 and 3).

A scheme has versions. A *draft* is prepared (a copy of the latest published version, or an
imported file), edited, previewed (:meth:`SchemeService.impact_preview`: what it would change,
per team) and then *published* by HQ: from then on the version never changes — it has a
content hash, who published it and when, and points to the version it supersedes. A draft is
saved only when ``parse_scheme`` accepts it, so every stored version can be computed with;
the problems come back in Chinese, each naming the item and field. Each scheme has at most one
draft at a time, so two people cannot prepare rival versions unknowingly.

The editable structure is :class:`SchemeContent` (plain, mutable; in
:mod:`relocation_desk.services.schemes.content`), given back to :meth:`SchemeService.save_draft`.
Files: :mod:`relocation_desk.services.schemes.files`.
"""

from __future__ import annotations

import inspect
import threading
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from ...domain.scheme import Scheme, content_hash, scheme_to_dict
from ...domain.scheme_scope import scope_overlap, scope_text
from ...i18n import _
from ...storage import models as m
from ...storage.base import utcnow
from ...storage.db import Database
from ..access import Action, may, require
from ..calculation.service import CalculationService, ImpactReport
from ..clock import shown
from ..households.service import OperatorRef, project_id_of
from .content import (
    DRAFT,
    MAX_SCHEME_NAME,
    PUBLISHED,
    DraftInvalid,
    ItemRow,
    SchemeContent,
    SchemeSummary,
    SchemeUserError,
    VersionImmutable,
    VersionSummary,
    check_content,
    content_from_scheme,
)
from .files import SchemeFileError, read_scheme_file, write_scheme_file
from .places import ProjectPlaces, project_places, unknown_places

__all__ = [
    "DraftInvalid",
    "ItemRow",
    "SchemeContent",
    "SchemeFileError",
    "SchemeService",
    "SchemeSummary",
    "SchemeUserError",
    "VersionImmutable",
    "VersionSummary",
    "check_content",
]


class SchemeService:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator

    @property
    def operator(self) -> OperatorRef | None:
        return self._operator

    @property
    def can_publish(self) -> bool:
        return may(self._operator, Action.PUBLISH_SCHEME)

    @property
    def can_edit(self) -> bool:
        return may(self._operator, Action.EDIT_SCHEME_DRAFT)

    def _require(self, action: Action) -> None:
        """The permission check of every use case here (schemes are project-wide)."""
        require(self._operator, action)

    # --- reading ---------------------------------------------------------------------------
    def list_schemes(self) -> list[SchemeSummary]:
        """The project's schemes, each with its versions (newest first)."""
        with self._db.session() as s:
            project = project_id_of(s)
            counts = dict(
                s.execute(
                    select(m.RateItem.scheme_version_id, func.count()).group_by(
                        m.RateItem.scheme_version_id
                    )
                ).all()
            )
            names = dict(s.execute(select(m.Operator.id, m.Operator.name)).all())
            schemes = s.scalars(
                select(m.Scheme)
                .where(m.Scheme.project_id == project)
                .order_by(m.Scheme.created_at, m.Scheme.name)
            ).all()
            versions = s.scalars(
                select(m.SchemeVersion)
                .join(m.Scheme, m.Scheme.id == m.SchemeVersion.scheme_id)
                .where(m.Scheme.project_id == project)
                .order_by(m.SchemeVersion.version_no.desc())
            ).all()
            by_scheme: dict[uuid.UUID, list[VersionSummary]] = {sc.id: [] for sc in schemes}
            scheme_names = {sc.id: sc.name for sc in schemes}
            for v in versions:
                by_scheme[v.scheme_id].append(
                    _summary(v, scheme_names[v.scheme_id], counts.get(v.id, 0), names)
                )
            return [SchemeSummary(sc.id, sc.name, tuple(by_scheme[sc.id])) for sc in schemes]

    def version(self, version_id: uuid.UUID) -> VersionSummary:
        with self._db.session() as s:
            v = _get_version(s, version_id)
            scheme = s.get(m.Scheme, v.scheme_id)
            assert scheme is not None
            names = dict(s.execute(select(m.Operator.id, m.Operator.name)).all())
            return _summary(v, scheme.name, len(v.items), names)

    def load(self, version_id: uuid.UUID) -> SchemeContent:
        """A version as an editable structure (published ones too; saving them is refused)."""
        with self._db.session() as s:
            v = _get_version(s, version_id)
            scheme = s.get(m.Scheme, v.scheme_id)
            assert scheme is not None
            return self._content_of(s, v, scheme.name)

    def places(self) -> ProjectPlaces:
        """The project's villages and their groups: what a scheme's scope and 片区 may name."""
        with self._db.session() as s:
            return project_places(s, project_id_of(s))

    def scheme_of(self, version_id: uuid.UUID) -> Scheme:
        """The parsed domain scheme of a stored version."""
        return check_content(self.load(version_id))

    # --- drafts ----------------------------------------------------------------------------
    def new_draft(self, scheme_id: uuid.UUID) -> uuid.UUID:
        """A draft copying the scheme's latest published version; returns its id."""
        self._require(Action.EDIT_SCHEME_DRAFT)
        with self._db.session(immediate=True) as s, s.begin():
            scheme = s.get(m.Scheme, scheme_id)
            if scheme is None:
                raise SchemeUserError(_("找不到该补偿方案，可能已被删除"))
            _refuse_second_draft(s, scheme)
            source = _latest_published(s, scheme_id)
            if source is None:
                raise SchemeUserError(
                    _("方案“{name}”还没有已发布的版本可以复制；请用“导入…”导入方案文件",
                      name=scheme.name)
                )  # fmt: skip
            content = self._content_of(s, source, scheme.name)
            content.version_no = _next_version_no(s, scheme_id)
            parsed = check_content(content)
            return self._insert_draft(s, scheme, parsed, "create", source.version_no)

    def save_draft(self, content: SchemeContent) -> VersionSummary:
        """Store the edited draft (items in the given order). :class:`DraftInvalid` with every
        problem when ``parse_scheme`` refuses it: nothing is saved then."""
        if content.version_id is None:
            raise SchemeUserError(_("这不是已保存的草稿；请先新建草稿或导入方案文件"))
        self._require(Action.EDIT_SCHEME_DRAFT)
        with self._db.session(immediate=True) as s, s.begin():
            v = _get_version(s, content.version_id)
            _refuse_published(v)
            scheme = s.get(m.Scheme, v.scheme_id)
            assert scheme is not None
            content.scheme_name, content.version_no = scheme.name, v.version_no
            parsed = check_content(content)
            _write_content(s, v, parsed)
            v.updated_at = utcnow()
            s.flush()
            names = dict(s.execute(select(m.Operator.id, m.Operator.name)).all())
            return _summary(v, scheme.name, len(parsed.items), names)

    def discard(self, version_id: uuid.UUID) -> None:
        """Delete a draft (a published version can never be deleted)."""
        self._require(Action.EDIT_SCHEME_DRAFT)
        op = self._operator
        with self._db.session(immediate=True) as s, s.begin():
            v = _get_version(s, version_id)
            _refuse_published(v, deleting=True)
            scheme = s.get(m.Scheme, v.scheme_id)
            assert scheme is not None
            before = {"status": v.status, "version_no": v.version_no, "items": len(v.items),
                      "effective_date": v.effective_date.isoformat()}  # fmt: skip
            s.delete(v)
            s.flush()
            remaining = s.scalar(
                select(func.count())
                .select_from(m.SchemeVersion)
                .where(m.SchemeVersion.scheme_id == scheme.id)
            )
            note = _("{name} 第{version}版草稿", name=scheme.name, version=before["version_no"])
            if not remaining:  # an imported scheme that was never published: nothing left
                s.delete(scheme)
            s.add(_audit(op, "discard", version_id, before, None, note))

    def publish(self, version_id: uuid.UUID) -> VersionSummary:
        """Make the draft the published, immutable version (HQ or an administrator only)."""
        op = self._operator
        self._require(Action.PUBLISH_SCHEME)
        with self._db.session(immediate=True) as s, s.begin():
            v = _get_version(s, version_id)
            _refuse_published(v)
            scheme = s.get(m.Scheme, v.scheme_id)
            assert scheme is not None
            latest = _latest_published(s, scheme.id)
            if latest is not None and v.effective_date < latest.effective_date:
                raise SchemeUserError(
                    _(
                        "生效日期 {day} 早于已发布的第{version}版（{latest} 起施行）；"
                        "新版本的生效日期不能早于它所替代的版本",
                        day=v.effective_date.isoformat(),
                        version=latest.version_no,
                        latest=latest.effective_date.isoformat(),
                    )
                )
            if latest is not None and v.version_no <= latest.version_no:
                v.version_no = _next_version_no(s, scheme.id)
                s.flush()
            content = self._content_of(s, v, scheme.name)
            parsed = check_content(content)
            _refuse_overlapping_scopes(s, scheme, parsed)
            now = utcnow()
            v.status = PUBLISHED
            v.published_at, v.published_by = now, op.id
            v.supersedes_id = latest.id if latest is not None else None
            v.content_hash = content_hash(parsed)
            v.updated_at = now
            s.add(
                _audit(
                    op, "publish", v.id, {"status": DRAFT},
                    {"status": PUBLISHED, "version_no": v.version_no,
                     "effective_date": v.effective_date.isoformat(),
                     "content_hash": v.content_hash,
                     "supersedes_id": str(v.supersedes_id) if v.supersedes_id else None},
                    _("{name} 第{version}版", name=scheme.name, version=v.version_no),
                    seal=v.content_hash,  # the published content, sealed into the audit chain
                )
            )  # fmt: skip
            s.flush()
            names = {op.id: op.name}
            return _summary(v, scheme.name, len(parsed.items), names)

    # --- files -----------------------------------------------------------------------------
    def export_version(self, version_id: uuid.UUID, path: Path) -> None:
        """Write any version as a readable JSON file (the sample scheme's format)."""
        write_scheme_file(self.scheme_of(version_id), path)

    def import_file(self, path: Path) -> uuid.UUID:
        """A new draft from a scheme file; returns its id.

        The draft belongs to the project's scheme of the file's name (a new scheme if there is
        none). It keeps the file's version number when that is above every existing version,
        else it takes the next number."""
        self._require(Action.EDIT_SCHEME_DRAFT)
        raw, parsed = read_scheme_file(path)
        if len(parsed.name) > MAX_SCHEME_NAME:
            raise SchemeFileError(_("方案名称不能超过 {n} 个字", n=MAX_SCHEME_NAME))
        with self._db.session(immediate=True) as s, s.begin():
            project = project_id_of(s)
            _refuse_unknown_places(s, project, raw, parsed.name, path)
            scheme = s.scalar(
                select(m.Scheme).where(m.Scheme.project_id == project, m.Scheme.name == parsed.name)
            )
            if scheme is None:
                now = utcnow()
                scheme = m.Scheme(id=uuid.uuid4(), project_id=project, name=parsed.name,
                                  created_at=now, updated_at=now)  # fmt: skip
                s.add(scheme)
                s.flush()
            _refuse_second_draft(s, scheme)
            top = _next_version_no(s, scheme.id) - 1
            if parsed.version_no <= top:
                content = content_from_scheme(parsed)
                content.version_no = top + 1
                parsed = check_content(content)
            return self._insert_draft(s, scheme, parsed, "import", None, note=path.name)

    # --- impact ----------------------------------------------------------------------------
    def impact_preview(
        self,
        content: SchemeContent,
        *,
        as_of: date,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> ImpactReport:
        """What publishing ``content`` would change (per team), nothing written.

        ``progress`` and ``cancel`` are passed on when the calculation service accepts them."""
        scheme = check_content(content)
        calc = CalculationService(self._db, self._operator)
        accepted = inspect.signature(calc.impact_preview).parameters
        extra: dict[str, Any] = {}
        if progress is not None and "progress" in accepted:
            extra["progress"] = progress
        if cancel is not None and "cancel" in accepted:
            extra["cancel"] = cancel
        return calc.impact_preview(scheme, as_of=as_of, **extra)

    @staticmethod
    def preview_can_cancel() -> bool:
        return "cancel" in inspect.signature(CalculationService.impact_preview).parameters

    # --- helpers ---------------------------------------------------------------------------
    def _content_of(self, s: Session, v: m.SchemeVersion, name: str) -> SchemeContent:
        params = dict(v.params or {})
        notes = str(params.pop("notes", "") or v.notes or "")
        return SchemeContent(
            v.id, v.scheme_id, name, v.version_no, v.status, v.effective_date, notes, params,
            [ItemRow(it.code, it.name, it.unit, it.rate_fen, it.kind, it.category,
                     dict(it.params or {})) for it in v.items],
        )  # fmt: skip

    def _insert_draft(
        self,
        s: Session,
        scheme: m.Scheme,
        parsed: Scheme,
        action: str,
        source_version: int | None,
        note: str = "",
    ) -> uuid.UUID:
        now = utcnow()
        v = m.SchemeVersion(
            id=uuid.uuid4(), scheme_id=scheme.id, version_no=parsed.version_no, status=DRAFT,
            effective_date=parsed.effective_date, content_hash="", params={}, notes="",
            created_at=now, updated_at=now,
        )  # fmt: skip
        s.add(v)
        s.flush()
        _write_content(s, v, parsed)
        after = {"status": DRAFT, "version_no": v.version_no, "copied_from": source_version}
        s.add(_audit(self._operator, action, v.id, None, after, note or scheme.name))
        return v.id


def _summary(
    v: m.SchemeVersion, scheme_name: str, items: int, names: dict[uuid.UUID, str]
) -> VersionSummary:
    return VersionSummary(
        id=v.id, scheme_id=v.scheme_id, scheme_name=scheme_name, version_no=v.version_no,
        status=v.status, effective_date=v.effective_date, item_count=items,
        published_at=v.published_at,
        published_by=names.get(v.published_by, "") if v.published_by else "",
        content_hash=v.content_hash, supersedes_id=v.supersedes_id, notes=v.notes or "",
    )  # fmt: skip


def _get_version(s: Session, version_id: uuid.UUID) -> m.SchemeVersion:
    v = s.get(m.SchemeVersion, version_id)
    if v is None:
        raise SchemeUserError(_("找不到该方案版本，可能草稿已被删除；请刷新版本列表"))
    return v


def _refuse_published(v: m.SchemeVersion, *, deleting: bool = False) -> None:
    if v.status == DRAFT:
        return
    when = shown(v.published_at, object_session(v)) if v.published_at else ""
    text = (
        _("第{version}版已于 {when} 发布，已发布的方案版本不能删除", version=v.version_no,
          when=when)
        if deleting
        else _("第{version}版已于 {when} 发布，不能再修改；如需调整，请“新建草稿”复制它后修改并"
               "重新发布", version=v.version_no, when=when)
    )  # fmt: skip
    raise VersionImmutable(text)


def _refuse_second_draft(s: Session, scheme: m.Scheme) -> None:
    draft = s.scalar(
        select(m.SchemeVersion.version_no).where(
            m.SchemeVersion.scheme_id == scheme.id, m.SchemeVersion.status == DRAFT
        )
    )
    if draft is not None:
        raise SchemeUserError(
            _(
                "方案“{name}”已有草稿（第{version}版）；请先发布或删除该草稿，再新建或导入",
                name=scheme.name,
                version=draft,
            )
        )


def _refuse_overlapping_scopes(s: Session, scheme: m.Scheme, parsed: Scheme) -> None:
    """Each household falls under exactly one published scheme: refuse a version whose scope
    meets the scope of another scheme's latest published version, naming both."""
    others = s.execute(
        select(m.Scheme.id, m.Scheme.name).where(
            m.Scheme.project_id == scheme.project_id, m.Scheme.id != scheme.id
        )
    ).all()
    clashes = []
    for other_id, other_name in others:
        latest = _latest_published(s, other_id)
        if latest is None:
            continue
        where = scope_overlap(parsed.params, latest.params or {})
        if where:
            clashes.append(
                _(
                    "《{other}》第{version}版（{places}）",
                    other=other_name,
                    version=latest.version_no,
                    places="、".join(where),
                )
            )
    if clashes:
        raise SchemeUserError(
            _(
                "《{name}》的适用范围（{scope}）与已发布的{clashes}重叠；每户只能适用一个方案，"
                "请在方案参数 scope 中写明各方案适用的村或片区，使它们互不重叠",
                name=scheme.name,
                scope=scope_text(parsed.params),
                clashes="、".join(clashes),
            )
        )


def _refuse_unknown_places(
    s: Session, project: uuid.UUID, raw: dict[str, Any], name: str, path: Path
) -> None:
    """A scheme file may name only the project's own villages and 村/组."""
    places = project_places(s, project)
    unknown = unknown_places(raw, places)
    if not unknown:
        return
    known = places.villages
    heading = _(
        "文件 {path} 中的方案《{name}》用到了本项目没有的村或村/组，未导入：", path=path.name,
        name=name,
    )  # fmt: skip
    problem = _(
        "“{names}”不是本项目的村（组）。本项目的村：{known}。请改正方案文件中适用范围 scope、"
        "片区 zones 和村条件里的名称，或先在本项目登记这些村（组）后再导入",
        names="”“".join(unknown),
        known="、".join(known[:30]) + ("……" if len(known) > 30 else "") if known else _("（无）"),
    )
    raise SchemeFileError(heading + problem, (problem,), heading)


def _latest_published(s: Session, scheme_id: uuid.UUID) -> m.SchemeVersion | None:
    return s.scalar(
        select(m.SchemeVersion)
        .where(m.SchemeVersion.scheme_id == scheme_id, m.SchemeVersion.status == PUBLISHED)
        .order_by(m.SchemeVersion.version_no.desc())
        .limit(1)
    )


def _next_version_no(s: Session, scheme_id: uuid.UUID) -> int:
    top = s.scalar(
        select(func.max(m.SchemeVersion.version_no)).where(m.SchemeVersion.scheme_id == scheme_id)
    )
    return (top or 0) + 1


def _write_content(s: Session, v: m.SchemeVersion, parsed: Scheme) -> None:
    """Replace the version's fields and items with the canonical form of ``parsed``."""
    data = scheme_to_dict(parsed)
    v.effective_date = parsed.effective_date
    v.params = data["params"]
    v.notes = str(data["params"].get("notes", ""))
    v.items.clear()
    s.flush()  # the old rows go first: (version, code) is unique
    for order, it in enumerate(data["items"]):
        v.items.append(m.RateItem(id=uuid.uuid4(), sort_order=order, **it))


def _audit(
    op: OperatorRef | None, action: str, version_id: uuid.UUID, before: object, after: object,
    note: str, seal: str = "",
) -> m.AuditLog:  # fmt: skip
    return m.AuditLog(
        id=uuid.uuid4(), at=utcnow(), operator_id=op.id if op else None,
        operator_login=op.login if op else "", action=action, entity="scheme_version",
        entity_id=str(version_id), before=before, after=after, note=note, seal=seal,
    )  # fmt: skip
