"""What every page shares: the signed-in user, the 'data changed' signal, background tasks."""
import logging
import weakref

import peewee
from PySide6.QtCore import QEvent, QObject, QThread, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog

from models import settings
from models.errors import Cancelled, UserError

from . import background

TASK_START_DELAY_MS = 40     # a saved action's worker starts after the repaint (run_task)

log = logging.getLogger(__name__)


class AppContext(QObject):
    """``data_changed(area)`` is emitted after every saved action; views reload on it.

    ``area`` is a short word ("org", "movements", "scores", "decisions", "settings", "all")
    so a view can skip reloads that do not concern it.
    """
    data_changed = Signal(str)
    server_status = Signal(str)      # "" or why other PCs' saves are not seen at once
    from_other_pc = False            # True while data_changed tells of another PC's save
    _open = weakref.WeakSet()        # every context still alive (open_contexts)

    def __init__(self, actor, db_path, parent=None):
        super().__init__(parent)
        from . import gc_policy
        gc_policy.collect_on_gui_thread()    # a collection never frees a window's Qt
                                             # objects on a reading thread
        self.actor = actor
        self.db_path = db_path
        self._tasks = []
        # watching other PCs (server databases): watch_other_pcs, poll_other_pcs
        self._poll = self._poll_loader = self._seen_counter = None
        self._poll_ms, self._listening, self._counter_epoch = 5000, False, 0
        self._down = set()               # "listen", "poll": what cannot reach the server
        AppContext._open.add(self)

    @classmethod
    def open_contexts(cls):
        """The contexts still alive (tests stop their timers after each test)."""
        return list(cls._open)

    def commune(self):
        return settings.commune()

    @property
    def can_edit(self):
        return self.actor is not None and self.actor.role in ("clerk", "leader")

    @property
    def is_leader(self):
        return self.actor is not None and self.actor.role == "leader"

    def changed(self, area="all"):
        self.forget_counter()                # our own save: the next poll just takes note
        self.data_changed.emit(area)

    def forget_counter(self):
        """The next look at the change counter only takes note (the change it would see
        was ours, or was announced already); a look in flight is not compared either."""
        self._seen_counter = None
        self._counter_epoch += 1

    def watch_other_pcs(self, interval_ms=5000, *, listen=True):
        """On a server database, refresh the shown pages when another PC saves: at once
        through LISTEN/NOTIFY (gui/server_watch.py), and by looking every few seconds at
        the change counter (models.db.change_counter) while that connection is down."""
        from PySide6.QtCore import QTimer
        from models import db as dbmod
        if not dbmod.is_server():
            return None
        self.forget_counter()
        self._poll_ms = interval_ms
        self._poll = QTimer(self)
        self._poll.timeout.connect(self.poll_other_pcs)
        self._poll.start(interval_ms)
        if listen:
            from .server_watch import ServerWatch
            self.server_watch = ServerWatch(self, dbmod.db.obj).start()
        return self._poll

    def stop_watching(self):
        """Stop the change-counter poll and the LISTEN connection (watch_other_pcs)."""
        watch = getattr(self, "server_watch", None)
        if watch is not None:
            watch.stop()                 # (dropping the connection restarts the poll)
        poll = getattr(self, "_poll", None)
        if poll is not None:
            poll.stop()

    LISTENING_POLL_MS = 60_000

    def listening(self, on):
        """The LISTEN connection is up (the poll slows to once a minute: a safety net for a
        server that keeps no per-transaction counters) or down (every few seconds again)."""
        self._listening = on
        if not on:
            self.forget_counter()
        if self._poll is not None:
            self._poll.start(self._poll_interval())

    def _poll_interval(self):
        slow = self._listening and "poll" not in self._down
        return max(self.LISTENING_POLL_MS, self._poll_ms) if slow else self._poll_ms

    def server_down(self, source, down):
        """``source`` ("listen" or "poll") could not reach the server, or could again; the
        status bar says so while either cannot (a listener connected again proves the
        server answers: it clears both). True when this cleared what was down (what
        happened meanwhile is not known: the caller reloads every page)."""
        from .server_watch import LOST_TEXT
        before = set(self._down)
        if down:
            self._down.add(source)
        elif source == "listen":
            self._down.clear()
        else:
            self._down.discard(source)
        if bool(before) != bool(self._down):
            self.server_status.emit(LOST_TEXT if self._down else "")
        return bool(before - self._down)

    def poll_other_pcs(self):
        """Look at the change counter on the reading thread (gui/background.py: a server
        that stopped answering holds that thread up to the connect timeout, never the
        window); one look at a time. A counter other than the last look's tells every page
        (``data_changed("all")``). A look that cannot reach the server shows "Mất kết nối
        máy chủ" and looks every few seconds; the first look that can reloads every page.

        Returns True when the look saw another PC's change, False when not; None when the
        answer comes later (reads in a thread) or a look is still running."""
        from models import db as dbmod
        from . import background
        if not dbmod.is_server():
            return False         # the window's database was closed or replaced by a file
        if self._poll_loader is None:
            self._poll_loader = background.Loader(self)
        if self._poll_loader.loading:
            return None
        epoch = self._counter_epoch
        self._poll_result = None
        self._poll_loader.start(_read_counter, lambda counter: self._polled(counter, epoch))
        return self._poll_result

    def _polled(self, counter, epoch):
        if counter is None:
            self._poll_result = False
            return
        if isinstance(counter, Exception):
            self._seen_counter = None
            self.server_down("poll", True)
            self._retime_poll()              # every few seconds while it cannot
            self._poll_result = False
            return
        recovered = self.server_down("poll", False)
        if recovered:
            self._retime_poll()              # back to once a minute if listening
            watch = getattr(self, "server_watch", None)
            if watch is not None and not watch.connected:
                watch.retry_now()            # the server answers: listen again at once
        before = self._seen_counter if epoch == self._counter_epoch else None
        self._seen_counter = counter
        changed = recovered or (before is not None and counter != before)
        if changed:      # recovered: what happened meanwhile is not known, so all pages
            self.from_other_pc = True
            try:
                self.data_changed.emit("all")
            finally:
                self.from_other_pc = False
        self._poll_result = changed

    def _retime_poll(self):
        if self._poll is not None and self._poll.interval() != self._poll_interval():
            self._poll.start(self._poll_interval())

    def on_change(self, widget, slot):
        """Call ``slot(area)`` after each saved action, but only while ``widget`` is shown;
        a hidden page is brought up to date when it is next shown. So a save on one page
        does not make every other page of a large commune reload behind it."""
        watcher = _ShowWatcher(self, widget, slot)
        self.data_changed.connect(watcher.changed)
        return watcher

    def run_task(self, parent, title, fn, *, on_done=None, on_error=None, cancellable=True):
        """Run ``fn(progress)`` off the GUI thread with a progress dialog and a cancel button.

        ``progress(done, total)`` returns False once the user pressed cancel; ``fn`` should
        then raise ``Cancelled`` (its transaction rolls back). ``on_done(result)`` runs on
        the GUI thread; a ``UserError`` is shown to the user (or given to ``on_error``).
        Returns the worker (tests can wait on its ``finished`` signal).
        """
        dialog = QProgressDialog(title, "Hủy" if cancellable else "", 0, 0, parent)
        dialog.setWindowTitle("Thi đua - Khen thưởng")
        dialog.setWindowModality(Qt.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not cancellable:
            dialog.setCancelButton(None)
        worker = Worker(fn)
        self._tasks.append(worker)
        background.track(worker)

        def progress(done, total):
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, max(total, 1)))

        def finish(result):
            dialog.close()
            self._tasks.remove(worker)
            if on_done is not None:
                on_done(result)

        def fail(err):
            dialog.close()
            self._tasks.remove(worker)
            if isinstance(err, Cancelled) or not isinstance(err, UserError):
                if not isinstance(err, Cancelled):
                    raise err  # an unexpected error: the crash hook logs and shows it
            if on_error is not None:
                on_error(err)
            elif not isinstance(err, Cancelled):
                from . import messages
                messages.show_error(parent, err)

        worker.progressed.connect(progress)
        worker.succeeded.connect(finish)
        worker.failed.connect(fail)
        dialog.canceled.connect(worker.cancel)
        # The window repaints what the click changed first (a selection of 14,000 rows, the
        # dialog): started at once, the worker's Python shares the GIL with every data()
        # call of that repaint, and "Nhập phiếu" froze the window 142 ms; 40 ms later, 46 ms.
        QTimer.singleShot(TASK_START_DELAY_MS, worker.start)
        return worker


