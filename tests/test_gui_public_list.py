"""Tab "Công khai danh sách", the decision editor's comment warning and the statistics
buttons of page "Báo cáo", driven by qtbot on the small demo."""
import datetime

import openpyxl
import pytest

from gui import messages
from gui.pages.decisions import DecisionsPage
from gui.pages.reports import ReportsPage
from models import public_list
from models.entities import Decision, PublicComment, PublicPosting
from tests.test_gui_decisions import ctx  # noqa: F401  (the demo world, tests/gui_world.py)

pytestmark = pytest.mark.slow

SHOTS = "/tmp/i17-public"


def test_public_tab_posts_and_settles_comments(ctx, qtbot, monkeypatch, tmp_path):  # noqa: F811
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    tab = page.public
    page.tabs.setCurrentWidget(tab)
    tab.year.setValue(2025)
    assert tab.meeting.count() == 1
    posting = tab.posting()
    assert posting is not None and tab.buttons["pdf"].isEnabled()
    # the demo's two comments of 2025 are settled
    assert tab.model.rowCount() == 2 and "0 chưa giải quyết" in tab.count.text()
    # bad input from the form: the end of the posting before its start → a message, no change
    tab.posted_to.setDate(tab.posted_from.date().addDays(-2))
    tab.save_posting()
    assert any("trước ngày bắt đầu" in m for m in ctx.shown)
    assert PublicPosting.get_by_id(posting.id).posted_to == posting.posted_to
    # a comment dated after the comment period: asked (confirm), recorded, shown as late
    first = tab._choices()[0]
    late = posting.comments_until + datetime.timedelta(days=3)
    asked = []
    monkeypatch.setattr(messages, "confirm", lambda parent, text, **kw: asked.append(text) or True)
    from gui.public_list_tab import CommentDialog
    monkeypatch.setattr(CommentDialog, "ask", classmethod(lambda cls, parent, choices: {
        "candidate_id": first[1], "received_on": late, "author": "Bà Lê Thị Hằng",
        "content": "Phản ánh về ngày công."}))
    tab.add_comment()
    assert asked and "sau hạn nhận ý kiến" in asked[0]
    assert "1 chưa giải quyết" in tab.count.text()
    # resolving needs a note: an empty answer does nothing
    tab.view.selectRow(0)
    monkeypatch.setattr(messages, "ask_text", lambda parent, label, **kw: "")
    tab.resolve()
    assert PublicComment.select().where(PublicComment.state == "open").count() == 2
    page.resize(1400, 850)
    page.show()
    qtbot.waitExposed(page)
    page.grab().save(f"{SHOTS}/gui-public-list.png")
    monkeypatch.setattr(messages, "ask_text",
                        lambda parent, label, **kw: "Đã xác minh, trả lời bà Hằng.")
    tab.view.selectRow(0)
    tab.resolve()
    assert "3 ý kiến, 0 chưa giải quyết" in tab.count.text()
    assert PublicComment.select().where(PublicComment.state == "open").count() == 1   # 2026
    # the PDF of the notice
    monkeypatch.setattr("gui.files.save_name", lambda *a, **k: (str(tmp_path / "ck.pdf"), ""))
    tab.export("pdf")
    assert (tmp_path / "ck.pdf").stat().st_size > 2000
    monkeypatch.setattr("gui.files.save_name", lambda *a, **k: (str(tmp_path / "ck.docx"), ""))
    tab.export("docx")
    assert (tmp_path / "ck.docx").read_bytes()[:2] == b"PK"


def test_decision_editor_warns_about_open_comments(ctx, qtbot, monkeypatch):  # noqa: F811
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    editor = page.editor
    page.tabs.setCurrentWidget(editor)
    # this year's draft from the candidates (the demo also has sudden and themed drafts)
    from models.entities import Award
    draft = (Decision.select().join(Award)
             .where(Decision.state == "draft", Award.candidate.is_null(False)).first())
    editor._select(draft.id)
    assert editor.comment_warning.isVisibleTo(page)
    assert "chưa giải quyết" in editor.comment_warning.text()
    page.resize(1400, 850)
    page.show()
    qtbot.waitExposed(page)
    page.grab().save(f"{SHOTS}/gui-decision-warning.png")
    # declining the warning keeps the draft; accepting it (the override) issues
    answers = iter([False])
    monkeypatch.setattr(messages, "confirm", lambda parent, text, **kw: next(answers, True))
    editor.issue()
    assert Decision.get_by_id(draft.id).state == "draft"
    editor.issue()
    assert Decision.get_by_id(draft.id).state == "issued"
    assert not editor.comment_warning.isVisibleTo(page)


def test_reports_page_exports_statistics(ctx, qtbot, tmp_path):  # noqa: F811
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.year_spin.setValue(2025)
    out = page.export_statistics(str(tmp_path / "tk.xlsx"))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["0601.N", "0603.N"]
    assert page.export_statistics(str(tmp_path / "tk.docx")).endswith("tk.docx")
    assert page.export_statistics(str(tmp_path / "tk.txt")) is None
    assert any(".xlsx" in m and ".docx" in m for m in ctx.shown)
    page.resize(1100, 800)
    page.show()
    qtbot.waitExposed(page)
    page.grab().save(f"{SHOTS}/gui-reports.png")
    assert public_list.posting_rows()
