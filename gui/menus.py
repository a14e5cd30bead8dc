"""The menu bar every desktop program has: Tệp (new/open data file, backup, quit) and
Trợ giúp (guide, data folder, error log, about).

Another data file is opened in a fresh instance of the program (then this window closes),
so sign-in, checks and pages always start from a clean state for that file.
"""
import os
import sys

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from models import paths

from . import icons, messages

# gui.files (file dialogs, QDesktopServices) and QProcess load when a menu item needs them:
# importing their Qt classes builds ~90 enum members in Python, before the first page.

DATA_FILTER = "Tệp dữ liệu (*.sqlite3 *.tdkt *.db);;Mọi tệp (*)"


def program_command(db_path):
    """(program, arguments) that start this program on ``db_path`` (source or frozen)."""
    if getattr(sys, "frozen", False):
        return sys.executable, ["--db", db_path]
    main = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "main.py")
    return sys.executable, [main, "--db", db_path]


def start_instance(db_path):
    from PySide6.QtCore import QProcess
    program, args = program_command(db_path)
    return QProcess.startDetached(program, args)[0]


class MenuBar:
    """Builds the menus on ``window`` (a MainWindow); kept as ``window.menus``."""

    def __init__(self, window):
        self.window = window
        self._icons = []            # (action, icon name): drawn when a menu is first shown
        bar = window.menuBar()
        file_menu = bar.addMenu("&Tệp")
        self.new_file = self._action(file_menu, "Tạo tệp dữ liệu mới…", self.create_file,
                                     QKeySequence.New, icon="document-new")
        self.open_file = self._action(file_menu, "Mở tệp dữ liệu…", self.choose_file,
                                      QKeySequence.Open, icon="document-open")
        self.use_server_action = self._action(
            file_menu, "Dùng máy chủ dữ liệu trong cơ quan…", self.use_server,
            icon="preferences-system")
        file_menu.addSeparator()
        self.backup = self._action(file_menu, "Sao lưu…", lambda: window.go_to("backup"),
                                   "Ctrl+Shift+S", icon="document-save")
        if paths.is_demo_path(window.ctx.db_path):
            self.leave = self._action(file_menu, "Rời dữ liệu mẫu, mở tệp của xã",
                                      self.leave_demo, icon="go-previous")
        elif os.path.exists(paths.demo_db_path(window.ctx.db_path)):
            self.demo = self._action(
                file_menu, "Xem dữ liệu mẫu (tệp riêng)…",
                lambda: self.switch_to(paths.demo_db_path(window.ctx.db_path)),
                icon="emblem-documents")
        file_menu.addSeparator()
        self.quit = self._action(file_menu, "Thoát", window.close, "Ctrl+Q",
                                 icon="application-exit")
        help_menu = bar.addMenu("Trợ &giúp")
        self.guide = self._action(help_menu, "Hướng dẫn", self.show_guide,
                                  QKeySequence.HelpContents, icon="help-contents")
        help_menu.addSeparator()
        self.data_folder = self._action(help_menu, "Mở thư mục dữ liệu",
                                        self.open_data_folder,
                                        icon="folder")
        self.error_log = self._action(help_menu, "Mở nhật ký lỗi", self.open_log_folder,
                                      icon="text-x-generic")
        help_menu.addSeparator()
        self.about = self._action(help_menu, "Giới thiệu", self.show_about,
                                  icon="help-about")
        for menu in (file_menu, help_menu):
            menu.aboutToShow.connect(self.give_icons)

    def give_icons(self):
        """The menus' icons, rendered when a menu is first opened: at start-up they are
        hidden, and rendering them (two SVG drawings and six scaled copies each) would delay
        the first page."""
        for action, name in self._icons:
            action.setIcon(icons.icon(name))
        self._icons = []

    def _action(self, menu, text, slot, shortcut=None, icon=None):
        action = QAction(text, self.window)
        if icon:
            self._icons.append((action, icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"{text} ({QKeySequence(shortcut).toString()})")
        action.triggered.connect(lambda checked=False: slot())
        menu.addAction(action)
        return action

    # ------------------------------------------------------------------ Tệp
    def switch_to(self, path):
        """Open ``path`` in a new instance and close this window; False if it did not start."""
        from models.db_pg import is_server_url
        path = path if is_server_url(path) else os.path.abspath(path)
        if self.window.ctx.db_path == path or (not is_server_url(path) and os.path.abspath(
                self.window.ctx.db_path) == path):
            messages.info(self.window, "Tệp dữ liệu này đang được mở.")
            return False
        if not start_instance(path):
            messages.show_error(self.window, "Không khởi động được chương trình cho tệp "
                                f"{path}.")
            return False
        self.window.close()
        return True

    def leave_demo(self):
        """Back to the commune's own file from the demo file beside it."""
        main = paths.main_db_path_for(self.window.ctx.db_path)
        if not os.path.exists(main):
            return self.choose_file()
        return self.switch_to(main)

    def use_server(self):
        """Set up (or stop using) the office's PostgreSQL server for this PC."""
        from models import server_settings
        from models.errors import UserError
        from .server_dialog import ServerDialog
        data = ServerDialog.ask(self.window, server_settings.load())
        if data is None:
            return
        if data.get("forget"):
            server_settings.forget()
            messages.info(self.window, "Từ lần mở sau, chương trình dùng tệp dữ liệu trên máy.")
            return
        url = server_settings.url_of(data)
        try:
            server_settings.test_connection(url, data["password"] or None)
            if data["remember"]:
                server_settings.remember_password(url, data["password"])
            server_settings.save(data)
        except (UserError, OSError) as err:
            messages.show_error(self.window, err)
            return
        if messages.confirm(self.window, "Đã ghi nhớ máy chủ dữ liệu; từ nay chương trình mở "
                            "dữ liệu trên máy chủ. Mở ngay bây giờ (cửa sổ này đóng lại)?"):
            self.switch_to(url)

    def choose_file(self):
        from . import files
        path, _ = files.open_name(self.window, "Mở tệp dữ liệu", paths.data_dir(), DATA_FILTER)
        if path:
            self.switch_to(path)

    def create_file(self):
        from . import files
        path, _ = files.save_name(self.window, "Tạo tệp dữ liệu mới",
                                  os.path.join(paths.data_dir(), "du-lieu-moi.sqlite3"),
                                  "Tệp dữ liệu (*.sqlite3)")
        if not path:
            return
        if not path.lower().endswith((".sqlite3", ".tdkt", ".db")):
            path += ".sqlite3"
        if os.path.exists(path):
            messages.show_error(self.window, f"Tệp {path} đã có. Hãy chọn tên khác; để mở "
                                "tệp này, dùng Tệp → Mở tệp dữ liệu.")
            return
        if messages.confirm(self.window, f"Tạo tệp dữ liệu mới {path}? Chương trình sẽ mở "
                            "tệp mới (với trình hướng dẫn thiết lập) và đóng cửa sổ này."):
            self.switch_to(path)

    # ------------------------------------------------------------------ Trợ giúp
    def show_guide(self):
        """The guide beside the window (non-modal); F1 again brings the open one forward."""
        from .help_window import GuideWindow
        guide = getattr(self, "_guide", None)
        try:
            if guide is not None and guide.isVisible():
                guide.raise_()
                guide.activateWindow()
                return guide
        except RuntimeError:             # deleted on close
            pass
        self._guide = GuideWindow(self.window)
        self._guide.show()
        return self._guide

    def open_data_folder(self):
        from . import files
        files.open_path(paths.data_dir())

    def open_log_folder(self):
        from . import files
        folder = os.path.join(paths.data_dir(), "logs")
        os.makedirs(folder, exist_ok=True)
        files.open_path(folder)

    def show_about(self):
        from importlib import metadata
        try:
            version = metadata.version("thiduakhenthuong")
        except metadata.PackageNotFoundError:
            version = "?"
        QMessageBox.about(
            self.window, "Giới thiệu",
            f"<b>Thi đua - Khen thưởng cấp xã</b> — phiên bản {version}<br>"
            "Chạy hoàn toàn không cần mạng.<br><br>"
            f"Tệp dữ liệu: {self.window.ctx.db_path}<br>"
            f"Thư mục dữ liệu: {paths.data_dir()}<br><br>"
            "Dùng Python, Qt (PySide6, LGPL), SQLite, peewee, reportlab, openpyxl.")
