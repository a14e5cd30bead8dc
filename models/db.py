"""The one database entry point: opening with the right pragmas, checks, backups, migrations."""
import logging
import os
import sqlite3
import sys
import tempfile

import peewee

from .errors import ConflictError, DatabaseError
from .fileops import fsync_dir, os_error_message, remove_quietly

log = logging.getLogger(__name__)

db = peewee.DatabaseProxy()

APPLICATION_ID = 0x54444B54          # "TDKT": marks a file as this program's database
SCHEMA_VERSION = 6
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
BUSY_MESSAGE = ("Dữ liệu đang được dùng ở nơi khác, thử lại sau (một máy hoặc cửa sổ khác "
                "đang ghi). Việc vừa làm chưa được lưu.")
GUARD_PREFIX = "tdkt: "          # the start of every message our own triggers RAISE


def _translate(exc):
    """Our UserError for a busy database or a refusal by one of our triggers, else None."""
    text = str(exc)
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


def _explain(exc, path):
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseError(
            f"Tệp dữ liệu {path} đang bị một chương trình khác sử dụng. "
            "Hãy đóng chương trình đó (hoặc cửa sổ khác của phần mềm này) rồi thử lại.")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return DatabaseError(
            f"Không ghi được vào tệp dữ liệu {path} (ổ đĩa chỉ đọc hoặc không có quyền). "
            "Hãy chép tệp vào máy tính (ví dụ thư mục Tài liệu) rồi mở lại.")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return DatabaseError(
            f"Tệp dữ liệu {path} bị hỏng. Hãy khôi phục từ bản sao lưu gần nhất "
            "(trang Sao lưu hoặc lệnh: main.py restore TỆP_SAO_LƯU).")
    return DatabaseError(f"Không mở được tệp dữ liệu {path}: {exc}")


