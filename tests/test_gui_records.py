"""Tabs "Sáng kiến" and "Kỷ luật", and the sudden / themed award dialogs, driven by qtbot on a
real database: a refused save keeps the dialog open with its message, a good one lands."""
import datetime

import pytest
from PySide6.QtCore import QDate

from gui import messages
from gui.context import AppContext
from gui.decision_editor import DecisionEditor
from gui.pages.org import OrgPage
from gui.record_dialogs import (DisciplineDialog, InitiativeDialog, RecognitionDialog,
                                SuddenAwardDialog, ThemedAwardDialog)
from models import db as dbmod
from models import movements, settings
from models.entities import AwardOccasion, Decision, Discipline, Initiative
from tests.decision_fixtures import make_movement
from tests.helpers import make_org


@pytest.fixture
def ctx(database, leader, qapp, monkeypatch):
    settings.save_initial_settings(actor=leader, values={"commune_name": "Xã Tân Lập",
                                                         "chairman": "Lê Văn Chủ"})
    org = make_org(leader)
    said = []
    monkeypatch.setattr(messages, "info", lambda parent, text, **kw: said.append(text))
    monkeypatch.setattr(messages, "show_error", lambda parent, err, **kw: said.append(str(err)))
    context = AppContext(leader, dbmod.current_path())
    context.org, context.said = org, said
    return context


def _drive(monkeypatch, cls, steps):
    """Replace ``cls.exec``: run each step (fill, then press OK) in turn while the dialog is
    open; returns the list of error texts seen after each OK."""
    seen = []

    def fake_exec(dialog):
        for fill in steps:
            fill(dialog)
            dialog.accept()
            if dialog.result():
                seen.append("")
                return 1
            seen.append(dialog.error.text() if not dialog.error.isHidden() else "(no message)")
        return 0
    monkeypatch.setattr(cls, "exec", fake_exec)
    return seen


def _set_date(edit, day):
    edit.setDate(QDate(day.year, day.month, day.day))


def _pick(finder, text):
    finder.search.setText(text)
    assert finder.results.count(), text
    finder.results.setCurrentRow(0)


def test_initiative_needs_an_author_then_lands_in_the_tab(ctx, qtbot, monkeypatch):
    page = OrgPage(ctx)
    qtbot.addWidget(page)
    tab = page.initiatives
    assert page.tabs.tabText(page.tabs.indexOf(tab)) == "Sáng kiến"

    def no_author(d):
        d.title.setText("Sổ tay điện tử hộ nghèo")
        _set_date(d.date, datetime.date(2025, 3, 1))

    def with_author(d):
        _pick(d.finder, "nguyen van an")
        d._add_author(d.finder.subject())
    seen = _drive(monkeypatch, InitiativeDialog, [no_author, with_author])
    tab.add()
    assert "tác giả" in seen[0] and seen[1] == ""
    assert tab.model.rows[0][1:3] == ("Sổ tay điện tử hộ nghèo", "Nguyễn Văn An")
    item = Initiative.get()

    def recognise(d):
        d.number.setText("01/QĐ-HĐSK")
        _set_date(d.date, datetime.date(2025, 6, 1))
    _drive(monkeypatch, RecognitionDialog, [recognise])
    tab.view.selectRow(0)
    tab.view.setCurrentIndex(tab.model.index(0, 0))
    tab.recognise()
    assert Initiative.get_by_id(item.id).state == "recognised"
    assert tab.model.rows[0][7] == "Đã công nhận"


