"""Start the Qt application and open the main window."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from knee_desktop import APP_ID, __version__
from knee_desktop.common import paths
from knee_desktop.common.desktop_probe import start_bus_probe
from knee_desktop.common.errors import KneeError
from knee_desktop.plan.settings import PlanSettings
from knee_desktop.prefs import user_settings
from knee_desktop.prefs.launch import LaunchOptions
from knee_desktop.runtime.voice_base import NoAudioVoice, SilentVoice, Voice

if TYPE_CHECKING:
    from knee_desktop.desktop.activation import Activator
    from knee_desktop.desktop.single_instance import SingleInstance
    from knee_desktop.runtime.qt_workarounds import UnixSignals
    from knee_desktop.ui.app.wiring import Wiring
    from knee_desktop.ui.session.main_window import MainWindow

log = logging.getLogger(__name__)

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
MADE = "knee_desktop_made"  # the application was named and given its icon


def make_app(argv: list[str] | None = None, plain_text: bool = True) -> QApplication:
    """The application, named, with its icon, and guarded (``ui/plain_text.py``) unless
    ``plain_text`` is False: a launch guards it after the window's first frame."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    if app.property(MADE) is not True:  # once (a launch asks twice; the icon reads files)
        app.setProperty(MADE, True)
        app.setApplicationName("knee-desktop")
        app.setApplicationDisplayName("Knee routine")
        app.setApplicationVersion(__version__)
        app.setDesktopFileName(APP_ID)
        app.setWindowIcon(app_icon())
    if plain_text:  # user text reaches labels, message boxes and tooltips as text
        from knee_desktop.ui.plain_text import guard_plain_text

        guard_plain_text(app)
    return app


def app_icon() -> QIcon:
    """The installed theme icon if there is one, else the shipped PNGs. Each is added with
    its size, so it is read when that size is drawn: without one, Qt decodes all eight
    (up to 512 px) before the window shows."""
    icon = QIcon()
    hicolor = paths.assets_dir() / "icons" / "hicolor"
    for size in ICON_SIZES:
        png = hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        if png.is_file():
            icon.addFile(str(png), QSize(size, size))
    return QIcon.fromTheme(APP_ID, icon)


def bring_to_front(window: QWidget) -> None:
    """Show, un-minimize and raise (a Wayland compositor may only flash it in the task bar)."""
    window.show()
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()


def voice_factory_for(options: LaunchOptions,
                      saved: user_settings.UserSettings | None = None) -> Callable[[], Voice]:
    """Which voice the window gets: pre-rendered speech (or tones) played on the beat;
    ``--silent``: none, knowingly; no audio output: a :class:`NoAudioVoice` that says why."""
    if options.silent:
        return SilentVoice

    def make() -> Voice:
        from knee_desktop.runtime.audio_output import AudioUnavailable
        from knee_desktop.runtime.planning import voice_settings
        from knee_desktop.runtime.voice import choose_voice

        try:
            choice = choose_voice(settings=voice_settings(saved) if saved else None,
                                  tones=saved.tones if saved else False)
        except AudioUnavailable as exc:
            log.warning("%s", exc)
            return NoAudioVoice(str(exc))
        choice.voice.notes.extend(choice.notes)
        return choice.voice

    return make


def start_soon(window: MainWindow) -> None:
    """Start the chosen routine once the event loop runs, unless nothing could be heard:
    then the window already says why, and the user starts it knowingly with Start."""
    if not isinstance(window.voice, NoAudioVoice):
        QTimer.singleShot(0, window.start_session)


