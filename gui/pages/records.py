"""Tabs "Sáng kiến" and "Kỷ luật" of the page "Đơn vị & cá nhân" (issue 18)."""
import datetime

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from models import discipline, initiatives, vntext
from models.errors import UserError

from .. import messages
from ..record_dialogs import DisciplineDialog, InitiativeDialog, RecognitionDialog
from ..table_model import Col, FilterTableModel, ID_ROLE
from ..widgets import FlowLayout, SearchBox, make_table_view


def _date(value):
    return vntext.format_date(value) if value else ""


class InitiativeModel(FilterTableModel):
    """(id, title, authors, unit, date, area, scope, state label, number, decision date,
    effect)"""
    COLUMNS = [Col("Tên sáng kiến", 1, 280), Col("Tác giả", 2, 200), Col("Đơn vị", 3, 180),
               Col("Ngày áp dụng", 4, 90, "center", fmt=_date), Col("Lĩnh vực", 5, 120),
               Col("Phạm vi", 6, 90), Col("Tình trạng", 7, 110),
               Col("Quyết định công nhận", 8, 150), Col("Ngày công nhận", 9, 100, "center",
                                                         fmt=_date),
               Col("Hiệu quả", 10, 300)]
    year = None

    def load(self):
        return [(r["id"], r["title"], r["authors"], r["unit"], r["date"], r["area"], r["scope"],
                 r["state_label"], r["decision_number"], r["decision_date"], r["effect"])
                for r in initiatives.initiative_rows(year=self.year)]

    def key(self, row):
        return f"{row[1]} {row[2]} {row[3]} {row[5]}"


class DisciplineModel(FilterTableModel):
    """(id, kind label, name, form, number, date, start, end, issuer, reason)"""
    COLUMNS = [Col("Đối tượng", 1, 80), Col("Họ và tên / Tên tập thể", 2, 210),
               Col("Hình thức", 3, 110), Col("Số quyết định", 4, 110),
               Col("Ngày quyết định", 5, 105, "center", fmt=_date),
               Col("Từ ngày", 6, 90, "center", fmt=_date),
               Col("Đến ngày", 7, 90, "center", fmt=lambda d: _date(d) or "không thời hạn"),
               Col("Cơ quan quyết định", 8, 160), Col("Lý do", 9, 260)]
    year = None

    def load(self):
        return [(r["id"], r["kind_label"], r["name"], r["form_label"], r["number"], r["date"],
                 r["start_date"], r["end_date"], r["issuer"], r["reason"])
                for r in discipline.discipline_rows(year=self.year)]

    def key(self, row):
        return f"{row[2]} {row[3]} {row[4]} {row[9]}"


