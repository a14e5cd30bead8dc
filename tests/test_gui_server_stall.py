"""A server that stops answering (a dead network: connections hang, nothing refuses them)
never holds the window: the change-counter poll and the listener's reconnect attempts wait
on other threads, the clerk sees "Mất kết nối máy chủ — đang thử lại…", and the page
catches up by itself when the server answers again. Real PostgreSQL behind a TCP relay
(tests/stall_proxy.py) that can stop answering."""
import os
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import QTimer

from models import accounts
from models import db as dbmod
from tests.pg_server import TEMPLATE
from tests.stall_proxy import StallProxy
from tests.test_gui_server_listen import ROOT, WRITER, _names

GAP_S = 0.100      # the goal; a synchronous read would hold the window 5 s (the timeout)


class Heartbeat:
    """The longest time the GUI thread took to come back to its event loop."""

    def __init__(self):
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._beat)
        self.reset()
        self.timer.start()

    def reset(self):
        self.last, self.longest = None, 0.0

    def limit(self, qtbot, ms=2000):
        """GAP_S, or more on a machine so loaded that an idle window already misses its
        timer that long (measured now, same process: 3 × the longest idle gap)."""
        self.reset()
        qtbot.wait(ms)
        idle = self.longest
        self.reset()
        return max(GAP_S, 3 * idle)

    def _beat(self):
        now = time.monotonic()
        if self.last is not None:
            self.longest = max(self.longest, now - self.last)
        self.last = now


@pytest.fixture
def proxied(pg_server):
    """(proxy, database name): a fresh database reached through a StallProxy."""
    name = pg_server.new_name("s")
    pg_server.create_database(name, template=TEMPLATE)
    proxy = StallProxy(os.path.join(pg_server.folder, f".s.PGSQL.{pg_server.port}")).start()
    yield proxy, name
    dbmod.close_database()
    proxy.close()
    pg_server.drop_database(name)


@pytest.fixture
def stalling(pg_server, proxied, monkeypatch, qtbot):
    from gui import background
    proxy, name = proxied
    url = proxy.url(name, "tdkt")
    dbmod.open_database(url)
    monkeypatch.delenv("TDKT_GUI_INLINE", raising=False)    # reads really run in a thread
    contexts = []
    yield proxy, url, pg_server.url(name), contexts
    # no thread may outlive its window: stop watching, let hung connects end, wait for them
    proxy.resume()
    for ctx in contexts:
        ctx.stop_watching()
        watch = getattr(ctx, "server_watch", None)
        if watch is not None:
            qtbot.waitUntil(lambda: not watch.connecting, timeout=15_000)
    qtbot.waitUntil(lambda: background.busy() == 0, timeout=15_000)


def _another_pc_adds(qtbot, tmp_path, url, name):
    """A second process adds a movement straight on the server (its network is fine); the
    event loop keeps running meanwhile."""
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=ROOT, url=url), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), name], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=120_000)
    assert proc.returncode == 0, proc.stderr.read()


def _page(qtbot, url, contexts):
    from gui import background
    from gui.context import AppContext
    from gui.pages.movements import MovementsPage
    ctx = AppContext(accounts.batch_actor(), url)
    contexts.append(ctx)
    page = MovementsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: background.busy() == 0, timeout=10_000)
    status = []
    ctx.server_status.connect(status.append)
    return ctx, page, status


