"""Tab "Công khai danh sách": post the council's result (dates, comment period, places),
print the notice with its list, and record and settle the comments received."""
import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QCompleter, QDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from models import candidates, council, public_list, vntext
from models.entities import Candidate, PublicComment
from models.errors import UserError

from . import files, messages
from .decision_dialogs import buttons, date_edit, date_of
from .table_model import Col, FilterTableModel
from .widgets import SearchBox, make_table_view


class CommentModel(FilterTableModel):
    """(id, received, author, name, title, content, state label, resolution, resolved, state,
    version)"""
    COLUMNS = [Col("Ngày nhận", 1, 85, "center", fmt=vntext.format_date),
               Col("Người gửi ý kiến", 2, 170), Col("Đối tượng", 3, 170),
               Col("Đề nghị", 4, 150), Col("Nội dung", 5, 260), Col("Tình trạng", 6, 190),
               Col("Cách giải quyết", 7, 240),
               Col("Ngày giải quyết", 8, 95, "center", fmt=vntext.format_date)]
    movement = None
    year = None

    def load(self):
        if self.movement is None:
            return []
        return [(r["id"], r["received_on"], r["author"], r["name"], r["title"], r["content"],
                 r["state_label"] + (" (ngoài thời hạn)" if r["warnings"] else ""),
                 r["resolution"], r["resolved_on"], r["state"], r["version"])
                for r in public_list.comment_rows(movement=self.movement, year=self.year)]

    def key(self, row):
        return f"{row[2]} {row[3]} {row[5]} {row[6]}"


class CommentDialog(QDialog):
    """Date, who, which candidate, what: returns a dict, saves nothing."""

    def __init__(self, parent, choices):
        super().__init__(parent)
        self.setWindowTitle("Ghi ý kiến phản ánh")
        self.candidate = QComboBox()
        self.candidate.setEditable(True)
        self.candidate.setInsertPolicy(QComboBox.NoInsert)
        for label, ident in choices:
            self.candidate.addItem(label, ident)
        self.candidate.completer().setFilterMode(Qt.MatchContains)
        self.candidate.completer().setCompletionMode(QCompleter.PopupCompletion)
        self.day = date_edit()
        self.author = QLineEdit()
        self.author.setPlaceholderText("Họ tên, địa chỉ người gửi hoặc tổ chức gửi")
        self.content = QPlainTextEdit()
        self.content.setTabChangesFocus(True)
        form = QFormLayout(self)
        form.addRow("Về đối tượng:", self.candidate)
        form.addRow("Ngày nhận:", self.day)
        form.addRow("Người gửi:", self.author)
        form.addRow("Nội dung:", self.content)
        form.addRow(buttons(self, "Ghi ý kiến"))
        self.resize(560, 320)

    def values(self):
        return {"candidate_id": self.candidate.currentData(), "received_on": date_of(self.day),
                "author": self.author.text(), "content": self.content.toPlainText()}

    @classmethod
    def ask(cls, parent, choices):
        dialog = cls(parent, choices)
        return dialog.values() if dialog.exec() == QDialog.Accepted else None


