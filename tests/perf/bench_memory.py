"""Peak memory: large database with the households page open vs a bare PySide6 window."""
from tests.perf.common import ROOT, demo_db, run_child
from tests.perf.run import Result

BARE = """
import json, resource
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1200, 760); w.show(); app.processEvents()
print(json.dumps({"kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

PRODUCT = """
import json, resource, sys
sys.path.insert(0, %r)
from gui.app import make_app
from models.db import open_database
from models.entities import User
app = make_app()
open_database(%r)
from gui.context import AppContext
from gui.main_window import MainWindow
ctx = AppContext(User.get(User.username == 'bench'), 'x')
w = MainWindow(ctx); w.resize(1200, 760); w.show()
page = w.go_to('org'); page.tabs.setCurrentWidget(page.households); app.processEvents()
print(json.dumps({"kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run(quick=False):
    path = demo_db("small" if quick else "large")
    bare = run_child(BARE)["kb"] / 1024
    product = run_child(PRODUCT % (ROOT, path))["kb"] / 1024
    extra = product - bare
    return [Result("memory above bare window (peak RSS)", extra, "MB", "< 250 MB",
                   extra < 250, f"{product:.0f} MB vs bare {bare:.0f} MB")]
