"""Python's cyclic garbage collector without long pauses of the window.

A full collection walks every container object the program holds and keeps Python's GIL
while doing so; a reading thread that builds 80,000 rows set one off every few seconds, and
each froze the window for 0.1–0.6 s on the large demo (issue 14, measured with
tests/perf/bench_freeze.py). So:

- the objects of start-up (modules, classes, the main window) are frozen once the window is
  up: no later collection walks them again;
- the young generations are collected as often as before (they walk a few thousand
  objects: a millisecond); the oldest generation is collected by ``collect_when_idle`` on a
  timer of the GUI thread, when no page is reading and no action runs;
- every collection runs on the GUI thread (``collect_on_gui_thread``): Python's automatic
  collector runs on whichever thread allocates past its threshold, and a read of 80,000 rows
  on the reading thread set one off there every few hundred rows. One that found a Qt object
  in a ring (a closed window's context and its ServerWatch refer to each other) deleted it
  on that thread; Qt cannot stop the object's running timers from there, the window's event
  loop later fired the freed timer and the program crashed (the full test suite segfaulted
  in tests/test_gui_server_stall.py once Phong trào read on the reading thread;
  tests/test_gui_gc_thread.py). So automatic collection is off, and a timer of the GUI
  thread runs the young generations' collections the automatic collector would have run.

Reference counting frees almost everything at once; only rings of objects wait for the
timers.
"""
import gc
import threading

YOUNG_THRESHOLDS = (700, 10)
NEVER = 1 << 30              # the oldest generation's threshold: never automatically
IDLE_CHECK_MS = 15000
YOUNG_CHECK_MS = 50          # the GUI thread looks at the collector's counts
BUSY_CHECK_MS = 10           # … more often while a thread reads or saves (collect_due)
OLD_AFTER = 50               # generation-1 collections since the last full one (some
                             # 350,000 container allocations): then a full pass is worth it

_timer = None
_due_timer = None            # the GUI thread's timer: collect_due


def install(app):
    """Young generations on a short timer, the oldest one on the idle timer (both on the
    GUI thread)."""
    global _timer
    gc.set_threshold(*YOUNG_THRESHOLDS, NEVER)
    collect_on_gui_thread()
    if _timer is None:
        from PySide6.QtCore import QTimer
        _timer = QTimer(app)
        _timer.setInterval(IDLE_CHECK_MS)
        _timer.timeout.connect(collect_when_idle)
        _timer.start()
    return _timer


_paused = False


def collect_on_gui_thread():
    """Automatic collection off; every YOUNG_CHECK_MS the GUI thread runs the collection
    the automatic collector would have run meanwhile (``collect_due``). Called
    on the GUI thread once there is an application (gui/app.py, every AppContext: before any
    page or thread of a window starts); the timer of the first call stays. None when there
    is no application yet or this is not the GUI thread."""
    global _due_timer
    if _due_timer is not None:
        return _due_timer
    from PySide6.QtCore import QCoreApplication, QTimer
    app = QCoreApplication.instance()
    if app is None or threading.current_thread() is not threading.main_thread():
        return None
    gc.disable()
    _due_timer = QTimer(app)
    _due_timer.setInterval(YOUNG_CHECK_MS)
    _due_timer.timeout.connect(collect_due)
    _due_timer.start()
    return _due_timer


def collect_due(oldest=1):
    """The collection Python's automatic collector would have run by now (by the thresholds
    set: gc.get_threshold), on this thread, of generation ``oldest`` at most: the timer
    leaves full collections to ``collect_when_idle``. True when it ran."""
    if _paused:
        return False
    pace()
    counts, limits = gc.get_count(), gc.get_threshold()
    if not limits[0] or counts[0] < limits[0]:
        return False
    generation = 0
    while generation < oldest and counts[generation + 1] >= limits[generation + 1]:
        generation += 1
    gc.collect(generation)
    return True


def pace():
    """The due collections' timer every BUSY_CHECK_MS while a page reads or an action saves
    (gui.background calls this when one starts; ``collect_due`` when its timer fires), else
    every YOUNG_CHECK_MS. A young pass walks every container made since the one before: a
    reading thread making 43,667 rows between two 50-ms checks made single passes of 10-30 ms
    of the GUI thread (CPU time, bench_freeze's steps on the 2x demo); checked every 10 ms
    while busy the longest were 3-8 ms, for the same time in all."""
    if _due_timer is None or threading.current_thread() is not threading.main_thread():
        return
    from . import background
    want = BUSY_CHECK_MS if background.busy() else YOUNG_CHECK_MS
    if _due_timer.interval() != want:
        _due_timer.setInterval(want)


def pause_for_start():
    """No collection while the main window is built (gui/pages/overview.py ``read_early``
    calls this): what is made now lives as long as the program, and passes over it free
    nothing (on the large demo 7 middle-generation passes of start-up took 80-120 ms, load
    7). Collections resume at ``after_start`` or once the first page has its data."""
    global _paused
    if gc.isenabled() or _due_timer is not None:
        gc.disable()
        _paused = True


def resume():
    global _paused
    if _paused:
        _paused = False
        if _due_timer is None:       # else the GUI thread's timer collects again
            gc.enable()


def after_start():
    """Called once the main window is up: what exists now lives as long as the program.
    Frozen without a collection first: on the large demo that collection found 5 objects
    to free and took 0.05–0.19 s of the GUI thread while the first page was filling."""
    gc.freeze()
    resume()


UNFREEZE_EVERY = 10          # idle full collections: every tenth walks everything again
_idle_runs = 0


def collect_when_idle(*, force=False):
    """A full collection, only while nothing reads or saves in the background (then nobody
    waits for the window). True when it ran.

    What survives it is frozen (``gc.freeze``), as start-up's objects are: the next full
    collections walk only what was made since, not again every row of every list the pages
    hold. On the 2x demo with every page opened a full pass visited 1.6 million list items
    (the register's 195,589 rows and their search keys, the candidates, households…) and
    took 102-114 ms of the GUI thread, again at every idle check with garbage enough; a
    clerk's click landing in it waited that long (bench_freeze: a page opened 114-198 ms).
    Every UNFREEZE_EVERY-th run unfreezes first and walks everything, so that rings of older
    objects that became garbage meanwhile are still freed (reference counting frees the rest,
    frozen or not)."""
    global _idle_runs
    from . import background
    if not force and (background.busy() or gc.get_count()[2] < OLD_AFTER):
        return False
    _idle_runs += 1
    if _idle_runs % UNFREEZE_EVERY == 0:
        gc.unfreeze()
    gc.collect()
    gc.freeze()
    return True
