"""Page "Đơn vị & cá nhân": the unit tree with blocs, and the people and household tables."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QTabWidget, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from models import org, vntext
from models.errors import UserError, ValidationError

from .. import messages
from ..background import Loader
from ..lazy_tabs import LazyTabs
from ..org_dialogs import HouseholdDialog, PersonDialog, UnitDialog
from ..table_model import Col, FilterTableModel, ID_ROLE, name_sort
from ..widgets import FlowLayout, SearchBox, lay_out_now, make_table_view
from .records import add_record_tabs


def _year(value):
    return "" if value is None else str(value)


class PeopleModel(FilterTableModel):
    """(id, full_name, name_key, gender, birth_year, unit, position, active)"""
    COLUMNS = [
        Col("Họ và tên", 1, 220, sort=name_sort),
        Col("Giới tính", 3, 70, fmt=lambda g: org.GENDERS.get(g, "")),
        Col("Năm sinh", 4, 75, "center", fmt=_year),
        Col("Chức vụ", 6, 160),
        Col("Đơn vị", 5, 240),
        Col("Trạng thái", 7, 90, fmt=lambda a: "" if a else "Ngừng hoạt động"),
    ]
    ACTIVE_INDEX = 7
    KEYS_FOLDED = True
    KEY_INDEX = 2

    def load(self):
        return org.person_rows()

    def load_first(self, n):
        return org.person_rows(limit=n)

    def key(self, row):
        return row[2]


class HouseholdModel(FilterTableModel):
    """(id, head_name, name_key, gender, birth_year, village, address, active)"""
    COLUMNS = [
        Col("Chủ hộ", 1, 220, sort=name_sort),
        Col("Giới tính", 3, 70, fmt=lambda g: org.GENDERS.get(g, "")),
        Col("Năm sinh", 4, 75, "center", fmt=_year),
        Col("Thôn/Tổ dân phố", 5, 180),
        Col("Địa chỉ", 6, 240),
        Col("Trạng thái", 7, 90, fmt=lambda a: "" if a else "Ngừng hoạt động"),
    ]
    ACTIVE_INDEX = 7
    KEYS_FOLDED = True
    KEY_INDEX = 2

    def load(self):
        return org.household_rows()

    def load_first(self, n):
        return org.household_rows(limit=n)

    def key(self, row):
        return row[2]


class ListTab(QWidget):
    """A searchable table with add / edit / (de)activate / delete buttons and a count."""
    noun = ""
    # The first read shows the list's first rows (a screenful and more) before the rest:
    # they are read alone in a few ms, the whole list in 0.15-0.3 s (issue 15: 40,000
    # households painted their first rows after ~0.3 s)
    FIRST_ROWS = 200

    def __init__(self, ctx, model, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = model
        self.search = SearchBox(parent=self)
        self.search.search.connect(self._filter)
        self.count = QLabel()
        self.count.setMinimumWidth(200)
        self.count.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.view = make_table_view(model, self)
        self.view.doubleClicked.connect(lambda _: self.edit())
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        buttons = FlowLayout()
        self.buttons = []
        for label, slot, tip in (("Thêm…", self.add, "Ctrl+N"), ("Sửa…", self.edit, "Enter"),
                                 ("Ngừng / khôi phục hoạt động", self.toggle_active, ""),
                                 ("Xóa", self.delete, "Delete")):
            b = QPushButton(label)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            b.setEnabled(ctx.can_edit)
            buttons.addWidget(b)
            self.buttons.append(b)
        self.import_button = QPushButton("Nhập từ Excel…")
        self.import_button.clicked.connect(self.import_excel)
        self.import_button.setEnabled(ctx.can_edit)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        # read on the reading thread, like the other lists (issue 15: the 20,000 households
        # of a large commune held the window ~120 ms when their tab was first shown)
        self.loader = Loader(self)
        self.first_loader = Loader(self)
        self.count.setText("Đang đọc danh sách…")
        self.reload()

    def reload(self):
        if self.model.rows or self.model.partial:
            # read again (after a change): the rows shown stay until the new list is there
            self.loader.start(self.model.fetch, self._loaded)
            return
        # the first read: the first rows at once, then the whole list once they are painted
        # (read meanwhile, the whole list took Python's GIL from their paint: 20-35 ms
        # more for it, and the whole list came no sooner, 40,000 households)
        self.first_loader.start(lambda: self.model.fetch_first(self.FIRST_ROWS),
                                self._first_loaded, at_once=True,
                                on_error=lambda err: self._read_all())  # it tells again

    def _read_all(self, after_paint=False):
        self.loader.start(self.model.fetch, self._loaded, after_paint=after_paint)

    def _first_loaded(self, fetched):
        if fetched is None:                         # this list reads only all its rows
            self._read_all()
        elif len(fetched[0]) < self.FIRST_ROWS:     # that was the whole list
            self._loaded(fetched)
        else:
            self.model.show_first(fetched)
            lay_out_now(self.view)
            self._read_all(after_paint=True)

    def _loaded(self, fetched):
        self.model.show_rows(fetched)
        self._update_count()
        lay_out_now(self.view)          # one paint (see _filter)

    def _filter(self, text):
        self.model.set_filter(text)
        self._update_count()
        # the view lays its rows out now, not on its zero timer after the next paint: the
        # new rows and the scroll bar's new range come in one paint (it painted twice)
        self.view.doItemsLayout()

    def _update_count(self):
        if self.model.partial:          # the first rows only: no count yet
            self.count.setText("Đang đọc danh sách…")
            return
        total, shown = len(self.model.rows), len(self.model.visible)
        text = f"{vntext.format_int(total)} {self.noun}"
        if shown != total:
            text = f"Đang hiện {vntext.format_int(shown)} / " + text
        self.count.setText(text)

    def selected_ids(self):
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.index(r, 0).data(ID_ROLE) for r in rows]

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            self.edit()
        elif event.key() == Qt.Key_Delete:
            self.delete()
        else:
            super().keyPressEvent(event)

    def _save_loop(self, ask, save):
        """Ask → save; validation errors reopen the dialog with the message by the field."""
        data, error = None, None
        while True:
            data = ask(data=data, error=error)
            if data is None:
                return False
            try:
                try:
                    save(data, False)
                except org.DuplicateWarning as warn:
                    if not messages.confirm(self, str(warn), yes="Vẫn lưu", no="Quay lại"):
                        error = None
                        continue
                    save(data, True)
            except ValidationError as err:
                error = err
                continue
            except UserError as err:
                messages.show_error(self, err)
                return False
            self.ctx.changed("org")
            return True

    def import_excel(self):
        try:
            from ..import_dialog import ImportDialog
        except ImportError:
            messages.info(self, "Chức năng nhập từ Excel chưa có trong bản này.")
            return
        if ImportDialog.run(self, self.ctx, self.import_kind):
            self.ctx.changed("org")


class PeopleTab(ListTab):
    noun = "cá nhân"
    import_kind = "people"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, PeopleModel(), parent)

    def add(self):
        def save(d, dup):
            org.add_person(actor=self.ctx.actor, full_name=d["full_name"], gender=d["gender"],
                           birth_year=d["birth_year"], position=d["position"],
                           unit=org.get_unit(d["unit_id"]) if d["unit_id"] else None,
                           allow_duplicate=dup)
        self._save_loop(lambda **kw: PersonDialog.ask(self, **kw), save)

    def edit(self):
        ids = self.selected_ids()
        if not ids or not self.ctx.can_edit:
            return
        person = org.get_person(ids[0])

        def save(d, dup):
            org.update_person(actor=self.ctx.actor, person=person, full_name=d["full_name"],
                              gender=d["gender"], birth_year=d["birth_year"],
                              position=d["position"],
                              unit=org.get_unit(d["unit_id"]) if d["unit_id"] else None,
                              allow_duplicate=dup)
        self._save_loop(lambda **kw: PersonDialog.ask(self, person=person, **kw), save)

    def toggle_active(self):
        for pid in self.selected_ids():
            person = org.get_person(pid)
            messages.run_action(self, org.set_person_active, actor=self.ctx.actor,
                                person=person, active=not person.active)
        self.ctx.changed("org")

    def delete(self):
        ids = self.selected_ids()
        if not ids or not messages.confirm(
                self, f"Xóa {len(ids)} cá nhân đã chọn? Người đã có lịch sử thi đua thì không "
                "xóa được (hãy ngừng hoạt động).", yes="Xóa", danger=True):
            return
        for pid in ids:
            if messages.run_action(self, org.delete_person, actor=self.ctx.actor,
                                   person=org.get_person(pid)) is None and False:
                break
        self.ctx.changed("org")


class HouseholdTab(ListTab):
    noun = "hộ gia đình"
    import_kind = "households"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, HouseholdModel(), parent)

    def add(self):
        def save(d, dup):
            org.add_household(actor=self.ctx.actor, head_name=d["head_name"], gender=d["gender"],
                              birth_year=d["birth_year"], address=d["address"],
                              village=org.get_unit(d["village_id"]) if d["village_id"] else None,
                              allow_duplicate=dup)
        self._save_loop(lambda **kw: HouseholdDialog.ask(self, **kw), save)

    def edit(self):
        ids = self.selected_ids()
        if not ids or not self.ctx.can_edit:
            return
        household = org.get_household(ids[0])

        def save(d, dup):
            org.update_household(actor=self.ctx.actor, household=household,
                                 head_name=d["head_name"], gender=d["gender"],
                                 birth_year=d["birth_year"], address=d["address"],
                                 village=org.get_unit(d["village_id"]))
        self._save_loop(lambda **kw: HouseholdDialog.ask(self, household=household, **kw), save)

    def toggle_active(self):
        for hid in self.selected_ids():
            household = org.get_household(hid)
            messages.run_action(self, org.set_household_active, actor=self.ctx.actor,
                                household=household, active=not household.active)
        self.ctx.changed("org")

    def delete(self):
        ids = self.selected_ids()
        if not ids or not messages.confirm(
                self, f"Xóa {len(ids)} hộ đã chọn? Hộ đã có lịch sử thi đua thì không xóa "
                "được (hãy ngừng hoạt động).", yes="Xóa", danger=True):
            return
        for hid in ids:
            messages.run_action(self, org.delete_household, actor=self.ctx.actor,
                                household=org.get_household(hid))
        self.ctx.changed("org")


class UnitTab(QWidget):
    """The unit tree: commune → blocs/clusters → units → sub-units."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.search = SearchBox("Tìm đơn vị…", self)
        self.search.search.connect(self._filter)
        self.count = QLabel()
        self.count.setMinimumWidth(120)
        self.count.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Đơn vị", "Loại", "Người đứng đầu", "Cụm trưởng / cụm phó",
                                   "Trạng thái"])
        self.tree.setColumnWidth(0, 330)
        self.tree.setColumnWidth(1, 140)
        self.tree.setColumnWidth(2, 170)
        self.tree.setColumnWidth(3, 260)
        self.tree.itemDoubleClicked.connect(lambda *_: self.edit())
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        buttons = QHBoxLayout()
        for label, slot in (("Thêm đơn vị con…", self.add), ("Sửa…", self.edit),
                            ("Ngừng / khôi phục hoạt động", self.toggle_active),
                            ("Đặt cụm trưởng, cụm phó…", self.set_officers),
                            ("Xóa", self.delete)):
            b = QPushButton(label)
            b.clicked.connect(slot)
            b.setEnabled(ctx.can_edit)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.import_button = QPushButton("Nhập từ Excel…")
        self.import_button.clicked.connect(self.import_excel)
        self.import_button.setEnabled(ctx.can_edit)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.reload()

    def reload(self):
        self.tree.clear()
        items = {}
        n = 0
        tree = org.unit_tree()
        names = {unit.id: unit.name for unit, _ in tree}   # a bloc's officers: no query each
        for unit, depth in tree:
            officers = ""
            if unit.kind.is_bloc:
                head = names.get(unit.head_id, "—") if unit.head_id else "—"
                deputy = names.get(unit.deputy_id, "—") if unit.deputy_id else "—"
                officers = f"{head} / {deputy}"
            item = QTreeWidgetItem([unit.name, unit.kind.name, unit.leader_name, officers,
                                    "" if unit.active else "Ngừng hoạt động"])
            item.setData(0, Qt.UserRole, unit.id)
            item.setData(0, Qt.UserRole + 1, vntext.fold(unit.name))
            if not unit.active:
                for c in range(5):
                    item.setForeground(c, Qt.gray)
            parent = items.get(unit.parent_id)
            (parent.addChild(item) if parent else self.tree.addTopLevelItem(item))
            items[unit.id] = item
            n += 1
        self.tree.expandToDepth(1)
        self.count.setText(f"{n} đơn vị")
        self._filter(self.search.text())

    def _filter(self, text):
        words = vntext.fold(text).split()

        def visit(item):
            match = all(w in item.data(0, Qt.UserRole + 1) for w in words)
            child_match = False
            for i in range(item.childCount()):
                child_match = visit(item.child(i)) or child_match
            item.setHidden(not (match or child_match))
            if words and child_match:
                item.setExpanded(True)
            return match or child_match

        for i in range(self.tree.topLevelItemCount()):
            visit(self.tree.topLevelItem(i))

    def current(self):
        item = self.tree.currentItem()
        return org.get_unit(item.data(0, Qt.UserRole)) if item else None

    def _save_loop(self, ask, save):
        data, error = None, None
        while True:
            data = ask(data=data, error=error)
            if data is None:
                return
            try:
                save(data)
            except ValidationError as err:
                error = err
                continue
            except UserError as err:
                messages.show_error(self, err)
                return
            self.ctx.changed("org")
            return

    def add(self):
        parent_unit = self.current()

        def save(d):
            org.add_unit(actor=self.ctx.actor, name=d["name"], kind=d["kind"],
                         parent=org.get_unit(d["parent_id"]) if d["parent_id"] else None,
                         leader_name=d["leader_name"], address=d["address"], note=d["note"])
        self._save_loop(lambda **kw: UnitDialog.ask(self, parent_unit=parent_unit, **kw), save)

    def edit(self):
        unit = self.current()
        if unit is None or not self.ctx.can_edit:
            return

        def save(d):
            org.update_unit(actor=self.ctx.actor, unit=unit, name=d["name"], kind=d["kind"],
                            parent=org.get_unit(d["parent_id"]) if d["parent_id"] else None,
                            leader_name=d["leader_name"], address=d["address"], note=d["note"])
        self._save_loop(lambda **kw: UnitDialog.ask(self, unit=unit, **kw), save)

    def toggle_active(self):
        unit = self.current()
        if unit is not None:
            messages.run_action(self, org.set_unit_active, actor=self.ctx.actor, unit=unit,
                                active=not unit.active)
            self.ctx.changed("org")

    def set_officers(self):
        from ..bloc_dialog import BlocOfficersDialog
        unit = self.current()
        if unit is None or not unit.kind.is_bloc:
            messages.info(self, "Hãy chọn một cụm/khối thi đua trong cây đơn vị.")
            return
        choice = BlocOfficersDialog.ask(self, unit)
        if choice is not None:
            head, deputy = (org.get_unit(i) if i else None for i in choice)
            if messages.run_action(self, org.set_bloc_officers, actor=self.ctx.actor, bloc=unit,
                                   head=head, deputy=deputy) is not None:
                self.ctx.changed("org")

    def delete(self):
        unit = self.current()
        if unit is None or not messages.confirm(self, f"Xóa đơn vị '{unit.name}'?", yes="Xóa",
                                                danger=True):
            return
        try:
            org.delete_unit(actor=self.ctx.actor, unit=unit)
        except UserError as err:
            messages.show_error(self, err)
            return
        self.ctx.changed("org")

    def import_excel(self):
        try:
            from ..import_dialog import ImportDialog
        except ImportError:
            messages.info(self, "Chức năng nhập từ Excel chưa có trong bản này.")
            return
        if ImportDialog.run(self, self.ctx, "units"):
            self.ctx.changed("org")


class OrgPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.units = UnitTab(ctx)
        self.tabs.addTab(self.units, "Đơn vị, cụm/khối")
        # the people and the 20,000 households of a large commune: read and built when their
        # tab is first shown (or asked for), not at every open of the page
        self.lazy = LazyTabs(self, self.tabs)
        self.lazy.add("people", "Cá nhân", lambda: PeopleTab(ctx))
        self.lazy.add("households", "Hộ gia đình", lambda: HouseholdTab(ctx))
        add_record_tabs(self, ctx)           # issue 18: Sáng kiến, Kỷ luật
        layout = QVBoxLayout(self)
        title = QLabel("<h2>Đơn vị &amp; cá nhân</h2>")
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        ctx.on_change(self, self._changed)

    people = property(lambda self: self.lazy.get("people"))
    households = property(lambda self: self.lazy.get("households"))
    initiatives = property(lambda self: self.lazy.get("initiatives"))     # records.py
    discipline = property(lambda self: self.lazy.get("discipline"))

    def _changed(self, area):
        if area in ("org", "all"):
            for tab in (self.units, self.lazy.built("people"), self.lazy.built("households")):
                if tab is not None:          # one not built yet reads when it is
                    tab.reload()
