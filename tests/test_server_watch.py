"""The audio output's side of the sound server going away and coming back, without a
server: a fake sink stepped by a fake clock, a fake look at the server. What the voice, the
driver and the window make of it. (On real servers: tests/test_server_restart.py.)"""

from __future__ import annotations

import array

import pytest

from knee_desktop.runtime import audio_output as player
from knee_desktop.runtime import server_watch
from knee_desktop.runtime.audio_output import AudioOutput
from knee_desktop.runtime.server_watch import ServerWatch
from knee_desktop.session.clock import FakeClock
from knee_desktop.speech.clip import RATE, Clip
from tests.fakes import FakeSink, OutputOnFakeSink, ServerProbe, run_for


def samples(sink: FakeSink) -> array.array[int]:
    out = array.array("h")
    out.frombytes(bytes(sink.data))
    return out


def test_gone_waiting_back_resynced_and_the_gap_dropped(qapp: object) -> None:
    clock = FakeClock(100.0)
    out = OutputOnFakeSink(clock)
    probe = ServerProbe()
    out.recovery.watch.probe, out.recovery.watch.threaded = probe, False
    said: list[tuple[str, str]] = []
    out.lost.connect(lambda m: said.append(("lost", m)))
    out.back.connect(lambda m: said.append(("back", m)))
    out.failed.connect(lambda m: said.append(("failed", m)))
    out.open()
    try:
        check_recovery(out, clock, probe, said)
    finally:
        out.close()


def check_recovery(out: OutputOnFakeSink, clock: FakeClock, probe: ServerProbe,
                   said: list[tuple[str, str]]) -> None:
    old = out.sinks[0]
    run_for(out, old, clock, 2.0)
    assert out.settled
    # A cue placed before the server dies, heard after it died: never played later.
    before = out.schedule(Clip(array.array("h", [1111] * 50)), clock.now() + out.lookahead)
    assert before is not None
    for _ in range(80):  # the server is gone: nothing more is taken
        clock.advance(0.01)
        out._feed()
    assert [k for k, _ in said] == ["lost"] and "waiting for the sound" in said[0][1]
    assert "restart knee-desktop" not in said[0][1]
    assert out.recovery.waiting
    # Cues due in the gap are refused when handed over (the session drops them).
    assert out.schedule(Clip(array.array("h", [2222] * 50)), clock.now() + 0.3) is None
    # The watch: no server; then the server without Qt's connection; then Qt connected.
    for answer in (None, None, False, True):
        probe.answer = answer
        clock.advance(server_watch.LOOK_EVERY_SECONDS)
        out.recovery.watch.look()
    assert len(out.sinks) == 2, "a new stream was opened once Qt's engine is connected"
    new = out.sinks[1]
    assert out.schedule(Clip(array.array("h", [3333] * 50)), clock.now() + 0.3) is None
    opened = clock.now()
    run_for(out, new, clock, server_watch.STEADY_SECONDS + 0.5)
    assert [k for k, _ in said] == ["lost", "back"] and said[1][1] == "The sound is back."
    assert not out.recovery.waiting
    assert clock.now() - opened >= server_watch.STEADY_SECONDS
    # Re-synced: the next cue lands on the frame heard at its due time, on the new stream.
    due = clock.now() + out.lookahead
    placed = out.schedule(Clip(array.array("h", [4444] * 50)), due)
    assert placed is not None and placed.late == 0 and abs(placed.heard - due) < 1 / RATE
    run_for(out, new, clock, 1.0)
    heard = samples(new)
    assert heard.index(4444) == placed.frame
    assert not {1111, 2222, 3333} & set(heard), "nothing from the gap reached the new stream"
    assert 1111 not in samples(old)[placed.frame:]


def test_a_stall_right_after_a_slip_is_still_seen(qapp: object) -> None:
    """A slip re-measured just before the server dies leaves the timing unsettled; the
    stall must be seen all the same (it once was not, on pipewire-pulse under load)."""
    clock = FakeClock(100.0)
    out = OutputOnFakeSink(clock)
    out.recovery.watch.probe, out.recovery.watch.threaded = ServerProbe(), False
    lost: list[str] = []
    out.lost.connect(lost.append)
    out.open()
    try:
        run_for(out, out.sinks[0], clock, 2.0)
        out.timing.forget_before(clock.now() - 0.1)  # what a slip does
        assert not out.settled
        for _ in range(60):  # the server is gone
            clock.advance(0.01)
            out._feed()
        assert lost == [server_watch.GONE_WORDS]
    finally:
        out.close()


