"""Work off the GUI thread: a page's data read in a thread and shown when ready (the newest
request wins), and a saved action run in a thread with a progress dialog.

``fetch`` functions run in another thread: they read the database (their own connection,
closed at the end) and build plain rows; they never touch widgets. ``show`` runs on the GUI
thread with the result.

Tests: ``TDKT_GUI_INLINE=1`` (set in tests/conftest.py) runs the same functions at once on
the calling thread, so a test reads a page right after an action; tests that prove the
window stays responsive unset it (tests/test_gui_background.py, tests/perf/bench_freeze.py).
"""
import os
import threading

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from models.errors import Cancelled, UserError

_running = set()      # reads and actions not finished yet; busy() counts them
_pool = None


def inline():
    return os.environ.get("TDKT_GUI_INLINE") == "1"


# Set while no first page is being read; start-up work that can wait (the check of the
# file, the daily backup: gui.app.check_in_background) waits for it, so that it does not
# take the disk and the second core from the read the clerk is waiting for.
_first_page = threading.Event()
_first_page.set()


def first_page_reading():
    """The window's first page has started reading (gui/pages/overview.py ``read_early``)."""
    _first_page.clear()


def first_page_done():
    """The first page has its data (or failed): the waiting work may start."""
    from . import gc_policy
    gc_policy.resume()
    _first_page.set()


def wait_first_page(timeout):
    """Wait (any thread) until the first page has read its data, at most ``timeout`` s."""
    return _first_page.wait(timeout)


def _busy_now():
    """A thread starts allocating: young garbage collections on the GUI thread come in
    smaller pieces from now on (gc_policy.pace)."""
    from . import gc_policy
    gc_policy.pace()


def busy():
    """How many background reads and actions are still running (tests, benchmarks)."""
    return len(_running)


def reader_pool():
    """One reading thread for every page: reads queue up behind each other instead of
    competing for Python's GIL with the GUI thread (which then answers within a few ms)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
        _pool.setExpiryTimeout(10000)
    return _pool


class _Beside(threading.Thread):
    def __init__(self, fn):
        super().__init__(name="tdkt-read-beside", daemon=True)
        self.fn, self.value, self.error = fn, None, None
        self.start()

    def run(self):
        from models.db import db
        try:
            self.value = self.fn()
        except BaseException as err:  # noqa: BLE001 - raised again by result()
            self.error = err
        finally:
            if db.obj is not None and not db.is_closed():
                db.close()       # this thread's own connection

    def result(self):
        self.join()
        if self.error is not None:
            raise self.error
        return self.value


class _AtOnce:
    def __init__(self, fn):
        self.fn = fn

    def result(self):
        return self.fn()


def beside(fn):
    """Run the read ``fn()`` on a thread of its own with its own SQLite connection, beside
    the caller's read; ``.result()`` waits for it (and raises what it raised). SQLite
    computes without Python's GIL, so two reads of one page take the two cores: the
    overview's year steps and its sections at start-up, 1.9× the one read alone (issue 15).
    Inline (tests, the start-up benchmark's capture of the statements: one connection's
    trace), on a server, or inside a transaction (another connection would not see it)
    ``fn`` runs when its result is asked for, on the caller's thread."""
    from models.db import db, is_server
    if inline() or db.obj is None or is_server() or db.in_transaction():
        return _AtOnce(fn)
    return _Beside(fn)


class _Job(QRunnable):
    """Runs ``fn()`` once on the reading thread, unless a newer request made it useless."""

    def __init__(self, loader, generation, fn, show, on_error):
        super().__init__()
        self.setAutoDelete(False)
        self.loader, self.generation = loader, generation
        self.fn, self.show, self.on_error = fn, show, on_error
        self.result = self.error = None

    def run(self):
        from models.db import db
        try:
            if self.generation == self.loader.generation:   # else skipped: outdated
                self.result = self.fn()
        except BaseException as err:  # noqa: BLE001 - handed to the GUI thread
            self.error = err
        finally:
            if db.obj is not None and not db.is_closed():
                db.close()       # this thread's own connection (a restore needs the file)
        try:
            self.loader.done.emit(self)
        except RuntimeError:     # the page was closed meanwhile
            _running.discard(self)


