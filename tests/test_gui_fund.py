"""The fund ledger tab, the issue confirmation with the fund's balance, the blanks tab and
the blank stock shown before printing to a real CUPS queue; screenshots in /tmp/i18-fund."""
import os

import pytest

from gui import messages
from gui.blanks_tab import BlanksTab
from gui.context import AppContext
from gui.fund_dialogs import BlankMoveDialog, FundEntryDialog
from gui.fund_tab import FundTab
from gui.pages import certificates as page_mod
from gui.pages.decisions import DecisionsPage
from models import blanks, fund
from models.entities import BlankUse, Decision, FundEntry
from tests import gui_world
from tests.helpers import make_org
from tests.test_certificates import make_decision
from tests.test_gui_certificates import wait
from tests.test_gui_print_cups import answer_sheets

SHOTS = "/tmp/i18-fund"
THIS_YEAR = gui_world.THIS_YEAR


def shot(widget, name):
    os.makedirs(SHOTS, exist_ok=True)
    widget.resize(1366, 768)
    widget.show()
    widget.grab().save(os.path.join(SHOTS, name))


@pytest.fixture
def said(monkeypatch):
    log = {"info": [], "error": [], "confirm": [], "ask": [], "answer": True,
           "reason": "Ngân sách bổ sung đã duyệt"}
    monkeypatch.setattr(messages, "info", lambda parent, text, **kw: log["info"].append(text))
    monkeypatch.setattr(messages, "show_error",
                        lambda parent, err, **kw: log["error"].append(str(err)))

    def confirm(parent, text, **kw):
        log["confirm"].append(text)
        return log["answer"]

    def ask_text(parent, label, **kw):
        log["ask"].append(label)
        return log["reason"]
    monkeypatch.setattr(messages, "confirm", confirm)
    monkeypatch.setattr(messages, "ask_text", ask_text)
    return log


@pytest.fixture
def ctx(demo_ctx, said):
    """The demo world (tests/gui_world.py) with the messages of ``said``."""
    return demo_ctx


def fill_and_accept(monkeypatch, cls, fill):
    """Drive the real dialog: fill its fields, press OK; exec returns what accept left."""
    def exec_(self):
        fill(self)
        self.accept()
        return self.result()
    monkeypatch.setattr(cls, "exec", exec_)


def test_fund_tab_ledger_entries_and_overdraft(ctx, qtbot, said, monkeypatch):
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    page.apply_filters(tab="fund")
    tab = page.fund
    assert isinstance(tab, FundTab)
    tab.year.setCurrentIndex(tab.year.findData(THIS_YEAR - 1))
    rows = tab.model.rows
    assert any(r[4] == "Chi thưởng theo quyết định" for r in rows)
    s = fund.year_summary(THIS_YEAR - 1)
    assert f"{s['closing']:,}".replace(",", ".") in tab.summary.text()
    tab.year.setCurrentIndex(tab.year.findData(THIS_YEAR))
    shot(page, "fund-ledger.png")
    before = fund.year_summary(THIS_YEAR)["closing"]
    big = before + 2_000_000

    def fill(d):
        d.amount.setText(f"{big:,}".replace(",", "."))
        d.content.setText("Chi hỗ trợ hội nghị tổng kết")
    fill_and_accept(monkeypatch, FundEntryDialog, fill)
    entry = tab.add("payment")
    assert entry is not None and entry.over_reason == said["reason"]
    assert "lớn hơn số dư" in said["ask"][-1]
    assert fund.year_summary(THIS_YEAR)["closing"] == -2_000_000
    assert "quỹ âm" in tab.summary.text()
    tab.view.selectRow(len(tab.model.rows) - 1)
    assert tab.buttons["delete"].isEnabled()
    shot(page, "fund-ledger-negative.png")
    # a bad amount keeps the dialog open with the message beside the fields
    seen = {}

    def bad(d):
        d.amount.setText("năm triệu")
        seen["dialog"] = d
    fill_and_accept(monkeypatch, FundEntryDialog, bad)
    assert tab.add("receipt") is None
    assert "Số tiền" in seen["dialog"].error.text() and not seen["dialog"].error.isHidden()


