"""Benchmark: a province of 100 large communes merged on PostgreSQL (issue 20, Scale).

    python tests/perf/bench_province.py [--quick] [--json]

The province database holds 100 communes of the large demo's size (2,000,000 households,
~8,400,000 awards). The first commune is a real file (the large demo, migrated on a copy,
given its official codes) read by ``reports/province_files.py`` and merged through the real
import (``province_files.import_files``); the other 99 are made on the server from the first
one's rows (``INSERT … SELECT``: new UUIDs from md5, a new commune code and name, family and
given names and birth years varied per commune), then ANALYZE. Measured:

(a) merging the large commune file again (the writing part: ``province.merge_rows``, which
    replaces the commune's rows in one transaction) against PostgreSQL's own COPY of the same
    tuples into the same tables (psycopg2 ``copy_expert`` of CSV written by the csv module;
    the commune's old rows deleted first, untimed, in that transaction, then rolled back),
    interleaved A B A B, median ratio, goal ≤ 3×;
(b) the province statistics of one year over every commune (``province_query.statistics``,
    what the window and ``main.py province statistics`` call), goal < 2 s, with the bare SQL
    GROUP BY it runs as its baseline;
(c) a person looked up across communes by an accent-folded part of the name
    (``province_query.lookup``), goal < 0.3 s; shown beside it: with a birth year, a family
    name alone ("nguyen", 6.5 % of the subjects) and two letters ("vu", as the clerk types).

The server is a private cluster (tests/pg_server.py) with a province server's memory
settings (shared_buffers 512 MB). Building 100 communes takes minutes:
``TDKT_BENCH_PROVINCE_DIR=FOLDER`` keeps the cluster there and reuses it on the next run.
``--quick``: 3 communes of the small demo, so a broken benchmark shows in CI.
"""
import csv
import io
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

GOAL_MERGE = 3.0
GOAL_STATS = 2.0
GOAL_LOOKUP = 0.3
DBNAME = "province"
CODE, PROVINCE = "18070", ("42", "Tỉnh Hà Tĩnh")
FIRST = ("Tân", "Kỳ", "Cẩm", "Thạch", "Hương", "Đức", "Vĩnh", "Xuân", "Thanh", "Hòa")
SECOND = ("Lập", "Sơn", "Phú", "Hà", "Long", "Bình", "An", "Thịnh", "Trung", "Lộc")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hằng", "Hiếu", "Hoa",
         "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Ngọc",
         "Phúc", "Quang", "Thảo", "Thủy", "Trang", "Tuấn", "Việt", "Yến")


# --------------------------------------------------------------------------- the server

def _server(folder):
    """A private cluster in ``folder``: started anew, or the one left there restarted."""
    from tests.pg_server import PgServer
    server = PgServer(folder)
    conf = os.path.join(server.data, "postgresql.auto.conf")
    if os.path.exists(conf):
        if os.geteuid() == 0:
            server._as_user = ["runuser", "-u", "nobody", "--"]
        with open(conf) as fh:
            ports = [line.split("=")[1].strip().strip("'") for line in fh
                     if line.startswith("port")]
        server.port = int(ports[-1])
        if server._run("pg_ctl", "-D", server.data, "status", check=False).returncode != 0:
            server.restart()
        return server
    server.start()
    for setting in ("shared_buffers = '512MB'", "maintenance_work_mem = '512MB'",
                    "max_wal_size = '4GB'", "work_mem = '16MB'"):
        server.sql(f"ALTER SYSTEM SET {setting}")
    server.pause()
    server.restart()
    return server


def _connect(server, dbname=DBNAME):
    import psycopg2
    return psycopg2.connect(dbname=dbname, user="tdkt", host=server.folder, port=server.port)


# --------------------------------------------------------------------------- the commune file

