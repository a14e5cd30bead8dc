"""Benchmark: scoring 60 units × 60 criteria.

    python tests/perf/bench_scoring.py [--quick]

1. Live recompute after one cell changes (``scoring_calc.Board.set_value``: the row's total,
   band with per-criterion floors, and the ranks of its bloc with the tie-break rules)
   against a bare loop summing the same 3,600 Decimals. Goal < 20 ms per change.
2. Opening the grid: ``scoring.load_grid`` (three queries) + the grid model + view shown
   and painted, against a bare QTableView over a QStandardItemModel of the same strings.
   Goal < 200 ms.
3. Saving one cell through ``scoring.save_scores`` (one transaction, audit row, stored
   totals/bands/ranks of the table recomputed), on the GUI thread. Goal < 100 ms.
"""
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

UNITS, CRITERIA, BLOCS = 60, 60, 6
GOAL_CHANGE_MS, GOAL_OPEN_MS = 20.0, 200.0
# The save runs on the GUI thread when the clerk leaves a note: the window must not
# stop answering for longer than issue 14's limit.
GOAL_SAVE_MS = 100


def _tree():
    groups = []
    per = CRITERIA // 5 - 1
    for g in range(5):
        code = ["I", "II", "III", "IV", "V"][g]
        children = [{"code": f"{code}.{k + 1}", "text": f"Tiêu chí {code}.{k + 1}",
                     "max_points": Decimal(2) if k % 3 else Decimal(1),
                     "method": "yesno" if k % 5 == 4 else "manual", "children": []}
                    for k in range(per)]
        groups.append({"code": code, "text": f"Nhóm {code}", "method": "group",
                       "max_points": sum(c["max_points"] for c in children),
                       "children": children})
    extra = [{"code": f"T.{k}", "text": "Thưởng", "max_points": Decimal(2), "method": "bonus",
              "children": []} for k in range(1, 3)]
    extra += [{"code": f"Đ.{k}", "text": "Trừ", "max_points": Decimal(2), "method": "deduction",
               "repeatable": k == 2, "children": []} for k in range(1, 4)]
    return groups + extra


def _values(spec, rng):
    out = []
    for _ in range(UNITS):
        row = []
        for c in spec.leaves:
            if c.method == "yesno":
                row.append(c.max_points if rng.random() < 0.8 else Decimal(0))
            elif c.method == "deduction":
                row.append(-c.max_points if rng.random() < 0.05 else None)
            elif c.method == "bonus":
                row.append(c.max_points if rng.random() < 0.2 else None)
            else:
                row.append((c.max_points * Decimal(rng.randint(50, 100)) / 100)
                           .quantize(Decimal("0.01")))
        out.append(row)
    return out


def _setup_db(folder, rng):
    os.environ["TDKT_DATA_DIR"] = folder
    from models import db as dbmod
    from models import scoring
    from models.entities import Score, ScoreSheet, Unit, UnitKind, User
    dbmod.open_database(os.path.join(folder, "bench.sqlite3"))
    actor = User.create(username="bench", full_name="Bench", role="leader", password_hash="x")
    cum, thon = UnitKind.get(UnitKind.code == "cum"), UnitKind.get(UnitKind.code == "thon")
    blocs = [Unit.create(name=f"Cụm {b + 1}", name_key=f"cum {b + 1}", kind=cum)
             for b in range(BLOCS)]
    units = [Unit.create(name=f"Thôn {i + 1:02d}", name_key=f"thon {i + 1:02d}", kind=thon,
                         parent=blocs[i % BLOCS]) for i in range(UNITS)]
    cs = scoring.create_criteria_set(actor=actor, name="Bảng 60 tiêu chí", year=2025,
                                     unit_kind="thon", criteria=_tree(), total_max=100,
                                     bonus_max=4)
    spec = scoring.spec_for(cs)
    values = _values(spec, rng)
    rows = []
    for u, vals in zip(units, values):
        sheet = ScoreSheet.create(criteria_set=cs, unit=u)
        rows += [dict(sheet=sheet.id, criterion=c.id, self_points=v)
                 for c, v in zip(spec.leaves, vals) if v is not None]
    with dbmod.db.atomic():
        for i in range(0, len(rows), 500):
            Score.insert_many(rows[i:i + 500]).execute()
    scoring.recompute_set(cs, spec)
    return actor, cs, spec, values


