"""The main window, the first-run wizard and the units/people/households page, driven by qtbot."""
import pytest
from PySide6.QtCore import Qt

from gui import messages
from gui.context import AppContext
from gui.main_window import MainWindow
from gui.pages import org as org_page
from models import accounts, demo, settings
from models.entities import BaseSalary, Person, Unit


@pytest.fixture
def ctx(leader, qapp):
    demo.load_demo(size="small", actor=leader)
    return AppContext(leader, "test.sqlite3")


def test_wizard_creates_settings_leader_and_salary(database, qtbot):
    from gui.wizard import SetupWizard
    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    place = wizard.place
    place.province.setCurrentIndex(place.province.findText("Hà Tĩnh"))
    assert place.commune.count() > 50
    place.commune.setCurrentIndex(0)
    commune_name = place.commune.currentText()
    assert place.place.text() and place.place.text() in commune_name
    assert place.validatePage()
    wizard.leaders.chairman.setText("Nguyễn Văn Hùng")
    wizard.leaders.salary.setText("2.530.000")
    wizard.leaders.salary_from.setText("01/07/2026")
    assert wizard.leaders.validatePage()
    wizard.account.username.setText("chutich")
    wizard.account.full_name.setText("Nguyễn Văn Hùng")
    wizard.account.password.setText("Hung-2026!")
    wizard.account.password2.setText("654321")
    assert not wizard.account.validatePage()
    assert "không khớp" in wizard.account.error.text()
    wizard.account.password2.setText("Hung-2026!")
    assert wizard.account.validatePage()
    wizard.accept()
    assert wizard.leader is not None and wizard.leader.role == "leader"
    assert settings.commune().name == commune_name
    assert settings.get("decision_suffix") == "QĐ-UBND"
    assert BaseSalary.select().where(BaseSalary.amount == 2_530_000).exists()
    assert accounts.authenticate("chutich", "Hung-2026!").id == wizard.leader.id


def test_wizard_refuses_a_commune_not_in_the_list(database, qtbot):
    from gui.wizard import SetupWizard
    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    wizard.place.province.setEditText("Tỉnh Không Có")
    assert not wizard.place.validatePage()
    assert "trong danh sách" in wizard.place.error.text()


def test_main_window_pages_and_geometry(ctx, qtbot):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "Đơn vị & cá nhân" in labels and "Cài đặt" in labels
    assert "Xã Tân Lập" in window.windowTitle()
    window.resize(800, 520)
    window.close()
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert again.height() == 520   # default is 760: the saved geometry came back


def test_households_filter_as_you_type_accent_insensitively(ctx, qtbot):
    page = org_page.OrgPage(ctx)
    qtbot.addWidget(page)
    page.show()      # pages reload on data changes while shown
    tab = page.households
    assert len(tab.model.visible) == 800
    qtbot.keyClicks(tab.search, "thon")
    some = len(tab.model.visible)
    assert 0 < some <= 800
    tab.search.clear()
    name = tab.model.row_at(0)[1]
    from models import vntext
    tab.search.setText(vntext.fold(name).upper())
    shown = [tab.model.row_at(i)[1] for i in range(tab.model.rowCount())]
    assert name in shown and all(vntext.fold(name) in vntext.fold(n) for n in shown)
    assert "Đang hiện" in tab.count.text()


def test_households_and_people_are_read_on_the_reading_thread(ctx, qtbot, leader,
                                                               monkeypatch):
    """Issue 15: the tab shows at once ("Đang đọc danh sách…"), its rows come from the
    reading thread: the same rows, searched and reloaded after a save as before."""
    from gui import background
    from models import org
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")          # the real reading thread
    page = org_page.OrgPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.tabs.setCurrentIndex(2)
    tab = page.households
    assert page.tabs.currentWidget() is tab and page.tabs.tabText(2) == "Hộ gia đình"
    assert tab.model.rows == [] and tab.count.text() == "Đang đọc danh sách…"
    qtbot.waitUntil(lambda: background.busy() == 0 and bool(tab.model.rows), timeout=20000)
    assert tab.model.rows == org.household_rows() and len(tab.model.visible) == 800
    assert tab.count.text() == "800 hộ gia đình"
    tab.search.setText("thon")
    assert 0 < len(tab.model.visible) < 800 and "Đang hiện" in tab.count.text()
    people = page.people
    qtbot.waitUntil(lambda: background.busy() == 0 and bool(people.model.rows), timeout=20000)
    before = len(people.model.rows)
    org.add_person(actor=leader, full_name="Lương Thị Mơ", gender="nu")
    ctx.changed("org")
    qtbot.waitUntil(lambda: background.busy() == 0 and len(people.model.rows) == before + 1,
                    timeout=20000)
    assert people.model.rows == org.person_rows()
    assert "Lương Thị Mơ" in {r[1] for r in people.model.rows}