def test_discipline_period_ending_before_it_starts_is_refused_in_the_dialog(ctx, qtbot,
                                                                             monkeypatch):
    page = OrgPage(ctx)
    qtbot.addWidget(page)
    tab = page.discipline

    def backwards(d):
        _pick(d.finder, "tran thi binh")
        d.form_box.setCurrentIndex(d.form_box.findData("canh_cao"))
        d.number.setText("12/QĐ-UBND")
        _set_date(d.date, datetime.date(2025, 5, 1))
        _set_date(d.start, datetime.date(2025, 5, 1))
        d.has_end.setChecked(True)
        _set_date(d.end, datetime.date(2025, 4, 1))

    def fixed(d):
        assert d.number.text() == "12/QĐ-UBND"          # everything typed is still there
        _set_date(d.end, datetime.date(2026, 4, 30))
    seen = _drive(monkeypatch, DisciplineDialog, [backwards, fixed])
    tab.add()
    assert "trước khi bắt đầu" in seen[0] and seen[1] == ""
    d = Discipline.get()
    assert (d.form, d.end_date) == ("canh_cao", datetime.date(2026, 4, 30))
    assert [r[2:4] for r in tab.model.rows] == [("Trần Thị Bình", "Cảnh cáo")]


def test_sudden_award_from_the_decision_tab(ctx, qtbot, monkeypatch):
    editor = DecisionEditor(ctx)
    qtbot.addWidget(editor)
    today = datetime.date.today()

    def future(d):
        _set_date(d.event_date, today + datetime.timedelta(days=3))
        d.description.setPlainText("Cứu người trong đám cháy")
        d.place.setText("thôn Đông Hòa")
        _pick(d.recipients.finder, "le duc cuong")
        d.recipients._add()

    def past(d):
        assert d.recipients.chosen.count() == 1
        _set_date(d.event_date, today - datetime.timedelta(days=2))
    seen = _drive(monkeypatch, SuddenAwardDialog, [future, past])
    editor.new_sudden()
    assert "chưa tới" in seen[0] and seen[1] == ""
    occ = AwardOccasion.get()
    assert occ.method == "sudden" and occ.place == "thôn Đông Hòa"
    assert editor.decision is not None and editor.decision.id == occ.decision_id
    row = next(r for r in editor.list_model.rows if r[0] == occ.decision_id)
    assert row[8] == "Đột xuất"
    assert Decision.get_by_id(occ.decision_id).awards.count() == 1


def test_themed_award_at_a_round_review(ctx, qtbot, monkeypatch):
    mv = make_movement(year=2026)
    rnd = movements.add_round(actor=ctx.actor, movement=mv, name="Đợt 1",
                              start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30),
                              review_name="Sơ kết 6 tháng đầu năm",
                              review_date=datetime.date(2026, 7, 10))
    editor = DecisionEditor(ctx)
    qtbot.addWidget(editor)

    def choose(d):
        d.year.setValue(2026)
        index = next(i for i in range(d.occasion.count())
                     if d.occasion.itemData(i)[0] == "round")
        d.occasion.setCurrentIndex(index)
        assert d.date.date() == QDate(2026, 7, 10)       # the review's day by default
    seen = _drive(monkeypatch, ThemedAwardDialog, [choose])
    editor.new_themed()
    assert seen == [""]
    occ = AwardOccasion.get()
    assert (occ.method, occ.round_id) == ("themed", rnd.id)
    assert editor.decision.about.startswith("Về việc khen thưởng sơ kết 6 tháng đầu năm")


def test_decision_settings_carry_the_new_rules(ctx, qtbot):
    from gui.decision_dialogs import DecisionSettingsDialog
    dialog = DecisionSettingsDialog()
    qtbot.addWidget(dialog)
    assert dialog.values()["cstdcs_rule"] == "and"
    dialog.cstdcs_rule.setCurrentIndex(dialog.cstdcs_rule.findData("or"))
    dialog.member_min.setCurrentIndex(dialog.member_min.findData("cach_chuc"))
    values = dialog.values()
    assert (values["cstdcs_rule"], values["discipline_member_min"]) == ("or", "cach_chuc")
    assert values["discipline_person_min"] == "khien_trach"


