"""The PyInstaller bundle's entry point: the same as the `knee-desktop` command.

The bundle's executable is also the speech worker process (there is no separate Python
to run ``-m knee_desktop.speech.render_worker`` with): see app_command.render_worker_command.
"""

import sys

from knee_desktop.common.app_command import RENDER_WORKER_FLAG

if __name__ == "__main__":
    if sys.argv[1:2] == [RENDER_WORKER_FLAG]:
        from knee_desktop.speech.render_worker import main as worker

        sys.exit(worker())
    from knee_desktop.main import main

    sys.exit(main())
