"""The progress dashboard (F9): tiles, trend, ranking and due lists drawn with QPainter.

May use: ``services.progress``, shared ``gui`` modules.
"""
