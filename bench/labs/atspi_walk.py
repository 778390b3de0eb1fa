"""Walk one application's AT-SPI tree and print it as JSON lines (run with the *system*
python3, which has pyatspi: Debian package python3-pyatspi). Used by bench/labs/a11y.py.

    /usr/bin/python3 bench/labs/atspi_walk.py APP_NAME
"""

import json
import sys

import pyatspi


def text_of(node):
    try:
        t = node.queryText()
    except NotImplementedError:
        return None
    return t.getText(0, -1)


def walk(node, window, depth, out, path=""):
    try:
        role = node.getRoleName()
        states = node.getState()
        showing = states.contains(pyatspi.STATE_SHOWING)
    except Exception:  # a node that went away while walking
        return
    if (role in ("frame", "dialog", "window") or depth == 1) and not window:
        window = node.name
    out.append({"role": role, "name": node.name or "", "description": node.description or "",
                "text": text_of(node), "showing": showing, "window": window,
                "focused": states.contains(pyatspi.STATE_FOCUSED), "depth": depth,
                "path": path})
    if depth > 40:
        return
    for i in range(node.childCount):
        child = node.getChildAtIndex(i)
        if child is not None:
            walk(child, window, depth + 1, out, f"{path}/{role}:{node.name or ''}"[-200:])


def main():
    name = sys.argv[1]
    desktop = pyatspi.Registry.getDesktop(0)
    apps = [desktop.getChildAtIndex(i) for i in range(desktop.childCount)]
    found = [a for a in apps if a is not None and a.name == name]
    if not found:
        print(json.dumps({"error": f"no application {name!r}",
                          "apps": [a.name for a in apps if a is not None]}))
        return 1
    out = []
    walk(found[0], "", 0, out)
    for node in out:
        print(json.dumps(node))
    return 0


if __name__ == "__main__":
    sys.exit(main())
