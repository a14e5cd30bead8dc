"""A clerk who works from the keyboard: pages by Ctrl+digit, a page's main actions by
their keys (Ins, F2), fields by Tab, rows by the arrow keys, Enter opens a row or
accepts a dialog — a launch, a registration and the overview, without the mouse.
The focus is drawn as a clearly visible ring."""
import contextlib
import datetime

import pytest

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout,
                               QWidget)

from gui import focus_style
from gui.context import AppContext
from gui.main_window import MainWindow
from models import registrations as rg
from models.entities import Movement, Registration
from tests.helpers import make_org

YEAR = datetime.date.today().year


MAIN = []      # the window keys go to when nothing has the focus yet


def _target():
    """Where a key goes: the focused field of the open dialog, else of the window."""
    dialog = QApplication.activeModalWidget()
    if dialog is not None:
        return dialog.focusWidget() or dialog
    return QApplication.focusWidget() or QApplication.activeWindow() or MAIN[-1]


def press(key, modifiers=Qt.NoModifier, *, dialog=None):
    target = (dialog.focusWidget() or dialog) if dialog is not None else _target()
    QTest.keyClick(target, key, modifiers)


def type_text(text, *, dialog=None):
    target = (dialog.focusWidget() or dialog) if dialog is not None else _target()
    QTest.keyClicks(target, text)


@contextlib.contextmanager
def on_next_dialog(qtbot, steps):
    """While the block runs, do ``steps(dialog)`` on the first modal dialog that opens
    (exec() blocks the block, so from a timer); yields the list it is appended to. Any
    further modal window (a refusal, a message) is recorded in UNEXPECTED and closed,
    never left to hang the test."""
    handled, running = [], [True]

    def poll():
        if not running[0]:
            return
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.isVisible() and dialog not in handled:
            if handled:
                UNEXPECTED.append((dialog.windowTitle(), " ".join(
                    w.text() for w in dialog.findChildren(QLabel) if w.text())))
                dialog.reject()
            else:
                handled.append(dialog)
                dialog.activateWindow()      # as the window manager does for a new dialog
                qtbot.waitUntil(lambda: dialog.focusWidget() is not None, timeout=3000)
                steps(dialog)
        QTimer.singleShot(20, poll)
    QTimer.singleShot(0, poll)
    try:
        yield handled
    finally:
        running[0] = False


UNEXPECTED = []


def back_to(qtbot, window):
    """The window manager gives the window back the focus when a dialog closes."""
    with qtbot.waitActive(window):
        window.activateWindow()


@pytest.fixture
def focus_ring(qapp):
    focus_style.install(qapp)
    yield
    focus_style.uninstall(qapp)                       # other tests draw as before


def test_focus_ring_is_drawn_round_the_focused_button(focus_ring, qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    field, button = QLineEdit(), QPushButton("Lưu")
    layout.addWidget(field)
    layout.addWidget(button)
    with qtbot.waitActive(host):
        host.show()
        host.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    QTest.keyClick(field, Qt.Key_Tab)
    qtbot.waitUntil(button.hasFocus, timeout=2000)

    def ring_pixels():
        image = button.grab().toImage()
        blue = focus_style.FOCUS_COLOUR
        return sum(1 for x in range(image.width()) for y in range(image.height())
                   if image.pixelColor(x, y).name() == blue)
    assert ring_pixels() > 2 * button.width()         # a 2-pixel frame all round
    QTest.keyClick(button, Qt.Key_Backtab)
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    assert ring_pixels() == 0


def _blue_pixels(widget):
    image = widget.grab().toImage()
    return sum(1 for x in range(image.width()) for y in range(image.height())
               if image.pixelColor(x, y).name() == focus_style.FOCUS_COLOUR)


def test_focus_frame_round_the_current_cell_and_a_check_box(focus_ring, qtbot):
    from PySide6.QtWidgets import QCheckBox, QTableWidget, QTableWidgetItem
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    table, check = QTableWidget(3, 2), QCheckBox("Chọn tất cả")
    for row in range(3):
        for col in range(2):
            table.setItem(row, col, QTableWidgetItem(f"ô {row},{col}"))
    layout.addWidget(table)
    layout.addWidget(check)
    with qtbot.waitActive(host):
        host.show()
        host.activateWindow()
    table.setFocus()
    table.setCurrentCell(1, 1)
    qtbot.waitUntil(table.hasFocus, timeout=2000)
    cell = table.visualItemRect(table.item(1, 1))
    assert _blue_pixels(table.viewport()) > 2 * (cell.width() + cell.height())
    check.setFocus(Qt.TabFocusReason)          # Tab in a table moves to the next cell
    qtbot.waitUntil(check.hasFocus, timeout=2000)
    assert _blue_pixels(check) > 2 * check.width()
    assert _blue_pixels(table.viewport()) == 0        # only where the focus is


def test_focus_frame_leaves_other_widgets_to_the_platform_style(focus_ring, qtbot):
    """No application-wide style sheet (it wrapped every widget of every page in Qt's
    style-sheet style: issue 15, opening "In giấy khen" 130 ms instead of 80); a list with
    a style sheet of its own keeps it and gets the frame of its current row too; a focused
    button deleted with its frame leaves the next focus drawn."""
    import shiboken6
    from PySide6.QtWidgets import QListWidget, QRadioButton
    assert QApplication.instance().styleSheet() == ""
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    field, doomed, radio = QLineEdit(), QPushButton("Xóa"), QRadioButton("Một")
    nav = QListWidget()
    nav.setStyleSheet("QListWidget::item { padding: 7px 6px; }")
    nav.addItems(["Tổng quan", "Phong trào"])
    for w in (field, doomed, radio, nav):
        layout.addWidget(w)
    with qtbot.waitActive(host):
        host.show()
        host.activateWindow()
    assert field.style().metaObject().className() != "QStyleSheetStyle"
    doomed.setFocus()
    qtbot.waitUntil(doomed.hasFocus, timeout=2000)
    assert _blue_pixels(doomed) > 2 * doomed.width()
    doomed.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(doomed), timeout=2000)
    radio.setFocus()
    qtbot.waitUntil(radio.hasFocus, timeout=2000)
    assert _blue_pixels(radio) > 2 * radio.width()
    nav.setFocus()
    nav.setCurrentRow(1)
    qtbot.waitUntil(nav.hasFocus, timeout=2000)
    assert "padding: 7px 6px" in nav.styleSheet()
    row = nav.visualItemRect(nav.item(1))
    assert _blue_pixels(nav.viewport()) > 2 * (row.width() + row.height())
    assert _blue_pixels(radio) == 0


