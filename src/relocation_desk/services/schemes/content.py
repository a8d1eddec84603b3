"""What a scheme version is while it is edited, and the errors about schemes.

:class:`SchemeContent` is the editable, plain form of a version (items as :class:`ItemRow`,
in calculation order); :func:`check_content` is the one gate every draft passes before it is
stored or previewed: ``parse_scheme`` plus the storage's length limits, every problem in
Chinese (:class:`DraftInvalid`). :class:`VersionSummary` / :class:`SchemeSummary` are the read
models of the version list.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ...domain.scheme import Scheme, SchemeError, scheme_to_dict
from ...domain.scheme_parse import parse_scheme
from ...i18n import _
from ..errors import UserError

__all__ = [
    "DRAFT",
    "MAX_SCHEME_NAME",
    "PUBLISHED",
    "DraftInvalid",
    "ItemRow",
    "SchemeContent",
    "SchemeSummary",
    "SchemeUserError",
    "VersionImmutable",
    "VersionSummary",
    "check_content",
    "content_from_scheme",
]

DRAFT, PUBLISHED = "draft", "published"
MAX_SCHEME_NAME = 200  # scheme.name is VARCHAR(200)


class SchemeUserError(UserError):
    """Something about schemes the user asked for that the rules do not allow."""


class VersionImmutable(SchemeUserError):
    """An attempt to change or delete a published version (DOMAIN rule 3)."""


class DraftInvalid(SchemeUserError):
    """The draft has problems; nothing was saved. ``problems`` lists them (Chinese)."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        super().__init__(
            _(
                "方案有 {count} 处错误，草稿未保存：{problems}",
                count=len(problems),
                problems="；".join(problems),
            )
        )
        self.problems = problems


@dataclass(frozen=True)
class VersionSummary:
    id: uuid.UUID
    scheme_id: uuid.UUID
    scheme_name: str
    version_no: int
    status: str  # draft, published
    effective_date: date
    item_count: int
    published_at: datetime | None
    published_by: str  # operator name, "" when unknown or a draft
    content_hash: str
    supersedes_id: uuid.UUID | None
    notes: str

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT


@dataclass(frozen=True)
class SchemeSummary:
    id: uuid.UUID
    name: str
    versions: tuple[VersionSummary, ...]  # newest first


@dataclass
class ItemRow:
    """One rate item as edited: the fields of the scheme file's item, ``params`` as a dict."""

    code: str
    name: str
    unit: str
    rate_fen: int
    kind: str
    category: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code.strip(),
            "name": self.name,
            "unit": self.unit,
            "rate_fen": self.rate_fen,
            "kind": self.kind,
            "category": self.category.strip(),
            "params": dict(self.params),
        }


@dataclass
class SchemeContent:
    """A scheme version as the editor holds it. ``params`` are the scheme's parameters
    without ``notes`` (edited apart, stored in both places as the demo does)."""

    version_id: uuid.UUID | None
    scheme_id: uuid.UUID | None
    scheme_name: str
    version_no: int
    status: str
    effective_date: date
    notes: str
    params: dict[str, Any]
    items: list[ItemRow]

    @property
    def editable(self) -> bool:
        return self.status == DRAFT

    def to_dict(self) -> dict[str, Any]:
        """The scheme file's dict (what ``parse_scheme`` reads)."""
        params = {k: v for k, v in self.params.items() if k != "notes"}
        if self.notes.strip():
            params["notes"] = self.notes.strip()
        return {
            "name": self.scheme_name,
            "version_no": self.version_no,
            "effective_date": self.effective_date.isoformat(),
            "params": params,
            "items": [it.to_dict() for it in self.items],
        }


def content_from_scheme(scheme: Scheme, **ids: Any) -> SchemeContent:
    data = scheme_to_dict(scheme)
    params = dict(data["params"])
    notes = str(params.pop("notes", ""))
    return SchemeContent(
        version_id=ids.get("version_id"),
        scheme_id=ids.get("scheme_id"),
        scheme_name=scheme.name,
        version_no=scheme.version_no,
        status=ids.get("status", DRAFT),
        effective_date=scheme.effective_date,
        notes=notes,
        params=params,
        items=[ItemRow(**it) for it in data["items"]],
    )


def check_content(content: SchemeContent) -> Scheme:
    """The parsed scheme of ``content``; :class:`DraftInvalid` listing every problem."""
    problems: list[str] = []
    if len(content.scheme_name.strip()) > MAX_SCHEME_NAME:
        problems.append(_("方案名称不能超过 {n} 个字", n=MAX_SCHEME_NAME))
    try:
        scheme = parse_scheme(content.to_dict())
    except SchemeError as exc:
        problems[:0] = exc.problems
        raise DraftInvalid(tuple(problems)) from None
    if problems:
        raise DraftInvalid(tuple(problems))
    return scheme
