"""Backups: verified copies to a folder or USB stick, verified restore, daily rotating backups.

Every write goes to a temporary file beside the target, is flushed to the device, verified
and only then renamed; a stick pulled (or a process killed) midway leaves at most a
``.tmp-…`` file, never one with the final name. A restore checks that the file is this
program's backup and intact, and keeps the current database aside before replacing it.
"""
import contextlib
import datetime
import glob
import logging
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import dataclasses
from dataclasses import dataclass

from models import accounts, audit_log, fileops, paths, vntext
from models import db as dbmod
from models.errors import DamagedDatabase, DatabaseError, UserError

from .outpaths import check_output_path
from .restore_copy import copy_verified
from .safefile import fsync_dir, os_error_message

log = logging.getLogger(__name__)

BACKUP_SUFFIX = ".sqlite3"
AUTO_PREFIX = "tu-dong-"
DEFAULT_KEEP = 30
AUTO_KEY = "auto_backup"          # setting: {"enabled": bool, "keep": int}


@dataclass
class BackupInfo:
    path: str
    commune: str
    year_from: int | None
    year_to: int | None
    units: int
    people: int
    households: int
    decisions: int
    size: int
    modified: datetime.datetime
    schema: int

    @property
    def period(self):
        if self.year_from is None:
            return "chưa có số liệu theo năm"
        if self.year_from == self.year_to:
            return f"năm {self.year_from}"
        return f"các năm {self.year_from}–{self.year_to}"

    def describe(self):
        """Vietnamese lines shown before a restore."""
        return (f"Tệp sao lưu của {self.commune or '(chưa đặt tên xã)'}, {self.period}; "
                f"{self.units} đơn vị, {vntext.format_int(self.people)} cá nhân, "
                f"{vntext.format_int(self.households)} hộ gia đình, {self.decisions} quyết "
                f"định; lưu lúc {self.modified.strftime('%H:%M ngày %d/%m/%Y')}, "
                f"dung lượng {_size_text(self.size)}.")


