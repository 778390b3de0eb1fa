"""A voice changed in Settings: its clips are rendered in the background, and the next
session speaks with it.

Rendering a new voice's session (festival: ~1 s, a Piper voice: several seconds) in the
window's thread would freeze the ready screen, so a worker thread builds the new speech
source (``runtime.voice.speech_source``: a missing voice or engine falls back to the
default voice, with a note) and renders with that source the chosen routine's session,
its prompts and spoken pieces into the cache (``fit_speech``, with the driver's
``extra_phrases``: what the ready screen and the session then read, warm).
Back in the window's thread the window's voice takes the new source, between sessions
(after the running one ends, if one runs), and the ready screen is planned again. Notes
and failures are said by the voice the user hears now (and shown): a voice that cannot
render (a broken voice file) leaves the previous voice in place.

A launch uses it too (:meth:`VoiceSwitch.warm_up`): the window's voice is made after its
first frame, and the chosen routine's clips are rendered here (the first launch has none:
about 2 s of speech rendering the window would otherwise wait for), the ready screen
showing the estimated length meanwhile. Its notes were told with the voice.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from knee_desktop.common.errors import KneeError
from knee_desktop.prefs import user_settings as us
from knee_desktop.speech.clip import ClipError

if TYPE_CHECKING:
    from knee_desktop.ui.session.main_window import MainWindow

log = logging.getLogger(__name__)


class VoiceSwitch(QObject):
    """Renders a new voice off the window's thread and hands it to the window's voice."""

    rendered = Signal(object)  # (source or None, notes, error or None), from the worker
    switched = Signal(str)  # the voice setting now spoken ("" = default), or "kept: why"
    progress = Signal(int, int)  # phrases rendered, of how many (from the worker)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.pending: tuple[Any, list[str]] | None = None
        self.worker: threading.Thread | None = None
        self._generation = 0
        self._warming = -1  # the generation that warms up the launch's voice
        self.rendered.connect(self._on_rendered)
        self.progress.connect(self._on_progress)
        window.driver.done.connect(lambda *_: self._apply_pending())  # after its last words

    def warm_up(self, settings: us.UserSettings) -> None:
        """At launch: render the chosen routine's clips for the window's voice (made with
        ``settings``) and fit the ready screen to them; nothing is said about it."""
        self.change(settings)
        self._warming = self._generation

    def change(self, new: us.UserSettings) -> None:
        """Start rendering ``new``'s voice (a later change supersedes this one)."""
        if not hasattr(self.window.voice, "source"):
            return  # silent, or no audio output: there is no speech to switch
        self._generation += 1
        routine, plan = self.window.routine, self.window.next_settings()
        self.worker = threading.Thread(target=self._render, name="voice-switch", daemon=True,
                                       args=(self._generation, new, routine, plan))
        self.worker.start()

    def _render(self, generation: int, new: us.UserSettings, routine: Any, plan: Any) -> None:
        from knee_desktop.runtime.driver import SessionDriver
        from knee_desktop.runtime.planning import fit_speech, voice_settings
        from knee_desktop.runtime.voice import speech_source
        from knee_desktop.speech.render import SpeechCache, SpeechUnavailable

        try:
            source, notes = speech_source(voice_settings(new), new.tones)
            if isinstance(source, SpeechCache) and routine is not None:
                try:  # the clips this source plays: the session's, its prompts' and pieces'
                    _timeline, source, fitted = fit_speech(
                        routine, plan, source, self.progress.emit,
                        extra=SessionDriver.extra_phrases(routine, plan))
                    notes = [*notes, *fitted]
                except KneeError as exc:  # the voice works; this session does not fit it
                    notes = [*notes, str(exc)]
            result: tuple[Any, list[str], str | None] = (source, notes, None)
        except (ClipError, SpeechUnavailable, OSError) as exc:  # it cannot speak
            result = (None, [], str(exc))
        self.rendered.emit((generation, *result))

    def _on_progress(self, done: int, total: int) -> None:
        bar = self.window.statusBar()
        if done < total:  # one line that counts up, as the terminal's progress does
            what = "the voice" if self._warming == self._generation else "the new voice"
            bar.showMessage(f"Preparing {what}: {done} of {total} phrases…")
        elif bar.currentMessage().startswith("Preparing "):
            bar.clearMessage()  # done: the count does not stay behind

    def _on_rendered(self, result: tuple[int, Any, list[str], str | None]) -> None:
        generation, source, notes, error = result
        if generation != self._generation:
            return  # a newer change is rendering
        if error is not None and generation == self._warming:
            log.warning("the voice could not be prepared: %s", error)  # (as a session's
            self.window.statusBar().showMessage(error)  # start would find: it says so)
            return
        if error is not None:
            self._tell(f"The new voice could not be used ({error.rstrip('.')}). The voice "
                       "you had speaks on; choose another in Settings.")
            self.switched.emit(f"kept: {error}")
            return
        # the launch's voice told its notes when it was made: they are not told again
        self.pending = (source, [] if generation == self._warming else notes)
        self._apply_pending()

    def _apply_pending(self) -> None:
        window = self.window
        if self.pending is None or window.driver.active or window.driver.ending:
            return  # after the running session
        source, notes = self.pending
        self.pending = None
        window.voice.source = source  # type: ignore[attr-defined]  # a ClipVoice
        if window.routine is not None:
            window.set_plan_settings(window.plan_settings)  # the ready screen, warm
        for note in notes:
            self._tell(note)
        settings = getattr(source, "settings", None)
        self.switched.emit(str(getattr(settings, "voice", None) or ""))

    def _tell(self, text: str) -> None:
        log.warning("%s", text)
        self.window.statusBar().showMessage(text)
        if self.window.voice.speaks:
            self.window.driver.say(text)
