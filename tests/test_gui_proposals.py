"""The proposal-list dialog: preview with marked problems, choosing a namesake, import."""
import os

import pytest
from PySide6.QtCore import Qt

from gui import messages
from gui.context import AppContext
from gui.import_dialog import PROBLEM_BG
from gui.proposals_dialog import NEW_BG, ProposalPreviewModel, ProposalsDialog
from models import org
from models.entities import Candidate, Person
from tests.decision_fixtures import YEAR, make_movement
from tests.helpers import make_org
from tests.proposal_fixtures import SCHOOL_ROWS, write_list

SHOTS = "/tmp/i10-proposals"


@pytest.fixture
def world(clerk, database):
    data = make_org(clerk)
    data["movement"] = make_movement()
    data["ctx"] = AppContext(clerk, database.database)
    return data


@pytest.fixture
def said(monkeypatch):
    record = {"info": [], "errors": [], "choose": []}
    monkeypatch.setattr(messages, "info", lambda parent, text, **kw: record["info"].append(text))
    monkeypatch.setattr(messages, "show_error",
                        lambda parent, err, **kw: record["errors"].append(str(err)))
    return record


def _dialog(qtbot, world, path):
    dialog = ProposalsDialog(world["ctx"], movement=world["movement"], year=YEAR)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load(path)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    return dialog


def _index(dialog, row_number, column):
    numbers = [e.number for e in dialog.model.entries]
    return dialog.model.index(numbers.index(row_number), column)


def test_preview_marks_problems_then_a_choice_makes_it_importable(qtbot, world, clerk,
                                                                   tmp_path, said, monkeypatch):
    twin = org.add_person(actor=clerk, full_name="Nguyễn Văn An", gender="nam", birth_year=1992,
                          unit=world["office"], allow_duplicate=True)
    rows = [list(r) for r in SCHOOL_ROWS]
    path = write_list(tmp_path / "truong.xlsx", rows)
    dialog = _dialog(qtbot, world, path)
    model = dialog.model
    an = _index(dialog, 11, ProposalPreviewModel.NAME)
    assert model.data(an, Qt.BackgroundRole).color() == PROBLEM_BG
    assert "dòng 11, cột C" in model.data(an, Qt.ToolTipRole)
    assert "Có 2 người tên" in model.data(an, Qt.ToolTipRole)
    new = _index(dialog, 13, ProposalPreviewModel.MATCH)
    assert model.data(new, Qt.BackgroundRole).color() == NEW_BG
    assert "Mới: sẽ thêm cá nhân vào Trường Tiểu học Tân Lập" in model.data(new)
    dung = _index(dialog, 17, ProposalPreviewModel.MATCH)
    assert model.data(dung).endswith("→ Gia đình văn hóa")
    assert not dialog.import_button.isEnabled()
    assert "1 dòng có lỗi" in dialog.summary.text()
    os.makedirs(SHOTS, exist_ok=True)
    qtbot.wait(50)
    dialog.grab().save(os.path.join(SHOTS, "preview-problems.png"))

    # the clerk picks the older teacher for row 11
    dialog.view.selectRow(an.row())
    assert dialog.pick_button.isEnabled()
    options = [label for _k, label in dialog._current_entry().plan.options]

    def choose(parent, label, items, **kw):
        said["choose"].append(label)
        return next(i for i, text in enumerate(items) if "sinh 1980" in text)
    monkeypatch.setattr(messages, "choose", choose)
    first = dialog.preview
    dialog.pick_button.click()
    qtbot.waitUntil(lambda: dialog.preview is not first, timeout=10000)
    assert any("sinh 1992" in o for o in options)
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "Nhập 6 đề nghị"
    qtbot.wait(50)
    dialog.grab().save(os.path.join(SHOTS, "preview-ready.png"))

    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.imported, timeout=10000)
    assert said["errors"] == []
    assert "Đã thêm 6 đề nghị" in said["info"][0]
    an_cand = Candidate.get(Candidate.person == world["people"][0])
    assert an_cand.title.code == "LDTT"
    assert not Candidate.select().where(Candidate.person == twin).exists()
    assert Person.select().where(Person.full_name == "Đỗ Thị Hạnh").count() == 1


def test_decisions_page_offers_the_import(qtbot, world):
    from gui.pages.decisions import DecisionsPage
    page = DecisionsPage(world["ctx"])
    qtbot.addWidget(page)
    button = page.candidates.buttons["proposals"]
    assert button.text() == "Nhập danh sách đề nghị…" and button.isEnabled()


def test_the_list_on_another_sheet_is_chosen_in_the_dialog(qtbot, world, tmp_path, said):
    import openpyxl
    path = write_list(tmp_path / "hai-trang.xlsx", SCHOOL_ROWS)
    wb = openpyxl.load_workbook(path)
    first = wb.create_sheet("Đợt 1", 0)
    first.append(["STT", "Họ và tên", "Đơn vị", "Danh hiệu đề nghị"])
    first.append([1, "Nguyễn Văn An", "Trường TH Tân Lập", "Lao động tiên tiến"])
    wb.save(path)
    dialog = _dialog(qtbot, world, path)
    assert dialog.preview.sheet == "Đợt 1" and len(dialog.preview.entries) == 1
    assert [dialog.sheet.itemText(i) for i in range(dialog.sheet.count())] == [
        "Đợt 1", "Danh sách đề nghị"]
    shown = dialog.preview
    dialog.sheet.setCurrentIndex(1)
    dialog.sheet.activated.emit(1)
    qtbot.waitUntil(lambda: dialog.preview is not shown, timeout=10000)
    assert dialog.preview.sheet == "Danh sách đề nghị" and dialog.preview.can_import
    assert len(dialog.preview.entries) == 6
    assert dialog.import_button.text() == "Nhập 6 đề nghị"
