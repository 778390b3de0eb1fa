"""Start Orca for the lab, privately (run with the system python3; used by bench/labs/orca.py).

``/usr/bin/orca`` allows one Orca per user: it looks for other processes named ``orca``
(``pgrep -u UID -x orca``) and exits if it finds one, or with ``--replace`` kills them all.
The lab's Orca must do neither: a developer's own screen reader, or a lab running in another
test worker, belongs to someone else. So this runs ``/usr/bin/orca``'s own ``main()`` with
that check answered "none" and without renaming the process to ``orca`` (so no other Orca
finds this one either). Everything else is Orca's: its arguments, settings, debug file.

    /usr/bin/python3 -P bench/labs/orca_run.py --debug-file=FILE

(-P: its own folder is not put first on the path, where bench/labs/orca.py would hide
Orca's own ``orca`` package.)
"""

import sys

ORCA = "/usr/bin/orca"


def main():
    with open(ORCA, encoding="utf-8") as f:
        code = compile(f.read(), ORCA, "exec")
    launcher = {"__name__": "orca_launcher", "__file__": ORCA}
    exec(code, launcher)  # defines main(), otherOrcas(), setProcessName(); runs nothing
    launcher["otherOrcas"] = lambda: []
    launcher["setProcessName"] = lambda name: None
    sys.argv = [ORCA, *sys.argv[1:]]
    return launcher["main"]()


if __name__ == "__main__":
    sys.exit(main())
