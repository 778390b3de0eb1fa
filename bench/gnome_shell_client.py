"""A client of a (private) GNOME Shell, run with the *system* python3 (python3-gi): used by
``bench/gnome_shell_lab.py``. Reads one command a line on stdin, answers one JSON line:

    keys KEYSYM[+KEYSYM...]   press and release, through Mutter's RemoteDesktop API
    click X Y                 move the pointer to (X, Y) and click the left button
    windows                   org.gnome.Shell.Introspect.GetWindows
    overview                  is the overview showing (org.gnome.Shell OverviewActive)
    shot PATH                 org.gnome.Shell.Screenshot.Screenshot into PATH
    eval JS                   (not used: Eval needs the shell's unsafe mode)

GNOME Shell 43 lets only a few callers take screenshots or list windows: it checks that the
caller owns one of the names its portal and screenshot tool use. In a private test session
this client owns them (``org.gnome.Screenshot`` and the GNOME portal's name) before asking.
"""

import json
import sys

from gi.repository import Gio, GLib

KEYSYMS = {"F11": 0xFFC8, "Super": 0xFFEB, "Return": 0xFF0D, "Escape": 0xFF1B,
           "space": 0x20, "Tab": 0xFF09, "Down": 0xFF54}
NAMES = ("org.gnome.Screenshot", "org.freedesktop.impl.portal.desktop.gnome")
RD = "org.gnome.Mutter.RemoteDesktop"


def call(bus, name, path, iface, method, args=None, reply=None):
    return bus.call_sync(name, path, iface, method, args,
                         GLib.VariantType(reply) if reply else None,
                         Gio.DBusCallFlags.NONE, 10000, None)


def own(bus):
    for name in NAMES:
        call(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
             "RequestName", GLib.Variant("(su)", (name, 4)), "(u)")


def keysym(name):
    return KEYSYMS.get(name) or ord(name)


class Keyboard:
    def __init__(self, bus):
        self.bus = bus
        self.path = call(bus, RD, "/org/gnome/Mutter/RemoteDesktop", RD, "CreateSession",
                         None, "(o)").unpack()[0]
        call(bus, RD, self.path, RD + ".Session", "Start")

    def press(self, combo):
        keys = [keysym(k) for k in combo.split("+")]
        for down in (True, False):
            for k in (keys if down else reversed(keys)):
                call(self.bus, RD, self.path, RD + ".Session", "NotifyKeyboardKeysym",
                     GLib.Variant("(ub)", (k, down)))
                GLib.usleep(30000)

    def click(self, x, y):
        session = RD + ".Session"
        for dx, dy in ((-10000.0, -10000.0), (float(x), float(y))):  # to 0,0, then there
            call(self.bus, RD, self.path, session, "NotifyPointerMotionRelative",
                 GLib.Variant("(dd)", (dx, dy)))
            GLib.usleep(50000)
        for down in (True, False):
            call(self.bus, RD, self.path, session, "NotifyPointerButton",
                 GLib.Variant("(ib)", (0x110, down)))  # BTN_LEFT
            GLib.usleep(50000)


def main():
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    own(bus)
    GLib.usleep(300000)  # the shell's sender checker sees the new owners
    keyboard = Keyboard(bus)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        try:
            if command == "keys":
                for combo in arg.split():
                    keyboard.press(combo)
                out = {"ok": True}
            elif command == "click":
                x, y = arg.split()
                keyboard.click(int(x), int(y))
                out = {"ok": True}
            elif command == "overview":
                got = call(bus, "org.gnome.Shell", "/org/gnome/Shell",
                           "org.freedesktop.DBus.Properties", "Get",
                           GLib.Variant("(ss)", ("org.gnome.Shell", "OverviewActive")),
                           "(v)").unpack()[0]
                out = {"overview": bool(got)}
            elif command == "windows":
                got = call(bus, "org.gnome.Shell.Introspect", "/org/gnome/Shell/Introspect",
                           "org.gnome.Shell.Introspect", "GetWindows", None,
                           "(a{ta{sv}})").unpack()[0]
                out = {"windows": [dict(v, id=k) for k, v in got.items()]}
            elif command == "shot":
                ok, used = call(bus, "org.gnome.Shell.Screenshot",
                                "/org/gnome/Shell/Screenshot", "org.gnome.Shell.Screenshot",
                                "Screenshot", GLib.Variant("(bbs)", (False, False, arg)),
                                "(bs)").unpack()
                out = {"ok": ok, "file": used}
            else:
                out = {"error": f"unknown command {command!r}"}
        except GLib.Error as exc:
            out = {"error": exc.message}
        print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