def open_window(options: LaunchOptions, saved: user_settings.UserSettings | None = None,
                show: bool = True, rest_later: bool = False, **kwargs: Any) -> MainWindow:
    """Make the window and show it; with ``--start ROUTINE`` the session starts as soon as
    the window is up (its lead-in tells the user how to lie and counts in). With
    ``rest_later`` the caller does the rest after the window's first frame: it guards the
    application's plain text (every label the window has says its text format: a test
    checks it), gives the window its voice (silent until then: the ready screen shows the
    estimated length) and starts the session (:func:`start_soon`)."""
    from knee_desktop.routine.loader import load_catalog
    from knee_desktop.ui.session.main_window import MainWindow

    make_app(plain_text=not rest_later)
    base = saved.to_plan_settings() if saved is not None else None
    window = MainWindow(load_catalog(),
                        SilentVoice if rest_later else voice_factory_for(options, saved),
                        settings=(base or PlanSettings()).validate(), **kwargs)
    if not options.overrides.empty:
        window.plan_once(options.overrides.apply(base))  # this run only, not the next
    start = options.start
    if start:
        window.choose_routine(start)  # an unknown name raises before the window shows
    if show:
        window.show()
    if start and not rest_later:
        start_soon(window)
    return window


def _start_qt() -> QApplication:
    """The application, once the session bus was probed (one that never answers is left
    out). The display was asked for before Qt was imported (``knee_desktop.main``)."""
    no_bus = start_bus_probe().settle()
    app = make_app(plain_text=False)  # guarded after the window's first frame
    if no_bus:
        log.warning("%s", no_bus)
    return app


def run_app(options: LaunchOptions,
            parse_launch: Callable[[Sequence[str]], LaunchOptions | None]) -> int:
    """Open the window (or hand ``options`` to the one already open) and run until quit.
    ``parse_launch`` reads a later launch's arguments. What the window does not need to
    draw itself is set up after its first frame (:mod:`first_frame`)."""
    from knee_desktop.desktop.single_instance import claim_or_hand_over
    from knee_desktop.ui.app.first_frame import AfterFirstFrame
    from knee_desktop.ui.app.wiring import wire_window
    from knee_desktop.ui.theme import apply_theme

    app = _start_qt()
    instance = claim_or_hand_over(list(options.argv))
    if instance is None:
        print("knee-desktop is already open: it was brought to the front.")
        return 0

    loaded = user_settings.load()
    for line in loaded.messages:
        log.warning("%s", line)
    apply_theme(app, loaded.settings.theme)
    window = open_window(options.without_start() if options.tray else options,
                         loaded.settings, show=not options.tray, rest_later=True)
    # before any session can start: it is recorded, and the knee question is asked
    wiring = wire_window(window, loaded.settings, rest_later=True)
    app.aboutToQuit.connect(instance.close)
    app.aboutToQuit.connect(window.driver.close)  # e.g. the tray's Quit: recorded as stopped
    window.driver.started.connect(lambda session: log.info(
        "session started: %s", session.timeline.routine_id))
    rest: list[UnixSignals] = []
    failed: list[Exception] = []

    def then() -> None:
        try:
            activator = _follow_later_launches(window, wiring, instance, parse_launch)
            rest.append(_after_first_frame(app, window, wiring, activator, options, loaded))
        except Exception as exc:  # raised as from run_app: said, never a half-made app
            failed.append(exc)
            app.exit(1)
        finally:
            _collect_garbage_again()

    AfterFirstFrame(window, then)
    try:
        code = app.exec()
    finally:
        for signals in rest:
            signals.close()
    if failed:
        raise failed[0]
    return code


