"""How long each phrase sounds, handed down from speech/ as data: the table a timeline is
fitted to (:mod:`knee_desktop.plan.fit`). speech/ renders the clips and measures them;
plan/ never asks speech/ anything."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class SpokenLengths:
    """Measured clips of the phrases a session may say.

    ``seconds``: each clip's length. ``onsets``: seconds from a clip's start to its vowel
    onset, where a count is heard on its beat (none for tones: they are heard at once).
    ``rate``: the speech rate the clips were rendered at, in words a minute. Tones have
    no rate (they cannot be made faster) and no table: ``every`` phrase lasts as long as
    the longest tone, and the phrases are spaced by the estimates of speech.
    """

    seconds: Mapping[str, float]
    onsets: Mapping[str, float] | None = None
    rate: int | None = None
    every: float | None = None

    def duration(self, text: str) -> float:
        return self.every if self.every is not None else self.seconds[text]

    def centre(self, text: str) -> float:
        return self.onsets[text] if self.onsets is not None else 0.0
