"""One voice at a time (issue 24), on fake timers: an answer the person asked for holds
the session, nothing overlaps, no count is lost, R in a still pause restarts it, Space on
a beat keeps that number, the Esc hint goes when its window closes.

The fake voice cuts what is placed as the real output does (``FakeVoice.cut``): what is
not yet sounding is dropped, a sound that ends soon finishes, a longer one is cut short.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

from knee_desktop.runtime import status
from knee_desktop.runtime.driver import CONFIRM_STOP, STOP_CONFIRM_SECONDS, SessionDriver
from knee_desktop.runtime.one_voice import BREATH_SECONDS
from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.session.engine import PAUSED_SAY, RESUMING_SAY, Session, State
from tests.fakes import LATENCY, SECONDS, DriverRig, FakeVoice, plan_short_wiper


@dataclass
class Rig(DriverRig):
    played: list = field(default_factory=list)  # type: ignore[type-arg]

    def start(self) -> Session:
        return self.driver.start(self.timeline)


@pytest.fixture
def rig(qtbot) -> Rig:  # type: ignore[no-untyped-def]
    timers = FakeTimers()
    voice = FakeVoice(timers)
    driver = SessionDriver(voice, timers)
    timeline = plan_short_wiper(driver, voice)
    out = Rig(timers, voice, driver, timeline)
    driver.played.connect(lambda *args: out.played.append(args))
    return out


def overlaps(rig: Rig) -> list[tuple[str, str]]:
    heard = sorted(rig.voice.heard, key=lambda h: h[1])
    return [(a[0], b[0]) for a, b in itertools.pairwise(heard) if b[1] < a[2] - 1e-6]


def counts_heard(rig: Rig, step: int) -> list[str]:
    """The counts of ``step`` as heard whole, in order (a cue is known by when it starts)."""
    starts = {round(heard, 6): cue for cue, _, heard in rig.played
              if heard is not None and cue.event.kind == "rep" and cue.event.step == step}
    return [h[0] for h in sorted(rig.voice.heard, key=lambda h: h[1])
            if round(h[1], 6) in starts and h[2] - h[1] >= SECONDS - 1e-6]


def first_sweeps(rig: Rig):  # type: ignore[no-untyped-def]
    reps = [e for e in rig.timeline.events if e.kind == "rep"]
    return [e for e in reps if e.step == reps[0].step]


def finish(rig: Rig) -> None:
    session = rig.driver.session
    assert session is not None
    rig.timers.advance_until(lambda: session.state is State.FINISHED, limit=100_000)


def test_where_am_i_on_a_beat_holds_the_session_and_loses_no_count(rig: Rig) -> None:
    session = rig.start()
    one, two, _three = first_sweeps(rig)
    rig.walk_to(two.t - LATENCY / 2)  # "Two." is handed out, not yet heard
    said = rig.driver.where_am_i()
    assert "One of three." in said  # what was heard, not what was about to be
    assert session.held
    answer_end = max(h[2] for h in rig.voice.heard)
    rig.timers.advance(answer_end - rig.timers.clock.now() + BREATH_SECONDS - 0.05)
    assert rig.voice.texts()[-1].endswith("left.")  # nothing more until the breath is over
    finish(rig)
    assert overlaps(rig) == []
    assert counts_heard(rig, one.step) == ["One.", "Two.", "Three."]
    again = next(h for h in rig.voice.heard if h[0] == "Two." and h[1] > answer_end)
    assert again[1] >= answer_end + BREATH_SECONDS - 1e-6  # after a breath


def test_esc_mid_phrase_cuts_the_instruction_and_says_it_again_after(rig: Rig) -> None:
    rig.start()
    still = next(e for e in rig.timeline.events if e.kind == "still")
    rig.walk_to(still.t + 0.05)  # "Pause. Be still…" has just begun
    rig.driver.request_stop()
    finish(rig)
    assert overlaps(rig) == []
    confirm = next(h for h in rig.voice.heard if h[0] == CONFIRM_STOP)
    cut = [h for h in rig.voice.heard if h[0] == still.text and h[1] < confirm[1]]
    assert cut and cut[-1][2] - cut[-1][1] < SECONDS  # cut short for the question
    again = next(h for h in rig.voice.heard if h[0] == still.text and h[1] > confirm[2])
    assert again[2] - again[1] == pytest.approx(SECONDS)  # then heard whole
    assert again[1] == pytest.approx(confirm[2] + BREATH_SECONDS)


def test_space_on_a_beat_keeps_that_number(rig: Rig) -> None:
    session = rig.start()
    one, two, _three = first_sweeps(rig)
    rig.walk_to(two.t - LATENCY / 2)
    rig.driver.toggle_pause()
    rig.timers.advance(3.0)
    rig.driver.toggle_pause()
    assert RESUMING_SAY in rig.voice.texts()
    finish(rig)
    assert session.state is State.FINISHED
    assert overlaps(rig) == []
    assert counts_heard(rig, one.step) == ["One.", "Two.", "Three."]


def test_space_while_the_session_waits_to_begin_pauses_it_and_space_goes_on(rig: Rig) -> None:
    """Space while a prompt is still heard (the session waits to begin): the session
    begins paused, nothing of it said; Space again goes on from its first words."""
    rig.driver.say("Your knees feel fine.")  # the knee question's read-back
    session = rig.start()
    assert session.state is State.READY and rig.driver.active
    rig.driver.toggle_pause()
    assert session.state is State.PAUSED
    rig.timers.advance(5.0)
    assert rig.voice.texts()[-1] == PAUSED_SAY  # paused: nothing of the session yet
    title = rig.timeline.events[0].text
    assert title not in [h[0] for h in rig.voice.heard]
    rig.driver.toggle_pause()
    assert session.state is State.RUNNING
    rig.timers.advance(5.0)
    texts = [h[0] for h in sorted(rig.voice.heard, key=lambda h: h[1])]
    assert texts[texts.index(RESUMING_SAY) + 1] == title  # the session's first words
    heard_title = next(h for h in rig.voice.heard if h[0] == title)
    assert heard_title[2] - heard_title[1] == pytest.approx(SECONDS)  # whole
    finish(rig)
    assert overlaps(rig) == []


def test_r_in_a_still_pause_restarts_it_from_its_full_length(rig: Rig) -> None:
    rig.start()
    still = next(e for e in rig.timeline.events if e.kind == "still")
    end = next(e for e in rig.timeline.events if e.kind == "still-end" and e.step == still.step)
    rig.walk_to(still.t + 6.0)
    rig.driver.repeat()
    again = rig.voice.heard[-1]
    assert again[0] == still.text
    finish(rig)
    end_heard = next(h for h in rig.voice.heard if h[0] == end.text)
    # after the repeat, as long as after the instruction the first time
    assert end_heard[1] - again[2] == pytest.approx(end.t - still.t - SECONDS)
    assert overlaps(rig) == []


def test_the_esc_hint_goes_when_its_window_closes(rig: Rig) -> None:
    rig.start()
    rig.walk_to(3.0)
    armed: list[bool] = []
    rig.driver.stop_armed.connect(armed.append)
    rig.driver.request_stop()
    rig.timers.advance(STOP_CONFIRM_SECONDS + 0.01)
    assert armed == [True, False]
    assert rig.driver.request_stop() is False  # the window closed: this asks again


def test_where_am_i_at_idle_says_how_to_start(rig: Rig) -> None:
    rig.driver.idle_hint = "Press space to begin."
    assert rig.driver.where_am_i() == f"{status.NO_SESSION} Press space to begin."


def test_a_question_on_screen_holds_the_session_until_answered(rig: Rig) -> None:
    session = rig.start()
    rig.walk_to(20.0)
    with rig.driver.holding():
        rig.driver.say("A question?")
        at = session.position()
        rig.timers.advance(30.0)
        assert session.held and session.position() == at
    assert session.held  # the breath after the words, then on
    rig.timers.advance(BREATH_SECONDS + LATENCY + 0.01)
    assert not session.held
    finish(rig)
    assert overlaps(rig) == []


def test_i_during_the_closing_words_waits_for_them(rig: Rig) -> None:
    session = rig.start()
    rig.timers.advance_until(lambda: session.state is State.FINISHED)
    closing = rig.voice.heard[-1]
    rig.driver.where_am_i()  # "No session is running.", after the closing words, whole
    assert rig.voice.heard[-2] == closing and closing[2] - closing[1] == pytest.approx(SECONDS)
    assert rig.voice.heard[-1][1] >= closing[2]
    assert overlaps(rig) == []
