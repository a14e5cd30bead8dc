"""The one database entry point: opening with the right pragmas, checks, backups, migrations."""
import logging
import os
import shutil
import sqlite3
import sys
import tempfile

import peewee

from . import db_pg, fileops, schema_check
from .errors import ConflictError, DamagedDatabase, DatabaseError
from .fileops import fsync_dir, os_error_message, remove_quietly
from .migration_plan import (STEPS_KEY, migration_plan, run_migrations,  # noqa: F401
                             stored_steps, stored_steps_sqlite)

log = logging.getLogger(__name__)

db = peewee.DatabaseProxy()

APPLICATION_ID = 0x54444B54          # "TDKT": marks a file as this program's database
SCHEMA_VERSION = 19
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
READS = "reads"             # open_database(quick_check=READS): see models/read_check.py
BUSY_MESSAGE = ("Dữ liệu đang được dùng ở nơi khác, thử lại sau (một máy hoặc cửa sổ khác "
                "đang ghi). Việc vừa làm chưa được lưu.")
GUARD_PREFIX = "tdkt: "          # the start of every message our own triggers RAISE


READ_ONLY_MESSAGE = ("Đang xem bản sao chỉ để xem (máy chủ dữ liệu không kết nối được): "
                     "thay đổi không lưu được. Hãy mở lại chương trình khi có mạng.")


def _translate(exc):
    """Our UserError for a busy database or a refusal by one of our triggers, else None."""
    text = str(exc)
    if "readonly database" in text.lower() or "read-only" in text.lower():
        return DatabaseError(READ_ONLY_MESSAGE)
    if isinstance(exc, (sqlite3.OperationalError, peewee.OperationalError)) and (
            "locked" in text.lower() or "busy" in text.lower()):
        return DatabaseError(BUSY_MESSAGE)
    if isinstance(exc, (sqlite3.IntegrityError, peewee.IntegrityError)) and \
            text.startswith(GUARD_PREFIX):
        return ConflictError(text[len(GUARD_PREFIX):])
    return None


class Database(peewee.SqliteDatabase):
    """SQLite whose write transactions start with BEGIN IMMEDIATE.

    The write lock is taken at BEGIN, where the busy timeout applies: a second writer waits
    for the first instead of failing midway on a lock upgrade, and one that waits too long
    gets BUSY_MESSAGE (a DatabaseError), not a crash. Refusals raised by our triggers
    (issued decisions, audit rows) become ConflictErrors with their Vietnamese text.
    """

    engine = "sqlite"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lock_type", "IMMEDIATE")
        super().__init__(*args, **kwargs)

    def begin(self, lock_type=None):
        try:
            super().begin(lock_type)
        except (sqlite3.Error, peewee.PeeweeException) as exc:
            raise _translate(exc) or exc

    def commit(self):
        try:
            super().commit()
        except (sqlite3.Error, peewee.PeeweeException) as exc:
            raise _translate(exc) or exc

    def execute_sql(self, sql, params=None):
        try:
            return super().execute_sql(sql, params)
        except (sqlite3.Error, peewee.PeeweeException) as exc:
            err = _translate(exc)
            if err is None:
                raise
            raise err from exc


DRIVE_REMOTE = 4                     # GetDriveTypeW: a mapped network drive letter
NETWORK_WARNING = (
    "Tệp dữ liệu {path} nằm trên ổ mạng. Chỉ mở tệp này trên MỘT máy tại một thời điểm: "
    "hai máy cùng mở một tệp có thể làm hỏng dữ liệu. Nên chép tệp về máy để làm việc.")


def windows_drive_type(root):
    """GetDriveTypeW for a drive root such as "Z:\\" (0, "unknown", off Windows)."""
    if sys.platform != "win32":
        return 0
    import ctypes
    return ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root))


