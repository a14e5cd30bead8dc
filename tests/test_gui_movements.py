"""Pages "Phong trào", "Đăng ký" and "Tổng quan" driven with qtbot on a real database."""
import datetime

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QComboBox, QDialog

from gui import messages
from gui.context import AppContext
from gui.pages import movements as mpage
from gui.pages import overview as opage
from gui.pages import registration_dialogs as rdlg
from gui.pages import registrations as rpage
from models import movements as mv
from models import org
from models import registrations as rg
from models.entities import PERSON, Registration
from tests.helpers import make_org
from tests.test_movements import seed_target_lines

YEAR = datetime.date.today().year


@pytest.fixture
def world(leader, tmp_path):
    o = make_org(leader)
    for i in range(40):
        org.add_household(actor=leader, head_name=f"Trần Văn Hộ {i}", gender="nam",
                          village=o["villages"][i % 2])
    m = mv.add_movement(actor=leader, name=f"Phong trào thi đua yêu nước năm {YEAR}",
                        year_from=YEAR)
    mv.add_movement(actor=leader, name=f"Chung sức xây dựng nông thôn mới năm {YEAR}",
                    kind="themed", parent=m, year_from=YEAR)
    mv.add_target(actor=leader, movement=m, name="Tỷ lệ hộ gia đình văn hóa", value="85%",
                  measure="%")
    reg = rg.register(actor=leader, movement=m, subject=o["villages"][0], titles=["TDPVH"])
    rg.submit(actor=leader, registration=reg)
    o.update(movement=m, reg=reg, ctx=AppContext(leader, str(tmp_path / "test.sqlite3")))
    return o


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    shown = []
    monkeypatch.setattr(messages, "info", lambda parent, text, **kw: shown.append(text))
    monkeypatch.setattr(messages, "show_error", lambda parent, err, **kw: shown.append(str(err)))
    return shown


def test_movements_page_lists_and_filters(world, qtbot):
    page = mpage.MovementsPage(world["ctx"])
    qtbot.addWidget(page)
    page.show()      # pages reload on data changes while shown
    assert page.model.rowCount() == 2
    assert page.model.row_at(1)[1].startswith("    ↳ Chung sức")     # themed under its parent
    assert page.targets.rowCount() == 1
    qtbot.keyClicks(page.search, "nong thon")
    assert page.model.rowCount() == 1


def test_paste_dialog_parses_the_22_targets_and_shows_bad_lines(qtbot):
    dialog = mpage.PasteTargetsDialog()
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(seed_target_lines() + "\nmột dòng không phải chỉ tiêu")
    assert dialog.model.rowCount() == 22
    assert dialog.ok.isEnabled()
    assert "1 dòng không đọc được" in dialog.summary.text()
    assert "Dòng 25" in dialog.problems.text()


def test_paste_then_save_through_the_page(world, qtbot, monkeypatch):
    page = mpage.MovementsPage(world["ctx"])
    qtbot.addWidget(page)
    page.show()      # pages reload on data changes while shown
    rows, _ = mv.parse_target_lines(seed_target_lines())
    monkeypatch.setattr(mpage.PasteTargetsDialog, "ask", classmethod(lambda cls, p: rows))
    asked = []
    monkeypatch.setattr(messages, "ask_choice",
                        lambda parent, text, choices, **kw: asked.append(text) or "add")
    page.paste_targets()
    assert asked and "đã có 1 chỉ tiêu" in asked[0]
    assert page.targets.rowCount() == 23
    assert page.model.row_at(0)[5] == 23                    # target count refreshed


