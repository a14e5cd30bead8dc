"""Page "Điển hình, sơ kết" and the deadlines on "Tổng quan", driven with qtbot on a real
database: filters and the stuck marker, a dialog per stage (a refused date comes back in the
form), a review made, written, exported and sent."""
import datetime

import pytest
from PySide6.QtCore import Qt

from gui import messages
from gui.context import AppContext
from gui.pages import exemplary as epage
from gui.pages import exemplary_dialogs
from gui.pages import movement_dialogs
from gui.pages import overview as opage
from models import deadlines as dl, exemplary as ex, movements as mv, reviews
from models.entities import ExemplaryModel, Review
from tests.helpers import make_org, pdf_text

TODAY = datetime.date.today()
D = datetime.date


@pytest.fixture
def world(leader, tmp_path):
    o = make_org(leader)
    year = TODAY.year - 1
    m = mv.add_movement(actor=leader, name=f"Phong trào thi đua yêu nước năm {year}",
                        year_from=year)
    mv.add_round(actor=leader, movement=m, name="Đợt 1", start=D(year, 1, 1),
                 end=D(year, 6, 30), review_name="Sơ kết 6 tháng", review_date=D(year, 7, 10))
    old = ex.discover(actor=leader, movement=m, name="Tổ tự quản an ninh trật tự",
                      originator=o["villages"][0], date=D(year, 2, 1))
    done = ex.discover(actor=leader, movement=m, name="Mô hình dân vận khéo",
                       originator=o["villages"][1], date=D(year, 2, 1))
    for stage, day in ((ex.NURTURED, D(year, 3, 1)), (ex.SUMMARISED, D(year, 4, 1))):
        ex.record_stage(actor=leader, model=done, stage=stage, date=day)
    ex.record_replication(actor=leader, model=done, unit=o["office"], date=D(year, 5, 1))
    o.update(movement=m, year=year, old=old, done=done,
             ctx=AppContext(leader, str(tmp_path / "test.sqlite3")))
    return o


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    shown = []
    monkeypatch.setattr(messages, "info", lambda parent, text, **kw: shown.append(text))
    monkeypatch.setattr(messages, "show_error", lambda parent, err, **kw: shown.append(str(err)))
    return shown


def _page(world, qtbot):
    page = epage.ExemplaryPage(world["ctx"])
    qtbot.addWidget(page)
    page.show()
    return page


def test_models_list_filters_and_stuck_marker(world, qtbot):
    page = _page(world, qtbot)
    tab = page.models_tab
    model = tab.model
    names = {model.row_at(i)[1]: model.row_at(i) for i in range(model.rowCount())}
    assert set(names) == {"Tổ tự quản an ninh trật tự", "Mô hình dân vận khéo"}
    old = names["Tổ tự quản an ninh trật tự"]
    assert old[model.STAGE] == "Phát hiện" and old[model.STUCK_FLAG]       # > 180 days
    row = next(i for i in range(model.rowCount()) if model.row_at(i)[0] == world["old"].id)
    flag = model.index(row, [c.index for c in model.COLUMNS].index(model.STUCK_FLAG))
    assert model.data(flag) == "⚠ Dừng lâu"
    assert model.data(flag, Qt.ForegroundRole) is epage.STUCK
    assert "1 dừng lâu" in tab.summary.text()
    tab.stuck_box.setChecked(True)
    assert [model.row_at(i)[1] for i in range(model.rowCount())] == [
        "Tổ tự quản an ninh trật tự"]
    tab.stuck_box.setChecked(False)
    tab.stage_box.setCurrentIndex(tab.stage_box.findData(ex.REPLICATED))
    assert [model.row_at(i)[1] for i in range(model.rowCount())] == ["Mô hình dân vận khéo"]
    tab.stage_box.setCurrentIndex(0)
    qtbot.keyClicks(tab.search, "dan van")
    assert model.rowCount() == 1
    tab.view.selectRow(0)
    assert "Nhân rộng" in tab.detail.toPlainText()
    assert "Trường Tiểu học Tân Lập" in tab.detail.toPlainText()
    assert page.replications.rows == [("Trường Tiểu học Tân Lập", "Mô hình dân vận khéo",
                                       D(world["year"], 5, 1), "")]


def test_models_are_read_on_the_reading_thread(world, qtbot, monkeypatch):
    """The page opens without reading its models on the window's time; the rows, the
    summary and the detail of the first model come when the reading thread has them, and
    a filter changed later reads again the same way."""
    import threading
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")
    readers = []
    real = ex.model_rows

    def counted(**kwargs):
        readers.append(threading.current_thread() is threading.main_thread())
        return real(**kwargs)
    monkeypatch.setattr(ex, "model_rows", counted)
    page = _page(world, qtbot)
    tab = page.models_tab
    assert tab.model.rowCount() == 0 and readers in ([], [False])   # not read here
    assert tab.summary.text() == "Đang đọc danh sách điển hình…"
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=10000)
    assert readers == [False]
    assert "2 điển hình" in tab.summary.text() and "1 dừng lâu" in tab.summary.text()
    assert tab.view.currentIndex().row() == 0 and tab.detail.toPlainText().strip()
    tab.stuck_box.setChecked(True)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10000)
    assert [tab.model.row_at(0)[1]] == ["Tổ tự quản an ninh trật tự"] and readers == [False] * 2


