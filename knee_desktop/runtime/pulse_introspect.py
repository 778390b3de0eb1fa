"""Ask the sound server about our own output stream, through libpulse (ctypes).

Qt's audio output does not report how long a sample takes from Qt to the speaker. The
sound server knows: for each playing stream ("sink input") PulseAudio reports the sound
it holds for it (``buffer_usec``) and the output's own latency (``sink_usec``), and
pipewire-pulse lists the buffer the stream asked for (``pulse.attr.tlength``). This module
reads those figures for the stream Qt opened in this process; libpulse is the library Qt's
audio backend already loaded. Nothing is recorded and nothing is played.

Every call gives up quietly (returns None) when libpulse or the server is not there: the
caller then says in the log that it uses its built-in figure.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

TIMEOUT = 2.0
HANG_TIMEOUT = 1.0  # a server on this machine answers a new connection in milliseconds
_READY, _FAILED, _TERMINATED = 4, 5, 6  # pa_context_state
_NOAUTOSPAWN = 1  # pa_context_flags: never start a server of our own


class _SampleSpec(ctypes.Structure):
    _fields_ = [("format", ctypes.c_int), ("rate", ctypes.c_uint32),
                ("channels", ctypes.c_uint8)]


class _ChannelMap(ctypes.Structure):
    _fields_ = [("channels", ctypes.c_uint8), ("map", ctypes.c_int * 32)]


class _CVolume(ctypes.Structure):
    _fields_ = [("channels", ctypes.c_uint8), ("values", ctypes.c_uint32 * 32)]


class _SinkInputInfo(ctypes.Structure):
    """``pa_sink_input_info`` (libpulse 0.9.22 and later, unchanged since)."""

    _fields_ = [("index", ctypes.c_uint32), ("name", ctypes.c_char_p),
                ("owner_module", ctypes.c_uint32), ("client", ctypes.c_uint32),
                ("sink", ctypes.c_uint32), ("sample_spec", _SampleSpec),
                ("channel_map", _ChannelMap), ("volume", _CVolume),
                ("buffer_usec", ctypes.c_uint64), ("sink_usec", ctypes.c_uint64),
                ("resample_method", ctypes.c_char_p), ("driver", ctypes.c_char_p),
                ("mute", ctypes.c_int), ("proplist", ctypes.c_void_p),
                ("corked", ctypes.c_int), ("has_volume", ctypes.c_int),
                ("volume_writable", ctypes.c_int), ("format", ctypes.c_void_p)]


class _ClientInfo(ctypes.Structure):
    """``pa_client_info``."""

    _fields_ = [("index", ctypes.c_uint32), ("name", ctypes.c_char_p),
                ("owner_module", ctypes.c_uint32), ("driver", ctypes.c_char_p),
                ("proplist", ctypes.c_void_p)]


_CLIENT_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(_ClientInfo),
                              ctypes.c_int, ctypes.c_void_p)
_INFO_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(_SinkInputInfo),
                            ctypes.c_int, ctypes.c_void_p)
_STATE_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)

_PROPS = ("application.process.id", "media.name", "pulse.attr.tlength",
          "pulse.attr.minreq", "node.latency")


@dataclass(frozen=True)
class SinkInput:
    """One playing stream as the server describes it."""

    index: int
    rate: int
    channels: int
    buffer_usec: int
    sink_usec: int
    driver: str
    props: dict[str, str] = field(default_factory=dict)

    @property
    def reports_latency(self) -> bool:
        """PulseAudio fills in both figures; pipewire-pulse (0.3.65) reports zeros."""
        return self.buffer_usec > 0 or self.sink_usec > 0

    @property
    def requested_buffer(self) -> float | None:
        """The target buffer the stream asked for, seconds (pipewire-pulse lists it)."""
        tlength = self.props.get("pulse.attr.tlength", "")
        if not tlength.isdigit() or not self.rate:
            return None
        return int(tlength) / (2 * self.channels * self.rate)  # s16 samples


def _load() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("pulse") or "libpulse.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    vp = ctypes.c_void_p
    for fn, res, args in (
            ("pa_threaded_mainloop_new", vp, []),
            ("pa_threaded_mainloop_free", None, [vp]),
            ("pa_threaded_mainloop_start", ctypes.c_int, [vp]),
            ("pa_threaded_mainloop_stop", None, [vp]),
            ("pa_threaded_mainloop_lock", None, [vp]),
            ("pa_threaded_mainloop_unlock", None, [vp]),
            ("pa_threaded_mainloop_wait", None, [vp]),
            ("pa_threaded_mainloop_signal", None, [vp, ctypes.c_int]),
            ("pa_threaded_mainloop_get_api", vp, [vp]),
            ("pa_context_new", vp, [vp, ctypes.c_char_p]),
            ("pa_context_connect", ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_int, vp]),
            ("pa_context_disconnect", None, [vp]),
            ("pa_context_unref", None, [vp]),
            ("pa_context_get_state", ctypes.c_int, [vp]),
            ("pa_context_set_state_callback", None, [vp, _STATE_CB, vp]),
            ("pa_context_get_sink_input_info_list", vp, [vp, _INFO_CB, vp]),
            ("pa_context_get_client_info_list", vp, [vp, _CLIENT_CB, vp]),
            ("pa_context_get_index", ctypes.c_uint32, [vp]),
            ("pa_operation_get_state", ctypes.c_int, [vp]),
            ("pa_operation_unref", None, [vp]),
            ("pa_proplist_gets", ctypes.c_char_p, [vp, ctypes.c_char_p])):
        func = getattr(lib, fn)
        func.restype = res
        func.argtypes = args
    return lib


class PulseIntrospect:
    """A libpulse connection of our own to the server Qt plays to (``PULSE_SERVER`` or
    the default), used only to list sink inputs. Close it when done."""

    def __init__(self, name: str = "knee-desktop latency") -> None:
        self._name = name.encode()
        self._lib = _load()
        self._loop: int | None = None
        self._ctx: int | None = None
        self._state_cb = _STATE_CB(self._on_state)  # kept alive while connected
        self.timed_out = False  # the server took the connection but never answered
        self.timeout = TIMEOUT

    def _on_state(self, ctx: int, userdata: int) -> None:
        assert self._lib is not None
        self._lib.pa_threaded_mainloop_signal(self._loop, 0)

    def connect(self) -> bool:
        lib = self._lib
        if lib is None:
            return False
        self._loop = lib.pa_threaded_mainloop_new()
        if not self._loop:
            return False
        self._ctx = lib.pa_context_new(lib.pa_threaded_mainloop_get_api(self._loop),
                                       self._name)
        lib.pa_context_set_state_callback(self._ctx, self._state_cb, None)
        if lib.pa_context_connect(self._ctx, None, _NOAUTOSPAWN, None) < 0:
            return False
        if lib.pa_threaded_mainloop_start(self._loop) < 0:
            return False
        done = threading.Event()
        timer = threading.Timer(self.timeout, self._expire, (done,))
        timer.start()
        lib.pa_threaded_mainloop_lock(self._loop)
        try:
            while True:
                state = int(lib.pa_context_get_state(self._ctx))
                if state == _READY or state in (_FAILED, _TERMINATED) or done.is_set():
                    self.timed_out = state not in (_READY, _FAILED, _TERMINATED)
                    return state == _READY
                lib.pa_threaded_mainloop_wait(self._loop)
        finally:
            lib.pa_threaded_mainloop_unlock(self._loop)
            timer.cancel()

    def _expire(self, flag: threading.Event) -> None:
        """Give up waiting: set ``flag`` and wake the waiting thread."""
        flag.set()
        if self._lib is not None and self._loop:
            self._lib.pa_threaded_mainloop_lock(self._loop)
            self._lib.pa_threaded_mainloop_signal(self._loop, 0)
            self._lib.pa_threaded_mainloop_unlock(self._loop)

    def sink_inputs(self) -> list[SinkInput] | None:
        """Every playing stream on the server, or None if the server did not answer."""
        lib = self._lib
        if lib is None or not self._ctx:
            return None
        found: list[SinkInput] = []
        finished = threading.Event()

        def on_info(ctx: int, info: ctypes._Pointer[_SinkInputInfo], eol: int,
                    userdata: int) -> None:
            if eol or not info:
                finished.set()
            else:
                i = info.contents
                props = {}
                for key in _PROPS:
                    value = lib.pa_proplist_gets(i.proplist, key.encode())
                    if value is not None:
                        props[key] = value.decode(errors="replace")
                found.append(SinkInput(i.index, i.sample_spec.rate, i.sample_spec.channels,
                                       i.buffer_usec, i.sink_usec,
                                       (i.driver or b"").decode(errors="replace"), props))
            lib.pa_threaded_mainloop_signal(self._loop, 0)

        if not self._wait_for(lib.pa_context_get_sink_input_info_list, _INFO_CB(on_info),
                              finished):
            return None
        return found

    def other_clients_of_this_process(self) -> int | None:
        """How many other connections this process has to the server (Qt's sound engine
        holds one while it is connected); None if the server did not answer."""
        lib = self._lib
        if lib is None or not self._ctx:
            return None
        ours = int(lib.pa_context_get_index(self._ctx))
        pids: list[tuple[int, str | None]] = []
        finished = threading.Event()

        def on_info(ctx: int, info: ctypes._Pointer[_ClientInfo], eol: int,
                    userdata: int) -> None:
            if eol or not info:
                finished.set()
            else:
                pid = lib.pa_proplist_gets(info.contents.proplist, b"application.process.id")
                pids.append((info.contents.index, pid.decode() if pid else None))
            lib.pa_threaded_mainloop_signal(self._loop, 0)

        if not self._wait_for(lib.pa_context_get_client_info_list, _CLIENT_CB(on_info),
                              finished):
            return None
        return sum(1 for index, pid in pids if pid == str(os.getpid()) and index != ours)

    def _wait_for(self, request: Callable[..., int | None], callback: object,
                  finished: threading.Event) -> bool:
        """Send ``request`` with ``callback``; wait (at most TIMEOUT) until it set
        ``finished``."""
        lib = self._lib
        assert lib is not None
        expired = threading.Event()
        timer = threading.Timer(TIMEOUT, self._expire, (expired,))
        timer.start()
        lib.pa_threaded_mainloop_lock(self._loop)
        try:
            op = request(self._ctx, callback, None)
            if not op:
                return False
            while not finished.is_set() and not expired.is_set():
                lib.pa_threaded_mainloop_wait(self._loop)
            lib.pa_operation_unref(op)
        finally:
            lib.pa_threaded_mainloop_unlock(self._loop)
            timer.cancel()
        return finished.is_set()

    def own_stream(self) -> SinkInput | None:
        """The newest output stream Qt opened in this process (Qt names its streams
        ``QtmPulseStream-<pid>-...``)."""
        mine = [s for s in self.sink_inputs() or []
                if s.props.get("application.process.id") == str(os.getpid())
                and s.props.get("media.name", "").startswith("QtmPulseStream")]
        return max(mine, key=lambda s: s.index) if mine else None

    def close(self) -> None:
        lib = self._lib
        if lib is None:
            return
        if self._loop:
            lib.pa_threaded_mainloop_stop(self._loop)
        if self._ctx:
            lib.pa_context_disconnect(self._ctx)
            lib.pa_context_unref(self._ctx)
            self._ctx = None
        if self._loop:
            lib.pa_threaded_mainloop_free(self._loop)
            self._loop = None


def server_hangs(timeout: float = HANG_TIMEOUT) -> bool:
    """Whether a sound server is there but does not answer (stopped, or stuck): Qt's own
    connection would then wait about 30 s before it gives up, in the thread that asked.
    Quick when the server answers or is not there at all. Never starts a server."""
    server = PulseIntrospect("knee-desktop probe")
    server.timeout = timeout
    try:
        server.connect()
        return server.timed_out
    finally:
        server.close()


def sound_engine_connected() -> bool | None:
    """Whether the server is there (None: not) and Qt's sound engine in this process is
    connected to it (it reconnects on its own a few seconds after losing the server, and
    gives up if the server is not there then). Never starts a server. Blocks up to
    TIMEOUT: call it off the GUI thread."""
    server = PulseIntrospect("knee-desktop watch")
    try:
        if not server.connect():
            return None
        others = server.other_clients_of_this_process()
        return None if others is None else others > 0
    finally:
        server.close()
