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
request ``{"ok": true, "rate": ..., "volume": ...}`` (pyttsx3: the rate and volume espeak
held when the phrase was done; speech/espeak_settings.py says why) or ``{"error": ...}``.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knee_desktop.speech.espeak_settings import EspeakSettings

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

        from knee_desktop.speech.espeak_settings import EspeakSettings

        engine = pyttsx3.init()
        settings = EspeakSettings()
    except Exception as exc:  # no libespeak-ng, no driver: the parent names the package
        answer({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    try:  # the installed voices, so the parent can tell an unknown voice id (espeak would
        # silently speak with its default voice)
        voices = [str(v.id) for v in engine.getProperty("voices") or []]
    except Exception:
        voices = []
    answer({"ready": True, "engine": getattr(engine, "driver_name", "?"), "voices": voices})
    for line in sys.stdin:
        try:
            answer(render(engine, settings, json.loads(line)))
        except Exception as exc:
            answer({"error": f"{type(exc).__name__}: {exc}"})
    return 0


def render(engine: Any, settings: EspeakSettings, req: dict[str, Any]) -> dict[str, Any]:
    """One phrase into its file, at the request's settings, checked (espeak_settings.py)."""
    settings.apply(req)  # not engine.setProperty: a cancel could drop it
    engine.save_to_file(req["text"], req["path"])
    engine.runAndWait()  # one phrase per runAndWait: several keep only the last
    # runAndWait returns ~10 ms after queuing the phrase, not when it is done: wait for
    # espeak's thread to speak it and pyttsx3 to write the file.
    settings.idle()
    if not os.path.exists(req["path"]):
        raise RuntimeError("the engine wrote no file")
    return {"ok": True, **settings.report()}


if __name__ == "__main__":
    sys.exit(main())
