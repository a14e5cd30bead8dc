"""Files and inputs that used to end in the generic crash text (or a wrong message) now get
one clear Vietnamese line from the batch commands (exit 1, no traceback)."""
import os
import shutil
import sqlite3
import subprocess


import main
from models import db as dbmod
from reports import backup


def run(capsys, *argv):
    capsys.readouterr()
    code = main.run_command(list(argv))
    err = capsys.readouterr().err
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: "), err
    assert "Traceback" not in err
    return lines[0]


def test_zero_byte_database_is_not_initialised(tmp_path, capsys):
    path = tmp_path / "rong.sqlite3"
    path.write_bytes(b"")
    for command in (["check"], ["list", "units"], ["demo"]):
        line = run(capsys, "--db", str(path), *command)
        assert "trống (0 byte)" in line
    assert path.read_bytes() == b""


def test_folder_given_as_database(tmp_path, capsys):
    line = run(capsys, "--db", str(tmp_path), "check")
    assert "là một thư mục" in line


def test_own_file_with_version_0(tmp_path, capsys):
    path = tmp_path / "v0.sqlite3"
    dbmod.open_database(str(path))
    dbmod.db.execute_sql("PRAGMA user_version=0")
    dbmod.close_database()
    before = path.read_bytes()
    assert "phiên bản cấu trúc (0)" in run(capsys, "--db", str(path), "list", "units")
    assert path.read_bytes() == before


def test_new_database_never_left_as_an_empty_file(tmp_path):
    """The creation goes through a temporary name: no 0-byte file with the real name."""
    path = tmp_path / "moi.sqlite3"
    dbmod.open_database(str(path))
    dbmod.close_database()
    assert path.stat().st_size > 0
    assert [f for f in os.listdir(tmp_path) if f.startswith(".tmp-")] == []


def test_disk_full_during_a_write(tmp_path, capsys, tmpfs):
    fresh = tmp_path / "moi.sqlite3"          # an empty file of this version, made elsewhere
    dbmod.open_database(str(fresh))
    dbmod.close_database()
    # room for the empty file and a little more: the size follows the schema as it grows
    disk = tmpfs(tmp_path / "disk", f"size={os.path.getsize(fresh) // 1024 + 96}k")
    path = disk / "du-lieu.sqlite3"
    shutil.copy(fresh, path)
    line = run(capsys, "--db", str(path), "demo")
    assert "Ổ đĩa đầy" in line
    dbmod.open_database(str(path))           # the file is still intact (the write rolled back)
    dbmod.close_database()


def test_write_protected_nearly_full_stick_is_called_read_only(tmp_path, capsys, tmpfs,
                                                                database):
    stick = tmpfs(tmp_path / "stick", "size=64k")
    (stick / "anh.jpg").write_bytes(b"\xff" * 50_000)         # little room left
    subprocess.run(["mount", "-o", "remount,ro", str(stick)], check=True)
    db_path = dbmod.current_path()
    dbmod.close_database()
    line = run(capsys, "--db", db_path, "backup", str(stick))
    assert "chỉ đọc" in line and "chỗ trống" not in line


def test_wal_mode_copy_on_a_read_only_stick_restores(tmp_path, capsys, tmpfs, database):
    """A copy of a live database (WAL mode in its header) on a write-protected stick is
    readable: restore does not call it damaged."""
    db_path = dbmod.current_path()
    dbmod.db.execute_sql("INSERT INTO setting (key, value) VALUES ('who', '\"USB\"')")
    stick = tmpfs(tmp_path / "stick", "size=4m")
    dbmod.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(db_path, stick / "ban-chep.sqlite3")
    assert (stick / "ban-chep.sqlite3").read_bytes()[18:20] == b"\x02\x02"   # WAL mode
    subprocess.run(["mount", "-o", "remount,ro", str(stick)], check=True)
    dbmod.db.execute_sql("DELETE FROM setting WHERE key='who'")
    dbmod.close_database()
    info = backup.backup_info(str(stick / "ban-chep.sqlite3"))
    assert info.schema == dbmod.SCHEMA_VERSION
    capsys.readouterr()
    assert main.run_command(["--db", db_path, "restore", str(stick / "ban-chep.sqlite3")]) == 0
    dbmod.open_database(db_path)
    assert dbmod.db.execute_sql("SELECT value FROM setting WHERE key='who'").fetchone()
    # opening it in place for work says "read-only, copy it", not "damaged"
    line = run(capsys, "--db", str(stick / "ban-chep.sqlite3"), "list", "units")
    assert "chỉ đọc" in line and "hỏng" not in line


def test_foreign_wal_beside_the_database(tmp_path, capsys, database):
    db_path = dbmod.current_path()
    dbmod.close_database()
    before = open(db_path, "rb").read()
    other = tmp_path / "khac.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE t (x)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    conn.commit()
    shutil.copy(str(other) + "-wal", db_path + "-wal")       # while it still exists
    conn.close()
    wal = open(db_path + "-wal", "rb").read()
    line = run(capsys, "--db", db_path, "list", "units")
    assert "tệp nhật ký" in line and "-wal" in line
    assert open(db_path, "rb").read() == before
    assert open(db_path + "-wal", "rb").read() == wal


def test_genuine_wal_after_a_crash_is_kept(tmp_path, database):
    """The -wal of a process killed mid-session is ours: opening replays it."""
    import sys
    db_path = dbmod.current_path()
    dbmod.close_database()
    code = ("import os, sys; from models import db; db.open_database(sys.argv[1]); "
            "db.db.execute_sql(\"INSERT INTO setting (key, value) VALUES ('k', '1')\"); "
            "os._exit(0)")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    subprocess.run([sys.executable, "-c", code, db_path], cwd=root, check=True)
    assert os.path.getsize(db_path + "-wal") > 0
    dbmod.open_database(db_path)
    assert dbmod.db.execute_sql("SELECT value FROM setting WHERE key='k'").fetchone() == ("1",)


def test_very_long_search(database, capsys):
    db_path = dbmod.current_path()
    dbmod.close_database()
    for kind in ("units", "people", "households", "movements", "decisions"):
        line = run(capsys, "--db", db_path, "list", kind, "--search", "a" * 100_000)
        assert "Chuỗi tìm kiếm dài 100.000 ký tự" in line
