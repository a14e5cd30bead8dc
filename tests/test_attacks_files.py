"""Crafted database files (made with the sqlite3 command-line program) must be refused by
restore, by opening and by `check`, with a Vietnamese message and the current file untouched."""
import datetime
import os
import shutil
import subprocess

import pytest

import main
from models import db as dbmod
from models import migrations, schema_check
from models.entities import Award, Decision, Title
from models.errors import DatabaseError
from reports import backup
from tests.helpers import make_org

SQLITE = shutil.which("sqlite3")
pytestmark = pytest.mark.skipif(SQLITE is None, reason="sqlite3 command-line program missing")


def sqlite(path, sql):
    """Run SQL through the sqlite3 program (not our code, not Python's module)."""
    subprocess.run([SQLITE, str(path)], input=sql, text=True, check=True, capture_output=True)


@pytest.fixture
def genuine(tmp_path, leader):
    """A genuine backup of a commune with an issued decision and its awards."""
    org = make_org(leader)
    decision = Decision.create(year=2025, seq=12, number="12/QĐ-UBND", state="draft",
                               date=datetime.date(2025, 12, 5), total=1_420_000)
    Award.create(decision=decision, title=Title.get(Title.code == "GK_CN"),
                 person=org["people"][0], display_name="Nguyễn Văn An", amount=710_000)
    Award.create(decision=decision, title=Title.get(Title.code == "GK_CN"),
                 person=org["people"][1], display_name="Trần Thị Bình", amount=710_000)
    return backup.backup_to(str(tmp_path / "that" / "genuine.sqlite3"))


def crafted(genuine, tmp_path, name, sql):
    path = tmp_path / f"{name}.sqlite3"
    shutil.copy(genuine, path)
    sqlite(path, sql)
    return str(path)


