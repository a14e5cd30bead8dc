"""Every page fits a 1280×720 office screen: no page asks for more room than the screen
has beside the navigation list, so no button is cut off (issue: fits 1366×768)."""
from PySide6.QtWidgets import QApplication

from gui.context import AppContext
from gui.main_window import MainWindow
from gui.widgets import FlowLayout

SCREEN_W, SCREEN_H = 1280, 720
TASKBAR_AND_TITLE = 70      # Windows taskbar + the window's title bar


def test_every_page_fits_a_small_screen(leader, qtbot, tmp_path):
    window = MainWindow(AppContext(leader, str(tmp_path / "test.sqlite3")))
    qtbot.addWidget(window)
    window.resize(SCREEN_W, SCREEN_H - TASKBAR_AND_TITLE)
    window.show()
    too_big = []
    for key, label, _ in window.pages:
        window.go_to(key)
        QApplication.processEvents()
        hint = window.minimumSizeHint()
        if hint.width() > SCREEN_W or hint.height() > SCREEN_H - TASKBAR_AND_TITLE:
            too_big.append(f"{label}: {hint.width()}×{hint.height()}")
    assert not too_big, too_big


def test_flow_layout_wraps_buttons(qtbot):
    from PySide6.QtWidgets import QPushButton, QWidget
    host = QWidget()
    qtbot.addWidget(host)
    flow = FlowLayout(host)
    buttons = [QPushButton(f"Nút số {i} khá dài") for i in range(8)]
    for b in buttons[:6]:
        flow.addWidget(b)
    flow.addStretch(1)
    for b in buttons[6:]:
        flow.addWidget(b)
    one_line = flow.sizeHint().width()
    host.resize(one_line + 20, 200)
    host.show()
    QApplication.processEvents()
    assert len({b.y() for b in buttons}) == 1                # wide: one line
    assert buttons[-1].geometry().right() > host.width() - 30  # right group at the right
    host.resize(one_line // 3, 300)
    QApplication.processEvents()
    assert len({b.y() for b in buttons}) >= 3                # narrow: wrapped
    assert all(b.geometry().right() <= host.width() for b in buttons)
    assert flow.heightForWidth(one_line // 3) > flow.heightForWidth(one_line + 20)
    # its heights are remembered per width (asked for every page at each layout) but follow
    # what changes: buttons hidden, shown again, a label made longer
    narrow = one_line // 3
    wrapped = flow.heightForWidth(narrow)
    assert flow.heightForWidth(narrow) == wrapped
    for b in buttons[1:]:
        b.hide()
    QApplication.processEvents()
    assert flow.heightForWidth(narrow) < wrapped
    assert len({b.y() for b in buttons if b.isVisible()}) == 1
    for b in buttons[1:]:
        b.show()
    QApplication.processEvents()
    assert flow.heightForWidth(narrow) == wrapped
    buttons[0].setText("Một nút có nhãn rất dài " * 3)
    QApplication.processEvents()
    assert flow.heightForWidth(narrow) > wrapped
    assert all(b.geometry().right() <= host.width() or b is buttons[0] for b in buttons)
