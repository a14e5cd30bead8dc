"""Start-up: background integrity check and daily backup, warning on a damaged file."""
import os

from gui import app as gui_app
from gui import messages
from gui.context import AppContext
from gui.main_window import MainWindow
from models import db as dbmod
from models.entities import Unit, UnitKind


def _window(qtbot, leader, path):
    window = MainWindow(AppContext(leader, path))
    qtbot.addWidget(window)
    return window


def test_intact_file_gets_its_daily_backup(leader, qtbot, data_dir):
    path = dbmod.current_path()
    window = _window(qtbot, leader, path)
    checks = gui_app.check_in_background(window, path)
    assert checks.wait(30000)
    backups = os.listdir(data_dir / "backups")
    assert any(name.startswith("tu-dong-") for name in backups), backups


def test_damaged_file_is_reported_without_blocking(tmp_path, qtbot, monkeypatch, leader):
    for i in range(2000):
        Unit.create(name=f"Đơn vị {i}" * 4, name_key=f"don vi {i}",
                    kind=UnitKind.get(UnitKind.code == "khac"))
    path = dbmod.current_path()
    dbmod.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    # damage two pages of the units' data, not whatever sits mid-file: as the schema grows
    # the middle moves onto tables the window reads as it opens (the settings)
    pages = [p for (p,) in dbmod.db.execute_sql(
        "SELECT pageno FROM dbstat WHERE name = 'unit' AND pagetype = 'leaf' ORDER BY pageno")]
    size = dbmod.db.execute_sql("PRAGMA page_size").fetchone()[0]
    data = bytearray(open(path, "rb").read())
    for page in pages[len(pages) // 2:len(pages) // 2 + 2]:
        for i in range((page - 1) * size, page * size):
            data[i] = 0x5A
    open(path, "wb").write(bytes(data))
    shown = []
    monkeypatch.setattr(messages, "show_error", lambda parent, err, **k: shown.append(str(err)))
    window = _window(qtbot, leader, path)
    checks = gui_app.check_in_background(window, path)
    qtbot.waitUntil(lambda: bool(shown), timeout=30000)
    assert "hư hỏng" in shown[0] and "khôi phục" in shown[0]
    assert checks.wait(10000)
    assert not os.path.exists(os.path.join(str(tmp_path), "data", "backups")) or not [
        f for f in os.listdir(os.path.join(str(tmp_path), "data", "backups"))
        if f.endswith(".sqlite3")]
