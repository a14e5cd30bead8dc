"""Never frozen (issue 14): no full garbage collection while a thread reads, table cells
answered without Python's enum machinery, "Bình xét & Quyết định" builds only the tab shown,
"Tổng quan" reads in the background."""
import gc

import pytest
from PySide6.QtCore import QModelIndex, Qt

from gui import background, gc_policy
from gui.context import AppContext
from gui.pages import overview as opage
from gui.pages.decisions import DecisionsPage, RegisterTab
from gui.table_model import Col, FilterTableModel, ID_ROLE, ROW_ROLE, RowsModel, name_sort
from models import vntext
from models import movements as mv


@pytest.fixture
def old_gc():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)
    if gc_policy._timer is not None:     # no collections on a timer in later tests
        gc_policy._timer.stop()
        gc_policy._timer.deleteLater()
        gc_policy._timer = None


def test_gc_policy_keeps_full_collections_for_idle_time(qapp, old_gc, monkeypatch):
    timer = gc_policy.install(qapp)
    assert timer.isActive()
    assert gc.get_threshold()[:2] == gc_policy.YOUNG_THRESHOLDS
    assert gc.get_threshold()[2] >= gc_policy.NEVER     # never automatic
    assert not gc.isenabled() and gc_policy._due_timer.isActive()   # on the GUI thread
    runs, frozen = [], []
    monkeypatch.setattr(gc, "collect", lambda *a: runs.append(a) or 0)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(len(runs)))
    monkeypatch.setattr(gc, "get_count", lambda: (0, 0, gc_policy.OLD_AFTER + 1))
    monkeypatch.setattr(background, "busy", lambda: 1)   # a page is reading
    assert gc_policy.collect_when_idle() is False and runs == []
    monkeypatch.setattr(background, "busy", lambda: 0)
    assert gc_policy.collect_when_idle() is True and len(runs) == 1
    assert frozen == [1]                                # what survived it, after it
    monkeypatch.setattr(gc, "get_count", lambda: (0, 0, 1))   # little garbage since
    assert gc_policy.collect_when_idle() is False and len(runs) == 1


def test_idle_full_collections_walk_a_long_list_once(qapp, monkeypatch):
    """What survives an idle full collection is frozen: later ones do not walk a page's long
    list again (1.6 million items, 0.1 s of the GUI thread on the 2x demo). Every
    UNFREEZE_EVERY-th one walks everything, so a ring of old objects dropped meanwhile is
    still freed."""
    import weakref
    monkeypatch.setattr(gc_policy, "_idle_runs", 0)
    try:
        rows = [[i, str(i)] for i in range(20000)]       # a page's rows (tracked lists)
        assert any(o is rows for o in gc.get_objects())  # a full collection would walk it
        before = gc.get_freeze_count()
        assert gc_policy.collect_when_idle(force=True)
        assert gc.get_freeze_count() >= before + 20000
        assert not any(o is rows for o in gc.get_objects())   # no longer walked

        class Ring:
            pass
        ring = Ring()
        ring.me = ring
        probe = weakref.ref(ring)
        assert gc_policy.collect_when_idle(force=True)  # run 2: the ring is frozen now
        del ring
        for _ in range(3, gc_policy.UNFREEZE_EVERY):
            assert gc_policy.collect_when_idle(force=True)
            assert probe() is not None                  # frozen garbage waits…
        assert gc_policy.collect_when_idle(force=True)  # … for the tenth run
        assert probe() is None
        assert len(rows) == 20000 and rows[-1] == [19999, "19999"]   # the list is intact
    finally:
        gc.unfreeze()


def test_due_collections_run_on_the_gui_threads_timer(qapp, old_gc, monkeypatch):
    """Python's automatic collector would run on whichever thread allocates (the reading
    thread): a timer of the GUI thread runs the collection it would have run instead
    (tests/test_gui_gc_thread.py shows the crash this prevents)."""
    import threading
    before, gc_policy._due_timer = gc_policy._due_timer, None   # as in a new program
    made = []
    try:
        thread = threading.Thread(
            target=lambda: made.append(gc_policy.collect_on_gui_thread()))
        thread.start()
        thread.join()
        assert made == [None]                         # another thread never makes it
        timer = gc_policy.collect_on_gui_thread()
        assert timer.isActive() and timer.interval() == gc_policy.YOUNG_CHECK_MS
        assert not gc.isenabled()
        assert gc_policy.collect_on_gui_thread() is timer                  # made once
    finally:
        if before is not None:                        # the session's timer stays
            gc_policy._due_timer.stop()
            gc_policy._due_timer.deleteLater()
            gc_policy._due_timer = before
    gc.set_threshold(700, 10, gc_policy.NEVER)
    runs = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: runs.append(generation) or 0)
    for counts, generation in [((699, 9, 0), None), ((700, 9, 0), 0), ((701, 10, 0), 1),
                               ((701, 10, 10), 1)]:
        monkeypatch.setattr(gc, "get_count", lambda c=counts: c)
        assert gc_policy.collect_due() is (generation is not None)
        assert runs[-1:] == ([generation] if generation is not None else [])
        runs.clear()
    gc.set_threshold(700, 10, 10)                 # a full one only when asked (tests)
    monkeypatch.setattr(gc, "get_count", lambda: (701, 10, 10))
    assert gc_policy.collect_due(oldest=2) and runs == [2]
    monkeypatch.setattr(gc_policy, "_paused", True)   # the window is being built
    assert gc_policy.collect_due() is False and runs == [2]



