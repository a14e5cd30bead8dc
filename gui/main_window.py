"""The main window: navigation on the left, the chosen page on the right."""
import logging

from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QLabel, QListWidget, QListWidgetItem,
                               QMainWindow, QPushButton, QSplitter, QStackedWidget, QWidget)

from models.service import ROLE_NAMES

from . import icons

log = logging.getLogger(__name__)


# Each page's module is imported explicitly inside a small loader, so start-up stays fast
# (a page loads on first show) and PyInstaller still sees every page (it cannot see an
# import by name string).
def _org():
    from gui.pages.org import OrgPage
    return OrgPage


def _overview():
    from gui.pages.overview import OverviewPage
    return OverviewPage


def _movements():
    from gui.pages.movements import MovementsPage
    return MovementsPage


def _registrations():
    from gui.pages.registrations import RegistrationsPage
    return RegistrationsPage


def _settings():
    from gui.pages.settings import SettingsPage
    return SettingsPage


def _scoring():
    from gui.pages.scoring import ScoringPage
    return ScoringPage


def _certificates():
    from gui.pages.certificates import CertificatesPage
    return CertificatesPage


def _decisions():
    from gui.pages.decisions import DecisionsPage
    return DecisionsPage


def _lookup():
    from gui.pages.lookup import LookupPage
    return LookupPage


def _reports():
    from gui.pages.reports import ReportsPage
    return ReportsPage


def _backup():
    from gui.pages.backup import BackupPage
    return BackupPage


def _exemplary():
    from gui.pages.exemplary import ExemplaryPage
    return ExemplaryPage


def _province():
    from gui.pages.province import ProvincePage
    return ProvincePage


# (key, navigation label, loader returning the page class). Only pages that work are listed.
PAGES = [
    ("org", "Đơn vị & cá nhân", _org),
    ("overview", "Tổng quan", _overview),
    ("movements", "Phong trào", _movements),
    ("registrations", "Đăng ký", _registrations),
    ("settings", "Cài đặt", _settings),
    ("scoring", "Chấm điểm", _scoring),
    ("certificates", "In giấy khen", _certificates),
    ("decisions", "Bình xét & Quyết định", _decisions),
    ("lookup", "Tra cứu", _lookup),
    ("reports", "Báo cáo", _reports),
    ("backup", "Sao lưu", _backup),
    ("exemplary", "Điển hình, sơ kết", _exemplary),
]
PAGES.append(("province", "Tổng hợp cấp tỉnh", _province))   # issue 20: last, after Cài đặt

# Navigation order of DESIGN.md; pages registered above appear in this order.
ORDER = ["overview", "org", "movements", "registrations", "scoring", "decisions", "lookup",
         "certificates", "reports", "backup", "settings"]
ORDER.insert(ORDER.index("registrations") + 1, "exemplary")   # issue 19: after registrations


def ordered_pages():
    rank = {key: i for i, key in enumerate(ORDER)}
    return sorted(PAGES, key=lambda p: rank.get(p[0], len(ORDER)))


def page_shortcut(row):
    """Ctrl+1 … Ctrl+9, Ctrl+0 for the first ten pages, then Ctrl+Shift+1 … for the rest."""
    if row < 10:
        return f"Ctrl+{(row + 1) % 10}"
    return f"Ctrl+Shift+{(row - 9) % 10}"


def settings_store():
    """Window state in an INI file in the data folder (not the Windows registry)."""
    import os
    from models import paths
    return QSettings(os.path.join(paths.data_dir(), "giaodien.ini"), QSettings.IniFormat)