def test_history_shows_initiatives_and_discipline(ctx, qtbot, tmp_path):
    from gui.pages.lookup import LookupPage
    from models import discipline, initiatives
    an = ctx.org["people"][0]
    item = initiatives.create_initiative(actor=ctx.actor, title="Sổ tay điện tử hộ nghèo",
                                         authors=[an, ctx.org["people"][1]],
                                         date=datetime.date(2025, 2, 1))
    initiatives.recognise_initiative(actor=ctx.actor, initiative=item, number="02/QĐ-HĐSK",
                                     date=datetime.date(2025, 9, 1))
    discipline.record_discipline(actor=ctx.actor, subject=an, form="khien_trach",
                                 number="15/QĐ-UBND", date=datetime.date(2025, 3, 12),
                                 end_date=datetime.date(2025, 9, 11))
    page = LookupPage(ctx)
    qtbot.addWidget(page)
    page.history.search.setText("nguyen van an")
    page.history._find()
    text = page.history.view.toPlainText()
    assert "Sổ tay điện tử hộ nghèo (cùng Trần Thị Bình) — Quyết định số 02/QĐ-HĐSK" in text
    assert "Khiển trách (Quyết định số 15/QĐ-UBND ngày 12/03/2025" in text


def test_round_registrations_from_the_movement_and_registration_pages(ctx, qtbot,
                                                                       monkeypatch):
    from gui.pages.movements import MovementsPage
    from gui.pages.registration_dialogs import RegistrationDialog
    from models import registrations
    from models.entities import Round
    mv = make_movement(year=2025)
    rnd = movements.add_round(actor=ctx.actor, movement=mv, name="Đợt 2",
                              start=datetime.date(2025, 7, 1), end=datetime.date(2025, 12, 31))
    page = MovementsPage(ctx)
    qtbot.addWidget(page)
    monkeypatch.setattr(page, "_round", lambda: Round.get_by_id(rnd.id))
    page.toggle_round_registrations()
    assert Round.get_by_id(rnd.id).own_registrations
    dialog = RegistrationDialog(None, mv)
    qtbot.addWidget(dialog)
    assert dialog.round is not None and dialog.round.count() == 2
    dialog.round.setCurrentIndex(1)
    dialog.subject = ctx.org["people"][0]
    values = dialog.values()
    assert values["round"].id == rnd.id
    reg = registrations.register(actor=ctx.actor, movement=mv, subject=values["subject"],
                                 round=values["round"])
    rows = registrations.registration_rows(year=2025)
    assert [(r["id"], r["round"]) for r in rows] == [(reg.id, "Đợt 2")]
    # a movement whose rounds take no registrations shows no chooser
    plain = RegistrationDialog(None, make_movement(name="Phong trào khác", year=2025))
    qtbot.addWidget(plain)
    assert plain.round is None and plain.values()["round"] is None


def test_subject_picker_finds_without_accents_and_offers_the_titles(ctx, qtbot, monkeypatch):
    """The picker of "Bình xét & Quyết định" and the decision editor: the shared subject
    search (gui/subject_finder.py), the titles of the chosen one, a reason when asked."""
    from gui.decision_dialogs import SubjectPicker
    titles = []

    def pick(d):
        _pick(d.finder, "nguyen van an")
        titles.extend(d.titles.itemText(i) for i in range(d.titles.count()))
    seen = _drive(monkeypatch, SubjectPicker,
                  [lambda d: None, pick, lambda d: d.reason.setText("Cứu người đuối nước")])
    picked = SubjectPicker.ask(None, need_reason=True)
    assert seen == ["Hãy tìm và chọn một đối tượng và một danh hiệu.", "Hãy ghi lý do.", ""]
    assert picked["subject"].full_name == "Nguyễn Văn An"
    assert picked["title"].name == titles[0] and "Lao động tiên tiến" in titles
    assert not any("(tập thể)" in t for t in titles)       # a person: no collective titles
    assert picked["reason"] == "Cứu người đuối nước"