def test_young_collections_come_in_smaller_pieces_while_a_thread_reads(qapp, qtbot,
                                                                        monkeypatch):
    """While a page reads (or an action saves) the GUI thread's due collections run every
    BUSY_CHECK_MS: each walks what a few ms of the reading thread made, not 50 ms of it."""
    import threading
    timer = gc_policy.collect_on_gui_thread()
    assert timer is not None and gc_policy.BUSY_CHECK_MS < gc_policy.YOUNG_CHECK_MS
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")           # the real reading thread
    go, shown = threading.Event(), []
    loader = background.Loader(None)
    try:
        loader.start(lambda: go.wait(10) and "read", shown.append, at_once=True)
        assert background.busy() and timer.interval() == gc_policy.BUSY_CHECK_MS
        go.set()
        qtbot.waitUntil(lambda: shown == ["read"] and background.busy() == 0, timeout=10000)
        gc_policy.collect_due()                          # the timer's next look
        assert timer.interval() == gc_policy.YOUNG_CHECK_MS
    finally:
        go.set()
        timer.setInterval(gc_policy.YOUNG_CHECK_MS)
        loader.deleteLater()


class _Model(FilterTableModel):
    COLUMNS = [Col("Tên", 1), Col("Số", 2, align="right", fmt=lambda v: f"{v} đ")]
    ACTIVE_INDEX = 3

    def load(self):
        return [(7, "An", 5, True), (8, "Bình", None, False)]

    def key(self, row):
        return row[1]


def test_table_cells_answer_every_role_with_plain_ints_and_enums(qapp):
    model = _Model()
    model.reload()
    first, second = model.index(0, 0), model.index(1, 1)
    assert model.data(first) == "An" and model.data(first, 0) == "An"
    assert model.data(second, Qt.DisplayRole) == "None đ"
    assert model.data(model.index(0, 1), int(Qt.TextAlignmentRole.value)) == \
        Qt.AlignRight | Qt.AlignVCenter
    assert model.data(first, Qt.TextAlignmentRole) == Qt.AlignLeft | Qt.AlignVCenter
    assert model.data(first, Qt.ForegroundRole) is None            # active row
    grey = model.data(second, Qt.ForegroundRole)                    # greyed, one brush
    assert grey.color().name() == "#888888" and model.data(second, 9) is grey
    assert model.data(first, ID_ROLE) == 7 and model.data(second, ROW_ROLE)[1] == "Bình"
    assert model.data(first, Qt.ToolTipRole) is None
    assert model.data(QModelIndex()) is None
    assert model.data(QModelIndex(), Qt.TextAlignmentRole) is None
    small = RowsModel([("a", 1)])                 # the overview's tables: headers the same way
    small.HEADERS = ("Tên", "Số")
    assert small.headerData(1, Qt.Horizontal) == "Số" == small.headerData(1, Qt.Horizontal, 0)
    assert small.headerData(1, Qt.Horizontal, Qt.DisplayRole) == "Số"
    assert small.headerData(0, Qt.Vertical, 0) is None
    assert small.headerData(0, Qt.Horizontal, Qt.ToolTipRole) is None


def test_decisions_page_builds_other_tabs_when_first_shown(database, leader, qtbot):
    ctx = AppContext(leader, "test.sqlite3")
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    assert all(page._built(key) is None for key in page.lazy.holders)
    ctx.changed("decisions")              # a save elsewhere builds nothing hidden
    assert page._built("register") is None
    page.tabs.setCurrentIndex(page.TABS["register"])
    register = page._built("register")
    assert isinstance(register, RegisterTab)
    assert page.tabs.currentWidget() is register and page.register is register
    assert page.tabs.tabText(page.TABS["register"]) == "Sổ khen thưởng && quỹ"
    assert page.tabs.count() == 5 and page._built("editor") is None
    editor = page.editor                  # asked for by code: built in its place
    assert page.tabs.indexOf(editor) == page.TABS["decisions"]
    assert page.tabs.currentWidget() is register
    page.apply_filters(tab="fund")
    assert page.tabs.currentWidget() is page.fund


