"""The "Việc đến hạn" section of "Tổng quan": the dates the plans set (round reviews,
registration deadlines, reports to the upper level) that are overdue or due soon."""
from html import escape

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from models import vntext

COLORS = {"overdue": "#b00020", "soon": "#b26a00", "later": "#6b6b6b", "done": "#1b7a2f"}
MARKS = {"overdue": "⚠", "soon": "◷", "later": "○", "done": "✓"}


def reminder_lines(reminders):
    """One rich-text line per reminder (state, date, what, which movement, detail)."""
    from models import deadlines as dl
    lines = []
    for r in reminders:
        color = COLORS[r.state]
        days = r.days
        when = (f"quá hạn {-days} ngày" if days < 0 else "hôm nay" if days == 0
                else f"còn {days} ngày")
        detail = f" — {escape(r.detail)}" if r.detail else ""
        lines.append(f"<span style='color:{color}'>{MARKS[r.state]} "
                     f"<b>{dl.STATE_NAMES[r.state]}</b> ({when})</span> "
                     f"{vntext.format_date(r.due)}: <b>{escape(r.label)}</b> "
                     f"<span style='color:#555'>— {escape(r.movement)}</span>{detail}")
    return lines


def deadlines_data(year=None):
    """Reminders for today (the year chosen on the page does not hide what is overdue);
    any thread."""
    from models import deadlines as dl
    return dl.reminders()


def deadlines_box(reminders):
    """One line per reminder; a line longer than the window wraps (1280 px screens)."""
    from models import deadlines as dl
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    if not reminders:
        layout.addWidget(QLabel("Không có việc quá hạn hay sắp đến hạn (trong "
                                f"{dl.HORIZON_DAYS} ngày tới)."))
        return box
    from PySide6.QtCore import Qt      # not at start-up before the overview reads
    text = QLabel("<br>".join(reminder_lines(reminders)))
    text.setTextFormat(Qt.RichText)
    text.setWordWrap(True)
    text.setObjectName("deadlines")
    layout.addWidget(text)
    return box


def deadlines_section(year=None):
    return deadlines_box(deadlines_data(year))
