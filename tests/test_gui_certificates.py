"""Page "In giấy khen" and the template editor, driven by qtbot under offscreen Qt."""
import time

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtPrintSupport import QPrinter

from gui import messages
from gui.context import AppContext
from gui.pages import certificates as page_mod
from gui.template_editor import TemplateEditor
from models import templates as tpl
from models.entities import Award, Decision, Household, PrintLog, Title
from models.errors import ValidationError
from tests.helpers import make_org, pdf_pages, pdf_text
from tests.test_certificates import issue, make_decision


@pytest.fixture
def said(monkeypatch):
    """Every prompt, recorded instead of shown; ``confirm`` answers from said['answer']."""
    log = {"info": [], "error": [], "confirm": [], "answer": True, "sheets": None, "asked": []}
    monkeypatch.setattr(messages, "info", lambda parent, text, **kw: log["info"].append(text))
    monkeypatch.setattr(messages, "show_error",
                        lambda parent, err, **kw: log["error"].append(str(err)))

    def confirm(parent, text, **kw):
        log["confirm"].append(text)
        return log["answer"]
    monkeypatch.setattr(messages, "confirm", confirm)

    def sheets(parent, *, total, **kw):
        log["asked"].append(total)
        return total if log["sheets"] is None else log["sheets"]
    monkeypatch.setattr(page_mod.SheetsDialog, "ask", sheets)
    return log


@pytest.fixture
def page(leader, qtbot, said):
    org = make_org(leader)
    decision, awards = make_decision(leader, org)
    Decision.create(year=2025, seq=13, number="", date=decision.date, state="draft")
    ctx = AppContext(leader, "test.sqlite3")
    widget = page_mod.CertificatesPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.awards = awards
    widget.decision_obj = decision
    return widget


def wait(qtbot, page, worker, attr=None):
    qtbot.waitUntil(worker.isFinished, timeout=30000)
    if attr:
        qtbot.waitUntil(lambda: getattr(page, attr) is not None, timeout=5000)
    else:
        qtbot.wait(50)


def test_lists_only_issued_decisions_and_previews_in_list_order(page, qtbot, tmp_path):
    assert page.decision.count() == 1 and "12/QĐ-UBND" in page.decision.currentText()
    assert page.model.rowCount() == 8
    assert [page.model.row_at(i)[3] for i in range(3)] == ["Nguyễn Văn An", "Trần Thị Bình",
                                                            "Lê Đức Cường"]
    assert page.model.row_at(5)[7] == "Gia đình văn hóa"
    worker = page.preview()
    wait(qtbot, page, worker)
    qtbot.waitUntil(lambda: page.preview_doc.pageCount() == 8, timeout=5000)
    page.show()
    qtbot.wait(200)
    page.grab().save(str(tmp_path / "page.png"))
    page.grab().save("/tmp/certpng/gui_page.png")


def test_empty_preview_says_what_to_do_and_a_row_opens_from_that_certificate(page, qtbot):
    """Before anything is previewed the grey area tells the clerk what to do; a double-click
    (or Enter) on a row previews from that certificate, and "▶" walks on to the next row."""
    page.show()
    pane = page.preview_pane
    qtbot.wait(50)
    assert pane.placeholder.isVisible() and "Xem trước" in pane.placeholder.text()
    assert not pane.view.isVisible() and not pane.window_button.isEnabled()
    index = page.model.index(3, 2)
    page.table.setCurrentIndex(index)
    page.table.doubleClicked.emit(index)
    worker = page.last_worker
    wait(qtbot, page, worker)
    qtbot.waitUntil(lambda: pane.page_count() == 5, timeout=5000)     # rows 4..8 of 8
    assert pane.view.isVisible() and not pane.placeholder.isVisible()
    assert pane.window_button.isEnabled()
    text = pdf_text(page._pdf_path("xem-truoc"))
    pages = text.split("\f")
    assert page.model.row_at(3)[3] in pages[0]
    assert page.model.row_at(4)[3] in pages[1]
    assert page.model.row_at(0)[3] not in text
    assert "từ dòng 4" in page.count_label.text()