def commune_file(size, folder):
    """A copy of the demo database of ``size`` with the commune's official codes (opening it
    runs the program's migrations on the copy)."""
    from models import db as dbmod
    from models import settings
    from tests.perf.common import demo_db
    path = os.path.join(folder, f"xa-{CODE}.sqlite3")
    shutil.copyfile(demo_db(size), path)
    dbmod.open_database(path)
    try:
        with dbmod.db.atomic():
            for key, value in (("commune_code", CODE), ("commune_name", "Xã Tân Lập"),
                               ("province_code", PROVINCE[0]),
                               ("province_name", PROVINCE[1])):
                settings._store(key, value)
    finally:
        dbmod.close_database()
    return path


# --------------------------------------------------------------------------- 99 more communes

def _array(values):
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _vary_functions(cur):
    """pg_temp.vary(name, seed, n): family name and given name rotated per commune n (a
    one-word name keeps its word), the same for the folded key with the folded lists."""
    from models import vntext
    for fname, fam, given in (("vary", FAMILY, GIVEN),
                              ("vary_key", [vntext.fold(f) for f in FAMILY],
                               [vntext.fold(g) for g in GIVEN])):
        cur.execute(f"""
            CREATE FUNCTION pg_temp.{fname}(name text, seed text, n int) RETURNS text AS $$
              SELECT CASE WHEN position(' ' IN name) = 0 THEN name ELSE
                ({_array(fam)})[1 + abs(hashtext(seed) + n) % {len(fam)}]
                || substr(regexp_replace(name, ' [^ ]*$', ''), position(' ' IN name))
                || ' ' || ({_array(given)})[1 + abs(hashtext(seed) / 7 + 3 * n) % {len(given)}]
              END $$ LANGUAGE sql IMMUTABLE""")


