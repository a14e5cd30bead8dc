"""The office server engine (PostgreSQL) against a real private server: its guards, its
write lock, backups to the SQLite file, moving a commune up and back, and bad input."""
import json
import os
import sqlite3
import subprocess
import sys
import textwrap

import psycopg2
import pytest

import main
from models import accounts, audit_log, decisions, settings
from models import db as dbmod
from models import db_copy, db_pg
from models.entities import AuditLog, Award, Decision, Household, Person, Unit
from models.errors import ConflictError, DamagedDatabase, DatabaseError
from tests.decision_fixtures import DECISION_DAY, make_year
from tests.pg_server import TEMPLATE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def server_db(pg_server):
    """A fresh server database (a copy of the migrated template) and its URL."""
    name = pg_server.new_name("p")
    url = pg_server.create_database(name, template=TEMPLATE)
    yield url
    dbmod.close_database()
    pg_server.drop_database(name)


@pytest.fixture
def issued(server_db, pg_server):
    dbmod.open_database(server_db)
    from models.entities import User
    clerk = User.create(username="canbo", full_name="Cán bộ", role="clerk",
                        password_hash="scrypt$1$1$1$AA==$AA==")
    leader = User.create(username="lanhdao", full_name="Lãnh đạo", role="leader",
                         password_hash="scrypt$1$1$1$AA==$AA==")
    from models import catalogue
    org = make_year(clerk)
    an, binh, _ = org["people"]
    d = decisions.create_draft(actor=clerk, movement=org["movement"], date=DECISION_DAY,
                               signer_name="Nguyễn Văn Hùng")
    for person in (an, binh):
        decisions.add_recipient(actor=clerk, decision=d, subject=person,
                                title=catalogue.title_by_code("LDTT"))
    return decisions.issue_decision(actor=leader, decision=d), server_db


def raw(url):
    """Another tool on the same server database: plain psycopg2, none of our code."""
    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


@pytest.mark.parametrize("sql", [
    "UPDATE decision SET total = total * 100 WHERE id = {d}",
    "UPDATE decision SET state = 'draft' WHERE id = {d}",
    "UPDATE decision SET state = 'revoked' WHERE id = {d}",
    "DELETE FROM decision WHERE id = {d}",
    "UPDATE award SET amount = amount * 100 WHERE decision_id = {d}",
    "DELETE FROM award WHERE decision_id = {d}",
    "INSERT INTO award (uuid, decision_id, \"order\", person_id, title_id, display_name, amount,"
    " paid) SELECT 'x', {d}, 9, person_id, title_id, 'Thêm', 1, true FROM award"
    " WHERE decision_id = {d} LIMIT 1",
    "UPDATE audit_log SET reason = 'sửa' WHERE id = 1",
    "DELETE FROM audit_log",
])
def test_raw_sql_on_the_server_cannot_change_issued_decisions_or_audit_rows(issued, sql):
    decision, url = issued
    conn = raw(url)
    cur = conn.cursor()

    def state():
        out = []
        for t in ("decision", "award", "audit_log"):
            cur.execute(f"SELECT * FROM {t} ORDER BY id")
            out.append(cur.fetchall())
        return out
    before = state()
    with pytest.raises(psycopg2.IntegrityError, match="tdkt: "):
        cur.execute(sql.format(d=decision.id))
    assert state() == before
    conn.close()


def test_refusals_read_as_vietnamese_and_the_chain_holds_on_the_server(issued):
    decision, url = issued
    with pytest.raises(ConflictError, match="^Quyết định đã ban hành không sửa"):
        Decision.update(total=1).where(Decision.id == decision.id).execute()
    assert audit_log.verify_chain().ok
    assert main.run_command(["--db", url, "check"]) == 0
    conn = raw(url)                # a determined editor drops the guard first
    cur = conn.cursor()
    cur.execute("DROP TRIGGER tdkt_audit_update ON audit_log")
    cur.execute("UPDATE audit_log SET username = 'khac' WHERE id = 3")
    conn.close()
    result = audit_log.verify_chain()
    assert result.broken_id == 3
    from models import health
    problems = health.full_check()
    assert any("tdkt_audit_update" in p for p in problems)
    assert any("từ dòng số 3" in p for p in problems)


