"""Backups and restore: verified copies, refusals, read-only and full sticks, killed midway."""
import datetime
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

import main
from models import db as dbmod
from models import accounts, audit_log, settings
from models.entities import AuditLog, Household, Unit
from models.errors import DatabaseError, PermissionDenied, UserError
from reports import backup, usb
from tests.helpers import make_org, set_password

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def commune(database, clerk, leader):
    settings.save_initial_settings(actor=leader, values={"commune_name": "Xã Tân Lập"})
    return make_org(clerk)


def test_backup_to_folder_names_file_by_commune_and_date_and_verifies(tmp_path, commune):
    stick = tmp_path / "usb"
    stick.mkdir()
    path = backup.backup_to(str(stick))
    name = os.path.basename(path)
    assert name.startswith("sao-luu-xa-tan-lap-" + datetime.date.today().strftime("%Y%m%d"))
    assert name.endswith(".sqlite3")
    assert os.listdir(stick) == [name]              # no temporary file left
    info = backup.backup_info(path)
    assert info.commune == "Xã Tân Lập" and info.households == 2 and info.people == 3
    assert "Xã Tân Lập" in info.describe() and "2 hộ gia đình" in info.describe()


def test_restore_replaces_data_and_keeps_the_current_file_aside(tmp_path, commune, clerk,
                                                                leader):
    saved = backup.backup_to(str(tmp_path / "b.sqlite3"))
    Household.delete().execute()
    db_path = dbmod.current_path()
    kept = backup.restore_from(saved, db_path, actor=leader)
    assert "-truoc-khoi-phuc-" in os.path.basename(kept) and kept.endswith(".sqlite3")
    assert dbmod.db.obj.is_closed()                  # the caller reopens
    dbmod.open_database(db_path)
    assert Household.select().count() == 2
    with sqlite3.connect(kept) as conn:              # the kept file has the data as it was
        assert conn.execute("SELECT count(*) FROM household").fetchone()[0] == 0
    row = AuditLog.select().order_by(AuditLog.id.desc()).get()   # who restored, from where
    assert row.action == "restore" and row.username == "lanhdao"
    assert row.reason == f"khôi phục từ {saved}, bởi lanhdao"
    assert audit_log.verify_chain().ok


@pytest.mark.parametrize("links", [True, False])
def test_the_kept_file_is_the_old_one_alone(tmp_path, commune, leader, monkeypatch, links):
    """The old database is kept by a second name (or, on a stick without hard links such as
    FAT, by a copy): after the restore it is a file of its own with the old bytes."""
    if not links:
        def no_links(src, dst):
            raise PermissionError(1, "Operation not permitted")
        monkeypatch.setattr(os, "link", no_links)
    saved = backup.backup_to(str(tmp_path / "b.sqlite3"))
    Household.delete().execute()
    db_path = dbmod.current_path()
    dbmod.close_database()
    def content(path):            # (the restore switches the file it takes out of WAL)
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()
    before = content(db_path)
    kept = backup.restore_from(saved, db_path, actor=leader)
    assert content(kept) == before
    assert os.stat(kept).st_nlink == 1 and not os.path.samefile(kept, db_path)
    dbmod.open_database(db_path)
    Household.delete().execute()                     # the restored file changes, not the kept
    dbmod.close_database()
    assert content(kept) == before
    assert not [f for f in os.listdir(os.path.dirname(db_path)) if f.startswith(".tmp-")]


def test_restore_needs_a_leader_of_the_current_file(tmp_path, commune, clerk):
    saved = backup.backup_to(str(tmp_path / "b.sqlite3"))
    db_path = dbmod.current_path()
    Household.delete().execute()
    with pytest.raises(PermissionDenied):
        backup.restore_from(saved, db_path, actor=clerk)
    with pytest.raises(PermissionDenied):          # the built-in leader: not once accounts exist
        backup.restore_from(saved, db_path, actor=accounts.batch_actor())
    assert Household.select().count() == 0
    dbmod.close_database()                         # not open: the file's own accounts decide
    before = open(db_path, "rb").read()
    with pytest.raises(PermissionDenied):
        backup.restore_from(saved, db_path, actor=accounts.batch_actor())
    assert open(db_path, "rb").read() == before
    assert not [f for f in os.listdir(os.path.dirname(db_path)) if "truoc-khoi-phuc" in f]


