"""Defence in depth: the database's own triggers, the audit hash chain, BEGIN IMMEDIATE
between two processes, and rights re-read from the database at every action."""
import datetime
import os
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

import main
from models import accounts, audit_log, catalogue, decisions, guards, settings
from models import db as dbmod
from models.entities import AuditLog, Award, Decision
from models.errors import ConflictError, DatabaseError, PermissionDenied
from tests.decision_fixtures import DECISION_DAY, make_year

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def issued(database, clerk, leader):
    """An issued decision with two awards, through the program's own path."""
    org = make_year(clerk)
    an, binh, _ = org["people"]
    d = decisions.create_draft(actor=clerk, movement=org["movement"], date=DECISION_DAY,
                               signer_name="Nguyễn Văn Hùng")
    for person in (an, binh):
        decisions.add_recipient(actor=clerk, decision=d, subject=person,
                                title=catalogue.title_by_code("LDTT"))
    return decisions.issue_decision(actor=leader, decision=d), org


def raw(path):
    """Another tool on the same file: plain sqlite3, none of our code."""
    if "://" in str(path):
        pytest.skip("another tool on the SQLite file; on a server: tests/test_pg.py")
    return sqlite3.connect(path, isolation_level=None)


# --------------------------------------------------------------------------- triggers

@pytest.mark.parametrize("sql", [
    "UPDATE decision SET total = total * 100 WHERE id = {d}",
    "UPDATE decision SET state = 'draft' WHERE id = {d}",
    "UPDATE decision SET state = 'revoked' WHERE id = {d}",      # no revoking decision issued
    "DELETE FROM decision WHERE id = {d}",
    "UPDATE award SET amount = amount * 100 WHERE decision_id = {d}",
    "UPDATE award SET display_name = 'Người khác', register_no = 999 WHERE decision_id = {d}",
    "DELETE FROM award WHERE decision_id = {d}",
    "INSERT INTO award (uuid, decision_id, \"order\", person_id, title_id, display_name, amount,"
    " paid) SELECT 'x', {d}, 9, person_id, title_id, 'Thêm', 1, 1 FROM award"
    " WHERE decision_id = {d} LIMIT 1",
    "UPDATE audit_log SET reason = 'sửa' WHERE id = 1",
    "DELETE FROM audit_log",
])
def test_raw_sql_cannot_change_issued_decisions_awards_or_audit_rows(issued, sql):
    decision, _ = issued
    path = dbmod.current_path()
    conn = raw(path)
    before = [conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
              for t in ("decision", "award", "audit_log")]
    with pytest.raises(sqlite3.IntegrityError, match="tdkt: "):
        conn.execute(sql.format(d=decision.id))
    after = [conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
             for t in ("decision", "award", "audit_log")]
    conn.close()
    assert after == before


def test_program_paths_still_work_and_refusals_read_as_vietnamese(issued, clerk, leader):
    decision, org = issued
    fix = decisions.amend_decision(actor=clerk, decision=decision,
                                   date=datetime.date(2025, 12, 28), reason="Ghi sai tên")
    wrong = fix.awards[0]
    decisions.update_recipient(actor=clerk, award=wrong, display_name="Trần Thị Bính")
    decisions.issue_decision(actor=leader, decision=fix)
    assert Decision.get_by_id(decision.id).state == "corrected"   # the one legal transition
    rv = decisions.revoke_decision(actor=clerk, decision=fix, date=datetime.date(2025, 12, 30),
                                   reason="Vi phạm")
    decisions.issue_decision(actor=leader, decision=rv)
    assert Decision.get_by_id(fix.id).state == "revoked"
    # through peewee, below the models/ rules: the trigger's message, as a ConflictError
    with pytest.raises(ConflictError, match="Quyết định đã ban hành không sửa"):
        Decision.update(total=1).where(Decision.id == fix.id).execute()
    with pytest.raises(ConflictError, match="Danh sách khen thưởng"):
        Award.update(amount=1).where(Award.decision == decision.id).execute()
    with pytest.raises(ConflictError, match="Nhật ký không sửa"):
        AuditLog.delete().execute()
    assert audit_log.verify_chain().ok


def test_draft_decisions_stay_free_to_edit_and_delete(database, clerk):
    org = make_year(clerk)
    d = decisions.create_draft(actor=clerk, movement=org["movement"], date=DECISION_DAY)
    decisions.add_recipient(actor=clerk, decision=d, subject=org["people"][0],
                            title=catalogue.title_by_code("LDTT"))
    decisions.delete_draft(actor=clerk, decision=d)
    assert not Decision.select().exists() and not Award.select().exists()


def test_migration_2_is_idempotent_and_chains_existing_rows(tmp_path):
    """A schema-1 file (as main had it) gets the columns, the chain and the guards."""
    path = str(tmp_path / "v1.sqlite3")
    dbmod.open_database(path)
    settings.update_settings(actor=accounts.batch_actor(), values={"chairman": "A"})
    settings.update_settings(actor=accounts.batch_actor(), values={"chairman": "B"})
    dbmod.close_database()
    conn = raw(path)                           # make it look like schema 1
    for name in guards.TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("ALTER TABLE audit_log DROP COLUMN prev_hash")
    conn.execute("ALTER TABLE audit_log DROP COLUMN row_hash")
    conn.execute("DROP TABLE sign_in_failure")
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    dbmod.open_database(path)
    try:
        assert dbmod.db.execute_sql("PRAGMA user_version").fetchone()[0] == dbmod.SCHEMA_VERSION
        assert guards.missing_triggers(dbmod.db) == []
        chain = audit_log.verify_chain()
        assert chain.ok and chain.rows == 2
        from models import migrations
        with dbmod.db.atomic():
            migrations.step_2(dbmod.db)        # once more: nothing to add, nothing breaks
        assert audit_log.verify_chain().rows == 2
    finally:
        dbmod.close_database()


