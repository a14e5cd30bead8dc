"""The clerk's map of the year on "Tổng quan": states computed from real records, and the
buttons open the page where the step continues."""
import datetime

from gui.context import AppContext
from gui.main_window import MainWindow
from gui.pages.decisions import DecisionsPage
from gui.pages.overview import OverviewPage
from models import movements, registrations, year_map
from models.entities import Title

from .helpers import make_org

YEAR = datetime.date.today().year


def _states(year=YEAR):
    return {s.key: s for s in year_map.year_steps(year)}


def test_fresh_commune_says_what_to_do_first(leader):
    steps = year_map.year_steps(YEAR)
    assert [s.state for s in steps] == [year_map.TODO] * len(steps)
    first = year_map.first_to_do(steps)
    assert first.key == "launch" and first.page == "movements"
    assert "phong trào" in first.hint
    assert any(f"năm {YEAR}" in m for m in first.missing)


def test_steps_follow_the_records(leader):
    org = make_org(leader)
    mv = movements.add_movement(actor=leader, name="Thi đua yêu nước", year_from=YEAR)
    steps = _states()
    assert steps["launch"].state == year_map.DONE
    assert "1 phong trào" in steps["launch"].done
    assert any("chỉ tiêu" in m for m in steps["launch"].missing)
    ldtt = Title.get(Title.code == "LDTT")
    regs = [registrations.register(actor=leader, movement=mv, subject=p, year=YEAR,
                                   titles=[ldtt]) for p in org["people"]]
    registrations.submit(actor=leader, registration=regs[0])
    step = _states()["registrations"]
    assert step.state == year_map.PROGRESS
    assert "3 đăng ký, 0 đã duyệt" == step.done
    assert "1 đăng ký đã gửi, chờ duyệt." in step.missing
    assert "2 đăng ký còn nháp, chưa gửi." in step.missing
    assert step.filters == {"year": YEAR, "state": "submitted"}
    for reg in regs[1:]:
        registrations.submit(actor=leader, registration=reg)
    for reg in regs:
        registrations.accept(actor=leader, registration=reg)
    assert _states()["registrations"].state == year_map.DONE
    # another year is untouched
    assert _states(YEAR - 3)["registrations"].state == year_map.TODO
    assert YEAR in year_map.active_years()


def test_overview_buttons_open_the_right_page(leader, qtbot):
    ctx = AppContext(leader, "test.sqlite3")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.go_to("overview")
    assert isinstance(page, OverviewPage)
    page.reload()
    assert page.year_map is not None
    assert page.year_map.buttons["launch"].isDefault()
    page.year_map.buttons["launch"].click()
    assert window.stack.currentWidget() is window.widgets["movements"]
    page.year_map.buttons["council"].click()
    decisions = window.widgets["decisions"]
    assert window.stack.currentWidget() is decisions
    assert decisions.tabs.currentIndex() == 0
    assert decisions.candidates.year.value() == YEAR


def test_decisions_page_shows_a_movement_created_after_it_opened(leader, qtbot):
    ctx = AppContext(leader, "test.sqlite3")
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.candidates.year.setValue(YEAR)
    assert page.candidates.movement.count() == 0
    movements.add_movement(actor=leader, name="Phong trào mới", year_from=YEAR)
    ctx.changed("movements")
    names = [page.candidates.movement.itemText(i)
             for i in range(page.candidates.movement.count())]
    assert names == ["Phong trào mới"]
    # hidden while the movement is made: it appears when the page is shown again
    page.hide()
    movements.add_movement(actor=leader, name="Phong trào thứ hai", year_from=YEAR)
    ctx.changed("movements")
    page.show()
    qtbot.waitUntil(lambda: page.candidates.movement.count() == 2)
    assert page.candidates.movement.currentText() == "Phong trào mới"