def _read_counter():
    """The change counter, or the error that kept us from reading it (a server database
    gone or unreachable; peewee wraps our DatabaseError in its own)."""
    from models import db as dbmod
    try:
        if not dbmod.is_server():
            return None          # closed meanwhile: nothing to compare
        return dbmod.change_counter()
    except (UserError, peewee.PeeweeException) as exc:
        log.info("change counter not read: %s", exc)
        return exc


class _ShowWatcher(QObject):
    """Holds the areas changed while its page was hidden, and whether another PC changed
    them: when shown, the page hears them as it would have (``ctx.from_other_pc`` set
    again), so a tab that skips its own saves still reads another PC's."""

    def __init__(self, ctx, widget, slot):
        super().__init__(widget)
        self.ctx, self.widget, self.slot, self.pending = ctx, widget, slot, {}
        widget.installEventFilter(self)

    def changed(self, area):
        if self.widget.isVisible():
            self.slot(area)
        else:
            self.pending[area] = self.pending.get(area, False) or self.ctx.from_other_pc

    def eventFilter(self, obj, event):
        if "pending" not in self.__dict__:
            # a page closed but not yet deleted (deleteLater) whose Python side the garbage
            # collector already cleared still gets events: nothing to do for it
            return False
        if obj is self.widget and event.type() == QEvent.Show and self.pending:
            pending, self.pending = self.pending, {}
            if "all" in pending:
                pending = {"all": any(pending.values())}
            for area, other_pc in pending.items():
                before, self.ctx.from_other_pc = self.ctx.from_other_pc, other_pc
                try:
                    self.slot(area)
                finally:
                    self.ctx.from_other_pc = before
        return False


class Worker(QThread):
    """Runs one function in a thread; never touches widgets."""
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, fn):
        super().__init__()
        self.fn = fn
        self.cancelled = False

    def cancel(self):
        self.cancelled = True

    def _progress(self, done, total):
        self.progressed.emit(int(done), int(total))
        return not self.cancelled

    def run(self):
        from models.db import db
        try:
            result = self.fn(self._progress)
        except BaseException as err:  # noqa: BLE001 - handed to the GUI thread
            self.failed.emit(err)
        else:
            self.succeeded.emit(result)
        finally:
            if not db.is_closed():
                db.close()   # this thread's own connection
