"""A command that only reads checks the tables it read, not the whole file.

Opening checks every page of the file (PRAGMA quick_check) and the value rules: 1.0–1.4 s
on the large demo commune (100 MB), as long as a whole ``list households --json`` takes
without it. A command that only reads (``main.py list``) opens with
``quick_check=db.READS`` and runs inside ``checked_reads``: SQLite names every table the
command's statements read (an authorizer), and when the command is done — before it
prints anything — each of those tables is checked with its indexes
(``PRAGMA quick_check(TABLE)``) and by its value rules; damage is refused with the same
message as at opening. What the command did not read cannot be in its output, and it
writes nothing into the file. The header, identity, log file and schema are still checked
at opening; a file that needs migrating is checked whole first; a server is not concerned.
"""
import contextlib
import sqlite3

import peewee

from . import schema_check
from .db import check_pages


@contextlib.contextmanager
def checked_reads(database, path):
    """Around a command's reads of ``database`` opened with ``quick_check=db.READS``: the
    tables read are checked when the block ends (DamagedDatabase), and when it fails on an
    SQLite error (damage then explains the error)."""
    if not getattr(database, "check_reads", False):
        yield database
        return
    conn = database.connection()
    read = set()

    def note(action, table, _column, _schema, _source):
        if action == sqlite3.SQLITE_READ and table and not table.startswith("sqlite_"):
            read.add(table)
        return sqlite3.SQLITE_OK

    conn.set_authorizer(note)
    try:
        yield database
    except (sqlite3.DatabaseError, peewee.DatabaseError):
        conn.set_authorizer(None)
        check_tables(conn, path, read)
        raise
    conn.set_authorizer(None)
    check_tables(conn, path, read)


def check_tables(conn, path, tables):
    """Pages, indexes and value rules of ``tables``; DamagedDatabase naming what is wrong."""
    for table in sorted(tables):
        check_pages(conn, path, table)
    schema_check.refuse(path, schema_check.value_problems(conn, links=False, tables=tables))
