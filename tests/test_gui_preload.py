"""The pages' code is imported while the window is idle (gui/preload.py): only after the
first page is filled, one module per turn, never the heavy document libraries; a page
opened before its turn came works as before."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEAVY = ("psycopg2", "reportlab", "openpyxl", "docx", "keyring", "lxml", "PIL")

WINDOW = """
import json, os, sys, time
os.environ["TDKT_DATA_DIR"] = {data!r}
os.environ["TDKT_GUI_INLINE"] = "0"              # the real reading thread, as a user has
from gui.app import make_app, open_or_recover
app = make_app()
open_or_recover({db!r}, quick_check=False)
from models.entities import User
user = User.create(username="a", full_name="A", role="leader", password_hash="x")
from gui.pages import overview
slow_read = overview.read_year
def read_year(year):                             # a first page that takes its time to read
    time.sleep(1.0)
    return slow_read(year)
overview.read_year = read_year
from PySide6.QtCore import QEventLoop, QTimer
shown = overview.OverviewPage._show
def show_later(page, data):                      # read, and shown a second later: nothing
    QTimer.singleShot(1000, lambda: shown(page, data))       # else runs meanwhile
overview.OverviewPage._show = show_later
from gui.context import AppContext
from gui.main_window import MainWindow
window = MainWindow(AppContext(user, {db!r}))
window.show()
first = window.widgets["overview"]
pre = window.preload
def run_until(done, timeout=60):
    loop = QEventLoop(); t0 = time.perf_counter()
    poll = QTimer(); poll.timeout.connect(lambda: (done() or time.perf_counter() - t0 > timeout)
                                          and loop.quit())
    poll.start(10); loop.exec(); poll.stop()
"""


def _child(tmp_path, code):
    script = WINDOW.format(data=str(tmp_path), db=str(tmp_path / "x.sqlite3")) + code
    env = dict(os.environ, PYTHONPATH=ROOT, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                         text=True, env=env, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_pages_load_after_the_first_page_is_filled_one_module_per_turn(tmp_path):
    out = _child(tmp_path, f"""
seen = []
pre.steps.insert(0, lambda: seen.append(first.is_filled()))     # what the first step finds
before = sorted(m for m in sys.modules if m.startswith("gui.pages."))
run_until(pre.finished)
after = sorted(m for m in sys.modules if m.startswith("gui.pages."))
print(json.dumps({{"seen": seen, "before": before, "after": after, "done": pre.done,
                  "failed": pre.failed, "steps": len(window.pages),
                  "provinces": "vietnam_provinces" in sys.modules,
                  "heavy": sorted(m for m in {HEAVY!r} if m in sys.modules)}}))
""")
    assert out["seen"] == [True]              # not while the first page was being read
    assert out["before"] == ["gui.pages.overview"]
    # every page's module is loaded, in many small steps, and nothing failed
    pages = {"org", "movements", "registrations", "exemplary", "scoring", "decisions",
             "lookup", "certificates", "reports", "backup", "settings", "province"}
    assert {f"gui.pages.{p}" for p in pages} <= set(out["after"])
    assert out["done"] > 2 * out["steps"] and out["failed"] == []
    assert out["provinces"]                   # "Cài đặt"'s list, read on a thread
    assert out["heavy"] == []                 # reportlab & co. still wait for their first use


def test_a_page_opened_before_its_turn_works(tmp_path):
    out = _child(tmp_path, """
page = window.go_to("certificates")           # before the first page is even filled
early = (pre.done, type(page).__name__, "gui.pages.reports" in sys.modules)
run_until(pre.finished)
reports = window.go_to("reports")
run_until(lambda: True, timeout=0.2)
print(json.dumps({"early": early, "done": pre.done, "failed": pre.failed,
                  "shown": window.stack.currentWidget() is reports,
                  "reports": type(reports).__name__}))
""")
    assert out["early"] == [0, "CertificatesPage", False]
    assert out["failed"] == [] and out["done"] > 13
    assert out["shown"] and out["reports"] == "ReportsPage"
