"""A dialog whose save is refused stays open with everything typed and says why; the red
message goes as soon as the clerk corrects a field; Tab leaves multi-line fields."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from gui.decision_dialogs import MeetingDialog
from gui.widgets import save_on_accept
from models import council, movements
from models.entities import Meeting


def test_refused_meeting_keeps_what_was_typed(leader, qtbot):
    mv = movements.add_movement(actor=leader, name="Phong trào 2026", year_from=2026)
    dialog = MeetingDialog()
    qtbot.addWidget(dialog)
    save_on_accept(dialog, lambda values: council.create_meeting(
        actor=leader, movement=mv, year=2026, **values), dialog.error)
    dialog.show()
    dialog.place.setText("Nhà văn hóa thôn Đông")
    dialog.chair.setText("Nguyễn Văn Chủ")
    dialog.secretary.setText("Lê Thị Thư")
    dialog.total.setValue(9)
    dialog.present.setValue(12)                 # more present than members: refused
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok)
    ok.click()
    assert dialog.isVisible()
    assert dialog.error.isVisible() and "không thể nhiều hơn" in dialog.error.text()
    assert dialog.place.text() == "Nhà văn hóa thôn Đông"
    assert dialog.secretary.text() == "Lê Thị Thư"
    assert Meeting.select().count() == 0
    qtbot.keyClicks(dialog.secretary, " B")       # correcting a field clears the message
    assert not dialog.error.isVisible()
    dialog.present.setValue(8)
    ok.click()
    assert not dialog.isVisible()
    assert isinstance(dialog.saved, Meeting)
    assert dialog.saved.place == "Nhà văn hóa thôn Đông"
    assert dialog.saved.secretary == "Lê Thị Thư B"



def test_tab_leaves_the_meeting_and_decision_text_boxes(leader, qtbot):
    from PySide6.QtWidgets import QPlainTextEdit
    from gui.context import AppContext
    from gui.decision_editor import DecisionEditor
    from gui.org_dialogs import UnitDialog
    for widget in (DecisionEditor(AppContext(leader, "x.sqlite3")), UnitDialog()):
        qtbot.addWidget(widget)
        boxes = widget.findChildren(QPlainTextEdit)
        assert boxes and all(b.tabChangesFocus() for b in boxes)
