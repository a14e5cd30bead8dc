"""Dialogs of the reward fund and the blank stock: they gather input and return it (or call
the ``save`` they are given and stay open with a UserError beside the fields)."""
from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QSpinBox, QVBoxLayout)
from PySide6.QtCore import Qt

from models import fund, vntext

from .decision_dialogs import buttons, date_edit, date_of
from .widgets import ErrorLabel, save_on_accept


def _run(dialog, save):
    """exec() with save_on_accept: what ``save`` returned, or None when cancelled."""
    save_on_accept(dialog, save, dialog.error)
    return dialog.saved if dialog.exec() else None


class FundEntryDialog(QDialog):
    """A receipt or a payment entered by hand (a decision's payment is written on issue)."""

    def __init__(self, parent=None, *, direction="receipt", entry=None):
        super().__init__(parent)
        self.setWindowTitle(("Sửa khoản " if entry else "Ghi khoản ")
                            + ("thu" if direction == "receipt" else "chi")
                            + " — quỹ thi đua, khen thưởng")
        self.kind = QComboBox()
        for key in fund.MANUAL_KINDS:
            if fund.KINDS[key][0] == direction:
                self.kind.addItem(fund.KINDS[key][1], key)
        self.date = date_edit(entry["date"] if entry else None)
        self.amount = QLineEdit(vntext.format_int(entry["receipt"] or entry["payment"])
                                if entry else "")
        self.amount.setPlaceholderText("ví dụ 50.000.000")
        self.content = QLineEdit(entry["content"] if entry else "")
        self.content.setPlaceholderText("ví dụ Ngân sách xã cấp năm 2026")
        self.doc_number = QLineEdit(entry["doc_number"] if entry and entry["manual"] else "")
        self.has_doc_date = QCheckBox("Có ngày chứng từ")
        self.doc_date = date_edit(entry["doc_date"] if entry and entry["doc_date"] else None)
        self.has_doc_date.setChecked(bool(entry and entry["doc_date"]))
        self.doc_date.setEnabled(self.has_doc_date.isChecked())
        self.has_doc_date.toggled.connect(self.doc_date.setEnabled)
        self.note = QLineEdit(entry["note"] if entry else "")
        if entry:
            self.kind.setCurrentIndex(max(0, self.kind.findData(entry["kind"])))
        self.error = ErrorLabel()
        form = QFormLayout(self)
        form.addRow("Loại:", self.kind)
        form.addRow("Ngày:", self.date)
        form.addRow("Số tiền (đồng):", self.amount)
        form.addRow("Nội dung:", self.content)
        form.addRow("Số chứng từ:", self.doc_number)
        form.addRow(self.has_doc_date, self.doc_date)
        form.addRow("Ghi chú:", self.note)
        form.addRow(self.error)
        form.addRow(buttons(self, "Ghi sổ"))
        self.resize(520, self.sizeHint().height())

    def values(self):
        return {"kind": self.kind.currentData(), "date": date_of(self.date),
                "amount": self.amount.text(), "content": self.content.text(),
                "doc_number": self.doc_number.text(),
                "doc_date": date_of(self.doc_date) if self.has_doc_date.isChecked() else None,
                "note": self.note.text()}

    @classmethod
    def ask(cls, parent, save, **kw):
        return _run(cls(parent, **kw), save)


class BlankKindDialog(QDialog):
    """A kind of blank and the certificate templates printed on it."""

    def __init__(self, parent=None, *, templates=(), kind=None, linked=()):
        super().__init__(parent)
        self.setWindowTitle("Loại phôi giấy khen")
        self.name = QLineEdit(kind.name if kind else "")
        self.name.setPlaceholderText("ví dụ Giấy khen của Chủ tịch UBND xã")
        self.note = QLineEdit(kind.note if kind else "")
        self.templates = QListWidget()
        for name in templates:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if name in linked else Qt.Unchecked)
            self.templates.addItem(item)
        self.active = QCheckBox("Đang dùng")
        self.active.setChecked(kind.active if kind else True)
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow("Tên loại phôi:", self.name)
        form.addRow("Ghi chú:", self.note)
        form.addRow("", self.active)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Các mẫu giấy khen in trên loại phôi này (mỗi tờ in trên phôi "
                                "trừ một phôi):"))
        layout.addWidget(self.templates)
        layout.addWidget(self.error)
        layout.addWidget(buttons(self, "Lưu"))
        self.kind_id = kind.id if kind else None
        self.resize(520, 420)

    def values(self):
        checked = [self.templates.item(i).text() for i in range(self.templates.count())
                   if self.templates.item(i).checkState() == Qt.Checked]
        return {"name": self.name.text(), "note": self.note.text(), "templates": checked,
                "active": self.active.isChecked(), "kind_id": self.kind_id}

    @classmethod
    def ask(cls, parent, save, **kw):
        return _run(cls(parent, **kw), save)


class BlankMoveDialog(QDialog):
    """Blanks received (quantity or serial range) or spoiled (quantity, where, reason)."""

    def __init__(self, parent=None, *, kinds=(), spoil=False, kind_id=None):
        super().__init__(parent)
        self.spoil = spoil
        self.setWindowTitle("Ghi phôi hỏng" if spoil else "Nhận phôi")
        self.kind = QComboBox()
        for k in kinds:
            self.kind.addItem(k.name, k.id)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind_id)))
        self.date = date_edit()
        self.date.setMaximumDate(QDate.currentDate())
        self.quantity = QSpinBox()
        self.quantity.setRange(0, 1_000_000)
        self.quantity.setSpecialValueText("(theo dải sêri)" if not spoil else "0")
        self.serial_from, self.serial_to = QLineEdit(), QLineEdit()
        self.serial_from.setPlaceholderText("ví dụ GK-000101")
        self.serial_to.setPlaceholderText("ví dụ GK-000600")
        self.doc_number = QLineEdit()
        self.stage = QComboBox()
        self.stage.addItem("Hỏng trong kho (chưa qua máy in)", "stock")
        self.stage.addItem("Hỏng khi in (trong số phôi đã dùng)", "print")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("ví dụ Ẩm mốc, rách; in sai tên phát hiện sau")
        self.error = ErrorLabel()
        form = QFormLayout(self)
        form.addRow("Loại phôi:", self.kind)
        form.addRow("Ngày:", self.date)
        form.addRow("Số tờ:", self.quantity)
        if spoil:
            form.addRow("Nơi hỏng:", self.stage)
            form.addRow("Lý do:", self.reason)
        else:
            form.addRow("Sêri từ:", self.serial_from)
            form.addRow("đến:", self.serial_to)
            form.addRow("Số phiếu nhập:", self.doc_number)
        form.addRow(self.error)
        form.addRow(buttons(self, "Ghi"))
        self.resize(480, self.sizeHint().height())

    def values(self):
        out = {"kind": self.kind.currentData(), "date": date_of(self.date),
               "quantity": self.quantity.value() or None}
        if self.spoil:
            out.update(stage=self.stage.currentData(), reason=self.reason.text())
        else:
            out.update(serial_from=self.serial_from.text(), serial_to=self.serial_to.text(),
                       doc_number=self.doc_number.text())
        return out

    @classmethod
    def ask(cls, parent, save, **kw):
        return _run(cls(parent, **kw), save)