def test_every_write_transaction_takes_the_servers_write_lock(server_db, pg_server):
    database = dbmod.open_database(server_db)
    with database.atomic():
        settings.update_settings(actor=accounts.batch_actor(), values={"chairman": "A"})
        held = pg_server.sql(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s "
            "AND granted", (db_pg.WRITE_LOCK,))[0][0]
    assert held == 1
    after = pg_server.sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                          "objid = %s", (db_pg.WRITE_LOCK,))[0][0]
    assert after == 0
    before = dbmod.change_counter()
    settings.update_settings(actor=accounts.batch_actor(), values={"chairman": "B"})
    assert dbmod.change_counter() > before


# ------------------------------------------------------------------ backups and moves

def test_backup_of_a_server_database_is_the_verified_sqlite_file(issued, tmp_path):
    from reports import backup
    decision, url = issued
    want = {m: m.select().count() for m in (Unit, Person, Household, Decision, Award, AuditLog)}
    dest = backup.backup_to(str(tmp_path / "usb"))
    assert dbmod.verify_database_file(dest) == dbmod.SCHEMA_VERSION
    conn = sqlite3.connect(dest)
    for model, n in want.items():
        assert conn.execute(f"SELECT count(*) FROM {model._meta.table_name}").fetchone()[0] == n
    with pytest.raises(sqlite3.IntegrityError, match="tdkt: "):     # the file's own guards
        conn.execute(f"DELETE FROM decision WHERE id = {decision.id}")
    conn.close()
    dbmod.close_database()
    dbmod.open_database(dest)                   # the program opens it like any backup
    assert audit_log.verify_chain().ok
    assert Decision.get_by_id(decision.id).number == decision.number


def test_a_commune_moves_from_its_file_to_a_server_and_back(tmp_path, pg_server):
    from models import demo
    path = str(tmp_path / "xa.sqlite3")
    dbmod.open_database(path)
    demo.load_demo(size="small", actor=accounts.batch_actor())
    # what COPY's text format must escape, an empty text beside a NULL, a literal \N
    ids = [h.id for h in Household.select(Household.id).order_by(Household.id).limit(4)]
    for hid, note, year in zip(ids, ["Ngõ 5\tnhà \"A\"\nSố 2\\3\r", "\\N", "", "\\x41 ạ"],
                               [None, 1950, None, 0]):
        Household.update(note=note, birth_year=year).where(Household.id == hid).execute()
    dbmod.close_database()
    name = pg_server.new_name("m")
    url = pg_server.create_database(name)          # a new empty database: no template
    try:
        assert main.run_command(["--db", url, "move-to-server", path]) == 0
        back = str(tmp_path / "ve-may.sqlite3")
        assert main.run_command(["--db", url, "move-to-file", back]) == 0
        src, dst = sqlite3.connect(path), sqlite3.connect(back)
        tables = [t for (t,) in src.execute("SELECT name FROM sqlite_master WHERE type = "
                                            "'table' AND name NOT LIKE 'sqlite_%'")]
        assert len(tables) > 20
        for table in tables:
            rows = [conn.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
                    for conn in (src, dst)]
            assert rows[0] == rows[1], table          # every row, every value, the same ids
        assert src.execute("SELECT count(*) FROM household").fetchone()[0] > 100
        assert [r[0] for r in dst.execute(
            f"SELECT note FROM household WHERE id IN ({', '.join(map(str, ids))}) "
            "ORDER BY id")] == ["Ngõ 5\tnhà \"A\"\nSố 2\\3\r", "\\N", "", "\\x41 ạ"]
        src.close()
        dst.close()
        dbmod.open_database(back)
        assert audit_log.verify_chain().ok
        dbmod.close_database()
        dbmod.open_database(url)                    # the server goes on: ids continue
        assert audit_log.verify_chain().ok
        from tests.helpers import make_org
        make_org(accounts.batch_actor())
        dbmod.close_database()
        # a second move onto data that is already there is refused
        assert main.run_command(["--db", url, "move-to-server", path]) == 1
    finally:
        dbmod.close_database()
        pg_server.drop_database(name)