def _after_first_frame(app: QApplication, window: MainWindow, wiring: Wiring,
                       activator: Activator, options: LaunchOptions,
                       loaded: user_settings.LoadResult) -> UnixSignals:
    """The plain-text guard, the voice (and what to know about it), screen-reader
    announcements, media keys, spoken commands, the reminder, problems with the settings
    file, signal handling, then the ``--start`` session or the words on how to start.
    (Later launches are followed already.)"""
    from knee_desktop.ui.app.listening import WindowListening
    from knee_desktop.ui.app.media_link import start_media
    from knee_desktop.ui.app.wiring import start_reminder
    from knee_desktop.ui.plain_text import guard_plain_text
    from knee_desktop.ui.session.keys import say_how_to_start

    guard_plain_text(app)  # the window's own labels say their format (tests check it)
    _give_voice(window, wiring, options, loaded.settings)
    wiring.tell_about_voice()
    wiring.follow_screen_readers()
    media = start_media(window)  # media keys and the desktop's media widget (MPRIS)
    if media is not None:
        app.aboutToQuit.connect(media.player.close)
    wiring.listening, wiring.settings = WindowListening.start(app, window, media,
                                                              options.listen, wiring.settings)
    reminder = start_reminder(app, loaded.settings.reminder, activator.bring_forward)
    wiring.reminder = reminder
    reminder.body = wiring.reminder_body  # how the week is going against the target
    if options.tray and reminder.tray is None:
        bring_to_front(window)  # no tray to live in: show the window after all
    if loaded.messages:  # (the settings room is loaded only then, or when opened)
        from knee_desktop.ui.settings.opening import show_settings_problems

        show_settings_problems(window, loaded.messages)
    signals = _quit_on_signals(window, app)
    if options.start and not options.tray:
        start_soon(window)
    elif window.isVisible():
        QTimer.singleShot(0, lambda: say_how_to_start(window.driver))
    log.info("window: %s", "shown" if window.isVisible() else "in the tray")
    return signals


def _give_voice(window: MainWindow, wiring: Wiring, options: LaunchOptions,
                saved: user_settings.UserSettings) -> None:
    """The window's voice, silent until now: its engine and sound output (~60 ms). Its
    clips (all of them at a first launch: ~2 s) are rendered off this thread, the ready
    screen fitted to them then; unless a session starts now: it renders them before its
    first words anyway."""
    if options.silent:
        return
    voice = voice_factory_for(options, saved)()
    later = hasattr(voice, "source") and not options.start
    window.use_voice(voice, refit=not later)
    if later:
        wiring.voice_switch.warm_up(wiring.settings)


def _collect_garbage_again() -> None:
    """Garbage collection, off since the launch began (``knee_desktop.main``), is turned
    on: once, what the launch left is collected, and what lives on (Qt's types, modules,
    the window) is set aside, so that later collections do not scan it again."""
    gc.collect()
    gc.freeze()
    gc.enable()


def _follow_later_launches(window: MainWindow, wiring: Wiring, instance: SingleInstance,
                           parse_launch: Callable[[Sequence[str]], LaunchOptions | None]
                           ) -> Activator:
    """A later launch brings the window forward, and its ``--start`` starts a session
    (a bad routine or option is said, not raised)."""
    from knee_desktop.desktop.activation import STARTED_NOTICE, Activator

    def act_on(launch: LaunchOptions) -> None:
        """A second launch's ``--start``: a bad routine or option is said, not raised."""
        if not launch.start or window.driver.active:
            return
        try:
            base = wiring.settings.to_plan_settings()
            window.plan_once(launch.overrides.apply(base))
            window.choose_routine(launch.start)
        except KneeError as exc:
            wiring.tell(str(exc))
            return
        start_soon(window)

    activator = Activator(window)

    def handed_over(argv: list[str]) -> None:
        launch = parse_launch(argv)
        starts = launch is not None and bool(launch.start) and not window.driver.active
        activator.bring_forward(instance.token, STARTED_NOTICE if starts else None)
        if launch is not None:
            act_on(launch)

    instance.received.connect(handed_over)
    instance.serve()  # launches that came meanwhile waited for this
    return activator


def _quit_on_signals(window: MainWindow, app: QApplication) -> UnixSignals:
    from knee_desktop.runtime.qt_workarounds import UnixSignals

    def end(signum: int) -> None:
        """SIGTERM (logout) or Ctrl+C: stop a session (recorded as stopped) and quit,
        without asking: there is no one to answer."""
        log.info("signal %d: quitting", signum)
        window.driver.close()
        window.close()
        app.quit()

    return UnixSignals(end)
