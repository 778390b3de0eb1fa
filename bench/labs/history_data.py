"""Helpers for the history tests: a short session driven by a fake clock, a fake wall clock,
and a realistic made-up history."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from knee_desktop.history.store import HistoryStore, SessionRecord, StepRecord
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.plan.timeline import Timeline, compile_timeline
from knee_desktop.routine.loader import load_catalog
from knee_desktop.session.clock import FakeClock
from knee_desktop.session.engine import Session, State

TZ = timezone(timedelta(hours=1))


# "Today" for the history window tests: a Monday evening, after that morning's session.
TODAY = datetime(2026, 11, 23, 18, 0, tzinfo=TZ)


def lived_in_history(path: Path, days: int, seed: int) -> HistoryStore:
    """A history file at ``path`` holding ``days`` of made-up sessions up to this morning,
    read on a wall clock that stands at :data:`TODAY`."""
    store = HistoryStore(path, now_wall=Wall(TODAY))
    fake_history(store, days=days, end=TODAY.replace(hour=8), seed=seed)
    return store


class Wall:
    """A wall clock that moves only when told (or along with a FakeClock)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.t = start or datetime(2026, 3, 2, 7, 30, tzinfo=TZ)

    def __call__(self) -> datetime:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += timedelta(seconds=seconds)


def short_timeline(routine: str = "windshield-wiper", leg: str = "both") -> Timeline:
    settings = PlanSettings(reps=2, pause_seconds=1, lead_in_seconds=0, leg=leg)  # type: ignore[arg-type]
    return compile_timeline(load_catalog().get(routine), settings.with_tempo(0.5))


def make_session(timeline: Timeline | None = None) -> tuple[Session, FakeClock]:
    clock = FakeClock()
    return Session(timeline or short_timeline(), clock, resume_gap=0.0), clock


def run_until(session: Session, clock: FakeClock, wall: Wall | None, t: float,
              step: float = 0.05) -> None:
    """Step the clocks until the session's position reaches ``t`` (or it ends)."""
    while session.state is State.RUNNING and session.position() < t:
        clock.advance(step)
        if wall is not None:
            wall.advance(step)
        session.poll()


def fake_history(store: HistoryStore, days: int = 180, seed: int = 5,
                 end: datetime | None = None, per_day: float = 0.8) -> list[SessionRecord]:
    """A plausible history: most days one session, knee pain easing over the months,
    some sessions stopped early or interrupted, a few notes."""
    rnd = random.Random(seed)
    timeline = compile_timeline(load_catalog().get("windshield-wiper"))
    end = end or datetime(2026, 11, 23, 8, 0, tzinfo=TZ)
    records = []
    for d in range(days, -1, -1):
        day = end - timedelta(days=d)
        if rnd.random() > per_day:
            continue
        for _ in range(2 if rnd.random() < 0.1 else 1):
            start = day.replace(hour=rnd.choice([7, 8, 12, 19, 21]), minute=rnd.randrange(60))
            progress = (days - d) / max(days, 1)
            state = rnd.choices(["completed", "stopped", "interrupted"], [85, 10, 5])[0]
            n_steps = len(timeline.steps) if state == "completed" else \
                rnd.randrange(2, len(timeline.steps) - 1)
            steps = []
            t = start
            for span in timeline.steps[:n_steps]:
                secs = span.end - span.start
                t += timedelta(seconds=secs)
                steps.append(StepRecord(step_index=span.index, title=span.title, kind=span.kind,
                                        movement=span.movement, leg=span.leg,
                                        reps_planned=span.reps, reps_done=span.reps or 0,
                                        seconds=secs,
                                        completed=True, ended=t))
            pain = max(0, min(10, round(6 - 4 * progress + rnd.gauss(0, 1.2))))
            last = timeline.steps[n_steps - 1]
            records.append(SessionRecord(
                routine_id=timeline.routine_id, title=timeline.title, started=start,
                settings={"reps": 10, "legs": ["left", "right"]},
                planned_seconds=timeline.duration, steps_planned=len(timeline.steps),
                ended=t, end_state=state, at_step=last.index, at_title=last.title,
                paused_seconds=rnd.choice([0, 0, 0, 15, 40]),
                feel_before=pain if rnd.random() < 0.8 else None,
                feel_after=max(0, pain - rnd.choice([0, 1, 1, 2])) if rnd.random() < 0.8 else None,
                note=rnd.choice(["", "", "", "", "", "Right knee stiff this morning.",
                                 "Made the circles smaller.", "Felt warm and loose after."]),
                steps=steps))
    store.import_sessions(records)
    return records
