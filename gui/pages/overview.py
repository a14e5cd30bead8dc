"""Page "Tổng quan": the current year at a glance. Each area adds a section to SECTIONS."""
import datetime
from html import escape

from PySide6.QtCore import QEvent, QObject, QRunnable, QTimer
from PySide6.QtWidgets import (QComboBox, QFrame, QGridLayout, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QScrollArea, QTableView, QVBoxLayout,
                               QWidget)

from models import vntext
from models.entities import SUBJECT_KINDS

from .. import background
from ..background import Loader
from ..deadlines_view import deadlines_box, deadlines_data

# Qt's namespace (``Qt.AlignTop`` …, and gui/table_model.py's constants) is made on first
# use, all its enums at once: ~22 ms of Python. This module is loaded before the overview
# starts reading at start-up (gui.app.run_gui), so it uses it only once the page is built:
# then the read's SQL runs on the other core meanwhile (issue 15).

STATE_COLORS = {"draft": "#6b6b6b", "submitted": "#1f5fbf", "accepted": "#1b7a2f",
                "returned": "#b00020"}


_summary_model = None


def summary_model_class():
    """The model of the page's small tables (made on first use: see above)."""
    global _summary_model
    if _summary_model is None:
        from ..table_model import ALIGNMENT_ROLE, ALIGNMENTS, DISPLAY_ROLE, RowsModel
        right = ALIGNMENTS["right"]

        class SummaryModel(RowsModel):
            """A few summary rows (text or numbers), read-only."""

            def __init__(self, headers, rows, parent=None):
                super().__init__(rows, parent)
                self.HEADERS = headers

            def data(self, index, role=DISPLAY_ROLE):
                # ints, not Qt's enums: a paint asks every cell for every role
                # (gui/table_model.py)
                if role != DISPLAY_ROLE and role != ALIGNMENT_ROLE or not index.isValid():
                    return None
                value = self.rows[index.row()][index.column()]
                if role == DISPLAY_ROLE:
                    return value if isinstance(value, str) else vntext.format_int(value)
                return None if isinstance(value, str) else right
        _summary_model = SummaryModel
    return _summary_model


def _small_table(headers, rows, widths):
    from PySide6.QtCore import Qt
    view = QTableView()
    view.setModel(summary_model_class()(headers, rows, view))
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


def registrations_data(year):
    """What the registrations section shows (any thread: no widgets)."""
    # the reads alone: models.registrations (its writes, movements, covenants …) loads
    # after the first paint (gui/preload.py), not on the start-up read's time
    from models import registration_reads as rg
    rows = [(t["title"], t["kind_label"], t["total"], t["accepted"], t["submitted"],
             t["draft"], t["returned"]) for t in rg.title_counts(year=year)]
    return {"counts": rg.subject_counts(year=year), "rows": rows}


def registrations_box(data):
    """Registrations of the year: counts per subject kind and state, then per title."""
    from models import registration_reads as rg
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    counts = data["counts"]
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
        states_label = QLabel(states)
        states_label.setWordWrap(True)        # four states side by side: 1280 px is narrow
        cl.addWidget(states_label)
        cards.addWidget(card, 0, col)
    layout.addLayout(cards)
    rows = data["rows"]
    if rows:
        layout.addWidget(QLabel("<b>Số đăng ký theo danh hiệu</b>"))
        layout.addWidget(_small_table(
            ["Danh hiệu", "Đối tượng", "Tổng", "Đã duyệt", "Đã gửi", "Nháp", "Trả lại"], rows,
            [300, 110, 80, 80, 80, 80, 80]))
    else:
        layout.addWidget(QLabel("Chưa có đăng ký thi đua nào trong năm này."))
    return box


def registrations_section(year):
    return registrations_box(registrations_data(year))


STEP_COLORS = {"todo": "#6b6b6b", "progress": "#b26a00", "done": "#1b7a2f"}
STEP_MARKS = {"todo": "○", "progress": "◐", "done": "●"}


