"""Dialogs of the page "Đăng ký": one registration (subject, titles, commitments), bulk
registration with a live count, a bloc's covenant. They return data; the page saves it."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox,
                               QFormLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QTableView, QVBoxLayout,
                               QWidget)

from models import org, vntext
from models import registrations as rg
from models.entities import HOUSEHOLD, PERSON, UNIT

from ..table_model import Col, FilterTableModel, ID_ROLE, RowsModel, name_sort
from ..widgets import ErrorLabel, SearchBox, make_table_view
from .movement_dialogs import combo, line


def _date(d):
    return vntext.format_date(d) if d else ""


class SubjectModel(FilterTableModel):
    """(id, name, place, key, registered) of units, people or households to pick from;
    those already registered for the movement and year are marked and greyed."""
    COLUMNS = [Col("Tên", 1, 260, sort=name_sort), Col("Thôn / đơn vị", 2, 220),
               Col("Đã đăng ký", 4, 130)]
    KEYS_FOLDED = True
    ACTIVE_INDEX = 5

    def __init__(self, movement=None, year=None):
        super().__init__()
        self.kind = UNIT
        self.movement, self.year = movement, year

    def load(self):
        done = (rg.registered_subjects(self.movement, self.year, self.kind)
                if self.movement is not None and self.year is not None else {})

        def mark(sid):
            return (f"✓ {done[sid]}", False) if sid in done else ("", True)
        if self.kind == UNIT:
            return [(u.id, u.name, u.kind.name, vntext.fold(u.name), *mark(u.id))
                    for u in rg.registrable_units()]
        rows = org.person_rows() if self.kind == PERSON else org.household_rows()
        return [(r[0], r[1], r[5] or "", r[2], *mark(r[0])) for r in rows if r[7]]

    def key(self, row):
        return row[3]


class CommitmentModel(RowsModel):
    """Editable commitments: the subject's own value in the last column."""
    HEADERS = ["Chỉ tiêu", "ĐVT", "Chỉ tiêu xã", "Đăng ký"]

    def __init__(self, rows):
        super().__init__(dict(r) for r in rows)

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemIsEditable if index.column() == 3 else base

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or role not in (Qt.DisplayRole, Qt.EditRole):
            return None
        r = self.rows[index.row()]
        t = r.get("target")
        values = [r["name"], r.get("measure", ""),
                  vntext.format_decimal(t.value) if t is not None and t.value is not None
                  else "", r["value"] if isinstance(r["value"], str)
                  else ("" if r["value"] is None else vntext.format_decimal(r["value"]))]
        return values[index.column()]

    def setData(self, index, value, role=Qt.EditRole):
        if index.column() != 3 or role != Qt.EditRole:
            return False
        self.rows[index.row()]["value"] = value
        self.dataChanged.emit(index, index)
        return True


# --------------------------------------------------------------------------- dialogs

