"""Is this file exactly what this version creates? Schema, links and values of a database file.

A restore, a backup and every opened file are compared with a reference: a fresh database
built in memory by the real migrations (so a trigger a migration adds counts as ours and
one planted in a backup on a USB stick does not). Compared: every table (columns with
type, NOT NULL and primary key; foreign keys; CHECK constraints), every index, every
trigger and view (by its SQL). Then ``PRAGMA foreign_key_check`` and value rules (states in
their allowed sets, money a non-negative whole number of đồng).
"""
import hashlib
import re
import sqlite3
import threading

import peewee

from . import reference_cache
from .errors import DamagedDatabase

_lock = threading.Lock()
_cache = {}

# (table, SQL condition a row must NOT meet, Vietnamese description). Only values whose
# forgery matters (decision and sheet states, roles, money); the sets are those documented
# in entities.py — a new state added there must be added here too.
VALUE_RULES = (
    ("decision", "state NOT IN ('draft','issued','corrected','revoked')", "trạng thái quyết định"),
    ("decision", "kind NOT IN ('award','amend','revoke')", "loại quyết định"),
    ("decision", "typeof(total) != 'integer' OR total < 0", "tổng tiền quyết định"),
    ("decision", "typeof(year) != 'integer'", "năm quyết định"),
    ("award", "typeof(amount) != 'integer' OR amount < 0", "số tiền khen thưởng"),
    ("registration", "typeof(year) != 'integer'", "năm đăng ký"),
    ("base_salary", "typeof(amount) != 'integer' OR amount <= 0", "mức lương cơ sở"),
    ("registration", "state NOT IN ('draft','submitted','accepted','returned')",
     "trạng thái đăng ký"),
    ("score_sheet", "state NOT IN ('draft','submitted','checked','finalised')",
     "trạng thái phiếu chấm"),
    ("user", "role NOT IN ('viewer','clerk','leader')", "vai trò tài khoản"),
    ("public_comment", "state NOT IN ('open','resolved')", "trạng thái ý kiến phản ánh"),
    ("public_comment", "state = 'resolved' AND trim(resolution) = ''",
     "ý kiến đã giải quyết mà không ghi cách giải quyết"),
    ("upward_file", "state NOT IN ('draft','exported')", "trạng thái hồ sơ đề nghị cấp trên"),
    ("upward_file", "typeof(year) != 'integer'", "năm của hồ sơ đề nghị cấp trên"),
    ("doc_template", "kind NOT IN ('decision','minutes','proposal')", "loại mẫu Word"),
    # issue 19: exemplary models, reviews, deadlines
    ("exemplary_model", "stage NOT IN ('discovered','nurtured','summarised','replicated')",
     "giai đoạn mô hình điển hình"),
    ("exemplary_model", "kind NOT IN ('person','unit','household','practice')",
     "loại mô hình điển hình"),
    ("model_stage", "stage NOT IN ('discovered','nurtured','summarised')",
     "giai đoạn mô hình điển hình"),
    ("review", "state NOT IN ('drafted','sent')", "trạng thái báo cáo"),
    ("review", "kind NOT IN ('so_ket','tong_ket','giai_doan')", "loại báo cáo"),
    ("plan_deadline", "kind NOT IN ('registration','report','other')", "loại mốc thời gian"),
    # issue 18
    ("award_occasion", "method NOT IN ('sudden','themed')", "loại khen thưởng"),
    ("initiative", "state NOT IN ('pending','recognised','rejected')", "trạng thái sáng kiến"),
    ("initiative", "scope NOT IN ('base','province','nation')", "phạm vi sáng kiến"),
    ("discipline", "form NOT IN ('khien_trach','canh_cao','ha_bac_luong','giang_chuc',"
     "'cach_chuc','bai_nhiem','buoc_thoi_viec','giai_tan')", "hình thức kỷ luật"),
    # issue 18: the reward-fund ledger and the blank stock
    ("fund_entry", "direction NOT IN ('receipt','payment')", "chiều thu/chi của sổ quỹ"),
    ("fund_entry", "kind NOT IN ('budget','contribution','recovery','other_in','decision',"
     "'other_out')", "loại thu/chi của sổ quỹ"),
    ("fund_entry", "typeof(amount) != 'integer' OR amount <= 0", "số tiền của sổ quỹ"),
    ("fund_entry", "typeof(year) != 'integer'", "năm của sổ quỹ"),
    ("blank_move", "move NOT IN ('receipt','spoiled')", "loại nhập/hỏng phôi"),
    ("blank_move", "stage NOT IN ('','print','stock')", "nơi phôi hỏng"),
    ("blank_move", "typeof(quantity) != 'integer' OR quantity <= 0", "số tờ phôi"),
    # issue 20: the province's merge (small tables only: the award rows are checked on import)
    ("prov_commune", "source NOT IN ('upward','backup')", "loại tệp xã gửi"),
    ("prov_proposal", "subject_kind NOT IN ('person','unit','household')",
     "loại đối tượng được đề nghị"),
)


