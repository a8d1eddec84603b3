"""Calculation screens: the household's lines, checking, recompute, exceptions, fairness.

``panel`` shows a household's calculation; ``common`` holds the shared texts and the day used;
``tables`` the lines tables; ``recompute`` the recompute-all dialog; ``approvals`` exception
requests and HQ's decisions; ``fairness`` the fairness view; ``feature`` installs the menus.

May use: ``services.calculation``, ``services.households``, shared ``gui`` modules.
"""