class Loader(QObject):
    """Reads a page's data in the background; ``start(fetch, show)`` again discards what an
    earlier, still pending read would have shown (a year changed twice shows the last).

    Requests made in one turn of the event loop (a page built, then its year and movement
    chosen) are sent to the reading thread once, when the loop comes back: only the last
    is read."""
    loaded = Signal()          # after ``show`` ran (tests wait on it)
    done = Signal(object)      # internal: a job finished (queued to the GUI thread)
    posted = Signal()          # internal: send the newest request (queued to itself)

    def __init__(self, parent):
        super().__init__(parent)
        self.generation = 0
        self.pending = 0
        self._next = None
        self._token = object()          # in ``_running`` while a request waits to be sent
        # Qt's namespace on first use, not on import: this module loads before the overview
        # starts reading at start-up, Qt's enums are made once the window is built (~22 ms)
        from PySide6.QtCore import Qt
        self.done.connect(self._finished, Qt.QueuedConnection)
        self.posted.connect(self._send, Qt.QueuedConnection)
        token = self._token
        self.destroyed.connect(lambda *_: _running.discard(token))

    def start(self, fetch, show, *, on_error=None, at_once=False, after_paint=False):
        """``at_once``: hand the read to the reading thread now, not at the next turn of the
        event loop (a page built at start-up reads while the window is still being built).
        ``after_paint``: only once the widgets shown meanwhile are painted (a read that runs
        Python for long made a tab's first paint wait for the GIL at each call into Python:
        0.2-0.5 s for "Nhật ký")."""
        self.generation += 1
        if inline():
            try:
                result = fetch()
            except UserError as err:
                self._error(err, on_error)
                return
            show(result)
            self.loaded.emit()
            return
        waiting = self._next is not None
        self._next = (fetch, show, on_error)
        if at_once and not waiting:
            self._dispatch()
        elif not waiting:
            _running.add(self._token)
            self.pending += 1
            if after_paint:      # a zero timer fires after the posted paints are done
                QTimer.singleShot(0, self, self._send)
            else:
                self.posted.emit()

    @Slot()
    def _send(self):
        _running.discard(self._token)
        self.pending -= 1
        self._dispatch()

    def _dispatch(self):
        if self._next is None:
            return
        (fetch, show, on_error), self._next = self._next, None
        job = _Job(self, self.generation, fetch, show, on_error)
        _running.add(job)
        _busy_now()
        self.pending += 1
        reader_pool().start(job)

    @property
    def loading(self):
        return self.pending > 0

    @Slot(object)
    def _finished(self, job):
        _running.discard(job)
        self.pending -= 1
        if job.generation != self.generation:
            return                      # a newer request is on its way
        if job.error is not None:
            if isinstance(job.error, UserError):
                self._error(job.error, job.on_error)
                return
            raise job.error             # unexpected: the crash hook logs and shows it
        job.show(job.result)
        self.loaded.emit()

    def _error(self, err, on_error):
        if on_error is not None:
            on_error(err)
        else:
            from . import messages
            messages.show_error(self.parent(), err)


def track(worker):
    """Count an action's thread (``ctx.run_task``: a backup, an export, adding candidates)
    in ``busy()`` until it has finished: no full garbage collection of the GUI thread while
    it runs (a 116 ms one froze the window during a backup of the 2x demo; gc_policy), and
    the young ones in small pieces."""
    _running.add(worker)
    _busy_now()
    worker.finished.connect(lambda: _running.discard(worker))
    return worker


def run_action(ctx, parent, title, fn, *, on_done=None, on_error=None, cancellable=False):
    """A saved action (``fn(progress)``) off the GUI thread with a progress dialog
    (``ctx.run_task``, counted in ``busy()``); inline in tests. ``on_done(result)`` runs on
    the GUI thread."""
    if not inline():
        return ctx.run_task(parent, title, fn, on_done=on_done, on_error=on_error,
                            cancellable=cancellable)
    try:
        result = fn(lambda done, total: True)
    except Cancelled:
        return None
    except UserError as err:
        if on_error is not None:
            on_error(err)
        else:
            from . import messages
            messages.show_error(parent, err)
        return None
    if on_done is not None:
        on_done(result)
    return None
