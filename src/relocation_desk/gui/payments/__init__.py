"""The payments dialog (payments, deposits, reversals, milestones), the compensation-decision
dialog for holdouts, their menus and the editor button.

May use: ``services.payments``, ``gui.editor`` (its button), shared ``gui`` modules.
"""