class PageStack(QStackedWidget):
    """The pages, sized by the page shown. Qt's stacked layout asks every page it holds for
    its size at each new layout of the window, hidden ones too; with a dozen pages open that
    was ~7,800 calls into the pages' Python layouts (gui/widgets.FlowLayout) whenever a label
    changed, each waiting for Python's GIL while a list was read in the background ("Nhật
    ký" on the 40,000-household demo: 0.34 s of frozen window; perf sched trace)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.currentChanged.connect(self.updateGeometry)    # the shown page's size counts

    def _shown(self):
        page = self.currentWidget()
        return page if page is not None and page.layout() is not None else None

    def sizeHint(self):
        page = self._shown()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self):
        page = self._shown()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()

    def hasHeightForWidth(self):
        page = self._shown()
        return page.hasHeightForWidth() if page is not None else super().hasHeightForWidth()

    def heightForWidth(self, width):
        page = self._shown()
        return page.heightForWidth(width) if page is not None else super().heightForWidth(width)


class MainWindow(QMainWindow):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self._title())
        self.pages = ordered_pages()
        self.widgets = {}
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setMinimumWidth(170)
        self.nav.setMaximumWidth(260)
        self.nav.setStyleSheet(
            "QListWidget#nav { font-size: 11pt; } QListWidget#nav::item { padding: 7px 6px; }")
        self.stack = PageStack()
        self.nav.setIconSize(QSize(20, 20))
        for i, (key, label, _) in enumerate(self.pages):
            item = QListWidgetItem(icons.page_icon(key), label)
            item.setData(Qt.UserRole, key)
            item.setToolTip(f"{label} ({page_shortcut(i)})")
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())   # placeholder until first shown
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.nav.setMinimumWidth(max(170, self.nav.sizeHintForColumn(0) + 36))
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.nav.currentRowChanged.connect(self.show_page)
        self.nav.setCurrentRow(0)     # first: the overview starts reading while the rest is built
        if self.pages[0][0] != "overview":
            self._first_page_is_not_the_overview()
        self._shortcuts()
        self.statusBar().addPermanentWidget(QLabel(
            f"Người dùng: {ctx.actor.full_name} ({ROLE_NAMES.get(ctx.actor.role, '')})"))
        self.statusBar().addWidget(QLabel(f"Tệp dữ liệu: {ctx.db_path}"))
        self.server_state = QLabel()          # issue 20: "mất kết nối máy chủ" while it is
        self.server_state.setStyleSheet("color: #a00000;")   # down (gui/server_watch.py)
        self.server_state.setToolTip("Chưa thấy ngay việc của máy khác; trang vẫn tự làm mới "
                                     "5 giây một lần. Việc lưu sẽ báo nếu không được.")
        self.statusBar().addWidget(self.server_state)
        ctx.server_status.connect(self.server_state.setText)
        if self.is_demo():
            # the demo is its own file; one action leaves it for the commune's own file
            banner = QLabel("<b>Đang xem DỮ LIỆU MẪU</b> (tệp riêng, không lẫn vào dữ liệu "
                            "của xã)")
            banner.setStyleSheet("color: #8a4b00;")
            leave = QPushButton("Rời dữ liệu mẫu")
            leave.setToolTip("Đóng dữ liệu mẫu và mở tệp dữ liệu của xã")
            leave.clicked.connect(self.menus.leave_demo)
            self.statusBar().addWidget(banner)
            self.statusBar().addWidget(leave)
            self.leave_demo_button = leave
        ctx.data_changed.connect(self._retitle)
        self.changed_since_open = False
        ctx.data_changed.connect(self._note_change)
        self._restore()
        from . import preload
        self.preload = preload.start(self)     # the other pages' code, once idle

    def _first_page_is_not_the_overview(self):
        """``gui.app.run_gui`` reads the overview before the window exists, and the start-up
        checks wait until the first page has its data (``background.first_page_*``), which
        the overview says when it shows it. With another page first (ORDER), that read is
        nobody's (dropped: the overview opened later reads afresh), and the checks wait for
        the first page's own reads instead of an overview nobody shows (FIRST_PAGE_WAIT)."""
        from . import background
        from .pages import overview
        overview.drop_early()
        if background.inline():
            background.first_page_done()
            return
        background.first_page_reading()
        timer = QTimer(self)
        timer.setInterval(20)

        def read():
            if background.busy() == 0:      # the page's loaders have shown what they read
                timer.stop()
                background.first_page_done()
        timer.timeout.connect(read)
        timer.start()

    def _retitle(self, area):
        if area in ("settings", "all"):   # the commune's name (a read on this thread)
            self.setWindowTitle(self._title())

    def _title(self):
        commune = self.ctx.commune()
        title = f"Thi đua - Khen thưởng — {commune.name}" if commune.name else \
            "Thi đua - Khen thưởng"
        return ("[DỮ LIỆU MẪU] " + title) if self.is_demo() else title

    def is_demo(self):
        from models import paths
        return paths.is_demo_path(self.ctx.db_path)

    def _shortcuts(self):
        # every page has a key (page_shortcut); Ctrl+PgDown / Ctrl+PgUp step through them;
        # quit, open, … are in the menus
        for i in range(len(self.pages)):
            action = QAction(self)
            action.setShortcut(QKeySequence(page_shortcut(i)))
            action.triggered.connect(lambda checked=False, row=i: self.key_to_page(row))
            self.addAction(action)
        for key, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda checked=False, step=step: self.nav.setCurrentRow(
                (self.nav.currentRow() + step) % len(self.pages)))
            self.addAction(action)
        from .menus import MenuBar
        self.menus = MenuBar(self)

    def key_to_page(self, row):
        """A page chosen from the keyboard: shown, with the focus in it (its search box
        or first field), so the page's own keys (Ins, F2, Ctrl+P …) work at once."""
        from .widgets import SearchBox       # with the pages that have one, not at start-up
        self.nav.setCurrentRow(row)
        page = self.stack.widget(row)
        target = page.findChild(SearchBox) or next(
            (w for w in page.findChildren(QWidget)
             if w.focusPolicy() & Qt.TabFocus and w.isVisibleTo(page) and w.isEnabled()),
            None)
        (target or page).setFocus(Qt.ShortcutFocusReason)

    def page(self, key):
        """The page widget for ``key``, created on first use."""
        for i, (k, label, load) in enumerate(self.pages):
            if k == key:
                if key not in self.widgets:
                    widget = load()(self.ctx)
                    icons.decorate_buttons(widget)
                    old = self.stack.widget(i)
                    self.stack.insertWidget(i, widget)
                    self.stack.removeWidget(old)
                    old.deleteLater()
                    self.widgets[key] = widget
                return self.widgets[key]
        raise KeyError(key)

    def show_page(self, row):
        if row < 0:
            return
        key = self.pages[row][0]
        self.page(key)
        self.stack.setCurrentIndex(row)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)

    def go_to(self, key, **filters):
        """Show page ``key``; a page with ``apply_filters`` is handed ``filters`` (year, …)."""
        for i, (k, _, _) in enumerate(self.pages):
            if k == key:
                self.show_page(i)
                page = self.widgets[key]
                if filters and hasattr(page, "apply_filters"):
                    page.apply_filters(**filters)
                return page
        raise KeyError(key)

    def _restore(self):
        store = settings_store()
        geometry = store.value("main/geometry")
        if geometry is not None and self.restoreGeometry(geometry):
            return
        from PySide6.QtGui import QGuiApplication
        screen = QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else None
        if available is not None and (available.width() < 1400 or available.height() < 860):
            # 1366×768 and 1280×720 office screens: use all of it
            self.resize(available.width(), available.height())
            self.setWindowState(self.windowState() | Qt.WindowMaximized)
        else:
            self.resize(1200, 760)

    def closeEvent(self, event):
        checks = getattr(self, "_startup_checks", None)
        if checks is not None and checks.isRunning():
            from .background import first_page_done
            first_page_done()          # closed before the first page had read
            self.statusBar().showMessage("Đang hoàn tất kiểm tra và sao lưu tự động…")
            checks.wait()
        store = settings_store()
        store.setValue("main/geometry", self.saveGeometry())
        store.sync()
        if self.changed_since_open:
            self.backup_on_close()
        super().closeEvent(event)

    def _note_change(self, area):
        self.changed_since_open = True

    def backup_on_close(self):
        """Besides the daily backup: one when the program closes after changes."""
        from reports import backup
        self.statusBar().showMessage("Đang sao lưu tự động trước khi đóng…")
        QApplication.processEvents()
        try:
            return backup.closing_backup()
        except Exception:  # noqa: BLE001 - closing must never be stopped by a failed backup
            log.exception("backup on close failed")
            return None
