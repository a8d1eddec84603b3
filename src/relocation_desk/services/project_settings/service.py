"""Reading and changing the project settings: one use case for the settings window and the
``relocation-desk settings`` command.

:meth:`ProjectSettings.entries` lists every field (:mod:`.fields`) with its stored text and
default; :meth:`ProjectSettings.save` checks every changed text first (a ``SettingInvalid``
names the field, nothing is written), then writes them in one transaction with one audit row
holding the stored values before and after.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.permissions import Action
from ...i18n import _
from ...storage import models as m
from ...storage.db import Database
from ..access import may, require
from ..agreements import content as ac
from ..clock import forget_zone, utc_now
from ..households.service import OperatorRef, project_id_of
from .fields import Field, SettingInvalid, fixed_fields, target_field

__all__ = ["ProjectSettings", "SettingEntry", "SettingInvalid"]


@dataclass(frozen=True)
class SettingEntry:
    key: str
    label: str  # translated
    group: str  # translated
    text: str  # the stored value as text; "" when none is stored
    default: str  # what applies when none is stored
    hint: str  # translated
    choices: tuple[str, ...]

    @property
    def effective(self) -> str:
        return self.text or self.default


class ProjectSettings:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator

    @property
    def may_change(self) -> bool:
        return may(self._operator, Action.CHANGE_SETTINGS)

    # --- reading ---------------------------------------------------------------------------

    def entries(self) -> list[SettingEntry]:
        """Every field in display order, with what is stored and the default."""
        with self._db.session() as s:
            fields = _fields(s)
            stored = _stored(s, project_id_of(s), fields)
        return [
            SettingEntry(
                f.key, _(f.label), _(f.group), f.text(_value(stored, f)), f.default,
                _(f.hint) if f.hint else "", f.choices,
            )
            for f in fields
        ]  # fmt: skip

    def problem(self, key: str, text: str) -> str | None:
        """What is wrong with ``text`` for the field ``key`` (None: it would be accepted);
        for checking a field as it is typed. Nothing is written."""
        with self._db.session() as s:
            found = next((f for f in _fields(s) if f.key == key), None)
        if found is None:
            return _("没有名为“{key}”的项目设置", key=key)
        try:
            found.check(text)
        except SettingInvalid as exc:
            return exc.message
        return None

    def setting_keys(self) -> list[str]:
        with self._db.session() as s:
            return [f.key for f in _fields(s)]

    # --- changing --------------------------------------------------------------------------

    def save(self, changes: Mapping[str, str]) -> list[str]:
        """Store the typed ``changes`` (key → text; empty text: back to the default) in one
        transaction, audited; returns the keys whose stored value changed. Raises
        ``SettingInvalid`` (for the first bad field, in display order) or
        ``PermissionDenied``; then nothing was written."""
        require(self._operator, Action.CHANGE_SETTINGS)
        op = self._operator
        assert op is not None
        with self._db.session(immediate=True) as s, s.begin():
            fields = _fields(s)
            by_key = {f.key: f for f in fields}
            unknown = [k for k in changes if k not in by_key]
            if unknown:
                raise SettingInvalid(
                    _(
                        "没有名为“{key}”的项目设置；可以修改的有：{keys}",
                        key=unknown[0],
                        keys="、".join(by_key),
                    ),
                    unknown[0],
                )
            checked = {f.key: f.check(changes[f.key]) for f in fields if f.key in changes}
            project_id = project_id_of(s)
            stored = _stored(s, project_id, fields)
            new = {name: _copy(value) for name, value in stored.items()}
            changed: list[str] = []
            for key, value in checked.items():
                f = by_key[key]
                if _value(stored, f) == value:
                    continue
                changed.append(key)
                _put(new, f, value)
            if not changed:
                return []
            names = sorted({by_key[k].setting for k in changed})
            for name in names:
                row = s.get(m.Setting, (project_id, name))
                value = new.get(name)
                if value is None or value == {}:
                    if row is not None:
                        s.delete(row)
                elif row is None:
                    s.add(m.Setting(project_id=project_id, key=name, value=value))
                else:
                    row.value = value
            s.add(
                m.AuditLog(
                    id=uuid.uuid4(), at=utc_now(), operator_id=op.id, operator_login=op.login,
                    action="update", entity="setting", entity_id=str(project_id),
                    before={n: stored.get(n) for n in names},
                    after={n: new.get(n) for n in names},
                    note=_("修改项目设置：{keys}", keys="、".join(changed))[:1000],
                )
            )  # fmt: skip
        forget_zone(self._db)
        return changed

    def set(self, key: str, text: str) -> bool:
        """``save`` of one value; True when it changed."""
        return bool(self.save({key: text}))


def _fields(s: Session) -> list[Field]:
    stored_format = s.scalar(
        select(m.Setting.value).where(m.Setting.key == "agreement_number_format").limit(1)
    )
    main = stored_format if isinstance(stored_format, str) and stored_format else None
    fields = fixed_fields(
        dict(ac.default_template().get("default_values") or {}),
        ac.DEFAULT_NUMBER_FORMAT,
        ac.supplementary_format(main or ac.DEFAULT_NUMBER_FORMAT),
    )
    teams = s.execute(
        select(m.Team.code, m.Team.name)
        .where(m.Team.project_id == project_id_of(s))
        .order_by(m.Team.code)
    ).all()
    at = next(i for i, f in enumerate(fields) if f.key == "sign_targets.project") + 1
    fields[at:at] = [target_field(code, name) for code, name in teams]
    return fields


def _stored(s: Session, project_id: uuid.UUID, fields: list[Field]) -> dict[str, Any]:
    names = {f.setting for f in fields}
    return dict(
        s.execute(
            select(m.Setting.key, m.Setting.value).where(
                m.Setting.project_id == project_id, m.Setting.key.in_(names)
            )
        ).all()
    )


def _value(stored: Mapping[str, Any], f: Field) -> Any:
    value = stored.get(f.setting)
    part = f.part
    if part is None:
        return value
    return value.get(part) if isinstance(value, dict) else None


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


def _put(new: dict[str, Any], f: Field, value: Any) -> None:
    part = f.part
    if part is None:
        new[f.setting] = value
        return
    holder = new.get(f.setting)
    holder = dict(holder) if isinstance(holder, dict) else {}
    if value is None:
        holder.pop(part, None)
    else:
        holder[part] = value
    new[f.setting] = holder
