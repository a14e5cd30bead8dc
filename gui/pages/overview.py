"""Page "Tổng quan": the current year at a glance. Each area adds a section to SECTIONS."""
import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QFrame, QGridLayout, QHeaderView, QLabel, QScrollArea,
                               QTableView, QVBoxLayout, QWidget)

from models import vntext
from models.entities import SUBJECT_KINDS

from ..table_model import RowsModel

STATE_COLORS = {"draft": "#6b6b6b", "submitted": "#1f5fbf", "accepted": "#1b7a2f",
                "returned": "#b00020"}


class SummaryModel(RowsModel):
    """A few summary rows (text or numbers), read-only."""

    def __init__(self, headers, rows, parent=None):
        super().__init__(rows, parent)
        self.HEADERS = headers

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.DisplayRole:
            return value if isinstance(value, str) else vntext.format_int(value)
        if role == Qt.TextAlignmentRole and not isinstance(value, str):
            return Qt.AlignRight | Qt.AlignVCenter
        return None


def _small_table(headers, rows, widths):
    view = QTableView()
    view.setModel(SummaryModel(headers, rows, view))
    view.verticalHeader().hide()
    view.setFocusPolicy(Qt.NoFocus)
    view.setSelectionMode(QTableView.NoSelection)
    for c, w in enumerate(widths):
        view.setColumnWidth(c, w)
    view.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
    height = view.horizontalHeader().sizeHint().height() + sum(
        view.verticalHeader().sectionSize(r) for r in range(len(rows))) + 4
    view.setFixedHeight(max(height, 60))
    return view


def registrations_section(year):
    """Registrations of ``year``: counts per subject kind and state, then per title."""
    from models import registrations as rg     # loaded after the first paint
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    counts = rg.subject_counts(year=year)
    cards = QGridLayout()
    for col, (kind, label) in enumerate(SUBJECT_KINDS.items()):
        total = sum(counts[kind].values())
        card = QFrame()
        card.setFrameShape(QFrame.StyledPanel)
        card.setStyleSheet("QFrame { background: #fafafa; border-radius: 4px; }")
        cl = QVBoxLayout(card)
        cl.addWidget(QLabel(f"<span style='font-size:11pt'>{label}</span>"))
        cl.addWidget(QLabel(f"<span style='font-size:20pt'><b>{vntext.format_int(total)}</b>"
                            "</span> đăng ký"))
        states = " · ".join(f"<span style='color:{STATE_COLORS[s]}'>{rg.STATES[s]} "
                            f"{vntext.format_int(n)}</span>" for s, n in counts[kind].items())
        cl.addWidget(QLabel(states))
        cards.addWidget(card, 0, col)
    layout.addLayout(cards)
    rows = [(t["title"], t["kind_label"], t["total"], t["accepted"], t["submitted"],
             t["draft"], t["returned"]) for t in rg.title_counts(year=year)]
    if rows:
        layout.addWidget(QLabel("<b>Số đăng ký theo danh hiệu</b>"))
        layout.addWidget(_small_table(
            ["Danh hiệu", "Đối tượng", "Tổng", "Đã duyệt", "Đã gửi", "Nháp", "Trả lại"], rows,
            [300, 110, 80, 80, 80, 80, 80]))
    else:
        layout.addWidget(QLabel("Chưa có đăng ký thi đua nào trong năm này."))
    return box


# (heading, builder(year) -> QWidget). Other areas (scores, decisions) append theirs.
SECTIONS = [("Đăng ký thi đua", registrations_section)]


class OverviewPage(QWidget):
    def __init__(self, ctx, parent=None, *, year=None):
        super().__init__(parent)
        self.ctx = ctx
        self.year = year or datetime.date.today().year
        self.inner = QWidget()
        self.inner_layout = QVBoxLayout(self.inner)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.inner)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        ctx.on_change(self, lambda area: self.reload())
        # Filled right after the window first paints: this is the first page at start-up.
        self.heading.setText("<span style='font-size:14pt'><b>Tổng quan</b></span> — đang tải…")
        QTimer.singleShot(30, self.reload)

    def reload(self):
        commune = self.ctx.commune()
        self.heading.setText(f"<span style='font-size:14pt'><b>Tổng quan năm {self.year}</b>"
                             + (f" — {commune.name}" if commune.name else "") + "</span>")
        while self.inner_layout.count():
            item = self.inner_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for heading, build in SECTIONS:
            self.inner_layout.addWidget(QLabel(f"<span style='font-size:12pt'><b>{heading}</b>"
                                               "</span>"))
            self.inner_layout.addWidget(build(self.year))
        self.inner_layout.addStretch(1)
