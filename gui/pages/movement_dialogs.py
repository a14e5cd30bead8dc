"""Dialogs of the page "Phong trào": a small form helper (ask → save, the form comes back
with the message on a UserError) and the paste-the-targets dialog with its preview."""
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QSplitter, QTableView, QVBoxLayout)

from models import movements as mv
from models import vntext
from models.errors import UserError

from ..table_model import RowsModel
from ..widgets import ErrorLabel


def _date(d):
    return vntext.format_date(d) if d else ""


def _num(value):
    return "" if value is None else vntext.format_decimal(value)


# --------------------------------------------------------------------------- dialogs

class FormDialog(QDialog):
    """A simple form: ``fields`` = [(key, label, widget)]; ``ask`` returns {key: text}."""

    def __init__(self, parent, title, fields, error=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(640)
        self.widgets = {}
        form = QFormLayout()
        for key, label, widget in fields:
            form.addRow(label, widget)
            self.widgets[key] = widget
        self.error = ErrorLabel(self)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Lưu")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if error is not None:
            self.error.show_message(str(error))
            w = self.widgets.get(getattr(error, "field", None))
            if w is not None:
                w.setFocus()

    def values(self):
        out = {}
        for key, w in self.widgets.items():
            if isinstance(w, QComboBox):
                out[key] = w.currentData()
            elif isinstance(w, QPlainTextEdit):
                out[key] = w.toPlainText()
            else:
                out[key] = w.text()
        return out

    @classmethod
    def ask(cls, parent, title, fields, error=None):
        dialog = cls(parent, title, fields, error)
        return dialog.values() if dialog.exec() == QDialog.Accepted else None


def line(text=""):
    w = QLineEdit()
    w.setText("" if text is None else str(text))
    w.setCursorPosition(0)          # show the start of a long text
    return w


def combo(items, current=None):
    w = QComboBox()
    for value, label in items:
        w.addItem(label, value)
    if current is not None:
        i = w.findData(current)
        if i >= 0:
            w.setCurrentIndex(i)
    return w


def save_loop(parent, build_fields, title, save):
    """Ask → save; a UserError reopens the form with the message (typed text kept)."""
    data, error = None, None
    while True:
        fields = build_fields(data)
        data = FormDialog.ask(parent, title, fields, error)
        if data is None:
            return None
        try:
            return save(data)
        except UserError as err:
            error = err


def movement_fields(m=None, parents=()):
    def val(key, default=""):
        return getattr(m, key) if m is not None else default
    return lambda d: [
        ("name", "Tên phong trào:", line(d["name"] if d else val("name"))),
        ("kind", "Loại:", combo(list(mv.KINDS.items()), d["kind"] if d else val("kind",
                                                                                 "regular"))),
        ("parent", "Thuộc phong trào:", combo([(None, "(không)")] + [(p.id, p.name)
                                                                    for p in parents],
                                              d["parent"] if d else val("parent_id", None))),
        ("year_from", "Từ năm:", line(d["year_from"] if d else val("year_from"))),
        ("year_to", "Đến năm:", line(d["year_to"] if d else val("year_to"))),
        ("theme", "Chủ đề:", line(d["theme"] if d else val("theme"))),
        ("slogan", "Khẩu hiệu:", line(d["slogan"] if d else val("slogan"))),
        ("doc_number", "Số kế hoạch phát động:", line(d["doc_number"] if d else val(
            "doc_number"))),
        ("doc_date", "Ngày văn bản:", line(d["doc_date"] if d else _date(val("doc_date", None)))),
        ("doc_signer", "Người ký:", line(d["doc_signer"] if d else val("doc_signer"))),
        ("description", "Nội dung:", _text_box(d["description"] if d else val("description"))),
    ]


def _text_box(text):
    w = QPlainTextEdit()
    w.setTabChangesFocus(True)   # Tab goes to the next field
    w.setPlainText(text or "")
    w.setFixedHeight(90)
    return w


# --------------------------------------------------------------------------- paste targets

class ParsedModel(RowsModel):
    HEADERS = ["STT", "Chỉ tiêu", "Giá trị", "ĐVT", "Chiều", "Nhóm", "Ghi chú"]

    def __init__(self, rows=()):
        super().__init__(rows)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.DisplayRole:
            return [r["code"], r["name"], _num(r["value"]) or r["value_text"], r["measure"],
                    mv.DIRECTIONS[r["direction"]], r["group"], r["warning"]][index.column()]
        if role == Qt.ToolTipRole:
            return r["warning"] if index.column() == 6 else r["value_text"] or None
        if role == Qt.ForegroundRole and index.column() == 6 and r["warning"]:
            return QBrush(QColor("#8a5a00"))
        return None


class PasteTargetsDialog(QDialog):
    """Paste the targets of a plan; see the parsed rows and the lines that could not be read."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Dán danh sách chỉ tiêu")
        self.resize(980, 620)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)   # Tab goes to the next field
        self.text.setPlaceholderText(
            "Dán các dòng chỉ tiêu từ kế hoạch, mỗi chỉ tiêu một dòng, ví dụ:\n"
            "(10) Giải quyết việc làm trong năm: 1.600 người\n"
            "(15) Tỷ lệ gia đình văn hóa: 85%")
        self.text.textChanged.connect(self.parse)
        self.model = ParsedModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        for i, w in enumerate((45, 330, 90, 80, 130, 130, 200)):
            self.view.setColumnWidth(i, w)
        self.summary = QLabel()
        self.problems = QLabel()
        self.problems.setStyleSheet("color: #b00020;")
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok = buttons.button(QDialogButtonBox.Ok)
        self.ok.setText("Lưu các chỉ tiêu đọc được")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.text)
        split.addWidget(self.view)
        split.setSizes([220, 360])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.rows, self.bad = [], []
        self.parse()

    def parse(self):
        self.rows, self.bad = mv.parse_target_lines(self.text.toPlainText())
        self.model.beginResetModel()
        self.model.rows = self.rows
        self.model.endResetModel()
        self.summary.setText(f"Đọc được {len(self.rows)} chỉ tiêu"
                             + (f"; {len(self.bad)} dòng không đọc được (xem dưới, các dòng "
                                "khác vẫn được giữ)." if self.bad else "."))
        self.problems.setText("\n".join(str(p) for p in self.bad[:12])
                              + ("\n…" if len(self.bad) > 12 else ""))
        self.problems.setVisible(bool(self.bad))
        self.ok.setEnabled(bool(self.rows))

    @classmethod
    def ask(cls, parent, text=""):
        dialog = cls(parent)
        dialog.text.setPlainText(text)
        return dialog.rows if dialog.exec() == QDialog.Accepted else None
