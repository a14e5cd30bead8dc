"""Tab "Báo cáo sơ kết, tổng kết": make a review from the records, write its own text, export
it (PDF or Word), mark it sent; and the plan's deadlines of the movement."""
import re
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QPushButton, QSplitter, QTableView,
                               QTextBrowser, QVBoxLayout, QWidget)

from models import deadlines as dl
from models import movements as mv
from models import reviews, vntext
from models.errors import UserError

from .. import files, messages
from ..table_model import RowsModel
from ..widgets import FlowLayout, make_table_view
from .movement_dialogs import combo, line, save_loop


def _date(d):
    return vntext.format_date(d) if d else ""


class ReviewsModel(RowsModel):
    HEADERS = ("Báo cáo", "Kỳ báo cáo", "Số", "Trạng thái", "Ngày gửi")

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.DisplayRole:
            return (r["title"], r["period"], r["number"], r["state_label"],
                    _date(r["sent_date"]))[index.column()]
        if role == Qt.UserRole:
            return r["id"]
        return None


class DeadlinesModel(RowsModel):
    HEADERS = ("Ngày", "Loại", "Nội dung", "Hoàn thành")

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.DisplayRole:
            return (_date(r["due"]), r["kind_label"], r["label"],
                    _date(r["done_on"]))[index.column()]
        if role == Qt.UserRole:
            return r["id"]
        return None


def _file_name(title):
    return re.sub(r"[^\w]+", "-", vntext.fold(title)).strip("-")[:80] or "bao-cao"


class ReviewsTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.movement_box = QComboBox()
        self.movement_box.currentIndexChanged.connect(lambda *_: self.reload())
        top = QHBoxLayout()
        top.addWidget(QLabel("Phong trào:"))
        top.addWidget(self.movement_box, 1)
        self.model = ReviewsModel()
        self.view = make_table_view(self.model, self, sortable=False)
        self.view.setSelectionMode(QTableView.SingleSelection)
        for column, width in enumerate((250, 150, 95, 110, 80)):
            self.view.setColumnWidth(column, width)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.show_review())
        bar = FlowLayout()
        self.buttons = {}
        for key, label, slot, edit in (("new", "Lập báo cáo…", self.new_review, True),
                                       ("pdf", "Xuất PDF…", lambda: self.export(".pdf"), False),
                                       ("docx", "Xuất Word…", lambda: self.export(".docx"),
                                        False),
                                       ("sent", "Đánh dấu đã gửi…", self.mark_sent, True),
                                       ("reopen", "Mở lại để sửa…", self.reopen, True),
                                       ("delete", "Xóa báo cáo", self.delete, True)):
            button = QPushButton(label)
            button.clicked.connect(slot)
            button.setEnabled(ctx.can_edit or not edit)
            bar.addWidget(button)
            self.buttons[key] = button
        self.number = QLineEdit()
        self.report_date = QLineEdit()
        self.report_date.setPlaceholderText("dd/mm/yyyy")
        self.texts = {}
        form = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(QLabel("Số:"))
        row.addWidget(self.number, 1)
        row.addWidget(QLabel("Ngày báo cáo:"))
        row.addWidget(self.report_date, 1)
        form.addLayout(row)
        for key, label in reviews.TEXT_FIELDS.items():
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setPlaceholderText("Mỗi ý một dòng; để trống: bản in để dòng chấm để viết tay.")
            edit.setMinimumHeight(44)
            form.addWidget(QLabel(f"{label}:"))
            form.addWidget(edit, 1)
            self.texts[key] = edit
        self.save_button = QPushButton("Lưu nội dung")
        self.save_button.clicked.connect(self.save_texts)
        form.addWidget(self.save_button, 0, Qt.AlignRight)
        editor = QGroupBox("Nội dung do cán bộ viết (giữ cùng báo cáo)")
        editor.setLayout(form)
        self.figures = QTextBrowser()
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(top)
        ll.addWidget(self.view, 1)
        ll.addLayout(bar)
        ll.addWidget(QLabel("<b>Số liệu lấy từ dữ liệu</b> (báo cáo đã gửi giữ nguyên số liệu "
                            "lúc gửi)"))
        ll.addWidget(self.figures, 2)
        self.deadlines = DeadlinesModel()
        self.deadline_view = make_table_view(self.deadlines, self, sortable=False)
        self.deadline_view.setSelectionMode(QTableView.SingleSelection)
        for column, width in enumerate((80, 150, 260, 80)):
            self.deadline_view.setColumnWidth(column, width)
        dbar = QHBoxLayout()
        for label, slot in (("Thêm mốc…", self.add_deadline), ("Đã xong…", self.done_deadline),
                            ("Xóa mốc", self.delete_deadline)):
            button = QPushButton(label)
            button.clicked.connect(slot)
            button.setEnabled(ctx.can_edit)
            dbar.addWidget(button)
        dbar.addStretch(1)
        dbox = QGroupBox("Mốc thời gian của kế hoạch (nhắc trên trang Tổng quan)")
        dl_layout = QVBoxLayout(dbox)
        dl_layout.addWidget(self.deadline_view, 1)
        dl_layout.addLayout(dbar)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(editor, 3)
        rl.addWidget(dbox, 2)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([560, 520])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.fill_movements()
        self.reload()

    # ---- loading
    def fill_movements(self):
        current = self.movement_box.currentData()
        self.movement_box.blockSignals(True)
        self.movement_box.clear()
        for m in mv.list_movements():
            self.movement_box.addItem(f"{m.name} ({mv.period_text(m)})", m.id)
        index = self.movement_box.findData(current)
        self.movement_box.setCurrentIndex(max(index, 0))
        self.movement_box.blockSignals(False)

    def movement(self):
        mid = self.movement_box.currentData()
        return mv.get_movement(mid) if mid else None

    def reload(self):
        if self.movement_box.count() != len(mv.list_movements()):
            self.fill_movements()
        current = self.current_id()
        m = self.movement()
        self.model.beginResetModel()
        self.model.rows = reviews.review_rows(movement=m) if m else []
        self.model.endResetModel()
        self.deadlines.beginResetModel()
        self.deadlines.rows = dl.deadline_rows(movement=m) if m else []
        self.deadlines.endResetModel()
        ids = [r["id"] for r in self.model.rows]
        if ids:
            self.view.selectRow(ids.index(current) if current in ids else 0)
        self.show_review()

    def current_id(self):
        index = self.view.currentIndex()
        return index.data(Qt.UserRole) if index.isValid() else None

    def current(self):
        rid = self.current_id()
        return reviews.get_review(rid) if rid is not None else None

    def show_review(self):
        review = self.current()
        editable = review is not None and review.state == reviews.DRAFTED and self.ctx.can_edit
        for w in [self.number, self.report_date, self.save_button, *self.texts.values()]:
            w.setEnabled(editable)
        for key in ("pdf", "docx", "sent", "reopen", "delete"):
            self.buttons[key].setEnabled(review is not None and (
                key in ("pdf", "docx") or self.ctx.can_edit))
        if review is None:
            self.number.clear()
            self.report_date.clear()
            for edit in self.texts.values():
                edit.clear()
            self.figures.setHtml("<i>Chưa có báo cáo: bấm “Lập báo cáo…”.</i>")
            return
        self.buttons["sent"].setEnabled(editable)
        self.buttons["reopen"].setEnabled(review.state == reviews.SENT and self.ctx.is_leader)
        self.figures.setHtml(self._figures_html(review))
        if self._typing(review):
            # another PC saved this review (its refresh reaches here) while the clerk types:
            # what was typed stays, and so does the version it was typed over — saving it is
            # refused with what the other PC changed, never a silent overwrite
            return
        self.shown_review = review
        self.number.setText(review.number)
        self.report_date.setText(_date(review.report_date))
        for key, edit in self.texts.items():
            edit.setPlainText(getattr(review, key))

    shown_review = None          # the review the fields were filled from (with its version)

    def _typing(self, review):
        shown = self.shown_review
        if shown is None or shown.id != review.id or shown.version == review.version:
            return False
        return (self.number.text() != shown.number
                or self.report_date.text() != _date(shown.report_date)
                or any(e.toPlainText() != getattr(shown, k) for k, e in self.texts.items()))

    @staticmethod
    def _figures_html(review):
        fig = reviews.figures_of(review)
        out = [f"<b>{escape(reviews.title_of(review))}</b><br>"
               f"Từ {_date(review.period_start)} đến {_date(review.period_end)} — "
               f"{reviews.STATES[review.state]}"
               + (f" ngày {_date(review.sent_date)}" if review.sent_date else "") + "<ul>"]
        targets = fig["targets"]
        achieved = sum(1 for t in targets if t["achieved"])
        missing = sum(1 for t in targets if t["achieved"] is None)
        out.append(f"<li>Chỉ tiêu: {achieved}/{len(targets)} đạt; {missing} chưa có số "
                   "liệu</li>")
        regs = fig["registrations"]
        out.append(f"<li>Đăng ký thi đua: {vntext.format_int(regs['total'])} bản, "
                   + ", ".join(f"{k['label'].lower()} {vntext.format_int(k['total'])}"
                               for k in regs["by_kind"]) + "</li>")
        out.append(f"<li>Cụm, khối có kết quả chấm điểm: {len(fig['scoring'])}</li>")
        aw = fig["awards"]
        out.append(f"<li>Khen thưởng: {aw['decisions']} quyết định, "
                   f"{vntext.format_int(aw['count'])} lượt, "
                   f"{vntext.format_money(aw['amount'])}</li>")
        stages = ", ".join(f"{s['label'].lower()} {s['count']}"
                           for s in fig["models"]["by_stage"])
        out.append(f"<li>Điển hình tiên tiến: {fig['models']['total']} ({stages})</li>")
        out.append(f"<li>Giao ước thi đua đã ký: {len(fig['covenants'])} cụm, khối</li></ul>")
        return "".join(out)

    # ---- actions
    def _saved(self):
        self.ctx.changed("reviews")

    def new_review(self):
        m = self.movement()
        if m is None:
            messages.info(self, "Chưa có phong trào nào: hãy tạo phong trào trước.")
            return
        options = reviews.review_options(m)
        if not options:
            messages.info(self, f"Phong trào '{m.name}' chưa có đợt thi đua nào đã bắt đầu.")
            return
        index = messages.choose(self, "Lập báo cáo nào?", [o[3] for o in options])
        if index is None:
            return
        kind, rnd, year, _ = options[index]
        review = messages.run_action(self, reviews.create_review, actor=self.ctx.actor,
                                     movement=m, kind=kind, round=rnd, year=year)
        if review is not None:
            self._saved()

    def save_texts(self):
        review = self.current()
        if review is None:
            return
        if self.shown_review is not None and self.shown_review.id == review.id:
            review = self.shown_review          # saved only over the version typed over
        values = {key: edit.toPlainText() for key, edit in self.texts.items()}
        values.update(number=self.number.text(), report_date=self.report_date.text() or None)
        if messages.run_action(self, reviews.update_review, actor=self.ctx.actor, review=review,
                               **values) is not None:
            self.shown_review = None
            self._saved()
        else:
            self._take_theirs()

    def _take_theirs(self):
        """After a refused save: the fields the clerk did not touch show the other PC's
        text, the typed ones stay, and the next save is over the version now shown."""
        shown = self.shown_review
        fresh = reviews.get_review(shown.id) if shown is not None else None
        if fresh is None or fresh.version == shown.version:
            return
        for key, edit in self.texts.items():
            if edit.toPlainText() == getattr(shown, key):
                edit.setPlainText(getattr(fresh, key))
        if self.number.text() == shown.number:
            self.number.setText(fresh.number)
        if self.report_date.text() == _date(shown.report_date):
            self.report_date.setText(_date(fresh.report_date))
        self.shown_review = fresh

    def export(self, ext):
        review = self.current()
        if review is None:
            return
        if review.state == reviews.DRAFTED and self.ctx.can_edit:
            self.save_texts()
            review = reviews.get_review(review.id)
        kind = "Tài liệu PDF (*.pdf)" if ext == ".pdf" else "Tài liệu Word (*.docx)"
        path, _ = files.save_name(self, "Lưu báo cáo", _file_name(reviews.title_of(review))
                                  + ext, kind)
        if path:
            self.export_to(review, path)

    def export_to(self, review, path):
        from reports import review_docs
        try:
            written = review_docs.write_review(review, path)
        except UserError as err:
            messages.show_error(self, err)
            return None
        messages.saved(self, written, f"Đã lưu báo cáo {written}")
        return written

    def mark_sent(self):
        review = self.current()
        if review is None:
            return
        fields = lambda d: [  # noqa: E731
            ("sent_date", "Ngày gửi:", line(d["sent_date"] if d else vntext.format_date(
                reviews.today()))),
            ("sent_to", "Nơi nhận (cách nhau bởi dấu ;):",
             line(d["sent_to"] if d else "UBND tỉnh (qua Sở Nội vụ)"))]
        if save_loop(self, fields, "Gửi báo cáo", lambda d: reviews.mark_sent(
                actor=self.ctx.actor, review=review, **d)) is not None:
            self._saved()

    def reopen(self):
        review = self.current()
        if review is None:
            return
        reason = messages.ask_text(self, "Lý do mở lại báo cáo đã gửi:")
        if reason and messages.run_action(self, reviews.reopen_review, actor=self.ctx.actor,
                                          review=review, reason=reason) is not None:
            self._saved()

    def delete(self):
        review = self.current()
        if review is None or not messages.confirm(
                self, f"Xóa báo cáo “{reviews.title_of(review)}”?", yes="Xóa", danger=True):
            return
        messages.run_action(self, reviews.delete_review, actor=self.ctx.actor, review=review)
        self._saved()

    # ---- deadlines
    def _deadline(self):
        index = self.deadline_view.currentIndex()
        return dl.get_deadline(index.data(Qt.UserRole)) if index.isValid() else None

    def add_deadline(self):
        m = self.movement()
        if m is None:
            return
        fields = lambda d: [  # noqa: E731
            ("kind", "Loại:", combo(list(dl.KINDS.items()), d["kind"] if d else None)),
            ("label", "Nội dung:", line(d["label"] if d else "")),
            ("due", "Ngày đến hạn:", line(d["due"] if d else ""))]
        if save_loop(self, fields, "Thêm mốc thời gian", lambda d: dl.add_deadline(
                actor=self.ctx.actor, movement=m, **d)) is not None:
            self._saved()

    def done_deadline(self):
        row = self._deadline()
        if row is None:
            return
        fields = lambda d: [("on", "Ngày hoàn thành:", line(  # noqa: E731
            d["on"] if d else vntext.format_date(reviews.today())))]
        if save_loop(self, fields, f"Hoàn thành: {row.label}", lambda d: dl.mark_done(
                actor=self.ctx.actor, deadline=row, on=d["on"] or None)) is not None:
            self._saved()

    def delete_deadline(self):
        row = self._deadline()
        if row is not None and messages.confirm(self, f"Xóa mốc “{row.label}”?", yes="Xóa",
                                                danger=True):
            messages.run_action(self, dl.delete_deadline, actor=self.ctx.actor, deadline=row)
            self._saved()



