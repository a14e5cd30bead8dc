"""The schema reference of ``schema_check`` kept in the data folder between starts.

Building the reference runs every migration on an in-memory database (~0.3 s of peewee
generating DDL on every start). Its result only changes when the code that builds it
changes, so it is stored as JSON with a key made of that code: the bytes of every module
of the ``models`` package (entities, migrations, guards, fields, …), each step's own code
object (a test may swap a step), the schema version, peewee's and SQLite's versions. In a
frozen build, where the sources are not on disk, the executable itself (which holds the
bytecode) stands for them. Any doubt — another key, a file that does not parse, a shape
that is not a reference — means building it again; a folder we cannot write only costs the
build. The cache is as trusted as the program's other files in the user's data folder.
"""
import hashlib
import json
import logging
import marshal
import os
import sqlite3
import sys

import peewee

log = logging.getLogger(__name__)

FILE_NAME = "schema-reference.json"


def _models_code_digest(folder=None):
    """(the package's modules and those of its sub-packages: the tables are in tables/)"""
    folder = folder or os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.sha256()
    names = [] if getattr(sys, "frozen", False) else sorted(
        os.path.relpath(os.path.join(root, n), folder)
        for root, _, files in os.walk(folder) for n in files if n.endswith(".py"))
    if not names:                          # frozen: the bytecode is inside the executable
        st = os.stat(sys.executable)
        digest.update(f"{sys.executable}|{st.st_size}|{st.st_mtime_ns}".encode())
        return digest.hexdigest()
    for name in names:
        digest.update(name.encode())
        with open(os.path.join(folder, name), "rb") as fh:
            digest.update(fh.read())
    return digest.hexdigest()


_code_digest = []       # this process's _models_code_digest() (its files do not change)


def key_for(steps):
    """What the reference built by ``steps`` [(number, function)] depends on."""
    from .db import SCHEMA_VERSION
    if not _code_digest:
        _code_digest.append(_models_code_digest())
    digest = hashlib.sha256()
    digest.update(f"{SCHEMA_VERSION}|{peewee.__version__}|{sqlite3.sqlite_version}|"
                  f"{_code_digest[0]}".encode())
    for number, fn in steps:
        digest.update(f"|{number}|{fn.__module__}.{fn.__qualname__}|".encode())
        digest.update(marshal.dumps(fn.__code__))
    return digest.hexdigest()


def _path():
    from . import paths
    return os.path.join(paths.data_dir(), FILE_NAME)


def load(steps):
    """The stored reference for ``steps``, or None."""
    try:
        with open(_path(), encoding="utf-8") as fh:
            stored = json.load(fh)
        if stored.get("key") != key_for(steps):
            return None
        return from_json(stored["reference"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


def save(steps, reference):
    """Store ``reference`` (best effort) and return it."""
    _write({"key": key_for(steps), "reference": reference})
    return reference


def _write(stored):
    from .fileops import remove_quietly, temp_prefix
    path = _path()
    tmp = os.path.join(os.path.dirname(path), f"{temp_prefix()}{FILE_NAME}")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(stored, fh, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError as exc:
        log.info("schema reference not cached: %s", exc)
        remove_quietly(tmp)


# Files found equal to the reference, by the digest of their schema as SQLite stores it
# (``schema_check.schema_mark``): a file opened again with the same schema is not described
# again (~0.1 s of PRAGMAs and parsing per start of a large commune's file, before the first
# page can read). Kept with the reference, so another key forgets them too.
MATCHED_KEPT = 16


def load_matched(steps):
    """The schema marks stored with the reference for ``steps`` (empty when none)."""
    try:
        with open(_path(), encoding="utf-8") as fh:
            stored = json.load(fh)
        return _marks(stored) if stored.get("key") == key_for(steps) else []
    except (OSError, ValueError, TypeError, AttributeError):
        return []


def _marks(stored):
    marks = stored.get("matched", [])
    return [m for m in marks if isinstance(m, str)] if isinstance(marks, list) else []


def add_matched(steps, mark):
    """Store ``mark`` with the cached reference for ``steps`` (best effort: only beside a
    reference of the same key; the newest MATCHED_KEPT)."""
    try:
        with open(_path(), encoding="utf-8") as fh:
            stored = json.load(fh)
        if stored.get("key") != key_for(steps) or not isinstance(stored.get("reference"),
                                                                   dict):
            return
        matched = [m for m in _marks(stored) if m != mark]
    except (OSError, ValueError, TypeError, AttributeError):
        return
    stored["matched"] = (matched + [mark])[-MATCHED_KEPT:]
    _write(stored)


def from_json(data):
    """``schema_check.describe``'s shape back from JSON (lists → the tuples it compares)."""
    out = {}
    for name, (kind, detail) in data.items():
        if kind == "table":
            detail = {"columns": {c: tuple(v) for c, v in detail["columns"].items()},
                      "fks": [tuple(f) for f in detail["fks"]],
                      "indexes": [tuple(i[:4]) + (tuple(i[4]),) for i in detail["indexes"]],
                      "checks": [str(c) for c in detail["checks"]]}
        else:
            detail = tuple(detail)
        out[str(name)] = (str(kind), detail)
    return out
