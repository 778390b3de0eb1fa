"""The report for a physiotherapist: built from a made-up 12-week history kept in a real
SQLite history, written by Qt's PDF writer, read back with poppler's `pdftotext`, and every
figure checked against the history itself (worked out here, not by the report's code)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import unicodedata
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from statistics import mean

import pytest

from knee_desktop import __version__
from knee_desktop.cli.main import main
from knee_desktop.history.records import SessionRecord
from knee_desktop.history.report import build, period_of
from knee_desktop.history.store import HistoryStore
from knee_desktop.printout.pdf import write_pdf
from tests.report_history import NOTES, THIGH, TODAY, WIPER, ZONE, make_history

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="needs poppler-utils (packaging/debian-packages.txt)")
MADE = datetime(2026, 12, 6, 20, 15, tzinfo=ZONE)
EXERCISE = ("move", "still", "rest", "press")
MARK = {"completed": "✓", "stopped": "◐", "interrupted": "○"}


def pdf_text(path: Path, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(path), "-"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return unicodedata.normalize("NFKC", out)  # "ﬁ" ligatures back to "fi"


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_info(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout


def pages(path: Path) -> tuple[int, str]:
    info = pdf_info(path)
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    return count, re.search(r"Page size:\s+(.*)", info).group(1)  # type: ignore[union-attr]


@pytest.fixture
def history(tmp_path: Path) -> list[SessionRecord]:
    """The made-up history, through a real SQLite file and back."""
    store = HistoryStore(tmp_path / "history.sqlite3")
    store.import_sessions(make_history())
    records = store.sessions()
    store.close()
    assert len(records) == len(make_history())
    return records


def fmt(v: float | None) -> str:
    return "–" if v is None else f"{v:.1f}".removesuffix(".0")


def test_every_figure_of_the_report_is_the_history_s(
        qapp: object, history: list[SessionRecord], tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    report = build(history, period_of(TODAY, 12), target=None, made=MADE)
    assert write_pdf(report, out, paper="a4") == pages(out)[0] <= 2
    assert "A4" in pages(out)[1]
    text, table = flat(pdf_text(out)), pdf_text(out, layout=True)

    first = TODAY - timedelta(days=TODAY.weekday(), weeks=11)
    began = min(r.started for r in history)  # after the 12 weeks' first Monday
    assert first < began.date() < first + timedelta(days=7)
    assert (f"Period: {began:%a} {began.day} {began:%b %Y} (the first session in the history)"
            " – Sun 6 Dec 2026 (12 weeks)") in text
    assert f"knee-desktop {__version__}" in text and "Made Sun 6 Dec 2026 20:15" in text
    assert "nothing was sent anywhere" in text
    # Nothing personal beyond what the person entered: no author, machine or path.
    info = subprocess.run(["pdfinfo", "-meta", str(out)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"^Author:\s*$", pdf_info(out), re.MULTILINE) and "<rdf:li></rdf:li>" in info
    data = out.read_bytes()
    assert str(tmp_path).encode() not in data and str(Path.home()).encode() not in data
    host = socket.gethostname()
    assert len(host) < 6 or host.encode() not in data

    # The weekly target: from the 28 days before today, in sessions a week.
    month = [r for r in history if TODAY - timedelta(days=28) <= r.started.date() < TODAY]
    target = max(1, round(len(month) * 7 / 28))
    assert f"weekly target {target} sessions a week (from the last month)" in text

    # Totals.
    states = Counter(r.end_state for r in history)
    minutes = sum(s.seconds for r in history for s in r.steps if s.kind in EXERCISE) / 60
    assert (f"{len(history)} sessions, {len(history)} with exercise done" in text)
    assert (f"{states['completed']} completed, {states['stopped']} stopped early, "
            f"{states['interrupted']} interrupted; {minutes:.0f} minutes of exercise") in text

    # The calendar: one row a week, each session's mark and knee feel on its day.
    on_target = 0
    for week in range(12):
        monday = first + timedelta(weeks=week)
        recs = [r for r in history if monday <= r.started.date() < monday + timedelta(7)]
        on_target += len(recs) >= target
        marks = "".join(f"{MARK[r.end_state]}{fmt(r.feel_before)}→{fmt(r.feel_after)}"
                        for r in sorted(recs, key=lambda r: r.started))
        before = [r.feel_before for r in recs if r.feel_before is not None]
        after = [r.feel_after for r in recs if r.feel_after is not None]
        avg = (f"{fmt(round(mean(before), 1) if before else None)}→"
               f"{fmt(round(mean(after), 1) if after else None)}")
        week = f"{monday.day} {monday:%b %Y}"
        want = (f"{week}{marks}{len(recs)}/{target}"
                f"{'✓' if len(recs) >= target else ''}{avg}").replace(" ", "")
        rows = [line.replace(" ", "") for line in table.splitlines()
                if line.strip().startswith(week)]
        assert want in rows, (want, rows)
    assert f"met in {on_target} of 12 weeks" in text

    # Routines and their settings.
    uses = Counter(r.routine_id for r in history)
    for routine_id, title in (WIPER, THIGH):
        row = next(line for line in table.splitlines() if line.strip().startswith(title))
        assert row.split()[len(title.split())] == str(uses[routine_id]), row
        assert routine_id in text
    assert "10 reps · pauses 10 s · sweep 2 s · circle 3 s · legs left, right" in text
    assert "6 presses · pauses 10 s · legs left, right" in text  # no tempo for presses

    # Knee feel: the answers and the mean change within a session.
    both = [r for r in history if r.feel_before is not None and r.feel_after is not None]
    b = mean(r.feel_before for r in both)  # type: ignore[misc]
    a = mean(r.feel_after for r in both)  # type: ignore[misc]
    assert (f"Answered before {sum(r.feel_before is not None for r in history)} and after "
            f"{sum(r.feel_after is not None for r in history)} of {len(history)} sessions"
            ) in text
    assert f"on average over {len(both)} sessions: {fmt(b)} → {fmt(a)}" in text
    assert "2 points or 30 % of the score before (Farrar et al. 2001" in text
    assert "not a diagnosis" in text

    # Skipped and stopped.
    stopped = [r for r in history if r.end_state == "stopped"]
    skipped = sum(1 for r in history if r.end_state == "completed"
                  for s in r.steps if not s.completed)
    assert f"{len(stopped)} of {len(history)} sessions stopped early" in text
    for title, n in Counter(r.at_title for r in stopped).items():
        assert f"{title} ({n}×)" in text
    assert f"{skipped} steps skipped: Sweep right ({skipped}×)" in text

    # The notes: the person's words as typed, plain text (no markup obeyed), once each.
    assert "The person's own notes (their words, as typed)" in text
    assert "“<b>bold?</b> & <script>alert('x')</script> — not markup”" in text
    assert "“&lt;i&gt;already escaped&lt;/i&gt;”" in text
    # the direction override is dropped (NFKC: as pdf_text reads it)
    assert unicodedata.normalize("NFKC", "Ünïcödé ½ ≤ 3 evil end") in text
    assert "Knee felt fine" in text and "after the circles" in text  # emoji: a picture font
    assert "Left side tight Right side fine; 50% better?" in text
    assert text.count("not markup") == 1 and len(NOTES) == text.count("“")

    # The guide's safety words.
    assert "Only move to a point of resistance. Do not move to a point of pain." in text
    assert "not a replacement for your doctor" in text


def test_one_routine_only_and_letter_paper(qapp: object, history: list[SessionRecord],
                                           tmp_path: Path) -> None:
    out = tmp_path / "thigh.pdf"
    report = build(history, period_of(TODAY, 12), target=4, made=MADE, routine=THIGH[0])
    write_pdf(report, out, paper="letter")
    assert "Letter" in pages(out)[1] or "612 x 792" in pages(out)[1]
    text = flat(pdf_text(out))
    n = sum(r.routine_id == THIGH[0] for r in history)
    assert f"one routine: {THIGH[1]}." in text and WIPER[1] not in text
    assert f"{n} sessions, {n} with exercise done" in text
    assert "weekly target 4 sessions a week (set by the person)" in text


def test_the_command_writes_refuses_to_overwrite_and_never_follows_a_link(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = HistoryStore()  # the user's history (tests point XDG at tmp_path)
    today = datetime.now().astimezone().date()
    shift = timedelta(weeks=(today - TODAY).days // 7)  # whole weeks, none in the future
    moved = [_moved(r, shift) for r in make_history()]
    store.import_sessions(moved)
    store.close()
    out = tmp_path / "out.pdf"
    assert main(["report", str(out), "--weeks", "12"]) == 0
    said = capsys.readouterr().out
    assert f"Wrote {out}: " in said and out.stat().st_size > 1000
    first = today - timedelta(days=today.weekday(), weeks=11)
    expected = sum(1 for r in moved if first <= r.started.date() <= today)
    assert expected == int(re.search(r"(\d+) sessions from", said).group(1))  # type: ignore[union-attr]
    before = out.read_bytes()
    assert main(["report", str(out)]) == 2
    assert "already exists; add --force" in capsys.readouterr().err
    assert out.read_bytes() == before
    link = tmp_path / "link.pdf"
    os.symlink(tmp_path / "elsewhere.pdf", link)
    assert main(["report", str(link), "--force"]) == 2
    assert "is a link" in capsys.readouterr().err  # never written through or replaced
    assert not (tmp_path / "elsewhere.pdf").exists()
    fifo = tmp_path / "fifo.pdf"
    os.mkfifo(fifo)
    assert main(["report", str(fifo), "--force"]) == 2  # never opened: it would block
    assert "FIFO" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:  # argparse's own exit for a usage error
        main(["report", str(out), "--force", "--since", "2026-13-01"])
    assert usage.value.code == 2
    assert "expected a date like" in capsys.readouterr().err
    assert main(["report", str(out), "--force", "--routine", THIGH[0], "--paper",
                 "letter"]) == 0
    assert not list(tmp_path.glob(".out.pdf.*"))  # no temporary file left


def _moved(r: SessionRecord, shift: timedelta) -> SessionRecord:
    r.started += shift
    r.ended = r.ended + shift if r.ended else None
    return r


def test_many_notes_still_fit_two_pages(qapp: object, tmp_path: Path) -> None:
    records = make_history()
    for i, r in enumerate(records):
        r.note = f"Note {i}: " + "the sweeps felt long and the circles heavy today " * 5
    out = tmp_path / "long.pdf"
    report = build(records, period_of(TODAY, 26), target=3, made=MADE)
    assert write_pdf(report, out, paper="a4") == pages(out)[0] == 2
    text = flat(pdf_text(out))
    shown = [i for i in range(len(records)) if f"Note {i}:" in text]
    assert shown and shown == list(range(len(records) - len(shown), len(records)))  # newest
    assert f"{len(records) - len(shown)} earlier notes not shown" in text


@pytest.mark.parametrize("weeks", [1, 2, 4, 12])
def test_reading_only_the_weeks_needed_gives_the_same_report(
        history: list[SessionRecord], tmp_path: Path, weeks: int) -> None:
    from knee_desktop.history.report import read

    with HistoryStore(tmp_path / "history.sqlite3") as store:
        period = period_of(TODAY, weeks)
        records, began = read(store, period)
    assert len(records) < len(history) or weeks == 12
    assert began == min(r.started for r in history).date()
    whole = build(history, period, target=None, made=MADE)
    assert build(records, period, target=None, made=MADE, began=began) == whole


def test_the_weekly_trend_is_drawn_only_with_two_weeks_of_answers(
        qapp: object, tmp_path: Path) -> None:
    from knee_desktop.printout.trend import has_trend, trend_image

    records = make_history()
    report = build(records, period_of(TODAY, 12), target=None, made=MADE)
    out = tmp_path / "trend.pdf"
    write_pdf(report, out, paper="a4")
    listing = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    assert len(listing) == 1 and listing[0].split()[0] == "1"  # one picture, on page 1
    assert "Weekly average knee feel" in flat(pdf_text(out))
    # In black and white: every pixel is grey (r = g = b), the dots black.
    image = trend_image(report.weeks)
    colours = {image.pixelColor(x, y).getRgb()[:3] for x in range(0, image.width(), 17)
               for y in range(0, image.height(), 5)}
    assert all(r == g == b for r, g, b in colours) and (0, 0, 0) in colours
    for r in records:  # answers in one week only: no picture
        if r.started.date() >= TODAY - timedelta(days=6):
            continue
        r.feel_before = r.feel_after = None
    one_week = build(records, period_of(TODAY, 12), target=None, made=MADE)
    assert not has_trend(one_week.weeks)
    write_pdf(one_week, out, force=True)
    assert subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True,
                          check=True).stdout.splitlines()[2:] == []


def test_two_years_asked_for_give_the_last_year_on_two_pages(qapp: object,
                                                             tmp_path: Path) -> None:
    from datetime import date

    records = []
    for k in range(9):  # 9 × 12 weeks of the made-up history, one after the other
        for r in make_history(seed=k):
            r.started -= timedelta(weeks=12 * k)
            records.append(r)
    period = period_of(TODAY, since=date(2024, 12, 1))
    assert period.cut and len(period.mondays) == 52
    report = build(records, period, target=3, made=MADE)
    out = tmp_path / "year.pdf"
    assert write_pdf(report, out) == 2
    text = flat(pdf_text(out))
    assert "(the last 52 weeks: at most a year fits two pages) – Sun 6 Dec 2026 (52 weeks)" in text
    assert sum(1 for r in records if period.holds(r.started.date())) == report.total
    assert f"{report.total} sessions" in text