# ------------------------------------------------------------------ bad input

def test_server_unreachable_wrong_password_and_missing_database(pg_server):
    dbmod.db.initialize(None)
    with pytest.raises(db_pg.ServerUnreachable, match="Không kết nối được máy chủ"):
        dbmod.open_database("postgresql://tdkt@127.0.0.1:1/x")
    pg_server.sql("DROP ROLE IF EXISTS canbo_xa")
    pg_server.sql("CREATE ROLE canbo_xa LOGIN PASSWORD 'dung-mat-khau'")
    with pytest.raises(db_pg.WrongPassword, match="mật khẩu"):
        dbmod.open_database(pg_server.tcp_url("postgres", "canbo_xa", "sai"))
    with pytest.raises(DatabaseError, match="chưa có cơ sở dữ liệu"):
        dbmod.open_database(pg_server.url("khong_co"))
    assert dbmod.db.obj is None


def test_foreign_newer_and_wrongly_sorted_databases_are_refused(pg_server, server_db):
    dbmod.db.initialize(None)
    conn = raw(server_db)
    cur = conn.cursor()
    cur.execute("UPDATE tdkt_schema SET version = version + 1")
    with pytest.raises(DatabaseError, match="phiên bản mới hơn"):
        dbmod.open_database(server_db)
    cur.execute("UPDATE tdkt_schema SET version = version - 1")
    cur.execute("CREATE VIEW lenh_la AS SELECT 1")
    with pytest.raises(DamagedDatabase, match="view lạ"):
        dbmod.open_database(server_db)
    conn.close()
    other = pg_server.new_name("f")
    pg_server.create_database(other)
    conn = raw(pg_server.url(other))
    conn.cursor().execute("CREATE TABLE khach (id int)")
    conn.close()
    with pytest.raises(DatabaseError, match="chương trình khác"):
        dbmod.open_database(pg_server.url(other))
    pg_server.drop_database(other)
    sorted_name = pg_server.new_name("s")
    pg_server.sql(f"CREATE DATABASE {sorted_name} TEMPLATE template0 LC_COLLATE 'C.UTF-8' "
                  "LC_CTYPE 'C.UTF-8'")
    try:
        with pytest.raises(DatabaseError, match="--locale=C"):
            dbmod.open_database(pg_server.url(sorted_name))
    finally:
        pg_server.drop_database(sorted_name)
    assert dbmod.db.obj is None


def test_a_connection_killed_mid_save_rolls_back_and_tells_the_clerk(server_db, pg_server):
    dbmod.open_database(server_db)
    actor = accounts.batch_actor()
    settings.update_settings(actor=actor, values={"chairman": "Trước"})
    before = AuditLog.select().count()
    with pytest.raises(db_pg.ConnectionLost, match="KHÔNG được lưu"):
        with dbmod.db.atomic():
            settings.update_settings(actor=actor, values={"chairman": "Dở dang"})
            pid = dbmod.db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
            pg_server.sql("SELECT pg_terminate_backend(%s)", (pid,))
            settings.update_settings(actor=actor, values={"chairman": "Lần hai"})
    # the next action reconnects by itself and finds nothing half-saved
    assert settings.get("chairman") == "Trước"
    assert AuditLog.select().count() == before
    assert audit_log.verify_chain().ok


# ------------------------------------------------------------------ several clerks at once

