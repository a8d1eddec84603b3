"""数据交换: packages between team laptops and HQ, join packages and HQ's conflicts.

``feature`` adds the menu; ``conflicts_window`` is HQ's list of conflicts with the two sides
compared and the decisions. Uses ``services.exchange`` (its ``routine`` and ``conflicts``),
``gui.dialogs`` and ``gui.background``; no other GUI feature.
"""
