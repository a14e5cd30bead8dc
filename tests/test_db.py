"""The database entry point: pragmas, schema version, refusals, migrations with backup."""
import datetime
import json
import os
import shutil
import sqlite3
import subprocess

import pytest

from models import db as dbmod
from models import migrations
from models.entities import Title, Unit, UnitKind
from models.errors import DatabaseError


def _pragma(name):
    return dbmod.db.connection().execute(f"PRAGMA {name}").fetchone()[0]


def test_new_database_has_pragmas_version_and_catalogue(database):
    assert _pragma("foreign_keys") == 1
    assert _pragma("journal_mode") == "wal"
    assert _pragma("synchronous") == 1
    assert _pragma("user_version") == dbmod.SCHEMA_VERSION
    assert _pragma("application_id") == dbmod.APPLICATION_ID
    names = {t.name for t in Title.select()}
    assert "Lao động tiên tiến" in names and "Chiến sĩ thi đua cơ sở" in names
    ldtt = Title.get(Title.code == "LDTT")
    assert str(ldtt.coefficient) == "0.3" and ldtt.subject_kind == "person"


def test_reopen_keeps_data(tmp_path):
    path = str(tmp_path / "a.sqlite3")
    dbmod.open_database(path)
    Unit.create(name="Xã A", name_key="xa a", kind=UnitKind.get(UnitKind.code == "xa"))
    dbmod.close_database()
    dbmod.open_database(path)
    assert Unit.select().count() == 1
    dbmod.close_database()


def _refused(path, *words):
    with pytest.raises(DatabaseError) as info:
        dbmod.open_database(str(path))
    for word in words:
        assert word in str(info.value)
    return str(info.value)


def test_garbage_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "rac.sqlite3"
    path.write_bytes(b"PK\x03\x04 not a database at all" * 100)
    before = path.read_bytes()
    _refused(path, "không phải là tệp dữ liệu")
    assert path.read_bytes() == before


def test_truncated_file_is_refused(tmp_path):
    good = tmp_path / "good.sqlite3"
    dbmod.open_database(str(good))
    dbmod.close_database()
    cut = tmp_path / "cut.sqlite3"
    cut.write_bytes(good.read_bytes()[:60])
    _refused(cut, "cắt cụt")


def test_damaged_pages_are_refused(tmp_path):
    path = tmp_path / "hong.sqlite3"
    dbmod.open_database(str(path))
    dbmod.close_database()
    data = bytearray(path.read_bytes())
    page = 4096
    for i in range(page * 2, min(len(data), page * 6)):
        data[i] = 0xA5
    path.write_bytes(bytes(data))
    message = _refused(path)
    assert "hỏng" in message


def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "khac.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    _refused(path, "chương trình khác")


def test_file_from_newer_version_is_refused_unchanged(tmp_path):
    path = tmp_path / "moi.sqlite3"
    dbmod.open_database(str(path))
    dbmod.db.execute_sql("PRAGMA user_version=99")
    dbmod.close_database()
    before = path.read_bytes()
    _refused(path, "phiên bản mới hơn")
    assert path.read_bytes() == before


