"""The naive way, for comparison: at each beat, pyttsx3 ``say()`` + ``runAndWait()``.

Reads ``[[t, text], ...]`` (JSON) on stdin, waits for each time on ``time.monotonic()`` and
speaks it live; prints one JSON line per cue (``due``, ``said``, ``done``, ``text``).
"""

from __future__ import annotations

import json
import sys
import time


def main() -> int:
    import pyttsx3

    events = json.load(sys.stdin)
    engine = pyttsx3.init()
    out = sys.stderr  # pyttsx3 may print on stdout
    start = time.monotonic() + 1.0
    out.write(json.dumps({"start": start}) + "\n")
    for t, text in events:
        due = start + t
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        said = time.monotonic()
        engine.say(text)
        engine.runAndWait()
        out.write(json.dumps({"due": due, "said": said, "done": time.monotonic(),
                              "text": text}) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
