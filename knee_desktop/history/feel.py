"""The "How do your knees feel?" question: its words and its answer, for every front end
(the window, the voice, the terminal). 0 means no pain, 10 the worst."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from knee_desktop.common.limits import KNEE_FEEL, NOTE_CHARS
from knee_desktop.plan.words import number_words

When = Literal["before", "after"]

QUESTION = "How do your knees feel?"
SCALE = "0 = no pain, 10 = the worst pain"


@dataclass(frozen=True)
class KneeFeel:
    """An answer: ``score`` 0-10, or None when the question was skipped; an optional note."""

    score: int | None
    note: str = ""

    def __post_init__(self) -> None:
        if self.score is not None and self.score not in KNEE_FEEL:
            raise ValueError(f"knee feel must be from 0 to 10, got {self.score}")
        # What the history can keep and its export bring back: valid text (a terminal that
        # is not UTF-8 hands over lone surrogates) of at most NOTE_CHARS characters.
        note = self.note.encode("utf-8", "replace").decode("utf-8")[:NOTE_CHARS]
        object.__setattr__(self, "note", note)


def spoken_question(when: When) -> str:
    """What the voice asks (the user may be lying down with eyes closed)."""
    moment = "before we start" if when == "before" else "now that you are done"
    return (f"{QUESTION[:-1]}, {moment}? Press a number key from zero, no pain, to ten; "
            "for ten, press one and then zero. Or press Enter to skip.")


def spoken_answer(feel: KneeFeel) -> str:
    if feel.score is None:
        return "Skipped."
    return f"{number_words(feel.score).capitalize()}. Thank you."
