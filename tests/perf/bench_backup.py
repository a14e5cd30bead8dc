"""Manual backup ("Sao lưu" → "Sao lưu ngay", ``main.py backup DEST``) and restore
(``main.py restore SRC``) of the demo database, against sqlite3 doing the same copy bare.

    python tests/perf/bench_backup.py [--quick] [--db large]

Backup. Product: ``reports.backup.backup_to(folder)`` as the page calls it (free-space
check, online backup to a temporary file, fsync, the copy read back and checked once —
integrity, schema — then renamed). Baseline: ``sqlite3.Connection.backup`` to a file (what
``sqlite3 .backup`` does) and one ``PRAGMA integrity_check`` of the copy. Goal ≤ 1.5×
(issue 15: one verification, not two).

Restore. Product: ``reports.backup.restore_from(backup, db_path)`` (the backup identified,
copied beside the database, the copy verified, the old file kept aside, renamed in,
audited). Baseline: ``sqlite3`` backup of the same file to a temporary file, one
``integrity_check``, the old file renamed aside and the copy renamed in. Goal ≤ 1.5×.
Interleaved runs, the median of the per-pair ratios.
"""
import glob
import os
import shutil
import sqlite3
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

GOAL = 1.5


def bare_backup(src, dest):
    """sqlite3's online backup to ``dest`` and one integrity check of the copy."""
    if os.path.exists(dest):
        os.remove(dest)
    source, target = sqlite3.connect(src), sqlite3.connect(dest)
    try:
        source.backup(target)
        ok = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
        source.close()
    assert ok == "ok", ok
    return dest


def bare_restore(backup, db_path):
    """The same restore done bare: copy, check, keep the old file aside, rename in."""
    tmp = db_path + ".bare-tmp"
    bare_backup(backup, tmp)
    aside = db_path + ".bare-aside"
    os.replace(db_path, aside)
    os.replace(tmp, db_path)
    os.remove(aside)


def _clear(folder):
    for path in glob.glob(os.path.join(folder, "*")):
        os.remove(path)


def run(quick=False):
    from models import db as dbmod
    from models.entities import User
    from reports import backup
    from tests.perf.common import db_label, demo_db
    from tests.perf.run import Result, interleaved, pairs_for
    path = demo_db("small" if quick else "large")
    folder = tempfile.mkdtemp(prefix="tdkt-bench-backup-")
    product_dir, bare_dir = os.path.join(folder, "usb"), os.path.join(folder, "bare")
    os.makedirs(product_dir)
    os.makedirs(bare_dir)
    size_mb = os.path.getsize(path) / 1e6
    pairs = pairs_for(quick, 3)
    results = []

    dbmod.open_database(path)
    try:
        def product_backup():
            _clear(product_dir)
            return backup.backup_to(product_dir)
        ratio, prod, base = interleaved(
            product_backup, lambda: bare_backup(path, os.path.join(bare_dir, "b.sqlite3")),
            pairs=pairs)
        results.append(Result(f"manual backup ({size_mb:.0f} MB, {db_label(path)} db)",
                              ratio, "×", f"≤ {GOAL:g}×", ratio <= GOAL,
                              f"product {prod:.2f} s, sqlite3 .backup + one "
                              f"integrity_check {base:.2f} s"))
        saved = backup.backup_to(os.path.join(folder, "saved.sqlite3"))
        actor = User.get(User.username == "bench")
    finally:
        dbmod.close_database()

    # Restore into a database file of its own (the demo file stays as it is).
    target_dir = os.path.join(folder, "restore")
    os.makedirs(target_dir)
    target, bare_target = os.path.join(target_dir, "db.sqlite3"), os.path.join(bare_dir, "r")
    shutil.copyfile(saved, target)
    shutil.copyfile(saved, bare_target)

    def product_restore():
        kept = backup.restore_from(saved, target, actor=actor)
        if kept:
            os.remove(kept)
    ratio, prod, base = interleaved(product_restore, lambda: bare_restore(saved, bare_target),
                                    pairs=pairs)
    results.append(Result(f"restore ({size_mb:.0f} MB, {db_label(path)} db)", ratio, "×",
                          f"≤ {GOAL:g}×", ratio <= GOAL,
                          f"product {prod:.2f} s, sqlite3 backup + one integrity_check + "
                          f"renames {base:.2f} s"))
    shutil.rmtree(folder, ignore_errors=True)
    return results


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