def test_registrations_and_settings_build_hidden_tabs_when_first_shown(database, leader,
                                                                      qtbot):
    from gui.pages.registrations import RegistrationsPage
    from gui.pages.settings import SettingsPage
    ctx = AppContext(leader, "test.sqlite3")
    page = RegistrationsPage(ctx)
    qtbot.addWidget(page)
    assert [page.lazy.built(k) for k in ("places", "covenants")] == [None, None]
    assert page.tabs.count() == 3 and page.tabs.tabText(2) == "Giao ước cụm, khối"
    page.tabs.setCurrentIndex(2)                       # shown: built in its place
    assert page.tabs.currentWidget() is page.lazy.built("covenants")
    assert page.cov_view.model() is page.covenants and page.bloc.count() >= 0
    assert page.lazy.built("places") is None
    assert page.place_view.model() is page.places      # asked for by code: built
    assert page.tabs.indexOf(page.place_view) == 1 and page.tabs.currentIndex() == 2
    settings = SettingsPage(ctx)
    qtbot.addWidget(settings)
    assert all(settings.lazy.built(k) is None for k in settings.lazy.holders)
    assert settings.tabs.count() == 6 and settings.tabs.tabText(5) == "Nhật ký"
    settings.tabs.setCurrentIndex(5)
    assert settings.tabs.currentWidget() is settings.audit is settings.lazy.built("audit")


def test_reports_page_reads_its_figures_in_the_background(database, leader, qtbot,
                                                          monkeypatch):
    from gui.pages.reports import FiguresModel, ReportsPage
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")
    page = ReportsPage(AppContext(leader, "test.sqlite3"))
    qtbot.addWidget(page)
    year = page.year_spin.value()
    assert page.model.rows == [] and page.model.headerData(1, Qt.Horizontal) == f"Năm {year}"
    qtbot.waitUntil(lambda: background.busy() == 0 and bool(page.model.rows), timeout=20000)
    assert page.model.rows == FiguresModel.read(year)
    assert page.model.rows[0][0] == "Số quyết định khen thưởng"


def test_movements_read_in_the_background_and_exemplary_tabs_wait(database, leader, qtbot,
                                                                  monkeypatch):
    from gui.pages.exemplary import ExemplaryPage
    from gui.pages.movements import MovementsPage
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")
    mv.add_movement(actor=leader, name="Phong trào thi đua năm 2026", year_from=2026)
    ctx = AppContext(leader, "test.sqlite3")
    page = MovementsPage(ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0                   # not read on the window's time
    qtbot.waitUntil(lambda: background.busy() == 0 and page.model.rowCount() == 1,
                    timeout=20000)
    assert page.current().name == "Phong trào thi đua năm 2026"
    assert "Phong trào thi đua năm 2026" in page.detail_title.text()
    ex = ExemplaryPage(ctx)
    qtbot.addWidget(ex)
    assert [ex.lazy.built(k) for k in ("replications", "reviews")] == [None, None]
    ex.apply_filters(tab="reviews")                     # asked for: built and shown
    assert ex.tabs.currentWidget() is ex.reviews_tab is ex.lazy.built("reviews")
    assert ex.tabs.tabText(ex.tabs.indexOf(ex.replication_view)) == "Đơn vị nhân rộng"


def test_overview_reads_in_the_background(database, leader, qtbot, monkeypatch):
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")
    year = 2026
    mv.add_movement(actor=leader, name="Phong trào thi đua năm 2026", year_from=year)
    page = opage.OverviewPage(AppContext(leader, "test.sqlite3"), year=year)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.year_map is not None and background.busy() == 0,
                    timeout=20000)
    assert "Tổng quan năm 2026" in page.heading.text()
    assert page.year_map.buttons["launch"].text() == "Xem…"
    assert [page.year_box.itemText(i) for i in range(page.year_box.count())][:1] == ["2026"]
    # its sections are shown one per turn of the event loop: all there once it is filled
    from PySide6.QtWidgets import QLabel
    headings = [label.text() for label in page.inner.findChildren(QLabel)]
    assert all(any(part[0] in h for h in headings) for part in opage.SECTIONS)


