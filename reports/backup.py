"""Backups: verified copies to a folder or USB stick, verified restore, daily rotating backups.

Every write goes to a temporary file beside the target, is flushed to the device, verified
and only then renamed; a stick pulled (or a process killed) midway leaves at most a
``.tmp-…`` file, never one with the final name. A restore checks that the file is this
program's backup and intact, and keeps the current database aside before replacing it.
"""
import datetime
import glob
import logging
import os
import re
import shutil
import sqlite3
import sys
import tempfile
from dataclasses import dataclass

from models import accounts, audit_log, paths, vntext
from models import db as dbmod
from models.errors import DatabaseError, UserError

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


def backup_info(path):
    """What a backup holds (commune, years, counts); DatabaseError unless it is our intact file."""
    path = os.path.abspath(str(path))
    if not os.path.isfile(path):
        raise DatabaseError(f"Không tìm thấy tệp sao lưu {path}.")
    schema = dbmod.verify_database_file(path)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            def one(sql, default=None):
                try:
                    row = conn.execute(sql).fetchone()
                except sqlite3.Error:
                    return default
                return row[0] if row and row[0] is not None else default
            commune = one("SELECT value FROM setting WHERE key='commune_name'", '""')
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
        pass
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
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < needed + 64 * 1024:
        raise UserError(
            f"Không đủ chỗ trống ở {folder}: cần khoảng {_size_text(needed)}, còn "
            f"{_size_text(free)}. Hãy xóa bớt tệp trên USB hoặc dùng USB khác.")


def remove_stale_temps(folder):
    """Remove the temporary files (``.tmp-*.tdkt*``) an interrupted backup left in ``folder``."""
    for tmp in glob.glob(os.path.join(folder, ".tmp-*.tdkt*")):
        try:
            os.remove(tmp)
        except OSError:
            pass


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


def backup_to(dest, progress=None):
    """Back up the open database to ``dest`` (a file, or a folder → automatic name).

    Returns the final path after reading the copy back and verifying it.
    """
    if dbmod.db.obj is None:
        raise DatabaseError("Chưa mở tệp dữ liệu nào để sao lưu.")
    dest, is_folder = backup_target(dest)
    dest = os.path.abspath(dest)
    if is_folder:
        dest = os.path.join(dest, default_file_name())
    folder = os.path.dirname(dest)
    if os.path.abspath(dbmod.current_path() or "") == dest:
        raise UserError("Không thể sao lưu đè lên chính tệp dữ liệu đang dùng; hãy chọn nơi khác.")
    _check_destination(folder, _needed_bytes(dbmod.db.obj))
    remove_stale_temps(folder)
    try:
        dbmod.backup_database(dest, progress=progress)
    except OSError as exc:           # e.g. the temporary file cannot even be created
        raise UserError(os_error_message(exc, dest)) from exc
    # Read back from the device and check again: what is on the stick is what we wrote.
    info = backup_info(dest)
    del info
    return dest


# --------------------------------------------------------------------------- restore

def _copy_verified(src, dest_dir):
    """Copy ``src`` to a temp file in ``dest_dir``, fsync, verify; returns the temp path."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".tdkt", dir=dest_dir)
    os.close(fd)
    try:
        source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=delete")
        finally:
            target.close()
            source.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        dbmod.verify_database_file(tmp)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
    return tmp


def restore_from(src, db_path, *, actor):
    """Replace the database at ``db_path`` with the backup ``src``; returns where the old one
    was kept (None if there was none). The caller reopens the database afterwards.

    ``actor`` must be a leader of the current file (models.accounts.require_leader_of_file);
    the restored database gets an audit row and the log a line naming them.
    """
    src = os.path.abspath(str(src))
    db_path = os.path.abspath(str(db_path))
    accounts.require_leader_of_file(actor, db_path)
    if src == db_path:
        raise UserError("Tệp sao lưu chính là tệp dữ liệu đang dùng; hãy chọn tệp sao lưu khác.")
    backup_info(src)                       # refuses anything that is not our intact backup
    folder = os.path.dirname(db_path)
    os.makedirs(folder, exist_ok=True)
    if dbmod.current_path() and os.path.abspath(dbmod.current_path()) == db_path:
        dbmod.close_database()
    try:
        tmp = _copy_verified(src, folder)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Không đọc được tệp sao lưu {src}: {exc}") from exc
    except OSError as exc:
        raise UserError(os_error_message(exc, db_path)) from exc
    kept = None
    try:
        if os.path.exists(db_path) and os.path.getsize(db_path) > 0:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            base = os.path.splitext(db_path)[0]
            kept = f"{base}-truoc-khoi-phuc-{stamp}.sqlite3"
            _keep_aside(db_path, kept, folder)
        for extra in ("-wal", "-shm", "-journal"):
            if os.path.exists(db_path + extra):
                os.remove(db_path + extra)
        os.replace(tmp, db_path)
        fsync_dir(folder)
    except OSError as exc:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise UserError(os_error_message(exc, db_path)) from exc
    dbmod.verify_database_file(db_path)
    _record_restore(db_path, src, actor, kept)
    return kept


def _record_restore(db_path, src, actor, kept):
    """'khôi phục từ …, bởi …' in the restored database's audit log and in the log file."""
    message = f"khôi phục từ {src}, bởi {actor.username}"
    log.info("%s (dữ liệu cũ giữ ở %s)", message, kept or "—")
    dbmod.open_database(db_path)
    try:
        audit_log.append(username=actor.username, action="restore", entity="database",
                         new={"từ tệp": src, "dữ liệu cũ giữ ở": kept}, reason=message)
    finally:
        dbmod.close_database()


def _keep_aside(db_path, kept, folder):
    """A consistent copy of the current database (WAL included) at ``kept``."""
    try:
        tmp = _copy_verified(db_path, folder)
    except (DatabaseError, sqlite3.Error):
        # The current file is damaged (that may be why we restore): keep its bytes as they are.
        shutil.copy2(db_path, kept)
        return
    os.replace(tmp, kept)


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


def auto_backup(keep=None, *, today=None, folder=None, force=False):
    """Once a day: a verified backup into the data folder's backups, keeping the newest ``keep``.

    Returns the new file, or None when today's exists or automatic backups are off.
    """
    conf = auto_settings()
    if not conf["enabled"] and not force:
        return None
    keep = keep or conf["keep"]
    folder = folder or paths.backup_dir()
    today = today or datetime.date.today()
    dest = os.path.join(folder, f"{AUTO_PREFIX}{today.strftime('%Y%m%d')}{BACKUP_SUFFIX}")
    if os.path.exists(dest) and not force:
        return None
    backup_to(dest)
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
