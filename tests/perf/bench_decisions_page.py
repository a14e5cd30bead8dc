"""Page "Bình xét & Quyết định" at ~20,000 candidates: from opening the page to the list on
screen, against its floor: sqlite3 reading the same joined rows and history (no Python work
per row) and a bare QTableView showing that many rows of plain text, painted once — a user
sees no row without a table, and on the small demo the SQL alone is ~10 ms, so a floor of
SQL only measured Qt's fixed cost of a window (ratios of 10–28×) rather than our work.
The SQL-only time is printed as well.

The product's GUI thread waits for events as ``app.exec()`` does until the list is shown
(as bench_startup: until stop 29 a loop of ``processEvents()`` and 2-ms sleeps, which took
the GIL from the reading thread 500 times a second and made single runs swing 1.46–2.08×).
Interleaved runs (product, floor, product, floor …; five pairs, three until stop 29); the
median of the per-pair ratios.
"""
import statistics

import os
import sys

ROOT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT_DIR not in sys.path:        # run as a script: python tests/perf/bench_x.py
    sys.path.insert(0, ROOT_DIR)

from tests.perf.common import ROOT, demo_db, run_child
from tests.perf.run import Result, pairs_for

FLOOR = """
import json, sqlite3, time
from PySide6.QtCore import QAbstractTableModel
from PySide6.QtWidgets import QApplication, QTableView
app = QApplication([])
t = time.perf_counter()
conn = sqlite3.connect(%(db)r)
year = conn.execute("SELECT year FROM candidate GROUP BY movement_id, year "
                    "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
rows = conn.execute(
    "SELECT c.id, c.unit_id, c.person_id, c.household_id, t.name, c.warnings, p.full_name, "
    "h.head_name, h.address, v.votes_for, v.percent, v.passed FROM candidate c "
    "JOIN title t ON t.id = c.title_id LEFT JOIN person p ON p.id = c.person_id "
    "LEFT JOIN household h ON h.id = c.household_id LEFT JOIN vote v ON v.candidate_id = c.id "
    "WHERE c.year = ? AND c.movement_id = (SELECT movement_id FROM candidate WHERE year = ? "
    "GROUP BY movement_id ORDER BY count(*) DESC LIMIT 1)", (year, year)).fetchall()
hist = conn.execute(
    "SELECT a.unit_id, a.person_id, a.household_id, coalesce(d.period_year, d.year), t.name "
    "FROM award a JOIN decision d ON d.id = a.decision_id JOIN title t ON t.id = a.title_id "
    "WHERE d.state = 'issued' AND t.kind = 'title'").fetchall()
sql = time.perf_counter() - t


class Bare(QAbstractTableModel):
    def rowCount(self, parent=None):
        return len(rows)

    def columnCount(self, parent=None):
        return 10

    def data(self, index, role=0):
        if role == 0:
            value = rows[index.row()][index.column()]
            return "" if value is None else str(value)
        return None
view = QTableView()
view.setModel(Bare())
view.resize(1366, 740)
view.show()
app.processEvents()
view.viewport().grab()
print(json.dumps({"s": time.perf_counter() - t, "sql": sql, "rows": len(rows)}))
"""

PRODUCT = """
import json, sys, time
sys.path.insert(0, %(root)r)
from gui.app import make_app
from models.db import open_database
from models.entities import Candidate, User
from peewee import fn
app = make_app()
open_database(%(db)r)
from gui.context import AppContext
from gui import background
from gui.pages.decisions import DecisionsPage
ctx = AppContext(User.get(User.username == 'bench'), 'x')
movement, year = (Candidate.select(Candidate.movement, Candidate.year)
                  .group_by(Candidate.movement, Candidate.year)
                  .order_by(fn.COUNT(Candidate.id).desc()).tuples().first())
t = time.perf_counter()
page = DecisionsPage(ctx); page.resize(1366, 740); page.show()
tab = page.candidates
tab.year.setValue(year)
for i in range(tab.movement.count()):
    if tab.movement.itemData(i).id == movement:
        tab.movement.setCurrentIndex(i)
from PySide6.QtCore import QEventLoop
while background.busy() or not tab.model.rows:
    app.processEvents(QEventLoop.WaitForMoreEvents)     # idle as in app.exec(), no spin
tab.view.viewport().grab()
print(json.dumps({"s": time.perf_counter() - t, "rows": len(tab.model.rows)}))
"""


def run(quick=False):
    path = demo_db("small" if quick else "large")
    ratios, product_s, floor_s, sql_s = [], [], [], []
    rows = 0
    for _ in range(pairs_for(quick, 5)):
        p = run_child(PRODUCT % {"root": ROOT, "db": path})
        f = run_child(FLOOR % {"db": path})
        ratios.append(p["s"] / f["s"])
        product_s.append(p["s"])
        floor_s.append(f["s"])
        sql_s.append(f["sql"])
        rows = p["rows"]
    ratio = statistics.median(ratios)
    return [Result(f"decisions page: open with {rows} candidates", ratio, "×", "≤ 2×",
                   ratio <= 2.0, f"{statistics.median(product_s) * 1000:.0f} ms vs floor "
                   f"{statistics.median(floor_s) * 1000:.0f} ms (SQL "
                   f"{statistics.median(sql_s) * 1000:.0f} ms + a bare table painted)")]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
