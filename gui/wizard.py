"""First-run wizard: the commune from the official list, its leaders, numbering, base salary,
the first leader account, and an offer of demo data."""
import datetime

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QVBoxLayout, QWizard, QWizardPage)

from models import accounts, admin_units, catalogue, vntext
from models.errors import UserError
from models.setup import complete_setup

from .search_combo import chosen_row, make_searchable
from .widgets import ErrorLabel


def searchable_combo(items):
    """An editable combo searched anywhere in the text, accents ignored ("ha tinh")."""
    combo = make_searchable(QComboBox())
    for code, name in items:
        combo.addItem(name, code)
    combo.setCurrentIndex(-1)
    return combo


class PlacePage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("Địa bàn")
        self.setSubTitle("Chọn tỉnh/thành phố và xã/phường/đặc khu theo danh mục hành chính "
                         f"sau sắp xếp năm 2025 (dữ liệu {admin_units.data_version()}).")
        self.province = searchable_combo(admin_units.provinces())
        self.commune = make_searchable(QComboBox())
        self.place = QLineEdit()
        self.place.setPlaceholderText("ví dụ: Tân Lập")
        self.error = ErrorLabel()
        form = QFormLayout(self)
        form.addRow("Tỉnh/thành phố:", self.province)
        form.addRow("Xã/phường/đặc khu:", self.commune)
        form.addRow("Địa danh ghi ngày tháng:", self.place)
        form.addRow(QLabel("<i>Địa danh xuất hiện ở dòng “Tân Lập, ngày 05 tháng 02 năm "
                           "2026” trên văn bản.</i>"))
        form.addRow(self.error)
        self.province.currentIndexChanged.connect(self._fill_communes)
        self.commune.currentIndexChanged.connect(self._fill_place)

    def _fill_communes(self, index):
        # adding the first item makes it current: without the blocker the place name of
        # an arbitrary commune was filled in before the clerk chose one
        with QSignalBlocker(self.commune):
            self.commune.clear()
            code = self.province.itemData(index)
            for c, name in admin_units.communes(code) if code is not None else ():
                self.commune.addItem(name, c)
            self.commune.setCurrentIndex(-1)
        self.place.clear()

    def _fill_place(self, index):
        if index >= 0:
            self.place.setText(admin_units.place_name(self.commune.itemText(index)))
        else:
            self.place.clear()

    def validatePage(self):
        if chosen_row(self.province) < 0:
            self.error.show_message("Hãy chọn tỉnh/thành phố trong danh sách (gõ vài chữ, "
                                    "không cần dấu, rồi chọn trong danh sách hiện ra).")
            return False
        if chosen_row(self.commune) < 0:
            self.error.show_message("Hãy chọn xã/phường/đặc khu trong danh sách (gõ vài "
                                    "chữ, không cần dấu, rồi chọn trong danh sách hiện ra).")
            return False
        if not vntext.clean_text(self.place.text()):
            self.error.show_message("Hãy nhập địa danh ghi ngày tháng.")
            return False
        self.error.show_message("")
        return True


class LeadersPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("Lãnh đạo và văn bản")
        self.setSubTitle("Người ký quyết định, ký hiệu số quyết định và mức lương cơ sở "
                         "(dùng để tính tiền thưởng). Có thể sửa sau ở trang Cài đặt.")
        self.chairman = QLineEdit()
        self.vices = QPlainTextEdit()
        self.vices.setTabChangesFocus(True)   # Tab goes to the next field
        self.vices.setPlaceholderText("Mỗi dòng một người")
        self.vices.setMaximumHeight(70)
        self.suffix = QLineEdit("QĐ-UBND")
        amount, since, basis = catalogue.base_salary_row_on(datetime.date.today())
        self.salary = QLineEdit(vntext.format_int(amount) if amount else "")
        self.salary_from = QLineEdit(vntext.format_date(since) if since else "")
        self.salary_basis = QLabel(f"<i>Mức đang áp dụng hôm nay theo {basis}.</i>"
                                   if basis else "")
        self.error = ErrorLabel()
        form = QFormLayout(self)
        form.addRow("Chủ tịch UBND:", self.chairman)
        form.addRow("Phó Chủ tịch UBND:", self.vices)
        form.addRow("Ký hiệu quyết định:", self.suffix)
        form.addRow("Mức lương cơ sở (đồng):", self.salary)
        form.addRow("Áp dụng từ ngày:", self.salary_from)
        form.addRow("", self.salary_basis)
        form.addRow(self.error)

    def validatePage(self):
        try:
            vntext.validate_name(self.chairman.text(), label="Họ tên Chủ tịch")
            amount = vntext.parse_number(self.salary.text())
            if amount <= 0:
                raise UserError("Mức lương cơ sở phải lớn hơn 0.")
            vntext.parse_date(self.salary_from.text())
        except UserError as err:
            self.error.show_message(str(err))
            return False
        self.error.show_message("")
        return True


class AccountPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("Tài khoản lãnh đạo đầu tiên")
        self.setSubTitle("Tài khoản này có mọi quyền: tạo thêm tài khoản cán bộ và người xem, "
                         "ban hành quyết định.")
        self.username = QLineEdit()
        self.full_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.Password)
        self.error = ErrorLabel()
        form = QFormLayout(self)
        form.addRow("Tên đăng nhập:", self.username)
        form.addRow("Họ và tên:", self.full_name)
        form.addRow("Mật khẩu:", self.password)
        form.addRow("Nhập lại mật khẩu:", self.password2)
        form.addRow(self.error)

    def validatePage(self):
        try:
            name = vntext.validate_name(self.username.text(), label="Tên đăng nhập", max_len=60)
            if " " in name:
                raise UserError("Tên đăng nhập không được có dấu cách.")
            vntext.validate_name(self.full_name.text(), label="Họ và tên")
            accounts.validate_password(self.password.text())
        except UserError as err:
            self.error.show_message(str(err))
            return False
        if self.password.text() != self.password2.text():
            self.error.show_message("Hai lần nhập mật khẩu không khớp.")
            return False
        self.error.show_message("")
        return True


class DemoPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("Dữ liệu mẫu")
        self.demo = QCheckBox("Nạp dữ liệu mẫu để làm quen (một xã mẫu: các thôn, cơ quan, "
                              "cá nhân, hộ gia đình và kết quả thi đua các năm)")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Nếu chỉ muốn xem thử phần mềm, hãy nạp dữ liệu mẫu. Khi làm "
                                "việc thật, hãy để trống và nhập danh sách của xã "
                                "(có thể nhập từ Excel)."))
        layout.addWidget(self.demo)
        layout.addStretch(1)


class SetupWizard(QWizard):
    """Returns, through ``leader`` and ``want_demo``, what the first run produced."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Thiết lập lần đầu — Thi đua - Khen thưởng")
        self.setWizardStyle(QWizard.ModernStyle)
        self.setOption(QWizard.NoBackButtonOnStartPage, True)
        self.place = PlacePage()
        self.leaders = LeadersPage()
        self.account = AccountPage()
        self.demo_page = DemoPage()
        intro = QWizardPage()
        intro.setTitle("Chào mừng")
        lay = QVBoxLayout(intro)
        text = QLabel("Phần mềm giúp cán bộ thi đua - khen thưởng cấp xã làm trọn công việc "
                      "trong năm: phát động phong trào, đăng ký thi đua, chấm điểm, bình xét, "
                      "ra quyết định khen thưởng, in giấy khen và báo cáo. Phần mềm chạy "
                      "hoàn toàn không cần mạng.\n\nVài bước sau đây thiết lập thông tin của xã.")
        text.setWordWrap(True)
        lay.addWidget(text)
        for page in (intro, self.place, self.leaders, self.account, self.demo_page):
            self.addPage(page)
        self.leader = None
        self.want_demo = False
        self.resize(640, 480)

    def accept(self):
        p, ld, ac = self.place, self.leaders, self.account
        try:
            self.leader = complete_setup(
                province_code=p.province.currentData(), province_name=p.province.currentText(),
                commune_code=p.commune.currentData(), commune_name=p.commune.currentText(),
                chairman=ld.chairman.text(),
                vice_chairmen=[v for v in ld.vices.toPlainText().splitlines() if v.strip()],
                place_name=p.place.text(), decision_suffix=ld.suffix.text(),
                base_salary=ld.salary.text(), salary_from=ld.salary_from.text(),
                username=ac.username.text(), full_name=ac.full_name.text(),
                password=ac.password.text())
        except UserError as err:
            from . import messages
            messages.show_error(self, err)
            return
        self.want_demo = self.demo_page.demo.isChecked()
        super().accept()