def test_preview_reads_one_certificate_at_a_time_with_zoom(page, qtbot, tmp_path):
    """The preview fills its area with one certificate, "▶" goes to the next, and the
    clerk can see the whole page, the page width or the real size."""
    page.show()
    worker = page.preview()
    wait(qtbot, page, worker)
    pane = page.preview_pane
    qtbot.waitUntil(lambda: pane.page_count() == 8, timeout=5000)
    qtbot.wait(100)
    assert pane.page_label.text() == "Giấy khen 1/8"
    assert not pane.prev_button.isEnabled() and pane.next_button.isEnabled()
    first = pane.view.grab().toImage()
    qtbot.mouseClick(pane.next_button, Qt.LeftButton)
    qtbot.wait(100)
    assert pane.page_label.text() == "Giấy khen 2/8"
    assert pane.view.grab().toImage() != first          # another certificate is shown
    pane.go_to_page(99)
    assert pane.page_label.text() == "Giấy khen 8/8" and not pane.next_button.isEnabled()
    fit = pane.shown_zoom()
    assert 0.2 < fit < 1.0                               # a whole A4 page fits the pane
    pane.actual_size()
    qtbot.wait(50)
    assert pane.zoom_label.text() == "100 %"
    bars = pane.view.horizontalScrollBar(), pane.view.verticalScrollBar()
    assert max(b.maximum() for b in bars) > 0           # real size is bigger than the pane
    pane.zoom_out()
    assert pane.zoom_label.text() == "80 %"
    pane.fit_page()
    qtbot.wait(50)                   # the scroll bars of the real size go away first
    assert pane.shown_zoom() == pytest.approx(fit, rel=0.05)
    dialog = pane.open_window()                          # the big window, same document
    qtbot.addWidget(dialog)
    big = dialog.findChild(type(pane))
    assert big.page_label.text() == "Giấy khen 8/8"
    qtbot.wait(100)
    assert big.shown_zoom() > fit                        # a maximised window shows it larger
    dialog.accept()


def test_subset_to_pdf_is_logged(page, qtbot, tmp_path, said):
    sel = page.table.selectionModel()
    for row in (3, 1):
        sel.select(page.model.index(row, 0), QItemSelectionModel.Select | QItemSelectionModel.Rows)
    page.chosen_rows.setChecked(True)
    out = tmp_path / "chon.pdf"
    worker = page.save_pdf(str(out))
    wait(qtbot, page, worker)
    qtbot.waitUntil(lambda: PrintLog.select().count() == 2, timeout=5000)
    assert pdf_pages(out) == 2
    pages = pdf_text(out).split("\f")
    assert "Bà Trần Thị Bình" in pages[0] and "Trường Tiểu học Tân Lập" in pages[1]
    assert {r.target for r in PrintLog.select()} == {str(out)}
    assert "Đã lưu 2 giấy khen" in said["info"][-1]
    assert page.model.row_at(1)[8] == 1          # the table shows it was printed once


def pdf_printer(path):
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(72)
    return printer


def test_prints_at_100_percent_and_logs_reprints(page, qtbot, tmp_path, said):
    out = tmp_path / "printer.pdf"
    worker = page.print_selected(printer=pdf_printer(out))
    wait(qtbot, page, worker, "last_outcome")
    assert page.last_outcome.printed == 8 and not page.last_outcome.error
    assert pdf_pages(out) == 8
    import subprocess
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    w, h = (float(v) for v in size.split(":")[1].split("pts")[0].split(" x "))
    assert abs(w - 841.89) < 1.5 and abs(h - 595.28) < 1.5     # A4 landscape, not scaled
    assert PrintLog.select().count() == 8 and said["asked"] == [8]
    assert {r.state for r in PrintLog.select()} == {"printed"}       # the clerk said: all 8
    page.last_outcome = None
    worker = page.print_selected(printer=pdf_printer(tmp_path / "again.pdf"))
    wait(qtbot, page, worker, "last_outcome")
    reprints = PrintLog.select().where(PrintLog.reprint == True).count()  # noqa: E712
    assert reprints == 8


def test_printer_that_disappears_stops_cleanly(page, qtbot, tmp_path, said):
    checks = {"n": 0}

    def still_there():
        checks["n"] += 1
        return checks["n"] <= 3

    worker = page.print_selected(printer=pdf_printer(tmp_path / "gone.pdf"),
                                 still_there=still_there)
    wait(qtbot, page, worker, "last_outcome")
    assert page.last_outcome.printed == 0               # the partial job is thrown away
    assert "0/8" in said["error"][-1] and "Nguyễn Văn An" in said["error"][-1]
    assert PrintLog.select().count() == 0 and not said["asked"]


def test_offset_beyond_20mm_needs_confirmation(page, said):
    page.dx.setValue(25)
    said["answer"] = False
    page.save_offset()
    assert said["confirm"] and tpl.printer_offset("PDF") == (0.0, 0.0)
    said["answer"] = True
    page.save_offset()
    assert tpl.printer_offset("PDF") == (25.0, 0.0)
    assert page.show_test_print().endswith(".pdf")
    assert "X = 25 mm" in pdf_text(page.show_test_print())


