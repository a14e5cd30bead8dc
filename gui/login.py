"""Sign-in dialog: returns the signed-in user or None."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QLineEdit)

from models import accounts
from models.errors import UserError

from .widgets import ErrorLabel


class LoginDialog(QDialog):
    def __init__(self, commune_name="", parent=None):
        super().__init__(parent)
        self.setWindowTitle("Đăng nhập — Thi đua - Khen thưởng")
        self.user = None
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.error = ErrorLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Đăng nhập")
        buttons.button(QDialogButtonBox.Cancel).setText("Thoát")
        buttons.accepted.connect(self._try)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        if commune_name:
            form.addRow(QLabel(f"<b>{commune_name}</b>"))
        form.addRow("Tên đăng nhập:", self.username)
        form.addRow("Mật khẩu:", self.password)
        form.addRow(self.error)
        form.addRow(buttons)

    def _try(self):
        QApplication.setOverrideCursor(Qt.WaitCursor)    # the slow KDF: about a second
        try:
            self.user = accounts.authenticate(self.username.text(), self.password.text())
        except UserError as err:
            QApplication.restoreOverrideCursor()
            self.error.show_message(str(err))
            self.password.selectAll()
            self.password.setFocus()
            return
        QApplication.restoreOverrideCursor()
        self.accept()

    @classmethod
    def ask(cls, commune_name="", parent=None):
        dialog = cls(commune_name, parent)
        return dialog.user if dialog.exec() else None
