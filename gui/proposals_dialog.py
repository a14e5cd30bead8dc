"""Dialog "Nhập danh sách đề nghị": a unit's proposal list → candidates (or a draft decision).

The clerk picks the file, the movement and year (and optionally the unit that sent the list
and a draft decision); the preview shows what each row matched, what will be created, and
every problem marked on its cell. Rows whose name fits several records (or a namesake
elsewhere) can be decided with "Chọn đối tượng…". Import is all or nothing.
"""
import datetime
import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QComboBox, QDialog, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout)

from models import candidates, decisions, org, proposals
from models.entities import SUBJECT_KINDS
from reports import proposals_import

from . import files, messages
from .import_dialog import PROBLEM_BG, _html
from .table_model import RowsModel
from .widgets import make_table_view

NEW_BG = QColor("#d9f2d0")
CHOSEN_BG = QColor("#d6e8fb")
MUTED = QBrush(QColor("#707070"))


class ProposalPreviewModel(RowsModel):
    """Data rows of a ProposalPreview: as written, what they matched, problems and notes."""
    ROW, KIND, NAME, POSITION, UNIT, TITLE, MATCH, NOTE = range(8)
    HEADERS = ["Dòng", "Đối tượng", "Tên trong tệp", "Chức vụ", "Đơn vị", "Đề nghị",
               "Khớp với / sẽ làm", "Lỗi / ghi chú"]
    FIELDS = {KIND: ("kind",), NAME: ("name",), POSITION: ("position",), UNIT: ("unit",),
              TITLE: ("title", "form")}
    WIDTHS = [45, 85, 150, 90, 140, 120, 290, 320]

    def __init__(self, parent=None):
        super().__init__((), parent)
        self.preview, self.chosen = None, set()

    @property
    def entries(self):
        return self.rows

    def set_preview(self, preview, chosen=()):
        self.beginResetModel()
        self.preview = preview
        self.rows = list(preview.entries) if preview is not None else []
        self.chosen = set(chosen)
        self.endResetModel()

    def _problems(self, entry, column):
        fields = self.FIELDS.get(column, ())
        return [p for p in entry.problems if p.field in fields]

    def _text(self, entry, column):
        shown = entry.shown
        if column == self.ROW:
            return entry.number
        if column == self.KIND:
            return SUBJECT_KINDS.get(entry.kind, shown.get("kind", ""))
        if column == self.TITLE:
            return "; ".join(shown[f] for f in ("title", "form") if shown.get(f))
        if column == self.MATCH:
            plan = entry.plan
            if plan is None or not (plan.subject or plan.new):
                return ""
            titles = ", ".join(t.name + ("" if a == proposals.ADD else
                                         f" ({proposals.ACTIONS[a]})")
                               for t, a, _c in plan.titles)
            return f"{plan.match} → {titles}" if titles else plan.match
        if column == self.NOTE:
            notes = [p.message for p in entry.problems]
            if entry.plan is not None:
                notes += entry.plan.notes
                if entry.plan.options and entry.number not in self.chosen and entry.ok:
                    notes.append("Có thể chọn đối tượng khác (nút Chọn đối tượng…).")
            return " ".join(notes)
        field = {self.NAME: "name", self.POSITION: "position", self.UNIT: "unit"}[column]
        return shown.get(field, "")

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        entry, column = self.entries[index.row()], index.column()
        if role == Qt.DisplayRole:
            return self._text(entry, column)
        if role == Qt.ToolTipRole:
            problems = self._problems(entry, column)
            if problems:
                return "\n".join(str(p) for p in problems)
            if column in (self.MATCH, self.NOTE):
                return self._text(entry, column) or None
            return None
        if role == Qt.BackgroundRole:
            if self._problems(entry, column) or (column in (self.ROW, self.NOTE)
                                                  and entry.problems):
                return QBrush(PROBLEM_BG)
            if column == self.MATCH and entry.plan is not None and entry.ok:
                if entry.number in self.chosen:
                    return QBrush(CHOSEN_BG)
                if entry.plan.new is not None:
                    return QBrush(NEW_BG)
        if role == Qt.ForegroundRole and column == self.MATCH and entry.plan is not None:
            if entry.plan.titles and all(a == proposals.ALREADY for _t, a, _c in entry.plan.titles):
                return MUTED
        if role == Qt.ForegroundRole and column == self.NOTE and entry.problems:
            return QBrush(QColor("#a00000"))
        return None


