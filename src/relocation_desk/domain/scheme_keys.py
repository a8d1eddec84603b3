"""Unknown keys in a scheme: the problem naming the key and the nearest known one.

A misspelt key is worse than a wrong value: ``"rouding": "building"`` would be read as no
rounding setting at all, and every line rounded the default way without a word. So every
object in a scheme has a closed set of keys, and a key outside it is refused with the place
it was found and, when one is close (:func:`difflib.get_close_matches`), the known key that
was probably meant: ``参数 params 中有未知的字段“rate_rouding”，是否应为“rate_rounding”？``.

The known keys of the scheme, an item, each kind's parameters (:data:`ITEM_PARAMS`, by
``RateKind`` value), reward windows, derived rates and bases are here; those of conditions and
dates are in :mod:`.scheme_conditions`, those of the scheme's own parameters in
:mod:`.scheme_scope`. :func:`key_problems` is used by :func:`.scheme_parse.parse_scheme` at
every level below the scheme's own parameters, and by :func:`.scheme_scope.param_key_problems`
for those (held to their keys when a scheme file is imported). This module uses nothing but
the translations, so every scheme module may use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from difflib import get_close_matches
from typing import Any

from ..i18n import _

__all__ = [
    "BASIS_KEYS",
    "ITEM_KEYS",
    "ITEM_PARAMS",
    "RATE_OF_KEYS",
    "TOP_KEYS",
    "WINDOW_KEYS",
    "item_key_problems",
    "item_param_problems",
    "key_problems",
    "unknown",
]

_CUTOFF = 0.6  # difflib's default: "rouding" → "rounding", "iss" → "is", not "name" → "zones"

TOP_KEYS = ("name", "version_no", "effective_date", "params", "items")
ITEM_KEYS = ("code", "name", "unit", "rate_fen", "kind", "category", "params")
WINDOW_KEYS = ("from", "to", "rate_fen")
RATE_OF_KEYS = ("code", "percent")
BASIS_KEYS = ("categories", "codes")
# An item's parameters by its kind (``RateKind`` values), besides the common ones.
ITEM_PARAMS: dict[str, tuple[str, ...]] = {
    "per_area": ("legality", "structure_type", "rate_of", "rate_rounding"),
    "decoration": ("legality", "rate_of", "rate_rounding"),
    "per_item": (),
    "per_person": (),
    "monthly": ("months", "per"),
    "lump_sum": ("times",),
    "percent": ("percent", "basis"),
    "bonus_window": ("windows", "on", "per"),
    "vulnerable_uplift": ("per", "percent", "basis"),
    "minimum_guarantee": ("per", "basis"),
    "resettlement": ("area_per_person", "entitled"),
}
COMMON_PARAMS = ("methods", "when")


def unknown(raw: Mapping[Any, Any], known: Iterable[str]) -> list[str]:
    """The keys of ``raw`` outside ``known``, as text, in the order written."""
    allowed = set(known)
    return [str(k) for k in raw if k not in allowed]


def key_problems(
    raw: Mapping[Any, Any],
    known: Iterable[str],
    what: str,
    *,
    elsewhere: Iterable[str] = (),
    elsewhere_label: str = "",
) -> list[str]:
    """One problem per key of ``raw`` outside ``known``: ``{what}中有未知的字段“…”``, with the
    nearest known key when one is close, else the list of known keys.

    ``elsewhere`` are keys that belong one level down (in ``elsewhere_label``, e.g. an item's
    ``params``): a key written one level too high is pointed there (``"legality"`` at the
    item's level → ``是否应写在参数 params 中？``).
    """
    choices = list(dict.fromkeys(known))
    inner = list(dict.fromkeys(elsewhere))
    problems = []
    for key in unknown(raw, choices):
        near = get_close_matches(key, choices, n=1, cutoff=_CUTOFF)
        inner_near = get_close_matches(key, inner, n=1, cutoff=_CUTOFF) if inner else []
        if near:
            problems.append(
                _("{what}中有未知的字段“{key}”，是否应为“{near}”？", what=what, key=key,
                  near=near[0])
            )  # fmt: skip
        elif inner_near and inner_near[0] == key:
            problems.append(
                _("{what}中有未知的字段“{key}”：它应写在{place}中", what=what, key=key,
                  place=elsewhere_label)
            )  # fmt: skip
        elif inner_near:
            problems.append(
                _("{what}中有未知的字段“{key}”，是否应为{place}中的“{near}”？", what=what,
                  key=key, place=elsewhere_label, near=inner_near[0])
            )  # fmt: skip
        else:
            problems.append(
                _("{what}中有未知的字段“{key}”；可用的字段有：{keys}", what=what, key=key,
                  keys="、".join(choices) or _("无"))
            )  # fmt: skip
    return problems


def _params_of(kind: Any) -> tuple[str, ...]:
    """The parameters an item of ``kind`` may have (of any kind when ``kind`` is unknown)."""
    own = ITEM_PARAMS.get(kind) if isinstance(kind, str) else None
    if own is None:
        own = tuple(dict.fromkeys(k for keys in ITEM_PARAMS.values() for k in keys))
    return (*sorted(own), *COMMON_PARAMS)


def item_key_problems(raw: Mapping[Any, Any]) -> list[str]:
    """Unknown keys of an item; a parameter of its kind written beside ``params`` is pointed
    into it."""
    return key_problems(
        raw, ITEM_KEYS, _("本项"), elsewhere=_params_of(raw.get("kind")),
        elsewhere_label=_("参数（params）"),
    )  # fmt: skip


def item_param_problems(kind: str, raw: Mapping[Any, Any]) -> list[str]:
    """Unknown keys of the ``params`` of an item of ``kind``: a parameter of another kind is
    named as such, any other key with the nearest parameter of this kind."""
    own = _params_of(kind)
    of_other_kinds = {k for keys in ITEM_PARAMS.values() for k in keys} - set(own)
    problems = [
        _("此计算方式（{kind}）不认识的参数“{key}”；此计算方式可用的参数有：{keys}",
          kind=kind, key=key, keys="、".join(own))
        for key in unknown(raw, own)
        if key in of_other_kinds
    ]  # fmt: skip
    misspelt = {k: v for k, v in raw.items() if k not in of_other_kinds}
    return problems + key_problems(misspelt, own, _("参数（params）"))
