"""The first kind of error (STYLE.md): the user asked for something the rules do not allow.

Every use case raises a subclass of ``UserError`` whose ``message`` — already translated —
says what is wrong and what to do. Nothing was written when one is raised. The GUI shows the
message in a dialog, the CLI prints it as one line.
"""

from __future__ import annotations


class UserError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class PermissionDenied(UserError):
    """The signed-in operator's role or team may not do this (domain.permissions); nothing was
    read or written. ``action`` names the refused use case."""

    def __init__(self, message: str, action: str) -> None:
        super().__init__(message)
        self.action = action


class ResettlementError(UserError):
    """A property-swap action the rules refuse (inventory, order, draw, choice)."""


class FlatTaken(ResettlementError):
    """The flat was chosen by another household (perhaps on another computer) a moment ago."""


class TamperedRecord(UserError):
    """A sealed record no longer matches its seal (services.audit): its stored content was
    changed outside the program. Nothing is computed from it."""
