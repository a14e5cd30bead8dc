"""Dialog "Nhập từ Excel": choose a file and sheet, preview with problems marked, then import."""
import os

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QTableView,
                               QVBoxLayout)

from models.errors import UserError
from reports import importer

from . import files, messages

PROBLEM_BG = QColor("#f8d0d0")
CONVERTED_BG = QColor("#d6e8fb")
DUPLICATE_BG = QColor("#fff1b8")
TITLES = {"units": "Nhập đơn vị từ Excel", "people": "Nhập cá nhân từ Excel",
          "households": "Nhập hộ gia đình từ Excel", "criteria": "Nhập bảng tiêu chí từ Excel",
          "targets": "Nhập chỉ tiêu từ Excel"}


class PreviewModel(QAbstractTableModel):
    """Rows of a Preview: row number, the mapped columns, and a note column."""

    ROW, FIRST_FIELD = 0, 1

    def __init__(self, preview=None, parent=None):
        super().__init__(parent)
        self.set_preview(preview)

    def set_preview(self, preview):
        self.beginResetModel()
        self.preview = preview
        if preview is None:
            self.fields, self.labels, self.rows = [], [], []
        else:
            table = preview.table
            specs = [s for s in table.specs if s.field in table.columns]
            self.fields = [s.field for s in specs]
            self.labels = [f"{s.label}\n(cột {table.column_letter(s.field)})" for s in specs]
            self.rows = table.rows
            self.problems = [
                {p.field: p for p in row.problems if p.field} for row in self.rows]
        self.endResetModel()

    @property
    def note_column(self):
        return len(self.fields) + 1

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() or self.preview is None else len(self.fields) + 2

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role != Qt.DisplayRole or orientation != Qt.Horizontal:
            return None
        if section == self.ROW:
            return "Dòng"
        if section == self.note_column:
            return "Lỗi / ghi chú"
        return self.labels[section - 1]

    def _note(self, r):
        row = self.rows[r]
        parts = [p.message for p in row.problems]
        dup = self.preview.duplicates.get(row.number)
        if dup:
            parts.append(dup)
        return " ".join(parts)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        row = self.rows[r]
        if c == self.ROW:
            if role == Qt.DisplayRole:
                return row.number
            if role == Qt.BackgroundRole:
                if row.problems:
                    return QBrush(PROBLEM_BG)
                if row.number in self.preview.duplicates:
                    return QBrush(DUPLICATE_BG)
            if role == Qt.ToolTipRole:
                return self._note(r) or None
            return None
        if c == self.note_column:
            if role == Qt.DisplayRole:
                return self._note(r)
            if role == Qt.ToolTipRole:
                return self._note(r) or None
            if role == Qt.ForegroundRole and row.problems:
                return QBrush(QColor("#a00000"))
            return None
        field = self.fields[c - 1]
        problem = self.problems[r].get(field)
        if role == Qt.DisplayRole:
            return row.shown.get(field, "")
        if role == Qt.BackgroundRole:
            if problem is not None:
                return QBrush(PROBLEM_BG)
            if field in row.converted:
                return QBrush(CONVERTED_BG)
        if role == Qt.ToolTipRole:
            if problem is not None:
                return str(problem)
            if field in row.converted:
                return f"Đã chuyển từ mã {row.converted[field]} sang Unicode."
        return None


class ProblemFilter(QSortFilterProxyModel):
    only_problems = False

    def filterAcceptsRow(self, source_row, source_parent):
        if not self.only_problems:
            return True
        model = self.sourceModel()
        row = model.rows[source_row]
        return bool(row.problems) or row.number in model.preview.duplicates


