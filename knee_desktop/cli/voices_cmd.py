"""`knee-desktop voices`: the installed speech voices, with their language.

The settings dialog runs `knee-desktop voices --json` in a worker process with a time limit,
so a speech engine that hangs can never freeze the window.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    languages: tuple[str, ...]
    gender: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Voice:
        langs = data.get("languages") or []
        return cls(id=str(data["id"]), name=str(data.get("name") or data["id"]),
                   languages=tuple(str(x) for x in langs) if isinstance(langs, list) else (),
                   gender=str(data["gender"]) if data.get("gender") else None)

    @property
    def label(self) -> str:
        langs = ", ".join(self.languages)
        return f"{self.name} ({langs})" if langs else self.name


def _language(value: object) -> str:
    if isinstance(value, bytes):  # some espeak builds: b"\x05en-gb" (priority byte + code)
        value = value[1:].decode("ascii", "replace") if value[:1] < b" " else value.decode()
    return str(value)


def list_voices() -> tuple[list[Voice], str]:
    """The voices pyttsx3 offers, and the id of its default voice."""
    import pyttsx3  # only here: importing it costs time and needs the speech libraries

    with contextlib.redirect_stdout(io.StringIO()):  # drivers print chatter on stdout
        engine = pyttsx3.init()
        raw = engine.getProperty("voices") or []
        default = str(engine.getProperty("voice") or "")
    voices = [Voice(id=str(v.id), name=str(v.name or v.id),
                    languages=tuple(_language(lang) for lang in (v.languages or [])),
                    gender=str(v.gender) if v.gender else None) for v in raw]
    return voices, default


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("voices", help="list the installed speech voices",
                       description="List the speech voices installed on this computer, with "
                       "their language. Pick one in Settings (or write its id as `voice` in "
                       "the settings file).")
    p.add_argument("--json", action="store_true",
                   help='machine-readable: {"default": ID, "voices": [{id, name, languages, '
                   'gender}]}')
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    voices, default = list_voices()
    if args.json:
        print(json.dumps({"default": default, "voices": [asdict(v) for v in voices]}))
        return 0
    for v in sorted(voices, key=lambda v: v.name.lower()):
        mark = "*" if v.id == default else " "
        print(f"{mark} {v.id:28} {v.label}")
    print(f"\n{len(voices)} voices; * marks the default.")
    return 0