def test_a_filter_keystroke_paints_the_table_once(ctx, qtbot, qapp):
    """Typing narrows 800 households to a few: the new rows and the scroll bar's new range
    come in one paint of the table (the view used to lay out on its zero timer after the
    first paint, then paint the whole table again)."""
    from PySide6.QtCore import QEvent, QObject

    class Paints(QObject):
        n = 0

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                self.n += 1
            return False

    tab = org_page.HouseholdTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(900, 500)
    tab.show()
    qtbot.waitExposed(tab)
    paints = Paints()
    tab.view.viewport().installEventFilter(paints)
    bar = tab.view.verticalScrollBar()
    for text in ("thon", "thon dong", "nguyen"):
        before, top = paints.n, bar.maximum()
        tab.search.setText(text)
        for _ in range(3):
            qapp.processEvents()
        qtbot.wait(20)               # the view's zero timer, had one been left running
        qapp.processEvents()
        assert paints.n - before == 1, text
        assert bar.maximum() != top or text == "nguyen"


def test_add_person_dialog_error_shown_by_the_field_then_saved(ctx, qtbot, monkeypatch):
    page = org_page.OrgPage(ctx)
    qtbot.addWidget(page)
    page.show()      # pages reload on data changes while shown
    unit = Unit.select().where(Unit.name.contains("Trường")).first() or Unit.select().first()
    answers = [
        dict(full_name="", gender="nam", birth_year=None, position="", unit_id=unit.id),
        dict(full_name="Đỗ Minh Khôi", gender="nam", birth_year=1990, position="Giáo viên",
             unit_id=unit.id),
    ]
    seen_errors = []

    def fake_ask(parent=None, **kwargs):
        seen_errors.append(kwargs.get("error"))
        return answers.pop(0)

    monkeypatch.setattr(org_page.PersonDialog, "ask", staticmethod(fake_ask))
    before = len(page.people.model.rows)
    page.people.add()
    assert seen_errors[0] is None and seen_errors[1].field == "full_name"
    assert Person.select().where(Person.full_name == "Đỗ Minh Khôi").exists()
    assert len(page.people.model.rows) == before + 1


def test_person_dialog_shows_error_next_to_field(ctx, qtbot):
    from gui.org_dialogs import PersonDialog
    from models.errors import ValidationError
    dialog = PersonDialog(error=ValidationError("Năm sinh 1800 không hợp lệ", field="birth_year"))
    qtbot.addWidget(dialog)
    assert dialog.errors["birth_year"].text() == "Năm sinh 1800 không hợp lệ"
    assert not dialog.errors["birth_year"].isHidden()
    assert dialog.errors["full_name"].isHidden()


def test_viewer_sees_disabled_edit_buttons(leader, viewer, qapp, qtbot):
    demo.load_demo(size="small", actor=leader)
    page = org_page.OrgPage(AppContext(viewer, "x"))
    qtbot.addWidget(page)
    page.show()      # pages reload on data changes while shown
    assert not any(b.isEnabled() for b in page.people.buttons)


def test_delete_refusal_is_shown_in_vietnamese(ctx, qtbot, monkeypatch):
    page = org_page.OrgPage(ctx)
    qtbot.addWidget(page)
    page.show()      # pages reload on data changes while shown
    shown = []
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    monkeypatch.setattr(messages, "show_error", lambda parent, err, **k: shown.append(str(err)))
    tree = page.units.tree
    root = tree.topLevelItem(0)
    tree.setCurrentItem(root)
    page.units.delete()
    assert shown and "Không xóa được" in shown[0]
    assert Unit.select().where(Unit.parent.is_null()).exists()


