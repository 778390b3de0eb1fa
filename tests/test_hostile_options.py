"""Issue 13's number reproductions on the command line: plain ASCII numbers only, the value
shown as written, never a crash report."""

from __future__ import annotations

import pytest

from knee_desktop.cli.main import parse_launch
from knee_desktop.main import main


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--reps", "9" * 400], "expected a whole number like 10"),
        (["--reps", "١٢"], "expected a whole number like 10, got '١٢'"),
        (["--reps", "5_0"], "expected a whole number like 10, got '5_0'"),
        (["--pause", "nan"], "expected seconds like 2 or 2.5, got 'nan'"),
        (["--lead-in", "1e3"], "expected seconds like 2 or 2.5"),
        (["--tempo", "30.0000001"], "got 30.0000001."),
        (["--reps", "101"], "--reps: expected reps from 1 to 100, got 101."),
    ],
)
def test_bad_numbers_get_a_message(args: list[str], expected: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(["plan", "windshield-wiper", *args])
    except SystemExit as exc:  # argparse's own usage error
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2 and expected in err and len(err) < 600
    assert "Traceback" not in err and "went wrong" not in err


def test_handed_over_arguments_get_the_same_limits() -> None:
    assert parse_launch(["--start", "windshield-wiper", "--reps", "9" * 400]) is None
    assert parse_launch(["--start", "windshield-wiper", "--reps", "١٢"]) is None
    ok = parse_launch(["--start", "windshield-wiper", "--reps", "12"])
    assert ok is not None and ok.overrides.reps == 12


@pytest.mark.parametrize("command", [["plan", "windshield-wiper"], ["history", "--csv"]])
def test_output_to_a_full_disk_is_a_message(command: list[str]) -> None:
    import os
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "knee_desktop", *command], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120,
                              env=dict(os.environ), check=False)
    assert proc.returncode == 2, proc.stderr
    # (plan may first say that it prepares the voice: the timeline is fitted to the clips)
    assert proc.stderr.splitlines()[-1] == ("knee-desktop: the output could not be written (No "
                                            "space left on device); it is incomplete.")
    assert "Traceback" not in proc.stderr and "went wrong" not in proc.stderr
