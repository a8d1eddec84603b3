"""The agreement dialog (draft, print, sign, supplementary agreements), its menu and its editor
button.

May use: ``services.agreements``, ``gui.printing``, shared ``gui`` modules.
"""