class _Names(FilterTableModel):
    COLUMNS = [Col("Tên", 1, sort=name_sort)]
    NAMES = ["Nguyễn Văn Ánh", "Trần Thị Bình", "Lê Văn An", "Đỗ Thị Dung", "Phạm Văn Chí"]

    def load(self):
        return [(i, f"{self.NAMES[i % 5]} {i % 7}") for i in range(6000)]

    def key(self, row):
        return row[1]


def test_a_long_list_is_sorted_on_the_reading_thread(qapp, qtbot, monkeypatch):
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")
    model = _Names()
    model.reload()
    expected = sorted(model.rows, key=lambda r: name_sort(r[1]))
    model.sort(0)
    assert model.rows[0] == (0, "Nguyễn Văn Ánh 0")       # not yet: in the background
    qtbot.waitUntil(lambda: background.busy() == 0, timeout=20000)
    qtbot.waitUntil(lambda: model.rows[0] != (0, "Nguyễn Văn Ánh 0"), timeout=5000)
    assert [name_sort(r[1]) for r in model.rows] == [name_sort(r[1]) for r in expected]
    assert model.data(model.index(0, 0)) == expected[0][1]
    assert sorted(model.keys) == sorted(vntext.fold(r[1]) for r in model.rows)
    # read again before the order arrives: the fresh rows stay as read
    model.sort(0, Qt.DescendingOrder)
    model.reload()
    qtbot.waitUntil(lambda: background.busy() == 0, timeout=20000)
    qapp.processEvents()
    assert model.rows[0] == (0, "Nguyễn Văn Ánh 0")


def test_overview_fits_a_narrow_window_without_sideways_scrolling(database, leader, qtbot):
    from PySide6.QtWidgets import QScrollArea
    mv.add_movement(actor=leader, name="Phong trào thi đua năm 2026", year_from=2026)
    page = opage.OverviewPage(AppContext(leader, "test.sqlite3"), year=2026)
    qtbot.addWidget(page)
    page.resize(640, 600)          # what is left of a 1280 px screen beside a wide panel
    page.show()
    qtbot.waitUntil(lambda: page.year_map is not None, timeout=20000)
    qtbot.wait(50)
    scroll = page.findChild(QScrollArea)
    assert scroll.horizontalScrollBar().maximum() == 0
    assert page.inner.minimumSizeHint().width() <= scroll.viewport().width()


def test_a_tab_built_later_gets_its_icons_and_the_page_keys(database, leader, qtbot):
    from PySide6.QtCore import Qt as _Qt
    from PySide6.QtWidgets import QPushButton
    from gui.main_window import MainWindow
    window = MainWindow(AppContext(leader, "test.sqlite3"))
    qtbot.addWidget(window)
    page = window.go_to("decisions")
    page.tabs.setCurrentIndex(page.TABS["decisions"])
    buttons = {b.text(): b for b in page.editor.findChildren(QPushButton)}
    assert not buttons["Thêm…"].icon().isNull()
    assert "(Ins)" in buttons["Thêm…"].toolTip()
    # one Ins shortcut on the page (a second would make the key ambiguous) that now
    # also knows the editor's button
    from PySide6.QtGui import QKeySequence, QShortcut
    ins = [s for s in page.findChildren(QShortcut) if s.key() == QKeySequence("Ins")]
    assert len(ins) == 1
    assert buttons["Thêm…"] in page._action_keys["Ins"]
    assert _Qt.WidgetWithChildrenShortcut == ins[0].context()


def test_candidate_keys_fold_repeated_parts_once_with_the_same_result():
    from gui.pages.decisions import CandidateModel
    rows = [(1, "Cá nhân", "Nguyễn Văn Đức", "Thôn Bắc", "Lao động tiên tiến",
             "Đã có 2 năm • Kỷ luật – khiển trách", "", None, None, None, True, ""),
            (2, "Hộ gia đình", "Trần  Thị Ánh", "", "Gia đình văn hóa", "", "", 9, None,
             True, True, "")]
    keys = CandidateModel._keys(rows)
    model = CandidateModel()
    assert [k.split() for k in keys] == [vntext.fold(model.key(r)).split() for r in rows]
    assert "nguyen van duc" in keys[0] and "khien trach" in keys[0]


def test_a_view_made_over_a_filled_model_keeps_its_order(qapp):
    from gui.widgets import make_table_view
    model = _Names()
    model.reload()
    shown = list(model.rows)
    view = make_table_view(model)                 # a tab built when first shown
    assert model.rows == shown and view.horizontalHeader().sortIndicatorSection() == -1
    view.sortByColumn(0, Qt.AscendingOrder)       # a click on the header still sorts
    assert model.rows[0][1] == min((r[1] for r in shown), key=name_sort)
