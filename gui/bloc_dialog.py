"""Choose a bloc's head (cụm trưởng) and deputy (cụm phó) among its member units."""
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel

from models import org


class BlocOfficersDialog(QDialog):
    def __init__(self, bloc, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Cụm trưởng, cụm phó — {bloc.name}")
        members = [u for u in org.units(include_inactive=False) if u.parent_id == bloc.id]
        self.head = QComboBox()
        self.deputy = QComboBox()
        for combo, current in ((self.head, bloc.head_id), (self.deputy, bloc.deputy_id)):
            combo.addItem("(chưa chọn)", None)
            for u in members:
                combo.addItem(u.name, u.id)
            combo.setCurrentIndex(max(0, combo.findData(current)))
        form = QFormLayout(self)
        form.addRow(QLabel(f"{len(members)} đơn vị thành viên"))
        form.addRow("Cụm trưởng:", self.head)
        form.addRow("Cụm phó:", self.deputy)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent, bloc):
        dialog = cls(bloc, parent)
        if dialog.exec():
            return dialog.head.currentData(), dialog.deputy.currentData()
        return None