def is_network_path(path, *, drive_type=windows_drive_type):
    """UNC paths (\\\\server\\share, \\\\?\\UNC\\…) and mapped network drive letters cannot
    use WAL safely; a long local path (\\\\?\\C:\\…) is local."""
    p = str(path).replace("/", "\\")
    if p.upper().startswith("\\\\?\\UNC\\"):
        return True
    if p.startswith(("\\\\?\\", "\\\\.\\")):
        p = p[4:]
    elif p.startswith("\\\\"):
        return True
    if len(p) >= 2 and p[1] == ":" and p[0].isalpha():
        return drive_type(p[0].upper() + ":\\") == DRIVE_REMOTE
    return False


def _file_header(path):
    with open(path, "rb") as fh:
        return fh.read(100)


def explain_error(exc, path):
    """A DatabaseError with a Vietnamese message for an SQLite error met on ``path``.

    The whole chain counts: after "disk is full" SQLite has already rolled back, so the
    error that reaches us is peewee's "cannot rollback - no transaction is active".
    """
    texts, seen = [], exc
    while seen is not None and len(texts) < 10:
        texts.append(str(seen).lower())
        seen = seen.__cause__ or seen.__context__
    text = " | ".join(texts)
    if "full" in text:
        return DatabaseError(
            f"Ổ đĩa đầy, không ghi được vào tệp dữ liệu {path}; việc vừa làm chưa được lưu "
            "(dữ liệu cũ vẫn nguyên). Hãy giải phóng chỗ trống trên ổ đĩa rồi làm lại.")
    if "locked" in text or "busy" in text:
        return DatabaseError(
            f"Tệp dữ liệu {path} đang bị một chương trình khác sử dụng. "
            "Hãy đóng chương trình đó (hoặc cửa sổ khác của phần mềm này) rồi thử lại.")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return DatabaseError(
            f"Không ghi được vào tệp dữ liệu {path} (ổ đĩa chỉ đọc hoặc không có quyền). "
            "Hãy chép tệp vào máy tính (ví dụ thư mục Tài liệu) rồi mở lại.")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return DamagedDatabase(
            f"Tệp dữ liệu {path} bị hỏng. Hãy khôi phục từ bản sao lưu gần nhất "
            "(trang Sao lưu hoặc lệnh: main.py restore TỆP_SAO_LƯU).")
    return DatabaseError(f"Không mở được tệp dữ liệu {path}: {exc}")


def _check_header(path):
    """Refuse files that are not SQLite at all before SQLite sees them."""
    if not os.path.isfile(path):
        raise DatabaseError(f"Không tìm thấy tệp dữ liệu {path}.")
    if os.path.getsize(path) == 0:
        raise DamagedDatabase(
            f"Tệp dữ liệu {path} trống (0 byte): không có dữ liệu nào trong đó (tệp chép "
            "hỏng hoặc bị ghi đè). Phần mềm không dùng tệp này; hãy khôi phục từ bản sao "
            "lưu gần nhất hoặc chọn tệp khác.")
    header = _file_header(path)
    if not header.startswith(SQLITE_MAGIC):
        raise DatabaseError(
            f"Tệp {path} không phải là tệp dữ liệu của phần mềm Thi đua - Khen thưởng. "
            "Hãy chọn đúng tệp dữ liệu hoặc tệp sao lưu.")
    if len(header) < 100:
        raise DamagedDatabase(
            f"Tệp dữ liệu {path} bị cắt cụt (không đầy đủ). "
            "Hãy khôi phục từ bản sao lưu gần nhất.")


def read_file_identity(path):
    """(application_id, user_version) of an SQLite file without opening it through peewee."""
    _check_header(path)
    header = _file_header(path)
    user_version = int.from_bytes(header[60:64], "big")
    app_id = int.from_bytes(header[68:72], "big")
    return app_id, user_version


def is_server_url(target):
    return db_pg.is_server_url(target)


def is_server(database=None):
    """True when ``database`` (default: the open one) is the PostgreSQL engine."""
    database = database if database is not None else db.obj
    return getattr(database, "engine", "sqlite") == "postgresql"


