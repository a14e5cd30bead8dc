"""The "Chấm điểm" page driven with qtbot: typing, refusals, paste, reasons, autosave, chart,
criteria editor."""
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from gui import messages
from gui.context import AppContext
from gui.criteria_editor import CriteriaEditor
from gui.pages.scoring import ScoringPage
from gui.score_grid import FIRST
from models import scoring
from models.demo_scoring import village_table
from models.entities import Score, ScoreSheet
from tests.helpers import make_org


@pytest.fixture
def setup(clerk, leader):
    org = make_org(clerk)
    cs = scoring.create_criteria_set(actor=clerk, name="Bảng thôn 2025", year=2025,
                                     unit_kind="thon", criteria=village_table(), bonus_max=10)
    scoring.ensure_sheets(actor=clerk, criteria_set=cs)
    return dict(org=org, cs=cs, col={c.code: i for i, c in
                                     enumerate(scoring.spec_for(cs).leaves)})


@pytest.fixture
def page(qtbot, setup, clerk):
    ctx = AppContext(clerk, "test.sqlite3")
    p = ScoringPage(ctx)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    return p


def stored(sheet_id, code, cs, field="self_points"):
    crit = {c.code: c.id for c in scoring.spec_for(cs).leaves}[code]
    s = Score.get_or_none((Score.sheet == sheet_id) & (Score.criterion == crit))
    return getattr(s, field) if s else None


def test_typing_enter_moves_down_and_autosaves(qtbot, page, setup):
    m, view = page.model, page.view
    c = setup["col"]["II.2"]
    assert m.setData(m.cell_index(0, c), "9")
    view.setCurrentIndex(m.cell_index(0, c))
    view.setFocus()
    qtbot.keyClick(view, "8")                # the first key opens the editor on the cell
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "8"   # typed over, not added
    qtbot.keyClicks(editor, ",5")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.currentIndex().row() == 1, timeout=2000)  # queued commit
    assert view.currentIndex().row() == 1 and view.currentIndex().column() == c + FIRST
    assert m.data(m.cell_index(0, c)) == "8,5"
    assert m.data(m.index(0, 0)) == "8,5"                 # total updated live
    assert m.data(m.index(0, 2)) == "1"                   # ranked first in its bloc
    qtbot.waitUntil(lambda: not m.pending, timeout=3000)   # autosave
    assert stored(m.grid.rows[0].sheet_id, "II.2", setup["cs"]) == D("8.5")
    assert "Đã lưu" in page.status.text()
    assert (0, c) in m.changed                            # still marked as changed


def test_invalid_value_is_refused_with_reason(qtbot, page, setup):
    m = page.model
    c = setup["col"]["II.2"]
    assert not m.setData(m.cell_index(0, c), "12")
    assert "vượt quá điểm tối đa 10" in m.last_error
    assert "Không nhận giá trị" in page.status.text()
    assert not m.setData(m.cell_index(0, setup["col"]["Đ.1"]), "8")
    assert "số âm" in m.last_error
    assert not m.setData(m.cell_index(0, c), "abc")
    assert m.data(m.cell_index(0, c)) == "" and not m.pending


def test_a_refused_typed_value_stays_in_its_cell_with_the_reason_shown(qtbot, page, setup):
    """Typing 12 where 10 is the maximum: the cell stays open with "12" selected (not
    lost, not moved past), and the reason is on the visible status line."""
    m, view = page.model, page.view
    c = setup["col"]["II.2"]
    view.setCurrentIndex(m.cell_index(0, c))
    view.setFocus()
    qtbot.keyClick(view, "1")                # the first key opens the editor
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "2")
    assert isinstance(editor, QLineEdit) and editor.text() == "12"
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: "Không nhận giá trị" in page.status.text(), timeout=2000)
    assert "vượt quá điểm tối đa 10" in page.status.text()
    assert page.status.isVisible()
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "12"
    assert editor.selectedText() == "12"
    assert view.currentIndex() == m.cell_index(0, c)       # did not move down
    editor.setText("9")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.currentIndex().row() == 1, timeout=2000)
    assert m.data(m.cell_index(0, c)) == "9"


def test_headers_can_show_each_criterion_text(qtbot, page, setup):
    m, view = page.model, page.view
    c = setup["col"]["II.2"]
    crit = m.spec.leaves[c]
    short = m.headerData(c + FIRST, Qt.Horizontal)
    assert crit.text[:10] not in short
    assert crit.text in m.headerData(c + FIRST, Qt.Horizontal, Qt.ToolTipRole)
    narrow = view.columnWidth(c + FIRST)
    page.long_headers.setChecked(True)
    long = m.headerData(c + FIRST, Qt.Horizontal)
    assert long.startswith(crit.code) and crit.text.split()[0] in long
    assert view.columnWidth(c + FIRST) > 2 * narrow
    page.reload_years(keep_set=page.cs)           # the choice survives a reload
    assert m.headerData(c + FIRST, Qt.Horizontal).startswith(long.split("\n")[0])
    page.long_headers.setChecked(False)
    assert m.headerData(c + FIRST, Qt.Horizontal) == short


