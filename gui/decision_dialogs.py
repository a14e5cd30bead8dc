"""Dialogs of "Bình xét & Quyết định": meeting, votes, a recipient or candidate, a new decision.

Each dialog returns data (``ask(...) -> dict | None``); the page calls the models function.
"""
import datetime

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
                               QFormLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout)

from models import settings

from .subject_finder import SubjectFinder, fill_titles
from .widgets import ErrorLabel, save_on_accept


def date_edit(day=None):
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    day = day or datetime.date.today()
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def date_of(edit):
    d = edit.date()
    return datetime.date(d.year(), d.month(), d.day())


def buttons(dialog, ok="Đồng ý"):
    box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    box.button(QDialogButtonBox.Ok).setText(ok)
    box.button(QDialogButtonBox.Cancel).setText("Hủy")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class MeetingDialog(QDialog):
    """Council meeting: date, place, chair, secretary, members, basis, threshold, secret."""

    def __init__(self, parent=None, meeting=None):
        super().__init__(parent)
        self.setWindowTitle("Cuộc họp Hội đồng Thi đua - Khen thưởng")
        form = QFormLayout(self)
        self.date = date_edit(meeting.date if meeting else None)
        self.place = QLineEdit(meeting.place if meeting else "Hội trường Ủy ban nhân dân xã")
        self.chair = QLineEdit(meeting.chair if meeting else settings.get("chairman") or "")
        self.secretary = QLineEdit(meeting.secretary if meeting else "")
        self.total = QSpinBox()
        self.total.setRange(1, 200)
        self.total.setValue(meeting.members_total if meeting else 11)
        self.present = QSpinBox()
        self.present.setRange(0, 200)
        self.present.setValue(meeting.members_present if meeting else 11)
        self.basis = QComboBox()
        self.basis.addItem("Số thành viên có mặt", "present")
        self.basis.addItem("Tổng số thành viên", "total")
        basis = meeting.basis if meeting else settings.get("vote_basis")
        self.basis.setCurrentIndex(max(0, self.basis.findData(basis)))
        self.threshold = QSpinBox()
        self.threshold.setRange(1, 100)
        self.threshold.setSuffix(" %")
        self.threshold.setValue(int(meeting.threshold_pct if meeting
                                    else settings.get("vote_threshold_pct") or 50))
        self.secret = QCheckBox("Bỏ phiếu kín")
        self.secret.setChecked(meeting.secret if meeting else True)
        form.addRow("Ngày họp:", self.date)
        form.addRow("Địa điểm:", self.place)
        form.addRow("Chủ trì:", self.chair)
        form.addRow("Thư ký:", self.secretary)
        form.addRow("Tổng số thành viên:", self.total)
        form.addRow("Số có mặt:", self.present)
        form.addRow("Tỷ lệ tính trên:", self.basis)
        form.addRow("Đạt khi từ:", self.threshold)
        form.addRow("", self.secret)
        self.error = ErrorLabel()
        form.addRow(self.error)
        form.addRow(buttons(self, "Lưu"))

    def values(self):
        return dict(date=date_of(self.date), place=self.place.text(), chair=self.chair.text(),
                    secretary=self.secretary.text(), members_total=self.total.value(),
                    members_present=self.present.value(), basis=self.basis.currentData(),
                    threshold_pct=self.threshold.value(), secret=self.secret.isChecked())

    @classmethod
    def ask(cls, parent, meeting=None, save=None):
        """The values typed, or with ``save`` what save(values) returned; a refused save
        keeps the dialog open with its message and everything typed."""
        dialog = cls(parent, meeting)
        if save is not None:
            save_on_accept(dialog, save, dialog.error)
        if not dialog.exec():
            return None
        return dialog.saved if save is not None else dialog.values()


