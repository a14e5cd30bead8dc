"""What a GUI test leaves behind is stopped before its database goes (tests/gui_world.py
close_gui, run by conftest's pytest_runtest_teardown): a leftover window's or context's
timer once polled a dropped test database during a later test (a CI teardown error)."""
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from gui.context import AppContext
from tests import gui_world


def test_close_gui_closes_windows_and_stops_every_timer(leader, qapp):
    ctx = AppContext(leader, "test.sqlite3")
    ctx._poll = QTimer(ctx)                  # as watch_other_pcs starts it on a server
    ctx._poll.start(60_000)
    window = QWidget()
    autosave = QTimer(window)
    autosave.start(60_000)
    window.show()
    hidden = QWidget()                       # a page made but never shown
    its_timer = QTimer(hidden)
    its_timer.start(60_000)
    assert ctx in AppContext.open_contexts()
    gui_world.close_gui()
    assert not ctx._poll.isActive()
    assert not window.isVisible() and not autosave.isActive()
    assert not its_timer.isActive()


def test_stop_watching_leaves_the_poll_stopped_after_dropping_the_listener(leader, qapp):
    """ServerWatch.stop restarts the poll (the connection is down): stop it after."""
    from gui.server_watch import ServerWatch
    from models import db as dbmod
    ctx = AppContext(leader, "test.sqlite3")
    ctx._poll = QTimer(ctx)
    ctx._poll.start(60_000)
    ctx.server_watch = ServerWatch(ctx, dbmod.db.obj)
    ctx.stop_watching()
    assert ctx.server_watch.stopped and not ctx._poll.isActive()
