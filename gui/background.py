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

from PySide6.QtCore import QObject, QThread, Qt, Signal, Slot

from models.errors import Cancelled, UserError

_running = set()      # threads alive, so none is collected mid-run; busy() counts them


def inline():
    return os.environ.get("TDKT_GUI_INLINE") == "1"


def busy():
    """How many background reads and actions are still running (tests, benchmarks)."""
    return len(_running)


class _Thread(QThread):
    """Runs ``fn()`` once; keeps its result or error and hands itself to the GUI thread."""
    done = Signal(object)

    def __init__(self, fn, generation, show, on_error):
        super().__init__()
        self.fn, self.result, self.error = fn, None, None
        self.generation, self.show, self.on_error = generation, show, on_error

    def run(self):
        from models.db import db
        try:
            self.result = self.fn()
        except BaseException as err:  # noqa: BLE001 - handed to the GUI thread
            self.error = err
        finally:
            if db.obj is not None and not db.is_closed():
                db.close()       # this thread's own connection
        self.done.emit(self)


class Loader(QObject):
    """Reads a page's data in a thread; ``start(fetch, show)`` again discards what an
    earlier, still running read would have shown (a year changed twice shows the last)."""
    loaded = Signal()          # after ``show`` ran (tests wait on it)

    def __init__(self, parent):
        super().__init__(parent)
        self.generation = 0
        self.pending = 0

    def start(self, fetch, show, *, on_error=None):
        self.generation += 1
        generation = self.generation
        if inline():
            try:
                result = fetch()
            except UserError as err:
                self._error(err, on_error)
                return
            show(result)
            self.loaded.emit()
            return
        thread = _Thread(fetch, generation, show, on_error)
        _running.add(thread)
        self.pending += 1
        thread.done.connect(self._finished, Qt.QueuedConnection)
        thread.start()

    @property
    def loading(self):
        return self.pending > 0

    @Slot(object)
    def _finished(self, thread):
        thread.wait()                   # it is past its last line; let it end before deleting
        _running.discard(thread)
        self.pending -= 1
        thread.deleteLater()
        if thread.generation != self.generation:
            return                      # a newer request is on its way
        if thread.error is not None:
            if isinstance(thread.error, UserError):
                self._error(thread.error, thread.on_error)
                return
            raise thread.error          # unexpected: the crash hook logs and shows it
        thread.show(thread.result)
        self.loaded.emit()

    def _error(self, err, on_error):
        if on_error is not None:
            on_error(err)
        else:
            from . import messages
            messages.show_error(self.parent(), err)


def run_action(ctx, parent, title, fn, *, on_done=None, on_error=None, cancellable=False):
    """A saved action (``fn(progress)``) off the GUI thread with a progress dialog
    (``ctx.run_task``); inline in tests. ``on_done(result)`` runs on the GUI thread."""
    if not inline():
        worker = ctx.run_task(parent, title, fn, on_done=on_done, on_error=on_error,
                              cancellable=cancellable)
        _running.add(worker)
        worker.finished.connect(lambda: _running.discard(worker))
        return worker
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