class RegistrationDialog(QDialog):
    """New registration (pick a subject) or edit one: titles, commitments, date, signer."""

    def __init__(self, parent, movement, registration=None, error=None, year=None):
        super().__init__(parent)
        self.movement, self.year = movement, year
        self.registration = registration
        self.setWindowTitle("Sửa đăng ký thi đua" if registration else "Đăng ký thi đua mới")
        self.resize(900, 640)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{movement.name}</b>"))
        self.subject = None
        if registration is None:
            top = QHBoxLayout()
            self.kind = combo([(UNIT, "Tập thể"), (PERSON, "Cá nhân"), (HOUSEHOLD, "Hộ gia đình")])
            self.kind.currentIndexChanged.connect(self._kind_changed)
            self.search = SearchBox("Tìm đối tượng…")
            top.addWidget(self.kind)
            top.addWidget(self.search, 1)
            layout.addLayout(top)
            self.subjects = SubjectModel(movement, year)
            self.subjects.reload()
            self.search.search.connect(self.subjects.set_filter)
            self.subject_view = make_table_view(self.subjects, self)
            self.subject_view.setSelectionMode(QAbstractItemView.SingleSelection)
            self.subject_view.selectionModel().currentRowChanged.connect(
                lambda *_: self._subject_changed())
            layout.addWidget(self.subject_view, 2)
        else:
            from models.subjects import display_name, subject_of
            self.subject = subject_of(registration)
            layout.addWidget(QLabel(f"Đối tượng: <b>{display_name(self.subject)}</b>"))
        self.titles_box = QGroupBox("Danh hiệu đăng ký")
        self.titles_layout = QHBoxLayout(self.titles_box)
        self.checks = []
        layout.addWidget(self.titles_box)
        rows = ([dict(target=c.target, name=c.name, measure=c.measure, value=c.value,
                      direction=c.direction) for c in registration.commitments]
                if registration else rg.prefill_commitments(movement))
        self.commitments = CommitmentModel(rows)
        self.commit_view = QTableView()
        self.commit_view.setTabKeyNavigation(False)      # Tab leaves the table
        self.commit_view.setModel(self.commitments)
        self.commit_view.verticalHeader().hide()
        for i, w in enumerate((430, 90, 110, 120)):
            self.commit_view.setColumnWidth(i, w)
        self.commit_label = QLabel()
        layout.addWidget(self.commit_label)
        self._label_commitments()
        layout.addWidget(self.commit_view, 2)
        form = QFormLayout()
        self.reg_date = line(_date(registration.reg_date) if registration else "")
        self.reg_date.setPlaceholderText("dd/mm/yyyy")
        self.signer = line(registration.signer if registration else "")
        form.addRow("Ngày đăng ký:", self.reg_date)
        form.addRow("Người ký:", self.signer)
        self.round = None              # issue 18: rounds that take their own registrations
        if registration is None:
            from models import round_registrations
            rounds = round_registrations.rounds_taking_registrations(movement)
            if rounds:
                self.round = combo([(None, "Cả năm của phong trào")] + [
                    (r, f"{r.name} ({_date(r.start)} – {_date(r.end)})") for r in rounds])
                form.addRow("Đăng ký cho:", self.round)
        layout.addLayout(form)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        if error is not None:
            self.error.show_message(str(error))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Lưu")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill_titles(registration)

    def _kind_changed(self):
        self.subjects.kind = self.kind.currentData()
        self.subjects.reload()
        self.subjects.set_filter(self.search.text())
        self.subject = None
        self._fill_titles()
        # only a collective commits to the commune's targets
        self.commitments.set_rows(rg.prefill_commitments(self.movement)
                                  if self.subjects.kind == UNIT else [])
        self._label_commitments()

    def _label_commitments(self):
        if self.commitments.rows:
            text = "Chỉ tiêu cam kết (sửa cột “Đăng ký” cho số của đối tượng):"
        elif self.registration is None and self.subjects.kind != UNIT:
            text = ("Cá nhân và hộ gia đình đăng ký danh hiệu; các chỉ tiêu chung của xã "
                    "chỉ dành cho tập thể.")
        else:
            text = "Phong trào này chưa có chỉ tiêu để cam kết."
        self.commit_label.setText(text)

    def _subject_changed(self):
        index = self.subject_view.currentIndex()
        if not index.isValid():
            return
        sid = index.data(ID_ROLE)
        kind = self.subjects.kind
        self.subject = (org.get_unit(sid) if kind == UNIT else org.get_person(sid)
                        if kind == PERSON else org.get_household(sid))
        self._fill_titles()

    def _fill_titles(self, registration=None):
        for c in self.checks:
            c.setParent(None)
        self.checks = []
        if self.subject is None:
            return
        chosen = set(rg.title_codes(registration)) if registration else set()
        for t in rg.allowed_titles(self.subject):
            box = QCheckBox(t.name if t.kind == "title" else f"{t.name} (hình thức)")
            box.setProperty("code", t.code)
            box.setChecked(t.code in chosen)
            self.titles_layout.addWidget(box)
            self.checks.append(box)
        # Tab goes from the subject list to the titles, then on to the commitments: boxes
        # made now would otherwise come last, after the Lưu/Hủy buttons
        chain = ([self.subject_view] if self.registration is None else []) + self.checks \
            + [self.commit_view]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def _ok(self):
        if self.subject is None:
            self.error.show_message("Hãy chọn đối tượng đăng ký trong danh sách.")
            return
        if self.registration is None:
            index = self.subject_view.currentIndex()
            mark = self.subjects.index(index.row(), 2).data() if index.isValid() else ""
            if mark:
                self.error.show_message(
                    f"Đối tượng này đã đăng ký ({mark.lstrip('✓ ')}) năm {self.year}: hãy "
                    "đóng hộp này và sửa đăng ký đã có, hoặc chọn đối tượng khác.")
                return
        self.accept()

    def values(self):
        return dict(subject=self.subject,
                    titles=[c.property("code") for c in self.checks if c.isChecked()],
                    commitments=self.commitments.rows, reg_date=self.reg_date.text() or None,
                    signer=self.signer.text(),
                    round=self.round.currentData() if self.round is not None else None)


