"""Demo families and what they own: persons with valid ID numbers, buildings, attachments.

A family is built around its head: a spouse of similar age, children 22–34 years younger
(sons often with a wife and children of their own), sometimes the head's parents. Children take
the father's surname. About 1 % of persons have a rare character in their given name and
about 0.2 % one beyond U+FFFF (only characters the print fonts can draw). ID numbers are valid,
unique in the project, and agree with the person's sex and birth date.
"""

from __future__ import annotations

import random
from collections.abc import Container
from dataclasses import dataclass
from datetime import date, timedelta

from ...domain import idnumber
from . import data
from .plan import Weighted

MEMBER_COUNTS = Weighted(((1, 14), (2, 27), (3, 23), (4, 18), (5, 10), (6, 5), (7, 2), (8, 1)))
RARE_EVERY = 100  # one name in 100 has a rare character …
SUPPLEMENTARY_EVERY = 500  # … and one in 500 a character beyond U+FFFF
NO_ID_SHARE_CHILD = 0.35  # children not yet registered with an ID number
NO_ID_SHARE_ADULT = 0.012
DISABLED_SHARE = 0.02
CADRE_PERSON_SHARE = 0.3  # in a cadre household: the chance a given adult is the cadre


@dataclass(slots=True)
class Member:
    name: str
    surname: str
    relation: str
    sex: str  # 男 / 女
    birth: date
    id_number: str | None = None
    phone: str = ""
    is_cadre: bool = False
    is_cadre_relative: bool = False
    cadre_note: str = ""
    is_disabled: bool = False

    @property
    def is_head(self) -> bool:
        return self.relation == "户主"


