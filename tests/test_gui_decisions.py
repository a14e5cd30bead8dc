"""Page "Bình xét & Quyết định" and page "Tra cứu", driven by qtbot on the small demo."""

import datetime

import pytest

from gui import messages
from gui.pages.decisions import DecisionsPage
from gui.pages.lookup import LookupPage
from models import candidates, vntext
from models.entities import Award, Decision
from tests import gui_world

pytestmark = pytest.mark.slow   # the demo world (tests/gui_world.py) loads once a session


@pytest.fixture
def ctx(demo_ctx, monkeypatch):
    """The demo world (tests/gui_world.py); messages recorded in ctx.shown, confirms: yes."""
    gui_world.record_messages(monkeypatch, demo_ctx)
    monkeypatch.setattr(messages, "confirm", lambda parent, text, **kw: True)
    return demo_ctx


def test_candidates_tab_shows_warnings_and_votes(ctx, qtbot):
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    tab = page.candidates
    tab.year.setValue(2025)
    assert tab.model.rowCount() > 100
    assert "có cảnh báo" in tab.count.text() and "đạt" in tab.count.text()
    assert tab.meeting.count() == 1
    # the rows are the list's rows (candidate_rows, as dicts), the warnings joined, and
    # the search keys each part folded
    listed = candidates.candidate_rows(movement=tab.model.movement, year=2025)
    assert tab.model.rows == [
        (r["id"], r["kind_label"], r["name"], r["place"], r["title"],
         " • ".join(r["warnings"]), r["years_text"], r["votes_for"], r["percent"],
         r["passed"], not r["removed"], r["reason"], r["version"]) for r in listed]
    assert any(r["warnings"] for r in listed) and any(r["years"] for r in listed)
    assert tab.model.keys == [
        " ".join([vntext.fold(r[1]), vntext.fold(r[2]), vntext.fold(r[3]),
                  vntext.fold(r[4]), vntext.fold(r[5])]) for r in tab.model.rows]
    # filter accent-insensitively
    tab.search.setText("lao dong tien tien")
    assert 0 < tab.model.rowCount() < len(tab.model.rows)
    row = tab.model.row_at(0)
    assert "Lao động tiên tiến" in row[4]
    page.resize(1400, 800)
    page.show()
    qtbot.waitExposed(page)
    page.grab().save("/tmp/gui_candidates.png")


def test_decision_editor_preview_and_issue(ctx, qtbot):
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    editor = page.editor
    page.tabs.setCurrentWidget(editor)
    draft = Decision.get(Decision.state == "draft")
    editor._select(draft.id)
    assert editor.decision.id == draft.id
    assert editor.buttons["issue"].isEnabled() and editor.number.isEnabled()
    assert editor.rec_model.rowCount() == Award.select().where(Award.decision == draft).count()
    assert "Tổng tiền thưởng" in editor.totals.text() and "đồng" in editor.totals.text()
    # a signer with no name: refused with a message, the decision stays a draft
    editor.signer.setEditText("")
    editor.issue()
    assert any("người ký" in m for m in ctx.shown)
    assert Decision.get_by_id(draft.id).state == "draft"
    editor.signer.setEditText("Nguyễn Văn Hùng")
    editor.number.setText("")
    editor.issue()
    issued = Decision.get_by_id(draft.id)
    assert issued.state == "issued" and issued.number.endswith("/QĐ-UBND")
    assert not editor.buttons["save"].isEnabled() and editor.buttons["amend"].isEnabled()
    assert editor.list_model.rowCount() == Decision.select().count()
    page.resize(1400, 850)
    page.show()
    qtbot.waitExposed(page)
    page.grab().save("/tmp/gui_decision.png")


