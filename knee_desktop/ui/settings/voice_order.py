"""The voice list in the order a user needs it: voices that can speak the routines'
language first (espeak offers 131 languages; English text read by a Swahili voice is
not a useful choice), the rest after a separator."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox

from knee_desktop.speech.voices import InstalledVoice

ROUTINE_LANGUAGE = "en"  # the routines' words are English
LANGUAGE_NAMES = {"en": "English"}


def speaks(voice: InstalledVoice, language: str = ROUTINE_LANGUAGE) -> bool:
    """``en`` matches ``en``, ``en-gb``, ``en_US``; a voice without languages, by name."""
    codes = [code.lower().replace("_", "-").split("-")[0] for code in voice.languages]
    if codes:
        return language in codes
    return voice.name.lower().startswith(LANGUAGE_NAMES.get(language, language).lower())


def by_language(voices: list[InstalledVoice], language: str = ROUTINE_LANGUAGE
                ) -> tuple[list[InstalledVoice], list[InstalledVoice]]:
    """(voices that speak ``language``, the others), each sorted by name."""
    ordered = sorted(voices, key=lambda v: v.name.lower())
    return ([v for v in ordered if speaks(v, language)],
            [v for v in ordered if not speaks(v, language)])


def fill_voices(box: QComboBox, voices: list[InstalledVoice], default: str, chosen: str,
                named: Callable[[str], str | None] = lambda _id: None) -> str:
    """Fill the settings' voice box: the default voice, the voices that speak the
    routines' language, a separator, the others (and a chosen voice not among them, as
    ``named`` calls it, e.g. a natural voice file, or "not installed").
    Returns the status line."""
    box.clear()
    default_voice = next((v for v in voices if v.id == default), None)
    box.addItem("Default voice" + (f": {default_voice.label}" if default_voice else ""), "")
    fitting, others = by_language(voices)
    for v in fitting:
        box.addItem(v.label, v.id)
    if fitting and others:
        box.insertSeparator(box.count())
    for v in others:
        box.addItem(v.label, v.id)
    if chosen and box.findData(chosen) < 0:
        box.addItem(named(chosen) or f"{chosen} (not installed)", chosen)
    return (f"{len(voices)} voices installed; {len(fitting)} speak "
            f"{LANGUAGE_NAMES[ROUTINE_LANGUAGE]}, listed first.")