class RecordTab(QWidget):
    """A year filter, a searchable table and a row of buttons (like the other lists)."""
    noun = ""

    def __init__(self, ctx, model, actions, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = model
        self.year = QComboBox()
        self.year.addItem("Tất cả các năm", None)
        this = datetime.date.today().year
        for y in range(this, this - 8, -1):
            self.year.addItem(str(y), y)
        self.year.currentIndexChanged.connect(self.reload)
        self.search = SearchBox(parent=self)
        self.search.search.connect(self._filter)
        self.count = QLabel()
        self.view = make_table_view(model, self)
        self.view.doubleClicked.connect(lambda _: actions[1][1]())
        top = QHBoxLayout()
        top.addWidget(QLabel("Năm:"))
        top.addWidget(self.year)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        bar = FlowLayout()
        self.buttons = {}
        for label, slot in actions:
            b = QPushButton(label)
            b.clicked.connect(slot)
            b.setEnabled(ctx.can_edit)
            bar.addWidget(b)
            self.buttons[label] = b
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self.reload()

    def reload(self):
        self.model.year = self.year.currentData()
        self.model.reload()
        self._filter(self.search.text())

    def _filter(self, text):
        self.model.set_filter(text)
        total, shown = len(self.model.rows), len(self.model.visible)
        self.count.setText(f"{shown}/{total} {self.noun}" if shown != total
                           else f"{total} {self.noun}")

    def current_id(self):
        index = self.view.currentIndex()
        return self.model.index(index.row(), 0).data(ID_ROLE) if index.isValid() else None

    def _saved(self):
        self.ctx.changed("records")
        self.reload()


class InitiativesTab(RecordTab):
    noun = "sáng kiến"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, InitiativeModel(), [
            ("Thêm…", self.add), ("Sửa…", self.edit),
            ("Công nhận / không công nhận…", self.recognise), ("Xóa", self.delete)], parent)
        self.buttons["Công nhận / không công nhận…"].setEnabled(ctx.is_leader)

    def add(self):
        if InitiativeDialog.ask(self, lambda v: initiatives.create_initiative(
                actor=self.ctx.actor, **v)) is not None:
            self._saved()

    def _current(self):
        ident = self.current_id()
        if ident is None:
            messages.info(self, "Hãy chọn một sáng kiến trong danh sách.")
            return None
        return initiatives.get_initiative(ident)

    def edit(self):
        item = self._current()
        if item is not None and InitiativeDialog.ask(
                self, lambda v: initiatives.update_initiative(actor=self.ctx.actor,
                                                              initiative=item, **v),
                initiative=item) is not None:
            self._saved()

    def recognise(self):
        item = self._current()
        if item is not None and RecognitionDialog.ask(
                self, lambda v: initiatives.recognise_initiative(actor=self.ctx.actor,
                                                                 initiative=item, **v),
                initiative=item) is not None:
            self._saved()

    def delete(self):
        item = self._current()
        if item is None or not messages.confirm(self, f"Xóa sáng kiến '{item.title}'?",
                                                yes="Xóa", danger=True):
            return
        try:
            initiatives.delete_initiative(actor=self.ctx.actor, initiative=item)
        except UserError as err:
            messages.show_error(self, err)
            return
        self._saved()


class DisciplineTab(RecordTab):
    noun = "quyết định kỷ luật"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, DisciplineModel(), [
            ("Ghi nhận kỷ luật…", self.add), ("Sửa…", self.edit), ("Xóa…", self.delete)],
            parent)

    def _save_new(self, values):
        subject = values.pop("subject")
        if subject is None:
            raise UserError("Hãy tìm và chọn cá nhân hoặc tập thể bị kỷ luật.")
        return discipline.record_discipline(actor=self.ctx.actor, subject=subject, **values)

    def add(self):
        if DisciplineDialog.ask(self, self._save_new) is not None:
            self._saved()

    def _current(self):
        ident = self.current_id()
        if ident is None:
            messages.info(self, "Hãy chọn một quyết định kỷ luật trong danh sách.")
            return None
        return discipline.get_discipline(ident)

    def edit(self):
        item = self._current()
        if item is not None and DisciplineDialog.ask(
                self, lambda v: discipline.update_discipline(actor=self.ctx.actor,
                                                             discipline=item, **v),
                item=item) is not None:
            self._saved()

    def delete(self):
        item = self._current()
        if item is None:
            return
        reason = messages.ask_text(self, "Lý do xóa quyết định kỷ luật này:")
        if not reason:
            return
        try:
            discipline.delete_discipline(actor=self.ctx.actor, discipline=item, reason=reason)
        except UserError as err:
            messages.show_error(self, err)
            return
        self._saved()


def add_record_tabs(page, ctx):
    """Add the two tabs to the page "Đơn vị & cá nhân" (its ``lazy`` tabs: built when first
    shown or asked for, as ``page.initiatives`` and ``page.discipline``)."""
    page.lazy.add("initiatives", "Sáng kiến", lambda: InitiativesTab(ctx))
    page.lazy.add("discipline", "Kỷ luật", lambda: DisciplineTab(ctx))

    def changed(area):
        if area in ("org", "all", "records"):
            for key in ("initiatives", "discipline"):
                if page.lazy.built(key) is not None:     # one not built yet reads when it is
                    page.lazy.built(key).reload()
    ctx.on_change(page, changed)
    return page
