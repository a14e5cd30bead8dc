"""Memory of the whole window: every page of gui/main_window.PAGES opened once on the large
demo, then a round of actions (every page reloads after a saved change, twice, and is
opened again), against a bare PySide6 window — issue 15: memory does not creep.

    python tests/perf/bench_memory_pages.py [--quick] [--json]

Each page reads its rows at once (TDKT_GUI_INLINE=1, as in the tests), so the figure is
taken with every page showing its data. Reported: resident memory above the bare window
after every page was opened (goal < 250 MB, DESIGN.md), what the round of actions
added on top (goal < 50 MB: a reload replaces rows, it does not keep the old ones), and what
two further rounds add (goal < 10 MB: no creep). The first reload of a page holds its old
rows beside the new ones it reads, and the allocator keeps that high-water mark: on the 2×
demo that was +55 MB (Đăng ký alone), while Đăng ký, Sổ khen thưởng and In giấy khen held
peewee's row cache or a list of dicts beside their rows and a fresh copy of every repeated
string; they now read from the cursor and share those strings (rows 36 → 16, 29 → 21,
24 → 17.5 MB), and Đề nghị & bình xét releases its raw rows as it uses them and keeps the
shown tuple of each unchanged row: opened 236 → 194 MB, first round +9 MB.
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.perf.common import demo_db, run_child  # noqa: E402
from tests.perf.run import Result  # noqa: E402

BARE = """
import json, resource
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1200, 760); w.show(); app.processEvents()
rss = [int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS')][0]
print(json.dumps({"rss": rss / 1024}))
"""

PRODUCT = """
import gc, json, os, sys
os.environ["TDKT_GUI_INLINE"] = "1"
sys.path.insert(0, %r)
from gui.app import make_app
from models.db import open_database
from models.entities import User
app = make_app()
open_database(%r)
from gui.context import AppContext
from gui.main_window import PAGES, MainWindow


def status(key):
    return [int(l.split()[1]) / 1024 for l in open('/proc/self/status') if l.startswith(key)][0]


ctx = AppContext(User.get(User.username == 'bench'), 'x')
w = MainWindow(ctx); w.resize(1200, 760); w.show(); app.processEvents()
for key, _label, _loader in PAGES:
    w.go_to(key); app.processEvents()
gc.collect(); app.processEvents()
opened = status('VmRSS')
def round_of_actions():
    ctx.data_changed.emit("all")           # as after a saved action: every view reloads
    app.processEvents()
    for key, _label, _loader in PAGES:
        w.go_to(key); app.processEvents()


for _round in range(2):
    round_of_actions()
gc.collect(); app.processEvents()
after = status('VmRSS')
for _round in range(2):                    # creep: what each further round adds
    round_of_actions()
gc.collect(); app.processEvents()
print(json.dumps({"opened": opened, "after": after, "later": status('VmRSS'),
                  "peak": status('VmHWM'), "pages": len(PAGES)}))
"""


def run(quick=False):
    path = demo_db("small" if quick else "large")
    bare = run_child(BARE)["rss"]
    got = run_child(PRODUCT % (ROOT, path))
    opened = got["opened"] - bare
    grown = got["after"] - got["opened"]
    creep = got["later"] - got["after"]
    detail = (f"{got['pages']} pages: {got['opened']:.0f} MB vs bare {bare:.0f} MB, "
              f"peak {got['peak']:.0f} MB")
    return [Result("memory: every page opened (above bare)", opened, "MB", "< 250 MB",
                   opened < 250, detail),
            Result("memory: growth after a round of actions", grown, "MB", "< 50 MB",
                   grown < 50, f"{got['after']:.0f} MB after two reloads of every page"),
            Result("memory: creep over two more rounds", creep, "MB", "< 10 MB",
                   creep < 10, f"{got['later']:.0f} MB after four rounds; the first round "
                   "raises the high-water mark (a page holds its old and new rows while "
                   "it reloads), later ones must not")]


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