class People:
    """Makes names, families, ID numbers and phone numbers for one demo project."""

    def __init__(
        self, today: date, covered: Container[int] | None, slot: tuple[int, int] = (0, 1)
    ) -> None:
        self.today = today
        self._slot = slot  # (this team's residue, number of residues) for ID sequences
        self._surnames = Weighted(data.SURNAMES)
        self._local = Weighted(data.LOCAL_AREA_CODES)
        self._rare = data.RARE_GIVEN_CHARS
        supplementary = [
            c for c in data.SUPPLEMENTARY_GIVEN_CHARS if covered is None or ord(c) in covered
        ]
        self._supplementary = "".join(supplementary) or "𠮷"
        self._used_ids: set[str] = set()
        self._names_made = 0
        self._banks = Weighted([((b[0], b[1], b[2]), b[3]) for b in data.BANKS])

    # --- names ------------------------------------------------------------------------------

    def surname(self, rng: random.Random) -> str:
        s = self._surnames.pick(rng)
        assert isinstance(s, str)
        return s

    def given(self, rng: random.Random, sex: str, birth_year: int) -> str:
        era = 0 if birth_year < 1965 else 1 if birth_year < 1990 else 2
        r = rng.random()
        if r < 0.6:
            pool = data.GIVEN_NAMES[(sex, era)]
            name = pool[int(rng.random() * len(pool))]
        else:
            chars = data.SINGLE_GIVEN[(sex, era)]
            name = chars[int(rng.random() * len(chars))]
            if r >= 0.8:
                name += chars[int(rng.random() * len(chars))]
        # Evenly spaced rather than random, so even a small demo shows both kinds.
        self._names_made += 1
        if self._names_made % SUPPLEMENTARY_EVERY == SUPPLEMENTARY_EVERY // 2:
            name = name[:-1] + self._supplementary[int(rng.random() * len(self._supplementary))]
        elif self._names_made % RARE_EVERY == RARE_EVERY // 3:
            name = name[:-1] + self._rare[int(rng.random() * len(self._rare))]
        return name

    def adult_name(self, rng: random.Random) -> str:
        sex = "男" if rng.random() < 0.7 else "女"
        return self.surname(rng) + self.given(rng, sex, 1975)

    # --- numbers ----------------------------------------------------------------------------

    def mobile(self, rng: random.Random) -> str:
        prefixes = data.MOBILE_PREFIXES
        return prefixes[int(rng.random() * len(prefixes))] + f"{rng.getrandbits(30) % 10**8:08d}"

    def phone(self, rng: random.Random) -> str:
        if rng.random() < 0.03:
            return f"{data.LANDLINE_AREA}-6{rng.getrandbits(24) % 10**7:07d}"
        return self.mobile(rng)

    def id_number(self, rng: random.Random, sex: str, birth: date) -> str:
        """A valid number, unique in the project: each team draws its sequence numbers from
        its own residue class (``slot``), so teams generated apart never collide."""
        if rng.random() < 0.05:
            area = data.OTHER_AREA_CODES[int(rng.random() * len(data.OTHER_AREA_CODES))]
        else:
            a = self._local.pick(rng)
            assert isinstance(a, str)
            area = a
        odd = 1 if sex == "男" else 0
        slot, slots = self._slot
        choices = (500 - slot + slots - 1) // slots
        for attempt in range(200):
            if attempt and attempt % 20 == 0:  # that day is full here: someone from elsewhere
                area = data.OTHER_AREA_CODES[attempt // 20 % len(data.OTHER_AREA_CODES)]
            v = slot + slots * int(rng.random() * choices)
            value = idnumber.make(area, birth, 2 * v + odd)
            if value not in self._used_ids:
                self._used_ids.add(value)
                return value
        raise RuntimeError("no free ID number sequence left")  # pragma: no cover

    def bank_account(self, rng: random.Random) -> tuple[str, str]:
        """(bank name, account number with a valid Luhn check digit)."""
        picked = self._banks.pick(rng)
        assert isinstance(picked, tuple)
        bank, prefix, length = picked
        body = prefix + "".join(
            str(int(rng.random() * 10)) for _ in range(length - len(prefix) - 1)
        )
        return bank, body + _luhn_digit(body)

    # --- families ---------------------------------------------------------------------------

    def birth(self, rng: random.Random, age: int) -> date:
        age = max(0, min(95, age))
        day = self.today - timedelta(days=age * 365 + int(rng.random() * 365) + age // 4)
        return max(day, date(self.today.year - 95, 1, 1))

    def family(self, rng: random.Random, cadre: bool) -> list[Member]:
        """One household's members, head first."""
        size = MEMBER_COUNTS.pick(rng)
        assert isinstance(size, int)
        head_age = _head_age(rng, size)
        head_sex = "男" if rng.random() < 0.85 else "女"
        head_surname = self.surname(rng)
        members = [self._member(rng, head_surname, "户主", head_sex, head_age)]
        left = size - 1
        line_surname = head_surname  # the children's surname
        if left and rng.random() < 0.88:
            spouse_sex = "女" if head_sex == "男" else "男"
            spouse_age = head_age + rng.randint(-3, 3) + (2 if spouse_sex == "男" else -1)
            spouse_surname = self.surname(rng)
            members.append(self._member(rng, spouse_surname, "配偶", spouse_sex, spouse_age))
            if spouse_sex == "男":
                line_surname = spouse_surname
            left -= 1
        if left and head_age < 55 and rng.random() < 0.35:
            for relation, sex in (("父亲", "男"), ("母亲", "女"))[: min(left, rng.randint(1, 2))]:
                age = min(95, head_age + rng.randint(22, 34))
                surname = head_surname if sex == "男" and head_sex == "男" else self.surname(rng)
                members.append(self._member(rng, surname, relation, sex, age))
                left -= 1
        while left > 0:
            sex = "男" if rng.random() < 0.52 else "女"
            age = max(0, head_age - rng.randint(22, 34))
            members.append(self._member(rng, line_surname, "子" if sex == "男" else "女", sex, age))
            left -= 1
            if left and age >= 23 and rng.random() < 0.65:
                in_law_sex = "女" if sex == "男" else "男"
                relation = "儿媳" if sex == "男" else "女婿"
                in_law = self._member(
                    rng, self.surname(rng), relation, in_law_sex, age + rng.randint(-3, 3)
                )
                members.append(in_law)
                left -= 1
                grand_surname = line_surname if sex == "男" else in_law.surname
                while left and rng.random() < 0.75:
                    g_sex = "男" if rng.random() < 0.52 else "女"
                    g_age = max(0, age - rng.randint(22, 32))
                    members.append(
                        self._member(
                            rng, grand_surname, "孙子" if g_sex == "男" else "孙女", g_sex, g_age
                        )
                    )
                    left -= 1
        if cadre:
            self._mark_cadre(rng, members)
        return members

    def _member(
        self, rng: random.Random, surname: str, relation: str, sex: str, age: int
    ) -> Member:
        birth = self.birth(rng, age)
        m = Member(surname + self.given(rng, sex, birth.year), surname, relation, sex, birth)
        years = (self.today - birth).days // 365
        if rng.random() >= (NO_ID_SHARE_CHILD if years < 3 else NO_ID_SHARE_ADULT):
            m.id_number = self.id_number(rng, sex, birth)
        if years >= 18 and rng.random() < (0.55 if years > 75 else 0.88):
            m.phone = self.phone(rng)
        m.is_disabled = rng.random() < DISABLED_SHARE * (2.5 if years > 65 else 0.6)
        return m

    def _mark_cadre(self, rng: random.Random, members: list[Member]) -> None:
        adults = [m for m in members if (self.today - m.birth).days >= 22 * 365]
        if not adults:
            adults = members[:1]
        post = data.CADRE_POSTS[int(rng.random() * len(data.CADRE_POSTS))]
        if rng.random() < CADRE_PERSON_SHARE:
            cadre = adults[int(rng.random() * len(adults))]
            cadre.is_cadre, cadre.cadre_note = True, post
            for m in members:
                if m is not cadre and rng.random() < 0.25:
                    m.is_cadre_relative = True
                    m.cadre_note = f"系{post}{cadre.name}的家属"
        else:
            # The cadre lives elsewhere: one or two adults here are a relative.
            kin_name = self.adult_name(rng)
            for m in rng.sample(adults, min(len(adults), rng.randint(1, 2))):
                kin = data.CADRE_KIN[int(rng.random() * len(data.CADRE_KIN))]
                m.is_cadre_relative = True
                m.cadre_note = f"系{post}{kin_name}的{kin}"


def _head_age(rng: random.Random, size: int) -> int:
    if size == 1:
        return rng.randint(30, 92) if rng.random() < 0.4 else rng.randint(62, 92)
    if size >= 5:
        return rng.randint(48, 78)
    return int(rng.triangular(24, 88, 55))


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)
