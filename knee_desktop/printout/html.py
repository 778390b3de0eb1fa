"""The report's page as the small HTML subset QTextDocument reads: black on white, marks and
words rather than colours (it is often printed in black and white, or photocopied).

Every piece of text from the history (titles, step names, the person's notes) goes through
:func:`text`: escaped, control and direction-override characters dropped, cut to a length.
A note is plain text, whatever it looks like: ``<b>`` stays the four characters ``<b>``.
"""

from __future__ import annotations

import html
import re
from datetime import date

from knee_desktop.common.words import plural
from knee_desktop.history.progress import MEANINGFUL_POINTS, MEANINGFUL_SHARE, NOT_A_DIAGNOSIS
from knee_desktop.history.progress import SOURCE as THRESHOLD_SOURCE
from knee_desktop.history.report import MAX_WEEKS, DayMark, Report, WeekRow

MARKS = {"completed": "✓", "stopped": "◐", "interrupted": "○", "running": "○"}
LEGEND = "✓ completed · ◐ stopped early · ○ interrupted · 5→3 knee feel before → after"
NOTE_CHARS = 280
# C0/C1 controls (not newline or tab), bidi overrides and isolates: they could hide or
# reorder the words of a note on paper.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def text(value: str, most: int | None = None) -> str:
    """Plain text for the page: unsafe characters dropped, cut, escaped, newlines kept."""
    clean = _UNSAFE.sub("", value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if most is not None and len(clean) > most:
        clean = clean[: most - 1].rstrip() + "…"
    return html.escape(clean).replace("\n", "<br>")


def day_text(d: date, year: bool = True) -> str:
    return f"{d:%a} {d.day} {d:%b}" + (f" {d.year}" if year else "")


def feel(v: float | int | None) -> str:
    if v is None:
        return "–"
    return f"{v:.1f}".removesuffix(".0")


def _mark(m: DayMark) -> str:
    return f"{MARKS.get(m.end_state, '○')}{feel(m.feel_before)}→{feel(m.feel_after)}"


def head(r: Report) -> str:
    p = r.period
    weeks = len(p.mondays)
    titles = {u.routine_id: u.title for u in r.routines}
    which = ("all routines" if r.routine_filter is None else
             f"one routine: {text(titles.get(r.routine_filter, r.routine_filter))}")
    began = (" (the first session in the history)" if p.starts_history else
             f" (the last {MAX_WEEKS} weeks: at most a year fits two pages)" if p.cut else "")
    return (
        "<h2 style='margin:0'>Knee exercise report</h2>"
        f"<p style='margin-top:2px'><b>Period:</b> {day_text(p.first)}{began} – "
        f"{day_text(p.last)} ({plural(weeks, 'week')}), {which}. "
        f"<b>Made</b> {day_text(r.made.date())} {r.made:%H:%M} by {text(r.app)}, from the "
        "exercise history kept on this computer; nothing was sent anywhere.</p>")


def routines(r: Report) -> str:
    if not r.routines:
        return "<p><b>Routines:</b> no session in this period.</p>"
    rows = "".join(
        f"<tr><td>{text(u.title)}<br><small>{text(u.routine_id)}</small></td>"
        f"<td align='right'>{u.sessions}</td>"
        f"<td>{'<br>'.join(text(s) for s in u.settings)}</td></tr>" for u in r.routines)
    return ("<h3>Routines and settings used</h3>"
            "<table width='100%' border='1' cellspacing='0' cellpadding='3'>"
            "<tr><th align='left'>Routine</th><th align='right'>Sessions</th>"
            "<th align='left'>Settings (reps, still pauses, tempo per sweep and circle, legs)"
            "</th></tr>" + rows + "</table>")


def adherence(r: Report) -> str:
    target = (f"{plural(r.target, 'session')} a week"
              + (" (from the last month)" if r.target_is_default else " (set by the person)"))
    summary = (
        f"<p><b>{plural(r.total, 'session')}</b>, {r.sessions} with exercise done "
        "(they count towards the target); weekly target "
        f"{target}, met in <b>{r.weeks_on_target} of {plural(len(r.weeks), 'week')}</b>. "
        f"{r.completed} completed, {r.stopped} stopped early, {r.interrupted} interrupted; "
        f"{r.minutes:.0f} minutes of exercise (movements, still pauses and presses).</p>")
    days = "".join(f"<th width='7%'>{d}</th>"
                   for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
    rows = "".join(_week_row(w, r.target) for w in r.weeks)
    return ("<h3>Sessions per week and adherence calendar</h3>" + summary
            + "<table width='100%' border='1' cellspacing='0' cellpadding='2'>"
            f"<tr><th align='left' width='16%'>Week of (Mon)</th>{days}"
            "<th width='13%'>Sessions / target</th>"
            "<th width='22%'>Knee feel, week average<br>before → after</th></tr>"
            + rows + f"</table><p><small>{LEGEND}. – : not answered.</small></p>")


def _week_row(w: WeekRow, target: int) -> str:
    cells = "".join(
        "<td align='center'>" + "<br>".join(_mark(m) for m in day) + "</td>" for day in w.days)
    met = " ✓" if w.sessions >= target else ""
    week = f"{w.monday.day} {w.monday:%b %Y}"  # a Monday, as the column says: one line
    return (f"<tr><td>{week}</td>{cells}"
            f"<td align='center'>{w.sessions} / {target}{met}</td>"
            f"<td align='center'>{feel(w.feel_before)} → {feel(w.feel_after)}</td></tr>")


TREND_CAPTION = ("Weekly average knee feel, 0 = no pain at the bottom, 10 at the top: "
                 "● — after the sessions, ○ - - before them.")


def knee_feel(r: Report, picture: str = "") -> str:
    share = round(MEANINGFUL_SHARE * 100)
    nudge = (f"<p><b>Worth knowing:</b> {text(r.nudge.text())}</p>" if r.nudge else "")
    return (
        "<h3>Knee feel (0 = no pain, 10 = the worst pain)</h3>"
        f"<p>Answered before {r.answers_before} and after {r.answers_after} of "
        f"{plural(r.total, 'session')}. "
        f"{text(r.progress.within)} {text(r.progress.over_period)}</p>"
        + (f"<p style='margin:2px 0'>{picture}<br><small>{TREND_CAPTION}</small></p>"
           if picture else "")
        + f"<p><small>A change counts as meaningful from {MEANINGFUL_POINTS} points or "
        f"{share} % of the score before ({THRESHOLD_SOURCE}). {NOT_A_DIAGNOSIS}</small></p>"
        + nudge)


def skipped(r: Report) -> str:
    def most(items: tuple[tuple[str, int], ...]) -> str:
        return ", ".join(f"{text(t, 60)} ({n}×)" for t, n in items[:4])

    stopped = (f"{r.stopped} of {plural(r.total, 'session')} stopped "
               "early" + (f"; most often at: {most(r.stopped_at)}" if r.stopped_at else ""))
    steps = (f"{plural(r.steps_skipped, 'step')} skipped"
             + (f": {most(r.skipped)}" if r.skipped else ""))
    return f"<h3>Skipped or stopped</h3><p>{stopped}. {steps}.</p>"


def notes(r: Report, shown: int) -> str:
    if not r.notes:
        return "<h3>The person's own notes</h3><p>No notes in this period.</p>"
    items = "".join(
        f"<p style='margin:2px 0'><b>{day_text(n.started.date())}</b> ({text(n.title, 40)}): "
        f"“{text(n.text, NOTE_CHARS)}”</p>" for n in r.notes[-shown:])
    more = r.notes[:-shown] if shown else r.notes
    left = (f"<p><small>{plural(len(more), 'earlier note')} not shown (the full history "
            "can be exported from the app).</small></p>" if more else "")
    return ("<h3>The person's own notes (their words, as typed)</h3>" + items + left)


def safety(r: Report) -> str:
    words = " ".join(text(s) for s in r.safety)
    return f"<h3>Safety words from the exercise guide</h3><p>{words}</p>"


def page(r: Report, notes_shown: int, picture: str = "") -> str:
    """The whole report, with the last ``notes_shown`` notes; ``picture``: the weekly trend's
    ``<img>``, or nothing."""
    return ("<html><body>" + head(r) + routines(r) + adherence(r) + knee_feel(r, picture)
            + skipped(r) + notes(r, notes_shown) + safety(r) + "</body></html>")
