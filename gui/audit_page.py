"""Tab "Nhật ký" of Cài đặt (leaders): who did what, when, old → new, reason; filters, Excel
export and the result of the hash-chain check."""

from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QSplitter, QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

from models import audit_log, vntext
from models.errors import UserError

from . import files, messages
from .background import Loader
from .table_model import Col, FilterTableModel
from .widgets import ErrorLabel, SearchBox, lay_out_now, make_table_view

ALL = "Tất cả"


def _when(value):
    return value.strftime("%d/%m/%Y %H:%M:%S") if hasattr(value, "strftime") else str(value)


class AuditModel(FilterTableModel):
    """(id, at, username, action name, target, old, new, reason, folded key)"""
    COLUMNS = [
        Col("Số", 0, 55, "right"),
        Col("Thời gian", 1, 140, fmt=_when),
        Col("Người làm", 2, 120),
        Col("Việc", 3, 170),
        Col("Đối tượng", 4, 130),
        Col("Trước", 5, 220),
        Col("Sau", 6, 220),
        Col("Lý do", 7, 160),
    ]
    KEYS_FOLDED = True

    def __init__(self, parent=None):
        super().__init__(parent)
        self.query = audit_log.AuditFilter()

    def load(self):
        return self.rows_for(self.query)

    @staticmethod
    def rows_for(query):
        """The rows of ``query`` (any thread: no Qt), in the order of COLUMNS."""
        return audit_log.table_rows(query)

    def key(self, row):
        return row[8]


class AuditTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = AuditModel(self)
        self.user = QComboBox()
        self.action = QComboBox()
        self.date_from = QLineEdit()
        self.date_to = QLineEdit()
        for box, hint in ((self.date_from, "từ ngày"), (self.date_to, "đến ngày")):
            box.setPlaceholderText(f"{hint} dd/mm/yyyy")
            box.setMinimumWidth(165)
            box.setMaximumWidth(190)
            box.editingFinished.connect(self.apply_filters)
        for combo in (self.user, self.action):    # filled when the log is read: sized then
            combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
            combo.addItem(ALL, "")
        self.user.currentIndexChanged.connect(self.apply_filters)
        self.action.currentIndexChanged.connect(self.apply_filters)
        self.search = SearchBox("Tìm trong nhật ký (gõ không dấu cũng được)…", self)
        self.search.search.connect(self._search)
        self.error = ErrorLabel()
        self.chain = QLabel()
        self.chain.setWordWrap(True)
        self.count = QLabel()
        check = QPushButton("Kiểm tra chuỗi mã")
        check.clicked.connect(self.check_chain)
        export = QPushButton("Xuất Excel…")
        export.clicked.connect(self.choose_and_export)
        self.view = make_table_view(self.model, self)
        self.view.selectionModel().currentRowChanged.connect(self._show_detail)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("Chọn một dòng để xem đầy đủ trước → sau.")

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Người làm:"))
        filters.addWidget(self.user)
        filters.addWidget(QLabel("Việc:"))
        filters.addWidget(self.action, 1)
        filters.addWidget(self.date_from)
        filters.addWidget(self.date_to)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(check)
        bottom.addWidget(export)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chain)
        layout.addLayout(filters)
        layout.addWidget(self.search)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.last_path = None
        # the log and its whole hash chain are read on the reading thread (issue 15: 1.4 s
        # on the window's time after a round of actions on a large commune's log)
        self.loader = Loader(self)
        self.choices_loader = Loader(self)
        self.chain_loader = Loader(self)
        # the chain is walked once the rows are shown and painted (_check_after_rows): at
        # load 1-1.5 a paint during the walk made the tab's first paint 0.15-0.5 s, not 40-60 ms
        self._checking()
        self._chain_after_rows = True
        self._read(choices=True, after_paint=True)
        self.watcher = ctx.on_change(self, lambda area: self.reload())

    def _fill_choices(self, usernames, actions):
        for combo, values, label in ((self.user, usernames, str),
                                     (self.action, actions, audit_log.action_label)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ALL, "")
            for value in values:
                combo.addItem(label(value), value)
            index = combo.findData(current) if current else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def reload(self):
        """Read the choices of the filters and the rows again (in the background)."""
        self._read(choices=True)

    def _read(self, *, choices, after_paint=False):
        query = self.model.query
        # a filter changed before a reload's read was sent: that read's choices still come
        self._choices_wanted = choices or getattr(self, "_choices_wanted", False)
        self.count.setText("Đang đọc nhật ký…")

        def fetch():
            rows = AuditModel.rows_for(query)
            return rows, [r[8] for r in rows]   # keys: folded by table_rows

        self.loader.start(fetch, self._show, after_paint=after_paint)

    def _show(self, fetched):
        self.model.show_rows(fetched)
        lay_out_now(self.view)
        self._count()
        if self._choices_wanted:
            # the filters' choices (every name and action of the whole log: two scans, 60 ms
            # on a 33,553-row log) are read after the rows are shown, then the chain
            self.choices_loader.start(lambda: (audit_log.usernames(), audit_log.actions()),
                                      self._show_choices)
        else:
            self._check_after_rows()

    def _show_choices(self, names):
        self._choices_wanted = False
        self._fill_choices(*names)
        self._check_after_rows()

    def _check_after_rows(self):
        # the chain is walked once what was read is shown and painted: a paint or a new
        # layout (the filters' boxes sized to their choices) while the reading thread runs
        # Python waits for its GIL at each of Qt's calls into the page's Python
        if self._chain_after_rows:
            self._chain_after_rows = False
            self.view.viewport().repaint()
            self.chain_loader.start(audit_log.verify_chain, self._show_chain, after_paint=True)

    def _date(self, box, label):
        text = box.text().strip()
        if not text:
            return None
        return vntext.parse_date(text, field=label)

    def apply_filters(self):
        try:
            date_from = self._date(self.date_from, "date_from")
            date_to = self._date(self.date_to, "date_to")
        except UserError as err:
            self.error.show_message(str(err))
            return
        self.error.show_message("")
        self.model.query = audit_log.AuditFilter(
            username=self.user.currentData() or "", action=self.action.currentData() or "",
            date_from=date_from, date_to=date_to)
        self._read(choices=False)

    def _search(self, text):
        self.model.set_filter(text)
        self._count()

    def _count(self):
        self.count.setText(f"{vntext.format_int(self.model.rowCount())} dòng nhật ký")

    def check_chain(self):
        """Walk the whole hash chain on the reading thread; the result is shown when ready."""
        self._checking()
        self.chain_loader.start(audit_log.verify_chain, self._show_chain)

    def _checking(self):
        self.chain_result = None
        self.chain.setText("Đang kiểm tra chuỗi mã của nhật ký…")
        self.chain.setStyleSheet("color: #555555;")

    def _show_chain(self, result):
        self.chain_result = result
        self.chain.setText(("✔ " if result.ok else "✘ ") + result.describe())
        self.chain.setStyleSheet("color: #1b5e20;" if result.ok
                                 else "color: #b00020; font-weight: bold;")

    def _show_detail(self, current, _previous=None):
        if not current.isValid():
            self.detail.clear()
            return
        row = self.model.row_at(current.row())
        self.detail.setPlainText(
            f"Dòng {row[0]} — {_when(row[1])} — {row[2]} — {row[3]} ({row[4]})\n"
            f"Trước: {row[5] or '—'}\nSau: {row[6] or '—'}\nLý do: {row[7] or '—'}")

    def current_filter(self):
        query = self.model.query
        return audit_log.AuditFilter(username=query.username, action=query.action,
                                     date_from=query.date_from, date_to=query.date_to,
                                     text=self.search.text())

    def choose_and_export(self):
        path, _ = files.save_name(self, "Lưu nhật ký ra Excel", "nhat-ky.xlsx",
                                  "Bảng tính Excel (*.xlsx)")
        if path:
            self.export_to(path)

    def export_to(self, path):
        from reports import audit_xlsx
        flt, actor = self.current_filter(), self.ctx.actor

        def work(progress):
            return audit_xlsx.export_audit_xlsx(path, actor=actor, flt=flt, progress=progress)

        def done(result):
            self.last_path = result
            messages.saved(self, result, f"Đã xuất nhật ký ra {result}")

        return self.ctx.run_task(self, "Đang xuất nhật ký…", work, on_done=done)
