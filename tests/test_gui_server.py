"""The server set-up form and start-up against the real private PostgreSQL server, and
pages refreshing when another PC saves."""
import json
import os

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from models import accounts, server_settings, settings
from models import db as dbmod
from tests.pg_server import TEMPLATE


@pytest.fixture
def server_url(pg_server):
    name = pg_server.new_name("g")
    pg_server.create_database(name, template=TEMPLATE)
    pg_server.sql("DROP ROLE IF EXISTS van_phong")
    pg_server.sql("CREATE ROLE van_phong LOGIN PASSWORD 'Mat-khau-may-chu'")
    pg_server.sql(f"GRANT ALL ON DATABASE {name} TO van_phong")
    import psycopg2
    conn = psycopg2.connect(pg_server.url(name))
    conn.autocommit = True
    conn.cursor().execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO van_phong; "
                          "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO van_phong")
    conn.close()
    yield name
    dbmod.close_database()
    pg_server.drop_database(name)


def test_the_form_checks_the_connection_and_never_writes_the_password(qtbot, pg_server,
                                                                      server_url, data_dir):
    from gui.server_dialog import ServerDialog
    dialog = ServerDialog()
    qtbot.addWidget(dialog)
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(pg_server.port)
    dialog.database.setText(server_url)
    dialog.user.setText("van_phong")
    dialog.password.setText("sai")
    assert dialog._test() is False
    assert "mật khẩu" in dialog.error.text()
    dialog.password.setText("Mat-khau-may-chu")
    assert dialog._test() is True and dialog.status.text() == "Kết nối được máy chủ."
    dialog.show()
    dialog.grab().save("/tmp/i20-pg/server-dialog.png")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok).click()
    data = dialog.result_data
    assert data["host"] == "127.0.0.1" and data["password"] == "Mat-khau-may-chu"
    server_settings.save(data)
    with open(os.path.join(data_dir, "server.json"), encoding="utf-8") as fh:
        stored = fh.read()
    assert "Mat-khau" not in stored and json.loads(stored)["user"] == "van_phong"
    assert server_settings.load()["port"] == pg_server.port
    # the remembered server opens with the password given at start
    url = server_settings.url_of(server_settings.load())
    assert "Mat-khau" not in url
    dbmod.open_database(url, password="Mat-khau-may-chu")
    assert dbmod.is_server() and settings.get("chairman") in (None, "")


def test_start_asks_the_password_and_again_when_it_is_wrong(qtbot, pg_server, server_url,
                                                           monkeypatch):
    from gui import server_dialog
    answers = iter(["sai-mat-khau", "Mat-khau-may-chu"])
    asked = []

    def fake_ask(parent, url, *, wrong=False):
        asked.append(wrong)
        return next(answers)
    monkeypatch.setattr(server_dialog, "ask_password", fake_ask)
    url = pg_server.tcp_url(server_url, "van_phong")
    database, where, read_only = server_dialog.open_server(url)
    assert database is not None and where == url and not read_only
    assert asked == [False, True]


def test_unreachable_server_offers_the_local_copy_read_only(qtbot, pg_server, server_url,
                                                           monkeypatch, tmp_path):
    from PySide6.QtWidgets import QMessageBox
    from gui import server_dialog
    from reports import backup
    url = pg_server.url(server_url)
    dbmod.open_database(url)
    settings.update_settings(actor=accounts.batch_actor(), values={"chairman": "Trên máy chủ"})
    backup.auto_backup(force=True)                 # the daily copy on this PC
    dbmod.close_database()
    shown = []

    def click_copy(box):
        shown.append(box.text())
        return next(b for b in box.buttons() if b.text() == server_dialog.UNREACHABLE_COPY)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: box.setProperty("x", 1))
    monkeypatch.setattr(QMessageBox, "clickedButton", lambda box: click_copy(box))
    down = f"postgresql://tdkt@127.0.0.1:1/{server_url}"
    import os
    import tempfile
    import time
    stale = tempfile.mkdtemp(prefix=server_dialog.COPY_PREFIX)    # left by a crashed run
    os.utime(stale, (time.time() - 2 * 86400,) * 2)
    recent = tempfile.mkdtemp(prefix=server_dialog.COPY_PREFIX)   # another instance's
    database, where, read_only = server_dialog.open_server(down)
    assert read_only and where.endswith(".sqlite3") and "Không kết nối được" in shown[0]
    assert settings.get("chairman") == "Trên máy chủ"
    from models.errors import DatabaseError
    with pytest.raises(DatabaseError, match="chỉ để xem"):
        settings.update_settings(actor=accounts.batch_actor(), values={"chairman": "X"})
    assert not os.path.exists(stale) and os.path.isdir(recent)
    server_dialog.remove_copies()                 # what the program does when it ends
    assert not os.path.exists(os.path.dirname(where)) and dbmod.db.obj.is_closed()
    os.rmdir(recent)


def test_pages_refresh_when_another_pc_saves(qtbot, pg_server, server_url):
    import psycopg2
    from gui.context import AppContext
    dbmod.open_database(pg_server.url(server_url))
    ctx = AppContext(accounts.batch_actor(), pg_server.url(server_url))
    assert ctx.watch_other_pcs(interval_ms=60000) is not None
    areas = []
    ctx.data_changed.connect(areas.append)
    assert ctx.poll_other_pcs() is False           # first look: takes note
    mine = dbmod.db.obj
    other = dbmod.db.obj.__class__(pg_server.url(server_url))   # "another PC"
    other.has_schema_table = True
    dbmod.db.initialize(other)
    settings.update_settings(actor=accounts.batch_actor(), values={"chairman": "Máy B"})
    other.close()
    dbmod.db.initialize(mine)
    assert ctx.poll_other_pcs() is True and areas == ["all"]
    assert ctx.poll_other_pcs() is False
    assert settings.get("chairman") == "Máy B"
    ctx.stop_watching()
    del psycopg2


def test_a_server_of_a_newer_version_is_refused_at_start_with_the_reason(
        qtbot, pg_server, server_url, monkeypatch):
    """Start-up against a server that a newer program already upgraded: the clerk reads why
    (in Vietnamese) and the program opens nothing (no write reaches the newer schema)."""
    from gui import messages, server_dialog
    import psycopg2
    conn = psycopg2.connect(pg_server.url(server_url))
    conn.autocommit = True
    conn.cursor().execute("UPDATE tdkt_schema SET version = version + 1")
    conn.close()
    shown = []
    monkeypatch.setattr(messages, "show_error", lambda parent, err, **kw: shown.append(str(err)))
    database, where, read_only = server_dialog.open_server(pg_server.url(server_url))
    assert database is None and not read_only
    assert len(shown) == 1 and "phiên bản mới hơn" in shown[0]
