"""The certificates page printing to a real CUPS queue: the print flow, the "how many came
out" step, spoiled blanks reprinted in one action, no printer at all. Screenshots are kept
in /tmp/i11-print/shots for a person to look at."""
import os

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gui import messages, printing
from gui.context import AppContext
from gui.pages import certificates as page_mod
from gui.print_dialogs import SheetsDialog
from models import print_log
from models.entities import PrintLog
from tests import print_measure as pm
from tests.helpers import make_org
from tests.test_certificates import make_decision
from tests.test_gui_certificates import wait

SHOTS = "/tmp/i11-print/shots"


@pytest.fixture
def said(monkeypatch):
    log = {"info": [], "error": [], "confirm": [], "answer": True}
    monkeypatch.setattr(messages, "info", lambda parent, text, **kw: log["info"].append(text))
    monkeypatch.setattr(messages, "show_error",
                        lambda parent, err, **kw: log["error"].append(str(err)))

    def confirm(parent, text, **kw):
        log["confirm"].append(text)
        return log["answer"]
    monkeypatch.setattr(messages, "confirm", confirm)
    return log


def make_page(leader, qtbot):
    ctx = AppContext(leader, "test.sqlite3")
    widget = page_mod.CertificatesPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    return widget


def answer_sheets(qtbot, count, shot=None):
    """Answer the real SheetsDialog when it opens (and photograph it)."""
    def answer():
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, SheetsDialog) and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(50, answer)
            return
        dialog.count.setValue(count)
        if shot:
            os.makedirs(SHOTS, exist_ok=True)
            dialog.grab().save(os.path.join(SHOTS, shot))
        dialog.accept()
    QTimer.singleShot(50, answer)


def test_print_flow_counts_sheets_and_reprints_spoiled(leader, qtbot, said, print_queue):
    decision, awards = make_decision(leader, make_org(leader))
    page = make_page(leader, qtbot)
    page.show()
    index = page.printer.findData(print_queue.name)
    assert index >= 0                       # Qt lists the queue of our cupsd
    page.printer.setCurrentIndex(index)
    page.mode.setCurrentIndex(page.mode.findData("full"))
    os.makedirs(SHOTS, exist_ok=True)
    page.grab().save(os.path.join(SHOTS, "print-page.png"))
    answer_sheets(qtbot, 6, shot="how-many-came-out.png")
    worker = page.print_selected()
    wait(qtbot, page, worker, "last_outcome")
    qtbot.waitUntil(lambda: PrintLog.select().where(PrintLog.state != "sent").count() == 8,
                    timeout=10000)
    assert not said["error"], said["error"]
    assert page.last_outcome.printed == 8 and page.last_outcome.job
    states = [r.state for r in PrintLog.select().order_by(PrintLog.id)]
    assert states == ["printed"] * 6 + ["spoiled"] * 2
    assert "2 phôi hỏng" in said["info"][-1]
    assert page.spoiled_button.isVisibleTo(page) and "2" in page.spoiled_button.text()
    page.grab().save(os.path.join(SHOTS, "after-count.png"))
    assert print_queue.received() > 0
    assert len(pm.render(print_queue.out)) == 8
    print_queue.clear()
    # one action reprints exactly the two spoiled blanks
    page.last_outcome = None
    answer_sheets(qtbot, 2)
    worker = page.reprint_spoiled()
    wait(qtbot, page, worker, "last_outcome")
    qtbot.waitUntil(lambda: not print_log.spoiled_award_ids(decision.id), timeout=10000)
    assert print_queue.received() > 0
    assert len(pm.render(print_queue.out)) == 2
    reprinted = list(PrintLog.select().order_by(PrintLog.id))[8:]
    assert [r.award_id for r in reprinted] == [awards[6].id, awards[7].id]
    assert {r.state for r in reprinted} == {"printed"} and not any(r.reprint for r in reprinted)
    assert page.model.row_at(7)[8] == 1               # printed once, on the second try


def test_unconfirmed_batch_can_be_counted_later(leader, qtbot, said, print_queue):
    decision, awards = make_decision(leader, make_org(leader))
    from gui import batch_print
    run = batch_print.print_certificates(actor=leader, decision_id=decision.id,
                                         printer_name=print_queue.name)
    assert run.outcome.printed == 8
    page = make_page(leader, qtbot)
    assert page.confirm_button.isVisibleTo(page) and "8" in page.confirm_button.text()
    answer_sheets(qtbot, 8)
    assert page.confirm_pending() == 8
    assert {r.state for r in PrintLog.select()} == {"printed"}
    assert not page.confirm_button.isVisibleTo(page)


def test_paused_queue_is_told_before_printing(leader, qtbot, said, print_queue, cups_server):
    make_decision(leader, make_org(leader))
    page = make_page(leader, qtbot)
    page.printer.setCurrentIndex(page.printer.findData(print_queue.name))
    cups_server.run("cupsdisable", print_queue.name)
    assert page.print_selected() is None
    assert "tạm dừng" in said["error"][-1]
    assert PrintLog.select().count() == 0 and print_queue.nothing_received()


def test_no_printer_installed_offers_pdf(leader, qtbot, said, cups_server):
    make_decision(leader, make_org(leader))
    assert printing.printer_names()[0] == []
    page = make_page(leader, qtbot)
    assert page.printer.count() == 1 and page.printer.currentData() == ""
    said["answer"] = False
    assert page.print_selected() is None
    assert "chưa cài máy in" in said["confirm"][-1] and "Lưu PDF" in said["confirm"][-1]