def test_test_print_goes_to_the_printer(page, qtbot, tmp_path, said):
    out = tmp_path / "thu.pdf"
    worker = page.print_test(printer=pdf_printer(out))
    wait(qtbot, page, worker, "last_outcome")
    assert page.last_outcome.printed == 1 and pdf_pages(out) == 1
    assert "Đã gửi tờ in thử" in said["info"][-1]
    assert PrintLog.select().count() == 0           # a test print is not a certificate


def test_viewer_cannot_print(viewer, qtbot, said):
    ctx = AppContext(viewer, "test.sqlite3")
    widget = page_mod.CertificatesPage(ctx)
    qtbot.addWidget(widget)
    assert not widget.pdf_button.isEnabled() and not widget.print_button.isEnabled()


def test_editor_drag_numbers_background_and_validation(database, qtbot, said, tmp_path):
    template = tpl.get_template("Giấy khen - cá nhân")
    editor = TemplateEditor(template)
    qtbot.addWidget(editor)
    editor.show()
    item = editor.items[0]
    f = editor.template.fields[0]
    drag(editor.view, item, 12.3, 5.2)            # a drag lands on the half-millimetre grid
    assert abs(f.x - 50.3) <= 1 and abs(f.y - 79.2) <= 1      # screen pixels are ~0.5 mm
    assert f.x * 2 == int(f.x * 2) and f.y * 2 == int(f.y * 2)
    assert editor.model.index(0, 2).data() == f"{f.x:g}".replace(".", ",")
    item.move_to(500, -3)                         # kept on the paper
    assert (f.x, f.y) == (297 - f.w, 0)
    item.move_to(50.5, 79)
    editor.model.setData(editor.model.index(0, 6), "26,5")
    assert f.size == 26.5
    assert not editor.model.setData(editor.model.index(0, 2), "abc")
    with pytest.raises(ValidationError):
        editor.set_background(b"this is not an image")
    from PySide6.QtGui import QImage
    from PySide6.QtCore import QBuffer, QByteArray
    img = QImage(297, 210, QImage.Format_RGB32)
    img.fill(0xFFF4E0)
    buf = QByteArray()
    qb = QBuffer(buf)
    qb.open(QBuffer.WriteOnly)
    img.save(qb, "PNG")
    editor.set_background(bytes(buf))
    editor.grab().save("/tmp/certpng/gui_editor.png")
    editor.model.setData(editor.model.index(1, 2), "290")      # outside the paper
    editor.accept()
    assert said["error"] and "ngoài khổ giấy" in said["error"][-1]
    editor.model.setData(editor.model.index(1, 2), "38")
    editor.name.setText("Phôi của xã")
    editor.save_as_new.setChecked(True)
    editor.accept()
    answer = editor.answer
    assert answer.new and answer.template.name == "Phôi của xã" and answer.background_changed
    editor.add_field()
    assert editor.template.fields[-1].key == "them_1" and len(editor.items) == 9
    editor.table.selectRow(8)
    editor.remove_field()
    assert len(editor.template.fields) == 8 and said["confirm"]
    editor.qr_y.setValue(150)
    assert editor.current_template().qr_y == 150
    path = tmp_path / "mau.json"
    editor.save_file(str(path))
    again = TemplateEditor(tpl.get_template("Gia đình văn hóa"))
    qtbot.addWidget(again)
    again.open_file(str(path))
    assert again.name.text() == "Phôi của xã" and again.template.fields[0].size == 26.5
    assert again.background == answer.background