def test_hidden_page_reloads_when_shown_not_before(ctx, qtbot, leader):
    from models import org
    page = org_page.OrgPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.hide()
    before = len(page.people.model.rows)
    org.add_person(actor=leader, full_name="Lương Thị Mơ", gender="nu")
    ctx.changed("org")
    assert len(page.people.model.rows) == before          # hidden: nothing reloaded yet
    page.show()
    assert len(page.people.model.rows) == before + 1      # brought up to date on show


def test_wizard_finds_places_without_accents_and_waits_for_the_commune(database, qtbot):
    """A clerk types "ha tinh" on a PC without a Vietnamese keyboard: the popup lists
    Hà Tĩnh; the place name stays empty until a commune is actually chosen."""
    from gui.wizard import SetupWizard
    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    place = wizard.place
    completer = place.province.completer()
    completer.splitPath("ha tinh")
    shown = [completer.proxy.index(r, 0).data() for r in range(completer.proxy.rowCount())]
    assert shown and all("Tĩnh" in name for name in shown)
    assert "Hà Tĩnh" in shown
    completer.splitPath("dak")
    shown = [completer.proxy.index(r, 0).data() for r in range(completer.proxy.rowCount())]
    assert any(name.startswith("Đắk") for name in shown)
    # typed, not picked: the page resolves the one matching province
    place.province.setEditText("ha tinh")
    assert not place.validatePage()           # no commune yet
    assert place.province.currentText() == "Hà Tĩnh"
    assert place.commune.count() > 50
    assert place.place.text() == ""           # nothing filled before a commune is chosen
    assert "xã/phường" in place.error.text()
    # choose a commune through the popup's own signal, as a click does
    target = place.commune.itemText(3)
    place.commune.completer().activated[str].emit(target)
    assert place.commune.currentText() == target
    assert place.place.text() and place.place.text() in target
    assert place.validatePage()
    # another province empties the commune and the place again
    place.province.setCurrentIndex(place.province.findText("Hà Nội"))
    assert place.commune.currentIndex() == -1 and place.place.text() == ""


def test_unit_tree_shows_bloc_officers_without_a_query_per_bloc(ctx, qtbot):
    """The tree names each bloc's head and deputy from the units it already read: opening
    the page costs the same few queries however many blocs the commune has."""
    from models import org
    from models.db import db
    bloc = next(u for u, _ in org.unit_tree() if u.kind.is_bloc and
                Unit.select().where(Unit.parent == u).count() >= 2)
    head, deputy = list(Unit.select().where(Unit.parent == bloc).limit(2))
    org.set_bloc_officers(actor=ctx.actor, bloc=bloc, head=head, deputy=deputy)
    statements = []
    db.connection().set_trace_callback(statements.append)
    try:
        tab = org_page.UnitTab(ctx)
    finally:
        db.connection().set_trace_callback(None)
    qtbot.addWidget(tab)
    item = next(it for it in _tree_items(tab.tree) if it.data(0, Qt.UserRole) == bloc.id)
    assert item.text(3) == f"{head.name} / {deputy.name}"
    assert len([s for s in statements if s.startswith("SELECT")]) <= 2, statements


def _tree_items(tree):
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(item.child(i) for i in range(item.childCount()))


def _shown(tab):
    """The rows the table shows, top to bottom."""
    return [tab.model.row_at(i) for i in range(tab.model.rowCount())]


def _open_reading(ctx, qtbot, monkeypatch, make, at_first_rows):
    """A list tab built on the real reading thread; ``at_first_rows(tab)`` runs once its
    first rows are shown (the whole list is read only after they are painted)."""
    from gui import background
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")
    tab = make(ctx)
    qtbot.addWidget(tab)
    tab.resize(900, 500)
    tab.show()
    resets = []
    tab.model.modelReset.connect(lambda: resets.append(len(tab.model.rows)))
    tab.first_loader.loaded.connect(lambda: at_first_rows(tab))
    qtbot.waitUntil(lambda: background.busy() == 0 and bool(tab.model.rows)
                    and not tab.model.partial, timeout=20000)
    return tab, resets


@pytest.mark.parametrize("make, read, noun, first", [
    (org_page.HouseholdTab, "household_rows", "hộ gia đình", org_page.ListTab.FIRST_ROWS),
    (org_page.PeopleTab, "person_rows", "cá nhân", 50)])     # the demo's 180 people
