"""The copy a restore installs: the backup copied beside the database, flushed, verified.

A backup file at rest (rollback journal, no -wal or -journal beside it, its size what its
header says) is copied byte for byte while SQLite holds a shared lock on it (no writer can
change it meanwhile): what SQLite's online backup makes of such a file is the same pages,
read and written one by one through two page caches (0.5 s of a 100 MB restore, more than
the copy itself). Any other file — a -wal beside it, a header SQLite refuses, a read error —
goes through SQLite's online backup exactly as before, with the same refusals.
"""
import os
import shutil
import sqlite3
import tempfile

from models import db as dbmod
from models import fileops
from models.errors import DatabaseError

ROLLBACK = b"\x01\x01"        # header bytes 18-19: file format versions of a rollback journal


def copy_verified(src, dest_dir, *, shown_as=None):
    """Copy ``src`` to a temp file in ``dest_dir``, fsync, verify; returns the temp path.

    What is verified is the copy that will be installed, not the file it came from; a
    refusal names ``shown_as`` (the file the user chose), not the temporary copy.
    """
    fd, tmp = tempfile.mkstemp(prefix=fileops.temp_prefix(), suffix=".tdkt", dir=dest_dir)
    os.close(fd)
    try:
        if not _plain_copy(src, tmp):
            os.truncate(tmp, 0)               # what a partial plain copy left: an empty file
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
        try:
            dbmod.verify_database_file(tmp)
        except DatabaseError as err:
            raise type(err)(str(err).replace(tmp, shown_as or src)) from None
    except BaseException:
        fileops.remove_quietly(tmp)
        raise
    return tmp


def _plain_copy(src, dest):
    """Copy ``src`` to ``dest`` byte for byte when it is a database at rest; False (and
    nothing promised about ``dest``) when SQLite's online backup must do it."""
    if any(os.path.exists(src + extra) for extra in ("-wal", "-journal")):
        return False
    conn = sqlite3.connect(f"file:{src}?mode=ro", uri=True, isolation_level=None)
    source = None
    try:
        # A read transaction: SQLite checks the header as its backup would and holds a
        # shared lock, so no other connection writes the file until we are done.
        conn.execute("BEGIN")
        conn.execute("PRAGMA user_version").fetchone()
        # Our own descriptor stays open until SQLite has let go: on POSIX, closing any
        # descriptor of a file drops every lock this process holds on it.
        source = open(src, "rb")
        header = source.read(100)
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        if (len(header) < 100 or header[18:20] != ROLLBACK
                or header[24:28] != header[92:96]           # the header's size is valid
                or pages * page_size != os.fstat(source.fileno()).st_size):
            return False
        source.seek(0)
        with open(dest, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 22)
        return True
    except (sqlite3.Error, OSError):
        return False
    finally:
        conn.close()
        if source is not None:
            source.close()
