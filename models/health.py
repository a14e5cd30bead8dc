"""Whole-database checks for the `check` command and the start-up check."""
from .db import SCHEMA_VERSION, APPLICATION_ID, db
from .entities import ALL_MODELS


def full_check():
    """A list of Vietnamese problem descriptions; empty when all is well."""
    from .db import is_server
    if is_server():
        return _server_check()
    problems = []
    conn = db.connection()
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        problems.append("tệp bị hỏng: " + "; ".join(rows[:5]))
    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    if fk:
        problems.append(f"{len(fk)} liên kết trỏ tới bản ghi không còn (bảng {fk[0][0]})")
    if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        problems.append("phiên bản cấu trúc không khớp")
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        problems.append("không phải tệp dữ liệu của phần mềm")
    existing = set(db.get_tables())
    missing = [m._meta.table_name for m in ALL_MODELS if m._meta.table_name not in existing]
    if missing:
        problems.append("thiếu bảng: " + ", ".join(missing))
    for model in ALL_MODELS:
        if model._meta.table_name in missing:
            continue
        columns = {c.name for c in db.get_columns(model._meta.table_name)}
        lacking = [f.column_name for f in model._meta.sorted_fields if f.column_name not in columns]
        if lacking:
            problems.append(f"bảng {model._meta.table_name} thiếu cột: {', '.join(lacking)}")
    return problems + _guards_and_chain(missing)


def _guards_and_chain(missing):
    problems = []
    if not missing:
        from . import audit_log, guards
        absent = guards.missing_triggers(db)
        if absent:
            problems.append("thiếu hoặc bị sửa bộ bảo vệ dữ liệu: " + ", ".join(absent))
        chain = audit_log.verify_chain()
        if not chain.ok:
            problems.append(chain.describe())
    return problems


def _server_check():
    """full_check on a PostgreSQL server: identity, version, schema by name, guards and
    chain (the server checks its own pages and links)."""
    from . import db_pg, schema_check
    problems = []
    identity = db_pg.read_identity(db.obj)
    if identity is None or identity[0] != APPLICATION_ID:
        return ["không phải cơ sở dữ liệu của phần mềm"]
    if identity[1] != SCHEMA_VERSION:
        problems.append("phiên bản cấu trúc không khớp")
    problems += schema_check.server_problems(db.obj)
    return problems + _guards_and_chain([])


def quick_check_file(path, *, full=False):
    """PRAGMA quick_check (``full``: integrity_check), foreign_key_check and the value rules
    on its own read-only connection (safe from any thread).

    Returns None when the file is fine, otherwise SQLite's description of the damage.
    """
    import sqlite3
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            pragma = "integrity_check" if full else "quick_check"
            result = conn.execute(f"PRAGMA {pragma}").fetchone()[0]
            if result == "ok":      # then the links and values the start-up open skipped
                from .schema_check import value_problems
                result = "; ".join(value_problems(conn)) or "ok"
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc)
    return None if result == "ok" else result