class VoteDialog(QDialog):
    """Votes for one or several candidates (the same counts for each)."""

    def __init__(self, parent, meeting, names, current=None):
        super().__init__(parent)
        self.setWindowTitle("Nhập kết quả bỏ phiếu")
        layout = QVBoxLayout(self)
        shown = ", ".join(names[:5]) + (f" và {len(names) - 5} đối tượng khác"
                                        if len(names) > 5 else "")
        label = QLabel(f"<b>{shown}</b><br>Có mặt {meeting.members_present}/"
                       f"{meeting.members_total} thành viên.")
        label.setWordWrap(True)
        layout.addWidget(label)
        form = QFormLayout()
        self.votes_for = QSpinBox()
        self.votes_for.setRange(0, 999)
        self.against = QSpinBox()
        self.against.setRange(0, 999)
        if current:
            self.votes_for.setValue(current[0] or 0)
            self.against.setValue(current[1] or 0)
        else:
            self.votes_for.setValue(meeting.members_present)
        form.addRow("Số phiếu đồng ý:", self.votes_for)
        form.addRow("Số phiếu không đồng ý:", self.against)
        layout.addLayout(form)
        layout.addWidget(buttons(self, "Lưu"))

    @classmethod
    def ask(cls, parent, meeting, names, current=None):
        dialog = cls(parent, meeting, names, current)
        if dialog.exec():
            return dialog.votes_for.value(), dialog.against.value()
        return None


class SubjectPicker(QDialog):
    """Find a unit, person or household, choose a title (and a reason when asked)."""

    def __init__(self, parent, *, title="Thêm đối tượng", need_reason=False):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(560, 480)
        layout = QVBoxLayout(self)
        self.finder = SubjectFinder(placeholder="Gõ tên đơn vị, cá nhân hoặc chủ hộ…")
        self.search, self.results = self.finder.search, self.finder.results
        self.titles = QComboBox()
        self.reason = QLineEdit()
        self.error = ErrorLabel()
        layout.addWidget(self.finder, 1)
        form = QFormLayout()
        form.addRow("Danh hiệu / hình thức:", self.titles)
        if need_reason:
            form.addRow("Lý do:", self.reason)
        self.need_reason = need_reason
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons(self))
        self.results.currentItemChanged.connect(self._chosen)

    def subject(self):
        return self.finder.subject()

    def _chosen(self, *_):
        fill_titles(self.titles, self.subject())

    def accept(self):
        if self.subject() is None or self.titles.currentData() is None:
            self.error.show_message("Hãy tìm và chọn một đối tượng và một danh hiệu.")
            return
        if self.need_reason and not self.reason.text().strip():
            self.error.show_message("Hãy ghi lý do.")
            return
        super().accept()

    @classmethod
    def ask(cls, parent, **kw):
        dialog = cls(parent, **kw)
        if not dialog.exec():
            return None
        from models.entities import Title
        return {"subject": dialog.subject(), "title": Title.get_by_id(dialog.titles.currentData()),
                "reason": dialog.reason.text()}


class NewDecisionDialog(QDialog):
    """Date, number (empty = next on issue), signer and the meeting it follows."""

    def __init__(self, parent, meetings, *, heading="Quyết định mới", need_reason=False):
        super().__init__(parent)
        self.setWindowTitle(heading)
        form = QFormLayout(self)
        self.date = date_edit()
        self.number = QLineEdit()
        self.number.setPlaceholderText("để trống: lấy số tiếp theo khi ban hành")
        self.meeting = QComboBox()
        self.meeting.addItem("(không theo cuộc họp)", None)
        for m in meetings:
            self.meeting.addItem(f"Họp ngày {m.date:%d/%m/%Y} — năm {m.year}", m.id)
        if meetings:
            self.meeting.setCurrentIndex(1)     # the latest meeting (listed newest first)
        self.reason = QLineEdit()
        form.addRow("Ngày quyết định:", self.date)
        if need_reason:
            form.addRow("Lý do:", self.reason)
        else:
            form.addRow("Số:", self.number)
            form.addRow("Theo cuộc họp:", self.meeting)
        self.need_reason = need_reason
        form.addRow(buttons(self, "Tạo"))

    @classmethod
    def ask(cls, parent, meetings=(), **kw):
        dialog = cls(parent, meetings, **kw)
        if not dialog.exec():
            return None
        return {"date": date_of(dialog.date), "number": dialog.number.text().strip() or None,
                "meeting_id": dialog.meeting.currentData(), "reason": dialog.reason.text()}


