"""Start-up recovery: restoring the newest backup is offered for real damage only (never for
a file another program holds) and only after a leader of that backup signs in."""
import os
import sqlite3

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from gui import app as gui_app
from models import db as dbmod
from models.errors import DamagedDatabase, DatabaseError
from reports import backup


def _answer_box(clicks, seen):
    """For each of the next message boxes: record its buttons, click the one in ``clicks``."""
    done = []

    def look():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible() or box in done:
            QTimer.singleShot(20, look)
            return
        done.append(box)
        buttons = {b.text(): b for b in box.buttons()}
        seen.append(sorted(buttons))
        buttons[clicks.pop(0)].click()
        if clicks:
            QTimer.singleShot(20, look)
    QTimer.singleShot(20, look)


@pytest.fixture
def saved(database, leader, tmp_path):
    """The live file and an automatic backup of it (in the backups folder)."""
    db_path = dbmod.current_path()
    backup.auto_backup(force=True)
    dbmod.close_database()
    return db_path


def test_locked_file_offers_retry_not_restore(qtbot, saved):
    other = sqlite3.connect(saved, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    seen = []
    try:
        _answer_box(["Thoát"], seen)
        database, _ = gui_app.open_or_recover(saved)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert database is None
    assert "Thử lại" in seen[0] and not any("Khôi phục" in b for b in seen[0])


def test_damaged_file_restores_only_after_a_leader_signs_in(qtbot, saved, monkeypatch):
    data = bytearray(open(saved, "rb").read())
    data[100:4096 * 3] = b"\xa5" * (4096 * 3 - 100)
    open(saved, "wb").write(bytes(data))
    with pytest.raises(DamagedDatabase):
        dbmod.open_database(saved)
    asked = []

    class Login:                                  # the sign-in dialog's answers
        answers = [None, "lanhdao"]

        @classmethod
        def ask(cls, title):
            from models import accounts
            from models.entities import User
            del accounts
            asked.append(dbmod.current_path())
            name = cls.answers.pop(0)
            return None if name is None else User.get(User.username == name)

    import gui.login
    monkeypatch.setattr(gui.login, "LoginDialog", Login)
    seen = []
    # first: offered, the sign-in is cancelled, nothing restored; then signed in: restored
    _answer_box(["Khôi phục bản sao lưu gần nhất…"] * 2, seen)
    monkeypatch.setattr(gui_app.messages, "info", lambda *a, **k: None)
    database, path = gui_app.open_or_recover(saved)
    assert database is not None and path == saved
    assert len(asked) == 2 and all(p != saved for p in asked)   # against the backup's copy
    assert any(f.startswith(os.path.basename(os.path.splitext(saved)[0]) + "-truoc-khoi-phuc")
               for f in os.listdir(os.path.dirname(saved)))
    dbmod.close_database()


def test_what_counts_as_damage(tmp_path):
    assert gui_app.restore_offered(DamagedDatabase("x"), __file__, ["b"])
    assert not gui_app.restore_offered(DatabaseError("locked"), __file__, ["b"])
    assert not gui_app.restore_offered(DamagedDatabase("x"), __file__, [])
