"""Start-up: background integrity check and daily backup, warning on a damaged file."""
import os
import subprocess
import sys

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


def test_daily_work_waits_until_the_first_page_has_read(leader, qtbot, data_dir, monkeypatch):
    """The check and the daily backup do not compete with the overview's first read (the
    clerk waits for that); once the overview has its data they run."""
    from gui import background
    from gui.pages import overview
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")          # the real reading thread
    path = dbmod.current_path()
    import gc
    from gui import gc_policy

    def collecting():     # automatically, or by the GUI thread's timer (gui/gc_policy.py)
        return not gc_policy._paused and (gc.isenabled() or gc_policy._due_timer is not None)
    assert collecting()                     # importing the program turned it back on
    overview.read_early()
    assert not background.wait_first_page(0)
    assert not collecting() and not gc.isenabled()  # no passes while the window is built
    window = _window(qtbot, leader, path)
    checks = gui_app.check_in_background(window, path)
    assert checks.isRunning() and not checks.wait(300)
    assert not os.path.exists(data_dir / "backups") or not os.listdir(data_dir / "backups")
    page = window.widgets["overview"]
    qtbot.waitUntil(lambda: page.year_map is not None, timeout=30000)
    # not shown: no paint comes, the checks start after overview.PAINT_WAIT_MS
    qtbot.waitUntil(lambda: background.wait_first_page(0), timeout=5000)
    assert collecting()
    assert checks.wait(30000)
    assert any(n.startswith("tu-dong-") for n in os.listdir(data_dir / "backups"))


def test_daily_work_waits_until_the_filled_overview_is_painted(leader, qtbot, data_dir,
                                                               monkeypatch):
    """Started once the overview had read its data, the checks' thread imported
    reports.backup (~40 ms of Python, Python's GIL) and checked the file while the window
    built, laid out and painted the sections the clerk waits for (issue 15): they start on
    the turn after the filled page is painted."""
    from gui import background
    from gui.pages import overview
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")
    monkeypatch.setattr(overview, "PAINT_WAIT_MS", 60000)     # only a paint starts them
    path = dbmod.current_path()
    overview.read_early()
    window = _window(qtbot, leader, path)         # not shown yet: nothing painted
    page = window.widgets["overview"]
    try:
        qtbot.waitUntil(lambda: page.year_map is not None, timeout=30000)
        qtbot.wait(200)
        assert not background.wait_first_page(0)          # filled, not painted
        window.show()
        qtbot.waitUntil(lambda: background.wait_first_page(0), timeout=5000)
    finally:
        background.first_page_done()          # the next test's checks do not wait


def test_with_another_first_page_the_daily_work_waits_for_that_page(
        leader, qtbot, data_dir, monkeypatch):
    """The window opening on another page than the overview (the overview read early all the
    same, as run_gui does): the check and the backup wait for that page's own reads, not
    FIRST_PAGE_WAIT for an overview nobody shows, and the early read is dropped (an
    overview opened later reads afresh)."""
    from gui import background, main_window
    from gui.pages import overview
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")          # the real reading thread
    monkeypatch.setattr(main_window, "ORDER",
                        ["org"] + [k for k in main_window.ORDER if k != "org"])
    path = dbmod.current_path()
    overview.read_early()
    assert not background.wait_first_page(0) and overview._early
    window = _window(qtbot, leader, path)
    assert window.pages[0][0] == "org" and list(window.widgets) == ["org"]
    assert not overview._early
    checks = gui_app.check_in_background(window, path)
    qtbot.waitUntil(lambda: background.wait_first_page(0),
                    timeout=gui_app.FIRST_PAGE_WAIT * 500)         # half the longest wait
    assert background.busy() == 0
    assert checks.wait(30000)
    assert any(n.startswith("tu-dong-") for n in os.listdir(data_dir / "backups"))


def test_daily_work_starts_when_the_window_closes_before_its_first_page(
        leader, qtbot, data_dir, monkeypatch):
    from gui import background
    path = dbmod.current_path()
    window = _window(qtbot, leader, path)
    background.first_page_reading()          # a first page that never finishes
    checks = gui_app.check_in_background(window, path)
    assert not checks.wait(300)
    window.close()                           # waits for the work, which starts at once
    assert not checks.isRunning()
    assert any(n.startswith("tu-dong-") for n in os.listdir(data_dir / "backups"))


def test_gui_thread_gets_pythons_lock_within_a_fraction_of_a_millisecond():
    """A big table's repaint calls into Python ~400 times, and each call waits one switch
    interval for the GIL while a page reads or an action runs in the background. The window
    sets it under 1 ms: on Windows, where a timed wait counts whole milliseconds, that asks
    for the lock at once (a 1 ms wait could last a 15.6 ms timer tick per call). Checked in a
    process of its own, as the program starts (make_app also sets how garbage is collected)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = ("import sys; from gui.app import make_app; make_app(['x']); "
            "print(sys.getswitchinterval())")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    interval = float(out.split()[-1])
    assert interval < 0.001 and int(interval * 1_000_000) // 1000 == 0   # whole ms on Windows
    assert abs(interval - gui_app.GIL_SWITCH_S) < 1e-6     # kept in whole microseconds
