"""Dialogs of the page "Điển hình, sơ kết": a newly discovered model (with its originator
found by name), one dialog per later stage, a replication, a public introduction."""
import datetime

from PySide6.QtWidgets import QDialog, QFormLayout, QListWidget, QVBoxLayout

from models import exemplary as ex, vntext

from ..decision_dialogs import buttons
from ..subject_finder import ALL_KINDS, chosen_subject, find_into
from ..widgets import ErrorLabel, SearchBox
from .movement_dialogs import FormDialog, _text_box, combo, line

def _today():
    return vntext.format_date(datetime.date.today())


class DiscoverDialog(QDialog):
    """Khâu phát hiện: movement, kind, name, originator (found by name), field, date, by
    whom, evidence. ``ask`` returns the keyword arguments of ``exemplary.discover``."""

    def __init__(self, parent, movements, data=None, error=None):
        super().__init__(parent)
        self.setWindowTitle("Phát hiện điển hình tiên tiến")
        self.resize(640, 620)
        d = data or {}
        self.movement = combo([(m.id, m.name) for m in movements], d.get("movement"))
        self.kind = combo(list(ex.KINDS.items()), d.get("kind", ex.PRACTICE))
        self.name = line(d.get("name", ""))
        self.name.setPlaceholderText("vd. Mô hình dân vận khéo (để trống: tên người/đơn vị)")
        self.search = SearchBox("Gõ tên đơn vị, cá nhân hoặc chủ hộ khởi xướng…", self)
        self.results = QListWidget()
        self.results.setMaximumHeight(130)
        self.area = combo([(g, g) for g in ex.fields()], d.get("area"))
        self.date = line(d.get("date", _today()))
        self.by_whom = line(d.get("by_whom", ""))
        self.evidence = _text_box(d.get("evidence", ""))
        form = QFormLayout()
        form.addRow("Phong trào:", self.movement)
        form.addRow("Loại điển hình:", self.kind)
        form.addRow("Tên điển hình, mô hình:", self.name)
        form.addRow("Người/đơn vị khởi xướng:", self.search)
        form.addRow("", self.results)
        form.addRow("Lĩnh vực:", self.area)
        form.addRow("Ngày phát hiện:", self.date)
        form.addRow("Người/cơ quan phát hiện:", self.by_whom)
        form.addRow("Căn cứ, minh chứng:", self.evidence)
        self.error = ErrorLabel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons(self, "Lưu"))
        self.search.search.connect(self._find)
        self.kind.currentIndexChanged.connect(lambda *_: self._find(self.search.text()))
        if d.get("search"):
            self.search.setText(d["search"])
        if error is not None:
            self.error.show_message(str(error))

    def _find(self, text):
        kind = self.kind.currentData()
        find_into(self.results, text, ALL_KINDS if kind == ex.PRACTICE else (kind,), limit=60)

    def originator(self):
        if not self.search.text().strip():
            return None
        return chosen_subject(self.results)

    def data(self):
        return {"movement": self.movement.currentData(), "kind": self.kind.currentData(),
                "name": self.name.text(), "search": self.search.text(),
                "originator": self.originator(), "area": self.area.currentData(),
                "date": self.date.text(), "by_whom": self.by_whom.text(),
                "evidence": self.evidence.toPlainText()}

    @classmethod
    def ask(cls, parent, movements, data=None, error=None):
        dialog = cls(parent, movements, data, error)
        return dialog.data() if dialog.exec() == QDialog.Accepted else None


def stage_fields(stage, row=None):
    """Fields of the dialog of one stage (nurtured / summarised, or the discovery)."""
    labels = {ex.DISCOVERED: "Người/cơ quan phát hiện:", ex.NURTURED: "Người/cơ quan bồi dưỡng:",
              ex.SUMMARISED: "Người/cơ quan tổng kết:"}

    def fields(d):
        d = d or ({"date": vntext.format_date(row["date"]), "by_whom": row["by_whom"],
                   "content": row["content"]} if row else None)
        return [("date", f"Ngày {ex.STAGE_NAMES[stage].lower()}:",
                 line(d["date"] if d else _today())),
                ("by_whom", labels[stage], line(d["by_whom"] if d else "")),
                ("content", f"{ex.STAGE_CONTENT[stage]}:", _text_box(d["content"] if d else ""))]
    return fields


def replication_fields(units):
    def fields(d):
        return [("unit", "Đơn vị nhân rộng:", combo([(u.id, u.name) for u in units],
                                                    d["unit"] if d else None)),
                ("date", "Ngày bắt đầu áp dụng:", line(d["date"] if d else _today())),
                ("result", "Kết quả tại đơn vị:", _text_box(d["result"] if d else ""))]
    return fields


def publicity_fields():
    def fields(d):
        return [("channel", "Hình thức:", combo(list(ex.CHANNELS.items()),
                                                d["channel"] if d else None)),
                ("date", "Ngày giới thiệu:", line(d["date"] if d else _today())),
                ("detail", "Nơi, nội dung:", _text_box(d["detail"] if d else ""))]
    return fields


__all__ = ["DiscoverDialog", "FormDialog", "stage_fields", "replication_fields",
           "publicity_fields"]
