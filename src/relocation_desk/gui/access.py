"""Greying out what the signed-in role cannot do, with a tooltip that says why.

The permission table is ``domain.permissions``; the service check (``services.access``) is the
guard, this only shows the same answer ahead of time. :func:`gate` disables a menu action or a
button and puts the table's Chinese reason in its tooltip (and turns tooltips on in the menus
that hold it); when the action is allowed it restores the widget's own tooltip.

``team_id`` is the team of the household or village the control acts on; a control that acts on
whichever household is selected is asked for the operator's own team (the best case): it is
greyed out only when the role may not do it at all, and the dialog it opens gates its buttons
for the household at hand.

Shared by every GUI feature package; uses only the domain and ``services.access``.
"""

from __future__ import annotations

import uuid

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QMenu

from ..domain.permissions import Action, refusal
from ..services.access import Actor, may

__all__ = ["Action", "best_case_team", "gate", "why_not"]

_OWN_TIP = "relocation_desk_own_tooltip"


def best_case_team(operator: Actor | None) -> uuid.UUID | None:
    """The team to ask for when the household is not known yet: the operator's own."""
    return operator.team_id if operator is not None else None


def why_not(operator: Actor | None, action: Action, team_id: uuid.UUID | None = None) -> str | None:
    """The reason ``operator`` may not do ``action`` for ``team_id``; None when they may."""
    if may(operator, action, team_id):
        return None
    own = operator is not None and team_id is not None and operator.team_id == team_id
    return refusal(operator.role if operator is not None else None, action, own)


def gate(
    control: QAction | QAbstractButton,
    operator: Actor | None,
    action: Action,
    team_id: uuid.UUID | None = None,
    *,
    enabled: bool = True,
) -> bool:
    """Enable ``control`` when ``operator`` may do ``action`` (and ``enabled``: the control's
    other conditions hold), else disable it; a permission refusal goes into the tooltip.
    Returns whether the permission allows it."""
    own = control.property(_OWN_TIP)
    if own is None:
        own = control.toolTip() if isinstance(control, QAbstractButton) else ""
        control.setProperty(_OWN_TIP, own)
    reason = why_not(operator, action, team_id)
    control.setEnabled(enabled and reason is None)
    if isinstance(control, QAction):
        control.setToolTip(reason or own or control.text().replace("&", ""))
        for obj in control.associatedObjects():
            if isinstance(obj, QMenu):
                obj.setToolTipsVisible(True)
    else:
        control.setToolTip(reason or own)
    return reason is None