def _norm_sql(sql):
    return " ".join((sql or "").split())


def _checks(sql):
    """The CHECK (...) expressions of a CREATE TABLE statement, whitespace-normalised."""
    out = []
    for m in re.finditer(r"\bCHECK\s*\(", sql or "", re.IGNORECASE):
        depth, i = 1, m.end()
        while i < len(sql) and depth:
            depth += {"(": 1, ")": -1}.get(sql[i], 0)
            i += 1
        out.append(_norm_sql(sql[m.end():i - 1]).lower())
    return sorted(out)


def describe(conn):
    """{name: (type, details)} for every object of the schema (SQLite's own ones left out)."""
    objects = {}
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    for kind, name, table, sql in rows:
        if name.startswith("sqlite_"):
            continue               # autoindexes (compared per table), sqlite_sequence, stats
        if kind == "table":
            detail = _describe_table(conn, name, sql)
        else:
            detail = (table, _norm_sql(sql))
        objects[name] = (kind, detail)
    return objects


def _describe_table(conn, name, sql):
    quoted = '"' + name.replace('"', '""') + '"'
    columns = {r[1]: ((r[2] or "").upper(), r[3], r[5], r[6])
               for r in conn.execute(f"PRAGMA table_xinfo({quoted})")}
    fks = sorted((r[2], r[3], r[4] or "", r[5], r[6])
                 for r in conn.execute(f"PRAGMA foreign_key_list({quoted})"))
    indexes = []
    for r in conn.execute(f"PRAGMA index_list({quoted})"):
        iname = r[1]
        cols = tuple(c[2] for c in conn.execute(
            "PRAGMA index_info(\"" + iname.replace('"', '""') + "\")"))
        shown = "" if iname.startswith("sqlite_autoindex_") else iname
        indexes.append((shown, r[2], r[3], r[4], cols))
    return {"columns": columns, "fks": fks, "indexes": sorted(indexes), "checks": _checks(sql)}


def _steps():
    from . import db as dbmod
    from . import migrations
    steps = tuple(sorted((n, fn) for n, fn in migrations.STEPS.items()
                         if n <= dbmod.SCHEMA_VERSION))
    return steps, (dbmod.SCHEMA_VERSION, tuple((n, id(fn)) for n, fn in steps))


def reference():
    """The schema this version creates: built in memory by the real migrations once per
    process — or read from the data folder's cache of the last build by this same code
    (``reference_cache``), which saves a start-up ~0.3 s of peewee generating DDL."""
    steps, key = _steps()
    with _lock:
        if key not in _cache:
            _cache[key] = reference_cache.load(steps) or reference_cache.save(
                steps, _build(steps))
        return _cache[key]


_matched = {}       # reference key → schema marks found equal to it (reference_cache)