class ImportDialog(QDialog):
    """Use ``ImportDialog.run(parent, ctx, kind)``; True when something was imported."""

    def __init__(self, ctx, kind, parent=None):
        super().__init__(parent)
        self.ctx, self.kind = ctx, kind
        self.path = None
        self.preview = None
        self.result = None
        self.imported = False
        self.worker = None
        self.setWindowTitle(TITLES.get(kind, "Nhập từ Excel"))
        self.resize(1000, 620)
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        top.addWidget(QLabel("Tệp Excel:"))
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("Chưa chọn tệp (.xlsx)")
        top.addWidget(self.file_edit, 1)
        self.choose_button = QPushButton("Chọn tệp…")
        self.choose_button.clicked.connect(self.choose_file)
        top.addWidget(self.choose_button)
        self.template_button = QPushButton("Tải tệp mẫu…")
        self.template_button.setToolTip("Lưu một tệp Excel trống có sẵn tên cột và hướng dẫn.")
        self.template_button.clicked.connect(self.save_template)
        top.addWidget(self.template_button)
        layout.addLayout(top)

        second = QHBoxLayout()
        second.addWidget(QLabel("Trang tính:"))
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumWidth(200)
        self.sheet_combo.activated.connect(self._sheet_chosen)
        second.addWidget(self.sheet_combo)
        self.only_problems = QCheckBox("Chỉ hiện dòng có lỗi hoặc có thể trùng")
        self.only_problems.toggled.connect(self._filter_changed)
        second.addWidget(self.only_problems)
        second.addStretch(1)
        legend = QLabel("<span style='background:#f8d0d0'>&nbsp;lỗi&nbsp;</span> "
                        "<span style='background:#d6e8fb'>&nbsp;đã chuyển mã cũ&nbsp;</span> "
                        "<span style='background:#fff1b8'>&nbsp;có thể trùng&nbsp;</span>")
        second.addWidget(legend)
        layout.addLayout(second)

        self.summary = QLabel("Chọn tệp Excel để xem trước. Chưa có gì được nhập cho đến khi "
                              "bạn bấm nút nhập.")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.model = PreviewModel(parent=self)
        self.proxy = ProblemFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(False)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setDefaultAlignment(Qt.AlignCenter)
        self.view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.view, 1)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.all_button = QPushButton("Nhập tất cả")
        self.all_button.clicked.connect(self.import_all)
        self.valid_button = QPushButton("Chỉ nhập các dòng hợp lệ")
        self.valid_button.clicked.connect(self.import_valid)
        close = QPushButton("Đóng")
        close.clicked.connect(self.reject)
        for b in (self.all_button, self.valid_button, close):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self._update_buttons()

    # ------------------------------------------------------------------ entry point

    @classmethod
    def run(cls, parent, ctx, kind):
        dialog = cls(ctx, kind, parent)
        dialog.exec()
        return dialog.imported

    # ------------------------------------------------------------------ file and template

    def choose_file(self):
        start = os.path.dirname(self.path) if self.path else os.path.expanduser("~")
        path, _ = files.open_name(self, "Chọn tệp Excel", start,
                                              "Bảng tính Excel (*.xlsx *.xlsm *.xls);;"
                                              "Mọi tệp (*)")
        if path:
            self.load(path)

    def save_template(self):
        from reports import templates_xlsx
        start = os.path.join(os.path.expanduser("~"), templates_xlsx.default_file_name(self.kind))
        path, _ = files.save_name(self, "Lưu tệp mẫu", start,
                                              "Bảng tính Excel (*.xlsx)")
        if not path:
            return
        try:
            saved = templates_xlsx.write_template(self.kind, path)
        except UserError as err:
            messages.show_error(self, err)
            return
        messages.info(self, f"Đã lưu tệp mẫu {saved}. Hãy điền danh sách vào trang đầu "
                            "rồi chọn tệp đó để nhập.")

    def load(self, path, sheet=None):
        """Read ``path`` (in the background) and show the preview."""
        self.path = str(path)
        self.file_edit.setText(self.path)
        self.preview = None
        self.model.set_preview(None)
        self._update_buttons()
        if self.kind not in importer.OWN_KINDS:
            self.summary.setText("Tệp sẽ được kiểm tra khi nhập; nếu có lỗi, phần mềm báo rõ "
                                 "dòng và cột và không nhập gì.")
            self._update_buttons()
            return
        self.summary.setText("Đang đọc tệp…")

        def work(progress):
            return importer.preview(self.kind, self.path, sheet=sheet, progress=progress)

        self.worker = self.ctx.run_task(self, "Đang đọc và kiểm tra tệp…", work,
                                        on_done=self._show_preview, on_error=self._failed)

    def _failed(self, err):
        self.summary.setText(f"<span style='color:#a00000'>{_html(str(err))}</span>")
        self._update_buttons()

    def _show_preview(self, preview):
        self.preview = preview
        self.model.set_preview(preview)
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(preview.table.sheet_names)
        self.sheet_combo.setCurrentText(preview.sheet)
        self.sheet_combo.blockSignals(False)
        lines = [_html(preview.describe())]
        if preview.table.header_row:
            lines.append(f"Dòng tiêu đề cột: dòng {preview.table.header_row}.")
        for p in preview.file_problems:
            lines.append(f"<span style='color:#a00000'>{_html(str(p))}</span>")
        if preview.problems and not preview.file_problems:
            lines.append("<span style='color:#a00000'>Có lỗi: sửa tệp rồi chọn lại, hoặc chỉ "
                         "nhập các dòng hợp lệ. Rê chuột lên ô tô đỏ để xem lỗi.</span>")
        self.summary.setText("<br>".join(lines))
        # widths from the first rows only: measuring all 20,000 of a big list takes seconds
        self.view.horizontalHeader().setResizeContentsPrecision(200)
        self.view.resizeColumnsToContents()
        for c in range(self.model.columnCount() - 1):
            if self.view.columnWidth(c) > 260:
                self.view.setColumnWidth(c, 260)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self._update_buttons()

    def _sheet_chosen(self, _index):
        if self.path:
            self.load(self.path, sheet=self.sheet_combo.currentText())

    def _filter_changed(self, checked):
        self.proxy.beginFilterChange()
        self.proxy.only_problems = checked
        self.proxy.endFilterChange()

    def _update_buttons(self):
        pv = self.preview
        editable = self.ctx.can_edit
        if self.kind not in importer.OWN_KINDS:
            self.all_button.setEnabled(editable and bool(self.path))
            self.valid_button.setEnabled(editable and bool(self.path))
            self.valid_button.setText("Chỉ nhập các dòng hợp lệ")
            return
        self.all_button.setEnabled(editable and pv is not None and pv.can_import_all)
        valid = len(pv.records) if pv is not None else 0
        self.valid_button.setEnabled(editable and pv is not None and bool(pv.problems)
                                     and valid > 0)
        self.valid_button.setText(f"Chỉ nhập các dòng hợp lệ ({valid})" if pv is not None
                                  and pv.problems else "Chỉ nhập các dòng hợp lệ")

    # ------------------------------------------------------------------ import

    def import_all(self):
        self._import(only_valid=False)

    def import_valid(self):
        pv = self.preview
        if pv is not None:
            bad = len(pv.rows) - len(pv.records)
            text = (f"Chỉ nhập {len(pv.records)} dòng hợp lệ và bỏ qua {bad} dòng có lỗi? "
                    "Các dòng bị bỏ qua sẽ không có trong dữ liệu; bạn có thể sửa tệp và nhập "
                    "riêng chúng sau.")
        else:
            text = "Chỉ nhập các dòng hợp lệ và bỏ qua các dòng có lỗi?"
        if not messages.confirm(self, text, yes="Chỉ nhập dòng hợp lệ", no="Không"):
            return
        self._import(only_valid=True)

    def _import(self, *, only_valid):
        sheet = self.preview.sheet if self.preview is not None else None
        kind, path, actor = self.kind, self.path, self.ctx.actor

        def work(progress):
            return importer.import_file(kind=kind, path=path, actor=actor,
                                        only_valid=only_valid, sheet=sheet, progress=progress)

        self.worker = self.ctx.run_task(self, "Đang nhập…", work, on_done=self._imported)

    def _imported(self, result):
        self.result = result
        self.imported = True
        self.ctx.changed("org" if self.kind in importer.OWN_KINDS else "movements")
        summary = result.summary() if hasattr(result, "summary") else str(result)
        messages.info(self, summary, title="Đã nhập xong")
        self.accept()


def _html(text):
    from html import escape
    return escape(text)
