"""The installed voices, listed by ``knee-desktop voices --json`` in a worker process with a
time limit: a speech engine that hangs cannot freeze the Settings dialog."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from knee_desktop.common.app_command import app_command
from knee_desktop.speech.voices import InstalledVoice

log = logging.getLogger(__name__)

VOICE_TIMEOUT_MS = 20_000


class VoiceLister(QObject):
    """Runs ``knee-desktop voices --json`` in a worker process, with a time limit."""

    listed = Signal(list, str)  # [InstalledVoice], the default voice's id
    failed = Signal(str)  # a sentence for the user

    def __init__(self, command: Sequence[str] | None = None,
                 timeout_ms: int = VOICE_TIMEOUT_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._command = list(command or app_command("voices", "--json"))
        self._timeout_ms = timeout_ms
        self._process = QProcess(self)
        self._process.finished.connect(self._on_finished)
        self._process.errorOccurred.connect(self._on_error)
        self._timer = QTimer(self)
        self._timer.setObjectName("voice-list-timeout")
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)
        self._done = False

    def start(self) -> None:
        self._done = False
        self._process.start(self._command[0], self._command[1:])
        self._timer.start(self._timeout_ms)

    def stop(self) -> None:
        """Kill the worker if it still runs (call before the dialog goes away)."""
        self._timer.stop()
        self._done = True
        if self._process.state() != QProcess.ProcessState.NotRunning:
            self._process.kill()
            self._process.waitForFinished(2000)

    def _finish(self) -> bool:
        if self._done:
            return False
        self._done = True
        self._timer.stop()
        return True

    def _on_timeout(self) -> None:
        if self._finish():
            self._process.kill()
            self._process.waitForFinished(2000)
            self.failed.emit(f"The speech engine did not list its voices within "
                             f"{self._timeout_ms / 1000:g} seconds.")

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._finish():
            self.failed.emit("The speech engine could not be started.")

    def _on_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if not self._finish():
            return
        out = bytes(self._process.readAllStandardOutput().data()).decode("utf-8", "replace")
        err = bytes(self._process.readAllStandardError().data()).decode("utf-8", "replace")
        try:
            if status != QProcess.ExitStatus.NormalExit or code != 0:
                raise ValueError(err.strip().splitlines()[-1] if err.strip() else f"exit {code}")
            data = json.loads(out[out.index("{"):])
            voices = [InstalledVoice.from_json(v) for v in data["voices"]]
            default = str(data.get("default") or "")
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("voice list failed: %s", exc)
            self.failed.emit(f"The speech engine gave no voices ({exc}).")
            return
        self.listed.emit(voices, default)