def test_locked_database_says_so(tmp_path):
    path = str(tmp_path / "khoa.sqlite3")
    dbmod.open_database(path)
    dbmod.close_database()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError) as info:
            dbmod.open_database(path, busy_timeout_ms=200)
        assert "chương trình khác" in str(info.value)
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.fixture
def read_only_dir(tmp_path):
    """A folder on a read-only medium (a read-only tmpfs as root, a 0555 folder otherwise)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        yield folder, lambda: folder.chmod(0o555)
        folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a read-only medium here")

    def make_read_only():
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    yield folder, make_read_only
    subprocess.run(["umount", str(folder)], capture_output=True)


def test_read_only_medium_is_refused_with_advice(tmp_path, read_only_dir):
    folder, make_read_only = read_only_dir
    src = tmp_path / "src.sqlite3"
    dbmod.open_database(str(src))
    dbmod.close_database()
    target = folder / "usb.sqlite3"
    shutil.copy(src, target)
    make_read_only()
    message = _refused(target, "chỉ đọc")
    assert "chép" in message


def _v1_file(tmp_path):
    path = str(tmp_path / "cu.sqlite3")
    dbmod.open_database(path)
    Unit.create(name="Xã Cũ", name_key="xa cu", kind=UnitKind.get(UnitKind.code == "xa"))
    # a file of schema 1, whatever SCHEMA_VERSION is now (later steps are idempotent)
    dbmod.db.execute_sql("PRAGMA user_version=1")
    dbmod.close_database()
    return path


def test_migration_takes_verified_backup_then_upgrades(tmp_path, monkeypatch):
    path = _v1_file(tmp_path)

    # (a next step, not a replaced step 2: the file holds what steps 2.. created, and the
    # schema check compares it with what this version's real steps create)
    nxt = dbmod.SCHEMA_VERSION + 1
    dbmod.open_database(path)
    dbmod.db.execute_sql(f"PRAGMA user_version={nxt - 1}")
    dbmod.close_database()

    def step_2(database):
        database.execute_sql("ALTER TABLE unit ADD COLUMN phone TEXT DEFAULT ''")

    monkeypatch.setitem(migrations.STEPS, nxt, step_2)
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", nxt)
    dbmod.open_database(path)
    try:
        assert _pragma("user_version") == nxt
        assert "phone" in {c.name for c in dbmod.db.get_columns("unit")}
    finally:
        dbmod.close_database()
    backup = os.path.join(os.path.dirname(path), "backups",
                          f"truoc-nang-cap-v{nxt - 1}-cu.sqlite3")
    assert dbmod.verify_database_file(backup) == nxt - 1
    conn = sqlite3.connect(backup)
    assert conn.execute("SELECT name FROM unit").fetchall() == [("Xã Cũ",)]
    conn.close()


def test_failed_migration_changes_nothing(tmp_path, monkeypatch):
    path = _v1_file(tmp_path)

    def step_2(database):
        database.execute_sql("ALTER TABLE unit ADD COLUMN phone TEXT")
        raise RuntimeError("simulated failure halfway")

    monkeypatch.setitem(migrations.STEPS, 2, step_2)
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", 2)
    with pytest.raises(RuntimeError):
        dbmod.open_database(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "phone" not in [r[1] for r in conn.execute("PRAGMA table_info(unit)")]
        assert conn.execute("SELECT name FROM unit").fetchall() == [("Xã Cũ",)]
    finally:
        conn.close()


def test_backup_is_a_verified_copy(database, tmp_path):
    Unit.create(name="Xã B", name_key="xa b", kind=UnitKind.get(UnitKind.code == "xa"))
    dest = tmp_path / "usb" / "saoluu.sqlite3"
    dbmod.backup_database(str(dest))
    assert dbmod.verify_database_file(str(dest)) == dbmod.SCHEMA_VERSION
    assert not [f for f in os.listdir(dest.parent) if f.startswith(".tmp-")]


def test_cancelled_backup_leaves_no_file(database, tmp_path):
    for i in range(3000):
        Unit.create(name=f"Đơn vị {i}" * 5, name_key=f"don vi {i}",
                    kind=UnitKind.get(UnitKind.code == "khac"))
    dest = tmp_path / "usb" / "saoluu.sqlite3"
    with pytest.raises(DatabaseError):
        dbmod.backup_database(str(dest), progress=lambda done, total: False)
    assert os.listdir(dest.parent) == []


def test_step_5_adds_print_log_states_to_an_old_file(tmp_path):
    """A file from before migration 5: PDF rows become 'pdf', printer rows stay 'printed'."""
    from models.entities import Award, Decision, PrintLog
    path = str(tmp_path / "cu.sqlite3")
    dbmod.open_database(path)
    decision = Decision.create(year=2025, seq=1, number="1/QĐ-UBND", state="draft",
                               date=datetime.date(2025, 12, 1))
    unit = Unit.create(name="Thôn A", name_key="thon a", kind=UnitKind.get(UnitKind.code == "thon"))
    award = Award.create(decision=decision, unit=unit, title=Title.select().first(),
                         display_name="Thôn A")
    Decision.update(state="issued").where(Decision.id == decision.id).execute()  # list first
    for target in ("HP LaserJet", "/tmp/giay-khen.PDF"):
        PrintLog.create(username="x", award=award, template="t", target=target)
    dbmod.db.execute_sql("ALTER TABLE print_log DROP COLUMN state")
    dbmod.db.execute_sql("ALTER TABLE print_log DROP COLUMN job")
    dbmod.db.execute_sql("PRAGMA user_version=4")
    dbmod.close_database()
    dbmod.open_database(path)
    try:
        rows = list(PrintLog.select().order_by(PrintLog.id))
        assert [(r.target, r.state, r.job) for r in rows] == [
            ("HP LaserJet", "printed", ""), ("/tmp/giay-khen.PDF", "pdf", "")]
    finally:
        dbmod.close_database()


# --------------------------------------------------------------- steps landing out of order

def _steps(path):
    conn = sqlite3.connect(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        return version, dbmod.stored_steps_sqlite(conn)
    finally:
        conn.close()


def test_a_new_file_records_every_step(tmp_path):
    path = str(tmp_path / "moi.sqlite3")
    dbmod.open_database(path)
    dbmod.close_database()
    known = sorted(n for n in migrations.STEPS if n <= dbmod.SCHEMA_VERSION)
    assert _steps(path) == (dbmod.SCHEMA_VERSION, known)


def test_a_step_landing_after_a_higher_one_still_runs(tmp_path, monkeypatch):
    """Two branches add steps N+1 and N+2; N+2 lands first and a file is opened (stamped
    N+2); then N+1 lands. Opening the file again must run N+1, not skip it."""
    path = _v1_file(tmp_path)
    dbmod.open_database(path)           # brings the file to the current schema
    dbmod.close_database()
    n = dbmod.SCHEMA_VERSION
    ran = []

    def note(number, database):          # (the schema check runs every step in memory too)
        if database.database != ":memory:":
            ran.append(number)

    def later_number(database):
        note(n + 2, database)
        if "motto" not in {c.name for c in database.get_columns("unit")}:
            database.execute_sql("ALTER TABLE unit ADD COLUMN motto TEXT DEFAULT ''")

    def landed_late(database):
        note(n + 1, database)
        if "phone" not in {c.name for c in database.get_columns("unit")}:
            database.execute_sql("ALTER TABLE unit ADD COLUMN phone TEXT DEFAULT ''")

    monkeypatch.setitem(migrations.STEPS, n + 2, later_number)
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", n + 2)
    dbmod.open_database(path)
    dbmod.close_database()
    assert ran == [n + 2]
    assert _steps(path)[0] == n + 2

    monkeypatch.setitem(migrations.STEPS, n + 1, landed_late)
    dbmod.open_database(path)
    try:
        assert ran == [n + 2, n + 1]
        assert {"phone", "motto"} <= {c.name for c in dbmod.db.get_columns("unit")}
        assert dbmod.db.execute_sql("SELECT name FROM unit").fetchall() == [("Xã Cũ",)]
    finally:
        dbmod.close_database()
    version, steps = _steps(path)
    assert version == n + 2 and {n + 1, n + 2} <= set(steps)
    # the late step was backed up before, like any migration
    assert os.path.exists(os.path.join(os.path.dirname(path), "backups",
                                       f"truoc-nang-cap-v{n + 2}-cu.sqlite3"))
    dbmod.open_database(path)           # nothing left to run
    dbmod.close_database()
    assert ran == [n + 2, n + 1]


def test_a_file_without_a_record_ran_the_steps_up_to_its_version(tmp_path):
    """Files written before the record existed: 1..version ran. Such a file stamped with
    this version is checked in full (a table missing is refused, not "migrated")."""
    path = str(tmp_path / "cu.sqlite3")
    dbmod.open_database(path)
    dbmod.close_database()
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM setting WHERE key = ?", (dbmod.STEPS_KEY,))
    conn.execute("DROP TABLE public_comment")
    conn.commit()
    conn.close()
    assert dbmod.migration_plan(dbmod.SCHEMA_VERSION, None) == []
    before = open(path, "rb").read()
    with pytest.raises(DatabaseError, match="thiếu bảng «public_comment»"):
        dbmod.open_database(path)
    assert open(path, "rb").read() == before


def test_a_released_file_runs_only_the_steps_above_its_version():
    assert dbmod.migration_plan(6, None) == [
        n for n in sorted(migrations.STEPS) if 6 < n <= dbmod.SCHEMA_VERSION]
    # a recorded step above the stamp (the stamp was lowered) runs again
    assert dbmod.migration_plan(6, list(range(1, 9))) == dbmod.migration_plan(6, None)
    assert dbmod.migration_plan(3, None)[0] == 4
    everything = sorted(n for n in migrations.STEPS if n <= dbmod.SCHEMA_VERSION)
    assert dbmod.migration_plan(dbmod.SCHEMA_VERSION, everything) == []
    assert dbmod.migration_plan(0, None) == everything


def test_steps_missing_from_an_older_file_run_in_order_on_real_data(tmp_path):
    """A commune's file from before the fund ledger (step 8) and the version columns (steps
    11 and 15): step 8 fills the ledger from the issued decisions while decision.version does
    not exist yet — its queries must not read columns a later step adds (every schema-6
    file failed with "no such column: t1.version")."""
    from models import accounts, demo
    from models.entities import Decision, FundEntry
    path = str(tmp_path / "xa.sqlite3")
    dbmod.open_database(path)
    demo.load_demo(size="small", actor=accounts.batch_actor(), seed=7)
    issued = Decision.select().where(Decision.state != "draft").count()
    entries = FundEntry.select().where(FundEntry.decision.is_null(False)).count()
    assert issued and entries
    dbmod.close_database()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=OFF")
    for table in ("blank_use", "blank_move", "blank_kind_template", "blank_kind",
                  "fund_entry"):
        conn.execute(f"DROP TABLE {table}")
    for table in ("decision", "target", "registration", "criteria_set", "meeting", "unit",
                  "person", "household", "movement", "commitment", "candidate", "round",
                  "covenant", "upward_file", "public_posting", "public_comment", "review",
                  "exemplary_model"):
        conn.execute(f"ALTER TABLE {table} DROP COLUMN version")
    conn.execute("DROP INDEX prov_subject_birth_year")           # step 17
    conn.execute("DROP INDEX prov_subject_name_key_id_kind_birth_year")     # step 18
    steps = [n for n in dbmod.stored_steps_sqlite(conn) if n not in (8, 11, 15, 16, 17, 18)]
    conn.execute("UPDATE setting SET value = ? WHERE key = ?",
                 (json.dumps(steps), dbmod.STEPS_KEY))
    conn.commit()
    conn.close()
    dbmod.open_database(path)
    try:
        assert FundEntry.select().where(FundEntry.decision.is_null(False)).count() == entries
        assert {c.name for c in dbmod.db.get_columns("decision")} >= {"version"}
        assert {c.name for c in dbmod.db.get_columns("candidate")} >= {"version"}
        indexes = {i.name for i in dbmod.db.get_indexes("prov_subject")}
        assert {"prov_subject_birth_year", "prov_subject_name_key_id_kind_birth_year"} <= indexes
    finally:
        dbmod.close_database()
    assert sorted(_steps(path)[1]) == sorted(
        n for n in migrations.STEPS if n <= dbmod.SCHEMA_VERSION)


def test_verification_answers_the_first_failing_check_and_leaves_no_reader(tmp_path):
    """verify_database_file reads schema, links and values on a second connection while
    PRAGMA integrity_check runs: the refusal still names the first check that fails, in
    the order damage → schema → links/values, and no reading thread outlives it."""
    import threading
    good = tmp_path / "good.sqlite3"
    dbmod.open_database(str(good))
    Unit.create(name="Xã B", name_key="xa b", kind=UnitKind.get(UnitKind.code == "xa"))
    dbmod.close_database()
    assert dbmod.verify_database_file(str(good)) == dbmod.SCHEMA_VERSION

    def variant(name, *sql, damage=False):
        path = tmp_path / f"{name}.sqlite3"
        shutil.copyfile(good, path)
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA foreign_keys=0")
        for statement in sql:
            conn.execute(statement)
        conn.commit()
        conn.close()
        if damage:
            data = bytearray(path.read_bytes())
            for i in range(4096 * 2, min(len(data), 4096 * 6)):
                data[i] = 0xA5
            path.write_bytes(bytes(data))
        with pytest.raises(DatabaseError) as info:
            dbmod.verify_database_file(str(path))
        assert not [t for t in threading.enumerate() if t.name == "schema-check"]
        path.unlink()
        return str(info.value)

    dangling = "UPDATE unit SET kind_id = 99999"
    trigger = "CREATE TRIGGER la AFTER INSERT ON setting BEGIN SELECT 1; END"
    assert "liên kết trỏ tới bản ghi không còn" in variant("links", dangling)
    both = variant("both", dangling, trigger)
    assert "trigger lạ «la»" in both and "liên kết" not in both
    damaged = variant("damaged", dangling, trigger, damage=True)
    assert "bị hỏng" in damaged and "trigger" not in damaged and "liên kết" not in damaged