def open_database(path, *, migrate=True, quick_check=True, busy_timeout_ms=BUSY_TIMEOUT_MS,
                  password=None, read_only=False):
    """Open (or create) the database at ``path``, check it and bring its schema up to date.

    ``path`` is an SQLite file, or a ``postgresql://user@host/dbname`` URL of an office
    server (models/db_pg.py; ``password`` when the URL and libpq's own sources lack it).
    ``read_only``: an SQLite copy only looked at (PRAGMA query_only: every save refused).
    ``quick_check``: check every page and the value rules (False: the GUI checks them in
    the background; READS: the tables a command reads, ``read_check.checked_reads``).
    Raises DatabaseError with a Vietnamese message for every file we must not use; a file
    refused is never changed. A new file is built under a temporary name and renamed, so a
    process killed while creating it never leaves an empty file with the real name.
    """
    if db_pg.is_server_url(path):
        return _open_server(path, migrate=migrate, quick_check=quick_check, password=password)
    path = os.path.abspath(str(path))
    if os.path.isdir(path):
        raise DatabaseError(f"{path} là một thư mục, không phải tệp dữ liệu. Hãy chọn tệp "
                            "dữ liệu (.sqlite3) bên trong thư mục đó.")
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"Không tạo được thư mục dữ liệu {folder}: {exc}") from exc
    fileops.remove_stale_temps(folder)
    if not os.path.exists(path):
        _create_new(path, busy_timeout_ms)
    _check_header(path)
    if not os.access(path, os.W_OK):
        raise DatabaseError(
            f"Tệp dữ liệu {path} chỉ đọc (ổ đĩa chỉ đọc hoặc không có quyền ghi). "
            "Hãy chép tệp vào máy tính rồi mở lại.")
    _check_identity(path)
    _check_wal_file(path)
    network = is_network_path(path)
    if network:
        log.warning("database on a network drive, WAL off: %s", path)
    journal = "delete" if network else "wal"
    pragmas = {"foreign_keys": 1, "busy_timeout": busy_timeout_ms}
    if read_only:
        pragmas["query_only"] = 1
    database = Database(path, pragmas=pragmas, timeout=busy_timeout_ms / 1000)
    try:
        database.connect()
        conn = database.connection()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        missing = migration_plan(version, stored_steps_sqlite(conn) if version else None)
        # READS (a command that only reads, models/read_check.py): its tables are checked
        # after it read them; a file to migrate is checked whole first all the same.
        reads = quick_check == READS and not missing
        whole = bool(quick_check) and not reads
        if whole:
            check_pages(conn, path)
        # Links (foreign_key_check, seconds on a large file) are checked by restore, backup,
        # `check` and the GUI's background start-up check; values here with quick_check.
        schema_check.verify(conn, path, partial=bool(missing), values=whole, links=False)
        mode = journal if read_only else conn.execute(
            f"PRAGMA journal_mode={journal}").fetchone()[0]
        if mode.lower() != journal:
            log.warning("journal_mode %s refused, using %s", journal, mode)
        conn.execute("PRAGMA synchronous=1")
        # Prove we can write before anything else: read-only media and locks show here.
        if not read_only:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
    except DatabaseError:
        database.close()
        raise
    except (sqlite3.Error, peewee.PeeweeException) as exc:
        database.close()
        raise explain_error(exc, path) from exc
    database.check_reads = reads
    db.initialize(database)
    if migrate and missing and not read_only:
        try:
            run_migrations(database, path, version, missing)
            schema_check.verify(database.connection(), path, values=False)
        except Exception:
            database.close()
            raise
    return database


