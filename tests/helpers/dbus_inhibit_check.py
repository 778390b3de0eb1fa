"""Run under ``dbus-run-session``: a fake org.freedesktop.ScreenSaver in a child process,
and the app's inhibitor in this one. Prints what the fake saw, one call per line."""

from __future__ import annotations

import os
import subprocess
import sys

FAKE = r'''
import sys
from PySide6.QtCore import SLOT, ClassInfo, QCoreApplication, QObject, Slot
from PySide6.QtDBus import QDBusConnection

app = QCoreApplication([])


@ClassInfo({"D-Bus Interface": "org.freedesktop.ScreenSaver"})
class Fake(QObject):
    @Slot(str, str, result="uint")
    def Inhibit(self, name, reason):
        print("Inhibit", name, "|", reason, flush=True)
        return 42


class Watcher(QObject):
    @Slot(str, str, str)
    def gone(self, name, old, new):
        if old and not new and name.startswith(":"):
            print("left-bus", flush=True)


bus = QDBusConnection.sessionBus()
fake = Fake()
bus.registerObject("/org/freedesktop/ScreenSaver", fake,
                   QDBusConnection.RegisterOption.ExportAllSlots)
watcher = Watcher()
bus.connect("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
            "NameOwnerChanged", watcher, SLOT("gone(QString,QString,QString)"))
assert bus.registerService("org.freedesktop.ScreenSaver")
print("ready", flush=True)
app.exec()
'''


def main() -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    fake = subprocess.Popen([sys.executable, "-c", FAKE], stdout=subprocess.PIPE, text=True)
    assert fake.stdout is not None
    try:
        assert fake.stdout.readline().strip() == "ready"
        from PySide6.QtCore import QCoreApplication

        from knee_desktop.desktop.inhibit import ScreenSaverInhibitor

        app = QCoreApplication([])
        inhibitor = ScreenSaverInhibitor()
        answers: list[bool] = []
        inhibitor.inhibit(answers.append)  # never waits: the answer comes on the event loop
        asked = inhibitor.active
        while not answers:
            app.processEvents()
        print("inhibit", answers[0], inhibitor.active, asked, flush=True)
        print(fake.stdout.readline().strip(), flush=True)
        inhibitor.release()
        print("released", inhibitor.active, flush=True)
        print(fake.stdout.readline().strip(), flush=True)
        del app
    finally:
        fake.terminate()
        fake.wait(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
