"""Progress that means something, and the safety nudge, on made-up histories at and around
their thresholds (2 points or 30 %; 2 of the last 3 sessions; at least 3 answers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from knee_desktop.history.progress import (
    ASK_DOCTOR,
    GUIDE_ADVICE,
    TOO_FEW,
    direction,
    meaningful,
    nudge,
    progress,
    smaller_moves,
)
from knee_desktop.history.records import SessionRecord

START = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)


def history(*feels: tuple[int | None, int | None]) -> list[SessionRecord]:
    """One session a day, oldest first, with these (before, after) answers."""
    return [SessionRecord("windshield-wiper", "Windshield wiper", START + timedelta(days=i),
                          feel_before=b, feel_after=a, end_state="completed")
            for i, (b, a) in enumerate(feels)]


@pytest.mark.parametrize(("before", "after", "expected"), [
    (5, 3, "better"), (5, 4, "same"),  # 2 points; 1 point is 20 % of 5
    (3, 2, "better"), (4, 3, "same"),  # 1 point is 33 % of 3, 25 % of 4
    (10, 7, "better"), (10, 8, "better"), (10, 9, "same"),
    (0, 1, "same"), (0, 2, "worse"),  # from 0 only points count
    (3, 5, "worse"), (5, 6, "same"), (2, 3, "worse"),  # 1 point is 50 % of 2
    (6, 6, "same"), (0, 0, "same"),
])
def test_meaningful_change_is_two_points_or_thirty_percent(
        before: int, after: int, expected: str) -> None:
    assert direction(before, after) == expected
    assert meaningful(before, after) == (expected != "same")


def test_thirty_percent_exactly_counts() -> None:
    assert meaningful(10 / 3, 10 / 3 - 1)  # exactly 30 %, in floating point
    assert not meaningful(6.0, 4.21)  # 1.79 points, 29.8 %


@pytest.mark.parametrize(("feels", "nudged"), [
    # 2 of the last 3 sessions meaningfully worse (by 2 points): nudge
    ([(3, 5), (4, 4), (3, 5)], True),
    ([(4, 4), (3, 5), (2, 4)], True),
    ([(3, 5), (3, 5), (3, 5)], True),
    # worse, but by 1 point from 5 (20 %): not meaningful
    ([(5, 6), (5, 6), (5, 6)], False),
    # only 1 of the last 3 (the earlier one is out of the window)
    ([(3, 5), (3, 5), (4, 4), (4, 4), (3, 5)], False),
    # an unanswered session counts as not worse
    ([(3, 5), (None, 7), (3, None)], False),
    ([(3, 5), (None, None), (1, 2)], True),  # 1 → 2 is 100 % more
    # better is never a nudge
    ([(6, 3), (6, 3), (6, 3)], False),
    # fewer than 3 sessions: 2 of 2
    ([(2, 4), (2, 4)], True),
    ([(2, 4)], False),
    ([], False),
])
def test_the_nudge_at_and_around_its_threshold(
        feels: list[tuple[int | None, int | None]], nudged: bool) -> None:
    found = nudge(history(*feels))
    assert (found is not None) == nudged
    if found is not None:
        assert found.worse >= 2
        words = found.text()
        assert GUIDE_ADVICE in words and ASK_DOCTOR in words
        assert "make the move smaller" in words.lower()
        assert "never to a point of pain" in words


def test_too_few_answers_says_so() -> None:
    few = progress(history((5, 3), (5, 3)))
    assert TOO_FEW in few.within and "2 of at least 3" in few.within
    assert TOO_FEW in few.over_period
    enough = progress(history((6, 3), (6, 4), (6, 3)))
    assert "meaningfully better" in enough.within and "6 → 3.3" in enough.within
    nine = progress(history(*[(7, 7)] * 3, *[(5, 5)] * 3, *[(4, 4)] * 3))
    assert "first 3 against last 3 answers: 7 → 4: meaningfully better" in nine.over_period
    flat = progress(history(*[(5, 5)] * 9))
    assert "no meaningful change" in flat.over_period


def test_smaller_moves_are_fewer_and_slower_within_the_limits() -> None:
    offer = smaller_moves({"reps": 10, "sweep": 2.0, "circle": 3.0})
    assert (offer.reps, offer.sweep_seconds, offer.circle_seconds) == (7, 3.0, 4.5)
    assert smaller_moves({"reps": 1, "sweep": 29.0, "circle": 25}).reps == 1
    assert smaller_moves({"reps": 1, "sweep": 29.0, "circle": 25}).sweep_seconds == 30
    assert smaller_moves({"reps": "x"}).reps == 7  # a damaged record: the usual numbers


def test_after_a_session_the_nudge_needs_that_session_to_be_worse() -> None:
    from knee_desktop.history.progress import nudge_after

    assert nudge_after(history((3, 5), (3, 5))) is not None
    assert nudge_after(history((3, 5), (3, 5), (4, 4))) is None  # 2 of 3, but not this one
    assert nudge(history((3, 5), (3, 5), (4, 4))) is not None  # History still shows it
    assert nudge_after(history((3, 5), (4, 4), (2, 3))) is not None
    assert nudge_after(history((3, 5), (4, 4), (2, None))) is None
    assert nudge_after([]) is None
    offer = smaller_moves({"reps": 10, "sweep": 2.0, "circle": 3.0})
    assert offer.options() == "--reps 7 --tempo 4.5"
