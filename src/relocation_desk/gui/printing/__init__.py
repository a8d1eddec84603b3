"""PDF preview (PDFium, lazy pages) and printing through QPrinter, for every printed sheet.

May use: shared ``gui`` modules only.
"""
