"""Two clerks on one record, seen from the window (issue 20): a refused save says who changed
what and keeps everything the clerk typed; another PC's save never wipes a header being
typed in the decision editor."""
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from gui import messages
from gui.context import AppContext
from models import decisions, movements, registrations, scoring
from models.entities import CriteriaSet, Decision, Registration, Target
from tests.decision_fixtures import DECISION_DAY, make_year


def _errors(monkeypatch):
    shown = []
    monkeypatch.setattr(messages, "show_error", lambda parent, err, *a, **k:
                        shown.append(str(err)))
    return shown


def test_decision_editor_keeps_the_typed_header_and_refuses_the_stale_save(
        clerk, qtbot, monkeypatch, tmp_path):
    from gui.decision_editor import DecisionEditor
    org = make_year(clerk)
    d = decisions.create_draft(actor=clerk, movement=org["movement"], date=DECISION_DAY,
                               signer_name="Nguyễn Văn Hùng")
    shown = _errors(monkeypatch)
    editor = DecisionEditor(AppContext(clerk, "x.sqlite3"))
    qtbot.addWidget(editor)
    editor.resize(1200, 800)
    editor.show()
    editor.reload(d.id)
    assert editor.decision.id == d.id
    editor.about.setText("Về việc khen thưởng")
    qtbot.keyClicks(editor.about, " (may A)")          # typed by the clerk (ASCII: QTest)
    # another PC saves the same draft; its refresh reaches this window
    decisions.update_draft(actor=clerk, decision=Decision.get_by_id(d.id),
                           proposer="Trưởng thôn Đông Hòa")
    editor.reload()
    assert editor.about.text() == "Về việc khen thưởng (may A)"     # typing kept
    editor.grab().save(str(tmp_path / "editor.png"))
    editor.buttons["save"].click()
    assert shown and "quyết định này đã được lưu ở máy khác (canbo lúc" in shown[-1]
    assert "Xét đề nghị của:" in shown[-1] and "→ Trưởng thôn Đông Hòa" in shown[-1]
    assert editor.about.text() == "Về việc khen thưởng (may A)"     # still on screen
    stored = Decision.get_by_id(d.id)
    assert stored.proposer == "Trưởng thôn Đông Hòa" and "may A" not in stored.about
    # choosing the decision again shows the new version; then the save lands
    editor._dirty = False
    editor.reload(d.id)
    assert editor.proposer.text() == "Trưởng thôn Đông Hòa"
    editor.about.setText("Về việc khen thưởng (may A)")
    editor.buttons["save"].click()
    assert len(shown) == 1
    stored = Decision.get_by_id(d.id)
    assert (stored.about, stored.proposer) == ("Về việc khen thưởng (may A)",
                                               "Trưởng thôn Đông Hòa")


def test_an_unchanged_editor_follows_another_pcs_save(clerk, qtbot):
    from gui.decision_editor import DecisionEditor
    org = make_year(clerk)
    d = decisions.create_draft(actor=clerk, movement=org["movement"], date=DECISION_DAY,
                               signer_name="Nguyễn Văn Hùng")
    editor = DecisionEditor(AppContext(clerk, "x.sqlite3"))
    qtbot.addWidget(editor)
    editor.reload(d.id)
    decisions.update_draft(actor=clerk, decision=Decision.get_by_id(d.id),
                           about="Về việc khen thưởng đợt cuối năm")
    editor.reload()
    assert editor.about.text() == "Về việc khen thưởng đợt cuối năm"
    editor.proposer.setText("Trưởng Công an xã")
    editor.save()
    assert Decision.get_by_id(d.id).proposer == "Trưởng Công an xã"