class DecisionSettingsDialog(QDialog):
    """The local rules of this page (DOMAIN.md §3–§4 say they differ by province)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        from PySide6.QtWidgets import QPlainTextEdit
        self.setWindowTitle("Thiết lập bình xét và quyết định")
        self.resize(640, 560)
        v = settings.get_all()
        form = QFormLayout(self)
        self.before = QCheckBox("Nhân hệ số (1,5 lần hộ gia đình, 2 lần tập thể) trước khi "
                                "làm tròn lên 10.000 đồng")
        self.before.setChecked(bool(v["multiples_before_rounding"]))
        self.basis = QComboBox()
        self.basis.addItem("Số thành viên có mặt", "present")
        self.basis.addItem("Tổng số thành viên", "total")
        self.basis.setCurrentIndex(max(0, self.basis.findData(v["vote_basis"])))
        self.threshold = QSpinBox()
        self.threshold.setRange(1, 100)
        self.threshold.setSuffix(" %")
        self.threshold.setValue(int(v["vote_threshold_pct"]))
        self.share = QSpinBox()
        self.share.setRange(0, 100)
        self.share.setSuffix(" %")
        self.share.setValue(int(v["collective_ldtt_share"]))
        self.years = QSpinBox()
        self.years.setRange(1, 10)
        self.years.setValue(int(v["upward_years"]))
        self.on_behalf = QCheckBox("Quyết định ký thay mặt Ủy ban (TM. ỦY BAN NHÂN DÂN)")
        self.on_behalf.setChecked(bool(v["signer_on_behalf"]))
        self.bases = QPlainTextEdit("\n".join(v["decision_bases"] or []))
        self.bases.setTabChangesFocus(True)   # Tab goes to the next field
        self.proposer = QLineEdit(v["decision_proposer"] or "")
        self.recipients = QPlainTextEdit("\n".join(v["decision_recipients"] or []))
        self.recipients.setTabChangesFocus(True)   # Tab goes to the next field
        self.executors = QLineEdit(v["decision_executors"] or "")
        form.addRow("", self.before)
        form.addRow("Tỷ lệ phiếu tính trên:", self.basis)
        form.addRow("Đạt khi từ:", self.threshold)
        form.addRow("Tỷ lệ Lao động tiên tiến của tập thể:", self.share)
        # issue 18: the rules the candidate warnings read (models/candidate_records.py)
        from models import discipline
        self.cstdcs_rule = QComboBox()
        self.cstdcs_rule.addItem("Hoàn thành xuất sắc nhiệm vụ VÀ có sáng kiến", "and")
        self.cstdcs_rule.addItem("Hoàn thành xuất sắc nhiệm vụ HOẶC có sáng kiến", "or")
        self.cstdcs_rule.setCurrentIndex(max(0, self.cstdcs_rule.findData(v["cstdcs_rule"])))
        self.person_min, self.member_min = QComboBox(), QComboBox()
        for box, key in ((self.person_min, "discipline_person_min"),
                         (self.member_min, "discipline_member_min")):
            for code, (name, _) in discipline.FORMS.items():
                box.addItem(f"Từ {name.lower()} trở lên", code)
            box.setCurrentIndex(max(0, box.findData(v[key])))
        form.addRow("Chiến sĩ thi đua cơ sở cần:", self.cstdcs_rule)
        form.addRow("Cá nhân bị kỷ luật không xét:", self.person_min)
        form.addRow("Tập thể không xét khi thành viên bị kỷ luật:", self.member_min)
        form.addRow("Số năm liên tục để đề nghị cấp trên:", self.years)
        form.addRow("", self.on_behalf)
        form.addRow("Căn cứ mặc định (mỗi dòng một căn cứ):", self.bases)
        form.addRow("Đề nghị của:", self.proposer)
        form.addRow("Nơi nhận mặc định:", self.recipients)
        form.addRow("Điều 3 — giao thi hành:", self.executors)
        form.addRow(buttons(self, "Lưu"))

    def values(self):
        lines = lambda w: [x.strip() for x in w.toPlainText().splitlines() if x.strip()]  # noqa
        return {"multiples_before_rounding": self.before.isChecked(),
                "vote_basis": self.basis.currentData(),
                "vote_threshold_pct": self.threshold.value(),
                "collective_ldtt_share": self.share.value(),
                "cstdcs_rule": self.cstdcs_rule.currentData(),
                "discipline_person_min": self.person_min.currentData(),
                "discipline_member_min": self.member_min.currentData(),
                "upward_years": self.years.value(),
                "signer_on_behalf": self.on_behalf.isChecked(),
                "decision_bases": lines(self.bases), "decision_proposer": self.proposer.text(),
                "decision_recipients": lines(self.recipients),
                "decision_executors": self.executors.text()}

    @classmethod
    def ask(cls, parent):
        dialog = cls(parent)
        return dialog.values() if dialog.exec() else None
