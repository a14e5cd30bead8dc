"""Dialogs of issue 18: an initiative, its recognition, a discipline, a sudden or themed award.

Each dialog gathers data; the page passes a ``save`` callable (the models function) through
``save_on_accept``, so a refused save keeps the dialog open with its message and all input.
"""
import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from models import decisions, discipline, initiatives, org, vntext
from models import special_awards
from models.entities import Title

from .decision_dialogs import buttons, date_edit, date_of
from .org_dialogs import unit_combo
from .subject_finder import MODELS, SubjectFinder, fill_titles
from .widgets import ErrorLabel, save_on_accept

def _text_box(text="", height=70):
    box = QPlainTextEdit(text)
    box.setTabChangesFocus(True)        # Tab goes to the next field
    box.setMaximumHeight(height)
    return box


class _Dialog(QDialog):
    def __init__(self, title, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.form = QFormLayout(self)
        self.error = ErrorLabel()

    def finish(self, ok="Lưu"):
        self.form.addRow(self.error)
        self.form.addRow(buttons(self, ok))

    @classmethod
    def ask(cls, parent, save, **kwargs):
        """What ``save(values)`` returned, or None when cancelled."""
        dialog = cls(parent, **kwargs)
        save_on_accept(dialog, save, dialog.error)
        return dialog.saved if dialog.exec() else None


# --------------------------------------------------------------------------- initiatives

class InitiativeDialog(_Dialog):
    """Title, authors (at least one), unit, date, field, effect, scope."""

    def __init__(self, parent=None, initiative=None):
        super().__init__("Sửa sáng kiến" if initiative else "Thêm sáng kiến", parent)
        i = initiative
        self.title = QLineEdit(i.title if i else "")
        self.finder = SubjectFinder(("person",), "Tìm tác giả theo tên…")
        self.authors = QListWidget()
        self.authors.setMaximumHeight(80)
        if i is not None:
            for a in i.authors.order_by(initiatives.InitiativeAuthor.order):
                self._add_author(a.person)
        add = QPushButton("Thêm tác giả")
        add.clicked.connect(lambda: self._add_author(self.finder.subject()))
        drop = QPushButton("Bỏ tác giả đang chọn")
        drop.clicked.connect(lambda: self.authors.takeItem(self.authors.currentRow()))
        self.finder.results.itemDoubleClicked.connect(
            lambda _: self._add_author(self.finder.subject()))
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(drop)
        row.addStretch(1)
        self.unit = unit_combo(org.unit_tree(include_inactive=False), i.unit_id if i else None,
                               none_label="(theo đơn vị của tác giả đầu tiên)")
        self.date = date_edit(i.date if i else None)
        self.area = QLineEdit(i.area if i else "")
        self.effect = _text_box(i.effect if i else "")
        self.scope = QComboBox()
        for code, label in initiatives.SCOPES.items():
            self.scope.addItem(label, code)
        self.scope.setCurrentIndex(max(0, self.scope.findData(i.scope if i else "base")))
        self.form.addRow("Tên sáng kiến:", self.title)
        self.form.addRow("Tìm tác giả:", self.finder)
        self.form.addRow("", row)
        self.form.addRow("Tác giả:", self.authors)
        self.form.addRow("Đơn vị:", self.unit)
        self.form.addRow("Ngày áp dụng:", self.date)
        self.form.addRow("Lĩnh vực:", self.area)
        self.form.addRow("Hiệu quả:", self.effect)
        self.form.addRow("Phạm vi ảnh hưởng:", self.scope)
        self.finish()

    def _add_author(self, person):
        if person is None:
            return
        for n in range(self.authors.count()):
            if self.authors.item(n).data(Qt.UserRole) == person.id:
                return
        item = QListWidgetItem(person.full_name)
        item.setData(Qt.UserRole, person.id)
        self.authors.addItem(item)

    def values(self):
        return dict(title=self.title.text(), date=date_of(self.date),
                    authors=[self.authors.item(n).data(Qt.UserRole)
                             for n in range(self.authors.count())],
                    unit=self.unit.currentData(), area=self.area.text(),
                    effect=self.effect.toPlainText(), scope=self.scope.currentData())


class RecognitionDialog(_Dialog):
    """The council's verdict on an initiative, with its decision."""

    def __init__(self, parent=None, initiative=None):
        super().__init__("Công nhận sáng kiến", parent)
        label = QLabel(f"<b>{initiative.title}</b>")
        label.setWordWrap(True)
        self.recognised = QComboBox()
        self.recognised.addItem("Công nhận là sáng kiến", True)
        self.recognised.addItem("Không công nhận", False)
        self.council = QLineEdit(initiative.council or "Hội đồng sáng kiến xã")
        self.number = QLineEdit(initiative.decision_number)
        self.number.setPlaceholderText("ví dụ 02/QĐ-UBND")
        self.date = date_edit(initiative.decision_date)
        self.form.addRow(label)
        self.form.addRow("Kết quả:", self.recognised)
        self.form.addRow("Hội đồng:", self.council)
        self.form.addRow("Số quyết định:", self.number)
        self.form.addRow("Ngày quyết định:", self.date)
        self.finish()

    def values(self):
        return dict(recognised=self.recognised.currentData(), council=self.council.text(),
                    number=self.number.text(), date=date_of(self.date))


# --------------------------------------------------------------------------- discipline

class DisciplineDialog(_Dialog):
    """A person or unit, form, decision number and date, period (end ≥ start)."""

    def __init__(self, parent=None, item=None):
        super().__init__("Sửa kỷ luật" if item else "Ghi nhận kỷ luật", parent)
        self.item = item
        self.finder = SubjectFinder(("person", "unit"), "Tìm cá nhân hoặc tập thể…")
        if item is not None:
            who = item.person.full_name if item.person_id else item.unit.name
            self.finder.setEnabled(False)
            self.finder.search.setText(who)
        self.form_box = QComboBox()
        for code, (name, _) in discipline.FORMS.items():
            self.form_box.addItem(name, code)
        self.form_box.setCurrentIndex(max(0, self.form_box.findData(item.form if item else
                                                                    "khien_trach")))
        self.number = QLineEdit(item.number if item else "")
        self.number.setPlaceholderText("ví dụ 15/QĐ-UBND")
        self.date = date_edit(item.date if item else None)
        self.start = date_edit(item.start_date if item else None)
        self.date.dateChanged.connect(lambda d: self.start.setDate(d) if item is None else None)
        self.has_end = QCheckBox("Có thời hạn đến:")
        self.end = date_edit(item.end_date if item and item.end_date
                             else datetime.date.today() + datetime.timedelta(days=365))
        self.has_end.setChecked(item is None or item.end_date is not None)
        self.end.setEnabled(self.has_end.isChecked())
        self.has_end.toggled.connect(self.end.setEnabled)
        end_row = QHBoxLayout()
        end_row.addWidget(self.has_end)
        end_row.addWidget(self.end, 1)
        self.issuer = QLineEdit(item.issuer if item else "Chủ tịch UBND xã")
        self.reason = _text_box(item.reason if item else "", 60)
        self.form.addRow("Cá nhân / tập thể:", self.finder)
        self.form.addRow("Hình thức:", self.form_box)
        self.form.addRow("Số quyết định:", self.number)
        self.form.addRow("Ngày quyết định:", self.date)
        self.form.addRow("Thi hành từ:", self.start)
        self.form.addRow("", end_row)
        self.form.addRow("Cơ quan quyết định:", self.issuer)
        self.form.addRow("Lý do:", self.reason)
        self.finish()

    def values(self):
        out = dict(form=self.form_box.currentData(), number=self.number.text(),
                   date=date_of(self.date), start_date=date_of(self.start),
                   end_date=date_of(self.end) if self.has_end.isChecked() else None,
                   issuer=self.issuer.text(), reason=self.reason.toPlainText())
        if self.item is None:
            out["subject"] = self.finder.subject()
        return out


# --------------------------------------------------------------------------- awards

class RecipientsBox(QWidget):
    """Find a subject, choose its title or form, add it to the list (the decision's list)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.finder = SubjectFinder()
        self.titles = QComboBox()
        self.finder.results.currentItemChanged.connect(self._titles)
        self.finder.results.itemDoubleClicked.connect(lambda _: self._add())
        add = QPushButton("Thêm vào danh sách")
        add.clicked.connect(self._add)
        drop = QPushButton("Bỏ dòng đang chọn")
        self.chosen = QListWidget()
        self.chosen.setMaximumHeight(90)
        drop.clicked.connect(lambda: self.chosen.takeItem(self.chosen.currentRow()))
        line = QHBoxLayout()
        line.addWidget(QLabel("Hình thức:"))
        line.addWidget(self.titles, 1)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(add)
        buttons_row.addWidget(drop)
        buttons_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.finder)
        layout.addLayout(line)
        layout.addLayout(buttons_row)
        layout.addWidget(QLabel("Danh sách khen thưởng:"))
        layout.addWidget(self.chosen)

    def _titles(self, *_):
        fill_titles(self.titles, self.finder.subject())

    def _add(self):
        subject, title_id = self.finder.subject(), self.titles.currentData()
        if subject is None or title_id is None:
            return
        kind = type(subject).__name__.lower()
        item = QListWidgetItem(f"{decisions.display_name(subject)} — {self.titles.currentText()}")
        item.setData(Qt.UserRole, (kind, subject.id, title_id))
        self.chosen.addItem(item)

    def recipients(self):
        out = []
        for n in range(self.chosen.count()):
            kind, ident, title_id = self.chosen.item(n).data(Qt.UserRole)
            out.append((MODELS[kind].get_by_id(ident), Title.get_by_id(title_id)))
        return out


class SuddenAwardDialog(_Dialog):
    """What happened (day, place, act) → a draft decision with its list."""

    def __init__(self, parent=None):
        super().__init__("Khen thưởng đột xuất", parent)
        self.setMinimumWidth(640)
        self.event_date = date_edit()
        self.place = QLineEdit()
        self.place.setPlaceholderText("ví dụ: bến đò thôn Đông")
        self.description = _text_box()
        self.description.setPlaceholderText("Sự việc, hành động hoặc thành tích được khen")
        self.recipients = RecipientsBox()
        self.date = date_edit()
        self.number = QLineEdit()
        self.number.setPlaceholderText("để trống: lấy số tiếp theo khi ban hành")
        self.form.addRow("Ngày xảy ra:", self.event_date)
        self.form.addRow("Địa điểm:", self.place)
        self.form.addRow("Sự việc:", self.description)
        self.form.addRow("Người, tập thể được khen:", self.recipients)
        self.form.addRow("Ngày quyết định:", self.date)
        self.form.addRow("Số:", self.number)
        self.finish("Lập quyết định")

    def values(self):
        return dict(event_date=date_of(self.event_date), place=self.place.text(),
                    description=self.description.toPlainText(),
                    recipients=self.recipients.recipients(), date=date_of(self.date),
                    number=self.number.text().strip() or None)


class ThemedAwardDialog(_Dialog):
    """A themed movement or a round (its sơ kết / tổng kết) → a draft decision."""

    def __init__(self, parent=None, year=None):
        super().__init__("Khen thưởng chuyên đề, theo đợt", parent)
        self.setMinimumWidth(640)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year or datetime.date.today().year)
        self.occasion = QComboBox()
        self.occasion.setMinimumWidth(420)
        self.date = date_edit()
        self.number = QLineEdit()
        self.number.setPlaceholderText("để trống: lấy số tiếp theo khi ban hành")
        self.recipients = RecipientsBox()
        hint = QLabel("Danh sách có thể để trống và thêm sau ở thẻ Quyết định (kể cả những "
                      "người bình xét đạt).")
        hint.setWordWrap(True)
        self.form.addRow("Năm:", self.year)
        self.form.addRow("Sơ kết, tổng kết:", self.occasion)
        self.form.addRow("Ngày quyết định:", self.date)
        self.form.addRow("Số:", self.number)
        self.form.addRow("Người, tập thể được khen:", self.recipients)
        self.form.addRow(hint)
        self.year.valueChanged.connect(self._fill)
        self.occasion.currentIndexChanged.connect(self._default_date)
        self._fill()
        self.finish("Lập quyết định")

    def _fill(self):
        self.occasion.clear()
        year = self.year.value()
        for rnd in special_awards.rounds_of(year):
            review = rnd.review_name or rnd.name
            when = f" ngày {vntext.format_date(rnd.review_date)}" if rnd.review_date else ""
            self.occasion.addItem(f"{review}{when} — {rnd.name}, {rnd.movement.name}",
                                  ("round", rnd))
        for mv in special_awards.themed_movements(year):
            self.occasion.addItem(f"Tổng kết phong trào chuyên đề: {mv.name}", ("movement", mv))

    def _default_date(self):
        data = self.occasion.currentData()
        if data and data[0] == "round" and data[1].review_date:
            from PySide6.QtCore import QDate
            d = data[1].review_date
            self.date.setDate(QDate(d.year, d.month, d.day))

    def values(self):
        kind, obj = self.occasion.currentData() or (None, None)
        return dict(round=obj if kind == "round" else None,
                    movement=obj if kind == "movement" else None, date=date_of(self.date),
                    number=self.number.text().strip() or None,
                    recipients=self.recipients.recipients())