def test_registration_dialog_refused_keeps_the_commitments_and_signer(clerk, qtbot):
    from gui.pages.registration_dialogs import RegistrationDialog
    from gui.widgets import save_on_accept
    org = make_year(clerk)
    reg = Registration.get(Registration.person == org["people"][2].id)     # submitted
    dialog = RegistrationDialog(None, reg.movement, registration=reg)
    qtbot.addWidget(dialog)
    save_on_accept(dialog, lambda v: registrations.update_registration(     # as the page
        actor=clerk, registration=reg, titles=v["titles"], commitments=v["commitments"],
        reg_date=v["reg_date"] or "", signer=v["signer"]), dialog.error)
    dialog.show()
    dialog.signer.setText("Lê Đức Cường (máy A)")
    registrations.update_registration(actor=clerk, registration=Registration.get_by_id(reg.id),
                                      signer="Người ký máy B")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok).click()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "đăng ký thi đua này đã được lưu ở máy khác" in dialog.error.text()
    assert "Người ký máy B" in dialog.error.text()
    assert dialog.signer.text() == "Lê Đức Cường (máy A)"
    assert Registration.get_by_id(reg.id).signer == "Người ký máy B"


def _on_modal(fn, seen):
    """Run ``fn(dialog)`` on the next modal dialog (a dialog's exec() blocks the test)."""
    def look():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, look)
            return
        seen.append(fn(dialog))
    QTimer.singleShot(0, look)


def test_target_form_refused_reopens_with_what_was_typed(clerk, qtbot, monkeypatch):
    from gui.pages.movements import MovementsPage
    org = make_year(clerk)
    mv = org["movement"]
    t = movements.add_target(actor=clerk, movement=mv, name="Tỷ lệ hộ nghèo", value="2%",
                             measure="%", direction="lower")
    page = MovementsPage(AppContext(clerk, "x.sqlite3"))
    qtbot.addWidget(page)
    page.show()
    page._target_id = lambda: t.id
    seen = []

    def type_then_other_pc_saves(dialog):
        dialog.widgets["name"].setText("Giảm tỷ lệ hộ nghèo (máy A)")
        movements.update_target(actor=clerk, target=Target.get_by_id(t.id), value="1,5%")
        _on_modal(look_again, seen)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok).click()

    def look_again(dialog):
        text = (dialog.widgets["name"].text(), dialog.error.text())
        dialog.reject()
        return text
    _on_modal(type_then_other_pc_saves, seen)
    page.edit_target()
    typed, error = seen[-1]
    assert typed == "Giảm tỷ lệ hộ nghèo (máy A)"
    assert "chỉ tiêu này đã được lưu ở máy khác" in error and "Giá trị: 2 → 1.5" in error
    assert Target.get_by_id(t.id).name == "Tỷ lệ hộ nghèo"


def test_criteria_editor_refused_stays_open(clerk, qtbot):
    from gui.criteria_editor import CriteriaEditor
    from models.demo_scoring import village_table
    make_year(clerk)
    cs = scoring.create_criteria_set(actor=clerk, name="Bảng thôn 2025", year=2025,
                                     unit_kind="thon", criteria=village_table(),
                                     total_max=100, bonus_max=10)
    cs = CriteriaSet.get_by_id(cs.id)
    seen = []

    def rename_then_save(dialog):
        dialog.name.setText("Bảng điểm của máy A")
        scoring.update_criteria_set(actor=clerk, criteria_set=CriteriaSet.get_by_id(cs.id),
                                    name="Bảng điểm của máy B")
        dialog._accept()
        seen.append((dialog.isVisible(), dialog.name.text(), dialog.error.text()))
        dialog.reject()
    _on_modal(rename_then_save, [])   # the editor is modal: look at it while it is open
    saved = CriteriaEditor.ask(None, criteria_set=cs, save=lambda data: (
        scoring.update_criteria_set(actor=clerk, criteria_set=cs, **data)))
    assert saved is None
    visible, name, error = seen[0]
    assert visible and name == "Bảng điểm của máy A"
    assert "bảng tiêu chí này đã được lưu ở máy khác" in error
    assert CriteriaSet.get_by_id(cs.id).name == "Bảng điểm của máy B"
