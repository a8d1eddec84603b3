"""Passwords: how they are hashed and checked, what a password must be, when a login locks.

Plain Python (``hashlib.scrypt``, ``hmac``); the sign-in use cases are in ``services/auth``.

A stored hash is one string that records its parameters, so they can be raised later without
breaking old hashes (``needs_rehash`` tells the service to re-hash at the next good sign-in)::

    scrypt$<n>$<r>$<p>$<salt, base64>$<hash, base64>

``SCRYPT_N = 2**15, r = 8, p = 1`` takes 32 MiB of memory and about 0.1–0.2 s on one core of
the 2-core reference laptop (docs/benchmarks.md), within the 0.5 s sign-in target while making
every guess of a stolen database file cost the same memory and time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..i18n import _
from .errors import InputError

__all__ = [
    "DEMO_PASSWORD",
    "LOCK_AFTER_FAILURES",
    "LOCK_DURATION",
    "MIN_LENGTH",
    "ScryptParams",
    "burn_time",
    "check_new_password",
    "hash_password",
    "lock_minutes_left",
    "needs_rehash",
    "verify_password",
]

SCHEME = "scrypt"
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 8
MAX_LENGTH = 128  # a bound on what scrypt is asked to read; no one types more
LOCK_AFTER_FAILURES = 5
LOCK_DURATION = timedelta(minutes=5)
DEMO_PASSWORD = "demo"  # every demo operator's, unless ``demo --password`` says otherwise


@dataclass(frozen=True)
class ScryptParams:
    n: int = 2**15
    r: int = 8
    p: int = 1

    @property
    def maxmem(self) -> int:
        # scrypt needs 128·n·r bytes; OpenSSL's default limit (32 MiB) is just below that.
        return 128 * self.n * self.r * self.p + 16 * 1024 * 1024


DEFAULT_PARAMS = ScryptParams()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(
    password: str, *, params: ScryptParams = DEFAULT_PARAMS, salt: bytes | None = None
) -> str:
    """The stored form of ``password`` (a fresh random salt unless one is given)."""
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    key = _derive(password, salt, params, KEY_BYTES)
    return f"{SCHEME}${params.n}${params.r}${params.p}${_b64(salt)}${_b64(key)}"


def _derive(password: str, salt: bytes, params: ScryptParams, length: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        maxmem=params.maxmem,
        dklen=length,
    )


def _parse(stored: str) -> tuple[ScryptParams, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return None
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        key = base64.b64decode(parts[5], validate=True)
    except ValueError:
        return None
    # Refuse parameters no laptop could compute (a damaged or hostile row), not just slow ones.
    if not (2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        return None
    if not salt or len(key) < 16:
        return None
    return ScryptParams(n, r, p), salt, key


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``; False for an empty or unreadable hash."""
    parsed = _parse(stored) if stored else None
    if parsed is None or len(password) > MAX_LENGTH:
        return False
    params, salt, key = parsed
    return hmac.compare_digest(_derive(password, salt, params, len(key)), key)


def burn_time(password: str) -> None:
    """Spend what one verification spends, so an unknown login answers as slowly as a known."""
    _derive(password[:MAX_LENGTH], b"\0" * SALT_BYTES, DEFAULT_PARAMS, KEY_BYTES)


def needs_rehash(stored: str, params: ScryptParams = DEFAULT_PARAMS) -> bool:
    parsed = _parse(stored)
    return parsed is None or parsed[0] != params


def check_new_password(password: str, *, login: str = "") -> None:
    """Raise InputError when ``password`` may not be chosen (too short, too long, the login)."""
    if len(password) < MIN_LENGTH:
        raise InputError(
            "password_too_short",
            _("密码至少要 {n} 个字符；请换一个更长的密码。", n=MIN_LENGTH),
        )
    if len(password) > MAX_LENGTH:
        raise InputError(
            "password_too_long", _("密码最多 {n} 个字符；请换一个短一些的。", n=MAX_LENGTH)
        )
    if password.strip() == "":
        raise InputError("password_blank", _("密码不能全是空格；请换一个密码。"))
    if login and password.casefold() == login.casefold():
        raise InputError("password_is_login", _("密码不能和登录名相同；请换一个密码。"))


def lock_minutes_left(locked_until: datetime, now: datetime) -> int:
    """Whole minutes (rounded up, at least 1) until a lock ends."""
    seconds = (locked_until - now).total_seconds()
    return max(1, int(-(-seconds // 60)))