def test_registrations_page_states_at_a_glance(world, qtbot):
    rg.bulk_register(actor=world["ctx"].actor, movement=world["movement"],
                     villages=world["villages"], titles=["GDVH"])
    page = rpage.RegistrationsPage(world["ctx"])
    qtbot.addWidget(page)
    page.show()      # pages reload on data changes while shown
    assert page.current_movement().id == world["movement"].id
    assert page.model.rowCount() == 43
    assert "Nháp: 42" in page.counts.text() and "Đã gửi: 1" in page.counts.text()
    page.state.setCurrentIndex(page.state.findData(rg.SUBMITTED))
    assert page.model.rowCount() == 1
    page.state.setCurrentIndex(0)
    places = {page.places.row_at(i)[1]: page.places.row_at(i) for i in
              range(page.places.rowCount())}
    assert places["Thôn Đông Hòa"][3] == 21                 # drafts of that thôn
    qtbot.keyClicks(page.search, "tran van ho 1")
    assert 0 < page.model.rowCount() < 43


def test_accept_and_return_from_the_page(world, qtbot, monkeypatch):
    page = rpage.RegistrationsPage(world["ctx"])
    qtbot.addWidget(page)
    page.show()      # pages reload on data changes while shown
    page.view.selectRow(0)
    page.accept()
    assert Registration.get_by_id(world["reg"].id).state == rg.ACCEPTED
    assert "Đã duyệt: 1" in page.counts.text()
    page.view.selectRow(0)
    page.submit()        # not allowed from accepted: the message is shown, nothing changes
    assert Registration.get_by_id(world["reg"].id).state == rg.ACCEPTED


def test_bulk_dialog_previews_and_page_registers(world, qtbot, monkeypatch):
    dialog = rdlg.BulkDialog(None, world["movement"], YEAR)
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled()
    dialog.villages.item(0).setCheckState(Qt.Checked)
    assert "Sẽ đăng ký 21 hộ gia đình" in dialog.preview.text()

    class Accepting(rdlg.BulkDialog):
        def exec(self):
            for i in range(self.villages.count()):
                self.villages.item(i).setCheckState(Qt.Checked)
            return QDialog.Accepted
    monkeypatch.setattr(rpage, "BulkDialog", Accepting)
    page = rpage.RegistrationsPage(world["ctx"])
    qtbot.addWidget(page)
    page.show()      # pages reload on data changes while shown
    worker = page.bulk()
    qtbot.waitUntil(lambda: worker.isFinished(), timeout=10000)
    qtbot.waitUntil(lambda: page.model.rowCount() == 43, timeout=5000)


def test_overview_counts(world, qtbot):
    page = opage.OverviewPage(world["ctx"], year=YEAR)
    qtbot.addWidget(page)
    page.show()      # pages reload on data changes while shown
    # the page fills itself right after it is first shown (it is the start-up page)
    qtbot.waitUntil(lambda: any("Tổng quan năm" in w.text()
                                for w in page.findChildren(opage.QLabel)), timeout=5000)
    views = page.findChildren(opage.QTableView)
    model = views[0].model()
    assert model.rows[0][0] == "Thôn, tổ dân phố văn hóa" and model.rows[0][4] == 1


def test_pages_render(world, qtbot, tmp_path):
    for cls in (mpage.MovementsPage, rpage.RegistrationsPage, opage.OverviewPage):
        page = cls(world["ctx"])
        qtbot.addWidget(page)
        page.show()      # pages reload on data changes while shown
        page.resize(1200, 760)
        page.show()
        assert page.grab().save(str(tmp_path / f"{cls.__name__}.png"))


