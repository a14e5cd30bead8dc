"""Trợ giúp → Hướng dẫn: the year's work step by step, what each page is for, and every key.

The keys are read from the window itself (its pages, its menu actions, the page action
keys), so the guide cannot drift from the program; the step texts follow the steps of
"Tổng quan" (models/year_map.py) in the same order.
"""
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

# (title as in Tổng quan, page key, what the clerk does there)
YEAR_STEPS = (
    ("Phát động phong trào thi đua", "movements",
     "Tạo phong trào của năm (hoặc chép từ năm trước), ghi chủ đề, chỉ tiêu, các đợt và "
     "hạn nộp. Phong trào đột xuất, chuyên đề cũng tạo ở đây."),
    ("Đăng ký thi đua", "registrations",
     "Đơn vị, cá nhân, hộ gia đình đăng ký danh hiệu; khối thi đua ký giao ước. Duyệt hoặc "
     "trả lại bản đăng ký; in phiếu đăng ký và danh sách."),
    ("Bảng tiêu chí chấm điểm", "scoring",
     "Lập bảng tiêu chí như bảng tính (dán được từ Excel); điểm tối đa của nhóm tự cộng."),
    ("Phiếu chấm điểm của đơn vị", "scoring",
     "Tạo phiếu cho từng đơn vị đã đăng ký; đơn vị tự chấm (nhập tay hoặc nhập tệp Excel)."),
    ("Chấm điểm, thẩm định, chốt kết quả", "scoring",
     "Thẩm định điểm, chốt kết quả, xếp hạng và in bảng điểm."),
    ("Hội đồng bình xét, biểu quyết", "decisions",
     "Lập danh sách đề nghị từ hồ sơ, ghi cuộc họp Hội đồng, nhập phiếu biểu quyết, in biên "
     "bản."),
    ("Công khai danh sách, nhận ý kiến", "decisions",
     "Niêm yết danh sách được đề nghị, ghi và giải quyết ý kiến trong thời hạn."),
    ("Quyết định khen thưởng", "decisions",
     "Tạo dự thảo quyết định từ cuộc họp, kiểm tra số tiền theo mức lương cơ sở tại ngày "
     "ký, ban hành (vào sổ khen thưởng và sổ quỹ); xuất PDF hoặc Word."),
    ("In giấy khen và vào sổ", "certificates",
     "In trên phôi (chỉ in chữ) hoặc giấy trắng (in cả khung); in thử để căn lề máy in; "
     "quản lý phôi."),
    ("Báo cáo năm và sao lưu", "backup",
     "Xuất báo cáo năm và biểu thống kê (trang Báo cáo); sao lưu ra USB và gửi hồ sơ lên "
     "cấp trên."),
)

OTHER_WORK = (
    ("Tổng quan", "overview",
     "Bản đồ công việc của năm đang chọn, việc đến hạn, số đăng ký và khen thưởng."),
    ("Báo cáo", "reports",
     "Báo cáo năm, sổ khen thưởng, biểu thống kê 0601.N, 0603.N (Excel, Word)."),
    ("Điển hình, sơ kết", "exemplary",
     "Mô hình, điển hình tiên tiến; báo cáo sơ kết, tổng kết có số liệu tự tính."),
    ("Tra cứu", "lookup",
     "Tìm một người, tập thể, hộ gia đình (gõ không dấu cũng được) và mọi khen thưởng đã có; "
     "danh sách đủ điều kiện đề nghị cấp trên."),
    ("Đơn vị & cá nhân", "org",
     "Thôn, đơn vị, cán bộ, hộ gia đình; nhập danh sách từ Excel."),
    ("Cài đặt", "settings",
     "Thông tin xã, người ký, danh hiệu và mức tiền, mẫu văn bản Word, người dùng."),
)

ACTION_KEY_TEXT = {
    "Ins": "Thêm (nút chính của trang: thêm phong trào, đăng ký, …)",
    "F2": "Sửa dòng đang chọn",
    "Ctrl+P": "In",
    "Ctrl+Shift+P": "Lưu PDF",
    "F5": "Xem trước",
}


