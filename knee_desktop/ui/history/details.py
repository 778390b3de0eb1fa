"""The details panel of the history window: one session's steps, pauses, knee feel and note
(every text from the history escaped: a note is plain text)."""

from __future__ import annotations

from PySide6.QtGui import QPalette

from knee_desktop.history.records import EXERCISE_KINDS
from knee_desktop.history.store import Row, SessionRecord
from knee_desktop.ui.history.model import completion_text, duration_text, legs_text, muted_colours
from knee_desktop.ui.text import escaped


def details_html(rec: SessionRecord, row: Row | None, palette: QPalette) -> str:
    """The details panel: what was done, the pauses, the knee feel and the note."""
    e = escaped
    grey, amber = (c.name() for c in muted_colours(palette))
    parts = [f"<h3 style='margin-bottom:2px'>{rec.started:%A %d %B %Y, %H:%M}</h3>",
             f"<p style='margin-top:0'>{e(rec.title)}<br>"]
    facts = [completion_text(row) if row else (rec.end_state or "in progress").capitalize(),
             f"exercise {duration_text(rec.exercise_seconds)}",
             f"setup and spoken steps {duration_text(_setup_seconds(rec))}",
             f"paused {duration_text(rec.paused_seconds)}"]
    if row is not None:
        facts.append(f"legs: {legs_text(row)}")
    parts.append(" · ".join(e(f) for f in facts) + "</p>")
    if rec.feel_before is not None or rec.feel_after is not None:
        def show(v: int | None) -> str:
            return "not asked" if v is None else f"{v}/10"
        parts.append(f"<p><b>Knees:</b> {show(rec.feel_before)} before → "
                     f"{show(rec.feel_after)} after</p>")
    if rec.note:
        parts.append(f"<p><b>Note:</b> {e(rec.note)}</p>")
    parts.append("<table cellspacing='0' cellpadding='3'>"
                 "<tr><th align='left'>Step</th>"
                 "<th align='left'>Leg</th><th align='right'>Reps</th>"
                 "<th align='right'>Time</th><th></th></tr>")
    for s in rec.steps:
        reps = f"{s.reps_done}/{s.reps_planned}" if s.reps_planned else ""
        mark = "✓" if s.completed else "skipped" if s is not rec.steps[-1] or \
            rec.end_state == "completed" else "stopped"
        colour = "" if s.completed else f" style='color:{amber}'"
        parts.append(f"<tr{colour}><td>{e(s.title)}</td><td>{e(s.leg or '')}</td>"
                     f"<td align='right'>{reps}</td><td align='right'>"
                     f"{duration_text(s.seconds)}</td><td>{mark}</td></tr>")
    if not rec.steps:
        parts.append(f"<tr><td colspan='5' style='color:{grey}'>No step finished.</td></tr>")
    parts.append("</table>")
    return "".join(parts)


def _setup_seconds(rec: SessionRecord) -> float:
    """The steps that are not exercise: getting ready, the switch of legs, the last words."""
    return sum(s.seconds for s in rec.steps if s.kind not in EXERCISE_KINDS)