def _size_text(n):
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(1, n // 1024)} KB"


def _unreadable_in_place(path):
    """True when SQLite cannot even open ``path`` read-only where it lies: a WAL-mode file
    on a write-protected stick (SQLite must create its -shm beside it)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        return "unable to open" in text or "readonly" in text or "read-only" in text
    except sqlite3.DatabaseError:
        return False                        # damage: the verification says so
    return False


@contextlib.contextmanager
def readable(path):
    """``path``, or a copy of it (with its -wal) in a local temporary folder when it cannot
    be read where it is."""
    if not _unreadable_in_place(path):
        yield path
        return
    folder = tempfile.mkdtemp(prefix="tdkt-doc-")
    try:
        local = os.path.join(folder, "sao-luu.sqlite3")
        try:
            shutil.copyfile(path, local)
            if os.path.exists(path + "-wal"):
                shutil.copyfile(path + "-wal", local + "-wal")
        except OSError as exc:
            raise DatabaseError(f"Không đọc được tệp sao lưu {path}: "
                                f"{exc.strerror or exc}") from exc
        yield local
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def backup_info(path):
    """What a backup holds (commune, years, counts); DatabaseError unless it is our intact file."""
    path = os.path.abspath(str(path))
    if not os.path.isfile(path):
        raise DatabaseError(f"Không tìm thấy tệp sao lưu {path}.")
    with readable(path) as local:
        return _backup_info(path, local)


def _backup_info(path, local):
    try:
        schema = dbmod.verify_database_file(local)
    except DatabaseError as err:
        raise DatabaseError(str(err).replace(local, path)) from None
    try:
        conn = sqlite3.connect(f"file:{local}?mode=ro", uri=True)
        try:
            def one(sql, default=None):
                try:
                    row = conn.execute(sql).fetchone()
                except sqlite3.Error:
                    return default
                return row[0] if row and row[0] is not None else default
            # Bounded: a crafted backup may hold a gigabyte of text in any value.
            commune = one("SELECT substr(value, 1, 400) FROM setting "
                          "WHERE key='commune_name'", '""')
            years = [one(f"SELECT {fn}(year) FROM {table}") for fn in ("min", "max")
                     for table in ("registration", "decision")]
            years = [y for y in years if y is not None]
            info = BackupInfo(
                path=path, commune=_json_text(commune),
                year_from=min(years) if years else None, year_to=max(years) if years else None,
                units=one("SELECT count(*) FROM unit", 0),
                people=one("SELECT count(*) FROM person", 0),
                households=one("SELECT count(*) FROM household", 0),
                decisions=one("SELECT count(*) FROM decision", 0),
                size=os.path.getsize(path),
                modified=datetime.datetime.fromtimestamp(os.path.getmtime(path)), schema=schema)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(f"Tệp {path} bị hỏng, không đọc được: {exc}") from exc
    return info


def _json_text(value):
    import json
    try:
        value = json.loads(value)
    except (TypeError, ValueError):
        value = value.strip('"') if isinstance(value, str) else ""   # cut at 400 characters
    return value if isinstance(value, str) else ""


def slug(text):
    folded = vntext.fold(text or "")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "du-lieu"


def default_file_name(when=None):
    """'sao-luu-xa-tan-lap-20261123-1930.sqlite3': commune and date, sorts by time."""
    from models import settings
    when = when or datetime.datetime.now()
    try:
        commune = settings.get("commune_name") or ""
    except Exception:  # noqa: BLE001 - a database without settings still gets a name
        commune = ""
    return f"sao-luu-{slug(commune)}-{when.strftime('%Y%m%d-%H%M%S')}{BACKUP_SUFFIX}"


def _needed_bytes(source):
    if dbmod.is_server(source):          # the SQLite copy is smaller than the server's files
        return source.execute_sql("SELECT pg_database_size(current_database())").fetchone()[0]
    conn = source.connection()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    return pages * size


def _check_destination(folder, needed):
    if not os.path.isdir(folder):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise UserError(os_error_message(exc, folder)) from exc
    # Can we write at all? A write-protected stick must be called that, not "full".
    try:
        fd, probe = tempfile.mkstemp(prefix=fileops.temp_prefix(), suffix=".tdkt", dir=folder)
        os.close(fd)
        os.remove(probe)
    except OSError as exc:
        raise UserError(os_error_message(exc, folder)) from exc
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < needed + 64 * 1024:
        raise UserError(
            f"Không đủ chỗ trống ở {folder}: cần khoảng {_size_text(needed)}, còn "
            f"{_size_text(free)}. Hãy xóa bớt tệp trên USB hoặc dùng USB khác.")


def remove_stale_temps(folder):
    """Remove the temporary files a killed backup or restore left in ``folder``."""
    return fileops.remove_stale_temps(folder)


def backup_target(dest, *, windows=sys.platform == "win32"):
    """(path, is_folder) for what the user typed as a backup destination.

    A folder is one that exists, a path ending in a separator (``E:\\SaoLuu\\`` or
    ``dir/``: created if missing) or a bare drive (``E:``). On Windows, cmd.exe hands
    ``"E:\\SaoLuu\\"`` to the program as ``E:\\SaoLuu"`` (backslash-quote is an escaped
    quote); a quote cannot be in a Windows file name, so it means that trailing separator.
    """
    text = str(dest)
    seps = ("\\", "/") if windows else tuple(s for s in (os.sep, os.altsep) if s)
    if windows and text.endswith('"'):
        text = text.rstrip('"').rstrip("\\/") + "\\"
    bare_drive = windows and len(text) == 2 and text[1] == ":" and text[0].isalpha()
    if bare_drive:
        text += "\\"
    return text, bare_drive or text.endswith(seps) or os.path.isdir(text)


def backup_to(dest, progress=None, *, replace_backup=False):
    """Back up the open database to ``dest`` (a file, or a folder → automatic name).

    Returns the final path after reading the copy back and verifying it.
    """
    return backup_with_info(dest, progress, replace_backup=replace_backup)[0]


def backup_with_info(dest, progress=None, *, replace_backup=False):
    """``backup_to`` returning (path, BackupInfo): the copy is read back from the device
    and checked once (integrity, schema) before it gets its final name; the info shown
    to the user comes from that same reading."""
    if dbmod.db.obj is None:
        raise DatabaseError("Chưa mở tệp dữ liệu nào để sao lưu.")
    dest, is_folder = backup_target(dest)
    dest = os.path.abspath(dest)
    if is_folder:
        dest = os.path.join(dest, default_file_name())
    folder = os.path.dirname(dest)
    # A backup may add a file to the backups folder; only auto_backup replaces one there.
    check_output_path(dest, backup=True, replace_backup=replace_backup)
    _check_destination(folder, _needed_bytes(dbmod.db.obj))
    remove_stale_temps(folder)
    infos = []

    def read_back(tmp):
        # Read back from the device: what is on the stick is what we wrote.
        try:
            infos.append(backup_info(tmp))
        except DatabaseError as err:
            raise type(err)(str(err).replace(tmp, dest)) from None
    try:
        dbmod.backup_database(dest, progress=progress, verify=read_back)
    except OSError as exc:           # e.g. the temporary file cannot even be created
        raise UserError(os_error_message(exc, dest)) from exc
    info = dataclasses.replace(infos[0], path=dest)
    return dest, info


# --------------------------------------------------------------------------- restore

IN_USE = ("Tệp dữ liệu {path} đang được mở ở máy/cửa sổ khác (một cửa sổ khác của phần "
          "mềm, một lệnh đang chạy hoặc máy khác dùng chung tệp). Hãy đóng nơi đó rồi khôi "
          "phục lại; dữ liệu hiện tại không bị thay đổi.")
LOCK_TIMEOUT_S = 2.0


@contextlib.contextmanager
def exclusive_database(db_path):
    """Hold ``db_path`` so that no other connection exists (in this or another process).

    Switching a WAL database back to a rollback journal succeeds only for the one connection
    that has the file open; BEGIN EXCLUSIVE then keeps every reader and writer out until we
    are done. Yields True when held, False when the file is too damaged for SQLite to lock.
    Raises DatabaseError (IN_USE) when another connection has it open.
    """
    if not os.path.exists(db_path):
        yield False
        return
    conn = sqlite3.connect(db_path, timeout=LOCK_TIMEOUT_S, isolation_level=None)
    try:
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode.lower() == "wal":
                mode = conn.execute("PRAGMA journal_mode=delete").fetchone()[0]
                if mode.lower() == "wal":
                    raise DatabaseError(IN_USE.format(path=db_path))
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                raise DatabaseError(IN_USE.format(path=db_path)) from exc
            if "readonly" in text or "unable to open" in text:
                raise DatabaseError(os_error_message(OSError(13, str(exc)), db_path)) from exc
            held = False                    # damaged beyond locking: that is why we restore
        except sqlite3.DatabaseError:
            held = False
        else:
            held = True
        if os.name == "nt":
            # Windows cannot rename over a file that is open: let go just before the swap.
            conn.close()
        yield held
    finally:
        conn.close()


def restore_from(src, db_path, *, actor):
    """Replace the database at ``db_path`` with the backup ``src``; returns where the old one
    was kept (None if there was none). The caller closes its own connection first and
    reopens the database afterwards.

    The backup is copied beside the database and that copy verified (identity, integrity,
    exactly our schema, links and values). Then the database is taken exclusively: if any
    other window, command or PC has it open, the restore is refused and nothing changes.
    ``actor`` must be a leader of the current file (models.accounts.require_leader_of_file);
    the restored database gets an audit row and the log a line naming them.
    """
    if dbmod.is_server_url(db_path):
        return _restore_to_server(src, db_path, actor=actor)
    src = os.path.abspath(str(src))
    db_path = os.path.abspath(str(db_path))
    accounts.require_leader_of_file(actor, db_path)
    if os.path.exists(db_path) and os.path.exists(src) and os.path.samefile(src, db_path):
        raise UserError("Tệp sao lưu chính là tệp dữ liệu đang dùng; hãy chọn tệp sao lưu khác.")
    if not os.path.isfile(src):
        raise DatabaseError(f"Không tìm thấy tệp sao lưu {src}.")
    # Only the copy that will be installed is verified in full (integrity, schema): the
    # header is enough to refuse another program's file before copying (issue 15: one
    # integrity check, not two — half the time of a restore).
    with readable(src) as local:
        try:
            dbmod.check_file_identity(local)
        except DatabaseError as err:
            raise type(err)(str(err).replace(local, src)) from None
    folder = os.path.dirname(db_path)
    os.makedirs(folder, exist_ok=True)
    fileops.remove_stale_temps(folder)
    try:
        with readable(src) as local:
            tmp = copy_verified(local, folder, shown_as=src)
    except sqlite3.Error as exc:        # e.g. a truncated or damaged backup
        raise DamagedDatabase(f"Tệp sao lưu {src} bị hỏng, không dùng được ({exc}); "
                              "hãy chọn bản sao lưu khác. Dữ liệu hiện tại không bị "
                              "thay đổi.") from exc
    except OSError as exc:
        raise UserError(os_error_message(exc, db_path)) from exc
    # Closed only once the backup is known good: a refused restore leaves it untouched.
    if dbmod.current_path() and os.path.abspath(dbmod.current_path()) == db_path:
        dbmod.close_database()
    kept = None
    try:
        with exclusive_database(db_path) as held:
            if os.path.exists(db_path) and os.path.getsize(db_path) > 0:
                stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
                kept = f"{os.path.splitext(db_path)[0]}-truoc-khoi-phuc-{stamp}.sqlite3"
                _keep_aside(db_path, kept, folder, held)
            os.replace(tmp, db_path)
            fsync_dir(folder)
    except OSError as exc:
        if kept and fileops.same_file(kept, db_path):   # linked, not replaced: unlink
            fileops.remove_quietly(kept)
        raise UserError(os_error_message(exc, db_path)) from exc
    finally:
        fileops.remove_quietly(tmp)
    # What was renamed is the copy verified above. Checking it again through SQLite would
    # race with other windows opening the restored file at once; its header says enough.
    if dbmod.read_file_identity(db_path)[0] != dbmod.APPLICATION_ID:
        raise DatabaseError(f"Khôi phục không thành: {db_path} không phải tệp vừa kiểm tra.")
    _record_restore(db_path, src, actor, kept)
    return kept


def _restore_to_server(src, url, *, actor):
    """Restore onto a server: the current data is first saved as a backup file on this PC,
    then every table is replaced by the backup's rows in one transaction (a leader only)."""
    from models import db_copy, paths
    from models.service import require
    src = os.path.abspath(str(src))
    backup_info(src)
    if dbmod.current_path() != url:
        dbmod.open_database(url)
    require(actor, "leader")
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = os.path.join(paths.backup_dir(), f"may-chu-truoc-khoi-phuc-{stamp}.sqlite3")
    dbmod.backup_database(kept)
    db_copy.move_file_to_server(src, replace=True)
    message = f"khôi phục từ {src}, bởi {actor.username}"
    log.info("%s (dữ liệu cũ giữ ở %s)", message, kept)
    try:
        audit_log.append(username=actor.username, action="restore", entity="database",
                         new={"từ tệp": src, "dữ liệu cũ giữ ở": kept}, reason=message)
    finally:
        dbmod.close_database()
    return kept