def generate_communes(conn, first_id, count):
    """Communes 2..count made from commune ``first_id``'s rows in one transaction: new UUIDs
    (md5 of the old one and n), codes and names; persons' and households' names and birth
    years varied. Secondary indexes are dropped and rebuilt around the bulk insert."""
    names = [f"Xã {a} {b}" for a in FIRST for b in SECOND]
    tables = ("prov_subject", "prov_award", "prov_proposal", "prov_award_count")
    new_uuid = "md5({col} || '/' || n)::uuid::text"
    with conn, conn.cursor() as cur:
        _vary_functions(cur)
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                    "AND indexname NOT LIKE '%%_pkey'", (list(tables),))
        indexes = cur.fetchall()
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("CREATE TEMP TABLE gen (n int PRIMARY KEY, commune_id int)")
        for n in range(2, count + 1):
            cur.execute(
                "INSERT INTO prov_commune (commune_code, name, province_code, province_name,"
                " unit_uuid, source, file_name, file_sha256, file_time, file_year,"
                " subjects, awards, proposals, imported_at, imported_by)"
                " SELECT %s, %s, province_code, province_name, md5(unit_uuid || '/' || %s)"
                "::uuid::text, source, %s, md5(file_sha256 || %s) || md5(%s || file_sha256),"
                " file_time, file_year, subjects, awards, proposals, imported_at, imported_by"
                " FROM prov_commune WHERE id = %s RETURNING id",
                (str(int(CODE) + n), names[(n - 1) % len(names)]
                 + ("" if n <= len(names) else f" {n // len(names) + 1}"), n,
                 f"xa-{int(CODE) + n}.sqlite3", str(n), str(n), first_id))
            cur.execute("INSERT INTO gen VALUES (%s, %s)", (n, cur.fetchone()[0]))
        varied = "CASE WHEN s.kind = 'unit' THEN s.{c} ELSE pg_temp.{f}(s.{c}, s.uuid, n) END"
        cur.execute(f"""
            INSERT INTO prov_subject (uuid, commune_id, kind, name, name_key, position,
                                      gender, birth_year, unit_name)
            SELECT {new_uuid.format(col='s.uuid')}, g.commune_id, s.kind,
                   {varied.format(c='name', f='vary')}, {varied.format(c='name_key',
                                                                       f='vary_key')},
                   s.position, s.gender,
                   CASE WHEN s.kind = 'unit' THEN s.birth_year
                        ELSE s.birth_year + abs(hashtext(s.uuid) + n) %% 9 - 4 END,
                   s.unit_name
            FROM prov_subject s CROSS JOIN gen g WHERE s.commune_id = %s""", (first_id,))
        cur.execute(f"""
            INSERT INTO prov_award (uuid, commune_id, subject_uuid, kind, name, stat_group,
                                    method, title_code, title_name, title_kind, year,
                                    decision_uuid, decision_number, decision_date, issuer,
                                    amount)
            SELECT {new_uuid.format(col='a.uuid')}, g.commune_id,
                   {new_uuid.format(col='a.subject_uuid')}, a.kind,
                   CASE WHEN a.kind = 'unit' THEN a.name
                        ELSE pg_temp.vary(a.name, a.subject_uuid, n) END,
                   a.stat_group, a.method, a.title_code, a.title_name, a.title_kind, a.year,
                   CASE WHEN a.decision_uuid = '' THEN ''
                        ELSE {new_uuid.format(col='a.decision_uuid')} END,
                   a.decision_number, a.decision_date, a.issuer, a.amount
            FROM prov_award a CROSS JOIN gen g WHERE a.commune_id = %s""", (first_id,))
        cur.execute(f"""
            INSERT INTO prov_proposal (uuid, commune_id, file_uuid, file_number, year,
                                       title_code, title_name, subject_uuid, subject_kind,
                                       subject_name, votes_for, votes_against, vote_percent,
                                       passed, warnings, received_at)
            SELECT {new_uuid.format(col='p.uuid')}, g.commune_id,
                   CASE WHEN p.file_uuid = '' THEN ''
                        ELSE {new_uuid.format(col='p.file_uuid')} END, p.file_number, p.year,
                   p.title_code, p.title_name, {new_uuid.format(col='p.subject_uuid')},
                   p.subject_kind, CASE WHEN p.subject_kind = 'unit' THEN p.subject_name
                        ELSE pg_temp.vary(p.subject_name, p.subject_uuid, n) END,
                   p.votes_for, p.votes_against, p.vote_percent, p.passed, p.warnings,
                   p.received_at
            FROM prov_proposal p CROSS JOIN gen g WHERE p.commune_id = %s""", (first_id,))
        cur.execute("""
            INSERT INTO prov_award_count (commune_id, year, stat_group, method, title_name,
                                          title_kind, awards, amount)
            SELECT g.commune_id, c.year, c.stat_group, c.method, c.title_name, c.title_kind,
                   c.awards, c.amount
            FROM prov_award_count c CROSS JOIN gen g WHERE c.commune_id = %s""", (first_id,))
        for _name, sql in indexes:
            cur.execute(sql)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.autocommit = False


def build(server, path, communes, dbname=DBNAME, log=print):
    """The province database: the commune file merged by the real import, then communes
    2..``communes`` generated. Returns the figures of the build."""
    from models import accounts
    from models import db as dbmod
    from reports import province_files
    server.drop_database(dbname)
    url = server.create_database(dbname)
    dbmod.open_database(url)
    try:
        start = time.perf_counter()
        result = province_files.import_files([path], actor=accounts.batch_actor())[0]
        first = time.perf_counter() - start
        log(f"first commune imported in {first:.1f} s: {result['counts']}")
        first_id = result["commune"].id
    finally:
        dbmod.close_database()
    conn = _connect(server, dbname)
    try:
        start = time.perf_counter()
        generate_communes(conn, first_id, communes)
        rest = time.perf_counter() - start
        log(f"{communes - 1} communes generated in {rest:.0f} s")
    finally:
        conn.close()
    return {"import_first_s": first, "generate_s": rest}


