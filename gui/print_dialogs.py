"""Dialog after a print run: how many sheets actually came out of the printer."""
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox,
                               QVBoxLayout)


class SheetsDialog(QDialog):
    """Asks for the number of good sheets (default: all); the rest count as spoiled."""

    def __init__(self, parent, *, total, printer, job="", warnings=()):
        super().__init__(parent)
        self.setWindowTitle("Xác nhận số tờ đã in")
        text = (f"Đã gửi {total} giấy khen tới hàng đợi của máy in «{printer}»"
                + (f" (lệnh in {job})" if job else "") + ".\n\nHãy đếm các tờ đã ra khỏi máy in "
                "và in đúng. Những tờ còn lại được ghi là phôi hỏng / chưa in, và có thể in lại "
                "bằng nút “In lại phôi hỏng”.")
        label = QLabel(text)
        label.setWordWrap(True)
        self.count = QSpinBox()
        self.count.setRange(0, total)
        self.count.setValue(total)
        self.count.setSuffix(f" / {total} tờ")
        form = QFormLayout()
        form.addRow("Số tờ in đúng:", self.count)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Ghi sổ đã in")
        buttons.button(QDialogButtonBox.Cancel).setText("Để sau")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        for w in warnings:
            warn = QLabel("⚠ " + w)
            warn.setWordWrap(True)
            warn.setStyleSheet("color: #a04000;")
            layout.addWidget(warn)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    @classmethod
    def ask(cls, parent, *, total, printer, job="", warnings=()):
        """The number of good sheets, or None when the clerk will count later."""
        dialog = cls(parent, total=total, printer=printer, job=job, warnings=warnings)
        if dialog.exec() != QDialog.Accepted:
            return None
        return dialog.count.value()