def _record_restore(db_path, src, actor, kept):
    """'khôi phục từ …, bởi …' in the restored database's audit log and in the log file."""
    message = f"khôi phục từ {src}, bởi {actor.username}"
    log.info("%s (dữ liệu cũ giữ ở %s)", message, kept or "—")
    for attempt in range(5):     # another window may be opening the restored file right now
        try:
            # Not checked again: the bytes copy_verified checked in full, renamed.
            dbmod.open_database(db_path, quick_check=False)
            break
        except DatabaseError:
            if attempt == 4:
                raise
            import time
            time.sleep(0.2)
    try:
        audit_log.append(username=actor.username, action="restore", entity="database",
                         new={"từ tệp": src, "dữ liệu cũ giữ ở": kept}, reason=message)
    finally:
        dbmod.close_database()


def _keep_aside(db_path, kept, folder, held):
    """The current database's bytes at ``kept`` (consistent: we hold it, its WAL is merged).

    A second name (hard link), left as the old file's only name when the restored copy is
    renamed over ``db_path``: no copy of the whole file, and no second descriptor of the
    held file closed (on POSIX that drops our SQLite locks). Without links (FAT sticks),
    a flushed copy. A file too damaged to lock keeps its journal files too, moved beside
    the kept copy: a -wal left beside the restored file would be replayed into it.
    """
    if not fileops.hard_link(db_path, kept):
        fd, tmp = tempfile.mkstemp(prefix=fileops.temp_prefix(), suffix=".tdkt", dir=folder)
        os.close(fd)
        try:
            shutil.copyfile(db_path, tmp)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, kept)
        finally:
            fileops.remove_quietly(tmp)
    if not held:
        for extra in ("-wal", "-shm"):
            if os.path.exists(db_path + extra):
                os.replace(db_path + extra, kept + extra)


