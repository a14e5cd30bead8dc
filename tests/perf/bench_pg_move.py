"""Benchmark: moving a commune's SQLite file onto a PostgreSQL server vs PostgreSQL's own COPY.

    python tests/perf/bench_pg_move.py [--quick]

The product path is ``models.db_copy.move_file_to_server``: verify the file (integrity,
schema, links, values), then in one transaction copy every row of every table with its ids
(guards switched off and on, self-links set after their table, sequences moved past the
ids), and compare the row counts of every table. The baseline moves the same rows with
``COPY … FROM STDIN`` (CSV built from the same SQLite rows), the fastest path the server
has, into an identical empty database. Each run starts from a fresh copy of the migrated
template; product and baseline runs alternate. The server is a private cluster
(tests/pg_server.py). Goal ≤ 3×. (The province merge of many communes is not built yet.)
"""
import csv
import io
import os
import sqlite3
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

GOAL = 3.0


def _copy_baseline(url, path, models):
    """Every table's rows from the SQLite file through COPY, in one transaction."""
    import psycopg2
    conn = psycopg2.connect(url)
    src = sqlite3.connect(path)
    try:
        with conn, conn.cursor() as cur:
            for model in reversed(models):
                cur.execute(f'DELETE FROM "{model._meta.table_name}"')
            cur.execute("SET session_replication_role = replica")   # triggers and links off
            for model in models:
                table = model._meta.table_name
                cols = [f.column_name for f in model._meta.sorted_fields]
                bools = {i for i, f in enumerate(model._meta.sorted_fields)
                         if f.field_type == "BOOL"}
                buf = io.StringIO()
                writer = csv.writer(buf)
                for row in src.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)}'
                                       f' FROM "{table}"'):
                    writer.writerow(["\\N" if v is None else
                                     ("t" if v else "f") if i in bools else v
                                     for i, v in enumerate(row)])
                buf.seek(0)
                cur.copy_expert(f'COPY "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)})'
                                " FROM STDIN WITH (FORMAT csv, NULL '\\N')", buf)
    finally:
        src.close()
        conn.close()


def run(quick=False):
    from tests.perf.run import Result
    from tests.perf.common import demo_db
    from tests.pg_server import TEMPLATE, available, start_session_server
    why = available()
    if why:
        return [Result("pg move (file → server)", 0, "×", f"≤ {GOAL:g}×", False, why)]
    path = demo_db("small" if quick else "large")
    os.environ.setdefault("TDKT_DATA_DIR", tempfile.mkdtemp(prefix="tdkt-bench-pg-"))
    server = start_session_server()
    try:
        from models import db as dbmod
        from models import db_copy
        models = db_copy._models()
        rows = sum(sqlite3.connect(path).execute(
            f'SELECT count(*) FROM "{m._meta.table_name}"').fetchone()[0] for m in models)
        mine, bare = [], []
        for _ in range(2 if quick else 3):
            url = server.create_database(template=TEMPLATE)
            start = time.perf_counter()
            _copy_baseline(url, path, models)
            bare.append(time.perf_counter() - start)
            url = server.create_database(template=TEMPLATE)
            dbmod.open_database(url)
            start = time.perf_counter()
            db_copy.move_file_to_server(path)
            mine.append(time.perf_counter() - start)
            dbmod.close_database()
        ratio = min(mine) / min(bare)
        return [Result("pg move (file → server)", ratio, "×", f"≤ {GOAL:g}×", ratio <= GOAL,
                       f"{rows} rows: {min(mine):.2f} s vs COPY {min(bare):.2f} s")]
    finally:
        server.stop()


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