class BulkDialog(QDialog):
    """Every household of chosen thôn and every member of chosen units, with a live count."""

    def __init__(self, parent, movement, year):
        super().__init__(parent)
        self.movement, self.year = movement, year
        self.setWindowTitle("Đăng ký hàng loạt")
        self.resize(820, 560)
        self.villages = QListWidget()
        for unit, n in rg.villages_with_households():
            item = QListWidgetItem(f"{unit.name} ({vntext.format_int(n)} hộ)")
            item.setData(Qt.UserRole, unit.id)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.villages.addItem(item)
        self.units = QListWidget()
        for unit, n in rg.units_with_members():
            item = QListWidgetItem(f"{unit.name} ({vntext.format_int(n)} người)")
            item.setData(Qt.UserRole, unit.id)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.units.addItem(item)
        for w in (self.villages, self.units):
            w.itemChanged.connect(lambda *_: self._preview())
        lists = QHBoxLayout()
        for title, w in (("Hộ gia đình của các thôn, tổ dân phố", self.villages),
                         ("Cá nhân của các đơn vị", self.units)):
            box = QVBoxLayout()
            box.addWidget(QLabel(f"<b>{title}</b>"))
            box.addWidget(w)
            lists.addLayout(box)
        from models.catalogue import titles
        self.hh_title = combo([(t.code, t.name) for t in titles(subject_kind=HOUSEHOLD)
                               if not t.unit_kinds] + [(None, "(không chọn danh hiệu)")],
                              "GDVH")
        self.person_title = combo([(t.code, t.name) for t in titles(subject_kind=PERSON)
                                   if not t.unit_kinds] + [(None, "(không chọn danh hiệu)")],
                                  "LDTT")
        self.reg_date = line("")
        self.reg_date.setPlaceholderText("dd/mm/yyyy")
        form = QFormLayout()
        form.addRow("Danh hiệu cho hộ gia đình:", self.hh_title)
        form.addRow("Danh hiệu cho cá nhân:", self.person_title)
        form.addRow("Ngày đăng ký:", self.reg_date)
        self.preview = QLabel()
        self.preview.setStyleSheet("font-weight: bold;")
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok = buttons.button(QDialogButtonBox.Ok)
        self.ok.setText("Đăng ký")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{movement.name}</b> — năm {year}"))
        layout.addLayout(lists, 1)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(buttons)
        self._preview()

    def _checked(self, widget):
        return [widget.item(i).data(Qt.UserRole) for i in range(widget.count())
                if widget.item(i).checkState() == Qt.Checked]

    def _preview(self):
        p = rg.bulk_preview(movement=self.movement, year=self.year,
                            villages=self._checked(self.villages), units=self._checked(self.units))
        self.counts = p
        text = (f"Sẽ đăng ký {vntext.format_int(p['households'])} hộ gia đình và "
                f"{vntext.format_int(p['people'])} cá nhân")
        if p["already"]:
            text += f"; bỏ qua {vntext.format_int(p['already'])} đã đăng ký"
        self.preview.setText(text + ".")
        self.ok.setEnabled(p["households"] + p["people"] > 0)

    def values(self):
        return dict(villages=self._checked(self.villages), units=self._checked(self.units),
                    titles=[c for c in (self.hh_title.currentData(),
                                        self.person_title.currentData()) if c],
                    reg_date=self.reg_date.text() or None)


