"""The bundle's entry point: the same ``main`` as the installed ``relocation-desk`` command.

A double-clicked project file arrives as the only argument (``relocation-desk FILE``)."""

import sys

from relocation_desk.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
