"""``relocation-desk check``: is the project database still what the program wrote?

- ``report``: the answer (parts, each with the broken records it found);
- ``chain``: the audit chain, row by row (full) or its end only (quick);
- ``seals``: every sealed record against its seal and the seal in the chain;
- ``register``: the household register's denormalised columns against their sources;
- ``check``: SQLite's own checks, stored files, and the parts above put together.

The quick check (:func:`quick_check`) is what the program runs when it opens a database.

Uses storage, domain and the service features it checks (schemes' and daily reports' content
hashes, notices' snapshot hashes, households' register columns), so it sits above them all.
"""

from .check import check_database, quick_check
from .report import CheckReport, Part, Problem

__all__ = ["CheckReport", "Part", "Problem", "check_database", "quick_check"]
