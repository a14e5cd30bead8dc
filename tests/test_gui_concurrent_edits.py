"""Two clerks on one record, seen from the window (issue 20): a refused save says who changed
what and keeps everything the clerk typed; another PC's save never wipes a header being
typed in the decision editor."""
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from gui import messages
from gui.context import AppContext
from models import decisions, movements, registrations, scoring
from models.entities import (Commitment, Covenant, CriteriaSet, Decision, Registration, Target,
                             Vote)
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


# ------------------------------------------------------------ migration 16: lists and notes

def test_covenant_dialog_refused_keeps_what_was_typed(clerk, qtbot):
    from gui.pages.registrations import RegistrationsPage
    org = make_year(clerk)
    bloc, (v1, _v2) = org["bloc"], org["villages"]
    cov = registrations.save_covenant(actor=clerk, bloc=bloc, year=2025,
                                      movement=org["movement"], content="Bản đầu")
    page = RegistrationsPage(AppContext(clerk, "x.sqlite3"))
    qtbot.addWidget(page)
    page.show()
    page.bloc.setCurrentIndex(page.bloc.findData(bloc.id))
    page.year.setCurrentIndex(page.year.findData(2025))
    seen = []

    def type_then_other_pc_saves(dialog):
        dialog.content.setPlainText("Nội dung máy A gõ")
        dialog.place.setText("Nhà văn hóa thôn")
        registrations.save_covenant(actor=clerk, bloc=bloc, year=2025, head=v1,
                                    movement=org["movement"], content="Nội dung máy B")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok).click()
        seen.append((dialog.isVisible(), dialog.content.toPlainText(), dialog.place.text(),
                     dialog.error.text()))
        dialog.reject()
    _on_modal(type_then_other_pc_saves, [])
    page.edit_covenant()
    visible, content, place, error = seen[0]
    assert visible and (content, place) == ("Nội dung máy A gõ", "Nhà văn hóa thôn")
    assert "giao ước này đã được lưu ở máy khác (canbo lúc" in error
    assert "Nội dung: Bản đầu → Nội dung máy B" in error
    assert Covenant.get_by_id(cov.id).content == "Nội dung máy B"


def test_actuals_dialog_refused_reopens_with_the_typed_values(clerk, qtbot, monkeypatch):
    from gui.pages.registrations import RegistrationsPage
    org = make_year(clerk)
    reg = registrations.register(actor=clerk, movement=org["movement"], subject=org["bloc"],
                                 year=2025, commitments=[{"name": "Thu gom rác",
                                                          "value": "90"},
                                                         {"name": "Đường bê tông",
                                                          "value": "2"}])
    first, second = [c.id for c in reg.commitments.order_by(Commitment.id)]
    page = RegistrationsPage(AppContext(clerk, "x.sqlite3"))
    qtbot.addWidget(page)
    monkeypatch.setattr(page, "selected", lambda: [Registration.get_by_id(reg.id)])
    seen = []

    def type_then_other_pc_saves(dialog):
        dialog.model.setData(dialog.model.index(0, 3), "80")
        dialog.model.setData(dialog.model.index(1, 3), "3")
        registrations.set_commitment_actual(actor=clerk, commitment=Commitment.get_by_id(first),
                                            actual="95")
        _on_modal(look_again, seen)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok).click()

    def look_again(dialog):
        text = (dict(dialog.model.edited), dialog.error.text())
        dialog.reject()
        return text
    _on_modal(type_then_other_pc_saves, [])
    page.enter_actuals()
    typed, error = seen[-1]
    assert typed == {first: "80", second: "3"}                    # still on screen
    assert "chỉ tiêu cam kết này đã được lưu ở máy khác" in error and "→ 95" in error
    assert {c.id: str(c.actual) for c in Commitment.select()} == {first: "95",
                                                                  second: "None"}