def test_a_long_list_shows_its_first_rows_then_the_rest_below(ctx, qtbot, monkeypatch,
                                                                make, read, noun, first):
    """Issue 15: the first screenful is painted before the whole list is read. The clerk
    sees the list's own first rows in its order and "Đang đọc danh sách…"; once the rest
    is there the table holds every row in order, the count is right, and the row the clerk
    selected meanwhile is still selected (the rest came below, the table did not start
    over)."""
    from models import org, vntext
    monkeypatch.setattr(org_page.ListTab, "FIRST_ROWS", first)
    everything = getattr(org, read)()
    assert len(everything) > first
    seen = {}

    def at_first_rows(tab):
        seen["rows"], seen["count"] = _shown(tab), tab.count.text()
        tab.view.selectRow(3)
        tab.view.verticalScrollBar().setValue(10)
        seen["selected"] = tab.selected_ids()
        seen["scroll"] = tab.view.verticalScrollBar().value()

    tab, resets = _open_reading(ctx, qtbot, monkeypatch, make, at_first_rows)
    assert seen["rows"] == everything[:first]
    assert seen["count"] == "Đang đọc danh sách…"
    assert seen["selected"] == [everything[3][0]]
    assert _shown(tab) == everything
    assert tab.count.text() == f"{vntext.format_int(len(everything))} {noun}"
    assert tab.selected_ids() == [everything[3][0]]
    assert seen["scroll"] == 10 and tab.view.verticalScrollBar().value() == 10
    assert resets == [first]


def test_a_search_typed_while_the_list_is_read_ends_with_the_whole_lists_matches(
        ctx, qtbot, monkeypatch):
    """A clerk types while the rest of the households is still being read: the table shows
    the matching rows read so far, then those of the whole list, and the count with it."""
    from models import org, vntext
    everything = org.household_rows()
    first = org_page.ListTab.FIRST_ROWS
    words = vntext.fold(everything[0][5]).split()      # the first household's village

    def matches(rows):
        return [r for r in rows if all(w in vntext.fold(f"{r[1]} {r[5]}") for w in words)]
    assert 0 < len(matches(everything[:first])) < len(matches(everything)) < len(everything)
    seen = {}

    def at_first_rows(tab):
        tab.search.setText(" ".join(words).upper())
        seen["rows"], seen["count"] = _shown(tab), tab.count.text()

    tab, _ = _open_reading(ctx, qtbot, monkeypatch, org_page.HouseholdTab, at_first_rows)
    assert seen["rows"] == matches(everything[:first])
    assert seen["count"] == "Đang đọc danh sách…"
    assert _shown(tab) == matches(everything)
    assert tab.count.text() == (f"Đang hiện {vntext.format_int(len(matches(everything)))} / "
                                f"{vntext.format_int(len(everything))} hộ gia đình")
    tab.search.clear()
    assert _shown(tab) == everything


def test_a_sort_or_a_change_while_the_list_is_read_holds_for_the_whole_list(
        ctx, qtbot, monkeypatch, leader):
    """A column header clicked while only the first rows are there orders the whole list
    once it is there; a household saved meanwhile is in it."""
    from models import org
    village = org.get_household(org.household_rows()[0][0]).village

    def at_first_rows(tab):
        tab.view.sortByColumn(2, Qt.AscendingOrder)          # Năm sinh
        org.add_household(actor=leader, head_name="Aa Văn Mới", gender="nam",
                          birth_year=1931, village=village)
        tab.reload()

    tab, _ = _open_reading(ctx, qtbot, monkeypatch, org_page.HouseholdTab, at_first_rows)
    everything = org.household_rows()
    shown = _shown(tab)
    assert sorted(shown) == sorted(everything) and "Aa Văn Mới" in {r[1] for r in shown}
    years = [r[4] for r in shown]
    assert years == sorted(years, key=lambda y: (y is not None, y or 0))
    assert years != [r[4] for r in everything]


def test_a_list_shorter_than_the_first_rows_is_read_once(ctx, qtbot, monkeypatch):
    """The demo's 180 people fit in the first read: they are the whole list, counted at
    once, shown by one reset."""
    from models import org
    everything = org.person_rows()
    assert len(everything) < org_page.ListTab.FIRST_ROWS
    seen = []
    tab, resets = _open_reading(ctx, qtbot, monkeypatch, org_page.PeopleTab,
                                lambda tab: seen.append(tab.count.text()))
    assert seen == ["180 cá nhân"] and _shown(tab) == everything and resets == [180]
