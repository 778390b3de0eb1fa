"""Listen for AT-SPI announcement events for a few seconds and print them as JSON lines (run
with the system python3, which has pyatspi). Used by bench/labs/a11y.py.

    /usr/bin/python3 bench/labs/atspi_listen.py SECONDS
"""

import json
import sys

import pyatspi
from gi.repository import GLib


def main():
    seconds = float(sys.argv[1])

    def heard(event):
        print(json.dumps({"type": event.type, "text": str(event.any_data or ""),
                          "detail1": event.detail1, "source": event.source.name or ""}),
              flush=True)

    pyatspi.Registry.registerEventListener(heard, "object:announcement")
    print(json.dumps({"listening": True}), flush=True)
    GLib.timeout_add(int(seconds * 1000), pyatspi.Registry.stop)
    pyatspi.Registry.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