def test_a_poll_against_a_server_that_stopped_answering_never_holds_the_window(
        qtbot, stalling, tmp_path):
    from gui.server_watch import LOST_TEXT
    proxy, url, direct_url, contexts = stalling
    ctx, page, status = _page(qtbot, url, contexts)
    ctx.watch_other_pcs(interval_ms=300, listen=False)
    qtbot.waitUntil(lambda: ctx._seen_counter is not None, timeout=5_000)
    beat = Heartbeat()
    limit = beat.limit(qtbot)
    proxy.stall()
    beat.reset()
    attempts = proxy.accepted
    # the look hangs in libpq's connect (5-s timeout) on the reading thread
    qtbot.waitUntil(lambda: status[-1:] == [LOST_TEXT], timeout=15_000)
    assert proxy.accepted > attempts                   # it did try the dead server
    assert beat.longest < limit, \
        f"GUI thread held {beat.longest * 1000:.0f} ms (limit {limit * 1000:.0f})"
    # one look at a time: a tick while a look is still waiting starts nothing
    qtbot.waitUntil(lambda: ctx._poll_loader.loading, timeout=2_000)
    assert ctx.poll_other_pcs() is None and ctx._poll_loader.pending == 1
    _another_pc_adds(qtbot, tmp_path, direct_url, "Phong trào lúc mất mạng")
    assert "Phong trào lúc mất mạng" not in _names(page)
    proxy.resume()
    qtbot.waitUntil(lambda: status[-1] == "", timeout=15_000)
    qtbot.waitUntil(lambda: "Phong trào lúc mất mạng" in _names(page), timeout=5_000)
    assert status.count(LOST_TEXT) == 1


def test_the_listener_reconnecting_to_a_dead_server_never_holds_the_window(
        qtbot, stalling, tmp_path):
    from gui.server_watch import LOST_TEXT
    proxy, url, direct_url, contexts = stalling
    ctx, page, status = _page(qtbot, url, contexts)
    ctx.watch_other_pcs(interval_ms=300)
    qtbot.waitUntil(lambda: ctx.server_watch.connected, timeout=10_000)
    beat = Heartbeat()
    limit = beat.limit(qtbot)
    proxy.stall()              # the listening connection is reset, new ones hang
    beat.reset()
    qtbot.waitUntil(lambda: status[-1:] == [LOST_TEXT], timeout=10_000)
    assert ctx._poll.interval() == 300                 # the poll takes over …
    qtbot.wait(6_500)                                  # … and hangs, as do reconnects
    assert not ctx.server_watch.connected
    assert beat.longest < limit, \
        f"GUI thread held {beat.longest * 1000:.0f} ms (limit {limit * 1000:.0f})"
    _another_pc_adds(qtbot, tmp_path, direct_url, "Phong trào khi máy chủ im lặng")
    proxy.resume()
    qtbot.waitUntil(lambda: ctx.server_watch.connected, timeout=40_000)
    qtbot.waitUntil(lambda: status[-1] == "", timeout=10_000)
    qtbot.waitUntil(lambda: "Phong trào khi máy chủ im lặng" in _names(page), timeout=5_000)


def test_a_server_silent_at_start_offers_retry_and_opens_when_it_answers(
        qtbot, proxied, monkeypatch):
    """Start-up against a server that does not answer: after the connect timeout the clerk
    reads why and chooses; "Thử lại" once the server is back opens it."""
    from PySide6.QtWidgets import QMessageBox
    from gui import server_dialog
    proxy, name = proxied
    proxy.stall()
    shown = []

    def answer(box):
        shown.append((box.text(), [b.text() for b in box.buttons()]))
        proxy.resume()                       # meanwhile the server came back
        return next(b for b in box.buttons() if b.text() == "Thử lại")
    monkeypatch.setattr(QMessageBox, "exec", lambda box: 0)
    monkeypatch.setattr(QMessageBox, "clickedButton", answer)
    started = time.monotonic()
    database, where, read_only = server_dialog.open_server(proxy.url(name, "tdkt"))
    assert database is not None and not read_only and dbmod.is_server()
    assert time.monotonic() - started < 15          # libpq's 5-s timeout, then the box
    text, buttons = shown[0]
    assert len(shown) == 1 and "Không kết nối được máy chủ dữ liệu" in text
    assert "chế độ chỉ xem" in text and buttons == ["Thử lại", "Thoát"]   # no copy here