@pytest.mark.parametrize("what, message", [
    ("text", "không phải là tệp dữ liệu"),
    ("other sqlite", "không phải là bản sao lưu"),
    ("truncated", "bị cắt cụt|bị hỏng"),
    ("steps not a list", "ghi chép các bước nâng cấp"),
    ("steps not JSON", "ghi chép các bước nâng cấp"),
])
def test_restore_refuses_what_is_not_an_intact_backup(tmp_path, commune, what, message,
                                                      leader):
    src = tmp_path / "x.sqlite3"
    if what == "text":
        src.write_text("hello")
    elif what == "other sqlite":
        with sqlite3.connect(src) as conn:
            conn.execute("CREATE TABLE t (a)")
    elif what.startswith("steps"):      # the migration record edited by another tool
        shutil.copyfile(backup.backup_to(str(tmp_path / "good.sqlite3")), src)
        with sqlite3.connect(src) as conn:
            conn.execute("UPDATE setting SET value = ? WHERE key = ?",
                         ("{broken" if what.endswith("JSON") else '{"a": 1}',
                          dbmod.STEPS_KEY))
        conn.close()
        with pytest.raises(DatabaseError, match=message):      # also when only looked at
            backup.backup_info(str(src))
    else:
        good = backup.backup_to(str(tmp_path / "good.sqlite3"))
        data = open(good, "rb").read()
        src.write_bytes(data[: len(data) // 3])
    db_path = dbmod.current_path()
    before = open(db_path, "rb").read()
    with pytest.raises(DatabaseError, match=message):
        backup.restore_from(str(src), db_path, actor=leader)
    assert open(db_path, "rb").read() == before
    assert not [f for f in os.listdir(os.path.dirname(db_path)) if "truoc-khoi-phuc" in f]


def test_read_only_stick(tmp_path, commune, tmpfs):
    stick = tmpfs(tmp_path / "ro", "ro,size=1m")
    with pytest.raises(UserError, match="chỉ đọc"):
        backup.backup_to(str(stick))


def test_full_stick(tmp_path, commune, tmpfs):
    stick = tmpfs(tmp_path / "full", "size=64k")
    with pytest.raises(UserError, match="Không đủ chỗ trống"):
        backup.backup_to(str(stick))
    assert os.listdir(stick) == []


def test_stick_filled_during_the_write(tmp_path, commune, tmpfs):
    """Free space passes the first check but runs out while writing: nothing looks complete."""
    stick = tmpfs(tmp_path / "tight", "size=300k")
    Household.insert_many(
        [{"uuid": f"u{i}", "head_name": "Nguyễn Văn " + "A" * 150, "name_key": "x",
          "gender": "nam", "village": commune["villages"][0].id} for i in range(2000)]
    ).execute()
    with pytest.raises(UserError, match="đầy|Không đủ chỗ"):
        backup.backup_to(str(stick))
    assert [f for f in os.listdir(stick) if not f.startswith(".tmp-")] == []


CHILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from models import db as dbmod
    from reports import backup
    dbmod.open_database({db!r})
    def progress(done, total):
        print("step", done, total, flush=True)
        time.sleep(0.3)
        return True
    backup.backup_to({dest!r}, progress=progress)
    print("finished", flush=True)
""")


@pytest.mark.slow
def test_killed_midway_never_leaves_a_complete_looking_file(tmp_path, commune):
    Household.insert_many(
        [{"uuid": f"u{i}", "head_name": f"Hộ số {i} " + "x" * 200, "name_key": "x",
          "gender": "nam", "village": commune["villages"][0].id} for i in range(20000)]
    ).execute()
    db_path = dbmod.current_path()
    dbmod.close_database()
    stick = tmp_path / "usb"
    stick.mkdir()
    dest = str(stick / "sao-luu.sqlite3")
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(root=ROOT, db=db_path,
                                                                 dest=dest)],
                             stdout=subprocess.PIPE, text=True)
    steps = 0
    for line in child.stdout:
        if line.startswith("step"):
            steps += 1
            if steps == 3:
                os.kill(child.pid, signal.SIGKILL)
                break
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert not os.path.exists(dest)
    leftovers = os.listdir(stick)
    assert leftovers and all(f.startswith(".tmp-") for f in leftovers)
    for f in leftovers:                        # and the leftover is not a usable database
        with pytest.raises(DatabaseError):
            dbmod.verify_database_file(str(stick / f))
    dbmod.open_database(db_path)
    path = backup.backup_to(dest)              # the next backup cleans up and succeeds
    assert os.listdir(stick) == ["sao-luu.sqlite3"]
    assert backup.backup_info(path).households == 20002


def test_auto_backup_daily_and_rotating(tmp_path, commune, leader):
    folder = str(tmp_path / "auto")
    start = datetime.date(2026, 1, 1)
    made = [backup.auto_backup(keep=3, today=start + datetime.timedelta(days=i), folder=folder)
            for i in range(5)]
    assert all(made)
    assert backup.auto_backup(keep=3, today=start + datetime.timedelta(days=4),
                              folder=folder) is None       # once a day
    names = [os.path.basename(p) for p in backup.auto_backups(folder)]
    assert names == ["tu-dong-20260103.sqlite3", "tu-dong-20260104.sqlite3",
                     "tu-dong-20260105.sqlite3"]
    settings.save_initial_settings(actor=leader, values={backup.AUTO_KEY: {"enabled": False, "keep": 5}})
    assert backup.auto_settings() == {"enabled": False, "keep": 5}
    assert backup.auto_backup(today=start + datetime.timedelta(days=9), folder=folder) is None


def test_removable_drives_from_mount_table(tmp_path):
    media = tmp_path / "media"
    (media / "canbo" / "USB 16GB").mkdir(parents=True)
    (media / "canbo" / "THE_NHO").mkdir(parents=True)
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "proc /proc proc rw 0 0\n"
        f"/dev/sda1 / ext4 rw 0 0\n"
        f"/dev/sdb1 {media}/canbo/USB\\04016GB vfat rw 0 0\n"
        f"/dev/sdc1 {media}/canbo/THE_NHO exfat rw 0 0\n"
        f"/dev/sdd1 {media}/canbo/gone vfat rw 0 0\n")
    drives = usb.removable_drives(mounts_file=str(mounts), roots=[str(media)])
    assert [d.label for d in drives] == ["USB 16GB", "THE_NHO"]
    path, label, free = drives[0]
    assert path == str(media / "canbo" / "USB 16GB") and free > 0
    assert "còn trống" in drives[0].describe()


def test_batch_backup_and_restore(tmp_path, commune, capsys, leader, clerk, monkeypatch):
    db_path = dbmod.current_path()
    password = set_password(leader)
    set_password(clerk)
    dbmod.close_database()
    dest = str(tmp_path / "b.sqlite3")
    assert main.run_command(["--db", db_path, "backup", dest]) == 0    # reading: no account
    assert "Đã sao lưu và kiểm tra" in capsys.readouterr().out
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"not a database at all" * 10)
    assert main.run_command(["--db", db_path, "restore", str(bogus)]) == 1
    assert "không phải là tệp dữ liệu" in capsys.readouterr().err
    assert main.run_command(["--db", db_path, "restore", dest]) == 1    # changing: an account
    assert "--user" in capsys.readouterr().err
    monkeypatch.setenv("TDKT_PASSWORD", password)
    assert main.run_command(["--db", db_path, "--user", "canbo", "restore", dest]) == 1
    assert "cần quyền Lãnh đạo" in capsys.readouterr().err
    monkeypatch.setenv("TDKT_PASSWORD", "sai-mat-khau")
    assert main.run_command(["--db", db_path, "--user", "lanhdao", "restore", dest]) == 1
    assert "Sai tên đăng nhập hoặc mật khẩu" in capsys.readouterr().err
    monkeypatch.setenv("TDKT_PASSWORD", password)
    assert main.run_command(["--db", db_path, "--user", "lanhdao", "restore", dest]) == 0
    assert "Dữ liệu cũ được giữ ở" in capsys.readouterr().out
    dbmod.open_database(db_path)
    assert Unit.select().count() == 5


def test_start_of_day_backs_up_once_then_checks_the_file(database, data_dir):
    """The first start of the day makes the automatic backup (checked in full, which also
    checks the file's pages); a later start the same day checks the file itself."""
    from models import db as dbmod
    path = dbmod.current_path()
    assert backup.auto_backup_due() is not None
    assert backup.start_of_day(path) is None
    assert backup.auto_backup_due() is None
    made = backup.auto_backups()
    assert len(made) == 1 and backup.backup_info(made[0]).schema == dbmod.SCHEMA_VERSION
    assert backup.start_of_day(path) is None
    assert backup.auto_backups() == made


def test_the_restored_copy_is_the_backup_with_its_wal(tmp_path, commune):
    """A backup at rest is copied byte for byte; one with its last changes still in a -wal
    beside it (copied off a PC while open) is read by SQLite with them."""
    from reports import restore_copy
    saved = backup.backup_to(str(tmp_path / "b.sqlite3"))
    here = tmp_path / "here"
    here.mkdir()
    copy = restore_copy.copy_verified(saved, str(here))
    assert open(copy, "rb").read() == open(saved, "rb").read()
    os.remove(copy)

    live = tmp_path / "live.sqlite3"
    shutil.copyfile(saved, live)
    conn = sqlite3.connect(live, isolation_level=None)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("INSERT INTO setting (key, value) VALUES ('only_in_wal', '1')")
    walled = tmp_path / "wal" / "b.sqlite3"
    walled.parent.mkdir()
    shutil.copyfile(live, walled)                    # the file and its -wal, as copied by hand
    shutil.copyfile(str(live) + "-wal", str(walled) + "-wal")
    conn.close()
    copy = restore_copy.copy_verified(str(walled), str(here))
    with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as check:
        assert check.execute("SELECT value FROM setting WHERE key = 'only_in_wal'").fetchone()
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert [f for f in os.listdir(here)] == [os.path.basename(copy)]
