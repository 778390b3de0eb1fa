"""A private X display (Xvfb) for a real window: ``-displayfd`` picks a free display;
stopped by its pid."""

from __future__ import annotations

import os
import subprocess
import tempfile
from typing import Any

from bench.labs import REPO, run_module


def start_xvfb(size: str = "1366x768x24") -> tuple[subprocess.Popen[bytes], str]:
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", size,
                             "-nolisten", "tcp"], pass_fds=(write,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        xvfb.kill()
        raise RuntimeError("Xvfb did not start")
    return xvfb, f":{number}"


def stop(process: subprocess.Popen[Any], grace: float = 5.0) -> None:
    """SIGTERM, ``grace`` seconds to exit, then SIGKILL (any lab's child, by its pid)."""
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def run_module_in_xvfb(module: str, *args: str, timeout: float) -> int:
    """``python -m MODULE ARGS`` in a private Xvfb (the xcb platform) with throw-away XDG
    directories (no real user data is read or written); its exit code. The Xvfb is
    stopped, by its pid, whatever happens."""
    xvfb, display = start_xvfb()
    try:
        with tempfile.TemporaryDirectory(prefix="knee-xvfb-run-") as home:
            env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb",
                       XDG_CONFIG_HOME=f"{home}/config", XDG_DATA_HOME=f"{home}/data",
                       XDG_CACHE_HOME=f"{home}/cache", XDG_STATE_HOME=f"{home}/state")
            env.pop("WAYLAND_DISPLAY", None)
            return subprocess.run(run_module(module, *args), env=env, cwd=REPO, check=False,
                                  timeout=timeout).returncode
    finally:
        stop(xvfb)