def test_paste_block_from_excel(qtbot, page, setup):
    m, view = page.model, page.view
    c = setup["col"]["I.1"]
    view.setCurrentIndex(m.cell_index(0, c))
    assert view.paste_clipboard("9\t8,5\t5\r\n7\t6\tkhông\r\n")
    assert [m.data(m.cell_index(1, c + k)) for k in range(3)] == ["7", "6", "0"]
    page.save_now()
    assert stored(m.grid.rows[1].sheet_id, "I.2", setup["cs"]) == D(6)
    # too large: 3 rows into a grid of 2 from row 0
    assert not view.paste_clipboard("1\n2\n3")
    assert "3 dòng × 1 cột" in m.last_error
    # text inside the block: nothing of it is taken
    assert not view.paste_clipboard("1\tmột\t2")
    assert "'một' không phải là số" in m.last_error
    assert m.data(m.cell_index(0, c)) == "9"


def test_check_mode_asks_reason_and_locks_self_scores(qtbot, page, setup, clerk,
                                                      monkeypatch):
    m = page.model
    sheet = m.grid.rows[0].sheet_id
    cs = setup["cs"]
    changes = [{"criterion": c.id, "self_points": c.max_points}
               for c in scoring.spec_for(cs).leaves if c.method in ("manual", "proportional",
                                                                    "yesno")]
    scoring.save_scores(actor=clerk, sheet=sheet, changes=changes)
    scoring.submit_sheet(actor=clerk, sheet=sheet)
    page.check_radio.setChecked(True)
    page._mode_chosen()
    m = page.model
    c = setup["col"]["III.2"]
    assert m.flags(m.cell_index(0, c)) & Qt.ItemIsEditable
    assert not m.flags(m.cell_index(1, c)) & Qt.ItemIsEditable   # the other is a draft
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: None)
    assert not m.setData(m.cell_index(0, c), "7")
    assert "lý do" in m.last_error
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "Còn rác ven đường")
    assert m.setData(m.cell_index(0, c), "7")
    page.save_now()
    assert stored(sheet, "III.2", cs, "checked_points") == D(7)
    assert stored(sheet, "III.2", cs, "reason") == "Còn rác ven đường"
    assert ScoreSheet.get_by_id(sheet).total == D(97)


def test_finalised_rows_are_locked(qtbot, page, setup, clerk, leader):
    sheet = page.model.grid.rows[0].sheet_id
    cs = setup["cs"]
    scoring.save_scores(actor=clerk, sheet=sheet, changes=[
        {"criterion": c.id, "self_points": c.max_points} for c in scoring.spec_for(cs).leaves
        if c.method in ("manual", "proportional", "yesno")])
    scoring.submit_sheet(actor=clerk, sheet=sheet)
    scoring.check_sheet(actor=clerk, sheet=sheet)
    scoring.finalise_sheet(actor=leader, sheet=sheet)
    page.load_grid()
    m = page.model
    assert m.data(m.index(0, 3)) == "Đã chốt"
    assert not m.setData(m.cell_index(0, 0), "5")
    assert "đã chốt" in m.last_error


def test_chart_follows_the_grid(qtbot, page, setup):
    m = page.model
    for r, pts in ((0, "10"), (1, "4")):
        for code in ("II.2", "III.2"):
            assert m.setData(m.cell_index(r, setup["col"][code]), pts)
    counts = page.chart.band_counts()
    assert sum(counts.values()) == 2 and counts["Yếu"] == 2
    assert [i[0] for i in page.chart.items] == [m.grid.rows[0].name, m.grid.rows[1].name]
    img = page.chart.grab()
    assert img.width() > 100


