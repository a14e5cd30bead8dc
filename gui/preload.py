"""The pages' code loaded while the window is idle, one module per turn of the event loop.

Opening a page for the first time used to import its module and what that needs on the GUI
thread (40-90 ms of Python for most pages on a 2-core office PC, issue 15: "the window never
freezes", goal < 100 ms per action, tests/perf/bench_freeze.py). Start-up still imports only
what the first page needs (tests/test_startup_imports.py); once that page is filled, no page
reads, no action runs and the start-up checks are done, the rest is imported in small steps
with a pause between them, so the window answers input and paints between any two. A page
opened before its step came imports what it still lacks itself, as before.
"""
import importlib
import logging
import threading
import time

from PySide6.QtCore import QObject, QTimer

from . import background

log = logging.getLogger(__name__)

# Modules the pages import that take long enough to load to be steps of their own (measured
# with ``python -X importtime`` after the window is up), leaves first: when a step comes, what
# it imports is mostly loaded already. Each page's own module follows through its loader in
# gui.main_window.PAGES (what PyInstaller sees); a name here is only an earlier, smaller step
# towards it, never needed for a page to work.
# Modules a page imports only when an action or a tab first needs them (its dialogs) are
# steps too, so the first action is not slower than before they were made lazy.
PARTS = (
    "models.templates", "models.fund", "models.decisions", "gui.org_dialogs",
    "gui.decision_dialogs", "gui.fund_dialogs", "gui.record_dialogs", "gui.pages.records",
    "gui.files", "gui.pages.movement_dialogs", "gui.pages.registration_dialogs",
    "gui.pages.exemplary_dialogs", "gui.pages.review_tab",
    "models.scoring_calc", "models.scoring", "gui.score_chart",
    "subprocess", "PySide6.QtPdf", "reports.pdfdoc", "reports.textfit", "reports.cert_layout",
    "gui.print_painter", "gui.printing", "gui.batch_print",
    "models.statistics", "reports.backup", "models.province_query",
)
PAUSE_MS = 30            # between two steps: input and paint get their turn
WAIT_MS = 250            # how often to look again while the window is busy


class Preloader(QObject):
    """Runs ``steps`` (callables) one per turn once ``ready()`` holds; pauses while busy."""

    def __init__(self, parent, steps, ready):
        super().__init__(parent)
        self.steps = list(steps)
        self.ready = ready
        self.done = 0
        self.failed = []              # steps that raised (logged; the page imports again)
        self.threads = []             # steps too long for one turn, running on a thread
        self.longest = 0.0            # seconds: the longest step (tests, benchmarks)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._step)
        self.timer.start(WAIT_MS)

    def finished(self):
        return not self.steps and not any(t.is_alive() for t in self.threads)

    def _step(self):
        if not self.steps:
            return
        if not self.ready():
            self.timer.start(WAIT_MS)
            return
        step = self.steps.pop(0)
        t0 = time.perf_counter()
        try:
            started = step()
            if isinstance(started, threading.Thread):
                self.threads.append(started)
        except Exception as err:  # noqa: BLE001 - only an early start: the page imports again
            log.exception("preloading %r failed", step)
            self.failed.append(repr(err))
        self.longest = max(self.longest, time.perf_counter() - t0)
        self.done += 1
        if self.steps:
            self.timer.start(PAUSE_MS)
        else:
            log.info("pages preloaded in %d steps (longest %.0f ms)", self.done,
                     self.longest * 1000)


def _module(name):
    return lambda: importlib.import_module(name)


def _provinces():
    """The official list of provinces for "Cài đặt" (``vietnam_provinces`` builds a
    3,400-member enum when imported: ~0.15 s of Python in one module, too long for one turn
    of the window): read on a thread of its own, which Python's switch interval interrupts
    every few milliseconds for the window."""
    from models import admin_units

    def run():
        try:
            admin_units.provinces()
        except Exception:  # noqa: BLE001 - only an early start: the page reads it again
            log.exception("preloading the provinces failed")
    thread = threading.Thread(target=run, name="preload-provinces", daemon=True)
    thread.start()
    return thread


def start(window):
    """Preload ``window``'s pages once its first page is filled and nothing else runs."""
    if background.inline():          # tests that read on the GUI thread: nothing idle
        return None
    first = window.stack.widget(0)

    def ready():
        checks = getattr(window, "_startup_checks", None)
        return (getattr(first, "is_filled", lambda: True)() and background.busy() == 0
                and not window.ctx._tasks and (checks is None or checks.isFinished()))
    steps = [_provinces] + [_module(name) for name in PARTS] + \
        [load for _, _, load in window.pages]
    return Preloader(window, steps, ready)
