"""A print preview a clerk can read: one certificate at a time filling the area, zoom to
the whole page, the page width or real size (100 %), and page navigation.

``PdfPreview`` wraps a QPdfView over a shared QPdfDocument (the page keeps the document;
``gui/pdf_memory.load_pdf_from_memory`` fills it). "Cửa sổ lớn" opens the same document
in a maximised dialog with the same controls, for small screens.
"""
import shiboken6
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QStackedWidget, QToolButton, QVBoxLayout, QWidget)

from .widgets import FlowLayout

FIT_PAGE, FIT_WIDTH, ACTUAL = "page", "width", "actual"
ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.1, 6.0


class PdfPreview(QWidget):
    """QPdfView with zoom buttons, "Trang n/m", previous/next; one page at a time."""

    def __init__(self, document, parent=None, *, page_word="Trang", allow_window=True,
                 placeholder="Chưa có gì để xem trước."):
        super().__init__(parent)
        self.document = document
        self.page_word = page_word
        self.view = QPdfView()
        self.view.setDocument(document)
        self.view.setPageMode(QPdfView.PageMode.SinglePage)
        self.view.setStyleSheet("background: #6b6b6b;")
        self.view.setPageSpacing(12)
        self.fit = FIT_PAGE

        def tool(text, tip, slot, shortcut=None):
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip + (f" ({shortcut})" if shortcut else ""))
            b.clicked.connect(slot)
            b.setAutoRaise(True)
            if shortcut:
                sc = QShortcut(QKeySequence(shortcut), self)
                sc.setContext(Qt.WidgetWithChildrenShortcut)
                sc.activated.connect(slot)
            return b
        self.prev_button = tool("◀", "Trang trước", self.previous_page, "PgUp")
        self.next_button = tool("▶", "Trang sau (giấy khen tiếp theo)", self.next_page,
                                "PgDown")
        self.page_label = QLabel()
        self.page_label.setMinimumWidth(90)
        self.page_label.setAlignment(Qt.AlignCenter)
        self.fit_page_button = tool("Cả trang", "Vừa cả trang trong khung xem", self.fit_page)
        self.fit_width_button = tool("Vừa rộng", "Vừa chiều rộng khung xem", self.fit_width)
        # (no Ctrl+0 / Ctrl+1 here: those choose pages of the main window)
        self.actual_button = tool("100 %", "Kích thước thật (như khi in ra giấy)",
                                  self.actual_size)
        self.zoom_out_button = tool("−", "Thu nhỏ", self.zoom_out, "Ctrl+-")
        self.zoom_in_button = tool("+", "Phóng to", self.zoom_in, "Ctrl++")
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(48)
        bar = FlowLayout()            # wraps on a narrow pane instead of widening the page
        bar.setContentsMargins(0, 0, 0, 0)
        for w in (self.prev_button, self.page_label, self.next_button):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.fit_page_button, self.fit_width_button, self.actual_button,
                  self.zoom_out_button, self.zoom_label, self.zoom_in_button):
            bar.addWidget(w)
        if allow_window:
            big = QPushButton("Cửa sổ lớn…")
            big.setToolTip("Xem trước trong cửa sổ lớn, phóng to hết màn hình")
            big.clicked.connect(self.open_window)
            bar.addWidget(big)
            self.window_button = big
        # until a document is loaded the grey area says what to do instead of staying empty
        self.placeholder = QLabel(placeholder)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignCenter)
        self.placeholder.setMargin(24)
        self.placeholder.setStyleSheet("background: #6b6b6b; color: white; font-size: 11pt;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        self.view.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

        # bound slots: Qt drops the connections when this widget goes
        self.view.pageNavigator().currentPageChanged.connect(self._update)
        document.pageCountChanged.connect(self._update)
        document.statusChanged.connect(self._update)
        self.view.zoomFactorChanged.connect(self._update)
        self.fit_page()

    # ---- pages
    def page_count(self):
        if not shiboken6.isValid(self.document):      # the page is closing
            return 0
        return self.document.pageCount() if \
            self.document.status() == QPdfDocument.Status.Ready else 0

    def current_page(self):
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, page):
        n = self.page_count()
        if not n:
            return
        page = max(0, min(page, n - 1))
        self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())
        self._update()

    def next_page(self):
        self.go_to_page(self.current_page() + 1)

    def previous_page(self):
        self.go_to_page(self.current_page() - 1)

    def reset(self):
        """After a new document is loaded: first page, the chosen fit kept."""
        self.go_to_page(0)
        self._apply_fit()

    # ---- zoom
    def _apply_fit(self):
        if self.fit == FIT_PAGE:
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        elif self.fit == FIT_WIDTH:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self._update()

    def fit_page(self):
        self.fit = FIT_PAGE
        self._apply_fit()

    def fit_width(self):
        self.fit = FIT_WIDTH
        self._apply_fit()

    def actual_size(self):
        """100 %: a page as big on screen as on paper (QPdfView maps 1 pt to 1/72 inch of
        the screen's logical resolution at zoom factor 1)."""
        self.fit = ACTUAL
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(1.0)
        self._update()

    def _zoom_by(self, factor):
        current = self.shown_zoom()
        self.fit = ACTUAL
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(ZOOM_MIN, min(ZOOM_MAX, current * factor)))
        self._update()

    def zoom_in(self):
        self._zoom_by(ZOOM_STEP)

    def zoom_out(self):
        self._zoom_by(1 / ZOOM_STEP)

    def shown_zoom(self):
        """The zoom actually shown (fit modes compute it from the page and the view)."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom or not self.page_count():
            return self.view.zoomFactor()
        size = self.document.pagePointSize(max(0, self.current_page()))
        vp = self.view.viewport().size()
        dpi = self.view.logicalDpiX() / 72.0
        if size.width() <= 0 or size.height() <= 0:
            return 1.0
        margin = 2 * self.view.documentMargins().left()
        by_width = (vp.width() - margin) / (size.width() * dpi)
        if self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth:
            return by_width
        by_height = (vp.height() - margin) / (size.height() * dpi)
        return min(by_width, by_height)

    def _update(self, *_signal_args):
        try:
            self._show_state()
        except RuntimeError:      # the document closes while the page is being destroyed
            pass

    def _show_state(self):
        n = self.page_count()
        page = self.current_page() if n else -1
        self.page_label.setText(f"{self.page_word} {page + 1}/{n}" if n else "")
        self.prev_button.setEnabled(n > 0 and page > 0)
        self.next_button.setEnabled(n > 0 and page < n - 1)
        for b in (self.fit_page_button, self.fit_width_button, self.actual_button,
                  self.zoom_in_button, self.zoom_out_button):
            b.setEnabled(n > 0)
        if getattr(self, "window_button", None) is not None:
            self.window_button.setEnabled(n > 0)
        self.stack.setCurrentWidget(self.view if n else self.placeholder)
        self.zoom_label.setText(f"{round(self.shown_zoom() * 100)} %" if n else "")

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._update()              # a fitted zoom changes with the size

    # ---- big window
    def open_window(self):
        dialog = QDialog(self.window())
        dialog.setWindowTitle("Xem trước bản in")
        layout = QVBoxLayout(dialog)
        preview = PdfPreview(self.document, dialog, page_word=self.page_word,
                             allow_window=False)
        layout.addWidget(preview)
        close = QPushButton("Đóng")
        close.clicked.connect(dialog.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        preview.go_to_page(self.current_page())
        self.big_window = dialog
        screen = (self.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        dialog.resize(screen.width() * 9 // 10, screen.height() * 9 // 10)   # without a WM
        dialog.showMaximized()
        return dialog
