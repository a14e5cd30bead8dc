"""Small reusable widgets: search box, table view set-up, form error labels."""
from PySide6.QtCore import (SIGNAL, QCoreApplication, QEvent, QItemSelectionModel, QObject,
                            QRect, QSize, Qt, QTimer, Signal)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QAbstractSpinBox, QComboBox, QDateEdit,
                               QHeaderView, QLabel, QLayout, QLineEdit, QPlainTextEdit,
                               QTableView, QWidget)


class SearchBox(QLineEdit):
    """Filter-as-you-type box: emits ``search(text)`` at once (models filter in ms);
    Ctrl+F in the parent focuses it, Esc clears it."""
    search = Signal(str)

    def __init__(self, placeholder="Tìm (gõ không dấu cũng được)…", parent=None):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.textChanged.connect(self.search.emit)
        if parent is not None:
            QShortcut(QKeySequence.Find, parent, activated=self._focus)

    def _focus(self):
        self.setFocus()
        self.selectAll()

    def keyPressEvent(self, event):
        if event.key() == Qt.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


def lay_out_now(view):
    """Lay a table's rows and scroll bars out now, so the next paint is its only one: after
    rows read in the background arrive in a table shown empty, the scroll bar that appears
    narrowed the viewport in a second layout and a second full paint (~20 ms on 20,000
    rows)."""
    view.doItemsLayout()
    QCoreApplication.sendPostedEvents(view, QEvent.LayoutRequest)


def make_table_view(model, parent=None, *, sortable=True):
    """A QTableView set up the same way everywhere: rows selected whole, fixed row height
    (fast with 20,000 rows), sortable headers, column widths from the model's COLUMNS."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    vh = view.verticalHeader()
    vh.hide()                       # row numbers cost time on 20,000 rows and help nobody
    vh.setSectionResizeMode(QHeaderView.Fixed)
    vh.setDefaultSectionSize(view.fontMetrics().height() + 8)
    hh = view.horizontalHeader()
    hh.setStretchLastSection(True)
    hh.setHighlightSections(False)
    # The column header follows the view's selection to highlight "selected columns",
    # asking the model about every cell: Ctrl+A on 20,000 rows froze for seconds. It
    # highlights nothing here, so it gets a selection model of its own.
    hh.setSelectionModel(QItemSelectionModel(model, hh))
    for i, col in enumerate(getattr(model, "COLUMNS", [])):
        view.setColumnWidth(i, col.width)
    if sortable:
        # no column chosen first: enabling sorting sorts by the indicator's column at once
        # (the first, descending), which reversed a model that already had its rows (a tab
        # built when first shown)
        hh.setSortIndicator(-1, Qt.AscendingOrder)
        view.setSortingEnabled(True)
    view.setTabKeyNavigation(False)          # Tab leaves the table for the next control
    view.installEventFilter(_EnterOpens(view))
    return view


class _EnterOpens(QObject):
    """Enter on a table opens the current row, as a double click does (arrow keys choose
    the row). Pages connect ``doubleClicked`` to their "Sửa…"/"Xem" action; a table
    nobody opens leaves Enter to its dialog's default button."""

    def eventFilter(self, view, event):
        if event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter) \
                and event.modifiers() in (Qt.NoModifier, Qt.KeypadModifier) \
                and view.state() != QAbstractItemView.EditingState \
                and view.currentIndex().isValid() \
                and view.receivers(SIGNAL("doubleClicked(QModelIndex)")):
            current = view.currentIndex()
            if not view.selectionModel().isRowSelected(current.row(), current.parent()):
                view.selectRow(current.row())   # the first arrow key moved without selecting
            view.doubleClicked.emit(current)
            return True
        return False


def selected_rows(view):
    """Row numbers selected in ``view``, ascending, read from the selection's ranges:
    Qt's ``selectedRows()`` asks the model about every cell (seconds for 20,000 rows)."""
    rows = set()
    for r in view.selectionModel().selection():
        rows.update(range(r.top(), r.bottom() + 1))
    return sorted(rows)