def test_adding_passed_candidates_shows_exactly_the_added_awards(ctx, qtbot):
    """"Thêm người bình xét đạt" on a new draft: the table shows every award the decision
    now holds, in the list's order (I/II/III, numbered from 1 in each group), with their
    names, titles and amounts, and the totals say the money of those rows."""
    from models import council, decisions
    from models.decision_lists import GROUPS
    from models.entities import HOUSEHOLD, PERSON, UNIT, Title
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    editor = page.editor
    page.tabs.setCurrentWidget(editor)
    meeting = council.meetings(year=2025)[0]
    passed = {c.id for c in council.passed_records(meeting)}
    assert passed
    draft = decisions.create_draft(actor=ctx.actor, date=datetime.date(2025, 12, 20),
                                   meeting=meeting, movement=meeting.movement)
    editor.reload(draft.id)
    assert editor.decision.id == draft.id and editor.rec_model.rowCount() == 0
    editor.add_from_vote()
    awards = list(Award.select(Award, Title.name.alias("title_name")).join(Title)
                  .where(Award.decision == draft.id).order_by(Award.order, Award.id).objects())
    assert awards and {a.candidate_id for a in awards} <= passed
    assert f"Đã thêm {len(awards)} đối tượng" in ctx.shown[-1]
    expected = []
    for kind, heading in GROUPS:
        mine = [a for a in awards if (UNIT if a.unit_id is not None else PERSON
                                      if a.person_id is not None else HOUSEHOLD) == kind]
        expected += [(a.id, heading, i, a.display_name, a.title_name, a.amount)
                     for i, a in enumerate(mine, 1)]
    assert [(r[0], r[1], r[2], r[3], r[6], r[7]) for r in editor.rec_model.rows] == expected
    assert editor.rec_model.rowCount() == len(awards)
    names = [a.display_name for a in awards if a.person_id is None and a.unit_id is None]
    shown_names = [r[3] for r in editor.rec_model.rows if r[1] == "III. Hộ gia đình"]
    assert shown_names == names
    total = sum(a.amount for a in awards)
    assert total > 0 and vntext.format_money(total) in editor.totals.text()


def test_register_and_lookup(ctx, qtbot):
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    reg = page.register
    reg.year.setCurrentIndex(reg.year.findData(2025))
    assert reg.model.rowCount() == Award.select().where(Award.register_year == 2025).count() > 0
    first = [reg.model.row_at(i)[2] for i in range(5)]
    assert first == [1, 2, 3, 4, 5]
    assert reg.fund.rowCount() > 2
    lookup = LookupPage(ctx)
    qtbot.addWidget(lookup)
    award = Award.select().where(Award.register_year == 2025, Award.person.is_null(False)).first()
    lookup.history.search.setText(award.display_name)
    lookup.history._find()
    assert lookup.history.results.count() >= 1
    html = lookup.history.view.toHtml()
    assert "Năm 2025" in html or "Không tìm thấy" not in html
    lookup.upward.year.setValue(2025)
    lookup.upward.years.setValue(1)
    assert lookup.upward.model.rowCount() == 0      # clicks are gathered (debounced)…
    qtbot.waitUntil(lambda: lookup.upward.model.rowCount() > 0, timeout=5000)  # …one read
    lookup.resize(1200, 700)
    lookup.show()
    qtbot.waitExposed(lookup)
    lookup.grab().save("/tmp/gui_lookup.png")
    assert datetime.date.today()


def test_settings_dialog_saves_the_local_rules(ctx, qtbot, monkeypatch):
    from gui.decision_dialogs import DecisionSettingsDialog
    from models import settings
    dialog = DecisionSettingsDialog()
    qtbot.addWidget(dialog)
    assert dialog.bases.toPlainText().startswith("Căn cứ Luật Tổ chức chính quyền")
    dialog.before.setChecked(True)
    dialog.threshold.setValue(70)
    monkeypatch.setattr(DecisionSettingsDialog, "ask", classmethod(lambda cls, p: dialog.values()))
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    page.edit_settings()
    assert settings.get("multiples_before_rounding") is True
    assert settings.get("vote_threshold_pct") == 70


def test_changing_the_date_reprices_the_draft_at_once(ctx, qtbot):
    from PySide6.QtCore import QDate
    from models import catalogue
    assert catalogue.base_salary_on(datetime.date(2026, 7, 1)) == 2_530_000   # default row
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    editor = page.editor
    draft = Decision.get(Decision.state == "draft")
    editor._select(draft.id)
    editor.date.setDate(QDate(2026, 12, 21))         # after the raise
    high = Decision.get_by_id(draft.id).total
    editor.date.setDate(QDate(2026, 6, 30))          # before the raise
    low = Decision.get_by_id(draft.id).total
    assert low < high
    assert vntext.format_money(low) in editor.totals.text()
    editor.date.setDate(QDate(2019, 1, 1))           # no base salary in force: refused
    assert any("lương cơ sở" in m for m in ctx.shown)
    assert Decision.get_by_id(draft.id).date == datetime.date(2026, 6, 30)
    assert editor.date.date() == QDate(2026, 6, 30)
