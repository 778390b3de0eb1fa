"""The listening worker: ``python -m knee_desktop.runtime.listen_worker`` (no Qt).

Its own process, so that recognising speech never takes the app's CPU time slice or its
GIL while a cue is due. It reads the default input through the sound server's own client
(``parec``, 16 kHz mono, nothing written to disk), feeds it to the spotter, and writes one
JSON object a line on stdout:

    {"listening": true}                      the first audio arrived
    {"command": "pause", "phrase": "pause", "start": T, "end": T, "at": T}
    {"error": "..."}                         no recogniser, no microphone: then it exits

``start``/``end`` are ``time.monotonic()`` when the words were spoken (the app's clock),
``at`` when they were recognised. Its stdin takes one word a line: ``ready`` or
``session`` (which commands to listen for); end of input ends it. The audio is kept only
as long as the recogniser needs it: never stored, never sent anywhere.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time

from knee_desktop.runtime.spotter import MODES, RATE, ListenUnavailable, Spotter

NO_MICROPHONE = ("No microphone could be read{why}. Spoken commands are off; the keys "
                 "work as always.")


def emit(**row: object) -> None:
    sys.stdout.write(json.dumps(row) + "\n")
    sys.stdout.flush()


def recorder(source: str | None) -> subprocess.Popen[bytes]:
    exe = shutil.which("parec")
    if exe is None:
        raise ListenUnavailable(NO_MICROPHONE.format(
            why=" (parec is missing: apt-get install pulseaudio-utils)"))
    args = [exe, "--raw", "--format=s16le", f"--rate={RATE}", "--channels=1",
            "--latency-msec=60", "--client-name=knee-desktop listening"]
    if source:
        args += ["-d", source]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)


class Modes:
    """The search asked for on stdin, read in a thread; None at end of input."""

    def __init__(self) -> None:
        self.wanted: str | None = "session"
        self.closed = threading.Event()
        threading.Thread(target=self._read, name="listen-modes", daemon=True).start()

    def _read(self) -> None:
        for line in sys.stdin:
            word = line.strip()
            if word in MODES:
                self.wanted = word
        self.closed.set()


def listen(spotter: Spotter, proc: subprocess.Popen[bytes], modes: Modes) -> int:
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    total = 0
    t0 = float("inf")  # monotonic time of sample 0: the least arrival - samples / RATE
    told = False
    while True:
        data = os.read(fd, 3200)
        now = time.monotonic()
        if not data:
            err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
            emit(error=NO_MICROPHONE.format(why=f" ({err.splitlines()[-1]})" if err else ""))
            return 3
        if modes.closed.is_set():
            return 0
        if not told:
            emit(listening=True)
            told = True
        total += len(data) // 2
        t0 = min(t0, now - total / RATE)
        if modes.wanted is not None and modes.wanted != spotter.mode:
            spotter.set_mode(modes.wanted)
        for d in spotter.feed(data):  # its times count from sample 0
            emit(command=d.command, phrase=d.phrase, start=round(t0 + d.start, 4),
                 end=round(t0 + d.end, 4), before=round(d.before, 1), after=round(d.after, 1),
                 level=round(d.level, 1),
                 at=round(time.monotonic(), 4))


def main() -> int:
    # Below the app: when the CPU is short, the cues' feed comes first, recognition waits.
    with contextlib.suppress(OSError):
        os.nice(5)
    try:
        spotter = Spotter()
        proc = recorder(os.environ.get("KNEE_DESKTOP_LISTEN_SOURCE") or None)
    except ListenUnavailable as exc:
        emit(error=str(exc))
        return 3
    try:
        return listen(spotter, proc, Modes())
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
