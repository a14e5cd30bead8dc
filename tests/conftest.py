"""Shared fixtures: a fresh real database file per test, offscreen Qt, actors by role."""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Pages read and save in background threads (gui/background.py); tests run that work inline
# so they can look at a page right after an action. tests/test_gui_background.py and the
# freeze benchmark run the threads.
os.environ.setdefault("TDKT_GUI_INLINE", "1")

import pytest  # noqa: E402

from models import db as dbmod  # noqa: E402
from models.entities import User  # noqa: E402


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Every test gets its own data folder, so no test touches the user's files."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("TDKT_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """scrypt at a test-only low cost (the real cost is tested once in test_signin.py)."""
    from models import accounts
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 4)


@pytest.fixture
def engine(request):
    """'sqlite', or 'postgresql' for service tests (tests/pg_server.py BOTH_ENGINES)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def database(tmp_path, engine, request):
    if engine == "postgresql":
        server = request.getfixturevalue("pg_server")
        from tests.pg_server import TEMPLATE
        name = server.new_name()
        database = dbmod.open_database(server.create_database(name, template=TEMPLATE))
        yield database
        dbmod.close_database()
        server.drop_database(name)
        return
    path = tmp_path / "test.sqlite3"
    database = dbmod.open_database(str(path))
    yield database
    dbmod.close_database()


def pytest_generate_tests(metafunc):
    from tests.pg_server import runs_on_both
    if "database" in metafunc.fixturenames and runs_on_both(metafunc.module.__name__):
        metafunc.parametrize("engine", ["sqlite", "postgresql"], indirect=True,
                             ids=["sqlite", "pg"])


@pytest.fixture(scope="session")
def pg_server():
    """Our own PostgreSQL cluster (tests/pg_server.py) for the session; in CI it must run."""
    from tests import pg_server as pg
    why = pg.available()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {why}")
        pytest.skip(why)
    server = pg.start_session_server()
    yield server
    server.stop()


def _user(username, role):
    from models.accounts import hash_password  # slow KDF: only where a password is checked
    del hash_password
    return User.create(username=username, full_name=username.title(), role=role,
                       password_hash="scrypt$1$1$1$AA==$AA==")


@pytest.fixture
def leader(database):
    return _user("lanhdao", "leader")


@pytest.fixture
def clerk(database):
    return _user("canbo", "clerk")


@pytest.fixture
def viewer(database):
    return _user("xem", "viewer")


@pytest.fixture(autouse=True)
def saved_box_reports_as_info(monkeypatch):
    """messages.saved is a modal box with "Mở tệp"/"Mở thư mục": in tests it reports
    through messages.info (which tests stub) instead of waiting for a click."""
    from gui import messages
    monkeypatch.setattr(messages, "saved", lambda parent, path, text=None, **kw:
                        messages.info(parent, text or f"Đã lưu {path}"))


def pytest_configure(config):
    """Point CUPS at a private server for the whole run (libcups remembers the server a
    thread first used): tests never see or use this machine's printers."""
    from tests import cups_queue
    cups_queue.reserve()


def pytest_unconfigure(config):
    """The private CUPS folder goes with the run (each run left one in /tmp)."""
    from tests import cups_queue
    cups_queue.release()


@pytest.fixture(scope="session")
def cups_server():
    """Our own cupsd on a private socket (tests/cups_queue.py), shared by the session."""
    from tests import cups_queue
    why = cups_queue.available()
    if why:
        pytest.skip(why)
    server = cups_queue.reserved_server().start()
    yield server
    server.stop()


@pytest.fixture
def print_queue(cups_server, tmp_path_factory):
    """A fresh PostScript file queue (generic driver, 4.2 mm margins): .name, .out."""
    from tests import cups_queue
    queue = cups_queue.FileQueue(cups_server)
    yield queue
    queue.remove()


@pytest.fixture
def tmpfs():
    """``mount(folder, options)``: a small real file system (tmpfs) at ``folder`` — a full or
    read-only USB stick, a nearly full disk — unmounted after the test. Needs root (CI is)."""
    import subprocess
    made = []

    def mount(folder, options):
        folder.mkdir(exist_ok=True)
        if os.geteuid() != 0 or subprocess.run(
                ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                capture_output=True).returncode != 0:
            pytest.skip("needs root to mount a small file system")
        made.append(folder)
        return folder
    yield mount
    for folder in reversed(made):
        subprocess.run(["umount", str(folder)], capture_output=True)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item):
    """After a GUI test, before its fixtures (the database) go: windows closed, the
    contexts' poll timers stopped (tests/gui_world.close_gui). After every test, the
    garbage collection that is due (gui/gc_policy.py turns Python's automatic one off)."""
    if "qapp" in getattr(item, "fixturenames", ()):
        from tests import gui_world
        gui_world.close_gui()
    policy = sys.modules.get("gui.gc_policy")
    if policy is not None:       # off once a window's context was made: tests that run no
        policy.collect_due(oldest=2)     # event loop collect here


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory):
    """The small demo for 2026 (tests/gui_world.py), loaded once; tests work on copies."""
    from tests import gui_world
    return gui_world.build(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def demo_ctx(demo_world, tmp_path, qapp):
    """An AppContext of the demo's leader on this test's own copy of the demo world."""
    from tests import gui_world
    context = gui_world.open_copy(demo_world, tmp_path)
    yield context
    dbmod.close_database()
