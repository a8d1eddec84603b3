"""Password hashing, checking and rules (domain.passwords)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from relocation_desk.domain import passwords
from relocation_desk.domain.errors import InputError
from relocation_desk.domain.passwords import ScryptParams

FAST = ScryptParams(n=2**10, r=8, p=1)


def test_hash_records_its_parameters_and_verifies() -> None:
    stored = passwords.hash_password("正确的密码123", params=FAST)
    scheme, n, r, p, salt, key = stored.split("$")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(key)) == 32
    assert (scheme, n, r, p) == ("scrypt", "1024", "8", "1")
    assert passwords.verify_password("正确的密码123", stored)
    assert not passwords.verify_password("正确的密码124", stored)
    assert not passwords.verify_password("", stored)
    assert passwords.needs_rehash(stored)  # below the default parameters
    assert not passwords.needs_rehash(passwords.hash_password("x" * 8))


def test_salts_differ_and_a_given_salt_repeats() -> None:
    a = passwords.hash_password("same-password", params=FAST)
    b = passwords.hash_password("same-password", params=FAST)
    assert a != b
    salted = [passwords.hash_password("pw", params=FAST, salt=b"0123456789abcdef") for _ in "ab"]
    assert salted[0] == salted[1]


@pytest.mark.parametrize(
    "stored",
    ["", "plain", "md5$1$2$3$AA==$AA==", "scrypt$1000$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAA==",
     "scrypt$1024$8$1$!!$AAAA", "scrypt$4194304$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAA=="],
)  # fmt: skip
def test_unreadable_or_hostile_hashes_never_verify(stored: str) -> None:
    assert not passwords.verify_password("anything", stored)
    assert passwords.needs_rehash(stored)


def test_too_long_password_is_not_hashed_for_verification() -> None:
    stored = passwords.hash_password("a" * 200, params=FAST)
    assert not passwords.verify_password("a" * 200, stored)


@pytest.mark.parametrize(
    ("password", "code"),
    [("short", "password_too_short"), ("x" * 129, "password_too_long"),
     (" " * 10, "password_blank"), ("ZhangWei", "password_is_login")],
)  # fmt: skip
def test_policy(password: str, code: str) -> None:
    with pytest.raises(InputError) as info:
        passwords.check_new_password(password, login="zhangwei")
    assert info.value.code == code
    passwords.check_new_password("长一点的中文密码", login="zhangwei")


def test_lock_minutes_round_up() -> None:
    now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert passwords.lock_minutes_left(now + timedelta(minutes=5), now) == 5
    assert passwords.lock_minutes_left(now + timedelta(seconds=61), now) == 2
    assert passwords.lock_minutes_left(now + timedelta(seconds=1), now) == 1
