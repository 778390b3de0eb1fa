"""The thigh massage's screen says what its voice says (issue 24): not "lie on your back,
toes to the ceiling" while the voice says "sit or lie comfortably"; and its last release is
not run into the rest's words (no phrase within a second of the next)."""

from __future__ import annotations

import itertools

from knee_desktop.plan.pose import Pose
from knee_desktop.plan.timeline import compile_timeline
from knee_desktop.plan.timeline import estimate_speech_seconds as say
from knee_desktop.routine.loader import load_catalog
from knee_desktop.ui.diagram.leg_diagram import caption_text, describe


def test_the_thigh_screen_does_not_say_lie_on_your_back() -> None:
    lead_in = Pose("lead-in", "left")
    rest = Pose("rest", "left", seconds_left=8)
    assert "toes to the ceiling" in caption_text(lead_in, "legs")
    for pose in (lead_in, rest):
        for words in (caption_text(pose, "thigh"), describe(pose, "thigh")):
            assert "back" not in words and "ceiling" not in words and "Lie there" not in words
    assert "sit or lie comfortably" in caption_text(lead_in, "thigh")
    assert caption_text(rest, "thigh").endswith("Rest and feel")


def test_the_last_release_is_a_second_clear_of_the_rest() -> None:
    timeline = compile_timeline(load_catalog().get("thigh-massage"))
    spoken = timeline.speech()
    gaps = [b.t - (a.t + say(a.text or "")) for a, b in itertools.pairwise(spoken)
            if a.kind == "release" and b.kind != "press"]
    assert gaps and min(gaps) >= 1.0 - 1e-9, gaps