def schema_mark(conn, partial=False):
    """A digest of the schema as SQLite stores it: ``describe`` reads nothing but
    sqlite_master and the PRAGMAs SQLite derives from its SQL, so two files with the same
    mark have the same description (any object added, dropped or edited changes it)."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    text = repr((bool(partial), sqlite3.sqlite_version, sorted(rows, key=repr)))
    return hashlib.sha256(text.encode()).hexdigest()


def _matched_marks():
    steps, key = _steps()
    with _lock:
        if key not in _matched:
            _matched[key] = set(reference_cache.load_matched(steps))
        return steps, _matched[key]


def _build(steps):
    from . import entities
    mem = peewee.SqliteDatabase(":memory:", pragmas={"foreign_keys": 1})
    with mem.bind_ctx(entities.ALL_MODELS):
        mem.connect()
        for _, step in steps:
            with mem.atomic():
                step(mem)
        built = describe(mem.connection())
        mem.close()
    return built


_KINDS = {"table": "bảng", "index": "chỉ mục", "trigger": "trigger", "view": "view"}


def schema_problems(conn, *, partial=False):
    """Vietnamese descriptions of every difference from the reference schema.

    ``partial`` (a file of an older version, before its migration): only objects that are
    not ours (triggers, views, tables replaced by views) count; what is missing the
    migration adds.
    """
    ref = reference()
    mark = schema_mark(conn, partial)
    steps, matched = _matched_marks()
    if mark in matched:
        return []                     # this schema was found equal to the reference before
    problems = _differences(ref, describe(conn), partial)
    if not problems:
        matched.add(mark)
        reference_cache.add_matched(steps, mark)
    return problems


def _differences(ref, found, partial):
    problems = []
    for name, (kind, detail) in sorted(found.items()):
        mine = ref.get(name)
        if mine is None:
            if partial and kind in ("table", "index"):
                continue
            problems.append(f"có {_KINDS.get(kind, kind)} lạ «{name}» không do phần mềm tạo")
        elif mine[0] != kind:
            problems.append(f"«{name}» là {_KINDS.get(kind, kind)}, đúng ra phải là "
                            f"{_KINDS.get(mine[0], mine[0])}")
        elif kind in ("trigger", "view") and mine[1] != detail:
            problems.append(f"{_KINDS[kind]} «{name}» đã bị sửa")
    if partial:
        return problems
    for name, (kind, detail) in sorted(ref.items()):
        have = found.get(name)
        if have is None:
            problems.append(f"thiếu {_KINDS.get(kind, kind)} «{name}»")
        elif have[0] != kind:
            continue                                  # reported above
        elif kind == "table":
            problems += _table_differences(name, detail, have[1])
        elif kind == "index" and have[1] != detail:
            problems.append(f"chỉ mục «{name}» đã bị sửa")
    return problems


def _table_differences(name, want, have):
    out = []
    for col, spec in sorted(want["columns"].items()):
        got = have["columns"].get(col)
        if got is None:
            out.append(f"bảng «{name}» thiếu cột «{col}»")
        elif got != spec:
            out.append(f"cột «{name}.{col}» sai kiểu hoặc ràng buộc")
    for col in sorted(set(have["columns"]) - set(want["columns"])):
        out.append(f"bảng «{name}» có cột lạ «{col}»")
    for what, label in (("fks", "liên kết khóa ngoại"), ("indexes", "chỉ mục"),
                        ("checks", "ràng buộc CHECK")):
        if want[what] != have[what]:
            out.append(f"bảng «{name}» sai {label}")
    return out


def value_problems(conn, *, links=True, tables=None):
    """Rows breaking the value rules (``tables``: of those tables only), and (``links``)
    dangling links: foreign_key_check reads every row of every child table (about 2 s on
    the large demo commune)."""
    problems = []
    fk = conn.execute("PRAGMA foreign_key_check").fetchall() if links else []
    if fk:
        tables = sorted({r[0] for r in fk})
        problems.append(f"{len(fk)} liên kết trỏ tới bản ghi không còn (bảng "
                        f"{', '.join(tables[:5])})")
    counts = _rule_counts(conn, tables)
    for rule in VALUE_RULES:
        table, _, label = rule
        if counts.get(rule):
            problems.append(f"{counts[rule]} dòng có {label} không hợp lệ (bảng {table})")
    return problems


def _rule_counts(conn, tables=None):
    """{rule: rows breaking it} of VALUE_RULES, one scan per table (the registrations' two
    rules were two scans of 108,000 rows at every open); a rule whose table or column is
    missing is left out (the schema check reports it)."""
    by_table = {}
    for rule in VALUE_RULES:
        if tables is None or rule[0] in tables:
            by_table.setdefault(rule[0], []).append(rule)
    counts = {}
    for table, rules in by_table.items():
        sums = ", ".join(f"COALESCE(SUM(CASE WHEN ({condition}) THEN 1 ELSE 0 END), 0)"
                         for _, condition, _ in rules)
        try:
            counts.update(zip(rules, conn.execute(f'SELECT {sums} FROM "{table}"').fetchone()))
            continue
        except sqlite3.Error:
            pass                                      # one rule at a time: skip what fails
        for rule in rules:
            try:
                counts[rule] = conn.execute(
                    f'SELECT count(*) FROM "{table}" WHERE {rule[1]}').fetchone()[0]
            except sqlite3.Error:
                continue
    return counts


def verify(conn, path, *, partial=False, values=True, links=True):
    """Raise DamagedDatabase naming what is wrong; the file itself is never changed here."""
    problems = schema_problems(conn, partial=partial)
    if values and not problems:
        problems = value_problems(conn, links=links)
    refuse(path, problems)


class ChecksBeside:
    """``verify()`` of the file at ``path`` on a read-only connection of its own, in a
    thread, while the caller's connection runs ``PRAGMA integrity_check`` on the same file.

    SQLite lets go of the GIL while it reads, so the two full reads of the file (the page
    check, and the links and values) overlap on a second core instead of following each
    other (issue 15: a restore or backup of the large demo, 2.8 s of checks → 2.1 s). The
    result is the same as checking one after the other: ``problems()`` is asked for only
    when the integrity check passed, and raises what the checks raised; ``cancel()``
    (damage found) interrupts the reading. ``partial_of(conn)`` tells whether the file is
    of an older version (``verify(partial=…)``).
    """

    def __init__(self, path, partial_of):
        self._lock = threading.Lock()
        self._conn = None
        self._cancelled = False
        self._problems, self._error = None, None
        self._thread = threading.Thread(target=self._run, args=(path, partial_of),
                                        name="schema-check", daemon=True)
        self._thread.start()

    def _run(self, path, partial_of):
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            with self._lock:
                self._conn = conn
            try:
                problems = [] if self._cancelled else schema_problems(
                    conn, partial=partial_of(conn))
                if not problems and not self._cancelled:
                    problems = value_problems(conn)
                self._problems = problems
            finally:
                with self._lock:
                    self._conn = None
                    conn.close()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by problems()
            self._error = exc

    def problems(self):
        """What ``verify`` would refuse the file for (a list, maybe empty); raises what the
        checks raised (sqlite3.Error on a damaged file)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._problems

    def cancel(self):
        """Stop reading (the integrity check found damage) and wait for the connection to
        close: the caller may delete the file next."""
        with self._lock:
            self._cancelled = True
            if self._conn is not None:
                self._conn.interrupt()
        self._thread.join()


