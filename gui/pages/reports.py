"""Page "Báo cáo": the year's figures at a glance and Excel exports (annual report and lists)."""
import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QSpinBox, QTableView, QVBoxLayout,
                               QWidget)

from models import statistics, vntext
from models.entities import SUBJECT_KINDS
from models.errors import UserError
from reports import exports

from .. import files, messages
from ..background import Loader

FILE_NAMES = {"registrations": "danh-sach-dang-ky", "scores": "ket-qua-cham-diem",
              "awards": "danh-sach-khen-thuong", "annual": "bao-cao-tong-ket"}


class FiguresModel(QAbstractTableModel):
    """Nội dung | this year | previous year | change."""

    COLUMNS = ("Nội dung", "", "", "Tăng/giảm")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows, self.year = [], None

    def load(self, year):
        self.show_rows(year, self.read(year))

    @staticmethod
    def read(year):
        """The figures' rows of ``year``: any thread (a large commune's summary is ~0.15 s
        of SQL, read in the background by the page)."""
        s = statistics.annual_summary(year)
        cur, prev = s.current, s.previous
        rows = [("Số quyết định khen thưởng", cur.decisions, prev.decisions),
                ("Số lượt khen thưởng", cur.awards, prev.awards)]
        rows += [(f"   {SUBJECT_KINDS[k]}", cur.by_kind[k], prev.by_kind[k])
                 for k in statistics.KIND_ORDER]
        rows += [("Tổng tiền thưởng (đồng)", cur.amount, prev.amount),
                 ("Số đăng ký thi đua (không tính bị trả lại)", cur.registrations,
                  prev.registrations)]
        return rows

    def show_rows(self, year, rows):
        self.beginResetModel()
        self.year, self.rows = year, rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 4

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role != Qt.DisplayRole or orientation != Qt.Horizontal:
            return None
        if section == 1:
            return f"Năm {self.year}"
        if section == 2:
            return f"Năm {self.year - 1}" if self.year else ""
        return self.COLUMNS[section]

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        label, now, before = self.rows[index.row()]
        c = index.column()
        if role == Qt.DisplayRole:
            if c == 0:
                return label
            value = (now, before, now - before)[c - 1]
            text = vntext.format_int(value)
            return f"+{text}" if c == 3 and value > 0 else text
        if role == Qt.TextAlignmentRole and c > 0:
            return Qt.AlignRight | Qt.AlignVCenter
        return None


class ReportsPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.worker = None
        self.last_path = None
        layout = QVBoxLayout(self)

        row = QHBoxLayout()
        row.addWidget(QLabel("Năm:"))
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(statistics.latest_year() or datetime.date.today().year)
        self.year_spin.valueChanged.connect(self.refresh)
        row.addWidget(self.year_spin)
        row.addStretch(1)
        layout.addLayout(row)

        figures = QGroupBox("Số liệu thi đua, khen thưởng trong năm")
        fl = QVBoxLayout(figures)
        self.model = FiguresModel(self)
        self.model.year = self.year_spin.value()      # its headers until the figures come
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setSelectionMode(QTableView.NoSelection)
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        for c in (1, 2, 3):
            self.view.setColumnWidth(c, 150)
        fl.addWidget(self.view)
        layout.addWidget(figures, 1)

        export_box = QGroupBox("Xuất ra Excel")
        el = QVBoxLayout(export_box)
        row = QHBoxLayout()
        row.addWidget(QLabel("Loại:"))
        self.kind_combo = QComboBox()
        for key, label in exports.KINDS.items():
            self.kind_combo.addItem(label, key)
        self.kind_combo.setCurrentIndex(list(exports.KINDS).index("annual"))
        row.addWidget(self.kind_combo)
        self.export_button = QPushButton("Xuất Excel…")
        self.export_button.clicked.connect(self.choose_and_export)
        row.addWidget(self.export_button)
        self.open_button = QPushButton("Mở tệp vừa xuất")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_last)
        row.addWidget(self.open_button)
        row.addStretch(1)
        el.addLayout(row)
        note = QLabel("Tệp Excel có tên xã, tiêu đề, dòng ngày tháng, phông Times New Roman, "
                      "khổ A4 ngang, dòng tiêu đề lặp lại khi in. Báo cáo tổng kết năm có các "
                      "trang: Tổng hợp (so sánh với năm trước), Theo danh hiệu, Theo đơn vị, "
                      "Theo quyết định.")
        note.setWordWrap(True)
        el.addWidget(note)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        el.addWidget(self.status)
        layout.addWidget(export_box)
        layout.addWidget(self._statistics_box())

        self.loader = Loader(self)
        ctx.on_change(self, lambda area: self.refresh())
        self.refresh()

    def _statistics_box(self):
        """Issue 17: biểu 0601.N and 0603.N of the year, as Excel or Word."""
        box = QGroupBox("Báo cáo thống kê gửi cấp trên (biểu 0601.N, 0603.N)")
        row = QHBoxLayout(box)
        self.stat_buttons = {}
        for ext, text in (("xlsx", "Xuất Excel…"), ("docx", "Xuất Word…")):
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, e=ext: self.choose_statistics(e))
            self.stat_buttons[ext] = b
            row.addWidget(b)
        note = QLabel("Số phong trào thi đua và số lượng khen thưởng theo đối tượng, phương "
                      "thức; tính từ các quyết định đang có hiệu lực, khớp với báo cáo tổng kết.")
        note.setWordWrap(True)
        row.addWidget(note, 1)
        return box

    def choose_statistics(self, ext):
        year = self.year_spin.value()
        path, _ = files.save_name(self, "Lưu báo cáo thống kê", f"bao-cao-thong-ke-{year}.{ext}",
                                  "Bảng tính Excel (*.xlsx)" if ext == "xlsx"
                                  else "Văn bản Word (*.docx)")
        if path:
            self.export_statistics(path)

    def export_statistics(self, path):
        from reports.statistics_report import export_statistics
        try:
            result = export_statistics(path=path, year=self.year_spin.value())
        except UserError as err:
            messages.show_error(self, err)
            return None
        self.last_path = result
        self.open_button.setEnabled(True)
        self.status.setText(f"Đã xuất {result}")
        return result

    def refresh(self, *_):
        year = self.year_spin.value()
        self.loader.start(lambda: FiguresModel.read(year),
                          lambda rows: self.model.show_rows(year, rows))

    def kind(self):
        return self.kind_combo.currentData()

    def choose_and_export(self):
        name = f"{FILE_NAMES[self.kind()]}-{self.year_spin.value()}.xlsx"
        path, _ = files.save_name(self, "Lưu tệp Excel", name, "Bảng tính Excel (*.xlsx)")
        if path:
            self.export_to(path)

    def export_to(self, path):
        kind, year = self.kind(), self.year_spin.value()
        self.status.setText("Đang xuất…")

        def work(progress):
            return exports.export(kind=kind, path=path, year=year, progress=progress)

        def done(result):
            self.last_path = result
            self.open_button.setEnabled(True)
            self.status.setText(f"Đã xuất {result}")

        def failed(err):
            self.status.setText(f"Chưa xuất được: {err}")
            messages.show_error(self, err)

        self.worker = self.ctx.run_task(self, "Đang xuất Excel…", work, on_done=done,
                                        on_error=failed)

    def open_last(self):
        if self.last_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.last_path))