def test_criteria_editor_round_trip_and_frozen(qtbot, setup, clerk):
    cs = setup["cs"]
    dlg = CriteriaEditor(criteria_set=cs, read_only=True)
    qtbot.addWidget(dlg)
    data = dlg.data()
    nodes, _ = scoring.clean_tree(data["criteria"])

    def shape(ns):
        return [(n["code"], n["max_points"], n["method"], n["direction"], n["repeatable"],
                 shape(n["children"])) for n in ns]
    assert shape(nodes) == shape(scoring.criteria_tree(cs))
    assert [b["name"] for b in data["bands"]][0] == "Xuất sắc"
    assert dlg.sums.text() == "Khớp tổng điểm"
    edit = CriteriaEditor(criteria_set=cs)
    qtbot.addWidget(edit)
    edit.tree.setCurrentItem(edit.tree.topLevelItem(0).child(1))
    edit.move(-1)                                   # I.2 above I.1, its settings kept
    assert [(n["code"], n["direction"]) for n in edit.nodes()[0]["children"]][:2] == [
        ("I.2", "lower"), ("I.1", "higher")]
    edit.tree.setCurrentItem(edit.tree.topLevelItem(1))
    edit.move(1)                                    # group II below III, with its children
    assert [n["code"] for n in edit.nodes()][:3] == ["I", "III", "II"]
    assert [c["code"] for c in edit.nodes()[2]["children"]] == ["II.1", "II.2"]
    new = CriteriaEditor(year=2026)
    qtbot.addWidget(new)
    new.name.setText("Bảng mới")
    new.add_group()
    item = new.tree.topLevelItem(0)
    item.setText(0, "I")
    item.setText(1, "Kinh tế")
    item.setText(2, "100")
    new.tree.setCurrentItem(item)
    new.add_child()
    child = item.child(0)
    for col, text in ((0, "I.1"), (1, "Thu nhập"), (2, "100")):
        child.setText(col, text)
    new.tie.setText("nhóm II")
    new._accept()
    assert new.result_data is None and "nhóm II" in new.error.text()   # no such group
    new.tie.setText("nhóm I, điểm trừ")
    new._accept()
    assert new.result_data["tie_break"] == ["group:I", "penalties"]
    made = scoring.create_criteria_set(actor=clerk, **new.result_data)
    assert [c.code for c in scoring.spec_for(made).leaves] == ["I.1"]
    assert made.warnings == []


def test_a_note_typed_while_another_pc_saved_one_is_refused_and_kept(qtbot, page, setup,
                                                                    clerk, monkeypatch):
    """Issue 20: the notes carry what the clerk saw, like the points."""
    errors = []
    monkeypatch.setattr(messages, "show_error", lambda parent, err, *a, **k:
                        errors.append(str(err)))
    m, view = page.model, page.view
    c = setup["col"]["II.2"]
    view.setCurrentIndex(m.cell_index(1, c))
    sheet = m.grid.rows[1].sheet_id
    page.evidence_edit.setText("Biên bản của máy A")
    criterion = scoring.spec_for(setup["cs"]).leaves[c].id
    scoring.save_scores(actor=clerk, sheet=sheet, changes=[     # the other PC, meanwhile
        {"criterion": criterion, "evidence": "Báo cáo của máy B", "was": {"evidence": ""}}])
    assert not page.save_note()
    assert errors and "minh chứng vừa được sửa trên máy khác" in errors[0]
    assert "nay là «Báo cáo của máy B»" in errors[0]
    assert page.evidence_edit.text() == "Biên bản của máy A"          # still typed there
    assert stored(sheet, "II.2", setup["cs"], "evidence") == "Báo cáo của máy B"


def test_evidence_and_reason_notes(qtbot, page, setup):
    m, view = page.model, page.view
    c = setup["col"]["II.2"]
    assert m.setData(m.cell_index(1, c), "7")
    view.setCurrentIndex(m.cell_index(1, c))
    assert page.cell_label.text().startswith(m.grid.rows[1].name)
    page.evidence_edit.setText("Biên bản kiểm tra ngày 10/12")
    assert page.save_note()
    sheet = m.grid.rows[1].sheet_id
    assert stored(sheet, "II.2", setup["cs"]) == D(7)          # pending value saved first
    assert stored(sheet, "II.2", setup["cs"], "evidence") == "Biên bản kiểm tra ngày 10/12"
    view.setCurrentIndex(m.index(1, 0))                        # a total: no note there
    assert not page.evidence_edit.isEnabled()


