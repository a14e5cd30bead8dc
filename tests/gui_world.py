"""The demo-year world the GUI tests share: the small demo loaded once for 2026 with the
leader "lanhdao", copied into each test's own database file; and the end of every GUI
test: windows closed and the contexts' change-counter poll timers stopped."""
import shutil

import pytest

from models import db as dbmod
from models import demo
from models.entities import User

THIS_YEAR = 2026
LEADER = "lanhdao"


def build(folder, this_year=THIS_YEAR):
    """Load the small demo for ``this_year`` into ``folder``/demo.sqlite3 (its own data
    folder while loading) and return that path."""
    path = folder / "demo.sqlite3"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TDKT_DATA_DIR", str(folder))
        dbmod.open_database(str(path))
        try:
            leader = User.create(username=LEADER, full_name="Lãnh đạo", role="leader",
                                 password_hash="x")
            demo.load_demo(size="small", actor=leader, this_year=this_year)
        finally:
            dbmod.close_database()
    return path


def open_copy(demo_file, folder):
    """Open a copy of the demo in ``folder``; an AppContext of the leader on it."""
    from gui.context import AppContext
    path = folder / "test.sqlite3"
    shutil.copy(demo_file, path)
    dbmod.open_database(str(path))
    return AppContext(User.get(User.username == LEADER), str(path))


def close_gui():
    """After a GUI test, before its database closes: stop every context's poll timer and
    LISTEN connection, and close the top-level windows (and stop their timers) still open,
    so nothing of this test runs during a later one."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from gui.context import AppContext
    for context in AppContext.open_contexts():
        context.stop_watching()
    app = QApplication.instance()
    if app is None:
        return
    for widget in app.topLevelWidgets():
        for timer in widget.findChildren(QTimer):
            timer.stop()
        if widget.isVisible():
            widget.close()


def record_messages(monkeypatch, context):
    """messages.info and show_error append their text to ``context.shown`` (a list)."""
    from gui import messages
    context.shown = shown = []
    monkeypatch.setattr(messages, "info", lambda parent, text, **kw: shown.append(text))
    monkeypatch.setattr(messages, "show_error", lambda parent, err, **kw: shown.append(str(err)))
    return shown
