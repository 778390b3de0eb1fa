"""The "Where am I?" answer, in short pieces the voice renders before the session starts:
"Left leg." "Wipe to the right." "Four of ten." "Six minutes left."

Each piece is a phrase of its own, so every answer is a few pre-rendered clips played back
to back: nothing is rendered when the user asks.
"""

from __future__ import annotations

import math

from knee_desktop.plan.timeline import StepSpan, Timeline
from knee_desktop.plan.words import number_words

NO_SESSION = "No session is running."
SECONDS_STEP = 5  # seconds left in a still pause are said to the nearest five
COUNTED_STEPS = ("move", "press")


def leg_piece(leg: str | None) -> str | None:
    return f"{leg.capitalize()} leg." if leg in ("left", "right") else None


def step_piece(span: StepSpan) -> str:
    return f"{span.title[:1].upper()}{span.title[1:]}."


def rep_piece(rep: int, reps: int) -> str:
    return f"{number_words(rep).capitalize()} of {number_words(reps)}."


def seconds_piece(seconds: float) -> str:
    n = max(SECONDS_STEP, SECONDS_STEP * math.ceil(seconds / SECONDS_STEP - 1e-9))
    return f"{number_words(n).capitalize()} seconds to go in this step."


def minutes_piece(left: float) -> str:
    if left < 60:
        return "Less than a minute left."
    n = math.ceil(left / 60 - 1e-9)
    return f"{number_words(n).capitalize()} minute{'' if n == 1 else 's'} left."


def pieces(timeline: Timeline, position: float, span: StepSpan, rep: int) -> list[str]:
    """The answer at ``position`` in step ``span``, ``rep`` counts heard in it so far."""
    out = [p for p in (leg_piece(span.leg), step_piece(span)) if p]
    if span.kind in COUNTED_STEPS and span.reps and rep > 0:
        out.append(rep_piece(min(rep, span.reps), span.reps))
    elif span.kind not in COUNTED_STEPS and span.end - position >= 1.0:
        out.append(seconds_piece(span.end - position))
    out.append(minutes_piece(max(0.0, timeline.duration - position)))
    return out


def all_pieces(timeline: Timeline, slack: float = 1.2) -> list[str]:
    """Every piece any answer may use in this session (``slack``: the fitted timeline may
    run a little longer than this rough one)."""
    out: list[str] = [NO_SESSION, "Less than a minute left."]
    for span in timeline.steps:
        leg = leg_piece(span.leg)
        out += [leg] if leg else []
        out.append(step_piece(span))
        if span.kind in COUNTED_STEPS and span.reps:
            out += [rep_piece(r, span.reps) for r in range(1, span.reps + 1)]
        elif span.kind not in COUNTED_STEPS:
            length = (span.end - span.start) * slack
            out += [seconds_piece(s) for s in range(SECONDS_STEP, int(length) + SECONDS_STEP,
                                                    SECONDS_STEP)]
    minutes = math.ceil(timeline.duration * slack / 60)
    out += [minutes_piece(60.0 * m) for m in range(1, minutes + 1)]
    return list(dict.fromkeys(out))
