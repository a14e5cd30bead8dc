"""Whole-database copies between the engines: a server's consistent snapshot written as the
same verified SQLite backup file, and a commune's SQLite file moved onto a server.

Both copy every table row by row with its ids (so links, UUIDs and the audit hash chain
stay as they were) and compare the row counts of every table afterwards. The SQLite file
is made by the real migrations, so it is exactly the file a backup on SQLite makes.
"""
import datetime
import decimal
import io
import os
import sqlite3
import tempfile
import threading

import peewee

from . import db_pg, fileops, guards
from .errors import Cancelled, ConflictError, DatabaseError

_lock = threading.Lock()
_empty = {}
BATCH = 1000


def _models():
    from .entities import ALL_MODELS
    return peewee.sort_models(ALL_MODELS)


def _columns(model):
    return [f.column_name for f in model._meta.sorted_fields]


def _quoted(names):
    return ", ".join('"' + n + '"' for n in names)


def _self_links(model):
    """Columns that point at the same table (unit.parent, decision.amends, …)."""
    return [f.column_name for f in model._meta.sorted_fields
            if isinstance(f, peewee.ForeignKeyField) and f.rel_model is model]


def empty_file_bytes():
    """A new SQLite database made by this version's migrations (cached per process)."""
    from . import db as dbmod
    from .entities import ALL_MODELS
    with _lock:
        if "bytes" not in _empty:
            folder = tempfile.mkdtemp(prefix="tdkt-empty-")
            path = os.path.join(folder, "empty.sqlite3")
            mem = dbmod.Database(path, pragmas={"foreign_keys": 1})
            old = dbmod.db.obj
            try:
                with mem.bind_ctx(ALL_MODELS):
                    mem.connect()
                    dbmod.db.initialize(mem)
                    dbmod.run_migrations(mem, path, 0)
                    mem.execute_sql("PRAGMA journal_mode=delete")
                    mem.close()
            finally:
                dbmod.db.initialize(old)
            with open(path, "rb") as fh:
                _empty["bytes"] = fh.read()
            fileops.remove_quietly(path)
            os.rmdir(folder)
        return _empty["bytes"]


def _to_sqlite(value):
    if isinstance(value, datetime.datetime):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


def _counts(execute, models):
    return {m._meta.table_name: execute(f'SELECT count(*) FROM "{m._meta.table_name}"')
            for m in models}


# ------------------------------------------------------------------ server → SQLite file

def export_snapshot(source, dest, *, progress=None, verify=None):
    """Write the server database ``source`` as a verified SQLite backup at ``dest``.

    One REPEATABLE READ transaction reads every table, so the file is one moment of the
    data even while clerks keep saving; nobody waits for it.
    """
    from . import db as dbmod
    models = _models()
    dest = os.path.abspath(str(dest))
    folder = os.path.dirname(dest)
    os.makedirs(folder, exist_ok=True)
    blank = empty_file_bytes()
    fd, tmp = tempfile.mkstemp(prefix=fileops.temp_prefix(), suffix=".tdkt", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blank)
        target = sqlite3.connect(tmp, isolation_level=None)
        try:
            target.execute("PRAGMA foreign_keys=OFF")
            target.execute("BEGIN")
            for name in guards.trigger_names():
                target.execute(f"DROP TRIGGER IF EXISTS {name}")
            for model in reversed(models):
                target.execute(f'DELETE FROM "{model._meta.table_name}"')
            with source.atomic(isolation_level="REPEATABLE READ"):
                source.execute_sql("SET TRANSACTION READ ONLY")
                present = set(source.get_tables())
                want = _counts(lambda q: source.execute_sql(q).fetchone()[0],
                               [m for m in models if m._meta.table_name in present])
                total, done = sum(want.values()) or 1, 0
                tables = set(source.get_tables())
                for model in models:
                    if model._meta.table_name not in tables:    # an older server: added later
                        continue
                    have = {c.name for c in source.get_columns(model._meta.table_name)}
                    cols = [c for c in _columns(model) if c in have]   # the rest: defaults
                    sql = (f'INSERT INTO "{model._meta.table_name}" ({_quoted(cols)}) '
                           f'VALUES ({", ".join("?" * len(cols))})')
                    source.execute_sql(   # a server-side cursor: a table never sits in memory
                        f'DECLARE tdkt_copy NO SCROLL CURSOR FOR SELECT {_quoted(cols)} '
                        f'FROM "{model._meta.table_name}" ORDER BY 1')
                    while True:
                        rows = source.execute_sql(f"FETCH {BATCH} FROM tdkt_copy").fetchall()
                        if not rows:
                            break
                        target.executemany(sql, [tuple(_to_sqlite(v) for v in r) for r in rows])
                        done += len(rows)
                        if progress is not None and progress(done, total) is False:
                            raise Cancelled("Đã hủy sao lưu; không có tệp nào được tạo.")
                    source.execute_sql("CLOSE tdkt_copy")
            for name in guards.trigger_names():
                target.execute(guards.trigger_sql(name))
            got = _counts(lambda q: target.execute(q).fetchone()[0],
                          [m for m in models if m._meta.table_name in want])
            target.execute("COMMIT")
        finally:
            target.close()
        if got != want:
            raise DatabaseError(_count_message(want, got))
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        (verify or dbmod.verify_database_file)(tmp)
        os.replace(tmp, dest)
        fileops.fsync_dir(folder)
    except OSError as exc:
        fileops.remove_quietly(tmp)
        raise DatabaseError(fileops.os_error_message(exc, dest)) from exc
    except BaseException:
        fileops.remove_quietly(tmp)
        raise
    return dest


