"""A made-up 12-week history for the report's tests: two routines, gaps, stopped and
interrupted sessions, missing answers and notes with odd characters (HTML-looking text,
emoji, a direction override, a newline)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from knee_desktop.history.records import SessionRecord, StepRecord

TODAY = date(2026, 12, 6)  # a Sunday: the report's 12 weeks run Mon 15 Sep .. Sun 6 Dec
ZONE = timezone(timedelta(hours=1))
WIPER = ("windshield-wiper", "Windshield wiper and foot circles")
THIGH = ("thigh-massage", "Thigh self-massage")
NOTES = [
    "<b>bold?</b> & <script>alert('x')</script> — not markup",
    "Knee felt fine 🙂 after the circles 👍",
    "Left side tight\nRight side fine; 50% better?",
    "Ünïcödé ½ ≤ 3 \u202eevil\u202c end",
    "&lt;i&gt;already escaped&lt;/i&gt;",
]
GAP_WEEKS = (3, 8)  # weeks (0 = the first) with no session at all


def _steps(routine: str, state: str, rng: random.Random) -> list[StepRecord]:
    """A setup step (spoken, not exercise), movements and stills; stopped: cut short."""
    titles = ([("Get ready", "lead-in"), ("Sweep left", "move"), ("Be still", "still"),
               ("Sweep right", "move"), ("Foot circles, clockwise", "move"),
               ("Rest", "still"), ("Finish", "end")]
              if routine == WIPER[0] else
              [("Get ready", "lead-in"), ("Press tender spots", "press"),
               ("Rest and feel", "rest"), ("Finish", "end")])
    out = []
    for i, (title, kind) in enumerate(titles):
        reps = 10 if kind in ("move", "press") else None
        skipped = state == "completed" and title == "Sweep right" and rng.random() < 0.3
        out.append(StepRecord(step_index=i, title=title, kind=kind, leg="left",
                              reps_planned=reps, reps_done=(0 if skipped else reps or 0),
                              seconds=20.0 if kind == "lead-in" else 30.0 if not skipped
                              else 4.0, completed=not skipped))
    if state != "completed":
        cut = rng.choice([2, 3]) if routine == WIPER[0] else 2
        out = out[:cut]
        out[-1].completed = False
    return out


def make_history(seed: int = 26) -> list[SessionRecord]:
    """About 40 sessions over 12 weeks; the last three make no nudge."""
    rng = random.Random(seed)
    first = TODAY - timedelta(days=TODAY.weekday()) - timedelta(weeks=11)
    out: list[SessionRecord] = []
    note_i = 0
    for week in range(12):
        if week in GAP_WEEKS:
            continue
        days = sorted(rng.sample(range(7), rng.choice([2, 3, 4])))
        for d in days:
            day = first + timedelta(weeks=week, days=d)
            routine = THIGH if rng.random() < 0.3 else WIPER
            state = rng.choices(["completed", "stopped", "interrupted"], [8, 2, 1])[0]
            before = None if rng.random() < 0.2 else rng.randint(3, 7)
            after = None if rng.random() < 0.25 or state == "interrupted" else (
                max(0, (before or 5) - rng.randint(0, 3)))
            note = ""
            if rng.random() < 0.35 and note_i < len(NOTES):
                note, note_i = NOTES[note_i], note_i + 1
            started = datetime(day.year, day.month, day.day, 18, rng.randint(0, 59),
                               tzinfo=ZONE)
            steps = _steps(routine[0], state, rng)
            out.append(SessionRecord(
                routine_id=routine[0], title=routine[1], started=started,
                settings={"reps": 10 if routine == WIPER else 6, "pause": 10, "sweep": 2.0,
                          "circle": 3.0, "lead_in": 5, "legs": ["left", "right"]},
                ended=started + timedelta(minutes=9), end_state=state,
                at_step=len(steps) - 1, at_title=steps[-1].title, planned_seconds=500,
                steps_planned=7, feel_before=before, feel_after=after, note=note,
                steps=steps))
    while note_i < len(NOTES):  # every odd note is in the report
        out[-1 - note_i].note = NOTES[note_i]
        note_i += 1
    return out
