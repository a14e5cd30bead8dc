"""Dialogs to add or edit a unit, a person, a household. They return data; pages save it."""
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit,
                               QPlainTextEdit, QSpinBox)

from models import catalogue, org

from .widgets import ErrorLabel


class FormDialog(QDialog):
    """A form whose fields can each show an error message next to them."""

    def __init__(self, title, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.errors = {}
        self.general_error = ErrorLabel()
        self.setMinimumWidth(460)

    def add(self, name, label, widget):
        self.form.addRow(label, widget)
        err = ErrorLabel()
        self.form.addRow("", err)
        self.errors[name] = err
        setattr(self, name, widget)
        return widget

    def finish(self):
        self.form.addRow(self.general_error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Lưu")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.form.addRow(buttons)

    def show_error(self, err):
        """Put the message next to the field it concerns (or at the bottom)."""
        for label in self.errors.values():
            label.show_message("")
        self.general_error.show_message("")
        field = getattr(err, "field", None)
        target = self.errors.get(field) or self.general_error
        target.show_message(str(err))
        widget = getattr(self, field, None) if field else None
        if widget is not None:
            widget.setFocus()


def year_spin(value):
    spin = QSpinBox()
    spin.setRange(0, 2100)
    spin.setSpecialValueText("(không rõ)")
    spin.setValue(value or 0)
    return spin


def gender_combo(value):
    combo = QComboBox()
    for key, label in org.GENDERS.items():
        combo.addItem(label, key)
    if value:
        combo.setCurrentIndex(list(org.GENDERS).index(value))
    return combo


def unit_combo(units, value_id=None, *, allow_none=True, none_label="(không có)"):
    combo = QComboBox()
    if allow_none:
        combo.addItem(none_label, None)
    for unit, depth in units:
        combo.addItem("    " * depth + unit.name, unit.id)
    if value_id is not None:
        combo.setCurrentIndex(max(0, combo.findData(value_id)))
    combo.setEditable(False)
    return combo


class UnitDialog(FormDialog):
    def __init__(self, parent=None, *, unit=None, parent_unit=None, error=None, data=None):
        super().__init__("Sửa đơn vị" if unit else "Thêm đơn vị", parent)
        data = data or {}
        self.add("name", "Tên đơn vị:", QLineEdit(data.get("name", unit.name if unit else "")))
        kinds = QComboBox()
        for k in catalogue.unit_kinds():
            kinds.addItem(k.name, k.code)
        kind_code = data.get("kind") or (unit.kind.code if unit else "thon")
        kinds.setCurrentIndex(max(0, kinds.findData(kind_code)))
        self.add("kind", "Loại:", kinds)
        tree = [(u, d) for u, d in org.unit_tree() if unit is None or u.id != unit.id]
        parent_id = data.get("parent_id", unit.parent_id if unit else
                             (parent_unit.id if parent_unit else None))
        self.add("parent", "Thuộc:", unit_combo(tree, parent_id, none_label="(cấp cao nhất)"))
        self.add("leader_name", "Người đứng đầu:",
                 QLineEdit(data.get("leader_name", unit.leader_name if unit else "")))
        self.add("address", "Địa chỉ:", QLineEdit(data.get("address",
                                                            unit.address if unit else "")))
        note = QPlainTextEdit(data.get("note", unit.note if unit else ""))
        note.setTabChangesFocus(True)   # Tab goes to the next field
        note.setMaximumHeight(60)
        self.add("note", "Ghi chú:", note)
        self.finish()
        if error is not None:
            self.show_error(error)

    def data(self):
        return dict(name=self.name.text(), kind=self.kind.currentData(),
                    parent_id=self.parent.currentData(), leader_name=self.leader_name.text(),
                    address=self.address.text(), note=self.note.toPlainText())

    @classmethod
    def ask(cls, parent=None, **kwargs):
        dialog = cls(parent, **kwargs)
        return dialog.data() if dialog.exec() else None


class PersonDialog(FormDialog):
    def __init__(self, parent=None, *, person=None, error=None, data=None):
        super().__init__("Sửa thông tin cá nhân" if person else "Thêm cá nhân", parent)
        d = data or {}
        p = person
        self.add("full_name", "Họ và tên:", QLineEdit(d.get("full_name",
                                                            p.full_name if p else "")))
        self.add("gender", "Giới tính:", gender_combo(d.get("gender", p.gender if p else None)))
        self.add("birth_year", "Năm sinh:", year_spin(d.get("birth_year",
                                                            p.birth_year if p else None)))
        self.add("position", "Chức vụ:", QLineEdit(d.get("position", p.position if p else "")))
        self.add("unit", "Đơn vị:", unit_combo(org.unit_tree(include_inactive=False),
                                               d.get("unit_id", p.unit_id if p else None)))
        self.finish()
        if error is not None:
            self.show_error(error)

    def data(self):
        return dict(full_name=self.full_name.text(), gender=self.gender.currentData(),
                    birth_year=self.birth_year.value() or None, position=self.position.text(),
                    unit_id=self.unit.currentData())

    @classmethod
    def ask(cls, parent=None, **kwargs):
        dialog = cls(parent, **kwargs)
        return dialog.data() if dialog.exec() else None


class HouseholdDialog(FormDialog):
    def __init__(self, parent=None, *, household=None, error=None, data=None):
        super().__init__("Sửa hộ gia đình" if household else "Thêm hộ gia đình", parent)
        d = data or {}
        h = household
        self.add("head_name", "Chủ hộ:", QLineEdit(d.get("head_name", h.head_name if h else "")))
        self.add("gender", "Giới tính chủ hộ:",
                 gender_combo(d.get("gender", h.gender if h else None)))
        self.add("birth_year", "Năm sinh chủ hộ:",
                 year_spin(d.get("birth_year", h.birth_year if h else None)))
        villages = [(v, 0) for v in org.villages()]
        self.add("village", "Thôn/Tổ dân phố:",
                 unit_combo(villages, d.get("village_id", h.village_id if h else None),
                            allow_none=False))
        self.add("address", "Địa chỉ:", QLineEdit(d.get("address", h.address if h else "")))
        self.finish()
        if error is not None:
            self.show_error(error)

    def data(self):
        return dict(head_name=self.head_name.text(), gender=self.gender.currentData(),
                    birth_year=self.birth_year.value() or None,
                    village_id=self.village.currentData(), address=self.address.text())

    @classmethod
    def ask(cls, parent=None, **kwargs):
        dialog = cls(parent, **kwargs)
        return dialog.data() if dialog.exec() else None
