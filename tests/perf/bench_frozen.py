"""Frozen build: folder size, and start-up to the sign-in window frozen vs `python main.py`.

Both programs start on the same private Xvfb display and the same demo database, runs
interleaved; the time is until the sign-in window is mapped (xwininfo), a clerk's wait.
Builds the app from packaging/thiduakhenthuong.spec (about a minute) unless TDKT_FROZEN_DIR
names a folder built before.
"""
import os
import shutil
import sys
import tempfile

from tests import frozen
from tests.perf.common import ROOT, demo_db
from tests.perf.run import Result

SIZE_GOAL_MB = 250


def run(quick=False):
    folder = os.environ.get("TDKT_FROZEN_DIR")
    if not folder:
        made = tempfile.mkdtemp(prefix="tdkt-frozen-")
        try:
            return _run(quick, *frozen.build(made))
        finally:
            shutil.rmtree(made, ignore_errors=True)      # ~280 MB a build
    return _run(quick, folder, None)


def _run(quick, folder, seconds):
    build_note = "reused" if seconds is None else f"built in {seconds:.0f} s"
    size_mb = frozen.folder_size(folder) / 1024 ** 2
    path = demo_db("small")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["TDKT_DATA_DIR"] = os.path.dirname(path)
    titles = [frozen.LOGIN_TITLE]
    programs = {"frozen": [os.path.join(folder, frozen.APP), "--db", path],
                "source": [sys.executable, os.path.join(ROOT, "main.py"), "--db", path]}
    best = {}
    with frozen.Xvfb() as xvfb:
        for _ in range(2 if quick else 4):
            for name, argv in programs.items():
                seconds = frozen.time_to_window(xvfb, argv, env, titles)
                best[name] = min(best.get(name, seconds), seconds)
    ratio = best["frozen"] / best["source"]
    return [
        Result("frozen build: one-folder size", size_mb, "MB", f"< {SIZE_GOAL_MB} MB",
               size_mb < SIZE_GOAL_MB, build_note),
        Result("frozen build: start-up to sign-in", ratio, "×", "≤ 1.2×", ratio <= 1.2,
               f"{best['frozen'] * 1000:.0f} ms vs python main.py "
               f"{best['source'] * 1000:.0f} ms"),
    ]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
