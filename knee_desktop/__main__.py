"""`python -m knee_desktop` is the same as the `knee-desktop` command."""

import sys

from knee_desktop.main import main

sys.exit(main())