def check_pages(conn, path, table=None):
    """PRAGMA quick_check of the whole file, or of ``table`` and its indexes only;
    DamagedDatabase when it finds damage."""
    pragma = "PRAGMA quick_check" if table is None else \
        "PRAGMA quick_check('" + table.replace("'", "''") + "')"
    result = conn.execute(pragma).fetchone()[0]
    if result != "ok":
        result = " ".join(result.split())        # one line ("*** in database main ***\n…")
        raise DamagedDatabase(
            f"Tệp dữ liệu {path} bị hỏng ({result}). Hãy khôi phục từ bản sao "
            "lưu gần nhất (trang Sao lưu hoặc lệnh: main.py restore TỆP_SAO_LƯU).")


def _create_new(path, busy_timeout_ms):
    """Build a new database under a temporary name beside ``path``, then rename it."""
    folder = os.path.dirname(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=fileops.temp_prefix(), suffix=".tdkt-new", dir=folder)
        os.close(fd)
    except OSError as exc:
        raise DatabaseError(fileops.os_error_message(exc, path)) from exc
    database = peewee.SqliteDatabase(tmp, pragmas={"foreign_keys": 1,
                                                   "busy_timeout": busy_timeout_ms})
    try:
        database.connect()
        database.execute_sql("PRAGMA journal_mode=delete")
        db.initialize(database)
        run_migrations(database, tmp, 0)
        database.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if not os.path.exists(path):       # another window may have created it meanwhile
            os.replace(tmp, path)
            fileops.fsync_dir(folder)
    except OSError as exc:
        raise DatabaseError(fileops.os_error_message(exc, path)) from exc
    except (sqlite3.Error, peewee.PeeweeException) as exc:
        raise explain_error(exc, path) from exc
    finally:
        database.close()
        db.initialize(None)
        remove_quietly(tmp)


def _check_identity(path):
    """Application id and schema version straight from the header (SQLite not involved)."""
    app_id, version = read_file_identity(path)
    if app_id != APPLICATION_ID:
        raise DatabaseError(
            f"Tệp {path} là cơ sở dữ liệu của một chương trình khác, không phải của "
            "phần mềm Thi đua - Khen thưởng. Hãy chọn đúng tệp.")
    if version == 0:
        raise DamagedDatabase(
            f"Tệp {path} mang dấu của phần mềm nhưng không có số phiên bản cấu trúc (0): "
            "tệp chưa tạo xong hoặc đã bị sửa bằng chương trình khác. Hãy khôi phục từ "
            "bản sao lưu gần nhất; tệp không bị thay đổi.")
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"Tệp dữ liệu {path} được tạo bởi phiên bản mới hơn của phần mềm "
            f"(cấu trúc {version}, phiên bản này hiểu đến {SCHEMA_VERSION}). "
            "Hãy cài phiên bản mới nhất rồi mở lại; tệp không bị thay đổi.")
    return version


def check_file_identity(path):
    """Our application id and a schema version this program reads, from the file's header
    (no SQLite, no integrity check); DatabaseError otherwise. Returns the version."""
    if read_file_identity(path)[0] != APPLICATION_ID:
        raise DatabaseError(
            f"Tệp {path} không phải là bản sao lưu của phần mềm Thi đua - Khen thưởng.")
    return _check_identity(path)


WAL_MAGIC = (0x377F0682, 0x377F0683)


def _check_wal_file(path):
    """A ``-wal`` file beside the database is replayed into it by SQLite on opening. Try that
    on a copy first: a -wal from another file (copied along by hand) must not touch ours."""
    wal = path + "-wal"
    try:
        size = os.path.getsize(wal)
    except OSError:
        return
    if size == 0:
        return
    with open(wal, "rb") as fh:
        head = fh.read(32)
    problem = None
    if len(head) < 32 or int.from_bytes(head[:4], "big") not in WAL_MAGIC:
        problem = "không phải tệp nhật ký của SQLite"
    else:
        problem = _try_wal_on_copy(path)
        if problem:                          # a checkpoint may have raced the copy: retry once
            problem = _try_wal_on_copy(path)
    if problem:
        raise DatabaseError(
            f"Bên cạnh tệp dữ liệu {path} có tệp nhật ký {os.path.basename(wal)} không khớp "
            f"với nó ({problem}). Phần mềm không mở tệp để khỏi làm hỏng dữ liệu; tệp dữ "
            f"liệu không bị thay đổi. Hãy chuyển tệp {os.path.basename(wal)} ra chỗ khác "
            "(nếu tệp dữ liệu được chép từ máy khác) rồi mở lại.")


