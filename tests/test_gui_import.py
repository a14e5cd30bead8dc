"""The import dialog: preview with problem cells marked, buttons by state, import off-thread."""
import os

import pytest
from PySide6.QtCore import Qt

from gui import messages
from gui.context import AppContext
from gui.import_dialog import CONVERTED_BG, PROBLEM_BG, ImportDialog
from models.entities import Household
from models.vntext import unicode_to_tcvn3
from tests.helpers import make_org
from tests.test_importer import HOUSE_HEADER
from tests.test_xlsx_read import make_book


@pytest.fixture
def ctx(clerk, database):
    make_org(clerk)
    return AppContext(clerk, database.database)


@pytest.fixture
def said(monkeypatch):
    """Prompts answered without a modal box: confirm says yes, info is recorded."""
    record = {"info": [], "confirm": [], "errors": []}
    monkeypatch.setattr(messages, "info", lambda parent, text, **kw: record["info"].append(text))
    monkeypatch.setattr(messages, "show_error",
                        lambda parent, err, **kw: record["errors"].append(str(err)))

    def confirm(parent, text, **kw):
        record["confirm"].append(text)
        return True
    monkeypatch.setattr(messages, "confirm", confirm)
    return record


def _file(tmp_path):
    rows = [["DANH SÁCH HỘ GIA ĐÌNH"], [], HOUSE_HEADER,
            [1, "Nguyễn Văn Hùng", "Nam", 1970, "Thôn Đông Hòa", "Xóm 1"],
            [2, "Trần Thị Lan", "Nữ", "05/02/1975", "Thôn Đông Hòa", ""],
            [3, "Lê Văn Tâm", "Nam", "năm 80", "Tổ dân phố 1", ""],
            [4, unicode_to_tcvn3("Đặng Văn Đức"), "Nam", 1965, "Thôn Không Có", ""],
            [5, "Vũ Thị Hoa", "Nữ", 1990, "Tổ dân phố 1", ""],
            [6, "VŨ THỊ HOA", "Nữ", 1990, "Tổ dân phố 1", ""]]
    return make_book(tmp_path / "ho.xlsx", rows, fonts={(7, 2): ".VnTime"})


def _open(qtbot, ctx, path):
    dialog = ImportDialog(ctx, "households")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load(path)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    return dialog


def _cell(dialog, row_number, label):
    model = dialog.model
    r = [row.number for row in model.rows].index(row_number)
    c = 1 + [s for s in model.fields].index(label)
    return model.index(r, c)


def test_preview_marks_problem_cells_and_converted_text(qtbot, ctx, tmp_path, said):
    dialog = _open(qtbot, ctx, _file(tmp_path))
    model = dialog.model
    assert model.rowCount() == 6
    year = _cell(dialog, 6, "birth_year")
    assert model.data(year, Qt.BackgroundRole).color() == PROBLEM_BG
    assert "dòng 6, cột D (Năm sinh)" in model.data(year, Qt.ToolTipRole)
    name = _cell(dialog, 7, "head_name")
    assert model.data(name) == "Đặng Văn Đức"
    assert model.data(name, Qt.BackgroundRole).color() == CONVERTED_BG
    assert "TCVN3" in model.data(name, Qt.ToolTipRole)
    village = _cell(dialog, 7, "village")
    assert model.data(village, Qt.BackgroundRole).color() == PROBLEM_BG
    note = model.index(5, model.note_column)
    assert "Có thể trùng với dòng 8" in model.data(note)
    assert not dialog.all_button.isEnabled()
    assert dialog.valid_button.isEnabled()
    assert dialog.valid_button.text() == "Chỉ nhập các dòng hợp lệ (4)"
    assert "6 dòng hộ gia đình, 4 dòng hợp lệ, 2 dòng có lỗi" in dialog.summary.text()
    dialog.only_problems.setChecked(True)
    assert dialog.proxy.rowCount() == 3          # two errors and one likely duplicate
    dialog.only_problems.setChecked(False)
    dialog.resize(1100, 520)
    dialog.grab().save(str(tmp_path / "import-preview.png"))
    if os.environ.get("TDKT_SCREENSHOTS"):
        dialog.grab().save(os.path.join(os.environ["TDKT_SCREENSHOTS"], "import-preview.png"))


def test_import_only_valid_rows_after_confirmation(qtbot, ctx, tmp_path, said):
    before = Household.select().count()
    dialog = _open(qtbot, ctx, _file(tmp_path))
    dialog.valid_button.click()
    qtbot.waitUntil(lambda: dialog.imported, timeout=10000)
    assert "bỏ qua 2 dòng có lỗi" in said["confirm"][0]
    assert "Đã nhập 4 hộ gia đình" in said["info"][0]
    assert Household.select().count() == before + 4


def test_clean_file_enables_import_all(qtbot, ctx, tmp_path, said):
    path = make_book(tmp_path / "ok.xlsx", [HOUSE_HEADER,
                                            [1, "Hồ Văn Mạnh", "Nam", 1971, "Thôn Đông Hòa", ""]])
    dialog = _open(qtbot, ctx, path)
    assert dialog.all_button.isEnabled() and not dialog.valid_button.isEnabled()
    dialog.all_button.click()
    qtbot.waitUntil(lambda: dialog.imported, timeout=10000)
    assert Household.select().where(Household.head_name == "Hồ Văn Mạnh").exists()