def figures(server, dbname=DBNAME):
    """Row counts and sizes of the province database."""
    conn = _connect(server, dbname)
    try:
        with conn.cursor() as cur:
            out = {}
            for table in ("prov_commune", "prov_subject", "prov_award", "prov_proposal"):
                cur.execute(f"SELECT count(*) FROM {table}")
                out[table] = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM prov_subject WHERE kind = 'household'")
            out["households"] = cur.fetchone()[0]
            cur.execute("SELECT pg_database_size(current_database())")
            out["database_bytes"] = cur.fetchone()[0]
            return out
    finally:
        conn.close()


# --------------------------------------------------------------------------- (a) the merge

def copy_baseline(server, dbname, commune_id, rows):
    """PostgreSQL's own COPY of the same tuples into the same tables (the commune's old rows
    deleted first, untimed); rolled back. Returns the COPY seconds."""
    from models import province
    conn = _connect(server, dbname)
    try:
        with conn.cursor() as cur:
            for _key, model, _fields in reversed(province.TABLES):
                cur.execute(f'DELETE FROM "{model._meta.table_name}" WHERE commune_id = %s',
                            (commune_id,))
            start = time.perf_counter()
            for key, model, fields in province.TABLES:
                buf = io.StringIO()
                writer = csv.writer(buf)
                writer.writerows((commune_id, *("\\N" if v is None else v for v in r))
                                 for r in rows[key])
                buf.seek(0)
                columns = ", ".join(model._meta.fields[f].column_name
                                    for f in ("commune", *fields))
                cur.copy_expert(f'COPY "{model._meta.table_name}" ({columns}) FROM STDIN '
                                "WITH (FORMAT csv, NULL '\\N')", buf)
            elapsed = time.perf_counter() - start
        conn.rollback()
        return elapsed
    finally:
        conn.close()


def bench_merge(server, dbname, parsed, pairs):
    from models import db as dbmod
    from models import province
    from tests.perf.run import interleaved
    dbmod.open_database(server.url(dbname))
    try:
        commune_id = province.ProvCommune.get(
            province.ProvCommune.commune_code == CODE).id
        baseline = []

        def product():
            province.merge_rows(dbmod.db.obj, parsed["identity"], parsed["rows"])

        def bare():
            baseline.append(copy_baseline(server, dbname, commune_id, parsed["rows"]))
        # the baseline's own time is the COPY alone: time it inside, ratio on that
        times = []

        def timed_product():
            start = time.perf_counter()
            product()
            times.append(time.perf_counter() - start)
        interleaved(timed_product, bare, pairs=pairs)
        import statistics
        ratios = [a / b for a, b in zip(times, baseline)]
        return (statistics.median(ratios), statistics.median(times),
                statistics.median(baseline))
    finally:
        dbmod.close_database()


# --------------------------------------------------------------------------- (b), (c)

def busiest_year(server, dbname):
    conn = _connect(server, dbname)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT year FROM prov_award GROUP BY year ORDER BY count(*) DESC "
                        "LIMIT 1")
            return cur.fetchone()[0]
    finally:
        conn.close()


def stats_baseline(server, dbname, year):
    conn = _connect(server, dbname)
    try:
        with conn.cursor() as cur:
            start = time.perf_counter()
            cur.execute("SELECT commune_id, stat_group, method, title_name, title_kind, "
                        "count(id), sum(amount) FROM prov_award WHERE year = %s GROUP BY "
                        "commune_id, stat_group, method, title_name, title_kind", (year,))
            cur.fetchall()
            return time.perf_counter() - start
    finally:
        conn.close()


def bench_queries(server, dbname, repeat):
    from models import db as dbmod
    from models import province_query
    from tests.perf.run import best_of
    year = busiest_year(server, dbname)
    dbmod.open_database(server.url(dbname))
    try:
        stats = best_of(lambda: province_query.statistics(year), repeat)
        bare = min(stats_baseline(server, dbname, year) for _ in range(repeat))
        found = province_query.lookup("van hung")
        look = best_of(lambda: province_query.lookup("van hung"), repeat)
        look_year = best_of(lambda: province_query.lookup("thi hoa", birth_year=1980),
                            repeat)
        # shown beside the goal: a family name alone, and two letters as the clerk types
        look_family = best_of(lambda: province_query.lookup("nguyen"), repeat)
        look_two = best_of(lambda: province_query.lookup("vu"), repeat)
        return {"year": year, "stats": stats, "stats_sql": bare, "lookup": look,
                "lookup_year": look_year, "lookup_family": look_family,
                "lookup_two": look_two, "found": len(found)}
    finally:
        dbmod.close_database()