def _check_header(path):
    """Refuse files that are not SQLite at all before SQLite sees them."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return
    header = _file_header(path)
    if not header.startswith(SQLITE_MAGIC):
        raise DatabaseError(
            f"Tệp {path} không phải là tệp dữ liệu của phần mềm Thi đua - Khen thưởng. "
            "Hãy chọn đúng tệp dữ liệu hoặc tệp sao lưu.")
    if len(header) < 100:
        raise DatabaseError(
            f"Tệp dữ liệu {path} bị cắt cụt (không đầy đủ). "
            "Hãy khôi phục từ bản sao lưu gần nhất.")


def read_file_identity(path):
    """(application_id, user_version) of an SQLite file without opening it through peewee."""
    _check_header(path)
    header = _file_header(path)
    user_version = int.from_bytes(header[60:64], "big")
    app_id = int.from_bytes(header[68:72], "big")
    return app_id, user_version


def open_database(path, *, migrate=True, quick_check=True, busy_timeout_ms=BUSY_TIMEOUT_MS):
    """Open (or create) the database at ``path``, check it and bring its schema up to date.

    Raises DatabaseError with a Vietnamese message for every file we must not use.
    """
    path = os.path.abspath(str(path))
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"Không tạo được thư mục dữ liệu {folder}: {exc}") from exc
    _check_header(path)
    existed = os.path.exists(path) and os.path.getsize(path) > 0
    if existed and not os.access(path, os.W_OK):
        raise DatabaseError(
            f"Tệp dữ liệu {path} chỉ đọc (ổ đĩa chỉ đọc hoặc không có quyền ghi). "
            "Hãy chép tệp vào máy tính rồi mở lại.")
    network = is_network_path(path)
    if network:
        log.warning("database on a network drive, WAL off: %s", path)
    journal = "delete" if network else "wal"
    database = Database(path, pragmas={
        "foreign_keys": 1,
        "busy_timeout": busy_timeout_ms,
    }, timeout=busy_timeout_ms / 1000)
    try:
        database.connect()
        conn = database.connection()
        if existed:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if app_id != APPLICATION_ID:
                raise DatabaseError(
                    f"Tệp {path} là cơ sở dữ liệu của một chương trình khác, không phải của "
                    "phần mềm Thi đua - Khen thưởng. Hãy chọn đúng tệp.")
            if version > SCHEMA_VERSION:
                raise DatabaseError(
                    f"Tệp dữ liệu {path} được tạo bởi phiên bản mới hơn của phần mềm "
                    f"(cấu trúc {version}, phiên bản này hiểu đến {SCHEMA_VERSION}). "
                    "Hãy cài phiên bản mới nhất rồi mở lại; tệp không bị thay đổi.")
            if quick_check:
                result = conn.execute("PRAGMA quick_check").fetchone()[0]
                if result != "ok":
                    raise DatabaseError(
                        f"Tệp dữ liệu {path} bị hỏng ({result}). Hãy khôi phục từ bản sao "
                        "lưu gần nhất (trang Sao lưu hoặc lệnh: main.py restore TỆP_SAO_LƯU).")
        else:
            version = 0
        mode = conn.execute(f"PRAGMA journal_mode={journal}").fetchone()[0]
        if mode.lower() != journal:
            log.warning("journal_mode %s refused, using %s", journal, mode)
        conn.execute("PRAGMA synchronous=1")
        # Prove we can write before anything else: read-only media and locks show here.
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except DatabaseError:
        database.close()
        raise
    except (sqlite3.Error, peewee.PeeweeException) as exc:
        database.close()
        raise _explain(exc, path) from exc
    db.initialize(database)
    if migrate and version < SCHEMA_VERSION:
        try:
            run_migrations(database, path, version)
        except Exception:
            database.close()
            raise
    return database


def close_database():
    obj = db.obj
    if obj is not None and not obj.is_closed():
        obj.close()


def current_path():
    return db.obj.database if db.obj is not None else None


# --------------------------------------------------------------------------- backups

def verify_database_file(path):
    """Raise DatabaseError unless ``path`` is an intact database of this program."""
    app_id, version = read_file_identity(path)
    if app_id != APPLICATION_ID:
        raise DatabaseError(
            f"Tệp {path} không phải là bản sao lưu của phần mềm Thi đua - Khen thưởng.")
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"Tệp {path} được tạo bởi phiên bản mới hơn của phần mềm; hãy cài phiên bản mới nhất.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(f"Tệp {path} bị hỏng, không dùng được: {exc}") from exc
    if result != "ok":
        raise DatabaseError(f"Tệp {path} bị hỏng ({result}), không dùng được.")
    return version


def backup_database(dest, *, progress=None, source=None):
    """Consistent copy of the open database (SQLite online backup) to ``dest``.

    Written to a temporary file beside ``dest``, flushed to the device, verified and only
    then renamed, so an interrupted copy never leaves a file that looks complete.
    ``progress(done_pages, total_pages)`` may return False to cancel.
    """
    source = source or db.obj
    dest = os.path.abspath(str(dest))
    folder = os.path.dirname(dest)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".tdkt", dir=folder)
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
        verify_database_file(tmp)
        os.replace(tmp, dest)
        fsync_dir(folder)
    except OSError as exc:
        remove_quietly(tmp)
        raise DatabaseError(os_error_message(exc, dest)) from exc
    except BaseException:
        remove_quietly(tmp)
        raise
    return dest


# --------------------------------------------------------------------------- migrations

def run_migrations(database, path, version):
    from . import migrations
    if version > 0:
        folder = os.path.join(os.path.dirname(path), "backups")
        dest = os.path.join(folder, f"truoc-nang-cap-v{version}-{os.path.basename(path)}")
        backup_database(dest, source=database)
        log.info("pre-migration backup at %s", dest)
    for number in sorted(n for n in migrations.STEPS if version < n <= SCHEMA_VERSION):
        step = migrations.STEPS[number]
        with database.atomic():
            step(database)
            database.execute_sql(f"PRAGMA application_id={APPLICATION_ID}")
            database.execute_sql(f"PRAGMA user_version={number}")
        log.info("database migrated to schema %s", number)
