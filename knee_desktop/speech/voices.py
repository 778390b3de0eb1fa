"""The speech voices pyttsx3 offers (and the other engines': engine_voices), with their
languages (the `voices` command and the
settings dialog read them; the dialog in a worker process with a time limit, so a speech
engine that hangs can never freeze the window)."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass


@dataclass(frozen=True)
class InstalledVoice:
    """A voice the speech engine has installed (the player of a session is another
    thing: ``runtime.voice_base.Voice``)."""

    id: str
    name: str
    languages: tuple[str, ...]
    gender: str | None = None
    licence: str | None = None  # another engine's voice: what to read before using it

    @classmethod
    def from_json(cls, data: dict[str, object]) -> InstalledVoice:
        langs = data.get("languages") or []
        return cls(id=str(data["id"]), name=str(data.get("name") or data["id"]),
                   languages=tuple(str(x) for x in langs) if isinstance(langs, list) else (),
                   gender=str(data["gender"]) if data.get("gender") else None,
                   licence=str(data["licence"]) if data.get("licence") else None)

    @property
    def label(self) -> str:
        langs = ", ".join(self.languages)
        return f"{self.name} ({langs})" if langs else self.name


def _language(value: object) -> str:
    if isinstance(value, bytes):  # some espeak builds: b"\x05en-gb" (priority byte + code)
        value = value[1:].decode("ascii", "replace") if value[:1] < b" " else value.decode()
    return str(value)


def list_voices() -> tuple[list[InstalledVoice], str]:
    """The voices pyttsx3 offers, and the id of its default voice."""
    import pyttsx3  # only here: importing it costs time and needs the speech libraries

    with contextlib.redirect_stdout(io.StringIO()):  # drivers print chatter on stdout
        engine = pyttsx3.init()
        raw = engine.getProperty("voices") or []
        default = str(engine.getProperty("voice") or "")
    voices = [InstalledVoice(id=str(v.id), name=str(v.name or v.id),
                    languages=tuple(_language(lang) for lang in (v.languages or [])),
                    gender=str(v.gender) if v.gender else None) for v in raw]
    return voices, default


def engine_voices() -> list[InstalledVoice]:
    """The installed voices of festival, flite and Piper voice files (speech/engines.py),
    each with its licence note; no engine is started."""
    from knee_desktop.speech.engines import installed_voices

    return [InstalledVoice(id=v.id, name=v.name, languages=v.languages, licence=v.licence)
            for v in installed_voices()]
