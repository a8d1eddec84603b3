"""Feature modules that add their menus and actions to the main window.

Each module in ``FEATURES`` has ``install(window: FeatureWindow) -> None``: it adds its actions to
``window.menus[...]`` (keys: file, household, calc, notice, agreement, report, exchange,
settings), reads
``window.db`` / ``window.operator`` / ``window.current_household()`` when an action runs, and
calls ``window.refresh_households(ids)`` after changing households. A menu with no actions is
hidden.

Modules in ``EDITOR_FEATURES`` have ``install_editor(editor: FeatureEditor) -> None``: they add
buttons to ``editor.action_bar`` (the row with the household's heading). The editor's household
is ``editor.household_id`` (None while a new household is not yet saved); ``editor.service`` is its
HouseholdService (``.db``, ``.operator``); after changing the household they call
``editor.reload()`` so the editor shows the stored state.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .hosts import FeatureEditor, FeatureWindow


def _feature_modules() -> tuple[ModuleType, ...]:
    # Imported here, not at module level: the main window imports this module.
    # One line per feature module, in menu order.
    from .agreements import feature as feature_agreements
    from .audit import feature as feature_audit
    from .auth import feature as feature_auth
    from .backups import feature as feature_backups
    from .calculation import feature as feature_calc
    from .daily_report import feature as feature_daily_report
    from .dashboard import feature as feature_dashboard
    from .exchange import feature as feature_exchange
    from .first_run import feature as feature_first_run
    from .ledger import feature as feature_ledger
    from .notices import feature as feature_notices
    from .payments import feature as feature_payments
    from .resettlement import feature as feature_resettlement
    from .schemes import feature as feature_schemes
    from .settings import feature as feature_settings

    return (
        feature_auth,
        feature_ledger,
        feature_backups,
        feature_schemes,
        feature_calc,
        feature_notices,
        feature_agreements,
        feature_payments,
        feature_resettlement,
        feature_dashboard,
        feature_daily_report,
        feature_audit,
        feature_exchange,
        feature_settings,
        feature_first_run,  # last: its 新建/打开项目 goes to the top of the file menu
    )


def _editor_feature_modules() -> tuple[ModuleType, ...]:
    # One line per feature module, in button order.
    from .agreements import feature as feature_agreements
    from .calculation import feature as feature_calc
    from .payments import feature as feature_payments

    return (feature_calc, feature_agreements, feature_payments)


def install_editor_features(editor: FeatureEditor) -> None:
    for module in _editor_feature_modules():
        module.install_editor(editor)


def install_features(window: FeatureWindow) -> None:
    for module in _feature_modules():
        module.install(window)
    for menu in window.menus.values():
        menu.menuAction().setVisible(not menu.isEmpty())
