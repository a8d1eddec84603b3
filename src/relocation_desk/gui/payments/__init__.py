"""The payments dialog (payments, deposits, reversals, milestones) and its menus.

May use: ``services.payments``, ``gui.agreements`` (decisions), shared ``gui`` modules.
"""
