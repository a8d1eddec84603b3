"""What a new project holds, and the checks made before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ...domain.errors import InputError
from ...domain.passwords import check_new_password
from ...i18n import _
from ..errors import UserError

__all__ = [
    "DEFAULT_GROUPS",
    "DEFAULT_TEAM",
    "DEFAULT_VILLAGE",
    "NewProject",
    "NewProjectRejected",
    "TeamPlan",
    "VillagePlan",
]

DEFAULT_TEAM = ("T01", "第一工作组")
DEFAULT_VILLAGE = "第一村"
DEFAULT_GROUPS = ("第一组", "第二组")
MAX_NAME = 100
MAX_CODE = 40


class NewProjectRejected(UserError):
    """The new project's details are incomplete or contradict each other; nothing was made.
    ``page`` names the part of the form at fault: "project", "teams", "villages", "admin"."""

    def __init__(self, message: str, page: str) -> None:
        super().__init__(message)
        self.page = page


@dataclass(frozen=True)
class TeamPlan:
    code: str
    name: str


@dataclass(frozen=True)
class VillagePlan:
    name: str
    groups: tuple[str, ...] = ()
    team_code: str = ""  # "" = the first team


@dataclass(frozen=True)
class NewProject:
    name: str
    county: str = ""
    teams: tuple[TeamPlan, ...] = ()
    villages: tuple[VillagePlan, ...] = ()
    scheme_file: Path | None = None  # None: no scheme yet (one can be imported later)
    admin_login: str = "admin"
    admin_name: str = "管理员"
    admin_password: str = ""
    admin_password_again: str = ""

    def checked_organisation(self) -> NewProject:
        """The plan with names stripped and its project, teams and villages checked (not the
        administrator); :class:`NewProjectRejected` for the first problem."""
        name, county = self.name.strip(), self.county.strip()
        if not name or len(name) > 200:
            raise NewProjectRejected(
                _("项目名称不能为空，最多 200 个字；请填写项目名称。"), "project"
            )
        if len(county) > MAX_NAME:
            raise NewProjectRejected(
                _("县（区）名称最多 {n} 个字；请改短。", n=MAX_NAME), "project"
            )
        teams = tuple(TeamPlan(t.code.strip(), t.name.strip()) for t in self.teams)
        villages = tuple(
            VillagePlan(v.name.strip(), tuple(g.strip() for g in v.groups if g.strip()),
                        v.team_code.strip())
            for v in self.villages
        )  # fmt: skip
        _check_teams(teams)
        _check_villages(villages, {t.code for t in teams})
        return replace(self, name=name, county=county, teams=teams, villages=villages,
                       admin_login=self.admin_login.strip(), admin_name=self.admin_name.strip())  # fmt: skip

    def checked(self) -> NewProject:
        """The whole plan checked, the administrator too (see :meth:`checked_organisation`)."""
        plan = self.checked_organisation()
        if plan.admin_password != plan.admin_password_again:
            raise NewProjectRejected(
                _("两次输入的管理员密码不一致；请重新输入两次相同的密码。"), "admin"
            )
        if not plan.admin_login or len(plan.admin_login) > MAX_CODE:
            raise NewProjectRejected(
                _("管理员登录名不能为空，最多 {n} 个字符；请重新填写。", n=MAX_CODE), "admin"
            )
        if not plan.admin_name or len(plan.admin_name) > MAX_NAME:
            raise NewProjectRejected(
                _("管理员姓名不能为空，最多 {n} 个字；请重新填写。", n=MAX_NAME), "admin"
            )
        try:
            check_new_password(plan.admin_password, login=plan.admin_login)
        except InputError as exc:
            raise NewProjectRejected(exc.reason, "admin") from None
        return plan


def _check_teams(teams: tuple[TeamPlan, ...]) -> None:
    if not teams:
        raise NewProjectRejected(_("至少要有一个工作组；请在工作组表中填写组号和名称。"), "teams")
    seen: set[str] = set()
    names: set[str] = set()
    for n, t in enumerate(teams, start=1):
        if not t.code or not t.name:
            raise NewProjectRejected(
                _("第 {n} 个工作组的组号或名称是空的；请填写完整或删去这一行。", n=n), "teams"
            )
        if len(t.code) > MAX_CODE or len(t.name) > MAX_NAME:
            raise NewProjectRejected(
                _("第 {n} 个工作组的组号最多 {code} 个字符、名称最多 {name} 个字；请改短。",
                  n=n, code=MAX_CODE, name=MAX_NAME),
                "teams",
            )  # fmt: skip
        if t.code in seen:
            raise NewProjectRejected(
                _("工作组组号 {code} 重复了；每个工作组的组号必须不同。", code=t.code), "teams"
            )
        if t.name in names:
            raise NewProjectRejected(
                _("工作组名称 {name} 重复了；请给每个工作组不同的名称。", name=t.name), "teams"
            )
        seen.add(t.code)
        names.add(t.name)


def _check_villages(villages: tuple[VillagePlan, ...], team_codes: set[str]) -> None:
    if not villages:
        raise NewProjectRejected(_("至少要有一个村；请在村组表中填写村名。"), "villages")
    seen: set[str] = set()
    for n, v in enumerate(villages, start=1):
        if not v.name:
            raise NewProjectRejected(
                _("第 {n} 个村的村名是空的；请填写村名或删去这一行。", n=n), "villages"
            )
        if len(v.name) > MAX_NAME or any(len(g) > MAX_NAME for g in v.groups):
            raise NewProjectRejected(
                _("村名和村民小组名最多 {n} 个字；请改短 {village} 的名称。",
                  n=MAX_NAME, village=v.name[:20]),
                "villages",
            )  # fmt: skip
        if v.name in seen:
            raise NewProjectRejected(
                _("村名 {name} 出现了两次；同一个村的小组请写在同一行。", name=v.name),
                "villages",
            )
        seen.add(v.name)
        if len(set(v.groups)) != len(v.groups):
            raise NewProjectRejected(
                _("{village} 的村民小组有重名；请删去重复的小组。", village=v.name), "villages"
            )
        if v.team_code and v.team_code not in team_codes:
            raise NewProjectRejected(
                _("{village} 所属的工作组 {code} 不在工作组表中；请填写已有的组号或留空。",
                  village=v.name, code=v.team_code),
                "villages",
            )  # fmt: skip
