"""MPRIS2 on the session bus: media keys, headset buttons, the desktop's media widget and the
lock screen control the session.

``org.mpris.MediaPlayer2.knee_desktop`` serves ``org.mpris.MediaPlayer2`` and its ``.Player``
at ``/org/mpris/MediaPlayer2`` (QtDBus adaptors). This module knows nothing of sessions: a
method call becomes :attr:`MediaPlayer.requested` (``"play"``, ``"pause"``, ``"play_pause"``,
``"next"``, ``"previous"``, ``"stop"``, ``"raise"``), delivered *queued* so the D-Bus reply
goes out at once even when the handler opens a dialog; the window calls :meth:`update` and
the change goes out as ``PropertiesChanged``.

No session bus (a bare container, a TTY): :meth:`MediaPlayer.start` logs it once and
returns False; the app runs on without media keys.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from PySide6.QtCore import ClassInfo, Property, QMetaType, QObject, Qt, Signal, Slot
from PySide6.QtDBus import (
    QDBusAbstractAdaptor,
    QDBusArgument,
    QDBusConnection,
    QDBusMessage,
    QDBusObjectPath,
)

log = logging.getLogger(__name__)

SERVICE = "org.mpris.MediaPlayer2.knee_desktop"
PATH = "/org/mpris/MediaPlayer2"
ROOT_IFACE = "org.mpris.MediaPlayer2"
PLAYER_IFACE = "org.mpris.MediaPlayer2.Player"
PROPERTIES_IFACE = "org.freedesktop.DBus.Properties"
TRACK_ROOT = "/io/github/kneedesktop/step"
NO_TRACK = "/org/mpris/MediaPlayer2/TrackList/NoTrack"
REQUESTS = ("play", "pause", "play_pause", "next", "previous", "stop", "raise")
_warned = False


@dataclass(frozen=True)
class PlayerState:
    """What the media widget shows. ``status``: Playing, Paused or Stopped (MPRIS words)."""

    status: str = "Stopped"
    album: str = ""  # the routine
    title: str = ""  # the current step
    progress: str = ""  # "3 of 10" (reps) or "Step 2 of 8"
    step: int = -1  # index of the current step: its track id
    can_play: bool = True
    can_pause: bool = False
    can_go_next: bool = False
    can_go_previous: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        track = f"{TRACK_ROOT}/{self.step}" if self.step >= 0 else NO_TRACK
        data: dict[str, Any] = {"mpris:trackid": QDBusObjectPath(track)}
        if self.title:
            data["xesam:title"] = self.title
        if self.album:
            data["xesam:album"] = self.album
        if self.progress:
            data["xesam:artist"] = [self.progress]
            data["knee:progress"] = self.progress
        data.update(self.extra)
        return data


def _interface(name: str) -> Any:
    """The D-Bus interface name of an adaptor (PySide's stubs do not know ClassInfo's dict)."""
    info: Any = ClassInfo
    return info({"D-Bus Interface": name})


_PLAYER_PROPS = {"status": "PlaybackStatus", "can_play": "CanPlay", "can_pause": "CanPause",
                 "can_go_next": "CanGoNext", "can_go_previous": "CanGoPrevious"}
_METADATA_FIELDS = {"album", "title", "progress", "step", "extra"}


@_interface(ROOT_IFACE)
class _Root(QDBusAbstractAdaptor):
    def __init__(self, player: MediaPlayer) -> None:
        super().__init__(player)
        self._player = player

    @Slot()
    def Raise(self) -> None:  # D-Bus names
        self._player._request("raise")

    @Slot()
    def Quit(self) -> None:
        """CanQuit is false: quitting would end a session without asking."""

    def _identity(self) -> str:
        return self._player.identity

    def _desktop_entry(self) -> str:
        return self._player.desktop_entry

    def _true(self) -> bool:
        return True

    def _false(self) -> bool:
        return False

    def _none(self) -> list[str]:
        return []

    Identity = Property(str, _identity)
    DesktopEntry = Property(str, _desktop_entry)
    CanQuit = Property(bool, _false)
    CanRaise = Property(bool, _true)
    HasTrackList = Property(bool, _false)
    SupportedUriSchemes = Property("QStringList", _none)  # type: ignore[arg-type]
    SupportedMimeTypes = Property("QStringList", _none)  # type: ignore[arg-type]


@_interface(PLAYER_IFACE)
class _Player(QDBusAbstractAdaptor):
    def __init__(self, player: MediaPlayer) -> None:
        super().__init__(player)
        self._player = player

    @Slot()
    def Play(self) -> None:
        self._player._request("play")

    @Slot()
    def Pause(self) -> None:
        self._player._request("pause")

    @Slot()
    def PlayPause(self) -> None:
        self._player._request("play_pause")

    @Slot()
    def Next(self) -> None:
        self._player._request("next")

    @Slot()
    def Previous(self) -> None:
        self._player._request("previous")

    @Slot()
    def Stop(self) -> None:
        self._player._request("stop")

    @Slot("qlonglong")
    def Seek(self, _offset: int) -> None:
        """CanSeek is false: the voice's timing is the session."""

    @Slot(QDBusObjectPath, "qlonglong")
    def SetPosition(self, _track: QDBusObjectPath, _position: int) -> None:
        """CanSeek is false."""

    @Slot(str)
    def OpenUri(self, _uri: str) -> None:
        """No URIs: routines are chosen in the window."""

    def _s(self) -> PlayerState:
        return self._player.state

    def _status(self) -> str:
        return self._s().status

    def _metadata(self) -> dict[str, Any]:
        return self._s().metadata()

    def _position(self) -> int:
        return int(self._player.position_us())

    def _one(self) -> float:
        return 1.0

    def _can_play(self) -> bool:
        return self._s().can_play

    def _can_pause(self) -> bool:
        return self._s().can_pause

    def _can_next(self) -> bool:
        return self._s().can_go_next

    def _can_previous(self) -> bool:
        return self._s().can_go_previous

    def _true(self) -> bool:
        return True

    def _false(self) -> bool:
        return False

    PlaybackStatus = Property(str, _status)
    Metadata = Property("QVariantMap", _metadata)  # type: ignore[arg-type]
    Position = Property("qlonglong", _position)  # type: ignore[arg-type]
    Rate = Property(float, _one)
    MinimumRate = Property(float, _one)
    MaximumRate = Property(float, _one)
    Volume = Property(float, _one)
    CanPlay = Property(bool, _can_play)
    CanPause = Property(bool, _can_pause)
    CanGoNext = Property(bool, _can_next)
    CanGoPrevious = Property(bool, _can_previous)
    CanSeek = Property(bool, _false)
    CanControl = Property(bool, _true)


