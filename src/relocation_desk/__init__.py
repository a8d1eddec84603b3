"""Relocation Desk: offline desktop application for house demolition, relocation and compensation.

Layers (see docs/architecture.md): domain <- storage <- services <- reports <- gui <- cli.
"""

__version__ = "0.1.0"
