"""The daily reminder's schedule: pure, with fake (naive, DST-free) times."""

from __future__ import annotations

import datetime as dt

import pytest

from knee_desktop.prefs.reminder import (
    autostart_entry,
    autostart_path,
    is_due,
    next_reminder,
    set_autostart,
)

EVERY_DAY = range(7)
NINE = dt.time(9, 0)
# 2026-01-05 is a Monday.
MON = dt.date(2026, 1, 5)


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second))


def test_later_today():
    assert next_reminder(NINE, EVERY_DAY, at(MON, 8, 59)) == at(MON, 9)


def test_exactly_now_is_not_due_again():
    assert next_reminder(NINE, EVERY_DAY, at(MON, 9)) == at(MON + dt.timedelta(1), 9)


def test_already_past_today_goes_to_tomorrow():
    assert next_reminder(NINE, EVERY_DAY, at(MON, 9, 0, 1)) == at(MON + dt.timedelta(1), 9)


def test_skips_to_the_next_chosen_weekday():
    # Friday 20:00, Mondays and Wednesdays only: next Monday.
    friday = MON + dt.timedelta(4)
    assert next_reminder(NINE, {0, 2}, at(friday, 20)) == at(MON + dt.timedelta(7), 9)


def test_one_weekday_just_past_is_a_week_later():
    assert next_reminder(NINE, {0}, at(MON, 9, 1)) == at(MON + dt.timedelta(7), 9)


def test_midnight_reminder_and_midnight_now():
    sunday = MON + dt.timedelta(6)
    assert next_reminder(dt.time(0, 0), {0}, at(sunday, 23, 59)) == at(MON + dt.timedelta(7), 0)
    assert next_reminder(dt.time(0, 0), EVERY_DAY, at(MON, 0)) == at(MON + dt.timedelta(1), 0)
    assert next_reminder(dt.time(23, 59), EVERY_DAY, at(MON, 0)) == at(MON, 23, 59)


def test_year_end():
    new_year_eve = dt.date(2026, 12, 31)  # a Thursday
    assert next_reminder(NINE, {4}, at(new_year_eve, 10)) == at(dt.date(2027, 1, 1), 9)


def test_no_weekdays_means_never():
    assert next_reminder(NINE, (), at(MON, 8)) is None


def test_bad_weekday():
    with pytest.raises(ValueError, match="0 \\(Monday\\) to 6"):
        next_reminder(NINE, {7}, at(MON, 8))


def test_aware_now_gives_aware_answer():
    tz = dt.timezone(dt.timedelta(hours=2))
    now = dt.datetime(2026, 1, 5, 10, 0, tzinfo=tz)
    assert next_reminder(NINE, EVERY_DAY, now) == dt.datetime(2026, 1, 6, 9, 0, tzinfo=tz)


def test_is_due_with_grace():
    due = at(MON, 9)
    assert is_due(due, at(MON, 8, 59, 59)) is False
    assert is_due(due, due) is True
    assert is_due(due, at(MON, 9, 59)) is True
    assert is_due(due, at(MON, 10, 1)) is None


def test_autostart_entry_written_and_removed():
    path = set_autostart(True, ["/opt/knee desktop/knee-desktop", "--tray"])
    assert path == autostart_path() and path.exists()
    text = path.read_text()
    assert 'Exec="/opt/knee desktop/knee-desktop" --tray\n' in text
    assert set_autostart(False, []) is None
    assert not path.exists()
    assert "Exec=100%%\n" in autostart_entry(["100%"])
