"""Pages follow another PC's save at once on a real PostgreSQL server (LISTEN/NOTIFY), and
the listening connection comes back by itself after the server restarts."""
import os
import subprocess
import sys
import textwrap

import pytest

from models import accounts, db_pg, movements
from models import db as dbmod
from tests.pg_server import TEMPLATE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from models import accounts, movements, db as dbmod
    dbmod.open_database({url!r})
    movements.add_movement(actor=accounts.batch_actor(), name=sys.argv[1], year_from=2026)
""")


@pytest.fixture
def server_url(pg_server):
    name = pg_server.new_name("l")
    url = pg_server.create_database(name, template=TEMPLATE)
    dbmod.open_database(url)
    yield url
    dbmod.close_database()
    pg_server.drop_database(name)


def _another_pc_adds(tmp_path, url, name):
    """A second process (another PC) adds a movement and exits."""
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=ROOT, url=url), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), name], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def _names(page):
    model = page.model
    return {model.index(r, 0).data() for r in range(model.rowCount())}


def _watched_page(qtbot, url):
    from gui.context import AppContext
    from gui.pages.movements import MovementsPage
    ctx = AppContext(accounts.batch_actor(), url)
    page = MovementsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    areas = []
    ctx.data_changed.connect(areas.append)
    ctx.watch_other_pcs(interval_ms=3_000)
    qtbot.waitUntil(lambda: ctx.server_watch.connected, timeout=10_000)
    assert ctx._poll.interval() == 60_000           # listening: the poll only checks slowly
    return ctx, page, areas


def test_a_page_shows_another_pcs_new_row_within_a_second(qtbot, server_url, tmp_path):
    ctx, page, areas = _watched_page(qtbot, server_url)
    assert "Phong trào máy B" not in _names(page)
    _another_pc_adds(tmp_path, server_url, "Phong trào máy B")
    qtbot.waitUntil(lambda: "Phong trào máy B" in _names(page), timeout=1000)
    assert areas == ["movements"]                   # only the pages showing that data
    # our own save is announced too, but it is no news to this window
    movements.add_movement(actor=accounts.batch_actor(), name="Phong trào máy A",
                           year_from=2026)
    qtbot.wait(400)
    assert areas == ["movements"]
    ctx.stop_watching()          # no thread of this window may outlive the test


def test_the_listener_survives_a_server_restart(qtbot, server_url, tmp_path, pg_server):
    from gui.server_watch import LOST_TEXT
    ctx, page, areas = _watched_page(qtbot, server_url)
    status = []
    ctx.server_status.connect(status.append)
    dbmod.close_database()
    pg_server.pause()
    try:
        qtbot.waitUntil(lambda: status[-1:] == [LOST_TEXT], timeout=10_000)
        assert not ctx.server_watch.connected
        assert ctx._poll.isActive() and ctx._poll.interval() == 3_000   # poll takes over
    finally:
        pg_server.restart()
    qtbot.waitUntil(lambda: ctx.server_watch.connected, timeout=20_000)
    assert status[-1] == "" and "all" in areas      # reconnected: pages reloaded once
    assert ctx._poll.interval() == 60_000
    dbmod.open_database(server_url)
    areas.clear()
    _another_pc_adds(tmp_path, server_url, "Phong trào sau khi máy chủ khởi động lại")
    qtbot.waitUntil(lambda: "Phong trào sau khi máy chủ khởi động lại" in _names(page),
                    timeout=1000)
    ctx.stop_watching()          # no thread of this window may outlive the test


def test_a_notification_names_the_tables_a_commit_changed(server_url):
    """The NOTIFY itself, read by a plain listener: sent on commit, never on rollback."""
    listener = db_pg.ChangeListener.open(dbmod.db.obj)
    try:
        movements.add_movement(actor=accounts.batch_actor(), name="Phong trào C",
                               year_from=2026)
        with pytest.raises(RuntimeError):
            with dbmod.db.atomic():
                movements.add_movement(actor=accounts.batch_actor(), name="Phong trào D",
                                       year_from=2026)
                raise RuntimeError("rolled back")
        import select
        select.select([listener.fileno()], [], [], 5)
        changes = listener.poll()
        assert [tables for _, tables in changes] == [{"movement", "audit_log"}]
        assert changes[0][0] == db_pg.ORIGIN                       # from this process
        assert db_pg.tables_changed_by_others(changes) == set()
    finally:
        listener.close()
