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
