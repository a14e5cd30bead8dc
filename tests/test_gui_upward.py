"""Dialog "Hồ sơ đề nghị cấp trên" (from "Bình xét & Quyết định"), driven by qtbot on the demo."""
import os

import pytest

from gui import messages
from gui.pages.decisions import DecisionsPage
from gui.upward_dialog import ExportDialog, TextsDialog, UpwardDialog
from models import upward
from models.entities import AuditLog, UpwardProposal
from reports.usb import Drive
from tests import gui_world

pytestmark = pytest.mark.slow   # the demo world (tests/gui_world.py) loads once a session


@pytest.fixture
def ctx(demo_ctx, monkeypatch):
    """The demo world (tests/gui_world.py); messages and saved paths in ctx.shown."""
    shown = gui_world.record_messages(monkeypatch, demo_ctx)
    monkeypatch.setattr(messages, "saved", lambda parent, path, text=None: shown.append(path))
    return demo_ctx


def test_reached_from_the_decisions_page(ctx, qtbot, monkeypatch):
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    opened = []
    monkeypatch.setattr(UpwardDialog, "open", classmethod(
        lambda cls, c, parent, **kw: opened.append(kw)))
    page.candidates.year.setValue(2025)
    page.candidates.buttons["upward"].click()
    assert opened and opened[0]["year"] == 2025


def test_proposals_texts_export_and_check(ctx, qtbot, tmp_path, monkeypatch):
    dialog = UpwardDialog(ctx, None, year=2025)
    qtbot.addWidget(dialog)
    dialog.show()
    rows = dialog.model.rows
    assert rows and any("còn thiếu năm 2024" in r[4] for r in rows)
    assert "có cảnh báo" in dialog.count.text()
    # the clerk rewrites a section of the first report
    dialog.view.selectRow(0)
    assert "• Chưa đủ điều kiện" in dialog.detail.text()
    os.makedirs("/tmp/i17-upward", exist_ok=True)
    dialog.grab().save("/tmp/i17-upward/gui-upward-dialog.png")
    typed = {"achievements": "Năm 2025: dẫn đầu cụm."}

    def ask(cls, parent, title, labels, texts, save=None, reread=None):
        save(typed, {k: texts[k] for k in typed})        # as the dialog's OK does
        return typed
    monkeypatch.setattr(TextsDialog, "ask", classmethod(ask))
    dialog.edit_report()
    p = UpwardProposal.get_by_id(rows[0][0])
    assert upward.subject_texts(p)["achievements"] == "Năm 2025: dẫn đầu cụm."
    assert AuditLog.select().where(AuditLog.action == "update_upward_texts").count() == 1
    # export to "the stick" as a ZIP, through the worker, then check what was written
    stick = tmp_path / "usb"
    stick.mkdir()
    picked = {}

    def ask(cls, parent, default_name, drives=None):
        picked["drives"] = drives
        return {"dest_dir": str(stick), "as_zip": True, "name": default_name,
                "replace": False}
    monkeypatch.setattr(ExportDialog, "ask", classmethod(ask))
    worker = dialog.export(drives=[Drive(str(stick), "USB", 10 ** 9)])
    qtbot.waitUntil(worker.isFinished, timeout=60000)
    qtbot.waitUntil(lambda: bool(ctx.shown), timeout=5000)
    zip_path = ctx.shown[-1]
    assert zip_path.endswith(".zip") and os.path.exists(zip_path), ctx.shown
    assert "đã xuất" in dialog.file.currentText()
    assert dialog.verify(path=zip_path) is True
    assert "khớp danh mục SHA-256" in ctx.shown[-1]


def test_export_dialog_lists_the_sticks(qapp, qtbot):
    dialog = ExportDialog(None, "ho-so", drives=[Drive("/media/usb", "KINGSTON", 8 * 1024 ** 3)])
    qtbot.addWidget(dialog)
    assert "KINGSTON" in dialog.drives.item(0).text()
    assert dialog.drives.count() == 2 and dialog.folder_mode.isChecked()
