"""Icons from the shipped set on the navigation, the menus and the main actions; every
page has a keyboard shortcut shown in its tooltip."""
import os

from PySide6.QtGui import QIcon, QKeySequence
from PySide6.QtWidgets import QPushButton

from gui import icons
from gui.context import AppContext
from gui.main_window import MainWindow, page_shortcut
from resources import resource_path


def test_every_icon_named_is_shipped_with_its_license(qapp):
    names = set(icons.PAGE_ICONS.values()) | {icons.DEFAULT_PAGE_ICON} | \
        {name for _, name in icons.ACTIONS}
    for name in names:
        path = resource_path("icons", f"{name}-symbolic.svg")
        assert os.path.exists(path), name
        ic = icons.icon(name)
        assert not ic.isNull()
        normal = ic.pixmap(24, 24, QIcon.Normal).toImage()
        selected = ic.pixmap(24, 24, QIcon.Selected).toImage()
        assert normal != selected, name             # white on the selected row
    assert "LGPL" in open(resource_path("icons", "LICENSE.txt"), encoding="utf-8").read()


def test_labels_pick_the_same_icon_for_the_same_action():
    name = icons.action_icon_name
    assert name("Lưu PDF…") == name("Xếp hạng PDF…") == "document-save-as"
    assert name("In ra máy in") == name("In danh sách…") == "document-print"
    assert name("Xuất Excel…") == name("Nhập từ Excel…") == "x-office-spreadsheet"
    assert name("Xóa") == "edit-delete" and name("Sửa…") == "document-edit"
    assert name("Thêm đơn vị…") == name("Đăng ký mới…") == "list-add"
    assert name("Xem bản in thử") == "document-print-preview"
    assert name("Tính theo chỉ tiêu") is None          # no picture rather than a wrong one
    assert name("Kinh tế") is None                       # "in" only at the start


def test_navigation_menus_and_buttons_have_icons_and_every_page_a_shortcut(leader, qtbot):
    window = MainWindow(AppContext(leader, "test.sqlite3"))
    qtbot.addWidget(window)
    keys = [window.nav.item(i).data(0x0100) for i in range(window.nav.count())]
    assert len(keys) == len(window.pages)
    for i in range(window.nav.count()):
        item = window.nav.item(i)
        assert not item.icon().isNull(), item.text()
        assert page_shortcut(i) in item.toolTip()
    shortcuts = [a.shortcut().toString() for a in window.actions()]
    for i in range(len(window.pages)):
        assert QKeySequence(page_shortcut(i)).toString() in shortcuts
    assert len({page_shortcut(i) for i in range(len(window.pages))}) == len(window.pages)
    menu_actions = [a for m in window.menuBar().actions() for a in m.menu().actions()
                    if a.text()]
    # the menus' icons are drawn when a menu is first opened (not at start-up)
    assert menu_actions and all(a.icon().isNull() for a in menu_actions)
    window.show()
    for m in window.menuBar().actions():
        m.menu().popup(window.mapToGlobal(window.rect().center()))
        m.menu().hide()
    assert all(not a.icon().isNull() for a in menu_actions)
    # pages: the main actions get their icons when the page is created
    page = window.go_to("registrations")
    buttons = {b.text(): b for b in page.findChildren(QPushButton)}
    for label in ("Đăng ký mới…", "Sửa…", "Xóa", "Xuất Excel…", "In danh sách…"):
        assert not buttons[label].icon().isNull(), label
    # Ctrl+PgDown walks to the next page, around the end
    window.nav.setCurrentRow(len(window.pages) - 1)
    next_action = next(a for a in window.actions()
                       if a.shortcut().toString() == QKeySequence("Ctrl+PgDown").toString())
    next_action.trigger()
    assert window.nav.currentRow() == 0