CLERK = textwrap.dedent("""
    import json, os, sys, time
    sys.path.insert(0, {root!r})
    from models import accounts, catalogue, decisions, org, db as dbmod
    from models.versioning import StaleRecord
    from models.entities import Household, Movement, Person
    dbmod.open_database({url!r})
    actor = accounts.batch_actor()
    me, barrier = int(sys.argv[1]), sys.argv[2]
    person = org.get_person({person_id})           # both load the same record...
    open(barrier + str(me), "w").close()
    while not all(os.path.exists(barrier + str(i)) for i in (0, 1)):
        time.sleep(0.01)
    out = {{"numbers": [], "registers": []}}
    try:                                            # ...and both save their own change
        org.update_person(actor=actor, person=person, birth_year=1990 + me,
                          position=f"Sửa ở máy {{me}}")
        out["saved"] = True
    except StaleRecord as err:
        out["saved"], out["message"] = False, str(err)
    movement = Movement.get_by_id({movement_id})
    title = catalogue.title_by_code("GK_HGD")
    ids = json.loads(sys.argv[3])
    for hid in ids:
        d = decisions.create_draft(actor=actor, movement=movement,
                                   date=__import__("datetime").date(2025, 12, 20),
                                   signer_name="Nguyễn Văn Hùng")
        decisions.add_recipient(actor=actor, decision=d, subject=Household.get_by_id(hid),
                                title=title)
        d = decisions.issue_decision(actor=actor, decision=d)
        out["numbers"].append(d.number)
        out["registers"] += [a.register_no for a in d.awards]
    print(json.dumps(out, ensure_ascii=False))
""")


