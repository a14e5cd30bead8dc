"""Vietnamese for Qt's own texts (standard buttons, wizard, edit menus): Qt ships no
qtbase_vi, so a small translator supplies the strings a clerk actually sees."""
from PySide6.QtCore import QTranslator

STRINGS = {
    "OK": "Đồng ý", "&OK": "Đồng ý", "Cancel": "Hủy", "&Cancel": "Hủy", "Yes": "Có",
    "&Yes": "&Có", "No": "Không", "&No": "&Không", "Yes to &All": "Có tất cả",
    "N&o to All": "Không tất cả", "Save": "Lưu", "&Save": "&Lưu", "Save All": "Lưu tất cả",
    "Open": "Mở", "&Open": "&Mở", "Close": "Đóng", "&Close": "Đóng", "Apply": "Áp dụng",
    "Reset": "Đặt lại", "Help": "Trợ giúp", "Discard": "Bỏ", "Don't Save": "Không lưu",
    "Close without Saving": "Đóng không lưu", "Restore Defaults": "Khôi phục mặc định",
    "Abort": "Hủy bỏ", "Retry": "Thử lại", "Ignore": "Bỏ qua",
    "Show Details...": "Chi tiết...", "Hide Details...": "Ẩn chi tiết...",
    "< &Back": "< &Quay lại", "&Next >": "&Tiếp >", "&Next": "&Tiếp", "&Finish": "&Hoàn tất",
    "&Help": "&Trợ giúp", "Go Back": "Quay lại", "Continue": "Tiếp tục", "Commit": "Xác nhận",
    "Done": "Xong", "Quit": "Thoát",
    "&Undo": "&Hoàn tác", "&Redo": "&Làm lại", "Cu&t": "Cắ&t", "&Copy": "&Chép",
    "&Paste": "&Dán", "Delete": "Xóa", "Select All": "Chọn tất cả",
    "Copy &Link Location": "Chép địa chỉ liên kết",
    "Look in:": "Tìm trong:", "File &name:": "Tên tệp:", "Files of type:": "Loại tệp:",
    "&Choose": "&Chọn", "Directory:": "Thư mục:", "Back": "Quay lại", "Forward": "Tiến",
    "Parent Directory": "Thư mục cha", "Create New Folder": "Tạo thư mục mới",
    "List View": "Dạng danh sách", "Detail View": "Dạng chi tiết", "Name": "Tên",
    "Size": "Cỡ", "Type": "Loại", "Date Modified": "Ngày sửa", "My Computer": "Máy tính",
    "Computer": "Máy tính", "New Folder": "Thư mục mới", "Recent Places": "Gần đây",
    "All Files (*)": "Mọi tệp (*)",
    "&Look in:": "&Tìm trong:", "Files of &type:": "&Loại tệp:",
    "Show &hidden files": "Hiện tệp ẩn", "&Rename": "Đổi &tên", "&Delete": "&Xóa",
    "&New Folder": "Thư mục &mới", "Are you sure you want to delete '%1'?":
    "Xóa '%1'?", "%1 already exists.\nDo you want to replace it?":
    "%1 đã có.\nThay bằng tệp mới?", "Drive": "Ổ đĩa", "File": "Tệp", "File Folder":
    "Thư mục", "Folder": "Thư mục", "Alias": "Lối tắt", "Shortcut": "Lối tắt",
    "Unknown": "Không rõ", "Find Directory": "Chọn thư mục", "Open File": "Mở tệp",
    "Save As": "Lưu thành", "Directories": "Thư mục",
    "Print": "In", "&Print": "&In", "Print Preview": "Xem trước khi in",
    "Printer": "Máy in", "Page Setup": "Thiết lập trang", "Properties": "Thuộc tính",
    "&Options >>": "&Tùy chọn >>", "&Options <<": "&Tùy chọn <<", "Copies": "Số bản",
}


class VietnameseTranslator(QTranslator):
    def translate(self, context, source_text, disambiguation=None, n=-1):
        return STRINGS.get(source_text, None)

    def isEmpty(self):
        return False