def test_criteria_editor_works_like_a_spreadsheet(qtbot, setup):
    """Typing edits, Tab/Enter move, a group's maximum adds up its criteria, groups carry
    no method/direction/target boxes, warnings are listed, and a block of rows copied
    from Excel (made here as LibreOffice and Excel put it on the clipboard) is pasted."""
    from gui.criteria_editor import CriteriaEditor
    dlg = CriteriaEditor(year=2026)
    qtbot.addWidget(dlg)
    with qtbot.waitActive(dlg):
        dlg.show()
        dlg.activateWindow()
    tree = dlg.tree

    def editor_open(previous=None):
        qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit)
                        and QApplication.focusWidget() is not previous
                        and tree.state() == QAbstractItemView.EditingState, timeout=3000)
        return QApplication.focusWidget()
    dlg.add_group()
    group = tree.topLevelItem(0)
    assert tree.itemWidget(group, 3) is None and group.text(3) == "Nhóm"
    assert all(tree.itemWidget(group, c) is None for c in (4, 5, 6))
    editor = editor_open()
    qtbot.keyClicks(editor, "I")
    qtbot.keyClick(editor, Qt.Key_Tab)                 # Tab: commit, edit the next cell
    editor = editor_open(previous=editor)
    assert tree.currentColumn() == 1
    editor.insert("Kinh tế")                          # (keyClicks sends ASCII only)
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: tree.state() != QAbstractItemView.EditingState, timeout=3000)
    assert (group.text(0), group.text(1)) == ("I", "Kinh tế")
    # a block copied from Excel: a title line, a tab between cells, CRLF line ends
    block = ("Mã\tNội dung tiêu chí\tĐiểm tối đa\r\n"
             "I.1\tThu nhập bình quân\t30\r\n"
             "I.2\tThu ngân sách\t20,5\r\n"
             "II\tVăn hóa - xã hội\t\r\n"
             "II.1\tGia đình văn hóa\t40\r\n"
             "Đ.1\tVi phạm an toàn giao thông\t-5\r\n")
    tree.setCurrentItem(group, 0)
    assert dlg.paste_rows(block) == 5           # I.1, I.2 into I; group II with II.1; Đ.1
    assert [group.child(k).text(0) for k in range(group.childCount())] == ["I.1", "I.2"]
    assert group.text(2) == "50,5"               # the group's maximum adds up its criteria
    second = tree.topLevelItem(1)
    assert (second.text(0), second.text(2), second.child(0).text(0)) == ("II", "40", "II.1")
    assert dlg._method(tree.topLevelItem(2)) == "deduction"
    assert not tree.edit(tree.indexFromItem(group, 2), QAbstractItemView.AnyKeyPressed, None)
    # 50,5 + 40 = 90,5 is not the table's 100: listed in the panel, not only a tooltip
    assert dlg.warnings.isVisible() and "90,5" in dlg.warnings.text()
    tree.setCurrentItem(group.child(1), 2)
    tree.editItem(group.child(1), 2)
    editor = editor_open()
    editor.selectAll()
    qtbot.keyClicks(editor, "30")
    qtbot.keyClick(editor, Qt.Key_Return)       # Enter: next row, same column
    qtbot.waitUntil(lambda: tree.currentItem() is second, timeout=3000)
    assert group.text(2) == "60"                 # 30 + 30, added up again
    assert not dlg.warnings.isVisible() and dlg.sums.text() == "Khớp tổng điểm"
    # a bad pasted line is named, nothing is added
    before = tree.topLevelItemCount()
    assert dlg.paste_rows("III\tMôi trường\tmười") == 0
    assert "Dòng 1" in dlg.error.text() and "điểm tối đa" in dlg.error.text()
    assert tree.topLevelItemCount() == before
    dlg.name.setText("Bảng dán từ Excel")
    dlg._accept()
    saved = dlg.result_data["criteria"]
    assert [n["code"] for n in saved] == ["I", "II", "Đ.1"]
    assert saved[0]["max_points"] == "60"


def test_a_cell_saved_on_another_pc_meanwhile_is_not_overwritten(qtbot, page, setup, leader,
                                                                 monkeypatch):
    """Another PC stores a score while this grid shows the old one: typing over it here is
    refused with who and both values, and the grid reloads the stored value."""
    m = page.model
    c = setup["col"]["II.2"]
    sheet_id = m.grid.rows[0].sheet_id
    crit = {x.code: x.id for x in scoring.spec_for(setup["cs"]).leaves}["II.2"]
    scoring.save_scores(actor=leader, sheet=sheet_id,             # the other PC
                        changes=[{"criterion": crit, "self_points": "6"}])
    shown = []
    monkeypatch.setattr(messages, "show_error", lambda parent, err, **kw: shown.append(str(err)))
    assert m.setData(m.cell_index(0, c), "9")
    assert not page.save_now()
    assert shown and "máy khác" in shown[0] and "nay là 6" in shown[0]
    assert stored(sheet_id, "II.2", setup["cs"]) == D(6)
    assert page.model.data(page.model.cell_index(0, c)) == "6"    # reloaded
    assert page.model.setData(page.model.cell_index(0, c), "9") and page.save_now()
    assert stored(sheet_id, "II.2", setup["cs"]) == D(9)