def test_votes_for_rows_another_pc_voted_are_refused_and_the_rows_reread(clerk, qtbot,
                                                                        monkeypatch):
    from PySide6.QtCore import QItemSelectionModel
    from gui.pages import decisions as page_module
    from gui.pages.decisions import DecisionsPage
    from models import candidates, council
    import datetime
    org = make_year(clerk)
    mv = org["movement"]
    candidates.build_candidates(actor=clerk, movement=mv, year=2025)
    meeting = council.create_meeting(actor=clerk, movement=mv, year=2025,
                                     date=datetime.date(2025, 12, 10), chair="Nguyễn Văn Hùng",
                                     secretary="Lê Thị Thư", members_total=9,
                                     members_present=9)
    shown = _errors(monkeypatch)
    page = DecisionsPage(AppContext(clerk, "x.sqlite3"))
    qtbot.addWidget(page)
    page.show()
    tab = page.candidates
    tab.movement.setCurrentIndex(tab.movement.findData(mv))
    tab.year.setValue(2025)
    tab.reload()
    qtbot.waitUntil(lambda: tab.model.rowCount() >= 2 and tab.meeting.currentData()
                    is not None, timeout=10000)
    rows = [tab.model.row_at(r) for r in range(2)]
    council.record_votes(actor=clerk, meeting=meeting, votes=[(rows[1][0], 8, 0)])  # PC B
    monkeypatch.setattr(page_module.VoteDialog, "ask",
                        staticmethod(lambda parent, meeting, names, current=None: (2, 6)))
    for r in range(2):
        tab.view.selectionModel().select(tab.model.index(r, 0),
                                         QItemSelectionModel.SelectionFlag.Select
                                         | QItemSelectionModel.SelectionFlag.Rows)
    tab.vote()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "1 dòng đã được sửa ở máy khác" in shown[0] and rows[1][2] in shown[0]
    assert {v.candidate_id: v.votes_for for v in Vote.select()} == {rows[1][0]: 8}
    qtbot.waitUntil(lambda: any(tab.model.row_at(r)[7] == 8
                                for r in range(tab.model.rowCount())), timeout=10000)
    # entered again over what is now shown: lands; and again (the list follows each
    # vote's new versions, also when only the vote columns are read back)
    monkeypatch.setattr(candidates, "FEW_IDS", 1)
    for counts in ((2, 6), (3, 5)):
        monkeypatch.setattr(page_module.VoteDialog, "ask", staticmethod(
            lambda parent, meeting, names, current=None, counts=counts: counts))
        tab.vote()
        qtbot.waitUntil(lambda: {v.votes_for for v in Vote.select()} == {counts[0]},
                        timeout=10000)
        qtbot.waitUntil(lambda: not tab.loader.loading, timeout=10000)
    assert len(shown) == 1


def test_upward_texts_dialog_refused_keeps_the_typed_section(clerk, leader, qtbot):
    from gui.upward_dialog import FILE_LABELS, TextsDialog
    from models import upward
    from models.entities import UpwardFile
    from tests.upward_fixtures import make_file, make_history
    f = make_file(clerk, make_history(clerk, leader))
    seen = []

    def type_then_other_pc_saves(dialog):
        dialog.edits["about"].setPlainText("Về việc của máy A")
        shown = upward.file_texts(UpwardFile.get_by_id(f.id))
        upward.update_texts(actor=clerk, target=UpwardFile.get_by_id(f.id),
                            texts={"about": "Về việc của máy B"}, was={"about": shown["about"]})
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok)
        ok.click()
        seen.append((dialog.isVisible(), dialog.edits["about"].toPlainText(),
                     dialog.error.text()))
        ok.click()                      # saving again, having seen B's text, is a choice
        seen.append(dialog.isVisible())
    _on_modal(type_then_other_pc_saves, [])
    values = TextsDialog.ask(
        None, "Nội dung tờ trình", FILE_LABELS, upward.file_texts(f),
        save=lambda values, was: upward.update_texts(actor=clerk, target=f, texts=values,
                                                     was=was),
        reread=lambda: upward.file_texts(UpwardFile.get_by_id(f.id)))
    (visible, typed, error), closed = seen[0], not seen[1]
    assert visible and typed == "Về việc của máy A"
    assert "«Trích yếu (Về việc …)» nay là: Về việc của máy B" in error
    assert closed and values == {"about": "Về việc của máy A"}
    assert upward.file_texts(UpwardFile.get_by_id(f.id))["about"] == "Về việc của máy A"


