"""The window's pages are sized by the page shown: Qt's stacked layout asked every open page,
hidden ones too, for its size at each new layout (7,800 calls into the pages' Python
layouts with a dozen pages open, each waiting for Python's GIL while a list was read in the
background: "Nhật ký" froze 0.34 s on the 40,000-household demo)."""
from PySide6.QtWidgets import QApplication, QLabel

from gui import widgets
from gui.context import AppContext
from gui.main_window import MainWindow


def test_a_new_layout_asks_only_the_shown_page(leader, qtbot, monkeypatch):
    window = MainWindow(AppContext(leader, "test.sqlite3"))
    qtbot.addWidget(window)
    window.resize(1200, 700)
    window.show()
    for key in ("certificates", "registrations", "org", "settings", "overview"):
        window.go_to(key)
        QApplication.processEvents()
    shown = window.stack.currentWidget()
    hidden = [window.widgets[k] for k in ("certificates", "registrations", "org", "settings")]
    flows = [f for page in hidden for f in page.findChildren(widgets.FlowLayout)]
    assert flows                                # the hidden pages do have Python layouts
    asked = []
    for name in ("heightForWidth", "sizeHint", "minimumSize"):
        real = getattr(widgets.FlowLayout, name)

        def spy(self, *args, _real=real, _name=name):
            asked.append((self, _name))
            return _real(self, *args)
        monkeypatch.setattr(widgets.FlowLayout, name, spy)
    label = shown.findChildren(QLabel)[0]
    for text in ("Đang đọc…", "Xong", "Đang đọc lại danh sách…"):
        label.setText(text)                     # a label's new text: a new layout
        QApplication.processEvents()
    assert not [name for layout, name in asked if layout in flows]
    # the shown page still sizes the window: its minimum is the stack's
    assert window.stack.minimumSizeHint() == shown.minimumSizeHint()
    window.go_to("certificates")
    QApplication.processEvents()
    assert window.stack.minimumSizeHint() == window.widgets["certificates"].minimumSizeHint()
    assert window.stack.currentWidget().isVisible()
