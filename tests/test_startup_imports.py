"""Start-up imports only what the first page needs: the heavy libraries of documents,
workbooks, Word files, the office server and the keyring load when first used."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEAVY = ("psycopg2", "reportlab", "openpyxl", "docx", "keyring", "lxml", "PIL")


def _child(code):
    env = dict(os.environ, PYTHONPATH=ROOT, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, env=env, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_window_with_its_overview_loads_no_heavy_library(tmp_path):
    loaded = _child(f"""
import json, os, sys
os.environ["TDKT_DATA_DIR"] = {str(tmp_path)!r}
os.environ["TDKT_GUI_INLINE"] = "1"
from gui.app import make_app, open_or_recover
from models import accounts
app = make_app()
open_or_recover({str(tmp_path / "x.sqlite3")!r}, quick_check=False)
from models.entities import User
user = User.create(username="a", full_name="A", role="leader", password_hash="x")
from gui.context import AppContext
from gui.main_window import MainWindow
window = MainWindow(AppContext(user, {str(tmp_path / "x.sqlite3")!r}))
window.show(); app.processEvents()
assert window.widgets["overview"].year_map is not None
print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
""")
    assert loaded == []


def test_qt_namespace_is_made_after_the_overview_started_reading(tmp_path):
    """Qt's namespace (``Qt.AlignTop`` …) is made, all its enums at once (~22 ms of Python),
    on first use: what loads before the overview's first read (gui.app.run_gui:
    gui.app, the database opened, gui.pages.overview) leaves it to the window built while
    the read's SQL runs on the other core (issue 15)."""
    made = _child(f"""
import json, os
os.environ["TDKT_DATA_DIR"] = {str(tmp_path)!r}
os.environ["TDKT_GUI_INLINE"] = "1"
from gui.app import make_app, open_or_recover
app = make_app()
open_or_recover({str(tmp_path / "x.sqlite3")!r}, quick_check=False)
from models.entities import User
user = User.create(username="a", full_name="A", role="leader", password_hash="x")
from gui.pages import overview
import PySide6.QtCore
before = "Qt" in vars(PySide6.QtCore)
overview.read_early()
from gui.context import AppContext
from gui.main_window import MainWindow
window = MainWindow(AppContext(user, {str(tmp_path / "x.sqlite3")!r}))
window.show(); app.processEvents()
assert window.widgets["overview"].year_map is not None
import sys
print(json.dumps([before, "Qt" in vars(PySide6.QtCore), "models.registrations" in sys.modules,
                  "models.registration_reads" in sys.modules]))
""")
    # and the overview reads with models.registration_reads alone: models.registrations
    # (its writes, movements, covenants: ~9 ms) loads after the first paint (gui/preload.py)
    assert made == [False, True, False, True]


def test_server_driver_given_to_peewee_later_is_what_peewee_loads_itself():
    def state(first):
        return _child(f"""
import json
{first}
import peewee
from models import db_pg
db_pg.load_driver()
import psycopg2.extras
a = peewee.Psycopg2Adapter()
print(json.dumps([peewee.psycopg2 is psycopg2.extras.psycopg2 or peewee.psycopg2.__name__,
                  a.json_type is psycopg2.extras.Json, a.txn_idle, a.txn_inerror,
                  a.txn_unknown, peewee.pg_extensions.__name__]))
""")
    assert state("import models") == state("import psycopg2")


def test_loading_quietly_holds_collections_off_and_restores_them():
    """What a block loads is frozen afterwards (no later pass walks it); the collector is
    off inside the block, back as it was after it, also when the block fails."""
    import gc
    import models
    was = gc.isenabled()
    gc.enable()
    try:
        frozen = gc.get_freeze_count()
        with models.loading_quietly():
            assert not gc.isenabled()
            made = [[i] for i in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(made)
        gc.disable()
        try:
            with models.loading_quietly():
                raise ValueError("a module failed to load")
        except ValueError:
            pass
        assert not gc.isenabled()           # as it was before the block
    finally:
        (gc.enable if was else gc.disable)()


def test_pyside_import_hook_is_told_about_our_modules_what_reading_them_would_find():
    """gui/__init__.py ``skip_source_scan_of_our_modules``: PySide6's import hook no longer
    reads the source of our modules, peewee's and the standard library's (20-40 ms at
    start-up); its answer for them is the one reading would give (models/ and reports/ never
    name PySide6, the standard library neither), and other modules are still read."""
    import glob
    import inspect
    import textwrap
    import types
    import gui.app  # noqa: F401 - installs it
    from shibokensupport import feature
    uses = feature._mod_uses_pyside
    assert uses.ours_known
    for folder in ("models", "reports"):
        for path in glob.glob(os.path.join(ROOT, folder, "**", "*.py"), recursive=True):
            name = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
            with open(path, encoding="utf-8") as fh:
                assert "PySide6" not in fh.read(), path
            assert uses(types.ModuleType(name)) is False
    assert uses(sys.modules["gui.main_window"] if "gui.main_window" in sys.modules
                else types.ModuleType("gui.main_window")) is True
    assert uses(textwrap) is False and "PySide6" not in inspect.getsource(textwrap)
    scanned = types.ModuleType("someone_elses")
    scanned.__file__ = os.path.join(ROOT, "tests", "test_startup_imports.py")
    assert uses(scanned) is True           # read: this file names PySide6