@pytest.mark.timeout(90)
def test_launch_register_and_overview_from_the_keyboard(leader, qtbot, tmp_path,
                                                        monkeypatch):
    from gui import messages
    monkeypatch.setattr(messages, "show_error",
                        lambda parent, err, **kw: UNEXPECTED.append(("lỗi", str(err))))
    org = make_org(leader)
    window = MainWindow(AppContext(leader, str(tmp_path / "test.sqlite3")))
    qtbot.addWidget(window)
    window.resize(1280, 700)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    MAIN.append(window)

    # Ctrl+3: "Phong trào", the focus in the page; Ins: a new movement
    press(Qt.Key_3, Qt.ControlModifier)
    assert window.nav.currentItem().text() == "Phong trào"
    assert window.stack.currentWidget().isAncestorOf(QApplication.focusWidget())

    seen = []

    def new_movement(dialog):
        seen.append(type(dialog.focusWidget()).__name__)
        type_text("Phong trao thi dua yeu nuoc", dialog=dialog)
        for _ in range(3):                       # Loại, Thuộc phong trào, Từ năm
            press(Qt.Key_Tab, dialog=dialog)
        type_text(str(YEAR), dialog=dialog)
        seen.append(dialog.values())
        press(Qt.Key_Return, dialog=dialog)      # the default button: Lưu
    with on_next_dialog(qtbot, new_movement) as done:
        press(Qt.Key_Insert)
    assert Movement.select().count() == 1, (seen, UNEXPECTED)
    assert done and Movement.get().name == "Phong trao thi dua yeu nuoc"

    back_to(qtbot, window)
    # Ctrl+4: "Đăng ký"; Ins: pick a village with the keyboard, tick a title, Enter
    press(Qt.Key_4, Qt.ControlModifier)
    assert window.nav.currentItem().text() == "Đăng ký"

    dialog_titles = []

    def register(dialog):
        press(Qt.Key_Tab, dialog=dialog)         # from the kind box to the search box
        type_text("dong hoa", dialog=dialog)     # "Thôn Đông Hòa", typed without accents
        press(Qt.Key_Tab, dialog=dialog)         # to the list
        press(Qt.Key_Down, dialog=dialog)        # the first (only) match
        qtbot.wait(50)                           # its title boxes are shown (queued)
        for _ in range(20):                      # Tab on to the first title box
            press(Qt.Key_Tab, dialog=dialog)
            if type(dialog.focusWidget()).__name__ == "QCheckBox":
                break
        press(Qt.Key_Space, dialog=dialog)
        dialog_titles.extend(c.property("code") for c in dialog.checks if c.isChecked())
        seen.append((dialog.subject, [c.isChecked() for c in dialog.checks],
                     type(dialog.focusWidget()).__name__, dialog.error.text()))
        press(Qt.Key_Return, dialog=dialog)
        if dialog.isVisible():                   # refused: say why instead of hanging
            seen.append(dialog.error.text())
            dialog.reject()
    with on_next_dialog(qtbot, register) as done:
        press(Qt.Key_Insert)
    assert Registration.select().count() == 1, (seen, UNEXPECTED)
    reg = Registration.get()
    assert reg.unit_id == org["villages"][0].id
    assert dialog_titles and rg.title_codes(reg) == dialog_titles, (seen, UNEXPECTED)

    # the list: arrow keys choose the row, Enter opens it (the edit dialog), Esc closes
    back_to(qtbot, window)
    page = window.stack.currentWidget()
    page.view.setFocus()
    qtbot.waitUntil(page.view.hasFocus, timeout=2000)
    press(Qt.Key_Down)
    assert page.view.currentIndex().row() == 0
    with on_next_dialog(qtbot, lambda dialog: press(Qt.Key_Escape, dialog=dialog)) as opened:
        press(Qt.Key_Return)
    assert "Sửa đăng ký" in opened[0].windowTitle()

    back_to(qtbot, window)
    # Ctrl+1: the overview counts the registration
    press(Qt.Key_1, Qt.ControlModifier)
    assert window.nav.currentItem().text() == "Tổng quan"
    qtbot.waitUntil(lambda: "1 đăng ký" in " ".join(
        w.text() for w in window.stack.currentWidget().findChildren(QWidget)
        if hasattr(w, "text") and isinstance(w.text(), str)), timeout=5000)
