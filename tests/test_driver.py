"""The session driver, each behaviour once, on fake timers paired with the fake clock:
cues on the beat, sound cancelled before a confirmation, prompts that open the output,
the wait for the last words, the knee question after, the record, R and "Where am I?"."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from knee_desktop.history.feel import KneeFeel, When, spoken_answer, spoken_question
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.routine.loader import load_catalog
from knee_desktop.runtime import status
from knee_desktop.runtime.driver import PROMPTS, TAIL_SECONDS, SessionDriver
from knee_desktop.runtime.one_voice import GAP_SECONDS
from knee_desktop.runtime.timers import FakeTimers
from knee_desktop.session.engine import PAUSED_SAY, STOPPED_SAY, Session, State
from tests.fakes import LATENCY, SECONDS, DriverRig, FakeRecorder, FakeVoice, plan_short_wiper


@dataclass
class Rig(DriverRig):
    recorders: list[FakeRecorder]
    asked: list[tuple[When, float]]

    def start(self) -> Session:
        return self.driver.start(self.timeline, KneeFeel(5, "stiff"))


@pytest.fixture
def rig(qtbot) -> Rig:  # type: ignore[no-untyped-def]
    timers = FakeTimers()
    voice = FakeVoice(timers)
    recorders: list[FakeRecorder] = []
    asked: list[tuple[When, float]] = []

    def record(session: Session, feel: KneeFeel) -> FakeRecorder:
        recorders.append(FakeRecorder(session, feel))
        return recorders[-1]

    def asker(when: When, say):  # type: ignore[no-untyped-def]
        asked.append((when, timers.clock.now()))
        say(spoken_question(when))
        say(spoken_answer(KneeFeel(3)))
        return KneeFeel(3)

    driver = SessionDriver(voice, timers, recorder=record, asker=asker)
    timeline = plan_short_wiper(driver, voice)
    return Rig(timers, voice, driver, timeline, recorders, asked)


def test_every_cue_is_played_on_its_beat_handed_over_early_by_the_latency(rig: Rig) -> None:
    session = rig.start()
    start = session.started_at
    assert start is not None
    rig.timers.advance_until(lambda: session.state is State.FINISHED)
    plays = [row for row in rig.voice.log if row[0] == "play"]
    spoken = rig.timeline.speech()
    assert [text for _, text, *_ in plays] == [e.text for e in spoken]
    for (_, _, heard_at, handed), event in zip(plays, spoken, strict=True):
        assert heard_at == pytest.approx(start + LATENCY + event.t)
        assert handed == pytest.approx(heard_at - LATENCY)  # type: ignore[operator]


def test_pause_skip_and_stop_cancel_the_sound_before_their_confirmation(rig: Rig) -> None:
    rig.start()
    rig.walk_to(3.0)
    rig.driver.toggle_pause()
    assert rig.voice.events()[-2:] == ["cancel", PAUSED_SAY]
    rig.driver.toggle_pause()
    rig.driver.skip()
    assert rig.voice.events()[-2:] == ["cancel", "Skipping to wipe to the left."]
    rig.driver.stop()
    assert rig.voice.events()[-2:] == ["cancel", STOPPED_SAY]


def test_the_question_after_waits_for_the_last_words_on_the_clock(rig: Rig) -> None:
    session = rig.start()
    done: list[Session] = []
    rig.driver.done.connect(done.append)
    rig.timers.advance_until(lambda: session.state is State.FINISHED)
    closing = rig.timeline.events[-1]
    assert rig.voice.texts()[-1] == closing.text
    closing_heard_at = rig.voice.log[-1][2]
    assert closing_heard_at is not None
    heard_end = closing_heard_at + SECONDS
    assert rig.asked == [] and rig.driver.ending
    rig.timers.advance_until(lambda: bool(done))
    (when, at), = rig.asked
    assert when == "after" and at == pytest.approx(heard_end + TAIL_SECONDS)
    # asked aloud and read back, with the output open, then the output is let go
    assert rig.voice.texts()[-2:] == [spoken_question("after"), "Three. Thank you."]
    (recorder,) = rig.recorders
    assert recorder.feel_before == KneeFeel(5, "stiff")
    assert recorder.after == [KneeFeel(3)] and recorder.detached
    assert rig.voice.is_open
    rig.timers.advance(SECONDS + LATENCY + TAIL_SECONDS)
    assert not rig.voice.is_open and rig.timers.active() == {}


def test_a_stop_asks_after_only_where_a_stop_means_done_not_leave_me(rig: Rig) -> None:
    rig.start()
    rig.walk_to(4.0)
    rig.driver.stop()
    rig.timers.advance_until(lambda: not rig.driver.ending)
    assert [w for w, _ in rig.asked] == ["after"]  # the window's choice
    rig.driver.ask_after_stop = False  # `run`: Ctrl+C means "let me go"
    rig.start()
    rig.driver.stop()
    rig.timers.advance_until(lambda: not rig.driver.ending)
    assert [w for w, _ in rig.asked] == ["after"]
    assert rig.recorders[1].after == [] and rig.recorders[1].detached


def test_closing_mid_session_stops_closes_the_record_and_asks_nothing(rig: Rig) -> None:
    session = rig.start()
    rig.walk_to(4.0)
    rig.driver.close()
    assert session.state is State.STOPPED
    assert rig.recorders[0].detached and rig.asked == []
    assert not rig.voice.is_open and rig.timers.active() == {}


def test_a_prompt_opens_the_output_when_no_session_holds_it(rig: Rig) -> None:
    rig.voice.close()
    rig.voice.log.clear()
    rig.driver.say(spoken_question("before"))
    assert rig.voice.events() == ["open", spoken_question("before")]
    rig.timers.advance(LATENCY + SECONDS + TAIL_SECONDS)
    assert rig.voice.events()[-1] == "close"
    assert rig.timers.active() == {}


def test_the_question_before_holds_the_output_until_answered(rig: Rig) -> None:
    def slow_asker(when: When, say):  # type: ignore[no-untyped-def]
        say(spoken_question(when))
        rig.timers.advance(30.0)  # the user thinks for a while
        assert rig.voice.is_open
        say(spoken_answer(KneeFeel(2)))
        return KneeFeel(2)

    rig.driver.asker = slow_asker
    rig.voice.close()
    rig.voice.log.clear()
    assert rig.driver.ask("before") == KneeFeel(2)
    assert rig.voice.texts() == [spoken_question("before"), "Two. Thank you."]
    rig.timers.advance(LATENCY + SECONDS + TAIL_SECONDS)
    assert not rig.voice.is_open


def test_r_repeats_the_last_instruction_then_the_count(rig: Rig) -> None:
    rig.start()
    reps = [e for e in rig.timeline.events if e.kind == "rep"]
    rig.walk_to(reps[1].t + 0.1)
    instruction = next(e for e in reversed(rig.timeline.events[:rig.timeline.events.index(
        reps[1])]) if e.text and e.kind not in ("rep", "count"))
    count_ends = rig.driver.session.time_of(reps[1].t) + SECONDS  # type: ignore[union-attr]
    rig.driver.repeat()
    (_, first, at1, _), (_, second, at2, _) = rig.voice.log[-2:]
    assert (first, second) == (instruction.text, reps[1].text)
    # one voice at a time: the count still sounding (it ends within KEEP_SECONDS) finishes
    assert at1 == pytest.approx(count_ends + GAP_SECONDS)
    assert at2 == pytest.approx(at1 + SECONDS + 0.15)  # type: ignore[operator]


def test_where_am_i_says_leg_step_count_and_time_left_from_prepared_pieces(rig: Rig) -> None:
    session = rig.start()
    reps = [e for e in rig.timeline.events if e.kind == "rep"]
    rig.walk_to(reps[1].t + 0.1)
    said = rig.driver.where_am_i()
    span = session.current_step
    left = rig.timeline.duration - session.position()
    minutes = status.minutes_piece(left)
    assert said == f"Left leg. {span.title}. Two of three. {minutes}"
    pieces = said.replace(". ", ".|").split("|")
    assert rig.voice.texts()[-4:] == pieces
    assert set(pieces) <= set(rig.voice.prepared)  # rendered before the session: instant
    assert set(PROMPTS) <= set(rig.voice.prepared)
    still = next(s for s in rig.timeline.steps if s.kind == "still")
    rig.walk_to(still.start + 2.0)
    assert rig.driver.where_am_i().split(". ")[1:3] == [
        still.title, "Ten seconds to go in this step"]


def test_a_session_begins_once_a_prompt_still_sounding_is_heard(rig: Rig) -> None:
    rig.driver.say("Four. Thank you.")  # the read-back of the question before
    said_at = rig.timers.clock.now()
    session = rig.start()
    assert rig.driver.active and session.state is State.READY
    rig.timers.advance_until(lambda: session.state is State.RUNNING)
    assert session.started_at == pytest.approx(said_at + LATENCY + SECONDS + 0.3)


def test_words_that_are_only_shown_hold_nothing_up(qtbot) -> None:  # type: ignore[no-untyped-def]
    """With --silent, a note "said" before the session (e.g. "Silent mode: …") is printed,
    not heard: the session starts at once instead of waiting as long as it would sound."""
    from knee_desktop.runtime.voice_base import SilentVoice

    timers = FakeTimers()
    driver = SessionDriver(SilentVoice(), timers)
    timeline, _ = driver.plan(load_catalog().get("windshield-wiper"), PlanSettings(reps=1))
    driver.say("Silent mode: no sound will be played.")
    started_at = timers.clock.now()
    session = driver.start(timeline)
    assert session.state is State.RUNNING and session.started_at == started_at
    driver.close()
