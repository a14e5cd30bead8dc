"""Dialog "Hồ sơ đề nghị cấp trên": the proposals with their warnings, the texts the clerk
edits, the export to a USB stick and the check of a file received (issue 17)."""
import datetime

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDateEdit, QDialog,
                               QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
                               QRadioButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from models import upward, vntext
from models.entities import Meeting, UpwardProposal
from models.errors import UserError
from reports import upward_export, usb

from . import files, messages
from .decision_dialogs import SubjectPicker, buttons
from .table_model import Col, FilterTableModel, name_sort
from .widgets import ErrorLabel, FlowLayout, make_table_view, save_on_accept

WARN = QBrush(QColor("#9a5b00"))
FILE_LABELS, SUBJECT_LABELS = upward.FILE_LABELS, upward.SUBJECT_LABELS


class ProposalModel(FilterTableModel):
    """(id, kind_label, name, title, warnings)"""
    COLUMNS = [Col("Đối tượng", 1, 80), Col("Tên", 2, 220, sort=name_sort),
               Col("Đề nghị", 3, 260), Col("Cảnh báo", 4, 520)]
    upward_file = None

    def load(self):
        if self.upward_file is None:
            return []
        rows = upward.file_rows(year=self.upward_file.year)
        found = next((r for r in rows if r["id"] == self.upward_file.id), None)
        kinds = {"unit": "Tập thể", "person": "Cá nhân", "household": "Hộ gia đình"}
        return [(p["id"], kinds[p["kind"]], p["name"], p["title"], " • ".join(p["warnings"]))
                for p in (found["proposals"] if found else [])]

    def key(self, row):
        return " ".join(str(x) for x in row[1:])

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.ForegroundRole and index.isValid() and index.column() == 3:
            return WARN
        if role == Qt.ToolTipRole and index.isValid() and index.column() == 3:
            return self.row_at(index.row())[4].replace(" • ", "\n")
        return super().data(index, role)


class UpwardPicker(SubjectPicker):
    """The subject picker offering only the titles and forms the province confers."""

    def _chosen(self, *_):
        self.titles.clear()
        subject = self.subject()
        if subject is None:
            return
        from models.subjects import subject_kind
        for t in upward.upward_titles(subject_kind=subject_kind(subject)):
            self.titles.addItem(t.name, t)


class TextsDialog(QDialog):
    """One text box per section; returns {section: text} of what the clerk changed."""

    def __init__(self, parent, title, labels, texts):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 640)
        self.original = dict(texts)
        self.shown = dict(texts)             # what a save is checked against
        self.edits = {}
        inner = QWidget()
        form = QVBoxLayout(inner)
        for key, label in labels.items():
            if key not in texts:
                continue
            edit = QPlainTextEdit(texts[key])
            edit.setMinimumHeight(70 if "\n" not in texts[key] and len(texts[key]) < 90
                                  else 140)
            form.addWidget(QLabel(f"<b>{label}</b>"))
            form.addWidget(edit)
            self.edits[key] = edit
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Để trống một mục để dùng lại nội dung lấy từ hồ sơ."))
        layout.addWidget(scroll, 1)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        layout.addWidget(buttons(self, ok="Lưu"))

    def values(self):
        return {k: e.toPlainText() for k, e in self.edits.items()
                if e.toPlainText() != self.shown[k]}

    def was(self):
        """The sections being saved as they were shown (another PC's change is refused)."""
        return {k: self.shown[k] for k in self.values()}

    @classmethod
    def ask(cls, parent, title, labels, texts, save=None, reread=None):
        """{section: text} changed, or None. With ``save(values, was)``: saved from the
        dialog — a refusal (a section another PC changed meanwhile) is shown in the dialog,
        everything typed stays, and ``reread()`` gives the texts now stored, so saving
        again is a choice made having seen them."""
        dialog = cls(parent, title, labels, texts)
        if save is not None:
            def store(values):
                try:
                    return save(values, dialog.was())
                except UserError:
                    if reread is not None:
                        dialog.shown = dict(reread())
                    raise
            save_on_accept(dialog, store, dialog.error)
        return dialog.values() if dialog.exec() == QDialog.Accepted else None