def test_overview_and_annual_report_count_registrations_alike(leader):
    """A returned registration is left out on both "Tổng quan" and "Báo cáo", and the
    overview says how many it left out."""
    from models import statistics
    org = make_org(leader)
    mv = movements.add_movement(actor=leader, name="Thi đua yêu nước", year_from=YEAR)
    ldtt = Title.get(Title.code == "LDTT")
    regs = [registrations.register(actor=leader, movement=mv, subject=p, year=YEAR,
                                   titles=[ldtt]) for p in org["people"]]
    registrations.submit(actor=leader, registration=regs[0])
    registrations.return_registration(actor=leader, registration=regs[0],
                                      reason="Thiếu chữ ký")
    step = _states()["registrations"]
    reported = statistics.annual_summary(YEAR).current.registrations
    assert reported == 2
    assert step.done == "2 đăng ký, 0 đã duyệt (không tính 1 bị trả lại)"
    assert "1 đăng ký bị trả lại, chờ sửa." in step.missing


def test_overview_read_before_the_window_is_what_the_page_shows(leader, qtbot, monkeypatch):
    """At start-up the overview is read on the reading thread before the window exists
    (gui.app.run_gui); the page built later shows that reading, and a page made after a
    change reads again."""
    from gui import background
    from gui.pages import overview
    make_org(leader)
    movements.add_movement(actor=leader, name="Thi đua yêu nước", year_from=YEAR)
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")           # the real reading thread
    overview.read_early()
    early = overview._early[YEAR]
    page = OverviewPage(AppContext(leader, "x"))
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.year_map is not None and background.busy() == 0,
                    timeout=20000)
    assert early.result is not None and not overview._early     # taken by the page
    assert [s.state for s in early.result["steps"]] == [s.state for s in _states().values()]
    assert early.result["steps"][0].state != year_map.TODO       # the movement counts
    from PySide6.QtWidgets import QLabel
    texts = " ".join(label.text() for label in page.year_map.findChildren(QLabel))
    assert "1 phong trào" in texts


def _world_with_registrations(leader):
    org = make_org(leader)
    mv = movements.add_movement(actor=leader, name="Thi đua yêu nước", year_from=YEAR)
    ldtt = Title.get(Title.code == "LDTT")
    regs = [registrations.register(actor=leader, movement=mv, subject=p, year=YEAR,
                                   titles=[ldtt]) for p in org["people"]]
    registrations.submit(actor=leader, registration=regs[0])


def test_overview_sections_read_beside_the_steps_give_the_same_page(leader, monkeypatch):
    """Out of tests the overview's sections are read on a second connection while the year's
    steps are read (SQLite computes without Python's GIL: the two cores at start-up, issue
    15): the same data as read one after the other on one connection, and the second
    thread's connection is closed after its read."""
    import threading
    from gui.pages import overview
    from models.db import db
    _world_with_registrations(leader)
    one_connection = overview.read_year(YEAR)          # tests: inline, one after the other
    threads, closed = [], []
    fetch = overview.SECTIONS[-1][1]

    def spy(year):
        threads.append(threading.current_thread())
        try:
            return fetch(year)
        finally:
            closed.append(db.is_closed())            # open while it reads

    monkeypatch.setattr(overview, "SECTIONS",
                        overview.SECTIONS[:-1] + [(overview.SECTIONS[-1][0], spy,
                                                   overview.SECTIONS[-1][2])])
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")
    beside = overview.read_year(YEAR)
    assert beside == one_connection
    assert beside["sections"][-1]["counts"]["person"]["submitted"] == 1
    if db.obj.engine == "sqlite":
        assert threads[0] is not threading.current_thread() and not threads[0].is_alive()
        assert closed == [False]
        assert threads[0].name == "tdkt-read-beside"
    else:       # a server: one connection, one after the other
        assert threads == [threading.current_thread()]


def test_a_read_beside_raises_its_error_to_the_caller_and_sees_an_open_transaction(
        leader, monkeypatch):
    """What the second thread raised reaches the page's read (shown as its error); inside a
    transaction the read runs on the caller's connection (another would not see it)."""
    import pytest
    from gui import background
    from models.db import db
    from models.entities import Movement
    from models.errors import UserError
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")

    def fails():
        raise UserError("Không đọc được")
    with pytest.raises(UserError, match="Không đọc được"):
        background.beside(fails).result()
    with db.atomic():
        movements.add_movement(actor=leader, name="Chưa lưu", year_from=YEAR)
        seen = background.beside(
            lambda: Movement.select().where(Movement.name == "Chưa lưu").count())
        assert seen.result() == 1