# --------------------------------------------------------------------------- run

def load():
    return os.getloadavg()[0]


def measure(server, dbname, *, size, communes, folder, pairs=3, repeat=3, log=print):
    """Build (or reuse) the province database ``dbname`` of ``communes`` communes of the demo
    of ``size`` on ``server`` and measure (a), (b), (c). Returns a dict of figures."""
    from reports import province_files
    path = commune_file(size, folder)
    start = time.perf_counter()
    parsed = province_files.read_commune_file(path)
    parse = time.perf_counter() - start
    made = figures(server, dbname) if server.sql(
        "SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)) else {}
    built = {}
    if made.get("prov_commune") != communes:
        built = build(server, path, communes, dbname, log)
        made = figures(server, dbname)
    log(f"province: {made}, built {built}")
    ratio, mine, bare = bench_merge(server, dbname, parsed, pairs)
    return {"parse_s": parse, "made": made, "built": built, "ratio": ratio, "merge_s": mine,
            "copy_s": bare, "rows": sum(len(v) for v in parsed["rows"].values()),
            **bench_queries(server, dbname, repeat)}


def results(m):
    from tests.perf.run import Result
    made = m["made"]
    size = (f"{made['prov_commune']} communes, {made['prov_subject']:,} subjects, "
            f"{made['prov_award']:,} awards, {made['database_bytes'] / 2**30:.2f} GiB")
    return [
        Result("province merge vs COPY", m["ratio"], "×", f"≤ {GOAL_MERGE:g}×",
               m["ratio"] <= GOAL_MERGE,
               f"{m['rows']:,} rows into {size}: {m['merge_s']:.2f} s vs COPY "
               f"{m['copy_s']:.2f} s; file read {m['parse_s']:.1f} s; load {load():.1f}"),
        Result("province statistics (one year)", m["stats"] * 1000, "ms",
               f"< {GOAL_STATS * 1000:g} ms", m["stats"] < GOAL_STATS,
               f"year {m['year']}; bare GROUP BY {m['stats_sql'] * 1000:.0f} ms; "
               f"load {load():.1f}"),
        Result("province person look-up", m["lookup"] * 1000, "ms",
               f"< {GOAL_LOOKUP * 1000:g} ms", m["lookup"] < GOAL_LOOKUP,
               f"'van hung': {m['found']} found; with birth year "
               f"{m['lookup_year'] * 1000:.0f} ms; 'nguyen' {m['lookup_family'] * 1000:.0f} "
               f"ms; 'vu' {m['lookup_two'] * 1000:.0f} ms; load {load():.1f}"),
    ]


def run(quick=False, log=None):
    from tests.perf.run import Result
    from tests.pg_server import available
    log = log or (lambda *a: print(*a, file=sys.stderr, flush=True))
    why = available()
    if why:
        return [Result("province merge vs COPY", 0, "×", f"≤ {GOAL_MERGE:g}×", False, why)]
    scratch = tempfile.mkdtemp(prefix="tdkt-bench-prov-")
    os.environ.setdefault("TDKT_DATA_DIR", scratch)
    keep = os.environ.get("TDKT_BENCH_PROVINCE_DIR") if not quick else None
    server = _server(keep or os.path.join(scratch, "pg"))
    try:
        return results(measure(server, DBNAME, size="small" if quick else "large",
                               communes=3 if quick else 100, folder=scratch,
                               pairs=2 if quick else 3, repeat=2 if quick else 3, log=log))
    finally:
        if keep:
            server.pause()
        else:
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)     # the commune file copy (kept cluster apart)


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
