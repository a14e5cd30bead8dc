"""Python's cyclic garbage collector without long pauses of the window.

A full collection walks every container object the program holds and keeps Python's GIL
while doing so; a reading thread that builds 80,000 rows set one off every few seconds, and
each froze the window for 0.1–0.6 s on the large demo (issue 14, measured with
tests/perf/bench_freeze.py). So:

- the objects of start-up (modules, classes, the main window) are frozen once the window is
  up: no later collection walks them again;
- automatic collections stay for the young generations only (they walk a few thousand
  objects: a millisecond); the oldest generation is collected by ``collect_when_idle`` on a
  timer of the GUI thread, when no page is reading and no action runs.

Reference counting frees almost everything at once; only rings of objects wait for the
timer.
"""
import gc

YOUNG_THRESHOLDS = (700, 10)
NEVER = 1 << 30              # the oldest generation's threshold: never automatically
IDLE_CHECK_MS = 15000
OLD_AFTER = 50               # generation-1 collections since the last full one (some
                             # 350,000 container allocations): then a full pass is worth it

_timer = None


def install(app):
    """Young generations automatic, the oldest one on the idle timer (GUI thread)."""
    global _timer
    gc.set_threshold(*YOUNG_THRESHOLDS, NEVER)
    if _timer is None:
        from PySide6.QtCore import QTimer
        _timer = QTimer(app)
        _timer.setInterval(IDLE_CHECK_MS)
        _timer.timeout.connect(collect_when_idle)
        _timer.start()
    return _timer


_paused = False


def pause_for_start():
    """No collection while the main window is built (gui/pages/overview.py ``read_early``
    calls this): what is made now lives as long as the program, and passes over it free
    nothing (on the large demo 7 middle-generation passes of start-up took 80-120 ms, load
    7). Collections resume at ``after_start`` or once the first page has its data."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume():
    global _paused
    if _paused:
        _paused = False
        gc.enable()


def after_start():
    """Called once the main window is up: what exists now lives as long as the program.
    Frozen without a collection first: on the large demo that collection found 5 objects
    to free and took 0.05–0.19 s of the GUI thread while the first page was filling."""
    gc.freeze()
    resume()


def collect_when_idle(*, force=False):
    """A full collection, only while nothing reads or saves in the background (then nobody
    waits for the window). True when it ran."""
    from . import background
    if not force and (background.busy() or gc.get_count()[2] < OLD_AFTER):
        return False
    gc.collect()
    return True
