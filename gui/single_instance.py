"""One running program per data file: a second start brings the first window forward.

The first program listens on a local socket (a named pipe on Windows) whose name comes from
the data file's path and the user; a second start of the same file connects, asks the first
to come forward, gets "ok" and ends — the file is never opened twice on one PC. A stale
socket left by a crash is removed and taken over.
"""
import getpass
import hashlib
import logging
import os
import sys

from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

REQUEST = b"show\n"
REPLY = b"ok\n"


def server_name(db_path):
    """The same name for the same file (case-insensitively on Windows) and user."""
    path = os.path.normcase(os.path.abspath(str(db_path)))
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in the environment: path alone
        user = ""
    digest = hashlib.sha256(f"{user}\0{path}".encode("utf-8")).hexdigest()[:20]
    return f"thiduakhenthuong-{digest}"


def ask_running_to_come_forward(db_path, timeout_ms=2000):
    """True when a program with this data file is running and came forward."""
    sock = QLocalSocket()
    sock.connectToServer(server_name(db_path))
    if not sock.waitForConnected(timeout_ms):
        return False
    if sys.platform == "win32":
        # The starting program owns the foreground; let the running one take it.
        import ctypes
        ctypes.windll.user32.AllowSetForegroundWindow(-1)      # ASFW_ANY
    sock.write(REQUEST)
    sock.flush()
    answered = b""
    while REPLY not in answered and sock.waitForReadyRead(timeout_ms):
        answered += bytes(sock.readAll())
    sock.disconnectFromServer()
    return REPLY in answered


def bring_forward():
    """Raise the window the clerk would expect: a dialog that is open, else the main one."""
    app = QApplication.instance()
    widget = app.activeModalWidget() or next(
        (w for w in app.topLevelWidgets() if w.isVisible() and w.isWindow()
         and w.inherits("QMainWindow")), None) or next(
        (w for w in app.topLevelWidgets() if w.isVisible() and w.isWindow()), None)
    if widget is None:
        return None
    if widget.isMinimized():
        widget.showNormal()
    widget.raise_()
    widget.activateWindow()
    return widget


class InstanceServer(QLocalServer):
    """Listens for later starts of the same data file; each one calls ``on_request``."""

    def __init__(self, db_path, on_request=bring_forward, parent=None):
        super().__init__(parent)
        self.on_request = on_request
        self.name = server_name(db_path)
        self.newConnection.connect(self._accept)

    def start(self):
        if not self.listen(self.name):
            QLocalServer.removeServer(self.name)          # stale socket from a crash
            if not self.listen(self.name):
                log.warning("single-instance server not started: %s", self.errorString())
                return False
        log.info("single-instance server listening as %s", self.name)
        return True

    def _accept(self):
        while self.hasPendingConnections():
            sock = self.nextPendingConnection()
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(sock.deleteLater)

    def _read(self, sock):
        if REQUEST.strip() not in bytes(sock.readAll()):
            return
        sock.write(REPLY)
        sock.flush()
        widget = self.on_request()
        log.info("a second start of this data file: brought %s forward",
                 widget.windowTitle() if widget is not None else "nothing")
