"""Restore while another process uses the database, and a restore killed midway (kill -9)."""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from models import db as dbmod
from models.errors import DatabaseError
from models.accounts import batch_actor
from reports import backup

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")


def _set(key, value):
    dbmod.db.execute_sql("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                         (key, json.dumps(value)))


def _keys(path, prefix):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT key FROM setting WHERE key LIKE ?",
                                           (prefix + "%",))}
    finally:
        conn.close()


@pytest.fixture
def files(tmp_path, database):
    """The live database (who = A) and a backup of another state (who = B)."""
    db_path = dbmod.current_path()
    _set("who", "B")
    saved = backup.backup_to(str(tmp_path / "usb" / "b.sqlite3"))
    _set("who", "A")
    dbmod.close_database()
    return db_path, saved


def _writer(db_path, *, per_commit):
    """Another process that keeps committing rows and prints each acknowledged one."""
    code = textwrap.dedent(f"""
        import sqlite3, sys, time
        conn = None
        for i in range(100000):
            try:
                if conn is None or {per_commit!r}:
                    conn = sqlite3.connect({db_path!r}, timeout=5, isolation_level=None)
                    conn.execute("PRAGMA journal_mode=wal")
                conn.execute("INSERT INTO setting (key, value) VALUES (?, '1')", (f"w{{i}}",))
                print(i, flush=True)                       # acknowledged
            except sqlite3.Error as exc:
                print("error", exc, flush=True)
            if {per_commit!r}:
                conn.close()
            time.sleep(0.005)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)
    assert proc.stdout.readline().strip() == "0"
    return proc


def _acked(proc):
    proc.kill()
    out, _ = proc.communicate()
    return {f"w{line}" for line in ["0"] + out.split("\n") if line.strip().isdigit()}


def test_restore_is_refused_while_another_process_has_the_file_open(files):
    db_path, saved = files
    proc = _writer(db_path, per_commit=False)
    try:
        time.sleep(0.2)
        with pytest.raises(DatabaseError, match="đang được mở ở máy/cửa sổ khác"):
            backup.restore_from(saved, db_path, actor=batch_actor())
        time.sleep(0.2)
    finally:
        acked = _acked(proc)
    assert len(acked) > 20
    assert acked <= _keys(db_path, "w")                    # no acknowledged write lost
    dbmod.open_database(db_path)
    assert json.loads(dbmod.db.execute_sql(
        "SELECT value FROM setting WHERE key='who'").fetchone()[0]) == "A"


def test_writes_between_restores_land_in_the_kept_or_the_restored_file(files):
    """A writer that connects for every commit may slip in before or after the restore:
    each acknowledged row is then in the file kept aside or in the restored one."""
    db_path, saved = files
    proc = _writer(db_path, per_commit=True)
    kept, refusals = None, 0
    try:
        for _ in range(200):
            try:
                kept = backup.restore_from(saved, db_path, actor=batch_actor())
                break
            except DatabaseError as err:
                assert "đang được mở" in str(err)
                refusals += 1
                time.sleep(0.01)
        time.sleep(0.3)                                   # the writer goes on afterwards
    finally:
        acked = _acked(proc)
    assert kept is not None, f"restore never got the file ({refusals} refusals)"
    assert acked <= _keys(db_path, "w") | _keys(kept, "w")
    assert _keys(db_path, "w")                            # writes after the restore landed


def test_restore_killed_midway_leaves_old_or_new_and_temps_are_cleaned(files, tmp_path):
    db_path, saved = files
    # Make the backup big enough that the copy takes a moment.
    conn = sqlite3.connect(saved)
    conn.executemany("INSERT INTO setting (key, value) VALUES (?, ?)",
                     [(f"pad{i}", json.dumps("x" * 100_000)) for i in range(250)])
    conn.commit()
    conn.close()
    pristine = str(tmp_path / "pristine.sqlite3")
    shutil.copy(db_path, pristine)
    code = textwrap.dedent(f"""
        import sys, time
        from models.accounts import batch_actor
        from reports import backup
        print("start", flush=True)
        t = time.perf_counter()
        backup.restore_from({saved!r}, {db_path!r}, actor=batch_actor())
        print(time.perf_counter() - t, flush=True)
    """)
    env = dict(os.environ)

    def run(delay=None):
        for extra in ("", "-wal", "-shm"):
            if os.path.exists(db_path + extra):
                os.remove(db_path + extra)
        shutil.copy(pristine, db_path)
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                                text=True, cwd=ROOT, env=env)
        assert proc.stdout.readline().strip() == "start"
        if delay is None:
            out, _ = proc.communicate()
            return float(out.strip())
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    duration = run()
    assert duration > 0.05
    leftovers_seen = 0
    for step in range(8):
        run(duration * step / 8)
        folder = os.path.dirname(db_path)
        temps = [f for f in os.listdir(folder) if f.startswith(".tmp-")]
        leftovers_seen += bool(temps)
        dbmod.open_database(db_path)                      # the next start
        try:
            who = json.loads(dbmod.db.execute_sql(
                "SELECT value FROM setting WHERE key='who'").fetchone()[0])
            assert who in ("A", "B")
        finally:
            dbmod.close_database()
        assert [f for f in os.listdir(folder) if f.startswith(".tmp-")] == []
    assert leftovers_seen, "no kill landed while temporary files existed"
