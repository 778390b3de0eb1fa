"""The PyInstaller bundle's entry point: the same as the `knee-desktop` command."""

import sys

from knee_desktop.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
