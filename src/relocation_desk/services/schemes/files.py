"""Reading and writing a scheme version as a JSON file (the format of ``sample-scheme.json``).

The file is :func:`relocation_desk.domain.scheme.scheme_to_dict` as readable JSON (UTF-8,
Chinese kept, indented), so a person can read it, compare two versions and keep it with the
published paper. Reading tells apart a file that cannot be read, a file that is not JSON (with
line and column) and JSON that is not a scheme; the scheme's own problems come from
``parse_scheme``, each naming the item and field. Percents are written with their unit
(``"5 %"``); a bare percent below 1 is refused (:mod:`relocation_desk.domain.scheme_units`).
An unknown key is refused at every level, the scheme's own ``params`` included
(:func:`relocation_desk.domain.scheme_scope.param_key_problems`), naming the nearest known key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...domain import bounded_json
from ...domain.scheme import Scheme, SchemeError, scheme_to_dict
from ...domain.scheme_parse import parse_scheme
from ...domain.scheme_scope import param_key_problems
from ...domain.scheme_units import PERCENT_FIELDS, misread_units
from ...i18n import _
from ..errors import UserError
from ..input_files import regular_file_problem

__all__ = ["SchemeFileError", "read_scheme_file", "scheme_json", "write_scheme_file"]

_MAX_BYTES = 20 * 1024 * 1024  # a scheme is a few KB; anything this large is not one


class SchemeFileError(UserError):
    """A scheme file that cannot be read or is not a valid scheme. ``problems`` lists the
    scheme's problems (empty when the file itself could not be read)."""

    def __init__(self, message: str, problems: tuple[str, ...] = (), heading: str = "") -> None:
        super().__init__(message)
        self.problems = problems
        self.heading = heading  # the line above ``problems`` when they are listed one a line


def scheme_json(scheme: Scheme) -> str:
    """The file text of ``scheme``: canonical content, readable layout, every percent
    written with its unit (``"5 %"``, ``"0.5 %"``) so the file cannot be misread."""
    data = scheme_to_dict(scheme)
    for item in data["items"]:
        for path in PERCENT_FIELDS:
            *parents, last = path
            holder = item["params"]
            for key in parents:
                holder = holder.get(key) if isinstance(holder, dict) else None
            if isinstance(holder, dict) and last in holder:
                holder[last] = f"{holder[last]} %"
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_scheme_file(scheme: Scheme, path: Path) -> None:
    try:
        path.write_text(scheme_json(scheme), encoding="utf-8")
    except OSError as exc:
        raise SchemeFileError(
            _("无法写入文件 {path}：{reason}；请换一个位置或文件名", path=path, reason=exc.strerror)
        ) from exc


def read_scheme_file(path: Path) -> tuple[dict[str, Any], Scheme]:
    """The raw dict and the parsed scheme of a scheme file; :class:`SchemeFileError` if not."""
    # Regular files only: /dev/zero or a pipe would never end.
    if problem := regular_file_problem(path, _MAX_BYTES):
        raise SchemeFileError(problem)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SchemeFileError(
            _("无法读取文件 {path}：{reason}", path=path, reason=exc.strerror or exc)
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SchemeFileError(
            _(
                "文件 {path} 不是 UTF-8 编码的文本，不是补偿方案文件；"
                "请选择本软件导出的 .json 方案文件",
                path=path.name,
            )
        ) from None
    try:
        data = bounded_json.loads(text)
    except bounded_json.JsonLimitError as exc:
        raise SchemeFileError(
            _("文件 {path} 不是有效的补偿方案文件：{reason}", path=path.name, reason=exc.reason)
        ) from None
    except json.JSONDecodeError as exc:
        raise SchemeFileError(
            _(
                "文件 {path} 不是有效的 JSON：第 {line} 行第 {column} 列有错误（{reason}）；"
                "请用文本编辑器改正后再导入",
                path=path.name,
                line=exc.lineno,
                column=exc.colno,
                reason=exc.msg,
            )
        ) from None
    if not isinstance(data, dict) or "items" not in data:
        raise SchemeFileError(
            _(
                "文件 {path} 是 JSON，但不是补偿方案：应为一个含 name、version_no、"
                "effective_date、params、items 的对象（格式同示例方案文件）",
                path=path.name,
            )
        )
    problems = param_key_problems(data.get("params")) + misread_units(data)
    try:
        scheme = parse_scheme(data)
    except SchemeError as exc:
        problems += exc.problems
    if problems:
        name = data.get("name")
        heading = _(
            "文件 {path} 中的方案《{name}》有 {count} 处错误，未导入：",
            path=path.name,
            name=name.strip() if isinstance(name, str) else "",
            count=len(problems),
        )
        raise SchemeFileError(heading + "；".join(problems), tuple(problems), heading)  # fmt: skip
    return data, scheme