class CovenantDialog(QDialog):
    def __init__(self, parent, bloc, year, covenant=None, error=None):
        super().__init__(parent)
        self.setWindowTitle(f"Giao ước thi đua năm {year} — {bloc.name}")
        self.resize(700, 600)
        members = rg.bloc_members(bloc)
        chosen = ({m.unit_id for m in rg.covenant_members(covenant)} if covenant
                  else {m.id for m in members})
        self.members = QListWidget()
        for m in members:
            item = QListWidgetItem(m.name)
            item.setData(Qt.UserRole, m.id)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if m.id in chosen else Qt.Unchecked)
            self.members.addItem(item)
        options = [(None, "(chưa chọn)")] + [(m.id, m.name) for m in members]
        self.head = combo(options, covenant.head_id if covenant else bloc.head_id)
        self.deputy = combo(options, covenant.deputy_id if covenant else bloc.deputy_id)
        self.content = QPlainTextEdit(covenant.content if covenant else "")
        self.content.setTabChangesFocus(True)   # Tab goes to the next field
        self.signed = line(_date(covenant.signed_date) if covenant else "")
        self.signed.setPlaceholderText("dd/mm/yyyy")
        self.place = line(covenant.place if covenant else "")
        form = QFormLayout()
        form.addRow("Thành viên:", self.members)
        form.addRow("Cụm trưởng:", self.head)
        form.addRow("Cụm phó:", self.deputy)
        form.addRow("Nội dung giao ước:", self.content)
        form.addRow("Ngày ký:", self.signed)
        form.addRow("Địa điểm:", self.place)
        self.error = ErrorLabel(self)
        if error is not None:
            self.error.show_message(str(error))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Lưu")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def values(self):
        ids = [self.members.item(i).data(Qt.UserRole) for i in range(self.members.count())
               if self.members.item(i).checkState() == Qt.Checked]
        return dict(members=[org.get_unit(i) for i in ids],
                    head=org.get_unit(self.head.currentData()) if self.head.currentData()
                    else None,
                    deputy=org.get_unit(self.deputy.currentData()) if self.deputy.currentData()
                    else None,
                    content=self.content.toPlainText(), signed_date=self.signed.text() or None,
                    place=self.place.text())


class ActualsModel(RowsModel):
    """Commitments with the actual value editable and the completion shown."""
    HEADERS = ["Chỉ tiêu", "ĐVT", "Đăng ký", "Thực hiện", "Hoàn thành"]

    def __init__(self, rows):
        super().__init__(rows)
        self.edited = {}

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemIsEditable if index.column() == 3 else base

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or role not in (Qt.DisplayRole, Qt.EditRole):
            return None
        r = self.rows[index.row()]
        if index.column() == 3 and r["id"] in self.edited:
            return self.edited[r["id"]]
        num = (lambda v: "" if v is None else vntext.format_decimal(v))
        return [r["name"], r["measure"], num(r["value"]), num(r["actual"]),
                r["completion"].text if r["actual"] is not None else ""][index.column()]

    def setData(self, index, value, role=Qt.EditRole):
        if index.column() != 3 or role != Qt.EditRole:
            return False
        self.edited[self.rows[index.row()]["id"]] = value
        self.dataChanged.emit(index, index)
        return True


class ActualsDialog(QDialog):
    """Enter what a unit actually reached (allowed in every state of the registration)."""

    def __init__(self, parent, registration, title, error=None, edited=None):
        super().__init__(parent)
        self.setWindowTitle("Kết quả thực hiện chỉ tiêu cam kết")
        self.resize(860, 520)
        rows = rg.commitment_rows(registration)
        self.model = ActualsModel(rows)
        self.model.edited = dict(edited or {})
        # the versions read now: a value another PC saves meanwhile refuses the save
        self.versions = {r["id"]: r["version"] for r in rows}
        view = QTableView()
        view.setModel(self.model)
        view.verticalHeader().hide()
        for i, w in enumerate((400, 90, 100, 100, 130)):
            view.setColumnWidth(i, w)
        self.error = ErrorLabel(self)
        if error is not None:
            self.error.show_message(str(error))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Lưu")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{title}</b> — sửa cột “Thực hiện” (vd. 87,5 hoặc 1.650)"))
        layout.addWidget(view, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def values(self):
        return dict(self.model.edited)