def drag(view, item, dx_mm, dy_mm):
    """Press on the item, move by (dx, dy) mm in scene units, release: a real mouse drag."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication
    start_scene = item.sceneBoundingRect().center()
    start = view.mapFromScene(start_scene)
    end = view.mapFromScene(start_scene + QPointF(dx_mm, dy_mm))
    vp = view.viewport()
    for kind, pos, buttons in ((QMouseEvent.MouseButtonPress, start, Qt.LeftButton),
                               (QMouseEvent.MouseMove, (start + end) / 2, Qt.LeftButton),
                               (QMouseEvent.MouseMove, end, Qt.LeftButton),
                               (QMouseEvent.MouseButtonRelease, end, Qt.NoButton)):
        p = QPointF(pos)
        event = QMouseEvent(kind, p, vp.mapToGlobal(p), Qt.LeftButton, buttons, Qt.NoModifier)
        QApplication.sendEvent(vp, event)


@pytest.mark.slow
def test_5000_household_certificates_keep_the_window_responsive(leader, qtbot, said, tmp_path):
    org = make_org(leader)
    decision, _ = make_decision(leader, org, state="draft")   # issued once the list is in
    village = org["villages"][0]
    Household.insert_many([{"head_name": f"Nguyễn Văn Hộ {i}", "name_key": "x", "gender": "nam",
                            "village": village} for i in range(5000)]).execute()
    title = Title.get(Title.code == "GDVH")
    rows = [{"decision": decision, "order": 100 + i, "household": h, "title": title,
             "display_name": h.head_name, "place": "Thôn Đông Hòa", "register_year": 2026,
             "register_no": i + 1} for i, h in enumerate(
                 Household.select().where(Household.head_name.startswith("Nguyễn Văn Hộ")))]
    for i in range(0, len(rows), 500):
        Award.insert_many(rows[i:i + 500]).execute()
    issue(decision)
    ctx = AppContext(leader, "test.sqlite3")
    widget = page_mod.CertificatesPage(ctx)
    qtbot.addWidget(widget)
    assert widget.model.rowCount() == 5008
    gaps, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now
    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(20)
    worker = widget.save_pdf(str(tmp_path / "nam.pdf"))
    qtbot.waitUntil(worker.isFinished, timeout=60000)
    timer.stop()
    assert len(gaps) > 20
    assert max(gaps) < 1.0, f"the window froze for {max(gaps):.2f} s"
    assert pdf_pages(tmp_path / "nam.pdf") == 5008


def test_rows_print_state_and_templates_are_read_in_the_background(leader, qtbot, said,
                                                                   monkeypatch):
    from gui import background
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")          # the real reading thread
    org = make_org(leader)
    make_decision(leader, org)
    widget = page_mod.CertificatesPage(AppContext(leader, "test.sqlite3"))
    qtbot.addWidget(widget)
    assert widget.model.rowCount() == 0 and "Đang đọc" in widget.count_label.text()
    assert widget.lazy.built("blanks") is None           # the blanks tab: when first shown
    qtbot.waitUntil(lambda: background.busy() == 0 and widget.model.rowCount() == 8,
                    timeout=20000)
    assert widget.count_label.text() == "8 giấy khen; đang chọn 0"
    names = [widget.template.itemData(i) for i in range(widget.template.count())]
    assert names[0] is None and set(names[1:]) == {t.name for t in tpl.list_templates()}
    assert not widget.confirm_button.isVisibleTo(widget)
    widget.tabs.setCurrentIndex(1)
    assert widget.tabs.currentWidget() is widget.blanks is widget.lazy.built("blanks")


def test_the_preview_is_prepared_on_the_reading_thread_once_the_rows_are_shown(
        leader, qtbot, said, monkeypatch):
    """reportlab and the fonts load while the page is idle (issue 15: they were ~0.15 s of
    the wait after "Xem trước"), once, off the window's thread; the preview is the same."""
    import threading

    from gui import background
    from reports import certificates as certs
    from reports import pdfdoc
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")          # the real reading thread
    monkeypatch.setattr(pdfdoc, "_registered", None)     # as in a fresh process
    threads, real = [], certs.prepare
    monkeypatch.setattr(certs, "prepare",
                        lambda: (threads.append(threading.current_thread()), real())[1])
    org = make_org(leader)
    make_decision(leader, org)
    widget = page_mod.CertificatesPage(AppContext(leader, "test.sqlite3"))
    qtbot.addWidget(widget)
    assert threads == [] and pdfdoc._registered is None    # not while the rows are read
    qtbot.waitUntil(lambda: background.busy() == 0 and widget.model.rowCount() == 8,
                    timeout=20000)
    assert pdfdoc._registered is not None
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    widget.load_rows()                                   # read again: prepared already
    qtbot.waitUntil(lambda: background.busy() == 0, timeout=20000)
    assert len(threads) == 1
    worker = widget.preview()
    qtbot.waitUntil(lambda: worker.isFinished() and widget.preview_doc.pageCount() == 8,
                    timeout=30000)


def test_the_preview_folder_goes_with_the_page(leader, qtbot, said):
    """The page's temporary folder (the preview's PDF) is removed when the page is deleted,
    not left in the temp folder for good."""
    import os
    org = make_org(leader)
    decision, awards = make_decision(leader, org)
    widget = page_mod.CertificatesPage(AppContext(leader, "test.sqlite3"))
    widget.awards, widget.decision_obj = awards, decision
    wait(qtbot, widget, widget.preview())
    preview = widget._pdf_path("xem-truoc")
    qtbot.waitUntil(lambda: os.path.exists(preview), timeout=5000)
    folder = os.path.dirname(preview)
    widget.deleteLater()
    qtbot.waitUntil(lambda: not os.path.exists(folder), timeout=5000)