def test_covenant_and_registration_dialogs_through_the_page(world, qtbot, monkeypatch):
    class AcceptCovenant(rdlg.CovenantDialog):
        def exec(self):
            self.head.setCurrentIndex(self.head.findData(world["villages"][1].id))
            self.content.setPlainText("1. Hoàn thành chỉ tiêu")
            self.signed.setText(f"20/01/{YEAR}")
            self.accept()        # Lưu: the dialog saves and closes (issue 20)
            return self.result()

    class EditRegistration(rdlg.RegistrationDialog):
        def exec(self):
            self.commitments.setData(self.commitments.index(0, 3), "khoảng 90%")
            self.signer.setText("Lê Đức Cường")
            self._ok()           # the Lưu button: the dialog saves and closes (issue 20)
            return self.result()
    monkeypatch.setattr(rpage, "CovenantDialog", AcceptCovenant)
    monkeypatch.setattr(rpage, "RegistrationDialog", EditRegistration)
    page = rpage.RegistrationsPage(world["ctx"])
    qtbot.addWidget(page)
    page.show()      # pages reload on data changes while shown
    page.edit_covenant(False)
    assert page.covenants.rowCount() == 1
    assert page.covenants.row_at(0)[3] == "Tổ dân phố 1"
    page.view.selectRow(0)
    page.edit()
    reg = Registration.get_by_id(world["reg"].id)
    assert reg.signer == "Lê Đức Cường"
    assert str(reg.commitments.first().value) == "90"


def test_actuals_of_an_accepted_registration(world, qtbot, monkeypatch):
    rg.accept(actor=world["ctx"].actor, registration=world["reg"])
    attempts = []

    class Entering(rdlg.ActualsDialog):
        def exec(self):
            value = "nhiều lắm" if not attempts else "87,5"
            attempts.append(self.error.text())
            self.model.setData(self.model.index(0, 3), value)
            return QDialog.Accepted
    monkeypatch.setattr(rpage, "ActualsDialog", Entering)
    page = rpage.RegistrationsPage(world["ctx"])
    qtbot.addWidget(page)
    page.show()      # pages reload on data changes while shown
    page.view.selectRow(0)
    page.enter_actuals()
    assert len(attempts) == 2 and "không phải là số" in attempts[1]
    row = rg.commitment_rows(Registration.get_by_id(world["reg"].id))[0]
    assert str(row["actual"]) == "87.5" and row["completion"].achieved is True


def test_edit_target_from_the_page(world, qtbot, monkeypatch):
    page = mpage.MovementsPage(world["ctx"])
    qtbot.addWidget(page)
    page.show()      # pages reload on data changes while shown
    page.target_view.selectRow(0)
    seen = []

    def fake_ask(parent, title, fields, error=None):
        values = {k: (w.currentData() if isinstance(w, QComboBox) else w.text())
                  for k, _label, w in fields}
        seen.append((values, error))
        if error is None:
            return dict(values, value="chín mươi")   # not a number: the form comes back
        return dict(values, value="90%", direction="exact")
    monkeypatch.setattr(mpage.FormDialog, "ask", staticmethod(fake_ask))
    page.edit_target()
    assert seen[0][0]["value"] == "85" and seen[0][0]["name"] == "Tỷ lệ hộ gia đình văn hóa"
    assert "không phải là số" in str(seen[1][1])
    t = mv.targets_of(world["movement"])[0]
    assert str(t.value) == "90" and t.direction == "exact"


def test_delete_several_selected_targets_at_once(world, qtbot, monkeypatch):
    m = world["movement"]
    for name in ("Thu nhập bình quân", "Tỷ lệ hộ nghèo", "Tỷ lệ thu gom rác"):
        mv.add_target(actor=world["ctx"].actor, movement=m, name=name, value="10", measure="%")
    page = mpage.MovementsPage(world["ctx"])
    qtbot.addWidget(page)
    page.show()
    assert page.targets.rowCount() == 4
    view = page.target_view
    view.selectRow(0)
    for r in (1, 3):
        view.selectionModel().select(view.model().index(r, 0),
                                     QItemSelectionModel.Select | QItemSelectionModel.Rows)
    asked = []
    monkeypatch.setattr(messages, "confirm", lambda parent, text, **kw: asked.append(text) or True)
    page.delete_target()
    assert asked == ["Xóa 3 chỉ tiêu đã chọn?"]
    assert [t.name for t in mv.targets_of(m)] == ["Tỷ lệ hộ nghèo"]


