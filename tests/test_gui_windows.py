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
    settings.save_initial_settings({backup.AUTO_KEY: {"enabled": False, "keep": 5}})
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
