"""The project settings people may change, declared once: key, label, group, default, and
how a typed text is checked and stored.

A key is the setting's name in the ``setting`` table, or ``name.part`` for one value inside
a setting that holds a JSON object (``agreement_values.authority``, ``sign_targets.T01``).
Typed text is checked here and turned into the JSON value stored; an empty text removes
the value, so the default applies again. Pure: no database.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from ...i18n import _
from ..clock import DEFAULT_TIME_ZONE, TIME_ZONE_SETTING, zone_named
from ..errors import UserError

__all__ = [
    "BACKUP_FOLDER_SETTING",
    "Field",
    "SettingInvalid",
    "fixed_fields",
    "target_field",
]

BACKUP_FOLDER_SETTING = "backup_folder"
EARLIEST_DEADLINE, LATEST_DEADLINE = date(2000, 1, 1), date(2099, 12, 31)


class SettingInvalid(UserError):
    """A typed setting value the rules refuse; ``key`` names the field. Nothing was saved."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Field:
    key: str  # "name" or "name.part"
    label: str  # Chinese, translated when shown
    group: str  # Chinese, translated when shown
    default: str  # the text of the value that applies when none is stored
    parse: Callable[[str, str], Any]  # (text, label) -> the JSON value stored
    hint: str = ""  # Chinese: what may be typed
    choices: tuple[str, ...] = ()  # offered in a drop-down, other text allowed

    @property
    def setting(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def part(self) -> str | None:
        return self.key.split(".", 1)[1] if "." in self.key else None

    def check(self, text: str) -> Any:
        """The value to store for ``text`` (None: remove it), or ``SettingInvalid``."""
        text = text.strip()
        if not text:
            return None
        try:
            return self.parse(text, _(self.label))
        except SettingInvalid:
            raise
        except UserError as exc:
            raise SettingInvalid(exc.message, self.key) from exc

    def text(self, value: Any) -> str:
        """A stored value as the text shown to people ("" when unset)."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return ""
        return str(value)


# --- parsers: (text, label) -> stored JSON value; raise UserError saying what is wrong --------


def _whole(text: str, label: str, low: int, high: int) -> int:
    digits = text.replace(",", "").replace("，", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 6:
        raise UserError(
            _("{label}应为 {low} 到 {high} 的整数，输入的是“{text}”", label=label, low=low,
              high=high, text=text[:20])
        )  # fmt: skip
    value = int(digits)
    if not low <= value <= high:
        raise UserError(
            _("{label}应在 {low} 到 {high} 之间，输入的是 {value}", label=label, low=low,
              high=high, value=value)
        )  # fmt: skip
    return value


def _whole_in(low: int, high: int) -> Callable[[str, str], int]:
    return lambda text, label: _whole(text, label, low, high)


def _text_up_to(limit: int) -> Callable[[str, str], str]:
    def parse(text: str, label: str) -> str:
        if len(text) > limit:
            raise UserError(
                _("{label}最多 {n} 个字，现在是 {length} 个", label=label, n=limit,
                  length=len(text))
            )  # fmt: skip
        if any(ord(c) < 32 for c in text):
            raise UserError(_("{label}不能含换行或控制字符", label=label))
        return text

    return parse


def _number_format(text: str, label: str) -> str:
    _text_up_to(60)(text, label)
    if "{seq" not in text:
        raise UserError(
            _("{label}必须含流水号 {{seq}}，例如 征补协〔{{year}}〕第{{seq:05d}}号", label=label)
        )
    try:
        sample = text.format(year=2026, seq=1)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        raise UserError(
            _(
                "{label}写法有误（{error}）：只能用 {{year}}（年份）和 {{seq}} 或 "
                "{{seq:05d}}（流水号，05d 表示补足 5 位），花括号要成对",
                label=label,
                error=exc,
            )
        ) from exc
    if len(sample) > 60:
        raise UserError(_("{label}生成的编号太长（{sample}），最多 60 个字", label=label,
                          sample=sample))  # fmt: skip
    return text


def _cutoff(text: str, label: str) -> str:
    t = text.replace("：", ":")
    try:
        parsed = time.fromisoformat(t) if len(t) in (4, 5) and ":" in t else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise UserError(
            _("{label}应写成 时:分（24 小时制），例如 17:30；输入的是“{text}”", label=label,
              text=text[:20])
        )  # fmt: skip
    return f"{parsed.hour:02d}:{parsed.minute:02d}"


def _deadline(text: str, label: str) -> str:
    t = text.replace("/", "-").replace(".", "-")
    try:
        day = date.fromisoformat(t) if len(t) == 10 and t[4] == "-" else None
    except ValueError:
        day = None
    if day is None:
        raise UserError(
            _("{label}应写成 年-月-日，例如 2026-12-31；输入的是“{text}”", label=label,
              text=text[:20])
        )  # fmt: skip
    if not EARLIEST_DEADLINE <= day <= LATEST_DEADLINE:
        raise UserError(
            _("{label} {day} 不在 2000 年到 2099 年之间，请核对", label=label,
              day=day.isoformat())
        )  # fmt: skip
    return day.isoformat()


def _zone(text: str, label: str) -> str:
    if zone_named(text) is None:
        raise UserError(
            _(
                "{label}“{text}”不是已知的时区名称：请写 IANA 时区名，如 Asia/Shanghai"
                "（北京时间）、Asia/Urumqi（乌鲁木齐）",
                label=label,
                text=text[:40],
            )
        )
    return text


def _folder(text: str, label: str) -> str:
    path = Path(text).expanduser()
    if not path.is_absolute():
        raise UserError(
            _("{label}请写完整路径（如 D:\\备份 或 /media/u盘/备份），输入的是“{text}”",
              label=label, text=text[:80])
        )  # fmt: skip
    if not path.is_dir():
        raise UserError(
            _("{label} {path} 不存在或不是文件夹：请先建好这个文件夹，或选择另一个",
              label=label, path=path)
        )  # fmt: skip
    try:  # a real write: permissions say little for root, or on a read-only stick
        with tempfile.TemporaryFile(dir=path, prefix=".relocation-desk-"):
            pass
    except OSError as exc:
        raise UserError(
            _("{label} {path} 不能写入（只读或没有权限）：请选择可以写入的文件夹",
              label=label, path=path)
        ) from exc  # fmt: skip
    return str(path)


# --- the fields -------------------------------------------------------------------------------

_AGREEMENT = "协议"
_PROGRESS = "进度与日报"
_NOTICE = "公示"
_SYSTEM = "时间与安全"


def fixed_fields(
    agreement_defaults: dict[str, Any], agreement_format: str, supplementary_format: str
) -> list[Field]:
    """Every field but the per-team targets. ``agreement_defaults``: the template's
    ``default_values`` (what applies when a project stores none)."""

    def value_default(name: str) -> str:
        v = agreement_defaults.get(name)
        return "" if v is None else str(v)

    return [
        Field("agreement_number_format", "协议编号格式", _AGREEMENT, agreement_format,
              _number_format, "{year} 年份，{seq:05d} 五位流水号"),
        Field("supplementary_number_format", "补充协议编号格式", _AGREEMENT, supplementary_format,
              _number_format, "不填则在协议编号格式的前缀后加“补”"),
        Field("decision_number_format", "补偿决定文号格式", _AGREEMENT,
              "补偿决定〔{year}〕第{seq:03d}号", _number_format),
        Field("agreement_values.authority", "征收部门（协议甲方）", _AGREEMENT,
              value_default("authority"), _text_up_to(100), "{project_name} 代表项目名称"),
        Field("agreement_values.payment_days", "签约后付款期限（天）", _AGREEMENT,
              value_default("payment_days"), _whole_in(1, 365)),
        Field("agreement_values.vacate_days", "搬迁期限（天）", _AGREEMENT,
              value_default("vacate_days"), _whole_in(1, 365)),
        Field("agreement_values.resettlement_place", "安置房地点", _AGREEMENT,
              value_default("resettlement_place"), _text_up_to(200), "产权调换的户必须填写"),
        Field("agreement_values.transition_mode", "过渡方式", _AGREEMENT,
              value_default("transition_mode"), _text_up_to(100), "",
              ("自行过渡", "周转房过渡")),
        Field("agreement_values.transition_period", "过渡期限", _AGREEMENT,
              value_default("transition_period"), _text_up_to(200)),
        Field("agreement_values.transition_period_money", "过渡期限（货币补偿的户）", _AGREEMENT,
              value_default("transition_period_money"), _text_up_to(200)),
        Field("report_cutoff", "日报截止时间", _PROGRESS, "18:00", _cutoff,
              "时:分，之后的变动计入下一天"),
        Field("sign_deadline", "签约期限", _PROGRESS, "", _deadline,
              "年-月-日，之后未签约的户列为未签约户"),
        Field("sign_targets.project", "全项目签约目标（户）", _PROGRESS, "", _whole_in(1, 10**6),
              "不填则为各工作组目标之和"),
        Field("notice_period_days", "公示期（天）", _NOTICE, "7", _whole_in(1, 90)),
        Field("objection_reply_days", "异议答复期限（天）", _NOTICE, "15", _whole_in(1, 90)),
        Field(TIME_ZONE_SETTING, "项目时区", _SYSTEM, DEFAULT_TIME_ZONE, _zone,
              "决定“今天”是哪一天：付款、公示、核算、日报都按它",
              ("Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong")),
        Field("idle_lock_minutes", "无操作自动锁定（分钟）", _SYSTEM, "15", _whole_in(0, 1440),
              "0 表示不自动锁定"),
        Field("backup_every_minutes", "自动备份间隔（分钟）", _SYSTEM, "30", _whole_in(0, 1440),
              "0 表示只在打开时备份"),
        Field(BACKUP_FOLDER_SETTING, "自动备份文件夹", _SYSTEM, "", _folder,
              "不填则为数据库旁的 backups 文件夹"),
    ]  # fmt: skip


def target_field(team_code: str, team_name: str) -> Field:
    """The signing target of one work team (``sign_targets.<team code>``)."""
    return Field(
        f"sign_targets.{team_code}",
        _("{team}签约目标（户）", team=team_name),
        _PROGRESS,
        "",
        _whole_in(1, 10**6),
        _("不填则为该组全部户数"),
    )