class PublicListTab(QWidget):
    shown_posting = None         # the posting the fields were filled from

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(datetime.date.today().year)
        self.movement = QComboBox()
        self.movement.setMinimumWidth(300)
        self.meeting = QComboBox()
        self.meeting.setMinimumWidth(200)
        top = QHBoxLayout()
        for w in (QLabel("Năm:"), self.year, QLabel("Phong trào:"), self.movement,
                  QLabel("Cuộc họp:"), self.meeting):
            top.addWidget(w)
        top.addStretch(1)

        self.posted_from, self.posted_to, self.until = date_edit(), date_edit(), date_edit()
        self.places = QPlainTextEdit()
        self.places.setTabChangesFocus(True)
        self.places.setFixedHeight(70)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form = QFormLayout()
        line = QHBoxLayout()
        for w in (self.posted_from, QLabel("đến ngày"), self.posted_to,
                  QLabel("Hạn nhận ý kiến:"), self.until):
            line.addWidget(w)
        line.addStretch(1)
        form.addRow("Niêm yết từ ngày:", line)
        form.addRow("Nơi niêm yết (mỗi dòng một nơi):", self.places)
        self.buttons = {}
        bar = QHBoxLayout()
        for key, text, slot in (("save", "Lưu thời gian niêm yết", self.save_posting),
                                ("pdf", "Lưu PDF…", lambda: self.export("pdf")),
                                ("docx", "Xuất Word…", lambda: self.export("docx"))):
            b = QPushButton(text)
            b.clicked.connect(slot)
            self.buttons[key] = b
            bar.addWidget(b)
        bar.addWidget(self.status, 1)
        form.addRow(bar)
        posting_box = QGroupBox("Niêm yết danh sách được Hội đồng đề nghị khen thưởng")
        posting_box.setLayout(form)

        self.model = CommentModel(self)
        self.view = make_table_view(self.model, self)
        self.search = SearchBox("Tìm người gửi, đối tượng, nội dung…", self)
        self.search.search.connect(self.model.set_filter)
        self.count = QLabel()
        cbar = QHBoxLayout()
        cbar.addWidget(self.search, 1)
        for key, text, slot in (("comment", "Ghi ý kiến…", self.add_comment),
                                ("resolve", "Giải quyết…", self.resolve),
                                ("reopen", "Mở lại…", self.reopen)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            self.buttons[key] = b
            cbar.addWidget(b)
        cbar.addWidget(self.count)
        comments_box = QGroupBox("Ý kiến phản ánh nhận được")
        cl = QVBoxLayout(comments_box)
        cl.addLayout(cbar)
        cl.addWidget(self.view, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(posting_box)
        layout.addWidget(comments_box, 1)
        self.year.valueChanged.connect(self._year_changed)
        self.movement.currentIndexChanged.connect(self._movement_changed)
        self.meeting.currentIndexChanged.connect(self._show_posting)
        self._year_changed()
        ctx.on_change(self, self._area_changed)

    def _area_changed(self, area):
        if area in ("movements", "all"):
            self._year_changed()
        elif area == "decisions":
            movement = self.movement.currentData()
            known = council.meetings(movement=movement, year=self.year.value()) \
                if movement is not None else []
            if len(known) != self.meeting.count():      # a meeting made on another tab
                self._movement_changed()
            else:
                self.reload()

    # ---------------------------------------------------------------- loading
    def _year_changed(self):
        self.movement.blockSignals(True)
        self.movement.clear()
        for m in candidates.movements_for(self.year.value()):
            self.movement.addItem(m.name, m)
        self.movement.blockSignals(False)
        self._movement_changed()

    def _movement_changed(self):
        self.meeting.blockSignals(True)
        self.meeting.clear()
        movement = self.movement.currentData()
        if movement is not None:
            for m in council.meetings(movement=movement, year=self.year.value()):
                self.meeting.addItem(f"Họp ngày {vntext.format_date(m.date)}", m)
        self.meeting.blockSignals(False)
        self._show_posting()

    def posting(self):
        meeting = self.meeting.currentData()
        found = public_list.postings(meeting=meeting) if meeting is not None else []
        return found[0] if found else None

    def _show_posting(self):
        meeting = self.meeting.currentData()
        posting = self.shown_posting = self.posting()
        if posting is not None:
            days = (posting.posted_from, posting.posted_to, posting.comments_until)
            places = public_list.places_of(posting)
            self.status.setText(f"Đã lưu: niêm yết {vntext.format_date(posting.posted_from)}–"
                                f"{vntext.format_date(posting.posted_to)}.")
        else:
            start = (meeting.date if meeting else datetime.date.today()) \
                + datetime.timedelta(days=1)
            days = (start, start + datetime.timedelta(days=6), start + datetime.timedelta(days=7))
            places = public_list.default_places()
            self.status.setText("Chưa niêm yết danh sách của cuộc họp này." if meeting else
                                "Chưa có cuộc họp bình xét của phong trào, năm này.")
        for edit, day in zip((self.posted_from, self.posted_to, self.until), days):
            edit.setDate(date_edit(day).date())
        self.places.setPlainText("\n".join(places))
        self.reload()

    def reload(self):
        self.model.movement = self.movement.currentData()
        self.model.year = self.year.value()
        self.model.reload()
        open_count = sum(1 for r in self.model.rows if r[9] == public_list.OPEN)
        self.count.setText(f"{len(self.model.rows)} ý kiến, {open_count} chưa giải quyết")
        can = self.ctx.can_edit
        has_meeting = self.meeting.currentData() is not None
        self.buttons["save"].setEnabled(can and has_meeting)
        for key in ("pdf", "docx"):
            self.buttons[key].setEnabled(self.posting() is not None)
        for key in ("comment", "resolve", "reopen"):
            self.buttons[key].setEnabled(can and self.model.movement is not None)

    # ---------------------------------------------------------------- actions
    def _run(self, fn, **kwargs):
        try:
            return fn(actor=self.ctx.actor, **kwargs)
        except UserError as err:
            messages.show_error(self, err)
            return None

    def _changed(self):
        self.ctx.changed("decisions")
        self.reload()

    def save_posting(self):
        values = dict(posted_from=date_of(self.posted_from), posted_to=date_of(self.posted_to),
                      comments_until=date_of(self.until),
                      places=self.places.toPlainText().splitlines())
        posting = self.shown_posting      # as the fields show it: another PC's save is
        if posting is None:               # refused, not overwritten (typed dates stay)
            done = self._run(public_list.create_posting, meeting=self.meeting.currentData(),
                             first=True, **values)
        else:
            done = self._run(public_list.update_posting, posting=posting, **values)
        if done is not None:
            self.ctx.changed("decisions")
            self._show_posting()

    def export(self, kind):
        from reports import public_list_doc
        posting = self.posting()
        if posting is None:
            return
        name = f"CongKhai-{posting.posted_from:%Y-%m-%d}.{kind}"
        path, _ = files.save_name(self, "Lưu danh sách công khai", name,
                                  "PDF (*.pdf)" if kind == "pdf" else "Word (*.docx)")
        if path:
            try:
                public_list_doc.write_public_list(posting_id=posting.id, path=path)
            except UserError as err:
                messages.show_error(self, err)
                return
            messages.saved(self, path)

    def _choices(self):
        meeting = self.meeting.currentData()
        if meeting is not None:
            rows = [r for _, group in public_list.posted_rows(meeting) for r in group]
        else:
            rows = candidates.candidate_rows(movement=self.movement.currentData(),
                                             year=self.year.value(), include_removed=False)
        return [(f"{r['name']} — {r['title']}", r["id"]) for r in rows]

    def add_comment(self):
        choices = self._choices()
        if not choices:
            messages.info(self, "Chưa có đối tượng nào trong danh sách để ghi ý kiến.")
            return
        values = CommentDialog.ask(self, choices)
        if values is None or values["candidate_id"] is None:
            return
        candidate = Candidate.get_by_id(values.pop("candidate_id"))
        posting = public_list.posting_for(candidate)
        warnings = public_list.comment_date_warnings(posting, values["received_on"])
        if warnings and not messages.confirm(self, warnings[0] + " Vẫn ghi ý kiến?",
                                             yes="Vẫn ghi"):
            return
        if self._run(public_list.record_comment, candidate=candidate, **values) is not None:
            self._changed()

    def _selected(self):
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.row_at(r) for r in rows]

    def resolve(self):
        rows = [r for r in self._selected() if r[9] == public_list.OPEN]
        if not rows:
            messages.info(self, "Hãy chọn ý kiến chưa giải quyết trong danh sách.")
            return
        note = messages.ask_text(self, "Cách giải quyết (đã xác minh thế nào, trả lời ra sao):")
        if not note:
            return
        for row in rows:
            if self._run(public_list.resolve_comment,          # only over the version listed
                         comment=PublicComment(id=row[0], version=row[10]),
                         resolution=note) is None:
                break
        self._changed()

    def reopen(self):
        rows = [r for r in self._selected() if r[9] == public_list.RESOLVED]
        if not rows:
            return
        reason = messages.ask_text(self, "Lý do mở lại ý kiến:")
        if not reason:
            return
        for row in rows:
            if self._run(public_list.reopen_comment,          # only over the version listed
                         comment=PublicComment(id=row[0], version=row[10]),
                         reason=reason) is None:
                break
        self._changed()
