"""Page "Sao lưu": back up to a USB stick in one click, restore from a backup, daily backups."""
import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QGroupBox, QHBoxLayout, QLabel,
                               QListWidget, QListWidgetItem, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from models import paths, settings
from models.errors import UserError
from reports import backup, usb

from .. import files, messages


class BackupPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.worker = None
        self.last_backup = None
        layout = QVBoxLayout(self)

        intro = QLabel("Sao lưu thường xuyên ra USB và cất USB ở nơi khác máy tính. Bản sao "
                       "lưu được ghi an toàn: rút USB giữa chừng không để lại tệp hỏng trông "
                       "như tệp tốt.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        usb_box = QGroupBox("USB và ổ đĩa rời đang cắm")
        ub = QVBoxLayout(usb_box)
        self.drive_list = QListWidget()
        self.drive_list.setMaximumHeight(110)
        self.drive_list.itemSelectionChanged.connect(self._update_buttons)
        ub.addWidget(self.drive_list)
        row = QHBoxLayout()
        self.refresh_button = QPushButton("Tìm lại USB")
        self.refresh_button.clicked.connect(self.refresh_drives)
        self.usb_button = QPushButton("Sao lưu vào USB đã chọn")
        self.usb_button.setDefault(True)
        self.usb_button.clicked.connect(self.backup_to_selected)
        self.folder_button = QPushButton("Sao lưu vào thư mục khác…")
        self.folder_button.clicked.connect(self.backup_to_chosen_folder)
        for b in (self.refresh_button, self.usb_button, self.folder_button):
            row.addWidget(b)
        row.addStretch(1)
        ub.addLayout(row)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        ub.addWidget(self.status)
        layout.addWidget(usb_box)

        restore_box = QGroupBox("Khôi phục từ bản sao lưu")
        rb = QVBoxLayout(restore_box)
        note = QLabel("Phần mềm kiểm tra tệp là bản sao lưu của phần mềm này và còn nguyên vẹn, "
                      "cho biết của xã nào, năm nào trước khi thay. Dữ liệu đang dùng được giữ "
                      "lại thành một tệp riêng. Chỉ tài khoản Lãnh đạo được khôi phục.")
        note.setWordWrap(True)
        rb.addWidget(note)
        row = QHBoxLayout()
        self.restore_button = QPushButton("Chọn tệp sao lưu để khôi phục…")
        self.restore_button.clicked.connect(self.choose_restore)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        rb.addLayout(row)
        layout.addWidget(restore_box)

        auto_box = QGroupBox("Sao lưu tự động")
        ab = QVBoxLayout(auto_box)
        row = QHBoxLayout()
        self.auto_check = QCheckBox("Mỗi ngày tự sao lưu một bản khi mở chương trình")
        row.addWidget(self.auto_check)
        row.addWidget(QLabel("Giữ lại"))
        self.keep_spin = QSpinBox()
        self.keep_spin.setRange(1, 365)
        row.addWidget(self.keep_spin)
        row.addWidget(QLabel("bản mới nhất"))
        self.save_auto_button = QPushButton("Lưu cài đặt")
        self.save_auto_button.clicked.connect(self.save_auto_settings)
        row.addWidget(self.save_auto_button)
        row.addStretch(1)
        ab.addLayout(row)
        self.auto_label = QLabel("")
        self.auto_label.setWordWrap(True)
        self.auto_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        ab.addWidget(self.auto_label)
        layout.addWidget(auto_box)
        layout.addStretch(1)

        ctx.on_change(self, self._on_changed)
        self.refresh_drives()
        self.load_auto_settings()

    # ------------------------------------------------------------------ drives

    def refresh_drives(self, drives=None):
        """Fill the list (``drives`` given by tests; otherwise the real removable drives)."""
        drives = usb.removable_drives() if drives is None else drives
        self.drive_list.clear()
        for d in drives:
            item = QListWidgetItem(d.describe())
            item.setData(Qt.UserRole, d.path)
            self.drive_list.addItem(item)
        if drives:
            self.drive_list.setCurrentRow(0)
            self.status.setText("")
        else:
            self.status.setText("Không thấy USB nào. Hãy cắm USB rồi bấm \"Tìm lại USB\", "
                                "hoặc sao lưu vào một thư mục khác.")
        self._update_buttons()

    def selected_drive(self):
        item = self.drive_list.currentItem()
        return item.data(Qt.UserRole) if item is not None else None

    def _update_buttons(self):
        self.usb_button.setEnabled(self.selected_drive() is not None)
        self.restore_button.setEnabled(self.ctx.is_leader)
        self.save_auto_button.setEnabled(self.ctx.is_leader)

    # ------------------------------------------------------------------ backup

    def backup_to_selected(self):
        drive = self.selected_drive()
        if drive:
            self.backup_to_folder(drive)

    def backup_to_chosen_folder(self):
        folder = files.folder_name(self, "Chọn thư mục để sao lưu")
        if folder:
            self.backup_to_folder(folder)

    def backup_to_folder(self, folder):
        self.status.setText(f"Đang sao lưu vào {folder}…")

        def work(progress):
            return backup.backup_with_info(folder, progress=progress)

        def done(result):
            path, info = result       # read back and checked in the worker, once
            self.last_backup = path
            self.status.setText(f"Đã sao lưu và kiểm tra lại: {path} ({info.describe()})")
            messages.info(self, f"Đã sao lưu và đọc lại để kiểm tra:\n{path}\n\nCó thể rút USB "
                                "(nên dùng \"Tháo thiết bị an toàn\" trước khi rút).")

        def failed(err):
            self.status.setText(f"Chưa sao lưu được: {err}")
            messages.show_error(self, err)

        self.worker = self.ctx.run_task(self, "Đang sao lưu…", work, on_done=done,
                                        on_error=failed)

    # ------------------------------------------------------------------ restore

    def choose_restore(self):
        start = self.selected_drive() or paths.backup_dir()
        path, _ = files.open_name(
            self, "Chọn tệp sao lưu", start,
            "Tệp sao lưu (*.sqlite3 *.tdkt *.db);;Mọi tệp (*)")
        if path:
            self.restore_file(path)

    def restore_file(self, path):
        """Show what the backup holds, ask, then replace the data and reopen it."""
        if not self.ctx.is_leader:
            messages.show_error(self, UserError("Chỉ tài khoản Lãnh đạo được khôi phục dữ liệu."))
            return False
        try:
            info = backup.backup_info(path)
        except UserError as err:
            messages.show_error(self, err)
            return False
        current = settings.commune().name
        warn = ""
        if info.commune and current and info.commune != current:
            warn = (f"\n\nChú ý: tệp này là của {info.commune}, khác với xã đang dùng "
                    f"({current}).")
        if not messages.confirm(
                self, f"{info.describe()}{warn}\n\nThay toàn bộ dữ liệu đang dùng bằng bản "
                "sao lưu này? Dữ liệu hiện tại được giữ lại thành một tệp riêng.",
                yes="Khôi phục", no="Hủy", danger=True):
            return False
        from models import db as dbmod
        dbmod.close_database()      # our own connection first: the restore needs the file alone
        try:
            kept = backup.restore_from(path, self.ctx.db_path, actor=self.ctx.actor)
        except UserError as err:
            self._reopen()
            messages.show_error(self, err)
            return False
        self._reopen()
        messages.info(self, "Đã khôi phục dữ liệu từ bản sao lưu."
                      + (f" Dữ liệu trước đó được giữ ở {kept}." if kept else ""))
        return True

    def _reopen(self):
        from models import db as dbmod
        from models.entities import User
        if dbmod.db.obj is None or dbmod.db.obj.is_closed() \
                or dbmod.current_path() != self.ctx.db_path:
            dbmod.open_database(self.ctx.db_path)
        same = User.get_or_none(User.username == self.ctx.actor.username)
        if same is not None:
            self.ctx.actor = same
        self.ctx.changed("all")

    # ------------------------------------------------------------------ automatic

    def load_auto_settings(self):
        conf = backup.auto_settings()
        self.auto_check.setChecked(conf["enabled"])
        self.keep_spin.setValue(conf["keep"])
        files = backup.auto_backups()
        folder = paths.backup_dir()
        if files:
            newest = os.path.basename(files[-1])
            self.auto_label.setText(f"Thư mục: {folder} — có {len(files)} bản tự động, mới "
                                    f"nhất: {newest}.")
        else:
            self.auto_label.setText(f"Thư mục: {folder} — chưa có bản tự động nào.")
        self._update_buttons()

    def save_auto_settings(self):
        value = {"enabled": self.auto_check.isChecked(), "keep": self.keep_spin.value()}
        try:
            settings.update_settings(actor=self.ctx.actor, values={backup.AUTO_KEY: value})
        except UserError as err:
            messages.show_error(self, err)
            return
        self.ctx.changed("settings")
        self.load_auto_settings()

    def _on_changed(self, area):
        if area in ("settings", "all"):
            self.load_auto_settings()