def _count_message(want, got):
    wrong = [f"{t}: {want[t]} → {got.get(t)}" for t in want if want[t] != got.get(t)]
    return ("Bản chép không đủ dòng (" + "; ".join(wrong[:5]) + "); không dùng bản này. "
            "Hãy làm lại.")


# ------------------------------------------------------------------ SQLite file → server

def _server_is_empty(database):
    from .entities import AuditLog, Household, Person, Unit
    return not any(m.select().exists() for m in (Unit, Person, Household, AuditLog))


def move_file_to_server(path, *, progress=None, replace=False):
    """Copy the verified SQLite file ``path`` into the open (empty) server database;
    ``replace``: a restore, whatever the server holds is replaced.

    One transaction: the server gets every row or none. Returns {table: rows}.
    """
    from . import db as dbmod
    database = dbmod.db.obj
    if not dbmod.is_server(database):
        raise DatabaseError("Hãy mở cơ sở dữ liệu trên máy chủ trước khi chuyển dữ liệu lên.")
    version = dbmod.verify_database_file(path)
    if version != dbmod.SCHEMA_VERSION:
        raise DatabaseError(
            f"Tệp {path} có cấu trúc {version}, máy chủ dùng {dbmod.SCHEMA_VERSION}. Hãy mở "
            "tệp bằng phiên bản này một lần (để nâng cấp) rồi chuyển lên.")
    models = _models()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        want = _counts(lambda q: source.execute(q).fetchone()[0], models)
        total, done = sum(want.values()) or 1, 0
        with database.atomic():
            if not replace and not _server_is_empty(database):
                raise ConflictError(
                    f"Cơ sở dữ liệu {db_pg.describe_url(database.url)} đã có dữ liệu; chỉ "
                    "chuyển lên một cơ sở dữ liệu mới tạo (chưa có đơn vị, cá nhân, nhật ký).")
            tables = sorted(set(guards.PG_TABLES.values()))
            for table in tables:
                database.execute_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
            for model in reversed(models):
                database.execute_sql(f'DELETE FROM "{model._meta.table_name}"')
            for model in models:
                done = _copy_into_server(database, source, model, done, total, progress)
            for table in tables:
                database.execute_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
            db_pg.reset_sequences(database, models)
            got = _counts(lambda q: database.execute_sql(q).fetchone()[0], models)
            if got != want:
                raise DatabaseError(_count_message(want, got))
    finally:
        source.close()
    return got


# COPY's text format: a tab between values, \N for NULL, and a backslash before a
# backslash, tab, newline or carriage return inside a value
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value):
    """A value that is not None, a str or an int, as COPY's text format writes it."""
    if isinstance(value, bytes):
        return "\\\\x" + value.hex()             # bytea's hex input, its backslash escaped
    if isinstance(value, float):
        return repr(value)
    return str(value).translate(_COPY_ESCAPES)


def _copy_into_server(database, source, model, done, total, progress):
    """Every row of ``model``'s table through ``COPY … FROM STDIN`` (the server's fastest
    way in: the rows were sent as INSERT … VALUES at 3.8× COPY's time), a batch at a time,
    inside the open transaction; links to rows of the same table copied later are set
    afterwards."""
    table = model._meta.table_name
    cols = _columns(model)
    links = [cols.index(name) for name in _self_links(model)]
    bools = {i for i, f in enumerate(model._meta.sorted_fields)
             if isinstance(f, peewee.BooleanField)}
    pk = cols.index(model._meta.primary_key.column_name)
    later = []
    cursor = source.execute(f'SELECT {_quoted(cols)} FROM "{table}" ORDER BY 1')
    sql = f'COPY "{table}" ({_quoted(cols)}) FROM STDIN'
    esc = _COPY_ESCAPES
    server = database.cursor()
    while True:
        rows = cursor.fetchmany(BATCH * 4)
        if not rows:
            break
        lines = []
        for row in rows:
            if links:       # a link to a row copied later: set after the table
                row = list(row)
                for i in links:
                    if row[i] is not None:
                        later.append((row[i], row[pk], cols[i]))
                        row[i] = None
            lines.append("\t".join([
                "\\N" if v is None else ("t" if v else "f") if i in bools
                else v.translate(esc) if type(v) is str else str(v) if type(v) is int
                else _copy_value(v) for i, v in enumerate(row)]))
        lines.append("")
        database._wrap(server.copy_expert, sql, io.StringIO("\n".join(lines)))
        done += len(rows)
        if progress is not None and progress(done, total) is False:
            raise Cancelled("Đã hủy; máy chủ không nhận dòng nào.")
    key = cols[pk]
    for value, ident, name in later:
        database.execute_sql(f'UPDATE "{table}" SET "{name}" = %s WHERE "{key}" = %s',
                             (value, ident))
    return done
