"""Every prompt the program shows goes through here (one place to change or stub)."""
from PySide6.QtWidgets import QInputDialog, QMessageBox

from models.errors import UserError

TITLE = "Thi đua - Khen thưởng"


def _box(parent, icon, text, *, title=TITLE, details=None):
    box = QMessageBox(icon, title, text, QMessageBox.Ok, parent)
    box.button(QMessageBox.Ok).setText("Đóng")
    if details:
        box.setDetailedText(details)
    return box


def show_error(parent, err, *, title=TITLE):
    """Show a UserError (or any message) in Vietnamese; details go under 'Chi tiết'."""
    text = str(err)
    details = "\n".join(getattr(err, "details", []) or []) or None
    _box(parent, QMessageBox.Warning, text, title=title, details=details).exec()


def info(parent, text, *, title=TITLE, details=None):
    _box(parent, QMessageBox.Information, text, title=title, details=details).exec()


def saved(parent, path, text=None):
    """Say a file was saved, offering "Mở tệp" and "Mở thư mục" beside "Đóng"."""
    return saved_box(parent, path, text)


def saved_box(parent, path, text=None):
    import os
    from .files import open_path
    box = QMessageBox(QMessageBox.Information, TITLE, text or f"Đã lưu {path}",
                      QMessageBox.NoButton, parent)
    open_file = box.addButton("Mở tệp", QMessageBox.ActionRole)
    open_folder = box.addButton("Mở thư mục", QMessageBox.ActionRole)
    close = box.addButton("Đóng", QMessageBox.RejectRole)
    box.setDefaultButton(close)
    box.setEscapeButton(close)
    box.exec()
    clicked = box.clickedButton()
    if clicked is open_file:
        open_path(path)
        return "file"
    if clicked is open_folder:
        open_path(os.path.dirname(os.path.abspath(path)))
        return "folder"
    return None


def confirm(parent, text, *, title=TITLE, yes="Đồng ý", no="Hủy", danger=False):
    """True when the user chose ``yes``."""
    box = QMessageBox(QMessageBox.Warning if danger else QMessageBox.Question, title, text,
                      QMessageBox.NoButton, parent)
    yes_button = box.addButton(yes, QMessageBox.AcceptRole)
    no_button = box.addButton(no, QMessageBox.RejectRole)
    box.setDefaultButton(no_button if danger else yes_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def ask_text(parent, label, *, title=TITLE, text="", required=True):
    """A line of text (e.g. a reason), or None when cancelled."""
    while True:
        dialog = QInputDialog(parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        dialog.setOkButtonText("Đồng ý")
        dialog.setCancelButtonText("Hủy")
        if not dialog.exec():
            return None
        value = dialog.textValue().strip()
        if value or not required:
            return value
        text = value


def ask_choice(parent, text, choices, *, title=TITLE):
    """The key of the button the user clicked among ``choices`` [(key, label)], plus
    "Hủy"; None when cancelled. The first choice is the default."""
    box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.NoButton, parent)
    buttons = {box.addButton(label, QMessageBox.AcceptRole): key for key, label in choices}
    cancel = box.addButton("Hủy", QMessageBox.RejectRole)
    box.setDefaultButton(next(iter(buttons)))
    box.setEscapeButton(cancel)
    box.exec()
    return buttons.get(box.clickedButton())


def choose(parent, label, items, *, title=TITLE):
    """The index of the item the user picked from ``items`` (texts), or None when cancelled."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setComboBoxItems(list(items))
    dialog.setComboBoxEditable(False)
    dialog.setOkButtonText("Chọn")
    dialog.setCancelButtonText("Hủy")
    if not dialog.exec():
        return None
    text = dialog.textValue()
    return list(items).index(text) if text in items else None


def show_crash(parent, summary, details):
    _box(parent, QMessageBox.Critical, summary, title="Lỗi không mong đợi", details=details).exec()


def run_action(parent, fn, *args, **kwargs):
    """Call a service; show a UserError and return None instead of raising it."""
    try:
        return fn(*args, **kwargs)
    except UserError as err:
        show_error(parent, err)
        return None