def _try_wal_on_copy(path):
    """None when the database with its -wal is intact and ours; else what is wrong."""
    folder = tempfile.mkdtemp(prefix="tdkt-wal-")
    try:
        copy = os.path.join(folder, "copy.sqlite3")
        shutil.copyfile(path + "-wal", copy + "-wal")
        shutil.copyfile(path, copy)
        conn = sqlite3.connect(copy)
        try:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                return "dữ liệu sau khi ghép bị hỏng"
            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                return "không mang dấu của phần mềm"
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if not 0 < version <= SCHEMA_VERSION:
                return f"phiên bản cấu trúc {version}"
            partial = bool(migration_plan(version, stored_steps_sqlite(conn)))
            problems = schema_check.schema_problems(conn, partial=partial)
            return problems[0] if problems else None
        finally:
            conn.close()
    except (OSError, sqlite3.Error) as exc:
        return str(exc)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def close_database():
    obj = db.obj
    if obj is not None and not obj.is_closed():
        try:
            obj.close()
        except peewee.OperationalError:
            # SQLite itself ended a transaction (disk full) that peewee still counts as
            # open: drop it, so the file is not left open until the process ends.
            try:
                obj.connection().rollback()
            except sqlite3.Error:
                pass
            del obj._state.transactions[:]
            obj.close()


def current_path():
    """The open SQLite file, or the server's URL (without password)."""
    if db.obj is None:
        return None
    return db.obj.url if is_server(db.obj) else db.obj.database


def execute_many(sql, rows):
    """One statement (``?`` placeholders) for many rows, in the caller's transaction, on
    either engine: sqlite3's executemany, or psycopg2's execute_batch on a server."""
    database = db.obj
    if is_server(database):
        db_pg.execute_many(database, sql.replace("?", "%s"), rows)
    else:
        try:
            database.connection().executemany(sql, rows)
        except sqlite3.Error as exc:
            raise _translate(exc) or exc


def insert_ids(model, rows):
    """insert_many(rows) returning the new ids in order, on either engine (SQLite: the
    last rowid of one statement in our write transaction; a server: RETURNING)."""
    if not rows:
        return []
    query = model.insert_many(rows)
    if is_server():
        return [r[0] for r in query.returning(model._meta.primary_key).tuples().execute()]
    last = query.execute()
    return list(range(last - len(rows) + 1, last + 1))


def change_counter():
    """A number that changes when any PC commits a change (pages poll it to refresh):
    PRAGMA data_version on SQLite (changes by other connections), a counter on a server."""
    if is_server():
        return db_pg.change_counter(db.obj)
    return db.obj.connection().execute("PRAGMA data_version").fetchone()[0]