ATTACKS = {
    "planted trigger empties the audit log":
        "CREATE TRIGGER wipe AFTER INSERT ON unit BEGIN DELETE FROM audit_log; END;",
    "planted trigger turns issued decisions into drafts":
        "CREATE TRIGGER flip AFTER INSERT ON audit_log BEGIN "
        "UPDATE decision SET state='draft'; END;",
    "planted trigger multiplies amounts by 100":
        "CREATE TRIGGER x100 AFTER INSERT ON audit_log BEGIN "
        "UPDATE award SET amount = amount * 100; END;",
    "title table replaced by a view":
        "PRAGMA foreign_keys=OFF; ALTER TABLE title RENAME TO title_old;"
        "CREATE VIEW title AS SELECT * FROM title_old;",
    "title table dropped, view of the same name":
        "PRAGMA foreign_keys=OFF; CREATE TABLE keep AS SELECT * FROM title; DROP TABLE title;"
        "CREATE VIEW title AS SELECT * FROM keep;",
    "dangling foreign keys":
        "PRAGMA foreign_keys=OFF; UPDATE award SET title_id = 9999;",
    "missing column":
        "ALTER TABLE movement DROP COLUMN slogan;",
    "extra column":
        "ALTER TABLE award ADD COLUMN evil TEXT;",
    "extra view":
        "CREATE VIEW v AS SELECT * FROM award;",
    "extra table":
        "CREATE TABLE payload (x BLOB);",
    "index dropped":
        "DROP INDEX award_uuid;",
    "CHECK constraint weakened (subject of an award)":
        "PRAGMA writable_schema=ON; UPDATE sqlite_master SET sql = "
        "replace(sql, 'CHECK (', 'CHECK (1 OR ') WHERE name='award'; PRAGMA writable_schema=OFF;",
    "decision state outside the allowed set":
        "UPDATE decision SET state = 'hacked';",
    "negative money":
        "UPDATE award SET amount = -710000;",
    "money as text":
        "UPDATE award SET amount = '710000đ';",
    "version 0":
        "PRAGMA user_version = 0;",
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_crafted_backup_is_refused_by_restore_and_leaves_current_file(genuine, tmp_path,
                                                                      attack, leader):
    bad = crafted(genuine, tmp_path, "bad", ATTACKS[attack])
    db_path = dbmod.current_path()
    dbmod.close_database()
    before = open(db_path, "rb").read()
    with pytest.raises(DatabaseError) as err:
        backup.restore_from(bad, db_path, actor=leader)
    assert "Tệp" in str(err.value) and "Traceback" not in str(err.value)
    if attack.startswith("CHECK"):
        assert "ràng buộc CHECK" in str(err.value)
    assert open(db_path, "rb").read() == before
    assert not [f for f in os.listdir(os.path.dirname(db_path)) if f.startswith(".tmp-")]
    # Opening it directly is refused as well, and the file is not changed by trying.
    # (Dangling links are found by restore, backup, `check` and the GUI's background check;
    # opening skips foreign_key_check: seconds on a large file for every batch command.)
    crafted_bytes = open(bad, "rb").read()
    if attack != "dangling foreign keys":
        with pytest.raises(DatabaseError):
            dbmod.open_database(bad)
        assert open(bad, "rb").read() == crafted_bytes
    dbmod.open_database(db_path)


def test_genuine_backup_still_restores(genuine, tmp_path, leader):
    db_path = dbmod.current_path()
    dbmod.close_database()
    kept = backup.restore_from(genuine, db_path, actor=leader)
    assert kept and os.path.exists(kept)
    dbmod.open_database(db_path)
    assert Award.select().count() == 2


def test_empty_shell_with_our_application_id(tmp_path, database):
    shell = tmp_path / "shell.sqlite3"
    sqlite(shell, f"PRAGMA application_id={dbmod.APPLICATION_ID}; PRAGMA user_version="
                  f"{dbmod.SCHEMA_VERSION}; CREATE TABLE setting (key TEXT);")
    with pytest.raises(DatabaseError, match="thiếu bảng"):
        backup.backup_info(str(shell))
    with pytest.raises(DatabaseError, match="thiếu bảng"):
        dbmod.open_database(str(shell))


def test_batch_commands_refuse_with_one_line(genuine, tmp_path, capsys):
    bad = crafted(genuine, tmp_path, "bad", ATTACKS["planted trigger multiplies amounts by 100"])
    db_path = dbmod.current_path()
    dbmod.close_database()
    before = open(db_path, "rb").read()
    for argv in (["--db", bad, "check"], ["--db", bad, "list", "units"]):
        capsys.readouterr()
        assert main.run_command(argv) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("Lỗi:") and "trigger" in err[0]
    assert open(db_path, "rb").read() == before


def test_older_file_with_planted_trigger_is_refused_before_migration(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite3"
    dbmod.open_database(str(path))
    dbmod.close_database()
    sqlite(path, "CREATE TRIGGER wipe AFTER INSERT ON unit BEGIN DELETE FROM audit_log; END;")
    before = path.read_bytes()

    def step_later(database):
        database.execute_sql("CREATE TABLE IF NOT EXISTS extra_later (x INTEGER)")

    monkeypatch.setitem(migrations.STEPS, dbmod.SCHEMA_VERSION + 1, step_later)
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", dbmod.SCHEMA_VERSION + 1)
    with pytest.raises(DatabaseError, match="trigger lạ «wipe»"):
        dbmod.open_database(str(path))
    assert path.read_bytes() == before
    # the same older file without the planted trigger migrates and then matches exactly
    sqlite(path, "DROP TRIGGER wipe;")
    dbmod.open_database(str(path))
    try:
        assert not schema_check.schema_problems(dbmod.db.connection())
    finally:
        dbmod.close_database()


def test_check_command_and_startup_check_report_dangling_links(genuine, tmp_path, capsys):
    from models.health import quick_check_file
    bad = crafted(genuine, tmp_path, "dangling", ATTACKS["dangling foreign keys"])
    assert main.run_command(["--db", bad, "check"]) == 1
    assert "liên kết trỏ tới bản ghi không còn" in capsys.readouterr().err
    assert "liên kết trỏ tới bản ghi không còn" in quick_check_file(bad)


# --------------------------------------------------------------------------- output paths

@pytest.fixture
def issued(tmp_path, leader):
    from models import settings
    from tests.test_certificates import make_decision
    decision, _ = make_decision(leader, make_org(leader))
    del settings
    return decision


@pytest.mark.parametrize("command, target", [
    ("decision", ""), ("decision", "-wal"), ("certificates", ""), ("certificates", "-shm"),
    ("backup", ""), ("backup", "-wal"),
])
def test_no_output_onto_the_database_or_its_journal(issued, command, target, capsys):
    db_path = dbmod.current_path()
    dbmod.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    dbmod.close_database()
    out = db_path + target
    if target:
        open(out, "ab").close()
    argv = {"decision": ["decision", str(issued.id), "--out", out],
            "certificates": ["certificates", str(issued.id), "--out", out],
            "export": ["export", "awards", "--out", out],
            "backup": ["backup", out]}[command]
    assert main.run_command(["--db", db_path] + argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "tệp dữ liệu đang dùng" in err[0]
    dbmod.verify_database_file(db_path)          # still our intact database, not a PDF
    if os.path.exists(out):                       # SQLite removes its -wal when it closes
        assert open(out, "rb").read(4) != b"%PDF"
    dbmod.open_database(db_path)


def test_no_output_into_the_backups_folder(issued, tmp_path, capsys):
    from models import paths
    db_path = dbmod.current_path()
    auto = backup.auto_backup(force=True)
    assert os.path.dirname(auto) == paths.backup_dir()
    before = open(auto, "rb").read()
    dbmod.close_database()
    for argv in (["decision", str(issued.id), "--out", auto],
                 ["export", "awards", "--out", os.path.join(paths.backup_dir(), "x.xlsx")],
                 ["backup", auto]):
        capsys.readouterr()
        assert main.run_command(["--db", db_path] + argv) == 1
        assert "thư mục sao lưu" in capsys.readouterr().err
    assert open(auto, "rb").read() == before
    # a symbolic link pointing at the database is the database
    link = tmp_path / "innocent.pdf"
    os.symlink(db_path, link)
    assert main.run_command(["--db", db_path, "decision", str(issued.id), "--out",
                             str(link)]) == 1
    assert "tệp dữ liệu đang dùng" in capsys.readouterr().err
    dbmod.open_database(db_path)


def test_every_broken_value_rule_is_counted_in_rule_order(genuine, tmp_path, monkeypatch):
    """The value rules are counted one scan per table: several rules broken in one table are
    each counted and named in VALUE_RULES order, and a rule whose column the file lacks
    (an older file) does not hide the others of its table."""
    bad = crafted(genuine, tmp_path, "values",
                  "UPDATE award SET amount = -1 WHERE display_name = 'Trần Thị Bình';"
                  "UPDATE decision SET state = 'hacked', kind = 'bogus', year = '2025x';")
    import sqlite3
    conn = sqlite3.connect(bad)
    want = ["1 dòng có trạng thái quyết định không hợp lệ (bảng decision)",
            "1 dòng có loại quyết định không hợp lệ (bảng decision)",
            "1 dòng có năm quyết định không hợp lệ (bảng decision)",
            "1 dòng có số tiền khen thưởng không hợp lệ (bảng award)"]
    assert schema_check.value_problems(conn, links=False) == want
    monkeypatch.setattr(schema_check, "VALUE_RULES", (
        ("decision", "no_such_column = 1", "cột chưa có"),) + schema_check.VALUE_RULES)
    assert schema_check.value_problems(conn, links=False) == want
    conn.close()
    with pytest.raises(DatabaseError) as err:
        dbmod.open_database(bad)
    assert "trạng thái quyết định không hợp lệ" in str(err.value)
