"""Page "Cài đặt": commune information, base salary table, title catalogue, accounts, and
(for leaders) the audit log."""
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from models import accounts, catalogue, settings, vntext
from models.entities import SUBJECT_KINDS
from models.errors import UserError
from models.service import ROLE_NAMES

from .. import messages
from ..audit_page import AuditTab
from ..lazy_tabs import LazyTabs
from ..search_combo import chosen_row, make_searchable
from ..wizard import searchable_combo
from ..widgets import ErrorLabel
from ..word_templates import WordTemplatesTab


def _table(headers):
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QTableWidget.NoEditTriggers)
    t.setSelectionBehavior(QTableWidget.SelectRows)
    t.setSelectionMode(QTableWidget.SingleSelection)
    t.horizontalHeader().setStretchLastSection(True)
    t.verticalHeader().hide()
    return t


def _fill(table, rows):
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))
    table.resizeColumnsToContents()


class CommuneTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        from models import admin_units
        self.province = searchable_combo(admin_units.provinces())
        self.commune = make_searchable(QComboBox())
        self.chairman = QLineEdit()
        self.vices = QPlainTextEdit()
        self.vices.setTabChangesFocus(True)   # Tab goes to the next field
        self.vices.setMaximumHeight(70)
        self.place = QLineEdit()
        self.suffix = QLineEdit()
        self.on_behalf = QCheckBox("Ký thay mặt tập thể: “TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH”")
        self.error = ErrorLabel()
        save = QPushButton("Lưu thông tin xã")
        save.clicked.connect(self.save)
        save.setEnabled(ctx.is_leader)
        outer = QVBoxLayout(self)
        box = QWidget()
        box.setMaximumWidth(760)
        form = QFormLayout(box)
        outer.addWidget(box)
        outer.addStretch(1)
        form.addRow("Tỉnh/thành phố:", self.province)
        form.addRow("Xã/phường/đặc khu:", self.commune)
        form.addRow("Chủ tịch UBND:", self.chairman)
        form.addRow("Phó Chủ tịch UBND (mỗi dòng một người):", self.vices)
        form.addRow("Địa danh ghi ngày tháng:", self.place)
        form.addRow("Ký hiệu quyết định:", self.suffix)
        form.addRow("", self.on_behalf)
        form.addRow(self.error)
        form.addRow(save)
        if not ctx.is_leader:
            form.addRow(QLabel("<i>Chỉ tài khoản lãnh đạo được sửa thông tin này.</i>"))
        self.province.currentIndexChanged.connect(self._fill_communes)
        self.reload()

    def _fill_communes(self, index):
        from models import admin_units
        self.commune.clear()
        code = self.province.itemData(index)
        if code is not None:
            for c, name in admin_units.communes(code):
                self.commune.addItem(name, c)

    def reload(self):
        v = settings.get_all()
        i = self.province.findData(v["province_code"])
        self.province.setCurrentIndex(i)
        if i < 0:
            self.province.setEditText(v["province_name"])
        j = self.commune.findData(v["commune_code"])
        self.commune.setCurrentIndex(j)
        if j < 0:
            self.commune.setEditText(v["commune_name"])
        self.chairman.setText(v["chairman"])
        self.vices.setPlainText("\n".join(v["vice_chairmen"]))
        self.place.setText(v["place_name"])
        self.suffix.setText(v["decision_suffix"])
        self.on_behalf.setChecked(bool(v["signer_on_behalf"]))

    def save(self):
        chosen_row(self.province)    # "ha tinh" typed without accents names Hà Tĩnh
        chosen_row(self.commune)
        try:
            values = {
                "province_code": self.province.currentData(),
                "province_name": self.province.currentText(),
                "commune_code": self.commune.currentData(),
                "commune_name": vntext.validate_name(self.commune.currentText(),
                                                     label="Tên xã/phường"),
                "chairman": vntext.validate_name(self.chairman.text(), label="Họ tên Chủ tịch"),
                "vice_chairmen": self.vices.toPlainText().splitlines(),
                "place_name": vntext.validate_name(self.place.text(), label="Địa danh"),
                "decision_suffix": vntext.validate_name(self.suffix.text(),
                                                        label="Ký hiệu quyết định", max_len=30),
                "signer_on_behalf": self.on_behalf.isChecked(),
            }
            settings.update_settings(actor=self.ctx.actor, values=values)
        except UserError as err:
            self.error.show_message(str(err))
            return
        self.error.show_message("")
        self.ctx.changed("settings")
        messages.info(self, "Đã lưu thông tin xã.")


class SalaryTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.table = _table(["Áp dụng từ ngày", "Mức lương cơ sở", "Căn cứ"])
        self.date = QLineEdit()
        self.date.setPlaceholderText("01/07/2026")
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("2.530.000")
        self.basis = QLineEdit()
        self.basis.setPlaceholderText("Nghị định …")
        add = QPushButton("Thêm mức lương")
        add.clicked.connect(self.add)
        add.setEnabled(ctx.is_leader)
        self.error = ErrorLabel()
        row = QHBoxLayout()
        for label, w in (("Từ ngày:", self.date), ("Mức (đồng):", self.amount),
                         ("Căn cứ:", self.basis)):
            row.addWidget(QLabel(label))
            row.addWidget(w)
        row.addWidget(add)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Tiền thưởng = hệ số × mức lương cơ sở có hiệu lực vào ngày ký "
                                "quyết định, làm tròn lên đến 10.000 đồng."))
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.reload()

    def reload(self):
        _fill(self.table, [(vntext.format_date(s.effective_from), vntext.format_money(s.amount),
                            s.legal_basis) for s in catalogue.base_salaries()])

    def add(self):
        try:
            catalogue.add_base_salary(actor=self.ctx.actor, effective_from=self.date.text(),
                                      amount=self.amount.text(), legal_basis=self.basis.text())
        except UserError as err:
            self.error.show_message(str(err))
            return
        self.error.show_message("")
        for w in (self.date, self.amount, self.basis):
            w.clear()
        self.reload()
        self.ctx.changed("settings")


class TitleDialog(QDialog):
    def __init__(self, title, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Danh hiệu, hình thức — {title.code}")
        self.name = QLineEdit(title.name)
        self.coefficient = QLineEdit("" if title.coefficient is None
                                     else vntext.format_decimal(title.coefficient))
        self.multiple = QLineEdit(vntext.format_decimal(title.multiple or 1))
        self.active = QCheckBox("Đang dùng")
        self.active.setChecked(title.active)
        form = QFormLayout(self)
        form.addRow("Tên:", self.name)
        form.addRow("Hệ số × lương cơ sở (để trống nếu không có tiền):", self.coefficient)
        form.addRow("Bội số (ví dụ hộ gia đình 1,5; tập thể 2):", self.multiple)
        form.addRow("", self.active)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent, title):
        d = cls(title, parent)
        if not d.exec():
            return None
        return dict(name=d.name.text(), coefficient=d.coefficient.text().strip() or None,
                    multiple=d.multiple.text().strip() or "1", active=d.active.isChecked())


class TitlesTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.table = _table(["Mã", "Tên", "Đối tượng", "Loại", "Hệ số", "Bội số", "Cấp trao",
                             "Đang dùng"])
        self.table.doubleClicked.connect(lambda _: self.edit())
        edit = QPushButton("Sửa…")
        edit.clicked.connect(self.edit)
        edit.setEnabled(ctx.is_leader)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(edit)
        row.addStretch(1)
        layout.addLayout(row)
        self.reload()

    def reload(self):
        self.titles = catalogue.titles(active_only=False)
        _fill(self.table, [
            (t.code, t.name, SUBJECT_KINDS.get(t.subject_kind, ""),
             "Danh hiệu" if t.kind == "title" else "Hình thức",
             "" if t.coefficient is None else vntext.format_decimal(t.coefficient),
             vntext.format_decimal(t.multiple or 1),
             "Xã" if t.conferred_by == "commune" else "Đề nghị lên tỉnh",
             "Có" if t.active else "Không") for t in self.titles])

    def edit(self):
        row = self.table.currentRow()
        if row < 0 or not self.ctx.is_leader:
            return
        title = self.titles[row]
        data = TitleDialog.ask(self, title)
        if data is not None and messages.run_action(
                self, catalogue.update_title, actor=self.ctx.actor, title=title, **data):
            self.reload()
            self.ctx.changed("settings")