def _open_server(url, *, migrate, quick_check, password):
    """Open a PostgreSQL database: identity, version, migrations (one PC at a time)."""
    password = password or db_pg.remembered_password(url)
    database = db_pg.open_connection(url, password=password)
    try:
        db_pg.check_collation(database)
        db_pg.migrate_lock(database)
        try:
            identity = db_pg.read_identity(database)
            if identity is None:
                version = 0
                missing = migration_plan(0, None)
            else:
                app_id, version = identity
                if app_id != APPLICATION_ID:
                    raise DatabaseError(
                        f"Cơ sở dữ liệu {db_pg.describe_url(url)} không phải của phần mềm "
                        "Thi đua - Khen thưởng.")
                if version > SCHEMA_VERSION:
                    raise DatabaseError(
                        f"Cơ sở dữ liệu {db_pg.describe_url(url)} do phiên bản mới hơn của "
                        f"phần mềm tạo (cấu trúc {version}, phiên bản này hiểu đến "
                        f"{SCHEMA_VERSION}). Hãy cài phiên bản mới nhất trên máy này; dữ "
                        "liệu trên máy chủ không bị thay đổi.")
                database.has_schema_table = True
                missing = migration_plan(version, stored_steps(database))
                schema_check.verify_server(database, partial=bool(missing),
                                           values=quick_check)
            db.initialize(database)
            if missing:
                if not migrate:
                    raise DatabaseError(
                        f"Cơ sở dữ liệu {db_pg.describe_url(url)} có cấu trúc cũ ({version}); "
                        "hãy mở bằng phiên bản này để nâng cấp.")
                run_migrations(database, url, version, missing)
                schema_check.verify_server(database, values=False)
        finally:
            if not database._closed():
                db_pg.migrate_lock(database, take=False)
        from . import db_copy
        db_copy.empty_file_bytes()   # built now, on this thread: backups later need no swap
    except BaseException:
        if db.obj is database:
            db.initialize(None)
        try:
            database.close()
        except peewee.PeeweeException:
            pass
        raise
    return database


# --------------------------------------------------------------------------- backups

def verify_database_file(path):
    """Raise DatabaseError unless ``path`` is an intact database of this program: identity,
    integrity, exactly our schema (no foreign trigger or view), links and values."""
    version = check_file_identity(path)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            # Schema, links and values are read at the same time on a connection of their
            # own; they count only when the integrity check passed (as if run after it).
            beside = schema_check.ChecksBeside(
                path, lambda c: bool(migration_plan(version, stored_steps_sqlite(c))))
            try:
                result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            except BaseException:
                beside.cancel()
                raise
            if result == "ok":
                schema_check.refuse(path, beside.problems())
            else:
                beside.cancel()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DamagedDatabase(f"Tệp {path} bị hỏng, không dùng được: {exc}") from exc
    if result != "ok":
        raise DamagedDatabase(f"Tệp {path} bị hỏng ({result}), không dùng được.")
    return version


def backup_database(dest, *, progress=None, source=None, verify=None):
    """Consistent copy of the open database (SQLite online backup) to ``dest``.

    Written to a temporary file beside ``dest``, flushed to the device, verified and only
    then renamed, so an interrupted copy never leaves a file that looks complete.
    ``progress(done_pages, total_pages)`` may return False to cancel. ``verify(tmp)``
    replaces the check of the written copy (``verify_database_file``): a caller that reads
    the copy back anyway checks it once, not twice.
    """
    source = source or db.obj
    if is_server(source):
        from . import db_copy
        return db_copy.export_snapshot(source, dest, progress=progress, verify=verify)
    dest = os.path.abspath(str(dest))
    folder = os.path.dirname(dest)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=fileops.temp_prefix(), suffix=".tdkt", dir=folder)
    os.close(fd)
    cancelled = []

    def step(status, remaining, total):
        if progress is not None and progress(total - remaining, total) is False:
            cancelled.append(True)
            raise KeyboardInterrupt

    try:
        target = sqlite3.connect(tmp)
        try:
            try:
                source.connection().backup(target, pages=256, progress=step)
            except KeyboardInterrupt:
                pass
            if not cancelled:
                target.execute("PRAGMA journal_mode=delete")
        finally:
            target.close()
        if cancelled:
            raise DatabaseError("Đã hủy sao lưu; không có tệp nào được tạo.")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        (verify or verify_database_file)(tmp)
        os.replace(tmp, dest)
        fsync_dir(folder)
    except OSError as exc:
        remove_quietly(tmp)
        raise DatabaseError(os_error_message(exc, dest)) from exc
    except BaseException:
        remove_quietly(tmp)
        raise
    return dest