class ErrorLabel(QLabel):
    """Red message shown next to a form field."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setStyleSheet("color: #b00020;")
        self.setWordWrap(True)
        self.hide()

    def show_message(self, text):
        self.setText(text or "")
        self.setVisible(bool(text))
        if text:
            self._watch_fields()

    def _watch_fields(self):
        """Hide the message as soon as the clerk edits any field of the same window."""
        window = self.window()
        watched = getattr(self, "_watched", set())
        for widget in window.findChildren(QWidget):
            if id(widget) in watched:
                continue
            signal = None
            if isinstance(widget, QLineEdit):
                signal = widget.textEdited
            elif isinstance(widget, QPlainTextEdit):
                signal = widget.textChanged
            elif isinstance(widget, QComboBox):
                signal = widget.currentIndexChanged
            elif isinstance(widget, QAbstractSpinBox):
                signal = widget.editingFinished
            elif isinstance(widget, QDateEdit):
                signal = widget.dateChanged
            if signal is not None:
                signal.connect(lambda *_: self.show_message(""))
                watched.add(id(widget))
        self._watched = watched


def save_on_accept(dialog, save, error_label):
    """Make OK call ``save(dialog.values())``: a UserError is shown in ``error_label`` and
    the dialog stays open with everything that was typed; otherwise the dialog closes and
    ``dialog.saved`` holds what ``save`` returned."""
    from models.errors import UserError
    plain_accept = dialog.accept

    def accept():
        try:
            dialog.saved = save(dialog.values())
        except UserError as err:
            error_label.show_message(str(err))
            return
        plain_accept()

    dialog.saved = None
    dialog.accept = accept


def debounce(parent, ms, fn):
    """A QTimer that calls ``fn`` ``ms`` after the last ``start()``."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(ms)
    timer.timeout.connect(fn)
    return timer


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps to a new line when the width runs out,
    so a row of buttons never pushes the window wider than a 1366×768 screen.

    ``addStretch`` starts a right-aligned group on the same line (like QHBoxLayout's
    stretch followed by buttons) when there is room; otherwise it simply wraps.
    """

    def __init__(self, parent=None, spacing=6):
        super().__init__(parent)
        self._items = []
        self._breaks = set()          # item indexes that start the right-hand group
        self._heights = {}            # heightForWidth's answers until invalidated
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    # QHBoxLayout-compatible conveniences
    def addStretch(self, _factor=1):
        self._breaks.add(len(self._items))
        self._heights.clear()

    def addSpacing(self, _size):
        pass

    def addItem(self, item):
        self._items.append(item)
        self._heights.clear()

    def count(self):
        return len(self._items)

    def itemAt(self, index):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index):
        if 0 <= index < len(self._items):
            self._heights.clear()
            return self._items.pop(index)
        return None

    def expandingDirections(self):
        return Qt.Orientations(0)

    def hasHeightForWidth(self):
        return True

    def heightForWidth(self, width):
        # asked again and again for the same width: a window's QStackedLayout asks every
        # page, shown or not, at each new layout of any of them (320 calls, ~0.3 s of the
        # window's time when Nhật ký came up with every page open); the answer holds until
        # Qt invalidates the layout (an item's size or visibility changed)
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) > 32:
                self._heights.clear()
            height = self._heights[width] = self._layout(QRect(0, 0, width, 0), apply=False)
        return height

    def invalidate(self):
        self._heights.clear()
        super().invalidate()

    def setGeometry(self, rect):
        super().setGeometry(rect)
        self._layout(rect, apply=True)

    def sizeHint(self):
        width = sum(i.sizeHint().width() for i in self._items if not i.isEmpty())
        width += self.spacing() * max(len(self._items) - 1, 0)
        height = max((i.sizeHint().height() for i in self._items if not i.isEmpty()),
                     default=0)
        return QSize(width, height)

    def minimumSize(self):
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _layout(self, rect, *, apply):
        space = self.spacing()
        visible = [(n, i) for n, i in enumerate(self._items) if not i.isEmpty()]
        lines, line, used = [], [], 0
        for n, item in visible:
            w = item.sizeHint().width()
            if line and used + space + w > rect.width():
                lines.append(line)
                line, used = [], 0
            line.append((n, item))
            used += (space if used else 0) + w
        if line:
            lines.append(line)
        y = rect.y()
        for line in lines:
            height = max(i.sizeHint().height() for _, i in line)
            first = min(self._breaks, default=None)
            left = [(n, i) for n, i in line if first is None or n < first]
            right = [(n, i) for n, i in line if first is not None and n >= first]
            if apply:
                x = rect.x()
                for _, item in left:
                    w = item.sizeHint().width()
                    item.setGeometry(QRect(x, y, w, height))
                    x += w + space
                x = rect.right() + 1 - sum(i.sizeHint().width() for _, i in right) \
                    - space * max(len(right) - 1, 0)
                for _, item in right:
                    w = item.sizeHint().width()
                    item.setGeometry(QRect(x, y, w, height))
                    x += w + space
            y += height + space
        return y - rect.y() - (space if lines else 0)


class ReloadWhenShown:
    """A tab whose data was saved elsewhere: read again now if shown, else when next shown
    (``reload_stale`` names what reads it)."""
    is_stale = False
    reload_stale = "reload"

    def stale(self):
        if self.isVisible():
            getattr(self, self.reload_stale)()
        else:
            self.is_stale = True

    def showEvent(self, event):
        super().showEvent(event)
        if self.is_stale:
            self.is_stale = False
            getattr(self, self.reload_stale)()
