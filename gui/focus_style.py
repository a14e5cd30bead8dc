"""A clearly visible keyboard focus (issue 14: for clerks who work from the keyboard): a
2-pixel blue frame round the focused button, check box or radio button, and round the
current cell of a table or list, instead of the faint dotted line of Windows.

Without an application-wide style sheet: with one, Qt wraps every widget in its style-sheet
style, which made polishing and sizing every widget of a page dearer (opening "In giấy
khen" on the large demo: 130 ms of the window's time with it, 80 without; issue 15). Nor a
Python ``QProxyStyle``: that put Python into every ``drawControl``/``drawPrimitive`` call of
every widget — about 15 % of each repaint (issue 14, "never frozen"). Instead:

- the focused button or box gets a small transparent child (``FocusRing``) covering it that
  draws the frame: one Python paint of one widget, only while that widget has the focus;
- an item view gets the one-line style sheet of its current cell's ``outline`` (Qt's
  style-sheet engine, C++) when it first gets the focus: only views a clerk has been in are
  wrapped, and their look does not change otherwise (tests/test_gui_keyboard.py).

Everything else is drawn by the platform style unchanged.
"""
from PySide6.QtCore import QEvent, QObject, QRectF, Slot
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView, QCheckBox, QPushButton, QRadioButton, QWidget

FOCUS_COLOUR = "#1f5fbf"
WIDTH = 2                # pixels
RADIUS = 3

# the style-sheet engine's own PE_FrameFocusRect: the current cell of an item view
VIEW_RULE = f"QAbstractItemView {{ outline: {WIDTH}px solid {FOCUS_COLOUR}; }}"

RINGED = (QPushButton, QCheckBox, QRadioButton)


class FocusRing(QWidget):
    """The frame round one focused widget: a child of it, as large as it, drawn over it,
    letting every mouse event through. Follows its size while shown."""

    def __init__(self, target):
        super().__init__(target)
        from PySide6.QtCore import Qt    # on first use (gui/background.py Loader says why)
        self.setObjectName("focus-ring")
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.NoFocus)
        self.hide()

    def show_on(self, target):
        self.setGeometry(target.rect())
        target.installEventFilter(self)
        self.raise_()
        self.show()

    def take_off(self, target):
        target.removeEventFilter(self)
        self.hide()

    def eventFilter(self, target, event):
        if event.type() == QEvent.Resize:
            self.setGeometry(target.rect())
        return False

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(QPen(QColor(FOCUS_COLOUR), WIDTH))
        half = WIDTH / 2
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(half, half, -half, -half),
                                RADIUS, RADIUS)
        painter.end()


class FocusFollower(QObject):
    """Moves the frame with the application's focus."""

    def __init__(self, app):
        super().__init__(app)
        self.ring = None          # (widget, its FocusRing) while one is shown
        app.focusChanged.connect(self.moved)

    @Slot(QWidget, QWidget)
    def moved(self, old, new):
        self._take_off()
        if new is None:
            return
        if isinstance(new, RINGED):
            from PySide6.QtCore import Qt
            ring = new.findChild(FocusRing, "focus-ring", Qt.FindDirectChildrenOnly) \
                or FocusRing(new)
            ring.show_on(new)
            self.ring = (new, ring)
        elif isinstance(new, QAbstractItemView):
            sheet = new.styleSheet()
            if VIEW_RULE not in sheet:
                new.setStyleSheet(sheet + "\n" + VIEW_RULE if sheet else VIEW_RULE)

    def _take_off(self):
        if self.ring is None:
            return
        widget, ring = self.ring
        self.ring = None
        try:
            ring.take_off(widget)
        except RuntimeError:        # the widget (and its ring) were deleted meanwhile
            pass

    def stop(self, app):
        self._take_off()
        app.focusChanged.disconnect(self.moved)


def install(app):
    """Draw the focus frame in ``app`` from now on (once); returns the follower."""
    follower = getattr(app, "_focus_follower", None)
    if follower is None:
        follower = app._focus_follower = FocusFollower(app)
    return follower


def uninstall(app):
    """Back to the platform's own focus drawing (tests)."""
    follower = getattr(app, "_focus_follower", None)
    if follower is not None:
        follower.stop(app)
        follower.deleteLater()
        app._focus_follower = None
