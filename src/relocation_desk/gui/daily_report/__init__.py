"""报表 → 每日汇报: count, preview, print and freeze the daily report.

May use: ``services.progress``, ``gui.printing``, shared ``gui`` modules.
"""