def test_not_a_workbook_shows_the_message_and_disables_import(qtbot, ctx, tmp_path, said):
    bad = tmp_path / "x.xlsx"
    bad.write_text("xin chào")
    dialog = ImportDialog(ctx, "households")
    qtbot.addWidget(dialog)
    dialog.load(str(bad))
    qtbot.waitUntil(lambda: "không phải là bảng tính Excel" in dialog.summary.text(),
                    timeout=10000)
    assert not dialog.all_button.isEnabled() and not dialog.valid_button.isEnabled()


def test_viewer_cannot_press_import(qtbot, viewer, database, tmp_path, said):
    ctx = AppContext(viewer, database.database)
    path = make_book(tmp_path / "ok.xlsx", [HOUSE_HEADER, [1, "A", "Nam", 1971, "X", ""]])
    dialog = ImportDialog(ctx, "households")
    qtbot.addWidget(dialog)
    dialog.load(path)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    assert not dialog.all_button.isEnabled() and not dialog.valid_button.isEnabled()


# ---------------------------------------------------------------- pages "Sao lưu", "Báo cáo"

def test_backup_page_backs_up_to_a_drive_and_restores(qtbot, ctx, tmp_path, said, leader):
    from gui.pages.backup import BackupPage
    from reports.usb import Drive
    from models import db as dbmod
    ctx.actor = leader
    page = BackupPage(ctx)
    qtbot.addWidget(page)
    stick = tmp_path / "USB"
    stick.mkdir()
    page.refresh_drives([Drive(str(stick), "USB", 8 * 1024 ** 3)])
    assert page.usb_button.isEnabled()
    page.usb_button.click()
    qtbot.waitUntil(lambda: page.last_backup is not None, timeout=10000)
    assert os.path.dirname(page.last_backup) == str(stick)
    assert "Đã sao lưu và kiểm tra lại" in page.status.text()
    Household.delete().execute()
    assert page.restore_file(page.last_backup)
    assert "Tệp sao lưu của" in said["confirm"][0]
    assert not dbmod.db.obj.is_closed()
    assert Household.select().count() == 2
    page.resize(900, 620)
    if os.environ.get("TDKT_SCREENSHOTS"):
        page.grab().save(os.path.join(os.environ["TDKT_SCREENSHOTS"], "backup-page.png"))


def test_no_full_garbage_collection_while_a_backup_runs(qtbot, ctx, tmp_path, said, leader,
                                                         monkeypatch):
    """An action run with ``ctx.run_task`` (here the Sao lưu page's backup) counts as busy
    until its thread ends: the idle timer's full collection (0.1 s of the GUI thread on
    the 2x demo) waits for it, as it waits for a page's read."""
    import gc
    import threading
    from gui import background, gc_policy
    from gui.pages.backup import BackupPage
    from reports import backup as rbackup
    ctx.actor = leader
    page = BackupPage(ctx)
    qtbot.addWidget(page)
    go, started = threading.Event(), threading.Event()
    real = rbackup.backup_with_info

    def held(*args, **kwargs):          # the real backup, once the test has looked
        started.set()
        go.wait(10)
        return real(*args, **kwargs)
    monkeypatch.setattr(rbackup, "backup_with_info", held)
    runs = []
    monkeypatch.setattr(gc, "collect", lambda *a: runs.append(a) or 0)
    monkeypatch.setattr(gc, "freeze", lambda: None)
    monkeypatch.setattr(gc, "get_count", lambda: (0, 0, gc_policy.OLD_AFTER + 1))
    assert background.busy() == 0
    try:
        page.backup_to_folder(str(tmp_path))
        assert background.busy() == 1                 # counted from the click on
        qtbot.waitUntil(started.is_set, timeout=5000)
        assert gc_policy.collect_when_idle() is False and runs == []
    finally:
        go.set()
    qtbot.waitUntil(lambda: page.last_backup is not None and background.busy() == 0,
                    timeout=10000)
    assert os.path.dirname(page.last_backup) == str(tmp_path)
    assert gc_policy.collect_when_idle() is True and len(runs) == 1   # idle again


def test_backup_page_refuses_a_file_that_is_not_a_backup(qtbot, ctx, tmp_path, said, leader):
    from gui.pages.backup import BackupPage
    ctx.actor = leader
    page = BackupPage(ctx)
    qtbot.addWidget(page)
    bogus = tmp_path / "x.sqlite3"
    bogus.write_text("không phải")
    assert not page.restore_file(str(bogus))
    assert "không phải là tệp dữ liệu" in said["errors"][0]
    assert said["confirm"] == []


def test_reports_page_exports_the_annual_report(qtbot, ctx, tmp_path, said):
    import openpyxl
    from gui.pages.reports import ReportsPage
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    assert page.kind() == "annual"
    out = str(tmp_path / "bao-cao.xlsx")
    page.export_to(out)
    qtbot.waitUntil(lambda: page.last_path is not None, timeout=10000)
    assert openpyxl.load_workbook(out).sheetnames[0] == "Tổng hợp"
    assert page.open_button.isEnabled()
    page.resize(900, 560)
    if os.environ.get("TDKT_SCREENSHOTS"):
        page.grab().save(os.path.join(os.environ["TDKT_SCREENSHOTS"], "reports-page.png"))
