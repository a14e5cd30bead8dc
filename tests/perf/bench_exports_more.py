"""The exports of "Báo cáo" not benched elsewhere — annual report, statistics forms
(biểu 0601.N, 0603.N), scores, fund ledger — each against a bare sqlite3 + openpyxl
write-only of the same cells.

    python tests/perf/bench_exports_more.py [--quick] [--db large]

Product: the function the page and ``main.py export KIND`` call, on the demo database, for
the year that export is about (the newest year with data). Baseline: ``sqlite3`` runs the
SELECTs the product ran (sqlite3's trace callback, each kind of statement once) and fetches
every row, then ``openpyxl.Workbook(write_only=True)`` appends the cells of every sheet of
the product's file (read back before the clock starts: the same strings, numbers, dates)
and saves. These workbooks are small forms: the product's fixed cost (styles, merged
headings, print set-up, formulas) weighs more than in a 20,000-row list, hence the goal
≤ 2× (the registrations export, a long list, has ≤ 1.3×). Interleaved runs, the median
of the per-pair ratios.
"""
import os
import sqlite3
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

GOAL = 2.0


def sheets_of(path):
    """[(sheet title, [row values])] of every sheet of an xlsx file."""
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True)
    out = [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)])
           for ws in wb.worksheets]
    wb.close()
    return out


def bare(db_path, statements, sheets, out):
    """The floor of an export: its SELECTs through sqlite3, its cells through openpyxl
    write-only."""
    from openpyxl import Workbook
    conn = sqlite3.connect(db_path)
    fetched = 0
    for sql in statements:
        try:
            fetched += len(conn.execute(sql).fetchall())
        except sqlite3.Error:        # a statement with a temp table of the product's own
            pass
    conn.close()
    wb = Workbook(write_only=True)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(out)
    return fetched


def traced(conn, fn):
    """Run ``fn()`` recording the SQL it sends; returns the distinct SELECTs."""
    from tests.perf.common import distinct_selects
    seen = []
    conn.set_trace_callback(seen.append)
    try:
        fn()
    finally:
        conn.set_trace_callback(None)
    return [s for s in distinct_selects(seen) if s.lstrip().upper().startswith(("SELECT",
                                                                               "WITH"))]


def compare(name, path, product, out, *, pairs, goal=GOAL):
    """Result of ``product()`` (writes ``out``) against the bare floor of the same file."""
    from models import db as dbmod
    from tests.perf.common import db_label
    from tests.perf.run import Result, interleaved
    statements = traced(dbmod.db.connection(), product)         # also the warm-up
    sheets = sheets_of(out)
    cells = sum(len(r) for _, rows in sheets for r in rows)
    base_out = out + ".bare.xlsx"
    ratio, prod, base = interleaved(product, lambda: bare(path, statements, sheets, base_out),
                                    pairs=pairs)
    return Result(f"{name} ({db_label(path)} db)", ratio, "×", f"≤ {goal:g}×", ratio <= goal,
                  f"product {prod:.2f} s, bare sqlite3 ({len(statements)} SELECTs) + "
                  f"openpyxl write-only {base:.2f} s; {len(sheets)} sheets, {cells:,} cells")


def jobs(folder):
    """(name, product callable, output path) of each export."""
    from models import fund, statistics, statistics_forms
    from reports import exports
    from reports.fund_xlsx import export_fund_xlsx
    from reports.statistics_report import export_statistics
    year = statistics.latest_year()
    stat_year = statistics_forms.default_year()
    fund_years = fund.years()
    fund_year = max(fund_years) if fund_years else year
    out = {k: os.path.join(folder, f"{k}.xlsx") for k in ("annual", "stat", "scores", "fund")}
    return [
        (f"export annual report {year}", lambda: exports.export(
            kind="annual", path=out["annual"], year=year), out["annual"]),
        (f"export statistics forms {stat_year}", lambda: export_statistics(
            path=out["stat"], year=stat_year), out["stat"]),
        ("export scores (newest year)", lambda: exports.export(
            kind="scores", path=out["scores"]), out["scores"]),
        (f"export fund report {fund_year}", lambda: export_fund_xlsx(
            out["fund"], year=fund_year), out["fund"]),
    ]


def run(quick=False):
    from models import db as dbmod
    from tests.perf.common import demo_db, temp_folder
    from tests.perf.run import pairs_for
    path = demo_db("small" if quick else "large")
    dbmod.open_database(path)
    folder = temp_folder("tdkt-exports-")
    results = []
    try:
        for name, product, out in jobs(folder):
            results.append(compare(name, path, product, out, pairs=pairs_for(quick, 5)))
    finally:
        dbmod.close_database()
    return results


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