def test_review_text_typed_survives_another_pcs_save_and_is_refused(clerk, qtbot,
                                                                   monkeypatch):
    import datetime
    from gui.pages.review_tab import ReviewsTab
    from models import movements as mv, reviews
    from models.entities import Review
    org = make_year(clerk)
    rnd = mv.add_round(actor=clerk, movement=org["movement"], name="Đợt 1",
                       start=datetime.date(2025, 1, 1), end=datetime.date(2025, 6, 30))
    review = reviews.create_review(actor=clerk, movement=org["movement"], kind="so_ket",
                                   round=rnd, on=datetime.date(2025, 7, 5))
    shown = _errors(monkeypatch)
    tab = ReviewsTab(AppContext(clerk, "x.sqlite3"))
    qtbot.addWidget(tab)
    tab.show()
    tab.movement_box.setCurrentIndex(tab.movement_box.findData(org["movement"].id))
    tab.reload()
    assert tab.current_id() == review.id
    tab.texts["assessment"].setPlainText("Đánh giá máy A đang gõ")
    reviews.update_review(actor=clerk, review=Review.get_by_id(review.id),
                          lessons="Bài học của máy B")
    tab.reload()                                  # the other PC's change reaches this tab
    assert tab.texts["assessment"].toPlainText() == "Đánh giá máy A đang gõ"
    tab.save_texts()
    assert shown and "báo cáo sơ kết/tổng kết này đã được lưu ở máy khác" in shown[-1]
    assert "Bài học kinh nghiệm: (trống) → Bài học của máy B" in shown[-1]
    stored = Review.get_by_id(review.id)
    assert (stored.assessment, stored.lessons) == ("", "Bài học của máy B")
    assert tab.texts["assessment"].toPlainText() == "Đánh giá máy A đang gõ"
    # the untouched field now shows B's text; saving again keeps both
    assert tab.texts["lessons"].toPlainText() == "Bài học của máy B"
    tab.save_texts()
    assert len(shown) == 1
    stored = Review.get_by_id(review.id)
    assert (stored.assessment, stored.lessons) == ("Đánh giá máy A đang gõ", "Bài học của máy B")


def test_another_pcs_change_of_these_records_refreshes_the_pages_showing_them():
    """LISTEN/NOTIFY names the tables a transaction wrote; each maps to its page's area."""
    from gui.server_watch import areas_for
    assert areas_for(["candidate", "vote", "upward_file", "upward_proposal",
                      "public_posting", "public_comment"]) == ["decisions"]
    assert areas_for(["commitment", "registration"]) == ["registrations"]
    assert areas_for(["round", "covenant", "covenant_member"]) == ["movements"]
    assert areas_for(["review"]) == ["reviews"]
    assert areas_for(["exemplary_model", "model_stage"]) == ["exemplary"]
    assert areas_for(["score"]) == ["scores"]


def test_upward_file_fields_saved_over_another_pcs_save_are_refused(clerk, leader, qtbot,
                                                                    monkeypatch):
    from gui.upward_dialog import UpwardDialog
    from models import upward
    from models.entities import UpwardFile
    from tests.upward_fixtures import make_file, make_history
    f = make_file(clerk, make_history(clerk, leader))
    shown = _errors(monkeypatch)
    dialog = UpwardDialog(AppContext(clerk, "x.sqlite3"), None, year=2025)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.shown_file.id == f.id
    dialog.number.setText("16/TTr-UBND")
    upward.update_file(actor=leader, upward_file=UpwardFile.get_by_id(f.id),
                       signer_name="Trần Văn Bảy")
    dialog.save_fields()
    assert shown and "hồ sơ đề nghị cấp trên này đã được lưu ở máy khác (lanhdao" in shown[0]
    assert "Người ký: Nguyễn Văn Hùng → Trần Văn Bảy" in shown[0]
    assert dialog.number.text() == "16/TTr-UBND"
    stored = UpwardFile.get_by_id(f.id)
    assert (stored.number, stored.signer_name) == ("15/TTr-UBND", "Trần Văn Bảy")
