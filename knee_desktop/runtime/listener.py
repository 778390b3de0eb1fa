"""Listening for spoken commands: the worker process, the gate, and what is shown.

:class:`Listener` runs ``runtime/listen_worker.py`` in a :class:`QProcess` (its own
process: recognition never runs on the thread that plays the cues), reads its JSON lines,
drops what the app's own voice explains (:class:`~knee_desktop.runtime.listen_gate.Gate`,
fed by the voice's ``placed`` hook) and emits :attr:`Listener.heard` for the rest.
:class:`~knee_desktop.runtime.voice_commands.VoiceCommands` turns those into the driver's
controls.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import sys

from PySide6.QtCore import QObject, QProcess, Signal

from knee_desktop.runtime.listen_gate import Gate
from knee_desktop.runtime.spotter import Detection, ListenUnavailable

log = logging.getLogger(__name__)

OFF, STARTING, LISTENING, UNAVAILABLE = "off", "starting", "listening", "unavailable"
NO_RECOGNISER = ("Spoken commands need the offline recogniser pocketsphinx, which is not "
                 "installed (pip install 'knee-desktop[listen]'). The keys work as always.")
WORKER_DIED = "Listening stopped unexpectedly. Spoken commands are off; the keys still work."


class Listener(QObject):
    heard = Signal(str)  # a command the user said (not the app's own voice)
    status = Signal(str)  # off, starting, listening, unavailable
    problem = Signal(str)  # to show and say: no microphone, no recogniser

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.gate = Gate()
        self.state = OFF
        self.mode = "session"
        self.last: Detection | None = None  # the last one admitted (for the log and tests)
        self._proc: QProcess | None = None
        self._buffer = b""

    def start(self) -> None:
        """Start listening (the worker); says why not through :attr:`problem`."""
        if self._proc is not None:
            return
        if importlib.util.find_spec("pocketsphinx") is None:
            self._unavailable(NO_RECOGNISER)
            return
        proc = QProcess(self)
        proc.setObjectName("listen-worker")
        proc.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
        proc.readyReadStandardOutput.connect(self._read)
        proc.finished.connect(self._finished)
        self._proc = proc
        self._set(STARTING)
        proc.start(sys.executable, ["-m", "knee_desktop.runtime.listen_worker"])
        proc.write(f"{self.mode}\n".encode())

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.finished.disconnect(self._finished)
            proc.closeWriteChannel()  # the worker ends at the end of its input
            if not proc.waitForFinished(1500):
                proc.kill()
                proc.waitForFinished(1000)
            proc.deleteLater()
        if self.state != UNAVAILABLE:
            self._set(OFF)

    @property
    def listening(self) -> bool:
        return self.state == LISTENING

    def set_mode(self, mode: str) -> None:
        """"ready" (only "start" is listened for) or "session"."""
        self.mode = mode
        if self._proc is not None:
            self._proc.write(f"{mode}\n".encode())

    def own(self, text: str, kind: str, start: float, end: float) -> None:
        """The app's voice will be heard saying ``text`` from ``start`` to ``end``."""
        self.gate.heard(text, kind, start, end)

    # ---- the worker's lines ------------------------------------------------------------
    def _read(self) -> None:
        if self._proc is None:
            return
        self._buffer += bytes(self._proc.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            self.on_line(line.decode(errors="replace"))

    def on_line(self, line: str) -> None:
        try:
            row = json.loads(line)
        except ValueError:
            return
        if row.get("listening"):
            self._set(LISTENING)
        elif "error" in row:
            self._unavailable(str(row["error"]))
        elif "command" in row:
            d = Detection(row["command"], row.get("phrase", ""), row["start"], row["end"],
                          row.get("before", 0.0), row.get("after", 0.0),
                          row.get("level", 0.0))
            why_not = self.gate.why_not(d, d.start, d.end)
            if why_not is None:
                self.last = d
                log.info("heard %r (%.2f-%.2f s, recognised %.0f ms after its end)",
                         d.phrase, d.start, d.end, 1000 * (row.get("at", d.end) - d.end))
                self.heard.emit(d.command)
            else:
                log.info("ignored %r: %s", d.phrase, why_not)

    def _finished(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            self._read_rest(proc)
            proc.deleteLater()
        if self.state != UNAVAILABLE:
            self._unavailable(WORKER_DIED)

    def _read_rest(self, proc: QProcess) -> None:
        self._buffer += bytes(proc.readAllStandardOutput().data()) + b"\n"
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            if line.strip():
                self.on_line(line.decode(errors="replace"))

    def _unavailable(self, message: str) -> None:
        self._set(UNAVAILABLE)
        self.problem.emit(message)

    def _set(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.status.emit(state)


__all__ = ["LISTENING", "OFF", "STARTING", "UNAVAILABLE", "ListenUnavailable", "Listener"]
