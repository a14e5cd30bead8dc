"""'Dùng máy chủ dữ liệu trong cơ quan': the server form, and the password asked at start."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QCheckBox, QDialog, QDialogButtonBox, QFormLayout,
                               QLabel, QLineEdit, QPushButton, QSpinBox)

from models import server_settings
from models.errors import UserError

from .widgets import ErrorLabel

INTRO = ("Nhiều máy trong cơ quan cùng làm việc trên một cơ sở dữ liệu PostgreSQL đặt ở máy "
         "chủ của cơ quan. Người quản trị cho biết địa chỉ, tên cơ sở dữ liệu và tài khoản "
         "(xem README, mục máy chủ dữ liệu). Mật khẩu không ghi ra tệp: được giữ trong kho "
         "mật khẩu của hệ điều hành nếu chọn ghi nhớ, nếu không sẽ hỏi mỗi lần mở.")


class ServerDialog(QDialog):
    """Returns {host, port, database, user, password, remember} or {"forget": True}."""

    def __init__(self, choice=None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Dùng máy chủ dữ liệu trong cơ quan")
        self.result_data = None
        choice = choice or {}
        self.host = QLineEdit(choice.get("host", ""))
        self.host.setPlaceholderText("ví dụ: 192.168.1.10 hoặc may-chu")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(int(choice.get("port", 5432)))
        self.database = QLineEdit(choice.get("database", "thiduakhenthuong"))
        self.user = QLineEdit(choice.get("user", ""))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.remember = QCheckBox("Ghi nhớ mật khẩu trên máy này (kho mật khẩu của hệ điều hành)")
        self.error = ErrorLabel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Dùng máy chủ này")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        self.test_button = QPushButton("Kiểm tra kết nối")
        buttons.addButton(self.test_button, QDialogButtonBox.ActionRole)
        self.test_button.clicked.connect(self._test)
        if choice:
            forget = QPushButton("Thôi dùng máy chủ (dùng tệp trên máy)")
            buttons.addButton(forget, QDialogButtonBox.ResetRole)
            forget.clicked.connect(self._forget)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow("Địa chỉ máy chủ:", self.host)
        form.addRow("Cổng:", self.port)
        form.addRow("Cơ sở dữ liệu:", self.database)
        form.addRow("Tên đăng nhập:", self.user)
        form.addRow("Mật khẩu:", self.password)
        form.addRow(self.remember)
        form.addRow(self.status)
        form.addRow(self.error)
        form.addRow(buttons)
        self.setMinimumWidth(520)

    def _values(self):
        choice = server_settings.clean_choice(host=self.host.text(), port=self.port.value(),
                                              database=self.database.text(),
                                              user=self.user.text())
        return choice, self.password.text()

    def _test(self):
        self.error.show_message("")
        try:
            choice, password = self._values()
            QApplication.setOverrideCursor(Qt.WaitCursor)
            try:
                server_settings.test_connection(server_settings.url_of(choice), password)
            finally:
                QApplication.restoreOverrideCursor()
        except UserError as err:
            self.status.setText("")
            self.error.show_message(str(err))
            return False
        self.error.show_message("")
        self.status.setText("Kết nối được máy chủ.")
        return True

    def _accept(self):
        try:
            choice, password = self._values()
        except UserError as err:
            self.error.show_message(str(err))
            return
        self.result_data = dict(choice, password=password, remember=self.remember.isChecked())
        self.accept()

    def _forget(self):
        self.result_data = {"forget": True}
        self.accept()

    @classmethod
    def ask(cls, parent=None, choice=None):
        dialog = cls(choice, parent)
        return dialog.result_data if dialog.exec() else None


def ask_password(parent, url, *, wrong=False):
    """The server password for ``url`` (None when the clerk cancels)."""
    from models.db_pg import describe_url
    label = (("Mật khẩu vừa nhập không đúng. " if wrong else "")
             + f"Mật khẩu máy chủ dữ liệu {describe_url(url)}:")
    dialog = QDialog(parent)
    dialog.setWindowTitle("Máy chủ dữ liệu — mật khẩu")
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.Password)
    buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    buttons.button(QDialogButtonBox.Ok).setText("Kết nối")
    buttons.button(QDialogButtonBox.Cancel).setText("Thoát")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form = QFormLayout(dialog)
    text = QLabel(label)
    text.setWordWrap(True)
    form.addRow(text)
    form.addRow(edit)
    form.addRow(buttons)
    return edit.text() if dialog.exec() else None


UNREACHABLE_COPY = "Xem bản sao trong máy (chỉ xem)"


def open_server(url, *, quick_check=False):
    """Open the office server at start: the remembered password or ask for it, and when the
    server cannot be reached offer to retry or to look at this PC's newest copy (read-only).

    Returns (database, where, read_only): ``where`` is the URL, or the copy's path.
    """
    from PySide6.QtWidgets import QMessageBox
    from models import db as dbmod
    from models import db_pg
    from models.errors import DatabaseError
    from . import messages
    password = server_settings.stored_password(url)
    asked = False
    while True:
        try:
            return dbmod.open_database(url, password=password, quick_check=quick_check), url, \
                False
        except db_pg.WrongPassword:
            password = ask_password(None, url, wrong=asked)
            asked = True
            if password is None:
                return None, url, False
        except db_pg.ServerUnreachable as err:
            copy = newest_local_copy()
            box = QMessageBox(QMessageBox.Warning, "Không kết nối được máy chủ dữ liệu", str(err))
            retry = box.addButton("Thử lại", QMessageBox.AcceptRole)
            look = box.addButton(UNREACHABLE_COPY, QMessageBox.ActionRole) if copy else None
            box.addButton("Thoát", QMessageBox.RejectRole)
            box.exec()
            if box.clickedButton() is retry:
                continue
            if look is not None and box.clickedButton() is look:
                path = _viewing_copy(copy)
                try:
                    return dbmod.open_database(path, read_only=True), path, True
                except DatabaseError as exc:
                    messages.show_error(None, exc)
                    continue
            return None, url, False
        except DatabaseError as err:
            messages.show_error(None, err)
            return None, url, False


COPY_PREFIX = "tdkt-ban-sao-"
COPY_KEPT_S = 24 * 3600
_copies = []


def _viewing_copy(copy):
    """A copy of the backup ``copy`` to open read-only, in a temporary folder of its own
    that goes when the program ends (``remove_copies``). Folders an earlier run could not
    remove (a crash; Windows keeps an open file) go at the next look once a day old."""
    import os
    import shutil
    import tempfile
    import time
    base = tempfile.gettempdir()
    for name in os.listdir(base):
        old = os.path.join(base, name)
        try:
            stale = name.startswith(COPY_PREFIX) and time.time() - os.path.getmtime(old) > \
                COPY_KEPT_S
        except OSError:
            continue
        if stale:
            shutil.rmtree(old, ignore_errors=True)
    folder = tempfile.mkdtemp(prefix=COPY_PREFIX)
    if not _copies:
        import atexit
        atexit.register(remove_copies)
    _copies.append(folder)
    path = os.path.join(folder, os.path.basename(copy))
    shutil.copyfile(copy, path)
    return path


def remove_copies():
    """Remove the read-only copies this run made (at exit; the database is closed first
    when it is one of them)."""
    import shutil
    from models import db as dbmod
    while _copies:
        folder = _copies.pop()
        where = dbmod.db.obj.database if dbmod.db.obj is not None else ""
        if folder in str(where):
            dbmod.close_database()
        shutil.rmtree(folder, ignore_errors=True)


def newest_local_copy():
    """The newest backup of the server on this PC (automatic or manual), or None."""
    import os
    from models import paths
    folder = paths.backup_dir()
    files = [os.path.join(folder, f) for f in os.listdir(folder)
             if f.endswith(".sqlite3") and not f.startswith(".tmp-")]
    return max(files, key=os.path.getmtime) if files else None


def read_only_viewer():
    """The unstored viewer who looks at a local copy: every save is refused."""
    from models.entities import User
    return User(username="xem-ban-sao", full_name="Bản sao chỉ xem", role="viewer")
