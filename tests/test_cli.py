"""The command line as a user meets it: plan, routines, and clear errors."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from knee_desktop.main import main


def plan_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    assert main(["plan", "windshield-wiper", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_plan_json_has_ten_reps_of_five_movements_per_leg(capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    data = plan_json(capsys)
    reps = [e for e in data["events"] if e["kind"] == "rep"]
    assert len(reps) == 100
    for leg in ("left", "right"):
        mine = [e for e in reps if e["leg"] == leg]
        assert [e["rep"] for e in mine] == list(range(1, 11)) * 5
    stills = [e for e in data["events"] if e["kind"] == "still"]
    assert len(stills) == 10 and {e["duration"] for e in stills} == {10}
    assert [e["kind"] for e in data["events"]].count("switch") == 1
    assert data["events"][-1]["kind"] == "end"


def test_plan_options(capsys: pytest.CaptureFixture[str]) -> None:
    data = plan_json(capsys, "--reps", "4", "--pause", "6", "--tempo", "3", "--leg", "left")
    reps = [e for e in data["events"] if e["kind"] == "rep"]
    assert len(reps) == 20 and {e["leg"] for e in reps} == {"left"}
    first_group = reps[:4]
    # the counts are heard on the beat (their vowel onset, ``t + centre``), one tempo apart
    beats = [e["t"] + e.get("centre", 0.0) for e in first_group]
    assert [b - a for a, b in itertools.pairwise(beats)] == pytest.approx([3.0] * 3, abs=0.002)
    assert {e["duration"] for e in data["events"] if e["kind"] == "still"} == {6}
    assert data["settings"]["legs"] == ["left"]


def test_plan_text_reads_like_a_script(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "thigh-massage", "--reps", "2"]) == 0
    out = capsys.readouterr().out
    assert "Thigh self-massage" in out and "Press one. Hold." in out
    assert "== Press tender spots (left leg)" in out


def test_routines_lists_good_ones_and_names_bad_files(
    capsys: pytest.CaptureFixture[str], user_routines: Path
) -> None:
    (user_routines / "oops.toml").write_text('id = "oops"\ntitle = "Oops"\n[[steps]]\n'
                                             'type = "move"\ntitle = "x"\nsay = "x"\n'
                                             'movement = "sweep-up"\n', encoding="utf-8")
    assert main(["routines"]) == 0
    out, err = capsys.readouterr()
    assert "windshield-wiper" in out and "thigh-massage" in out
    assert "oops.toml, line 7: field \"steps[1].movement\"" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["plan", "windshield-wiper", "--reps", "0"], "--reps: expected reps from 1 to 100"),
        (["plan", "windshield-wiper", "--pause", "7200"], "--pause: expected pause"),
        (["plan", "no-such-routine"], "No routine called 'no-such-routine'"),
        (["plan", "/nonexistent/x.toml"], "x.toml: cannot be read"),
    ],
)
def test_bad_input_gets_one_clear_message(capsys: pytest.CaptureFixture[str],
                                          args: list[str], expected: str) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err and err.count("\n") == 1


def test_a_real_process_never_shows_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "bad"\ntitle = "Bad"\n[defaults]\npause_seconds = 0\n'
                   '[[steps]]\ntype = "say"\nsay = "hi"\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "knee_desktop", "plan", str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f'knee-desktop: {bad}, line 4: field "defaults.pause_seconds": expected seconds, '
        "at least 1 and at most 3600 (an hour), got 0")
    proc = subprocess.run([sys.executable, "-m", "knee_desktop", "plan", "windshield-wiper",
                           "--leg", "middle"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "invalid choice: 'middle'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_an_unexpected_bug_is_one_paragraph_and_a_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, isolated_dirs: Path
) -> None:
    from knee_desktop.cli import plan_cmd

    def broken(*args: object) -> int:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(plan_cmd, "load_catalog", broken)
    assert main(["plan", "windshield-wiper"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" not in err and "ZeroDivisionError: boom" in err
    crash = next((isolated_dirs / ".local" / "state" / "knee-desktop").rglob("crash-*.txt"))
    assert str(crash) in err and "Traceback" in crash.read_text()
