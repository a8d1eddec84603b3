"""The audit log as a chain nobody can quietly rewrite, and the seals of records that must
never change (issue #14; the canonical texts are in domain/audit_chain.py).

- ``chain``: every audit row the program writes gets its place in the chain here (an ORM hook
  for ``m.AuditLog`` objects, :func:`append` / :func:`chain_rows` for Core and bulk writers,
  :func:`chain_unchained` for rows generated in bulk);
- ``seals``: the seal of a signed agreement, a payment, a milestone, a compensation decision;
- ``log``: reading the log page by page for the audit viewer.

Uses only storage and domain; every other service may use it. Importing the package installs
the ORM hook (``relocation_desk.services`` imports it first).
"""

from .chain import ChainHead, append, chain_rows, chain_unchained, install, read_head
from .seals import SEALED_MODELS, SEALING_ACTIONS, audit_seal, seal_record, seal_unsealed

install()

__all__ = [
    "SEALED_MODELS",
    "SEALING_ACTIONS",
    "ChainHead",
    "append",
    "audit_seal",
    "chain_rows",
    "chain_unchained",
    "install",
    "read_head",
    "seal_record",
    "seal_unsealed",
]