def refuse(path, problems):
    """DamagedDatabase naming the first ``problems`` (schema or values), if any."""
    if problems:
        more = f" (và {len(problems) - 3} điểm khác)" if len(problems) > 3 else ""
        raise DamagedDatabase(
            f"Tệp {path} không đúng cấu trúc hoặc dữ liệu của phiên bản này: "
            f"{'; '.join(problems[:3])}{more}. Tệp có thể đã bị sửa bằng chương trình "
            "khác; phần mềm không dùng tệp này (tệp không bị thay đổi).")


# ------------------------------------------------------------------ PostgreSQL server
# On a server the comparison is by name: tables, columns, views, triggers (and the
# guards' function bodies). Column types, indexes and CHECKs are not compared there: the
# server enforces types itself, the same peewee DDL made them, and a second reference in
# PostgreSQL's own spelling would be a second schema to keep in step.

def _pg_condition(condition):
    """The rule without SQLite's typeof() (a server column's type is enforced), or None."""
    cond = re.sub(r"typeof\(\w+\) != 'integer'( OR )?", "", condition).strip()
    return cond or None


def server_problems(database, *, partial=False, values=True):
    from . import db_pg, guards
    want = {name: set(detail["columns"]) for name, (kind, detail) in reference().items()
            if kind == "table"}
    have = {}
    for table, column in database.execute_sql(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()").fetchall():
        have.setdefault(table, set()).add(column)
    have.pop(db_pg.SCHEMA_TABLE, None)
    views = {r[0] for r in database.execute_sql(
        "SELECT table_name FROM information_schema.views "
        "WHERE table_schema = current_schema()").fetchall()}
    problems = [f"có view lạ «{name}» không do phần mềm tạo" for name in sorted(views)]
    for name in sorted(set(have) - set(want) - views):
        if not partial:
            problems.append(f"có bảng lạ «{name}» không do phần mềm tạo")
    problems += [f"có trigger lạ «{name}» không do phần mềm tạo"
                 for name in guards.foreign_pg_triggers(database)]
    if partial:
        return problems
    for name, columns in sorted(want.items()):
        if name not in have:
            problems.append(f"thiếu bảng «{name}»")
            continue
        problems += [f"bảng «{name}» thiếu cột «{c}»" for c in sorted(columns - have[name])]
        problems += [f"bảng «{name}» có cột lạ «{c}»" for c in sorted(have[name] - columns)]
    problems += [f"trigger «{name}» bị thiếu hoặc đã bị sửa"
                 for name in guards.missing_triggers(database)]
    if values and not problems:
        for table, condition, label in VALUE_RULES:
            cond = _pg_condition(condition)
            if cond is None:
                continue
            count = database.execute_sql(
                f'SELECT count(*) FROM "{table}" WHERE {cond}').fetchone()[0]
            if count:
                problems.append(f"{count} dòng có {label} không hợp lệ (bảng {table})")
    return problems


def verify_server(database, *, partial=False, values=True):
    """verify() for a PostgreSQL database (by name; see above)."""
    from .db_pg import describe_url
    problems = server_problems(database, partial=partial, values=values)
    if problems:
        more = f" (và {len(problems) - 3} điểm khác)" if len(problems) > 3 else ""
        raise DamagedDatabase(
            f"Cơ sở dữ liệu {describe_url(database.url)} không đúng cấu trúc hoặc dữ liệu "
            f"của phiên bản này: {'; '.join(problems[:3])}{more}. Có thể đã bị sửa bằng "
            "chương trình khác; phần mềm không dùng cơ sở dữ liệu này.")