class MediaPlayer(QObject):
    """The MPRIS object. ``requested(str)`` is one of :data:`REQUESTS`; :meth:`update`
    changes what is shown and signals it."""

    requested = Signal(str)
    _incoming = Signal(str)

    def __init__(self, identity: str = "Knee routine", desktop_entry: str = "",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.identity = identity
        self.desktop_entry = desktop_entry
        self.state = PlayerState()
        # Set by the owner: the session position in microseconds (MPRIS's Position).
        self.position_us: Callable[[], int] = lambda: 0
        self.bus: QDBusConnection | None = None
        self._root = _Root(self)
        self._player = _Player(self)
        # Queued: the D-Bus call is answered before the handler runs (it may open a dialog).
        self._incoming.connect(self.requested, Qt.ConnectionType.QueuedConnection)

    def start(self, bus: QDBusConnection | None = None) -> bool:
        """Register on ``bus`` (the session bus by default). False, logged once per process,
        when there is no bus or the name is taken."""
        bus = bus if bus is not None else QDBusConnection.sessionBus()
        problem = ""
        if not bus.isConnected():
            problem = f"no D-Bus session bus ({bus.lastError().message() or 'not connected'})"
        elif not bus.registerObject(PATH, self,
                                    QDBusConnection.RegisterOption.ExportAdaptors):
            problem = f"cannot register {PATH}: {bus.lastError().message()}"
        elif not bus.registerService(SERVICE):
            bus.unregisterObject(PATH)
            problem = f"cannot own {SERVICE}: {bus.lastError().message() or 'name taken'}"
        if problem:
            _warn_once(f"Media keys and the desktop's media controls are off: {problem}.")
            return False
        self.bus = bus
        log.info("MPRIS: %s on the session bus", SERVICE)
        return True

    def close(self) -> None:
        if self.bus is not None:
            self.bus.unregisterService(SERVICE)
            self.bus.unregisterObject(PATH)
            self.bus = None

    def update(self, **changes: Any) -> None:
        """Change the shown state (fields of :class:`PlayerState`); what changed is signalled
        as one ``PropertiesChanged``."""
        new = replace(self.state, **changes)
        if new == self.state:
            return
        old, self.state = self.state, new
        changed: dict[str, Any] = {}
        for f in fields(PlayerState):
            if getattr(old, f.name) == getattr(new, f.name):
                continue
            if f.name in _PLAYER_PROPS:
                changed[_PLAYER_PROPS[f.name]] = getattr(new, f.name)
            elif f.name in _METADATA_FIELDS:
                changed["Metadata"] = new.metadata()
        if changed and self.bus is not None:
            signal = QDBusMessage.createSignal(PATH, PROPERTIES_IFACE, "PropertiesChanged")
            signal.setArguments([PLAYER_IFACE, changed, _no_strings()])
            self.bus.send(signal)

    def _request(self, what: str) -> None:
        self._incoming.emit(what)


def _no_strings() -> QDBusArgument:
    """An empty ``as`` for PropertiesChanged's invalidated names (a Python ``[]`` would go
    out as ``av``)."""
    arg = QDBusArgument()
    arg.beginArray(QMetaType(QMetaType.Type.QString.value))
    arg.endArray()
    return arg


def _warn_once(message: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        log.warning("%s", message)
