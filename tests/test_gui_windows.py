"""Desktop habits: a backup when the program closes, one program per data file."""
import os
import signal
import subprocess
import sys
import time

import pytest

from gui.context import AppContext
from gui.main_window import MainWindow
from gui.single_instance import server_name
from models import db as dbmod

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _closing_backups(data_dir):
    folder = data_dir / "backups"
    return sorted(f for f in os.listdir(folder) if f.startswith("khi-dong-")) \
        if folder.is_dir() else []


def test_closing_after_changes_makes_a_verified_backup(leader, qtbot, data_dir):
    from models import org
    from reports import backup
    window = MainWindow(AppContext(leader, dbmod.current_path()))
    qtbot.addWidget(window)
    window.show()
    org.add_unit(actor=leader, name="Thôn Mới", kind="thon")
    window.ctx.changed("org")
    window.close()
    [name] = _closing_backups(data_dir)
    info = backup.backup_info(str(data_dir / "backups" / name))
    assert info.units == 1


def test_closing_without_changes_makes_none(leader, qtbot, data_dir):
    window = MainWindow(AppContext(leader, dbmod.current_path()))
    qtbot.addWidget(window)
    window.show()
    window.close()
    assert _closing_backups(data_dir) == []


def test_closing_backups_rotate_and_respect_the_setting(database, leader, tmp_path):
    import datetime
    from models import settings
    from reports import backup
    folder = str(tmp_path / "b")
    start = datetime.datetime(2026, 11, 30, 8, 0, 0)
    for i in range(4):
        backup.closing_backup(keep=2, folder=folder, now=start + datetime.timedelta(hours=i))
    backup.auto_backup(folder=folder, today=start.date())
    names = sorted(os.listdir(folder))
    assert names == ["khi-dong-20261130-100000.sqlite3", "khi-dong-20261130-110000.sqlite3",
                     "tu-dong-20261130.sqlite3"]          # the daily one is never pushed out
    settings.save_initial_settings(actor=leader,
                                   values={backup.AUTO_KEY: {"enabled": False, "keep": 5}})
    assert backup.closing_backup(folder=folder) is None


# --------------------------------------------------------------------------- one instance

def _start(data_dir, *args):
    env = {**os.environ, "TDKT_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, os.path.join(ROOT, "main.py"), *args], env=env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _log(data_dir):
    path = data_dir / "logs" / "thiduakhenthuong.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _wait_for(predicate, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _stop(proc):
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)


@pytest.mark.slow
def test_second_start_brings_the_first_forward_instead_of_opening_the_file_twice(data_dir):
    db_path = os.path.join(str(data_dir), "thiduakhenthuong.sqlite3")
    listening = f"listening as {server_name(db_path)}"
    first = _start(data_dir)
    others = []
    try:
        assert _wait_for(lambda: _log(data_dir).count(listening) == 1), _log(data_dir)
        second = _start(data_dir)
        others.append(second)
        assert second.wait(timeout=60) == 0
        assert _wait_for(lambda: "brought Thiết lập lần đầu" in _log(data_dir))
        assert first.poll() is None                     # the first one is still running
        assert _log(data_dir).count(listening) == 1     # the second never took over

        other_file = os.path.join(str(data_dir), "khac.sqlite3")
        third = _start(data_dir, "--db", other_file)    # another file: its own program
        others.append(third)
        assert _wait_for(lambda: f"listening as {server_name(other_file)}" in _log(data_dir))
        assert third.poll() is None

        first.send_signal(signal.SIGKILL)               # a crash leaves its socket behind
        first.wait(timeout=30)
        fourth = _start(data_dir)
        others.append(fourth)
        assert _wait_for(lambda: _log(data_dir).count(listening) == 2), _log(data_dir)
        assert fourth.poll() is None
    finally:
        for proc in [first, *others]:
            _stop(proc)


# --------------------------------------------------------------------------- print preview

def _open_paths():
    out = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            out.add(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    return out


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_preview_never_holds_its_pdf_open(leader, qtbot):
    """On Windows an open file cannot be replaced: the second preview would fail."""
    from gui.pages.certificates import CertificatesPage
    page = CertificatesPage(AppContext(leader, dbmod.current_path()))
    qtbot.addWidget(page)
    first = page.show_test_print()
    assert first and first not in _open_paths()
    assert page.preview_doc.pageCount() == 1
    os.remove(first)                          # what Windows refuses while a file is open
    second = page.show_test_print()
    assert second == first and second not in _open_paths()
    assert page.preview_doc.pageCount() == 1
    image = page.preview_doc.render(0, page.preview_doc.pagePointSize(0).toSize())
    assert not image.isNull()


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_qt_itself_keeps_a_loaded_pdf_open(tmp_path, qtbot):
    """Why load_pdf_from_memory exists: QPdfDocument.load(path) keeps the file open even
    after close(). If Qt ever stops doing that, this test says the helper may go."""
    from PySide6.QtPdf import QPdfDocument
    from reportlab.pdfgen import canvas
    path = str(tmp_path / "x.pdf")
    c = canvas.Canvas(path)
    c.drawString(100, 100, "Xem trước")
    c.save()
    doc = QPdfDocument()
    doc.load(path)
    doc.close()
    held = path in _open_paths()
    from gui.pdf_memory import load_pdf_from_memory
    other = QPdfDocument()
    assert load_pdf_from_memory(other, path) == QPdfDocument.Status.Ready
    assert other.pageCount() == 1
    assert held
