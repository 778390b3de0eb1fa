"""The speech worker process: ``python -m knee_desktop.speech.render_worker``.

It owns the one pyttsx3 engine (espeak keeps global state, and 2.99 speaks only the first
``say()`` of an engine), renders one phrase per ``runAndWait`` into the file it is told, and
answers one JSON line per request. pyttsx3 prints "Audio saved to …" on stdout for every
file, so the protocol uses a private copy of the original stdout and fd 1 goes to
/dev/null: nothing reaches the user's terminal.

With ``KNEE_DESKTOP_RENDER_ENGINE`` set, another engine answers the same protocol instead
(speech/engines.py: festival, flite, a Piper voice file).

Requests (stdin, one JSON object a line): ``{"text", "path", "voice", "rate", "volume"}``.
Answers: first ``{"ready": true, "engine": ...}`` or ``{"error": ...}``; then for every
request ``{"ok": true}`` or ``{"error": ...}``.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

ENGINE_ENV = "KNEE_DESKTOP_RENDER_ENGINE"  # = speech.engines.ENGINE_ENV (kept light here)
VOICE_ENV = "KNEE_DESKTOP_RENDER_VOICE"


def main() -> int:
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as we do

    def answer(obj: dict[str, Any]) -> None:
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    engine = os.environ.get(ENGINE_ENV)
    if engine:  # festival, flite or a Piper voice file (speech/engines.py)
        from knee_desktop.speech.engines import serve_engine

        return serve_engine(engine, os.environ.get(VOICE_ENV, ""), sys.stdin, answer)
    try:
        import pyttsx3

        engine = pyttsx3.init()
    except Exception as exc:  # no libespeak-ng, no driver: the parent names the package
        answer({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    try:  # the installed voices, so the parent can tell an unknown voice id (espeak would
        # silently speak with its default voice)
        voices = [str(v.id) for v in engine.getProperty("voices") or []]
    except Exception:
        voices = []
    answer({"ready": True, "engine": getattr(engine, "driver_name", "?"), "voices": voices})
    current: dict[str, Any] = {}
    for line in sys.stdin:
        try:
            req = json.loads(line)
            # Set a property only when it changes: espeak applies parameters through its
            # asynchronous command queue.
            for name in ("voice", "rate", "volume"):
                if req.get(name) is not None and current.get(name) != req[name]:
                    engine.setProperty(name, req[name])
                    current[name] = req[name]
            engine.save_to_file(req["text"], req["path"])
            engine.runAndWait()  # one phrase per runAndWait: several keep only the last
            if not os.path.exists(req["path"]):
                raise RuntimeError("the engine wrote no file")
            answer({"ok": True})
        except Exception as exc:
            answer({"error": f"{type(exc).__name__}: {exc}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