class UserDialog(QDialog):
    def __init__(self, parent=None, user=None):
        super().__init__(parent)
        self.setWindowTitle("Tài khoản")
        self.username = QLineEdit(user.username if user else "")
        self.username.setEnabled(user is None)
        self.full_name = QLineEdit(user.full_name if user else "")
        self.role = QComboBox()
        for key, label in ROLE_NAMES.items():
            self.role.addItem(label, key)
        self.role.setCurrentIndex(self.role.findData(user.role if user else "clerk"))
        self.active = QCheckBox("Đang hoạt động")
        self.active.setChecked(user.active if user else True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText("để trống nếu không đổi" if user else "ít nhất 8 ký tự")
        form = QFormLayout(self)
        form.addRow("Tên đăng nhập:", self.username)
        form.addRow("Họ và tên:", self.full_name)
        form.addRow("Vai trò:", self.role)
        form.addRow("", self.active)
        form.addRow("Mật khẩu:", self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent, user=None):
        d = cls(parent, user)
        if not d.exec():
            return None
        return dict(username=d.username.text(), full_name=d.full_name.text(),
                    role=d.role.currentData(), active=d.active.isChecked(),
                    password=d.password.text() or None)


class UsersTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.table = _table(["Tên đăng nhập", "Họ và tên", "Vai trò", "Trạng thái"])
        add = QPushButton("Thêm tài khoản…")
        add.clicked.connect(self.add)
        edit = QPushButton("Sửa…")
        edit.clicked.connect(self.edit)
        for b in (add, edit):
            b.setEnabled(ctx.is_leader)
        own = QPushButton("Đổi mật khẩu của tôi…")
        own.clicked.connect(self.change_own)
        row = QHBoxLayout()
        for b in (add, edit, own):
            row.addWidget(b)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.reload()

    def reload(self):
        self.users = accounts.list_users()
        _fill(self.table, [(u.username, u.full_name, ROLE_NAMES.get(u.role, u.role),
                            "Hoạt động" if u.active else "Đã khóa") for u in self.users])

    def add(self):
        data = UserDialog.ask(self)
        if data is None:
            return
        if messages.run_action(self, accounts.create_user, actor=self.ctx.actor,
                               username=data["username"], full_name=data["full_name"],
                               role=data["role"], password=data["password"] or ""):
            self.reload()

    def edit(self):
        row = self.table.currentRow()
        if row < 0:
            return
        user = self.users[row]
        data = UserDialog.ask(self, user)
        if data is None:
            return
        if messages.run_action(self, accounts.update_user, actor=self.ctx.actor, user=user,
                               full_name=data["full_name"], role=data["role"],
                               active=data["active"], password=data["password"]):
            self.reload()

    def change_own(self):
        old = messages.ask_text(self, "Mật khẩu hiện tại:")
        if old is None:
            return
        new = messages.ask_text(self, "Mật khẩu mới (ít nhất 8 ký tự):")
        if new is None:
            return
        if messages.run_action(self, accounts.change_own_password, actor=self.ctx.actor,
                               old_password=old, new_password=new) is None:
            return
        messages.info(self, "Đã đổi mật khẩu.")


class SettingsPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        tabs = QTabWidget()
        self.commune = CommuneTab(ctx)
        tabs.addTab(self.commune, "Thông tin xã")
        # the other tabs are built when first shown (the log checks its whole chain)
        self.lazy = LazyTabs(self, tabs)
        self.lazy.add("salary", "Mức lương cơ sở", lambda: SalaryTab(ctx))
        self.lazy.add("titles", "Danh hiệu, hình thức", lambda: TitlesTab(ctx))
        self.lazy.add("users", "Tài khoản", lambda: UsersTab(ctx))
        self.lazy.add("word", "Mẫu văn bản Word", lambda: WordTemplatesTab(ctx))
        if ctx.is_leader:
            self.lazy.add("audit", "Nhật ký", lambda: AuditTab(ctx))
        self.tabs = tabs
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Cài đặt</h2>"))
        layout.addWidget(tabs, 1)

    @property
    def audit(self):
        """The log's tab (leaders only, else None), built when first asked for."""
        return self.lazy.get("audit") if "audit" in self.lazy.holders else None