def test_issue_shows_the_balance_after_and_asks_a_reason(ctx, qtbot, said):
    fund.add_entry(actor=ctx.actor, kind="other_out", date=f"01/12/{THIS_YEAR}",
                   amount=fund.balance_through(THIS_YEAR), content="Chi khác")
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    page.apply_filters(tab="decisions")
    editor = page.editor
    draft = Decision.get(Decision.state == "draft")
    editor._select(draft.id)
    assert editor.decision.id == draft.id
    said["reason"] = "Chờ ngân sách cấp bổ sung"
    editor.issue()
    assert "còn 0 đồng" in said["confirm"][-1] and "VƯỢT" in said["confirm"][-1]
    issued = Decision.get_by_id(draft.id)
    assert issued.state == "issued"
    entry = FundEntry.get(FundEntry.decision == issued.id)
    assert entry.over_reason == "Chờ ngân sách cấp bổ sung" and entry.amount == issued.total
    page.apply_filters(tab="fund")
    page.fund.reload_years()
    page.fund.year.setCurrentIndex(page.fund.year.findData(THIS_YEAR))
    assert page.fund.model.rows[-1][7] == -issued.total
    shot(page, "fund-after-issue.png")


def test_blanks_tab_receive_and_spoil(ctx, qtbot, said, monkeypatch):
    tab = BlanksTab(ctx)
    qtbot.addWidget(tab)
    assert [r[1] for r in tab.stock.rows] == ["Giấy chứng nhận danh hiệu thi đua",
                                              "Giấy khen của Chủ tịch UBND xã"]
    used = tab.stock.rows[0][3]
    assert used > 0 and tab.stock.rows[0][4] > 0           # the demo printed and reprinted
    tab.stock_view.selectRow(1)

    def receive(d):
        d.serial_from.setText("GK-900001")
        d.serial_to.setText("GK-900100")
    fill_and_accept(monkeypatch, BlankMoveDialog, receive)
    assert tab.receive().quantity == 100
    left = blanks.stock_of("Giấy khen của Chủ tịch UBND xã")["left"]
    seen = {}

    def spoil_too_many(d):
        d.quantity.setValue(left + 1)
        d.reason.setText("Rách")
        seen["dialog"] = d
    fill_and_accept(monkeypatch, BlankMoveDialog, spoil_too_many)
    assert tab.spoil() is None
    assert "chỉ còn" in seen["dialog"].error.text()

    def spoil_used(d):
        d.kind.setCurrentIndex(d.kind.findText("Giấy chứng nhận danh hiệu thi đua"))
        d.stage.setCurrentIndex(d.stage.findData("print"))
        d.quantity.setValue(used + 1)
        d.reason.setText("In sai tên")
        seen["dialog"] = d
    fill_and_accept(monkeypatch, BlankMoveDialog, spoil_used)
    assert tab.spoil() is None and "mới dùng" in seen["dialog"].error.text()
    shot(tab, "blanks-tab.png")
    seen["dialog"].resize(520, 330)
    seen["dialog"].show()
    seen["dialog"].grab().save(os.path.join(SHOTS, "blanks-spoil-refused.png"))


def test_print_page_shows_stock_and_warns_before_a_short_run(leader, qtbot, said,
                                                            print_queue):
    decision, awards = make_decision(leader, make_org(leader))
    from models import templates as tpl
    tpl.list_templates()
    blanks.save_kind(actor=leader, name="Giấy khen của Chủ tịch UBND xã",
                     templates=["Giấy khen - cá nhân", "Giấy khen - tập thể",
                                "Giấy khen - hộ gia đình"])
    blanks.receive(actor=leader, kind="Giấy khen của Chủ tịch UBND xã", quantity=2)
    page = page_mod.CertificatesPage(AppContext(leader, "test.sqlite3"))
    qtbot.addWidget(page)
    page.printer.setCurrentIndex(page.printer.findData(print_queue.name))
    page.mode.setCurrentIndex(page.mode.findData("blank"))
    text = page.blank_label.text()
    assert "cần 3 tờ «Giấy khen của Chủ tịch UBND xã», kho còn 2 — thiếu 1" in text
    assert "chưa gắn loại phôi" in text and "Lao động tiên tiến" in text
    shot(page, "print-page-blanks.png")
    said["answer"] = False
    assert page.print_selected() is None
    assert "Không đủ phôi" in said["confirm"][-1] and BlankUse.select().count() == 0
    said["answer"] = True
    answer_sheets(qtbot, 8)
    worker = page.print_selected()
    wait(qtbot, page, worker, "last_outcome")
    print_queue.received()
    qtbot.waitUntil(lambda: "kho còn -1" in page.blank_label.text(), timeout=10000)
    assert BlankUse.select().count() == 3                      # only the linked template
    page.tabs.setCurrentIndex(1)
    assert page.blanks.stock.rows[0][7] == -1
    shot(page, "print-page-blanks-tab.png")
    page.mode.setCurrentIndex(page.mode.findData("full"))
    assert "không dùng phôi" in page.blank_label.text()