# --------------------------------------------------------------------------- automatic

def auto_settings():
    from models import settings
    value = settings.get(AUTO_KEY, {"enabled": True, "keep": DEFAULT_KEEP})
    if not isinstance(value, dict):
        value = {}
    return {"enabled": bool(value.get("enabled", True)),
            "keep": max(1, int(value.get("keep", DEFAULT_KEEP) or DEFAULT_KEEP))}


def auto_backups(folder=None):
    folder = folder or paths.backup_dir()
    return sorted(glob.glob(os.path.join(folder, f"{AUTO_PREFIX}*{BACKUP_SUFFIX}")))


def auto_backup_due(*, today=None, folder=None, conf=None, force=False):
    """The path of today's automatic backup when it is still to be made, else None (made
    already, or automatic backups are off)."""
    conf = conf or auto_settings()
    if not conf["enabled"] and not force:
        return None
    folder = folder or paths.backup_dir()
    today = today or datetime.date.today()
    dest = os.path.join(folder, f"{AUTO_PREFIX}{today.strftime('%Y%m%d')}{BACKUP_SUFFIX}")
    if os.path.exists(dest) and not force:
        return None
    return dest


def start_of_day(path, *, server=False):
    """The start-up work in the background: the check of the open file and, on the first
    start of the day, the automatic backup. Returns None, or what is damaged in ``path``.

    One verification, not two. On a day without a backup, the file is checked where it is
    (``quick_check_file``: PRAGMA quick_check, links, value rules). On the first start of
    the day the copy is checked instead, in full (``verify_database_file``: PRAGMA
    integrity_check, schema, links, value rules), and the file is not checked separately:
    SQLite's backup copies the file's pages as they are, so whatever damage the file has,
    its copy has too. That full check of the copy is the day's one full check of the data
    (indexes against their tables, which quick_check skips). It is kept in full rather than
    cut to a quick_check because it is the only one that ever runs unasked, and because
    reading the copy back mostly reads the system's file cache, not the device: what it can
    really prove is the data's consistency, not the write — so it had better be thorough.
    When the copy fails its check, the file itself is checked in full to tell "the data is
    damaged" (reported) from "the copy could not be written" (logged; tomorrow retries).
    """
    from models import health
    if server:                        # a server checks its own pages
        _auto_backup_quietly()
        return None
    if auto_backup_due() is None:
        return health.quick_check_file(path)
    try:
        auto_backup()
        return None
    except DamagedDatabase:
        log.warning("the automatic backup failed its check; checking %s itself", path)
        return health.quick_check_file(path, full=True)
    except Exception:  # noqa: BLE001 - an automatic backup must never stop the program
        log.exception("automatic backup failed")
        return health.quick_check_file(path)