# --------------------------------------------------------------------------- hash chain

def test_check_reports_the_first_tampered_audit_row(issued, tmp_path, capsys):
    path = dbmod.current_path()
    rows = list(AuditLog.select().order_by(AuditLog.id))
    assert len(rows) > 5 and all(r.row_hash and r.prev_hash for r in rows)
    assert rows[0].prev_hash == audit_log.GENESIS
    assert all(b.prev_hash == a.row_hash for a, b in zip(rows, rows[1:]))
    dbmod.close_database()
    assert main.run_command(["--db", path, "check"]) == 0
    assert f"Nhật ký nguyên vẹn: {len(rows)} dòng" in capsys.readouterr().out
    target = rows[3]
    conn = raw(path)               # a determined editor drops our trigger first
    conn.execute("DROP TRIGGER tdkt_audit_update")
    conn.execute("UPDATE audit_log SET username = 'nguoi-khac' WHERE id = ?", (target.id,))
    conn.execute(guards.trigger_sql("tdkt_audit_update"))      # and puts it back
    conn.close()
    assert main.run_command(["--db", path, "check"]) == 1
    err = capsys.readouterr().err
    assert f"từ dòng số {target.id} (ghi lúc {target.at.strftime('%H:%M:%S ngày %d/%m/%Y')})" \
        in err and "không khớp" in err


def test_a_deleted_audit_row_breaks_the_chain_at_the_next_row(issued):
    rows = list(AuditLog.select().order_by(AuditLog.id))
    conn = raw(dbmod.current_path())
    conn.execute("DROP TRIGGER tdkt_audit_delete")
    conn.execute("DELETE FROM audit_log WHERE id = ?", (rows[2].id,))
    conn.close()
    result = audit_log.verify_chain()
    assert result.broken_id == rows[3].id and "bị xóa" in result.describe()


# --------------------------------------------------------------------------- two writers

WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from models import accounts, db as dbmod, settings
    dbmod.open_database({path!r}, busy_timeout_ms={timeout})
    actor = accounts.batch_actor()
    mode = sys.argv[1]
    if mode == "hold":
        with dbmod.db.atomic():
            settings.update_settings(actor=actor, values={{"chairman": "Giữ khóa"}})
            print("locked", flush=True)
            time.sleep(float(sys.argv[2]))
    else:
        for i in range(int(sys.argv[2])):
            # read, then write: the lock upgrade that BEGIN DEFERRED loses at once
            settings.update_settings(actor=actor, values={{"chairman": f"{{mode}} {{i}}"}})
    print("done", flush=True)
""")


def _writer(path, *args, timeout=5000):
    code = WRITER.format(root=ROOT, path=path, timeout=timeout)
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_processes_writing_at_once_both_succeed_and_chain(tmp_path):
    path = str(tmp_path / "race.sqlite3")
    dbmod.open_database(path)
    dbmod.close_database()
    procs = [_writer(path, name, 40) for name in ("A", "B")]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0 and "Traceback" not in err, err
    dbmod.open_database(path)
    try:
        chain = audit_log.verify_chain()
        assert chain.ok and chain.rows == 80
    finally:
        dbmod.close_database()


def test_the_loser_of_two_writers_gets_a_clear_message(tmp_path):
    path = str(tmp_path / "busy.sqlite3")
    dbmod.open_database(path, busy_timeout_ms=300)
    try:
        holder = _writer(path, "hold", 4)
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(DatabaseError, match="Dữ liệu đang được dùng ở nơi khác, thử lại sau"):
            settings.update_settings(actor=accounts.batch_actor(), values={"chairman": "X"})
        assert time.monotonic() - started >= 0.25            # it waited the busy timeout
        holder.communicate(timeout=30)
        assert holder.returncode == 0
        settings.update_settings(actor=accounts.batch_actor(), values={"chairman": "X"})
        assert settings.get("chairman") == "X"
    finally:
        dbmod.close_database()


def test_write_transactions_begin_immediate(database):
    if dbmod.is_server(database):
        pytest.skip("SQLite's BEGIN IMMEDIATE; the server's write lock: tests/test_pg.py")
    statements = []
    database.connection().set_trace_callback(statements.append)
    settings.update_settings(actor=accounts.batch_actor(), values={"chairman": "Y"})
    database.connection().set_trace_callback(None)
    assert statements[0] == "BEGIN IMMEDIATE"


# --------------------------------------------------------------------------- rights

def test_a_locked_or_demoted_account_loses_its_rights_at_once(database, leader):
    other = accounts.create_user(actor=leader, username="pho", full_name="Phó Chủ Tịch",
                                 role="leader", password="pho-2026-xa")
    session = accounts.User.get_by_id(other.id)       # "signed in" in another window
    settings.update_settings(actor=session, values={"chairman": "A"})
    accounts.update_user(actor=leader, user=other, role="clerk")
    with pytest.raises(PermissionDenied, match="cần quyền Lãnh đạo"):
        settings.update_settings(actor=session, values={"chairman": "B"})
    accounts.update_user(actor=leader, user=other, role="leader", active=False)
    with pytest.raises(PermissionDenied, match="đã bị khóa"):
        settings.update_settings(actor=session, values={"chairman": "C"})
    assert settings.get("chairman") == "A"


def test_the_built_in_leader_only_while_there_is_no_account(database):
    settings.update_settings(actor=accounts.batch_actor(), values={"chairman": "A"})
    accounts.create_first_leader(username="chutich", full_name="Chủ Tịch",
                                 password="chu-tich-2026")
    with pytest.raises(PermissionDenied, match="--user"):
        settings.update_settings(actor=accounts.batch_actor(), values={"chairman": "B"})
