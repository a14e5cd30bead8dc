"""The whole page "Đơn vị & cá nhân" opened on the demo database until every tab's table
is filled and painted, against a bare QTableView per table over a bare model filled by
sqlite3 with the same SELECTs.

    python tests/perf/bench_org_page.py [--quick] [--db large]

Product (a fresh process): the main window is up with "Tổng quan" filled (untimed), then
the clock runs from the click on "Đơn vị & cá nhân" (``MainWindow.go_to('org')``: the
page's module loaded, the unit tree, the people, the households, the initiatives and the
discipline tabs built and filled) until each tab has been shown and painted once.
Baseline (a fresh process, its window already up): ``sqlite3`` runs the SELECTs the page
ran (caught from the product with sqlite3's trace callback; each kind once: a query per
row counts once), each result goes into a minimal QAbstractTableModel (``str`` of each
value) under a QTableView in a QTabWidget, and each tab is shown and painted once.
Goal ≤ 2× (the product also sorts nothing, folds nothing: the name order and the folded
search keys come from SQL; what it adds is the unit tree's items, the row formatting and
its widgets). Interleaved runs, the median of the per-pair ratios.
"""
import os
import statistics
import sys

ROOT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT_DIR not in sys.path:        # run as a script: python tests/perf/bench_x.py
    sys.path.insert(0, ROOT_DIR)

from tests.perf.common import ROOT, db_label, demo_db, distinct_selects, run_child  # noqa: E402
from tests.perf.run import Result, pairs_for  # noqa: E402

GOAL = 2.0

PRODUCT = """
import json, os, sys, time
# the SQL is caught on the window's connection: that run reads inline (the timed runs read
# on the reading thread, as the window does)
os.environ["TDKT_GUI_INLINE"] = "1" if %(capture)r else "0"
sys.path.insert(0, %(root)r)
from gui.app import make_app, open_or_recover
from models.entities import User
app = make_app()
open_or_recover(%(db)r, quick_check=False)
from models.db import db
from gui.context import AppContext
from gui.main_window import MainWindow
try:
    from gui.background import busy
except ImportError:
    busy = lambda: 0
ctx = AppContext(User.get(User.username == 'bench'), %(db)r)
w = MainWindow(ctx); w.resize(1200, 760); w.show()
overview = w.widgets['overview']
while overview.year_map is None:
    app.processEvents()
overview.grab()
seen = []
if %(capture)r:
    db.connection().set_trace_callback(seen.append)
t0 = time.perf_counter()
page = w.go_to('org'); app.processEvents()
for i in range(page.tabs.count()):     # each tab shown, its rows read, and painted
    page.tabs.setCurrentIndex(i); app.processEvents()
    while busy():
        app.processEvents(); time.sleep(0.002)
    page.grab()
elapsed = time.perf_counter() - t0
rows = {"people": len(page.people.model.rows), "households": len(page.households.model.rows),
        "units": page.units.tree.topLevelItemCount()}
assert rows["households"] and rows["units"], rows
print(json.dumps({"s": elapsed, "rows": rows, "sql": seen}))
import os; os._exit(0)
"""

BARE = """
import json, sqlite3, time
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView, QTabWidget


class Model(QAbstractTableModel):
    def __init__(self, rows):
        super().__init__()
        self.rows, self.width = rows, (len(rows[0]) if rows else 0)

    def rowCount(self, parent=QModelIndex()):
        return len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return self.width

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.DisplayRole:
            value = self.rows[index.row()][index.column()]
            return "" if value is None else str(value)
        return None


app = QApplication([])
w = QMainWindow(); w.resize(1200, 760)
tabs = QTabWidget(); w.setCentralWidget(tabs); w.show(); app.processEvents()
t0 = time.perf_counter()
conn = sqlite3.connect(%(db)r)
views = []
for sql in %(statements)r:
    view = QTableView()
    view.setModel(Model(conn.execute(sql).fetchall()))
    tabs.addTab(view, str(len(views)))
    views.append(view)
for i in range(tabs.count()):
    tabs.setCurrentIndex(i); app.processEvents(); tabs.grab()
print(json.dumps({"s": time.perf_counter() - t0}))
import os; os._exit(0)
"""


def run(quick=False):
    path = demo_db("small" if quick else "large")
    first = run_child(PRODUCT % {"root": ROOT, "db": path, "capture": True})   # warm-up too
    statements = distinct_selects(first["sql"])
    assert any("household" in s for s in statements), statements
    ratios, prod, bare = [], [], []
    for _ in range(pairs_for(quick)):
        p = run_child(PRODUCT % {"root": ROOT, "db": path, "capture": False})
        b = run_child(BARE % {"db": path, "statements": statements})
        ratios.append(p["s"] / b["s"])
        prod.append(p["s"])
        bare.append(b["s"])
    ratio = statistics.median(ratios)
    rows = first["rows"]
    return [Result(f"page 'Đơn vị & cá nhân' open, all tabs filled ({db_label(path)} db)",
                   ratio, "×", f"≤ {GOAL:g}×", ratio <= GOAL,
                   f"{statistics.median(prod) * 1000:.0f} ms vs bare QTableViews over "
                   f"{len(statements)} SELECTs {statistics.median(bare) * 1000:.0f} ms; "
                   f"{rows['households']} households, {rows['people']} people, "
                   f"{len(first['sql'])} statements run")]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