class YearMap(QWidget):
    """The steps of the year (models.year_map) as rows: state, what is done, what is missing,
    and a button that opens the page where the clerk continues."""

    def __init__(self, steps, open_step, parent=None):
        super().__init__(parent)
        from PySide6.QtCore import Qt
        from models import year_map
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        first = year_map.first_to_do(steps)
        self.buttons = {}
        for row, step in enumerate(steps):
            color = STEP_COLORS[step.state]
            mark = QLabel(f"<span style='font-size:15pt; color:{color}'>"
                          f"{STEP_MARKS[step.state]}</span>")
            mark.setToolTip(year_map.STATE_NAMES[step.state])
            grid.addWidget(mark, row, 0, Qt.AlignTop)
            lines = [f"<b>{row + 1}. {escape(step.label)}</b> — <span style='color:{color}'>"
                     f"{year_map.STATE_NAMES[step.state]}</span>"]
            if step.done:
                lines.append(escape(step.done))
            lines += [f"<span style='color:#8a1c1c'>• {escape(m)}</span>" for m in step.missing]
            if step is first and step.state == year_map.TODO and step.hint:
                lines.append(f"<i>Việc cần làm trước tiên: {escape(step.hint)}</i>")
            text = QLabel("<br>".join(lines))
            text.setWordWrap(True)
            text.setTextFormat(Qt.RichText)
            grid.addWidget(text, row, 1)
            button = QPushButton("Làm tiếp…" if step.state != year_map.DONE else "Xem…")
            button.setToolTip(f"Mở trang cho bước «{step.label}»")
            button.clicked.connect(lambda checked=False, s=step: open_step(s))
            if step is first:
                button.setDefault(True)
                button.setStyleSheet("font-weight: bold")
            grid.addWidget(button, row, 2, Qt.AlignTop)
            self.buttons[step.key] = button
        grid.setColumnStretch(1, 1)


# (heading, fetch(year) -> data, build(data) -> QWidget): ``fetch`` reads in the background
# (no widgets), ``build`` makes the widgets on the GUI thread. An older two-part entry
# (heading, builder(year) -> QWidget) still works but reads on the GUI thread.
SECTIONS = [("Đăng ký thi đua", registrations_data, registrations_box)]
SECTIONS.insert(0, ("Việc đến hạn theo kế hoạch", deadlines_data, deadlines_box))  # issue 19


def read_year(year):
    """Everything the page shows for ``year`` (any thread: no widgets)."""
    from models import paths, settings, year_map
    sections = background.beside(      # read on a second connection meanwhile
        lambda: [part[1](year) if len(part) == 3 else None for part in SECTIONS])
    return {"year": year, "commune": settings.commune().name,
            "years": year_map.active_years(),
            "steps": year_map.year_steps(year, backup_folder=paths.backup_dir()),
            "sections": sections.result()}


_early = {}         # year → _EarlyRead: started before the window exists

# The start-up checks (gui.app.check_in_background) start once the filled page is painted,
# or after this long when no paint comes (a window hidden or minimised at start).
PAINT_WAIT_MS = 1000


class _FirstPaint(QObject):
    def __init__(self, widget, fn):
        super().__init__(widget)
        self.fn = fn
        widget.installEventFilter(self)
        QTimer.singleShot(PAINT_WAIT_MS, self, self._call)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Paint and self.fn is not None:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self, self._call)     # after the paint is on the screen
        return False

    def _call(self):
        fn, self.fn = self.fn, None
        if fn is not None:
            fn()


def after_first_paint(widget, fn):
    """Call ``fn`` once on the GUI thread, on the turn after ``widget`` is first painted.

    The start-up checks waited for the overview's data only: their thread then imported
    reports.backup and what it needs (~40 ms of Python) and ran the file's quick check while
    this thread built, laid out and painted the sections — the imports took Python's GIL
    from it (the clerk waits for that paint, issue 15)."""
    _FirstPaint(widget, fn)


class _EarlyRead(QRunnable):
    def __init__(self, year):
        super().__init__()
        self.setAutoDelete(False)
        self.year, self.result = year, None

    def run(self):
        from models.db import db
        try:
            self.result = read_year(self.year)
        except Exception:  # noqa: BLE001 - the page reads again and shows the error itself
            self.result = None
        finally:
            if db.obj is not None and not db.is_closed():
                db.close()       # this thread's own connection