def _auto_backup_quietly():
    try:
        auto_backup()
    except Exception:  # noqa: BLE001 - an automatic backup must never stop the program
        log.exception("automatic backup failed")


def auto_backup(keep=None, *, today=None, folder=None, force=False):
    """Once a day: a verified backup into the data folder's backups, keeping the newest ``keep``.

    Returns the new file, or None when today's exists or automatic backups are off.
    """
    conf = auto_settings()
    dest = auto_backup_due(today=today, folder=folder, conf=conf, force=force)
    if dest is None:
        return None
    keep = keep or conf["keep"]
    folder = os.path.dirname(dest)
    backup_to(dest, replace_backup=True)
    for old in auto_backups(folder)[:-keep]:
        try:
            os.remove(old)
        except OSError:
            pass
    return dest



CLOSE_PREFIX = "khi-dong-"
CLOSE_KEEP = 10


def closing_backup(*, keep=CLOSE_KEEP, folder=None, now=None):
    """When the program closes after changes: a verified backup into the data folder's
    backups (beside the daily ones, which it never pushes out), keeping the newest ``keep``.
    Returns the new file, or None when automatic backups are off."""
    if not auto_settings()["enabled"]:
        return None
    folder = folder or paths.backup_dir()
    now = now or datetime.datetime.now()
    dest = os.path.join(folder, f"{CLOSE_PREFIX}{now.strftime('%Y%m%d-%H%M%S')}{BACKUP_SUFFIX}")
    backup_to(dest)
    for old in sorted(glob.glob(os.path.join(folder, f"{CLOSE_PREFIX}*{BACKUP_SUFFIX}")))[:-keep]:
        try:
            os.remove(old)
        except OSError:
            pass
    return dest
