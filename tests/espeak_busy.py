"""The speech worker's render while espeak-ng's thread is still busy: what a loaded machine
does now and then, made to happen every time (run in a child process: espeak is one per
process). ``python -m tests.espeak_busy FOLDER`` prints one JSON line.

espeak-ng's own thread is held in the end of a phrase (its end-of-message callback, where
pyttsx3 writes a WAV file) while the worker's ``render`` is asked for "One." at rate 80 (its
first request, as in every worker of a SpeechCache). It is let go when the worker acts on
the busy espeak: waits for it (the worker of espeak_settings.py) or cancels it (pyttsx3's
runAndWait, the old worker), not after a time: however slow the machine, espeak is busy at
that moment. pyttsx3's
runAndWait cancels espeak when its thread is busy, and espeak-ng drops the command that
thread takes next: if that is the rate, the phrase is spoken at the rate pyttsx3 started
with, 200 (see knee_desktop/speech/espeak_settings.py). For comparison the same phrase is
then rendered with espeak idle at rate 200 and at rate 80 again.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

LIMIT = 10.0  # seconds the hold waits for the worker at most (then it says so)


def main(folder: Path) -> int:
    import pyttsx3
    from pyttsx3.drivers import _espeak

    from knee_desktop.speech.clip import read_wav
    from knee_desktop.speech.espeak_settings import EspeakSettings
    from knee_desktop.speech.render_worker import render

    engine = pyttsx3.init()
    settings = EspeakSettings()
    inside, release = threading.Event(), threading.Event()
    released: list[bool] = []  # True: the worker let it go; False: the limit did

    def hold(wav: Any, numsamples: int, events: Any) -> int:
        i = 0
        while events[i].type != _espeak.EVENT_LIST_TERMINATED:
            if events[i].type == _espeak.EVENT_MSG_TERMINATED:
                inside.set()
                released.append(release.wait(LIMIT))
            i += 1
        return 0

    def letting_go(call: Callable[..., Any]) -> Callable[..., Any]:
        def go(*args: Any) -> Any:
            release.set()
            return call(*args)
        return go

    settings._playing = letting_go(settings._playing)  # the worker waits for espeak
    _espeak.Cancel = letting_go(_espeak.Cancel)  # pyttsx3 cancels it (runAndWait)

    holder = _espeak.t_espeak_callback(hold)  # kept alive while espeak may call it
    _espeak.cSetSynthCallback(holder)
    _espeak.Synth("Two.", flags=_espeak.CHARS_UTF8)
    if not inside.wait(10):
        print(json.dumps({"error": "espeak never reached the end of the phrase"}))
        return 1
    _espeak.cSetSynthCallback(_espeak.SynthCallback)  # pyttsx3's own, for the worker
    out: dict[str, Any] = {}
    for name, rate in (("busy", 80), ("fast", 200), ("slow", 80)):
        path = folder / f"{name}.wav"
        req = {"text": "One.", "path": str(path), "voice": None, "rate": rate, "volume": 1.0}
        out[name] = {"reply": render(engine, settings, req),
                     "seconds": read_wav(path).trimmed().seconds}
    out["held"] = "until the worker acted" if released == [True] else f"not so: {released}"
    print(json.dumps(out))
    del holder
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