class ExportDialog(QDialog):
    """Where and how: a USB stick (or a folder), folder or ZIP, the name."""

    def __init__(self, parent, default_name, drives=None):
        super().__init__(parent)
        self.setWindowTitle("Xuất hồ sơ đề nghị ra USB")
        self.resize(560, 380)
        self.drives = QListWidget()
        for d in usb.removable_drives() if drives is None else drives:
            item = QListWidgetItem(d.describe())
            item.setData(Qt.UserRole, d.path)
            self.drives.addItem(item)
        self.drives.addItem(QListWidgetItem("Chọn thư mục khác…"))
        self.drives.setCurrentRow(0)
        self.folder_mode = QRadioButton("Một thư mục")
        self.zip_mode = QRadioButton("Một tệp ZIP")
        self.folder_mode.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.folder_mode)
        group.addButton(self.zip_mode)
        self.name = QLineEdit(default_name)
        self.replace = QCheckBox("Ghi đè bản đã xuất cùng tên")
        self.error = ErrorLabel()
        modes = QHBoxLayout()
        modes.addWidget(self.folder_mode)
        modes.addWidget(self.zip_mode)
        modes.addStretch(1)
        form = QFormLayout()
        form.addRow("Ghi vào:", self.drives)
        form.addRow("Dạng:", modes)
        form.addRow("Tên:", self.name)
        form.addRow("", self.replace)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Hồ sơ gồm các tệp Word (.docx) và PDF, tệp dữ liệu du-lieu.json "
                                "và danh mục SHA-256 để nơi nhận kiểm tra không bị sửa."))
        layout.addWidget(self.error)
        layout.addWidget(buttons(self, ok="Xuất"))
        self.folder = None

    def accept(self):
        item = self.drives.currentItem()
        self.folder = item.data(Qt.UserRole) if item is not None else None
        if self.folder is None:
            self.folder = files.folder_name(self, "Chọn nơi ghi hồ sơ")
        if not self.folder:
            self.error.show_message("Hãy chọn USB hoặc thư mục.")
            return
        if not self.name.text().strip():
            self.error.show_message("Hãy đặt tên cho hồ sơ.")
            return
        super().accept()

    def values(self):
        return {"dest_dir": self.folder, "as_zip": self.zip_mode.isChecked(),
                "name": self.name.text().strip(), "replace": self.replace.isChecked()}

    @classmethod
    def ask(cls, parent, default_name, drives=None):
        dialog = cls(parent, default_name, drives)
        return dialog.values() if dialog.exec() == QDialog.Accepted else None