def test_paste_over_existing_targets_asks_replace_or_add(world, qtbot, monkeypatch):
    m = world["movement"]
    page = mpage.MovementsPage(world["ctx"])
    qtbot.addWidget(page)
    page.show()
    rows = [{"name": "Tốc độ tăng trưởng", "value": "9,5", "measure": "%"},
            {"name": "Giải quyết việc làm", "value": "160", "measure": "người"}]
    monkeypatch.setattr(mpage.PasteTargetsDialog, "ask", staticmethod(lambda parent: rows))
    answers = ["add", "replace", None]
    asked = []
    monkeypatch.setattr(messages, "ask_choice",
                        lambda parent, text, choices, **kw: asked.append(text) or answers.pop(0))
    page.paste_targets()
    assert len(mv.targets_of(m)) == 3 and "đã có 1 chỉ tiêu" in asked[0]
    page.paste_targets()
    assert [t.name for t in mv.targets_of(m)] == ["Tốc độ tăng trưởng", "Giải quyết việc làm"]
    page.paste_targets()                        # cancelled: nothing changes
    assert len(mv.targets_of(m)) == 2


def test_new_registration_offers_targets_only_to_collectives_and_marks_registered(
        world, qtbot):
    """A teacher (a person) is not offered the commune's targets; a village already
    registered is marked in the picker and refused with a message that says what to do."""
    dialog = rdlg.RegistrationDialog(None, world["movement"], year=YEAR)
    qtbot.addWidget(dialog)
    assert dialog.commitments.rowCount() == 1          # a collective: the commune's target
    subjects = dialog.subjects
    names = {subjects.index(r, 0).data(): subjects.index(r, 2).data()
             for r in range(subjects.rowCount())}
    registered = world["villages"][0].name
    assert names[registered] == "✓ Đã gửi"
    assert names[world["villages"][1].name] == ""
    row = next(r for r in range(subjects.rowCount())
               if subjects.index(r, 0).data() == registered)
    assert subjects.data(subjects.index(row, 0), Qt.ForegroundRole) is not None   # greyed
    dialog.subject_view.setCurrentIndex(subjects.index(row, 0))
    assert dialog.subject is not None
    dialog._ok()
    assert dialog.result() != QDialog.Accepted
    assert "đã đăng ký" in dialog.error.text() and "sửa đăng ký đã có" in dialog.error.text()
    dialog.kind.setCurrentIndex(dialog.kind.findData(PERSON))
    assert dialog.commitments.rowCount() == 0
    assert "dành cho tập thể" in dialog.commit_label.text()
    dialog.kind.setCurrentIndex(0)
    assert dialog.commitments.rowCount() == 1
    # the service agrees: a household registered without commitments gets none
    household = org.household_rows()[0][0]
    reg = rg.register(actor=world["ctx"].actor, movement=world["movement"], year=YEAR,
                      subject=org.get_household(household))
    assert reg.commitments.count() == 0
    assert rg.prefill_commitments(world["movement"], org.get_household(household)) == []


def test_counts_by_place_follow_the_page_filters(world, qtbot):
    household = org.household_rows()[0][0]
    rg.register(actor=world["ctx"].actor, movement=world["movement"], year=YEAR,
                subject=org.get_household(household))          # a draft, by thôn
    page = rpage.RegistrationsPage(world["ctx"])
    qtbot.addWidget(page)
    page.show()
    kinds = lambda: sorted({page.places.row_at(r)[2] for r in range(page.places.rowCount())})
    assert kinds() == ["household", "unit"]
    page.kind.setCurrentIndex(page.kind.findData("household"))
    assert kinds() == ["household"]
    page.kind.setCurrentIndex(0)
    page.state.setCurrentIndex(page.state.findData(rg.SUBMITTED))
    assert kinds() == ["unit"]                       # only the submitted village's bloc
    assert all(page.places.row_at(r)[4] > 0 for r in range(page.places.rowCount()))
    page.state.setCurrentIndex(0)
    assert kinds() == ["household", "unit"]
