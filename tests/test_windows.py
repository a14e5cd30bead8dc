"""Windows quirks, tested through their path logic on Linux: backup folders typed with a
trailing separator, network drives, which drives count as 'a USB'."""
import os
import subprocess
import sys

import pytest

from models import db as dbmod
from models import settings
from reports import backup, usb
from tests.helpers import make_org

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def commune(database, clerk, leader):
    settings.save_initial_settings(actor=leader, values={"commune_name": "Xã Tân Lập"})
    return make_org(clerk)


@pytest.mark.parametrize("typed, expected", [
    ("E:\\SaoLuu\\", ("E:\\SaoLuu\\", True)),
    ('E:\\SaoLuu"', ("E:\\SaoLuu\\", True)),          # what cmd.exe hands over for "E:\SaoLuu\"
    ("E:/SaoLuu/", ("E:/SaoLuu/", True)),
    ("E:", ("E:\\", True)),
    ("E:\\SaoLuu\\ban.sqlite3", ("E:\\SaoLuu\\ban.sqlite3", False)),
    ("E:\\SaoLuu", ("E:\\SaoLuu", False)),
])
def test_backup_target_as_typed_on_windows(typed, expected):
    assert backup.backup_target(typed, windows=True) == expected


def test_backup_target_on_linux(tmp_path):
    assert backup.backup_target("dir/", windows=False) == ("dir/", True)
    assert backup.backup_target(str(tmp_path), windows=False) == (str(tmp_path), True)
    assert backup.backup_target("E:", windows=False) == ("E:", False)
    assert backup.backup_target(str(tmp_path / "x.sqlite3"), windows=False)[1] is False


def test_batch_backup_into_a_missing_folder_with_trailing_separator(tmp_path, commune):
    db_path = dbmod.current_path()
    dbmod.close_database()
    folder = tmp_path / "SaoLưu" / "2026"
    result = subprocess.run(
        [sys.executable, os.path.join(ROOT, "main.py"), "--db", db_path, "backup",
         str(folder) + os.sep], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert folder.is_dir()                               # a folder, not a file "2026"
    [name] = os.listdir(folder)
    assert name.startswith("sao-luu-xa-tan-lap-") and name.endswith(".sqlite3")
    assert backup.backup_info(str(folder / name)).households == 2


def _drive_types(table):
    return lambda root: table.get(root, 3)


@pytest.mark.parametrize("path, network", [
    ("\\\\server\\share\\tdkt.sqlite3", True),
    ("//server/share/tdkt.sqlite3", True),
    ("\\\\?\\UNC\\server\\share\\tdkt.sqlite3", True),
    ("\\\\?\\C:\\Users\\canbo\\tdkt.sqlite3", False),        # a long local path
    ("C:\\Users\\canbo\\tdkt.sqlite3", False),
    ("Z:\\ThiDua\\tdkt.sqlite3", True),                       # mapped network drive
    ("z:/ThiDua/tdkt.sqlite3", True),
    ("\\\\?\\Z:\\ThiDua\\tdkt.sqlite3", True),
    ("E:\\tdkt.sqlite3", False),                              # a USB stick
    ("/home/canbo/tdkt.sqlite3", False),
])
def test_network_paths(path, network):
    types = _drive_types({"Z:\\": dbmod.DRIVE_REMOTE, "E:\\": 2})
    assert dbmod.is_network_path(path, drive_type=types) is network


def test_drive_type_is_only_asked_on_windows():
    if sys.platform != "win32":
        assert dbmod.windows_drive_type("C:\\") == 0
        assert dbmod.is_network_path("C:\\x.sqlite3") is False


def test_network_database_uses_rollback_journal(tmp_path, monkeypatch):
    monkeypatch.setattr(dbmod, "is_network_path", lambda path: True)
    database = dbmod.open_database(str(tmp_path / "net.sqlite3"))
    try:
        mode = database.execute_sql("PRAGMA journal_mode").fetchone()[0]
        assert mode == "delete"
    finally:
        dbmod.close_database()


@pytest.mark.parametrize("drive_type, bus, system, expected", [
    (usb.DRIVE_REMOVABLE, None, False, True),            # stick, card
    (usb.DRIVE_FIXED, usb.BUS_TYPE_USB, False, True),    # USB hard disk
    (usb.DRIVE_FIXED, usb.BUS_TYPE_USB, True, False),    # Windows booted from USB: not it
    (usb.DRIVE_FIXED, 11, False, False),                 # SATA disk
    (usb.DRIVE_FIXED, None, False, False),               # could not ask
    (dbmod.DRIVE_REMOTE, None, False, False),            # network drive
    (5, None, False, False),                             # CD-ROM
])
def test_which_windows_drives_are_offered(drive_type, bus, system, expected):
    assert usb.offered(drive_type, bus, system_drive=system) is expected
