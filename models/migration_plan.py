"""Which migration steps a database has run and which it still needs (the "schema_steps"
record), and running them after a verified backup; the steps are in models/migrations.py.

models.db re-exports these names (open_database plans and runs the migrations)."""
import json
import logging
import os
import sqlite3

import peewee

from . import db_pg

log = logging.getLogger("models.db")


def run_migrations(database, path, version, missing=None):
    """Run every step this version has and the database has not run, each in its own
    transaction, after a verified backup of an existing database. ``missing`` as
    migration_plan() gives it (computed here when not given)."""
    from . import db as dbmod, migrations
    if missing is None:
        missing = migration_plan(version, stored_steps(database) if version else None)
    if not missing:
        return
    if version > 0:
        if dbmod.is_server(database):
            from . import paths
            folder = paths.backup_dir()
            name = "".join(c if c.isalnum() else "-" for c in db_pg.describe_url(path))
            dest = os.path.join(folder, f"truoc-nang-cap-v{version}-{name}.sqlite3")
        else:
            folder = os.path.join(os.path.dirname(path), "backups")
            dest = os.path.join(folder, f"truoc-nang-cap-v{version}-{os.path.basename(path)}")
        dbmod.backup_database(dest, source=database)
        log.info("pre-migration backup at %s", dest)
    # (numbers without a step — one not landed yet — are not recorded as run)
    applied = (set(range(1, version + 1)) & set(migrations.STEPS)) - set(missing) \
        if version else set()
    for number in missing:
        step = migrations.STEPS[number]
        with database.atomic():
            step(database)
            applied.add(number)
            stamp = max(version, number)
            if dbmod.is_server(database):
                db_pg.record_version(database, dbmod.APPLICATION_ID, stamp)
            else:
                database.execute_sql(f"PRAGMA application_id={dbmod.APPLICATION_ID}")
                database.execute_sql(f"PRAGMA user_version={stamp}")
            record_steps(database, sorted(applied))
        version = stamp
        log.info("database migrated: step %s (schema %s)", number, stamp)


# Migration steps land from parallel work, so a step's number says nothing about whether a
# file has run it: the steps a database has run are recorded in the setting below, and on
# opening every known step missing from it runs (all steps are idempotent). A file without
# the record (written before it existed) ran 1..its version. (Re-running the steps above the
# last release on such files was tried and dropped: a crafted file stamped with this
# version would then be checked only partially and "migrated" instead of refused.)
STEPS_KEY = "schema_steps"


def migration_plan(version, stored):
    """The step numbers to run, in order, on a database at ``version`` whose recorded steps
    are ``stored`` (a list, or None when it has no record)."""
    from . import db as dbmod, migrations
    known = sorted(n for n in migrations.STEPS if n <= dbmod.SCHEMA_VERSION)
    if version <= 0:
        return known
    if stored is not None:      # (a step above the stamp was undone with the stamp)
        done = {n for n in stored if n <= version}
    else:
        done = set(range(1, version + 1))
    return [n for n in known if n not in done]


def stored_steps(database):
    """The recorded steps of an open database (peewee, either engine), or None."""
    try:
        row = database.execute_sql(f"SELECT value FROM setting WHERE key = {database.param}",
                                   (STEPS_KEY,)).fetchone()
    except (sqlite3.Error, peewee.PeeweeException):
        return None
    return _steps(row[0]) if row else None


def stored_steps_sqlite(conn):
    """The recorded steps of an SQLite file opened with the sqlite3 module, or None."""
    try:
        row = conn.execute("SELECT value FROM setting WHERE key = ?", (STEPS_KEY,)).fetchone()
    except sqlite3.Error:
        return None
    return _steps(row[0]) if row else None


def _steps(text):
    """The recorded step numbers; a record that is not a list of numbers means the file was
    damaged or altered by hand, and no one can tell which checks it needs."""
    try:
        steps = json.loads(text)
    except (TypeError, ValueError):
        steps = None
    if not isinstance(steps, list) or not all(type(n) is int for n in steps):
        from .errors import DamagedDatabase
        raise DamagedDatabase(
            "Tệp dữ liệu bị hỏng hoặc đã bị sửa bằng công cụ khác: không đọc được ghi chép "
            "các bước nâng cấp cấu trúc (cài đặt 'schema_steps'). Hãy lấy lại dữ liệu từ một "
            "bản sao lưu còn tốt (trang Sao lưu → Khôi phục từ bản sao lưu).")
    return steps


def record_steps(database, steps):
    param = database.param
    value = json.dumps(steps)
    if database.execute_sql(f"UPDATE setting SET value = {param} WHERE key = {param}",
                            (value, STEPS_KEY)).rowcount == 0:
        database.execute_sql(f"INSERT INTO setting (key, value) VALUES ({param}, {param})",
                             (STEPS_KEY, value))
