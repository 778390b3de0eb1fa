"""The whole guided session as one WAV: every clip mixed in at its timeline time."""

from __future__ import annotations

import array
from pathlib import Path

from knee_desktop.plan.timeline import Timeline
from knee_desktop.speech.clip import RATE, Clip, mix_into, write_wav
from knee_desktop.speech.render import SpeechCache
from knee_desktop.speech.tones import ToneSet

TAIL = 1.0  # seconds of silence after the last word


def render_session(timeline: Timeline, source: SpeechCache | ToneSet) -> Clip:
    clips: list[tuple[int, Clip]] = []
    first = True
    for event in timeline.events:
        if isinstance(source, ToneSet):
            clip = source.clip(event.text or "", event.kind, first=first)
        elif event.text:
            clip = source.clip(event.text)
        else:
            continue
        first = False
        clips.append((round(event.t * RATE), clip))
    end = max([at + len(c.samples) for at, c in clips] + [round(timeline.duration * RATE)])
    out = array.array("h", bytes(2 * (end + round(TAIL * RATE))))
    for at, clip in clips:
        mix_into(out, clip.samples, at)
    return Clip(out)


def export_session(timeline: Timeline, source: SpeechCache | ToneSet, path: Path) -> Clip:
    clip = render_session(timeline, source)
    write_wav(path, clip)
    return clip
