"""What a check found: parts (SQLite, audit chain, seals, register, files), each with the
records that do not hold, named so a person can find them."""

from __future__ import annotations

from dataclasses import dataclass, field

# Problems listed per part; beyond this only their number is given.
MAX_LISTED = 200


@dataclass(frozen=True)
class Problem:
    where: str  # household code, record number, file … (translated)
    what: str  # what does not hold (translated)


@dataclass
class Part:
    title: str  # translated
    checked: int = 0  # records looked at
    problems: list[Problem] = field(default_factory=list)
    more: int = 0  # problems beyond MAX_LISTED
    skipped: str = ""  # why the part was not run (translated), "" when it was

    @property
    def ok(self) -> bool:
        return not self.problems and not self.more

    def add(self, where: str, what: str) -> None:
        if len(self.problems) < MAX_LISTED:
            self.problems.append(Problem(where, what))
        else:
            self.more += 1

    @property
    def count(self) -> int:
        return len(self.problems) + self.more


@dataclass
class CheckReport:
    parts: list[Part] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.parts)

    @property
    def problem_count(self) -> int:
        return sum(p.count for p in self.parts)
