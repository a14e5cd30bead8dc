"""One guard for every file the program writes: never onto its own data or backups.

A PDF written "to FILE" where FILE is the live database (or its ``-wal``/``-shm``) would
destroy the data; one written into the backups folder would replace a backup. Every writer
(``atomic_output``, backups, canvases) asks ``check_output_path`` first.
"""
import os

from models import db as dbmod
from models import paths
from models.errors import UserError

DB_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _real(path):
    """Absolute, symlinks resolved, case folded where the file system ignores case."""
    return os.path.normcase(os.path.realpath(os.path.abspath(str(path))))


def _same(a, b):
    if _real(a) == _real(b):
        return True
    try:
        return os.path.samefile(a, b)          # hard links, 8.3 names, other spellings
    except OSError:
        return False


def protected_databases():
    """The database files the program uses: the open one and the default one."""
    found = []
    for p in (dbmod.current_path(), paths.default_db_path()):
        if p and p != ":memory:" and p not in found:
            found.append(p)
    return found


def check_output_path(path, *, backup=False, replace_backup=False):
    """Raise UserError when writing ``path`` would overwrite the database, its journal
    files or anything in the backups folder (a ``backup`` may add a new file there, and
    replace one only when ``replace_backup``)."""
    for database in protected_databases():
        for extra in DB_COMPANIONS:
            if _same(path, database + extra):
                raise UserError(
                    f"Không thể ghi ra {path}: đó là tệp dữ liệu đang dùng"
                    f"{' (tệp ' + extra + ' đi kèm)' if extra else ''}. Ghi vào đó sẽ xóa "
                    "mất dữ liệu; hãy chọn tên tệp khác.")
    folder = _real(paths.backup_dir())
    target_dir = _real(os.path.dirname(os.path.abspath(str(path))))
    if target_dir == folder or target_dir.startswith(folder + os.sep):
        if not backup or (os.path.exists(path) and not replace_backup):
            raise UserError(
                f"Không thể ghi ra {path}: đó là thư mục sao lưu của phần mềm, ghi vào đó "
                "có thể thay mất một bản sao lưu. Hãy chọn thư mục khác.")
    return path