def _keys_of(window):
    """[(key text, what it does)] from the window's pages and menus."""
    from . import icons
    from .main_window import ordered_pages, page_shortcut
    rows = [(page_shortcut(i), f"Trang «{label}»")
            for i, (_key, label, _f) in enumerate(ordered_pages())]
    rows.append(("Ctrl+PgDown / Ctrl+PgUp", "Trang sau / trang trước"))
    for top in window.menuBar().actions():
        for action in top.menu().actions() if top.menu() else ():
            if action.shortcut().isEmpty() or not action.text():
                continue
            key = action.shortcut().toString(QKeySequence.NativeText)
            text = action.text().replace("&", "").rstrip("…").strip()
            if key not in {k for k, _t in rows}:
                rows.append((key, text))
    for key in icons.ACTION_KEYS.values():
        rows.append((key, ACTION_KEY_TEXT.get(key, key)))
    rows += [("↑ ↓, Enter", "Chọn dòng trong bảng, mở dòng đó"),
             ("Tab / Shift+Tab", "Sang ô sau / ô trước (trong bảng tiêu chí: ô sau, ra khỏi "
                                 "bảng ở ô cuối)"),
             ("Ctrl+V", "Dán các dòng chép từ Excel vào bảng tiêu chí, danh sách chỉ tiêu")]
    return rows


def guide_html(window):
    from .main_window import PAGES
    labels = {key: label for key, label, _f in PAGES}
    parts = ["<h2>Công việc thi đua - khen thưởng trong năm</h2>",
             "<p>Trang <b>Tổng quan</b> cho biết mỗi bước dưới đây đã làm đến đâu, còn thiếu "
             "gì, và có nút mở đúng trang cần làm tiếp. Một tệp mới bắt đầu bằng trình thiết "
             "lập; có thể nạp dữ liệu mẫu (vào một tệp riêng) để tập dùng.</p><ol>"]
    for title, page, text in YEAR_STEPS:
        where = escape(labels.get(page, ""))
        parts.append(f"<li><b>{escape(title)}</b> — <i>trang {where}</i><br>"
                     f"{escape(text)}</li>")
    parts.append("</ol><h3>Các việc khác</h3><ul>")
    for title, page, text in OTHER_WORK:
        if page in labels:
            parts.append(f"<li><b>{escape(labels[page])}</b>: {escape(text)}</li>")
    for key, label, _f in PAGES:          # pages added later still get a line
        if key not in {p for _t, p, _x in YEAR_STEPS + OTHER_WORK}:
            parts.append(f"<li><b>{escape(label)}</b></li>")
    parts.append("</ul><h3>Dữ liệu an toàn</h3><p>Mỗi ngày lần đầu mở chương trình, dữ liệu "
                 "được sao lưu tự động. Tệp → <b>Sao lưu…</b> chép bản sao đã kiểm tra ra USB; "
                 "trang Sao lưu khôi phục từ bản sao. Nhiều máy trong cơ quan dùng chung dữ "
                 "liệu qua Tệp → <b>Dùng máy chủ dữ liệu trong cơ quan…</b>.</p>")
    parts.append("<h3>Phím tắt</h3><table cellspacing='0' cellpadding='3' border='1'>")
    for key, text in _keys_of(window):
        parts.append(f"<tr><td><b>{escape(key)}</b></td><td>{escape(text)}</td></tr>")
    parts.append("</table><p>Di chuột lên một nút để xem phím tắt của nút đó.</p>")
    return "".join(parts)


class GuideWindow(QDialog):
    """Non-modal: the clerk can keep it open beside the window while working."""

    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle("Hướng dẫn sử dụng")
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(guide_html(window))
        buttons = QDialogButtonBox()
        close = buttons.addButton("Đóng", QDialogButtonBox.RejectRole)
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        avail = window.screen().availableGeometry() if window.screen() else None
        width, height = 720, 640
        if avail is not None:
            width, height = min(width, avail.width() - 40), min(height, avail.height() - 60)
        self.resize(width, height)