def bench_recompute(spec, values, rng, changes):
    from models.scoring_calc import Board
    board = Board(spec, [(i, i % BLOCS) for i in range(UNITS)], values)
    scored = [j for j, c in enumerate(spec.leaves) if c.method == "manual"]
    cells = [(rng.randrange(UNITS), rng.choice(scored), Decimal(rng.randint(0, 100)) / 100)
             for _ in range(changes)]
    times = []
    for r, c, v in cells:
        start = time.perf_counter()
        board.set_value(r, c, v)
        times.append(time.perf_counter() - start)
    flat = [v for row in board.values for v in row if v is not None]

    def bare():
        total = Decimal(0)
        for v in flat:
            total += v
        return total
    bare_times = []
    for _ in range(changes):
        start = time.perf_counter()
        bare()
        bare_times.append(time.perf_counter() - start)
    start = time.perf_counter()
    Board(spec, [(i, i % BLOCS) for i in range(UNITS)], board.values)
    full = time.perf_counter() - start
    return statistics.median(times), max(times), statistics.median(bare_times), full


def bench_open(cs, repeat):
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTableView
    from gui.score_grid import ScoreGridModel, ScoreGridView
    from models import scoring
    app = QApplication.instance() or QApplication([])

    def product():
        grid = scoring.load_grid(cs)
        view = ScoreGridView()
        view.setModel(ScoreGridModel(grid))
        view.resize(1200, 700)
        view.show()
        view.repaint()
        app.processEvents()
        view.close()
        view.deleteLater()
        return grid

    grid = product()      # warm-up (imports, fonts)
    texts = [[str(v) if v is not None else "" for v in row] for row in grid.self_values]

    def bare():
        model = QStandardItemModel(len(texts), len(texts[0]) + 4)
        for r, row in enumerate(texts):
            for c, t in enumerate(row):
                model.setItem(r, c + 4, QStandardItem(t))
        view = QTableView()
        view.setModel(model)
        view.resize(1200, 700)
        view.show()
        view.repaint()
        app.processEvents()
        view.close()
        view.deleteLater()

    bare()
    t_product = min(_timed(product) for _ in range(repeat))
    t_bare = min(_timed(bare) for _ in range(repeat))
    return t_product, t_bare


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_save(actor, cs, spec, repeat):
    from models import scoring
    grid = scoring.load_grid(cs)
    crit = next(c for c in spec.leaves if c.method == "manual")
    times = []
    for k in range(repeat):
        sheet = grid.rows[k % UNITS].sheet_id
        value = crit.max_points if k % 2 else Decimal(0)
        start = time.perf_counter()
        scoring.save_scores(actor=actor, sheet=sheet, changes=[{"criterion": crit.id,
                                                                 "self_points": value}])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(quick=False):
    from tests.perf.run import Result
    from models import db as dbmod
    rng = random.Random(7)
    folder = tempfile.mkdtemp(prefix="bench-scoring-")
    actor, cs, spec, values = _setup_db(folder, rng)
    med, worst, bare, full = bench_recompute(spec, values, rng, 200 if quick else 2000)
    t_open, t_bare_open = bench_open(cs, 3 if quick else 5)
    t_save = bench_save(actor, cs, spec, 10 if quick else 30)
    dbmod.close_database()
    shutil.rmtree(folder, ignore_errors=True)   # its database: every run left one
    n = f"{UNITS}×{len(spec.leaves)}"
    return [
        Result(name=f"scoring: recompute after 1 change ({n})", value=med * 1000, unit="ms",
               goal=f"< {GOAL_CHANGE_MS:g} ms", ok=med * 1000 < GOAL_CHANGE_MS,
               detail=f"worst {worst * 1000:.2f} ms; bare sum of the same "
                      f"{UNITS * len(spec.leaves)} Decimals {bare * 1000:.2f} ms "
                      f"(ratio {med / bare:.2f}×); full recompute of every row and rank "
                      f"{full * 1000:.1f} ms"),
        Result(name=f"scoring: open grid ({n})", value=t_open * 1000, unit="ms",
               goal=f"< {GOAL_OPEN_MS:g} ms", ok=t_open * 1000 < GOAL_OPEN_MS,
               detail=f"bare QTableView + QStandardItemModel of the same cells "
                      f"{t_bare_open * 1000:.1f} ms (ratio {t_open / t_bare_open:.2f}×)"),
        Result(name="scoring: save one cell to the database", value=t_save * 1000, unit="ms",
               goal=f"< {GOAL_SAVE_MS:g} ms", ok=t_save * 1000 < GOAL_SAVE_MS,
               detail="one transaction: parse, audit row, stored totals/bands/ranks of "
                      f"all {UNITS} sheets recomputed"),
    ]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
