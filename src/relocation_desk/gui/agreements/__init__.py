"""Agreement and compensation-decision dialogs, and their menus and editor buttons.

May use: ``services.agreements``, ``gui.printing``, shared ``gui`` modules.
"""
