"""The "Nhật ký" tab of Cài đặt: leaders only, filters, search, Excel export, chain check."""
import sqlite3

import openpyxl
import pytest

from gui import messages
from gui.context import AppContext
from gui.pages.settings import SettingsPage
from models import accounts, settings
from models import db as dbmod
from tests.helpers import make_org
from tests.office import convert, needs_libreoffice


@pytest.fixture
def said(monkeypatch):
    """Prompts recorded instead of shown as modal boxes."""
    record = {"info": [], "errors": []}
    monkeypatch.setattr(messages, "info", lambda parent, text, **kw: record["info"].append(text))
    monkeypatch.setattr(messages, "show_error",
                        lambda parent, err, **kw: record["errors"].append(str(err)))
    return record


@pytest.fixture
def history(database, leader, clerk):
    settings.update_settings(actor=leader, values={"chairman": "Nguyễn Văn Hùng"},
                             reason="bầu Chủ tịch mới")
    make_org(clerk)
    with pytest.raises(Exception):
        accounts.authenticate("ai-do", "sai-mat-khau")
    return database


def _tab(qtbot, actor, db):
    page = SettingsPage(AppContext(actor, db.database))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    return page


def test_leaders_see_the_log_clerks_do_not(history, leader, clerk, qtbot):
    assert _tab(qtbot, clerk, history).audit is None
    page = _tab(qtbot, leader, history)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles[-1] == "Nhật ký"


def test_filters_search_and_detail(history, leader, qtbot, tmp_path):
    page = _tab(qtbot, leader, history)
    page.tabs.setCurrentWidget(page.audit)
    tab = page.audit
    model = tab.model
    total = model.rowCount()
    assert total > 10 and "Nhật ký nguyên vẹn" in tab.chain.text()
    # newest first: the failed sign-in, audited under the name that was tried
    first = model.row_at(0)
    assert first[2] == "ai-do" and first[3] == "Đăng nhập sai"
    tab.user.setCurrentIndex(tab.user.findData("lanhdao"))
    assert model.rowCount() == 1
    row = model.row_at(0)
    assert row[3] == "Sửa cài đặt" and row[5] == "chủ tịch: —" and \
        row[6] == "chủ tịch: Nguyễn Văn Hùng" and row[7] == "bầu Chủ tịch mới"
    tab.view.selectRow(0)
    assert "Sau: chủ tịch: Nguyễn Văn Hùng" in tab.detail.toPlainText()
    tab.user.setCurrentIndex(0)
    tab.search.setText("hung")                    # no accents typed, still found
    assert model.rowCount() == 1
    tab.search.setText("")
    tab.date_from.setText("01/01/2000")
    tab.date_to.setText("31/12/2000")
    tab.apply_filters()
    assert model.rowCount() == 0
    tab.date_to.setText("99/99/2000")
    tab.apply_filters()
    assert not tab.error.isHidden()
    tab.date_from.setText("")
    tab.date_to.setText("")
    tab.apply_filters()
    assert model.rowCount() == total
    tab.grab().save(str(tmp_path / "nhat-ky.png"))


@needs_libreoffice()
def test_export_to_excel_opens_in_libreoffice(history, leader, qtbot, tmp_path, said):
    page = _tab(qtbot, leader, history)
    tab = page.audit
    tab.action.setCurrentIndex(tab.action.findData("add_unit"))
    out = tmp_path / "nhat-ky.xlsx"
    worker = tab.export_to(str(out))
    qtbot.waitUntil(lambda: tab.last_path is not None or bool(said["errors"]), timeout=30000)
    assert not said["errors"] and said["info"] == [f"Đã xuất nhật ký ra {out}"]
    del worker
    calc = convert([out], "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")[0]
    for path in (out, calc):             # ours, and as LibreOffice Calc saved it
        ws = openpyxl.load_workbook(path).active
        values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
        header = next(i for i, r in enumerate(values) if r[0] == "STT")
        rows = [r for r in values[header + 1:] if isinstance(r[0], (int, float))]
        assert len(rows) == 5 and {r[4] for r in rows} == {"Thêm đơn vị"}
        assert all(r[3] == "canbo" for r in rows)
        text = " ".join(str(c) for r in values for c in r if c is not None)
        assert "Lọc: việc Thêm đơn vị" in text and "Nhật ký nguyên vẹn" in text


def test_a_broken_chain_is_shown_in_red(history, leader, qtbot):
    conn = sqlite3.connect(dbmod.current_path())
    conn.execute("DROP TRIGGER tdkt_audit_update")
    conn.execute("UPDATE audit_log SET reason = 'khác' WHERE id = 2")
    conn.commit()
    conn.close()
    page = _tab(qtbot, leader, history)
    assert "✘ Nhật ký bị sửa hoặc xóa từ dòng số 2" in page.audit.chain.text()


def test_log_and_chain_are_read_on_the_reading_thread(history, leader, qtbot, monkeypatch):
    """Issue 15: the whole chain is walked off the window's time ("Đang kiểm tra…" until
    then); what it shows is what the check says, intact or broken."""
    from PySide6.QtWidgets import QPushButton
    from gui import background
    from models import audit_log
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")          # the real reading thread
    page = _tab(qtbot, leader, history)
    page.tabs.setCurrentWidget(page.audit)
    tab = page.audit
    assert tab.chain.text().startswith("Đang kiểm tra") and tab.model.rowCount() == 0
    assert tab.count.text() == "Đang đọc nhật ký…"
    qtbot.waitUntil(lambda: background.busy() == 0 and tab.chain_result is not None,
                    timeout=20000)
    total = len(audit_log.audit_rows())
    assert tab.model.rowCount() == total > 10
    assert tab.count.text() == f"{total} dòng nhật ký"
    assert tab.user.findData("lanhdao") > 0 and tab.action.findData("add_unit") > 0
    assert tab.chain.text() == "✔ " + audit_log.verify_chain().describe()
    assert "Nhật ký nguyên vẹn" in tab.chain.text()
    tab.user.setCurrentIndex(tab.user.findData("lanhdao"))    # a filter: read again
    qtbot.waitUntil(lambda: background.busy() == 0 and tab.model.rowCount() == 1,
                    timeout=20000)
    conn = sqlite3.connect(dbmod.current_path())
    conn.execute("DROP TRIGGER tdkt_audit_update")
    conn.execute("UPDATE audit_log SET reason = 'khác' WHERE id = 2")
    conn.commit()
    conn.close()
    button = next(b for b in tab.findChildren(QPushButton) if b.text() == "Kiểm tra chuỗi mã")
    button.click()
    assert tab.chain_result is None and tab.chain.text().startswith("Đang kiểm tra")
    qtbot.waitUntil(lambda: background.busy() == 0 and tab.chain_result is not None,
                    timeout=20000)
    broken = audit_log.verify_chain()
    assert not broken.ok and broken.broken_id == 2
    assert tab.chain.text() == "✘ " + broken.describe()
    assert "✘ Nhật ký bị sửa hoặc xóa từ dòng số 2" in tab.chain.text()
    assert "font-weight: bold" in tab.chain.styleSheet()