def read_early(year=None):
    """Start reading the overview on the reading thread right after the database opened,
    while the rest of the program loads and the window is built (gui.app.run_gui): the
    page, made later, takes this result. The reading thread runs one read after another,
    so the page's own read, queued behind this one, finds it done."""
    if background.inline():
        return
    background.first_page_reading()       # the start-up checks wait until it is read
    from .. import gc_policy
    gc_policy.pause_for_start()           # the window is built now
    job = _EarlyRead(year or datetime.date.today().year)
    _early[job.year] = job
    background.reader_pool().start(job)


def drop_early():
    """The window opens on another page: what ``read_early`` read is nobody's (an overview
    opened later reads afresh, not what was true at start-up)."""
    _early.clear()


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
        top = QHBoxLayout()
        self.heading = QLabel()
        top.addWidget(self.heading, 1)
        top.addWidget(QLabel("Năm:"))
        self.year_box = QComboBox()
        self.year_box.setMinimumWidth(90)
        self.year_box.setToolTip("Năm công tác thi đua - khen thưởng đang xem")
        top.addWidget(self.year_box)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self.year_map = None
        self.loader = Loader(self)
        ctx.on_change(self, lambda area: self.reload())
        # The first page at start-up: its data is read at once on the reading thread while
        # the window is built and first painted, then shown.
        self.heading.setText("<span style='font-size:14pt'><b>Tổng quan</b></span> — đang tải…")
        self.year_box.currentIndexChanged.connect(self._year_chosen)
        self.reload(at_once=True)

    def is_filled(self):
        """The page shows its data (gui/preload.py waits for it)."""
        return self.year_map is not None

    def _fill_years(self, years):
        self.year_box.blockSignals(True)
        self.year_box.clear()
        if self.year not in years:
            years = sorted(set(years) | {self.year}, reverse=True)
        for y in years:
            self.year_box.addItem(str(y), y)
        self.year_box.setCurrentIndex(self.year_box.findData(self.year))
        self.year_box.blockSignals(False)

    def _year_chosen(self):
        year = self.year_box.currentData()
        if year is not None and year != self.year:
            self.year = year
            self.reload()

    def open_step(self, step):
        window = self.window()
        if hasattr(window, "go_to"):
            window.go_to(step.page, **step.filters)

    def reload(self, *, at_once=False):
        """Read the year's steps and sections in the background, then show them."""
        year = self.year
        early = _early.pop(year, None)

        def fetch():
            if early is not None and early.result is not None:
                return early.result
            return read_year(year)
        self.loader.start(fetch, self._show, on_error=self._failed, at_once=at_once)

    def _failed(self, err):
        from .. import messages
        background.first_page_done()         # nothing more to wait for
        messages.show_error(self, err)

    def _show(self, data):
        year = data["year"]
        self._fill_years(data["years"])
        commune = data["commune"]
        self.heading.setText(f"<span style='font-size:14pt'><b>Tổng quan năm {year}</b>"
                             + (f" — {escape(commune)}" if commune else "")
                             + "</span>")
        self.year_map = None                 # set again once every part is shown
        year_map = YearMap(data["steps"], self.open_step)
        shown = [QLabel("<span style='font-size:12pt'><b>Các bước công tác trong năm</b></span>"),
                 year_map]
        parts = list(zip(SECTIONS, data["sections"]))
        self._building = token = object()

        def next_part():
            # one section built per turn of the event loop (the window never waits for the
            # whole page at once, issue 14: < 100 ms), then all of them put in the page, laid
            # out and painted once: the page shown part by part was laid out and painted
            # whole after each part (three times the paint of the filled page)
            if self._building is not token:
                return                       # a newer reading is being shown
            if parts:
                part, fetched = parts.pop(0)
                shown.append(QLabel(f"<span style='font-size:12pt'><b>{part[0]}</b></span>"))
                shown.append(part[2](fetched) if len(part) == 3 else part[1](year))
                later(next_part)
                return
            while self.inner_layout.count():          # what the page showed until now
                item = self.inner_layout.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
            for widget in shown:
                self.inner_layout.addWidget(widget)
            self.inner_layout.addStretch(1)
            later(filled)        # after Qt has shown them (queued) and laid them out

        def filled():
            if self._building is token:
                self.year_map = year_map     # the page is filled
                if not background.wait_first_page(0):    # the start-up checks wait
                    after_first_paint(year_map, background.first_page_done)

        def later(fn):
            if background.inline():
                fn()
            else:
                QTimer.singleShot(0, fn)
        later(next_part)