def stall(out: OutputOnFakeSink, clock: FakeClock, seconds: float) -> None:
    """The sink takes nothing for ``seconds`` while the output keeps feeding."""
    for _ in range(round(seconds / 0.01)):
        clock.advance(0.01)
        out._feed()


def busy_output(clock: FakeClock) -> tuple[OutputOnFakeSink, ServerProbe, list[str]]:
    """An output that has played for 2 s, its server there with Qt's connection; and a
    list of what it says."""
    out = OutputOnFakeSink(clock)
    probe = ServerProbe()
    probe.answer = True
    out.recovery.watch.probe, out.recovery.watch.threaded = probe, False
    said: list[str] = []
    out.lost.connect(said.append)
    out.back.connect(said.append)
    out.open()
    run_for(out, out.sinks[0], clock, 2.0)
    return out, probe, said


def test_a_busy_machine_is_not_a_server_gone(qapp: object) -> None:
    """No sound taken for a moment, the server still there with Qt's connection: the
    machine was too busy to play. Nothing said; what was placed before is dropped (it
    would be late); the stream goes on."""
    clock = FakeClock(100.0)
    out, probe, said = busy_output(clock)
    try:
        sink = out.sinks[0]
        # A cue placed just before: once the stream moves again it is too late, so dropped.
        before = out.schedule(Clip(array.array("h", [1111] * 50)), clock.now() + out.lookahead)
        assert before is not None
        stall(out, clock, 0.8)
        assert probe.asked == 1 and said == [] and not out.recovery.waiting
        taken = len(sink.data)
        run_for(out, sink, clock, 1.0)  # it plays again
        assert said == [] and len(out.sinks) == 1
        assert 1111 not in samples(sink)[taken // 2:], "nothing placed before it plays late"
        assert out.schedule(Clip(array.array("h", [5] * 50)), clock.now() + 0.3) is not None
        probe.answer = None  # the next stall is the server going away: said at once
        stall(out, clock, 0.6)
        assert said == [server_watch.GONE_WORDS] and probe.asked == 2
    finally:
        out.close()


def test_a_stall_that_lasts_with_the_server_there_is_said_and_the_output_opened_again(
        qapp: object) -> None:
    clock = FakeClock(100.0)
    out, _probe, said = busy_output(clock)
    try:
        stall(out, clock, server_watch.HICCUP_SECONDS)
        assert said == []
        stall(out, clock, 0.6)
        assert said == [server_watch.STALLED_WORDS] and "server is there" in said[0]
        clock.advance(server_watch.LOOK_EVERY_SECONDS)
        out.recovery.watch.look()
        assert len(out.sinks) == 2
        run_for(out, out.sinks[1], clock, server_watch.STEADY_SECONDS + 0.5)
        assert said[1:] == [server_watch.BACK_WORDS]
    finally:
        out.close()


def test_an_output_closed_while_it_reopens_stays_closed(qapp: object) -> None:
    """The session ends (the output is closed) during the reopen's wait for the new
    stream: nothing is left watching or open."""
    clock = FakeClock(100.0)

    class ClosedWhileOpening(OutputOnFakeSink):
        def open(self) -> None:
            super().open()
            if len(self.sinks) == 2:
                self.close()  # the session's end, from inside the event loop
                raise player.AudioUnavailable("closed")

    out = ClosedWhileOpening(clock)
    out.recovery.watch.probe, out.recovery.watch.threaded = ServerProbe(), False
    out.open()
    run_for(out, out.sinks[0], clock, 2.0)
    out.recovery.lose()
    out.recovery._reopen()
    assert not out.recovery.watch.watching and not out.recovery.waiting
    assert not out.is_open and not out._holding


def test_long_gone_is_told_once_and_a_server_qt_gave_up_on_is_not_opened(qapp: object) -> None:
    clock = FakeClock(100.0)
    probe = ServerProbe()
    watch = ServerWatch(clock, probe, threaded=False)
    seen: list[str] = []
    watch.found.connect(lambda: seen.append("found"))
    watch.long_gone.connect(lambda m: seen.append("long"))
    watch.gave_up.connect(lambda m: seen.append(m))
    watch.start()
    try:
        check_watch(watch, clock, probe, seen)
    finally:
        watch.stop()


def check_watch(watch: ServerWatch, clock: FakeClock, probe: ServerProbe, seen: list[str]) -> None:
    for _ in range(round(2 * server_watch.LONG_GONE_SECONDS / 0.5)):
        clock.advance(0.5)
        watch.look()
    assert seen == ["long"]  # once, not every look
    probe.answer = False  # the server is back, Qt's engine never reconnects
    for _ in range(round((server_watch.QT_RETRY_SECONDS + 1) / 0.5)):
        clock.advance(0.5)
        watch.look()
    assert seen[1:] == [server_watch.CANNOT_RECONNECT_WORDS]
    assert "restart knee-desktop" in seen[1] and not watch.watching


# ---- what the window and the terminal show -------------------------------------------------
def test_the_window_shows_no_sound_until_it_is_back(window) -> None:  # type: ignore[no-untyped-def]
    """A banner that stays (its text is its accessible name), gone when the sound is back."""
    window.driver.outage.emit(server_watch.LONG_GONE_WORDS)
    banner = window.sound_banner
    assert banner.isVisible() and banner.text() == server_watch.LONG_GONE_WORDS
    assert banner.accessibleName() == server_watch.LONG_GONE_WORDS
    window.driver.message.emit("The history was saved.")  # other news does not hide it
    assert banner.isVisible()
    window.driver.outage.emit("")
    assert not banner.isVisible()


def test_the_voice_tells_the_driver_and_the_driver_says_it_is_back(qapp: object) -> None:
    """Lost: shown (the driver's message and outage), no message per refused cue; back:
    said by the driver, one voice at a time (tests/test_sound_back_one_voice.py)."""
    from knee_desktop.runtime.driver import SessionDriver
    from knee_desktop.runtime.timers import FakeTimers
    from knee_desktop.runtime.voice import ClipVoice
    from knee_desktop.speech.tones import ToneSet

    clock = FakeClock(100.0)
    out = OutputOnFakeSink(clock)
    out.recovery.watch.probe, out.recovery.watch.threaded = ServerProbe(), False
    voice = ClipVoice(ToneSet(), out)
    driver = SessionDriver(voice, FakeTimers(clock))
    messages: list[str] = []
    outages: list[str] = []
    spoken: list[str] = []
    driver.spoken.connect(spoken.append)
    driver.message.connect(messages.append)
    driver.outage.connect(outages.append)
    out.open()
    try:
        run_for(out, out.sinks[0], clock, 2.0)
        out.recovery.lose()
        assert voice.play_at("", "rep", clock.now() + 1.0) is None
        assert voice.play_at("", "rep", clock.now() + 2.0) is None
        assert messages == [server_watch.GONE_WORDS] and outages == [server_watch.GONE_WORDS]
        out.recovery._reopen()
        run_for(out, out.sinks[1], clock, server_watch.STEADY_SECONDS + 0.2)
        assert messages[-1] == server_watch.BACK_WORDS and outages[-1] == ""
        assert spoken == [server_watch.BACK_WORDS]
        assert driver.heard_until > clock.now()  # on the floor: what comes next waits
    finally:
        driver.close()
        out.close()


def test_a_later_open_asks_the_server_first(qapp: object) -> None:
    """After a loss, every new stream (a later session too) needs Qt's engine connected
    again: else opening would abort the process; it is refused with the reason instead."""
    out = AudioOutput(clock=FakeClock(100.0))
    probe = ServerProbe()
    out.recovery.watch.probe = probe
    out.recovery.check_can_open()  # never lost: nothing asked
    assert probe.asked == 0
    out.recovery.ever_lost = True
    with pytest.raises(player.AudioUnavailable, match="not running"):
        out.recovery.check_can_open()
    probe.answer = False
    with pytest.raises(player.AudioUnavailable, match="restart knee-desktop"):
        out.recovery.check_can_open()
    probe.answer = True
    out.recovery.check_can_open()
    assert probe.asked == 3
