"""The real screen reader: Orca (Debian 12's 43) reads the real app under Xvfb, on a
private D-Bus, AT-SPI bus and speech-dispatcher (``bench/labs/orca.py``); what it said is
read from its debug log. A tiny routine with safety words, the knee question before and
after, answered with number keys."""

from __future__ import annotations

import pytest

from bench.labs.orca import Heard, missing_programs, run

# audio: the app's own voice plays into the lab's PulseAudio null sink (and so, as root in
# the parallel run, the test and what it starts keep normal priority: at nice 19 on a busy
# machine Orca took over 30 s to start)
pytestmark = [
    pytest.mark.slow, pytest.mark.xvfb, pytest.mark.audio, pytest.mark.late,
    pytest.mark.skipif(bool(missing_programs()),
                       reason=f"needs {', '.join(missing_programs())} "
                              "(packaging/debian-packages.txt)"),
]
COUNTS = ["1 of 3", "2 of 3", "3 of 3"]


def words(heard: Heard) -> list[str]:
    return [text.strip() for _, text in heard.said]


def shown_at(heard: Heard, text: str) -> float:
    return next(t for t, _, w in heard.cues if w == text)


def questions(heard: Heard) -> list[str]:
    return [w for w in words(heard) if "How do your knees feel?" in w]


def test_orca_reads_the_session_when_the_screen_reader_speaks_too() -> None:
    heard = run(["both"])[0]
    said = words(heard)
    assert heard.speech_server == "speechdispatcherfactory", "Orca spoke through speechd"
    # the safety words, before the moves: also when the window got the focus back late
    # after the knee question (a busy machine: they were given while no control had it)
    assert "Stop at once if it hurts." in said, heard.said
    assert said.index("Stop at once if it hurts.") < said.index(COUNTS[0])
    for instruction in ("Sweep the foot out.", "Hold still.", "Relax."):
        assert instruction in said
    # every count, in order, as it is shown (not seconds late in a queue)
    at = [said.index(c) for c in COUNTS]
    assert at == sorted(at)
    for count in COUNTS:
        when = next(t for t, w in heard.said if w.strip() == count)
        assert abs(when - shown_at(heard, count)) < 0.5, (count, heard.said)
    # the question: read once each time (the dialog), and the answer read back
    assert len(questions(heard)) == 2
    assert "Before the session" in questions(heard)[0]
    assert "After the session" in questions(heard)[1]
    assert said.index("Three. Thank you.") > said.index(questions(heard)[0])
    assert "Two. Thank you." in said
    assert not any("percent" in w for w in said)  # the progress bar does not talk
    # the end, once: as the description of the control Orca is on, before the focus moves
    # (on "Back to routines" Orca 43 read it twice: with the focus, then as a change)
    assert "FINISHED: well done" in [w for _, _, w in heard.cues]  # and on the screen
    assert [w for w in said if w.rstrip(".") == "FINISHED: well done"] == \
        ["FINISHED: well done"], heard.said


def test_orca_reads_the_safety_words_when_the_window_gets_the_focus_back_late() -> None:
    """After the knee question the window manager gives the window the focus back; when
    that comes after the session's first words (a slow one, or a busy machine: once in
    three full runs), no control had the focus when the safety words were given, and Orca
    never said them. They wait for the focus."""
    heard = run(["both"], focus_back_after="Get ready.")[0]  # shown after the safety words
    said = words(heard)
    back = said.index("Pause push button.")  # the focus, back on the window
    assert said.index("Three. Thank you.") < back
    assert "Stop at once if it hurts." in said[back:], heard.said
    assert said.index("Stop at once if it hurts.") < said.index(COUNTS[0])


def test_orca_is_quiet_during_the_counts_when_the_app_speaks() -> None:
    heard = run(["app"])[0]
    said = words(heard)
    first, end = shown_at(heard, COUNTS[0]), shown_at(heard, "FINISHED: well done")
    # to the end of the session (then focus moves to "Back to routines", which Orca reads)
    during = [(t, w) for t, w in heard.said if first - 1.0 <= t < end]
    assert during == []
    assert not any(c in said for c in COUNTS)
    assert len(questions(heard)) == 2  # Orca still reads the knee question's dialog
