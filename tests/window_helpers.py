"""Fakes and helpers shared by the window tests."""

from __future__ import annotations

from collections.abc import Sequence

from knee_desktop.speech.base import Progress, Voice


class RecordingVoice(Voice):
    """Remembers every cue played and every confirmation said, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, str]] = []
        self.prepared: list[str] = []
        self.closed = False

    def prepare(self, phrases: Sequence[str], progress: Progress | None = None) -> None:
        self.prepared = list(phrases)

    def play(self, text: str, kind: str = "say") -> None:
        self.log.append(("play", text))

    def say(self, text: str) -> None:
        self.log.append(("say", text))

    def close(self) -> None:
        self.closed = True

    @property
    def said(self) -> list[str]:
        return [text for how, text in self.log if how == "say"]

    @property
    def played(self) -> list[str]:
        return [text for how, text in self.log if how == "play"]


class FakeInhibitor:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.active = False

    def inhibit(self) -> bool:
        self.calls.append("inhibit")
        self.active = True
        return True

    def release(self) -> None:
        if self.active:
            self.calls.append("release")
        self.active = False