def test_discover_and_next_stage_dialogs(world, qtbot, monkeypatch):
    tab = _page(world, qtbot).models_tab
    answers = [
        {"movement": world["movement"].id, "kind": "practice", "name": "Con đường hoa",
         "search": "", "originator": None, "area": "Môi trường", "date": "31/02/2025",
         "by_whom": "", "evidence": ""},
    ]
    errors = []

    def ask(cls, parent, movements, data=None, error=None):
        errors.append(error)
        if len(errors) == 1:
            return answers[0]
        return dict(data, date=f"01/03/{world['year']}")
    monkeypatch.setattr(exemplary_dialogs.DiscoverDialog, "ask", classmethod(ask))
    tab.discover()
    assert errors[0] is None and "Ngày phát hiện" in str(errors[1])   # form came back
    made = ExemplaryModel.get(ExemplaryModel.name == "Con đường hoa")
    assert made.stage == ex.DISCOVERED and made.area == "Môi trường"
    # the list reloads in the background after the save (under load it can come later)
    def listed():
        return [i for i in range(tab.model.rowCount()) if tab.model.row_at(i)[0] == made.id]
    qtbot.waitUntil(lambda: bool(listed()), timeout=15000)
    tab.view.selectRow(listed()[0])
    assert tab.buttons["next"].text() == "Ghi khâu bồi dưỡng…"
    forms = []

    def form(cls, parent, title, fields, error=None):
        forms.append((title, error))
        day = "01/02/%d" % world["year"] if len(forms) == 1 else "15/03/%d" % world["year"]
        return {"date": day, "by_whom": "Hội Phụ nữ xã", "content": "Hỗ trợ cây giống"}
    monkeypatch.setattr(movement_dialogs.FormDialog, "ask", classmethod(form))
    tab.next_stage()
    assert "trước ngày phát hiện" in str(forms[1][1])
    made = ExemplaryModel.get_by_id(made.id)
    assert made.stage == ex.NURTURED and made.stage_date == D(world["year"], 3, 15)


def test_reviews_tab_make_write_export_send(world, qtbot, monkeypatch, tmp_path):
    page = _page(world, qtbot)
    page.tabs.setCurrentWidget(page.reviews_tab)
    tab = page.reviews_tab
    tab.movement_box.setCurrentIndex(tab.movement_box.findData(world["movement"].id))
    labels = []
    monkeypatch.setattr(messages, "choose", lambda parent, text, items, **kw:
                        labels.append(list(items)) or 0)
    tab.new_review()
    assert labels[0][0].startswith("Sơ kết — Đợt 1")
    assert tab.model.rowCount() == 1
    tab.texts["shortcomings"].setPlainText("Thôn Đông Hòa báo cáo chậm.")
    tab.number.setText("12/BC-UBND")
    tab.save_texts()
    review = Review.get()
    assert review.shortcomings == "Thôn Đông Hòa báo cáo chậm." and review.number == "12/BC-UBND"
    assert "Điển hình tiên tiến: 2" in tab.figures.toPlainText()
    path = tab.export_to(review, str(tmp_path / "so-ket.pdf"))
    text = " ".join(pdf_text(path).split())
    assert "Thôn Đông Hòa báo cáo chậm." in text and "Số: 12/BC-UBND" in text
    monkeypatch.setattr(movement_dialogs.FormDialog, "ask", classmethod(
        lambda cls, parent, title, fields, error=None: {
            "sent_date": f"12/07/{world['year']}", "sent_to": "UBND tỉnh (qua Sở Nội vụ)"}))
    tab.mark_sent()
    assert Review.get().state == reviews.SENT
    assert not tab.texts["shortcomings"].isEnabled() and not tab.buttons["sent"].isEnabled()
    assert tab.buttons["pdf"].isEnabled()


def test_overview_shows_overdue_and_due_soon(world, leader, qtbot):
    today = datetime.date.today()     # the page counts days from today, not from collection
    soon = today + datetime.timedelta(days=5)
    current = mv.add_movement(actor=leader, name=f"Phong trào năm {today.year}",
                              year_from=today.year)
    dl.add_deadline(actor=leader, movement=current, kind="report",
                    label="Báo cáo tổng kết gửi tỉnh", due=soon)
    page = opage.OverviewPage(world["ctx"], year=today.year)
    qtbot.addWidget(page)
    page.reload()
    label = page.findChild(type(page.heading), "deadlines")
    text = label.text()
    assert "Sắp đến hạn" in text and "Báo cáo tổng kết gửi tỉnh" in text and "còn 5 ngày" in text
    if today - D(world["year"], 7, 10) <= datetime.timedelta(days=dl.LOOKBACK_DAYS):
        assert "Quá hạn" in text and "Sơ kết 6 tháng (Đợt 1)" in text


def test_discover_dialog_finds_the_originator_of_the_chosen_kind(world, qtbot):
    """The originator search (gui/subject_finder.py) keeps to the kind chosen: a practice
    may come from anyone, a person's model from a person; no search text, no originator."""
    dialog = exemplary_dialogs.DiscoverDialog(None, [world["movement"]], {"search": "nguyen van an"})
    qtbot.addWidget(dialog)
    assert dialog.originator().full_name == "Nguyễn Văn An"
    dialog.kind.setCurrentIndex(dialog.kind.findData(ex.UNIT))
    assert dialog.results.count() == 0 and dialog.originator() is None
    dialog.kind.setCurrentIndex(dialog.kind.findData(ex.PERSON))
    assert dialog.originator().full_name == "Nguyễn Văn An"
    dialog.search.setText("")
    assert dialog.originator() is None
