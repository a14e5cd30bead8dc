"""Pages follow other PCs' saves at once on a server database (LISTEN/NOTIFY, issue 20).

``ServerWatch`` keeps one extra connection LISTENing (``models.db_pg.ChangeListener``): a
QSocketNotifier on its socket wakes the GUI thread only when the server has something to
say, and ``poll()`` never blocks. Each notification names the tables another PC changed;
the pages showing them are told through ``ctx.data_changed(area)`` like after our own save.
Connecting runs on a plain thread (a server that does not answer costs the GUI nothing);
a broken connection (server restarted, network gone) is retried with back-off while the
status bar says so, and the 5-second change-counter poll (``AppContext.watch_other_pcs``)
takes over meanwhile (while listening it only checks once a minute).
"""
import threading

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal, Slot

from models import db_pg

LOST_TEXT = "Mất kết nối máy chủ — đang thử lại…"   # short: the status bar is narrow
FIRST_DELAY_MS, MAX_DELAY_MS = 1000, 30000

# The pages' areas (ctx.data_changed) by table. A table not listed refreshes everything;
# the audit log and sign-in bookkeeping alone refresh nothing.
AREAS = {
    "org": ("unit", "person", "household", "unit_kind"),
    "movements": ("movement", "round", "target", "covenant", "covenant_member"),
    "registrations": ("registration", "registration_title", "commitment"),
    "scores": ("criteria_set", "criterion", "band", "score_sheet", "score"),
    "decisions": ("meeting", "candidate", "vote", "decision", "award", "award_occasion",
                  "public_posting", "public_comment", "upward_file", "upward_proposal"),
    "certificates": ("print_log", "cert_template", "printer_offset", "blank_kind",
                     "blank_kind_template", "blank_move", "blank_use"),
    "fund": ("fund_entry",),
    "settings": ("setting", "title", "base_salary", "doc_template", "user"),
    "exemplary": ("exemplary_model", "model_stage", "model_replication", "model_publicity"),
    "reviews": ("review", "plan_deadline"),
    "records": ("initiative", "initiative_author", "discipline"),
}
QUIET = {"audit_log", "sign_in_failure"}
_AREA_OF = {table: area for area, tables in AREAS.items() for table in tables}


def areas_for(tables):
    """The areas to refresh for these changed tables, in a stable order ("all" alone when
    a table is unknown)."""
    areas = set()
    for table in set(tables) - QUIET:
        if table not in _AREA_OF:
            return ["all"]
        areas.add(_AREA_OF[table])
    return sorted(areas)


class ServerWatch(QObject):
    """One LISTEN connection for the window; ``ctx.server_status`` says when it is lost."""
    _opened = Signal(object)         # from the connecting thread: a listener or an error

    def __init__(self, ctx, database, parent=None):
        super().__init__(parent or ctx)
        self.ctx, self.database = ctx, database
        self.listener = self.notifier = None
        self.delay = FIRST_DELAY_MS
        self.lost = False
        self.stopped = False
        self.connecting = False          # a connecting thread is out (never two)
        self._opened.connect(self._on_opened)

    def start(self):
        self._connect()
        return self

    def stop(self):
        self.stopped = True
        self._drop()

    @property
    def connected(self):
        return self.listener is not None

    def retry_now(self):
        """The server answers again (the poll reached it): try at once, not after the
        back-off."""
        self.delay = FIRST_DELAY_MS
        self._connect()

    # ---- connecting (off the GUI thread)
    def _connect(self):
        if self.stopped or self.connecting or self.listener is not None:
            return
        self.connecting = True
        threading.Thread(target=self._open_listener, name="tdkt-listen", daemon=True).start()

    def _open_listener(self):
        try:
            result = db_pg.ChangeListener.open(self.database)
        except Exception as exc:                              # noqa: BLE001 - retried
            result = exc
        self._opened.emit(result)

    @Slot(object)       # a decorated slot: the signal comes from a plain Python thread
    def _on_opened(self, result):
        self.connecting = False
        if self.stopped:
            if isinstance(result, db_pg.ChangeListener):
                result.close()
            return
        if not isinstance(result, db_pg.ChangeListener):
            self._lost()
            return
        self.listener = result
        self.notifier = QSocketNotifier(result.fileno(), QSocketNotifier.Read, self)
        self.notifier.activated.connect(self._readable)
        self.delay = FIRST_DELAY_MS
        self.ctx.listening(True)
        if self.ctx.server_down("listen", False) or self.lost:
            self.lost = False            # what happened meanwhile is not known: reload all
            self.ctx.data_changed.emit("all")

    # ---- notifications (GUI thread, never blocks)
    def _readable(self, *_):
        if self.listener is None:
            return
        try:
            changes = self.listener.poll()
        except db_pg.ConnectionLost:
            self._drop()
            self._lost()
            return
        if changes:
            self.ctx.forget_counter()         # announced: the slow poll only takes note
        self.ctx.from_other_pc = True
        try:
            for area in areas_for(db_pg.tables_changed_by_others(changes)):
                self.ctx.data_changed.emit(area)
        finally:
            self.ctx.from_other_pc = False

    # ---- lost: back-off and retry
    def _drop(self):
        if self.notifier is not None:
            self.notifier.setEnabled(False)
            self.notifier.deleteLater()
            self.notifier = None
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        self.ctx.listening(False)

    def _lost(self):
        if self.stopped:
            return
        self.lost = True
        self.ctx.server_down("listen", True)
        QTimer.singleShot(self.delay, self._connect)
        self.delay = min(self.delay * 2, MAX_DELAY_MS)