class UpwardDialog(QDialog):
    """Build, edit and export the files proposed upward of a year."""

    def __init__(self, ctx, parent=None, *, year=None, movement=None):
        super().__init__(parent)
        self.ctx = ctx
        self.movement = movement
        self.setWindowTitle("Hồ sơ đề nghị cấp trên khen thưởng")
        self.resize(1120, 680)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year or datetime.date.today().year - 1)
        self.file = QComboBox()
        self.file.setMinimumWidth(300)
        self.number = QLineEdit()
        self.number.setPlaceholderText("…/TTr-UBND")
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.signer = QLineEdit()
        self.meeting = QComboBox()
        self.meeting.setMinimumWidth(260)
        self.model = ProposalModel(self)
        self.view = make_table_view(self.model, self)
        self.view.setWordWrap(False)
        self.count = QLabel()
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("color: #9a5b00;")
        self.buttons = {}
        top = QHBoxLayout()
        for w in (QLabel("Năm thành tích:"), self.year, QLabel("Hồ sơ:"), self.file):
            top.addWidget(w)
        top.addWidget(self._button("new", "Hồ sơ mới", self.new_file))
        top.addWidget(self._button("delete", "Xóa hồ sơ…", self.delete_file))
        top.addStretch(1)
        form = QHBoxLayout()
        for w in (QLabel("Số tờ trình:"), self.number, QLabel("Ngày:"), self.date,
                  QLabel("Người ký:"), self.signer, QLabel("Cuộc họp bình xét:"),
                  self.meeting):
            form.addWidget(w)
        form.addWidget(self._button("save", "Lưu", self.save_fields))
        bar = FlowLayout()
        for key, text, slot in (
                ("votes", "Thêm từ kết quả bỏ phiếu", self.add_from_votes),
                ("add", "Thêm…", self.add),
                ("remove", "Bỏ khỏi hồ sơ", self.remove),
                ("letter", "Sửa tờ trình…", self.edit_letter),
                ("report", "Sửa báo cáo thành tích…", self.edit_report),
                ("export", "Xuất ra USB…", self.export),
                ("verify", "Kiểm tra hồ sơ nhận được…", self.verify)):
            bar.addWidget(self._button(key, text, slot))
        bar.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.button(QDialogButtonBox.Close).setText("Đóng")
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.count)
        layout.addWidget(close)
        self.year.valueChanged.connect(self.reload_files)
        self.file.currentIndexChanged.connect(self.show_file)
        self.view.doubleClicked.connect(lambda _: self.edit_report())
        self.view.selectionModel().selectionChanged.connect(self._show_warnings)
        self.reload_files()

    def _button(self, key, text, slot):
        b = QPushButton(text)
        b.clicked.connect(slot)
        self.buttons[key] = b
        return b

    # ---------------------------------------------------------------- loading
    def current(self):
        f = self.file.currentData()
        return upward.get_file(f) if f is not None else None

    def reload_files(self, select=None):
        self.file.blockSignals(True)
        self.file.clear()
        for f in upward.files(year=self.year.value()):
            state = "đã xuất" if f.state == "exported" else "dự thảo"
            self.file.addItem(f"{f.number or '(chưa có số)'} — {vntext.format_date(f.date)} "
                              f"({state})", f.id)
            if f.id == select:
                self.file.setCurrentIndex(self.file.count() - 1)
        self.file.blockSignals(False)
        self.meeting.clear()
        self.meeting.addItem("(chưa chọn)", None)
        for m in Meeting.select().where(Meeting.year == self.year.value()).order_by(Meeting.date):
            self.meeting.addItem(f"Họp ngày {vntext.format_date(m.date)} "
                                 f"({m.members_present}/{m.members_total})", m.id)
        self.show_file()

    def show_file(self, *_):
        f = self.shown_file = self.current()    # its version: the fields save over it only
        has = f is not None
        if has:
            self.number.setText(f.number)
            self.date.setDate(QDate(f.date.year, f.date.month, f.date.day))
            self.signer.setText(f.signer_name)
            self.meeting.setCurrentIndex(max(0, self.meeting.findData(f.meeting_id)))
        self.model.upward_file = f
        self.model.reload()
        warned = sum(1 for r in self.model.rows if r[4])
        self.count.setText(f"{len(self.model.rows)} đề nghị, {warned} có cảnh báo"
                           if has else "Chưa có hồ sơ cho năm này: bấm «Hồ sơ mới».")
        can = self.ctx.can_edit
        for key in ("save", "votes", "add", "remove", "letter", "report", "delete"):
            self.buttons[key].setEnabled(can and has)
        self.buttons["new"].setEnabled(can)
        self.buttons["export"].setEnabled(can and has and bool(self.model.rows))

    def _show_warnings(self, *_):
        rows = self._selected()
        self.detail.setText("\n".join(f"• {w}" for w in rows[0][4].split(" • "))
                            if rows and rows[0][4] else "")

    def _run(self, fn, **kwargs):
        try:
            result = fn(actor=self.ctx.actor, **kwargs)
        except UserError as err:
            messages.show_error(self, err)
            return None
        self.ctx.changed("decisions")
        return result if result is not None else True

    # ---------------------------------------------------------------- actions
    def new_file(self):
        meeting = (Meeting.select().where(Meeting.year == self.year.value())
                   .order_by(Meeting.date.desc()).first())
        f = self._run(upward.create_file, year=self.year.value(), meeting=meeting,
                      movement=self.movement)
        if f:
            if meeting is not None:
                self._run(upward.add_passed_candidates, upward_file=f)
            self.reload_files(select=f.id)

    def delete_file(self):
        f = self.current()
        if f and messages.confirm(self, "Xóa hồ sơ đề nghị này (các tệp đã xuất không bị "
                                  "xóa)?", danger=True):
            self._run(upward.delete_file, upward_file=f)
            self.reload_files()

    shown_file = None

    def save_fields(self):
        f = self.current()
        if f is not None and self.shown_file is not None and self.shown_file.id == f.id:
            f = self.shown_file             # another PC's save meanwhile is refused
        d = self.date.date()
        meeting_id = self.meeting.currentData()
        if f and self._run(upward.update_file, upward_file=f, number=self.number.text(),
                           date=datetime.date(d.year(), d.month(), d.day()),
                           signer_name=self.signer.text(),
                           meeting=Meeting.get_by_id(meeting_id) if meeting_id else None):
            self.reload_files(select=f.id)

    def add_from_votes(self):
        f = self.current()
        added = self._run(upward.add_passed_candidates, upward_file=f) if f else None
        if added is not None:
            self.show_file()
            messages.info(self, f"Đã thêm {int(added)} đề nghị từ kết quả bỏ phiếu kín của "
                                "Hội đồng.")

    def add(self):
        picker = UpwardPicker(self, title="Thêm đề nghị cấp trên")
        if picker.exec() != QDialog.Accepted:
            return
        p = self._run(upward.add_proposal, upward_file=self.current(),
                      subject=picker.subject(), title=picker.titles.currentData())
        if p:
            self.show_file()

    def _selected(self):
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.row_at(r) for r in rows]

    def remove(self):
        for row in self._selected():
            self._run(upward.remove_proposal, proposal=UpwardProposal.get_by_id(row[0]))
        self.show_file()

    def edit_letter(self):
        f = self.current()
        values = TextsDialog.ask(
            self, "Nội dung tờ trình", FILE_LABELS, upward.file_texts(f),
            save=lambda values, was: upward.update_texts(actor=self.ctx.actor, target=f,
                                                         texts=values, was=was),
            reread=lambda: upward.file_texts(upward.get_file(f.id)))
        if values:
            self.ctx.changed("decisions")

    def edit_report(self):
        rows = self._selected()
        if not rows:
            messages.info(self, "Hãy chọn một dòng trong danh sách đề nghị.")
            return
        p = UpwardProposal.get_by_id(rows[0][0])
        values = TextsDialog.ask(
            self, f"Báo cáo thành tích: {rows[0][2]}", SUBJECT_LABELS, upward.subject_texts(p),
            save=lambda values, was: upward.update_texts(actor=self.ctx.actor, target=p,
                                                         texts=values, was=was),
            reread=lambda: upward.subject_texts(UpwardProposal.get_by_id(p.id)))
        if values:
            self.ctx.changed("decisions")

    def export(self, *, drives=None):
        f = self.current()
        choice = ExportDialog.ask(self, upward_export.default_name(f), drives)
        if choice is None:
            return None
        actor = self.ctx.actor

        def work(progress):
            return upward_export.export(upward_file=f, actor=actor, progress=progress,
                                        **choice)

        def done(result):
            self.ctx.changed("decisions")
            self.reload_files(select=f.id)
            messages.saved(self, result["path"],
                           f"Đã xuất {len(result['files'])} tệp "
                           f"({upward_export.size_text(result['size'])}), đã đọc lại và "
                           "kiểm tra danh mục SHA-256.")
        return self.ctx.run_task(self, "Đang lập và ghi hồ sơ…", work, on_done=done)

    def verify(self, *, path=None):
        if path is None:
            kind = messages.ask_choice(self, "Hồ sơ nhận được là:",
                                       [("folder", "Một thư mục"), ("zip", "Một tệp ZIP")])
            if kind == "folder":
                path = files.folder_name(self, "Chọn thư mục hồ sơ")
            elif kind == "zip":
                path, _ = files.open_name(self, "Chọn tệp ZIP hồ sơ", filters="ZIP (*.zip)")
        if not path:
            return None
        try:
            result = upward_export.verify(path)
        except UserError as err:
            messages.show_error(self, err)
            return False
        messages.info(self, upward_export.describe(result),
                      details="\n".join(result["files"]))
        return True

    @classmethod
    def open(cls, ctx, parent, **kwargs):
        dialog = cls(ctx, parent, **kwargs)
        dialog.exec()
