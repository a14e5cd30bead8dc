"""The real registrations export (Báo cáo → Xuất Excel → Danh sách đăng ký thi đua, one
year) on the demo database, against a bare openpyxl write-only of the same cells read by
sqlite3.

    python tests/perf/bench_registrations_export.py [--quick] [--db large]

Product: ``reports.exports.export(kind="registrations", year=…)`` as the page calls it —
the joined registrations with their titles read from the database, sorted in the
document's order (kind, place, Vietnamese name order), formatted (issuer, headings, widths,
A4 landscape, date cells, footer) and written safely (temporary file, fsync, rename).
Baseline: ``sqlite3`` runs the SELECTs the product ran (caught with sqlite3's trace
callback, each kind once) and fetches every row, then ``openpyxl.Workbook(write_only=True)``
appends the cells of the product's file (read back from it before the clock starts:
the same strings, numbers and dates) and saves. Goal ≤ 1.3× (issue 15; 1.35× measured
before). Interleaved runs, the median of the per-pair ratios.
"""
import os
import sqlite3
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

GOAL = 1.3


def busiest_year(conn):
    return conn.execute("SELECT year FROM registration GROUP BY year "
                        "ORDER BY count(*) DESC, year DESC LIMIT 1").fetchone()[0]


def cells_of(path):
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return rows


def bare(db_path, statements, cells, out):
    from openpyxl import Workbook
    conn = sqlite3.connect(db_path)
    fetched = sum(len(conn.execute(sql).fetchall()) for sql in statements)
    conn.close()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Đăng ký thi đua")
    for row in cells:
        ws.append(row)
    wb.save(out)
    return fetched


def run(quick=False):
    from models import db as dbmod
    from reports import exports
    from tests.perf.common import db_label, demo_db, distinct_selects, temp_folder
    from tests.perf.run import Result, interleaved, pairs_for
    path = demo_db("small" if quick else "large")
    dbmod.open_database(path)
    try:
        year = busiest_year(dbmod.db.connection())
        folder = temp_folder("tdkt-regexport-")
        out, base_out = os.path.join(folder, "dang-ky.xlsx"), os.path.join(folder, "bare.xlsx")
        seen = []
        dbmod.db.connection().set_trace_callback(seen.append)
        try:
            exports.export(kind="registrations", path=out, year=year)     # warm-up
        finally:
            dbmod.db.connection().set_trace_callback(None)
        statements = distinct_selects(seen)
        cells = cells_of(out)
        regs = dbmod.db.execute_sql("SELECT count(*) FROM registration WHERE year = ?",
                                    (year,)).fetchone()[0]
        assert regs and len(cells) > regs, (len(cells), regs)
        ratio, prod, base = interleaved(
            lambda: exports.export(kind="registrations", path=out, year=year),
            lambda: bare(path, statements, cells, base_out), pairs=pairs_for(quick, 5))
    finally:
        dbmod.close_database()
    return [Result(f"registrations export ({regs:,} of {year}, {db_label(path)} db)", ratio,
                   "×", f"≤ {GOAL}×", ratio <= GOAL,
                   f"product {prod:.2f} s, bare sqlite3 ({len(statements)} SELECTs) + "
                   f"openpyxl write-only {base:.2f} s; per row {prod / regs * 1e6:.0f} µs")]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