class ProposalsDialog(QDialog):
    """Use ``ProposalsDialog.run(parent, ctx, movement=, year=)``; True when imported."""

    def __init__(self, ctx, movement=None, year=None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.path, self.preview, self.result, self.imported = None, None, None, False
        self.choices = {}
        self._generation = 0
        self.worker = None
        self.setWindowTitle("Nhập danh sách đề nghị khen thưởng từ Excel")
        self.resize(1260, 660)
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        top.addWidget(QLabel("Tệp Excel:"))
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("Danh sách đề nghị do thôn, trường, cơ quan gửi (.xlsx)")
        top.addWidget(self.file_edit, 1)
        self.choose_button = QPushButton("Chọn tệp…")
        self.choose_button.clicked.connect(self.choose_file)
        top.addWidget(self.choose_button)
        layout.addLayout(top)

        second = QHBoxLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year or datetime.date.today().year)
        self.movement = QComboBox()
        self.movement.setMinimumWidth(300)
        self.proposer = QComboBox()
        self.proposer.setMinimumWidth(220)
        self.proposer.setToolTip("Đơn vị gửi danh sách: dùng cho các dòng không ghi đơn vị, và "
                                 "là nơi thêm cá nhân/hộ mới.")
        self.proposer.addItem("— không chọn —", None)
        for u in org.units(include_inactive=False):
            self.proposer.addItem(u.name, u)
        self.target = QComboBox()
        self.target.setMinimumWidth(260)
        for w in (QLabel("Năm:"), self.year, QLabel("Phong trào:"), self.movement,
                  QLabel("Đơn vị gửi:"), self.proposer):
            second.addWidget(w)
        second.addStretch(1)
        layout.addLayout(second)
        third = QHBoxLayout()
        third.addWidget(QLabel("Trang tính:"))
        self.sheet = QComboBox()
        self.sheet.setMinimumWidth(180)
        self.sheet.activated.connect(
            lambda _i: self.load(self.path, sheet=self.sheet.currentText()))
        third.addWidget(self.sheet)
        third.addWidget(QLabel("Thêm vào:"))
        third.addWidget(self.target)
        third.addStretch(1)
        third.addWidget(QLabel("<span style='background:#f8d0d0'>&nbsp;lỗi&nbsp;</span> "
                               "<span style='background:#d9f2d0'>&nbsp;sẽ thêm mới vào dữ liệu"
                               "&nbsp;</span> <span style='background:#d6e8fb'>&nbsp;đã chọn"
                               "&nbsp;</span>"))
        layout.addLayout(third)

        self.summary = QLabel("Chọn tệp Excel để xem trước. Chưa có gì được nhập cho đến khi "
                              "bạn bấm nút nhập.")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.RichText)
        layout.addWidget(self.summary)

        self.model = ProposalPreviewModel(self)
        self.view = make_table_view(self.model, self, sortable=False)
        for i, w in enumerate(ProposalPreviewModel.WIDTHS):
            self.view.setColumnWidth(i, w)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        # a list from one unit is a few hundred rows: wrap what was matched and the notes
        self.view.setWordWrap(True)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.view.doubleClicked.connect(lambda _i: self.choose_subject())
        layout.addWidget(self.view, 1)

        buttons = QHBoxLayout()
        self.pick_button = QPushButton("Chọn đối tượng…")
        self.pick_button.setToolTip("Khi tên trùng với nhiều người/hộ/đơn vị: chọn đúng đối "
                                    "tượng cho dòng đang chọn.")
        self.pick_button.clicked.connect(self.choose_subject)
        buttons.addWidget(self.pick_button)
        buttons.addStretch(1)
        self.import_button = QPushButton("Nhập")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.do_import)
        close = QPushButton("Đóng")
        close.clicked.connect(self.reject)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)

        self._fill_movements(movement)
        self._fill_targets()
        self.year.valueChanged.connect(self._year_changed)
        self.movement.currentIndexChanged.connect(self._params_changed)
        self.proposer.currentIndexChanged.connect(self._params_changed)
        self.target.currentIndexChanged.connect(self._update_buttons)
        self._update_buttons()

    @classmethod
    def run(cls, parent, ctx, movement=None, year=None):
        dialog = cls(ctx, movement, year, parent)
        dialog.exec()
        return dialog.imported

    # ------------------------------------------------------------------ choosers

    def _fill_movements(self, current=None):
        self.movement.blockSignals(True)
        self.movement.clear()
        for m in candidates.movements_for(self.year.value()):
            self.movement.addItem(m.name, m)
            if current is not None and m.id == current.id:
                self.movement.setCurrentIndex(self.movement.count() - 1)
        self.movement.blockSignals(False)

    def _fill_targets(self):
        self.target.blockSignals(True)
        self.target.clear()
        self.target.addItem("Danh sách đề nghị để bình xét", None)
        movement = self.movement.currentData()
        if movement is not None:
            for d in proposals.draft_decisions_for(movement, self.year.value()):
                text = decisions.label(d)
                self.target.addItem(f"… và vào {text[0].lower()}{text[1:]}", d)
        self.target.blockSignals(False)

    def _year_changed(self):
        self._fill_movements(self.movement.currentData())
        self._params_changed()

    def _params_changed(self):
        self._fill_targets()
        self.choices = {}
        if self.path:
            self.load(self.path)
        self._update_buttons()

    # ------------------------------------------------------------------ file and preview

    def choose_file(self):
        start = os.path.dirname(self.path) if self.path else ""
        path, _ = files.open_name(self, "Chọn danh sách đề nghị", start,
                                  "Bảng tính Excel (*.xlsx *.xlsm *.xls);;Mọi tệp (*)")
        if path:
            self.choices = {}
            self.load(path)  # a new file starts on its first sheet

    def load(self, path, sheet=None):
        """Read and plan ``path`` (``sheet``, else the one shown before, else the first) in
        the background and show the preview."""
        if str(path) != self.path:
            self.sheet.clear()
        elif sheet is None and self.sheet.count():
            sheet = self.sheet.currentText()
        self.path = str(path)
        self.file_edit.setText(self.path)
        movement = self.movement.currentData()
        if movement is None:
            self.summary.setText("<span style='color:#a00000'>Năm này chưa có phong trào nào; "
                                 "hãy chọn năm khác hoặc tạo phong trào trước.</span>")
            return
        self._generation += 1
        generation = self._generation
        args = dict(movement=movement, year=self.year.value(),
                    proposer=self.proposer.currentData(), choices=dict(self.choices),
                    sheet=sheet)
        self.summary.setText("Đang đọc tệp…")

        def work(progress):
            return proposals_import.preview_proposals(self.path, progress=progress, **args)

        def done(preview):
            if generation == self._generation:
                self._show(preview)

        self.worker = self.ctx.run_task(self, "Đang đọc và kiểm tra danh sách…", work,
                                        on_done=done, on_error=self._failed)

    def _failed(self, err):
        self.preview = None
        self.model.set_preview(None)
        self.summary.setText(f"<span style='color:#a00000'>{_html(str(err))}</span>")
        self._update_buttons()

    def _show(self, preview):
        self.preview = preview
        self.model.set_preview(preview, chosen=self.choices)
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(preview.table.sheet_names)
        self.sheet.setCurrentText(preview.sheet)
        self.sheet.blockSignals(False)
        lines = [_html(preview.describe())]
        if preview.table.header_row:
            lines.append(f"Trang tính '{_html(preview.sheet)}', dòng tiêu đề cột: dòng "
                         f"{preview.table.header_row}.")
        for p in preview.file_problems:
            lines.append(f"<span style='color:#a00000'>{_html(str(p))}</span>")
        bad = sum(1 for e in preview.entries if not e.ok)
        if bad and not preview.file_problems:
            lines.append(f"<span style='color:#a00000'>{bad} dòng có lỗi (ô tô đỏ; rê chuột để "
                         "xem). Sửa tệp rồi chọn lại, hoặc chọn đối tượng cho dòng trùng tên. "
                         "Chưa nhập gì.</span>")
        self.summary.setText("<br>".join(lines))
        self._update_buttons()

    # ------------------------------------------------------------------ actions

    def _current_entry(self):
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        if not rows or self.preview is None:
            return None
        return self.model.entries[rows[0].row()]

    def _update_buttons(self, *_args):
        pv = self.preview
        entry = self._current_entry()
        self.pick_button.setEnabled(entry is not None and entry.plan is not None
                                    and bool(entry.plan.options))
        can = self.ctx.can_edit and pv is not None and pv.can_import
        self.import_button.setEnabled(can)
        count = (pv.plan.count(proposals.ADD) + pv.plan.count(proposals.RESTORE)
                 if pv is not None and pv.plan is not None else 0)
        into = " và vào dự thảo" if self.target.currentData() is not None else ""
        self.import_button.setText(f"Nhập {count} đề nghị{into}" if can else "Nhập")
        self.layout().activate()

    def choose_subject(self):
        entry = self._current_entry()
        if entry is None or entry.plan is None or not entry.plan.options:
            return
        labels = [label for _key, label in entry.plan.options]
        index = messages.choose(self, f"Dòng {entry.number}: '{entry.shown.get('name', '')}' "
                                      "là đối tượng nào?", labels)
        if index is None:
            return
        self.choices[entry.number] = entry.plan.options[index][0]
        self.load(self.path)

    def do_import(self):
        pv = self.preview
        if pv is None or not pv.can_import:
            return
        kw = dict(actor=self.ctx.actor, movement=pv.movement, year=pv.year,
                  proposer=self.proposer.currentData(), choices=dict(self.choices),
                  decision=self.target.currentData(), sheet=pv.sheet)
        path = self.path

        def work(progress):
            return proposals_import.import_proposals_file(path, progress=progress, **kw)

        self.worker = self.ctx.run_task(self, "Đang nhập danh sách đề nghị…", work,
                                        on_done=self._imported)

    def _imported(self, outcome):
        result, pv = outcome
        self.result, self.imported = result, True
        self.ctx.changed("decisions")
        decision = self.target.currentData()
        messages.info(self, result.summary(
            movement=pv.movement, year=pv.year,
            decision_label=decisions.label(decision).lower() if decision else None),
            title="Đã nhập danh sách đề nghị")
        self.accept()
