"""Python's cyclic collector never frees a Qt object on a reading thread (gui/gc_policy.py).

A collection runs on whichever thread allocates past the threshold, and a page read on the
reading thread (80,000 rows) sets many off there. One that found a closed window's context
in a reference ring (its ServerWatch and its poll's Loader make such rings) deleted the
QObject on the reading thread: Qt cannot stop the context's running poll timer from there
("Timers cannot be stopped from another thread"), the window's event loop later fired the
freed timer, and the program crashed (the full suite segfaulted in the dead-server test,
tests/test_gui_server_stall.py, once Phong trào read its list on the reading thread).
Run in a child process: without the fix the failure is a segfault."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHILD = r"""
import gc, os, sys, threading
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["TDKT_GUI_INLINE"] = "0"
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from gui import background
from gui.context import AppContext

app = QApplication([])
window = AppContext(None, "window.sqlite3")          # the window that reads now
freed_on, shown = [], []


def close_a_window():
    # a context left in a reference ring with its poll timer running (as when a look at
    # the server answers after the window closed and restarts the poll)
    ctx = AppContext(None, "closed.sqlite3")
    ctx.ring = ctx
    ctx._poll = QTimer(ctx)
    ctx._poll.timeout.connect(lambda: None)
    ctx._poll.start(5)
    ctx.destroyed.connect(lambda *_: freed_on.append(threading.current_thread().name))


def rows():
    # a page's read: new containers enough for many young collections on this thread
    return [[i, str(i), (i, None)] for i in range(300_000)]


def done():
    if shown and freed_on:
        app.quit()


gc.collect()                 # counts start at zero: the next collections are the read's
close_a_window()
loader = background.Loader(window)
loader.start(rows, shown.append, at_once=True)
check = QTimer()
check.timeout.connect(done)
check.start(20)
QTimer.singleShot(30_000, app.quit)
app.exec()
print("freed on", freed_on, "rows", [len(r) for r in shown])
"""


def test_a_read_on_the_reading_thread_never_frees_a_windows_qt_objects():
    result = subprocess.run([sys.executable, "-X", "faulthandler", "-c",
                             CHILD.format(root=ROOT)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "freed on ['MainThread'] rows [300000]", \
        result.stdout + result.stderr[-2000:]