def test_two_clerks_on_two_pcs_lose_no_update_and_never_share_a_number(server_db, tmp_path):
    """Two processes against one server: the same person saved from both (one wins, the
    other is told what changed), and each issues decisions as fast as it can."""
    from models import org
    from tests.decision_fixtures import make_movement
    from tests.helpers import make_org
    dbmod.open_database(server_db)
    actor = accounts.batch_actor()
    made = make_org(actor)
    movement = make_movement()
    per_clerk = 8
    ids = [org.add_household(actor=actor, head_name=f"Hộ Số {i}", gender="nam",
                             village=made["villages"][i % 2], birth_year=1950 + i).id
           for i in range(2 * per_clerk)]
    person = made["people"][0]
    dbmod.close_database()
    script = tmp_path / "clerk.py"
    script.write_text(CLERK.format(root=ROOT, url=server_db, person_id=person.id,
                                   movement_id=movement.id), encoding="utf-8")
    barrier = str(tmp_path / "ready-")
    procs = [subprocess.Popen(
        [sys.executable, str(script), str(me), barrier,
         json.dumps(ids[me * per_clerk:(me + 1) * per_clerk])],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for me in (0, 1)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    # no lost update: exactly one save landed, the other was refused with what changed
    assert sorted(r["saved"] for r in results) == [False, True]
    winner = 0 if results[0]["saved"] else 1
    loser = results[1 - winner]
    assert f"Năm sinh: 1980 → {1990 + winner}" in loser["message"]
    assert "CHƯA được lưu" in loser["message"]
    dbmod.open_database(server_db)
    stored = Person.get_by_id(person.id)
    assert (stored.birth_year, stored.position) == (1990 + winner, f"Sửa ở máy {winner}")
    assert stored.version == 2
    # no duplicate number: 2 × 8 decisions numbered 1..16, register numbers 1..16
    numbers = results[0]["numbers"] + results[1]["numbers"]
    assert len(set(numbers)) == 2 * per_clerk
    seqs = sorted(d.seq for d in Decision.select().where(Decision.state == "issued"))
    assert seqs == list(range(1, 2 * per_clerk + 1))
    registers = results[0]["registers"] + results[1]["registers"]
    assert sorted(registers) == list(range(1, 2 * per_clerk + 1))
    assert audit_log.verify_chain().ok


def test_a_stale_dialog_save_is_refused_on_both_engines(database, clerk):
    """The same record loaded twice (two windows/PCs): the second save is refused."""
    from models import org
    from models.versioning import StaleRecord
    from tests.helpers import make_org
    made = make_org(clerk)
    first = org.get_household(made["households"][0].id)
    second = org.get_household(made["households"][0].id)
    org.update_household(actor=clerk, household=first, address="Số 5 đường Làng")
    with pytest.raises(StaleRecord, match="Địa chỉ: \\(trống\\) → Số 5 đường Làng"):
        org.update_household(actor=clerk, household=second, note="Ghi chú khác")
    again = org.get_household(first.id)
    assert (again.address, again.note, again.version) == ("Số 5 đường Làng", "", 2)
    org.update_household(actor=clerk, household=again, note="Ghi chú khác")   # reloaded: fine
    assert org.get_household(first.id).version == 3


def test_restore_onto_a_server_keeps_the_old_data_as_a_file_first(issued, tmp_path):
    from reports import backup
    decision, url = issued
    leader = accounts.User.get(accounts.User.username == "lanhdao")
    before = backup.backup_to(str(tmp_path / "truoc"))
    settings.update_settings(actor=leader, values={"chairman": "Sau sao lưu"})
    kept = backup.restore_from(before, url, actor=leader)
    assert dbmod.verify_database_file(kept) == dbmod.SCHEMA_VERSION
    dbmod.open_database(url)
    assert settings.get("chairman") != "Sau sao lưu"
    assert Decision.get_by_id(decision.id).number == decision.number
    assert audit_log.verify_chain().ok
    assert AuditLog.select().order_by(AuditLog.id.desc()).first().action == "restore"
    clerk = accounts.User.get(accounts.User.username == "canbo")
    with pytest.raises(Exception, match="Lãnh đạo"):
        backup.restore_from(before, url, actor=clerk)


def test_a_server_of_an_older_version_is_backed_up_then_migrated(server_db, data_dir):
    conn = raw(server_db)
    cur = conn.cursor()
    cur.execute("ALTER TABLE person DROP COLUMN version")
    cur.execute("UPDATE tdkt_schema SET version = 10")
    conn.close()
    dbmod.open_database(server_db)
    backups = os.listdir(os.path.join(data_dir, "backups"))
    assert [b for b in backups if b.startswith("truoc-nang-cap-v10-")], backups
    copy = os.path.join(data_dir, "backups", backups[0])
    assert dbmod.verify_database_file(copy) == dbmod.SCHEMA_VERSION
    assert db_pg.read_identity(dbmod.db.obj)[1] == dbmod.SCHEMA_VERSION
    assert "version" in {c.name for c in dbmod.db.get_columns("person")}


def test_a_server_made_before_money_was_64_bit_is_migrated_keeping_amounts(issued, data_dir):
    """Servers set up before schema 19 hold money in `integer` columns (at most
    2,147,483,647 đồng); opening one turns them into bigint, amounts unchanged."""
    decision, url = issued
    dbmod.close_database()
    money = [("base_salary", "amount"), ("decision", "total"), ("award", "amount"),
             ("fund_entry", "amount"), ("prov_award", "amount")]
    conn = raw(url)
    cur = conn.cursor()
    cur.execute("SELECT id, total FROM decision ORDER BY id")
    totals = cur.fetchall()
    cur.execute("SELECT id, amount FROM award ORDER BY id")
    amounts = cur.fetchall()
    for table, column in money:
        cur.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE integer')
    cur.execute("UPDATE tdkt_schema SET version = 18")
    conn.close()

    dbmod.open_database(url)
    conn = raw(url)
    cur = conn.cursor()
    for table, column in money:
        cur.execute("SELECT data_type FROM information_schema.columns WHERE table_schema = "
                    "current_schema() AND table_name = %s AND column_name = %s",
                    (table, column))
        assert cur.fetchone() == ("bigint",), (table, column)
    cur.execute("SELECT id, total FROM decision ORDER BY id")
    assert cur.fetchall() == totals
    cur.execute("SELECT id, amount FROM award ORDER BY id")
    assert cur.fetchall() == amounts
    conn.close()
    assert db_pg.read_identity(dbmod.db.obj)[1] == dbmod.SCHEMA_VERSION
    assert Decision.get_by_id(decision.id).total == sum(a for _, a in amounts)
