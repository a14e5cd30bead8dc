"""Page "Đăng ký": registrations by year and movement with their states, bulk registration,
counts by thôn/unit, and the blocs' covenants."""
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QPushButton,
                               QTabWidget, QVBoxLayout, QWidget)

from models import movements as mv
from models import org, vntext
from models import registrations as rg
from models.entities import SUBJECT_KINDS
from models.errors import UserError
from models.freeing import one_copy

from .. import files, messages
from ..background import Loader
from ..lazy_tabs import LazyTabs
from ..table_model import (BACKGROUND_ROLE, DISPLAY_ROLE, FOREGROUND_ROLE, ID_ROLE, Col,
                           FilterTableModel, name_sort)
from ..widgets import SearchBox, make_table_view, save_on_accept, selected_rows
from .movement_dialogs import combo
from .registration_dialogs import (ActualsDialog, BulkDialog, CovenantDialog,
                                   RegistrationDialog)

STATE_COLORS = {rg.DRAFT: "#6b6b6b", rg.SUBMITTED: "#1f5fbf", rg.ACCEPTED: "#1b7a2f",
                rg.RETURNED: "#b00020"}
STATE_BG = {rg.DRAFT: "#f1f1f1", rg.SUBMITTED: "#e3edfb", rg.ACCEPTED: "#e2f4e5",
            rg.RETURNED: "#fbe3e6"}


def _date(d):
    return vntext.format_date(d) if d else ""


def _buttons(ctx, specs, layout):
    out = {}
    for label, slot, role in specs:
        b = QPushButton(label)
        b.clicked.connect(slot)
        b.setEnabled(role is None or (ctx.is_leader if role == "leader" else ctx.can_edit))
        layout.addWidget(b)
        out[label] = b
    return out


# --------------------------------------------------------------------------- table models

class RegistrationModel(FilterTableModel):
    """(id, name, kind, position, place, titles, state, reg_date, movement, key, reason)"""
    COLUMNS = [Col("Họ và tên / Tên tập thể / Chủ hộ", 1, 230, sort=name_sort),
               Col("Đối tượng", 2, 90, fmt=lambda k: SUBJECT_KINDS.get(k, k)),
               Col("Chức vụ", 3, 110), Col("Thôn / đơn vị", 4, 190),
               Col("Danh hiệu đăng ký", 5, 260),
               Col("Trạng thái", 6, 90, "center", fmt=lambda s: rg.STATES.get(s, s)),
               Col("Ngày đăng ký", 7, 95, "center", fmt=lambda d: vntext.format_date(
                   _iso(d)) if d else ""),
               Col("Lý do trả lại", 10, 200)]
    KEYS_FOLDED = True

    def __init__(self):
        super().__init__()
        self.year = None
        self.movement = None

    def load(self):
        if self.year is None:
            return []
        # Each row's place, titles, state, date, movement and return reason are read as new
        # strings, though a year has a few hundred distinct ones: the rows share one copy of
        # each (43,310 rows of the 40,000-household demo: ~36 MB held, now less), and are
        # read one at a time, so a reload holds less beside the rows still shown.
        share = one_copy()
        return [(r["id"], r["name"], r["kind"], share(r["position"]), share(r["place"]),
                 share(r["titles"]), share(r["state"]), share(r["reg_date"]),
                 share(f"{r['movement']} — {r['round']}" if r["round"] else r["movement"]),
                 vntext.fold(f"{r['name']} {r['place']} {r['titles']} {r['state_label']}"),
                 share(r["return_reason"]))
                for r in rg.iter_registration_rows(year=self.year, movement=self.movement)]

    def key(self, row):
        return row[9]

    def data(self, index, role=DISPLAY_ROLE):
        if (role == FOREGROUND_ROLE or role == BACKGROUND_ROLE) and index.isValid() \
                and index.column() == 5:
            state = self.row_at(index.row())[6]
            table = STATE_COLORS if role == FOREGROUND_ROLE else STATE_BG
            return QBrush(QColor(table.get(state, "#000000")))
        return super().data(index, role)


def _iso(text):
    import datetime
    return datetime.date.fromisoformat(text)


class PlaceCountModel(FilterTableModel):
    """(id, place, kind, draft, submitted, accepted, returned, total)"""
    COLUMNS = [Col("Thôn / đơn vị / cụm", 1, 260),
               Col("Đối tượng", 2, 110, fmt=lambda k: SUBJECT_KINDS.get(k, k)),
               Col("Nháp", 3, 80, "right"), Col("Đã gửi", 4, 80, "right"),
               Col("Đã duyệt", 5, 80, "right"), Col("Trả lại", 6, 80, "right"),
               Col("Tổng", 7, 80, "right")]

    def __init__(self):
        super().__init__()
        self.year = None
        self.movement = None

    def load(self):
        if self.year is None:
            return []
        return [(i, e["place"], e["kind"], e["draft"], e["submitted"], e["accepted"],
                 e["returned"], e["total"])
                for i, e in enumerate(rg.state_counts_by_place(year=self.year,
                                                               movement=self.movement))]

    def key(self, row):
        return row[1]

    def data(self, index, role=DISPLAY_ROLE):
        if role == FOREGROUND_ROLE and index.isValid() and 2 <= index.column() <= 5:
            state = [rg.DRAFT, rg.SUBMITTED, rg.ACCEPTED, rg.RETURNED][index.column() - 2]
            if self.row_at(index.row())[index.column() + 1]:
                return QBrush(QColor(STATE_COLORS[state]))
        return super().data(index, role)


class CovenantModel(FilterTableModel):
    COLUMNS = [Col("Cụm, khối thi đua", 1, 280), Col("Năm", 2, 60, "center"),
               Col("Cụm trưởng", 3, 200), Col("Cụm phó", 4, 200),
               Col("Thành viên", 5, 80, "right"), Col("Ngày ký", 6, 90, "center", fmt=_date)]

    def __init__(self):
        super().__init__()
        self.year = None

    def load(self):
        return rg.covenant_rows(year=self.year)

    def key(self, row):
        return f"{row[1]} {row[3]} {row[4]}"


# --------------------------------------------------------------------------- page

class RegistrationsPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.year = combo([])
        self.movement = combo([])
        self.kind = combo([(None, "Mọi đối tượng")] + list(SUBJECT_KINDS.items()))
        self.state = combo([(None, "Mọi trạng thái")] + list(rg.STATES.items()))
        self.search = SearchBox(parent=self)
        filters = QHBoxLayout()
        for label, w in (("Năm:", self.year), ("Phong trào:", self.movement)):
            filters.addWidget(QLabel(label))
            filters.addWidget(w)
        self.movement.setMinimumWidth(320)
        filters.addWidget(self.kind)
        filters.addWidget(self.state)
        filters.addWidget(self.search, 1)
        self.counts = QLabel()
        self.counts.setTextFormat(Qt.RichText)

        self.model = RegistrationModel()
        self.view = make_table_view(self.model, self)
        self.view.doubleClicked.connect(lambda _: self.edit())
        self.places = PlaceCountModel()         # read with the list; their tabs' views
        self.covenants = CovenantModel()        # are built when first shown

        list_tab = QWidget()
        ll = QVBoxLayout(list_tab)
        ll.addWidget(self.view, 1)
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        _buttons(ctx, [("Đăng ký mới…", self.add, "clerk"),
                       ("Đăng ký hàng loạt…", self.bulk, "clerk"),
                       ("Sửa…", self.edit, "clerk"), ("Xóa", self.delete, "clerk"),
                       ("Gửi duyệt", self.submit, "clerk"), ("Duyệt", self.accept, "leader"),
                       ("Trả lại…", self.return_, "leader"),
                       ("Mở lại…", self.reopen, "leader")], row1)
        row1.addStretch(1)
        _buttons(ctx, [("Nhập kết quả thực hiện…", self.enter_actuals, "clerk"),
                       ("In bản đăng ký…", self.print_sheet, None),
                       ("Bản đăng ký Word…", lambda: self.print_sheet(word=True), None),
                       ("In danh sách…", self.print_list, None),
                       ("Danh sách Word…", lambda: self.print_list(word=True), None),
                       ("Xuất Excel…", self.export_xlsx, None)], row2)
        row2.addStretch(1)
        ll.addLayout(row1)
        ll.addLayout(row2)
        self.tabs = QTabWidget()
        self.tabs.addTab(list_tab, "Danh sách đăng ký")
        self.lazy = LazyTabs(self, self.tabs)
        self.lazy.add("places", "Theo thôn / đơn vị", lambda: make_table_view(self.places, self))
        self.lazy.add("covenants", "Giao ước cụm, khối", self._covenant_tab)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.counts)
        layout.addWidget(self.tabs, 1)

        self.loader = Loader(self)
        self._fill_years()
        self.year.currentIndexChanged.connect(self._year_changed)
        self.movement.currentIndexChanged.connect(lambda *_: self.reload())
        self.kind.currentIndexChanged.connect(lambda *_: self._apply_filters())
        self.state.currentIndexChanged.connect(lambda *_: self._apply_filters())
        self.search.search.connect(lambda *_: self._apply_filters())
        ctx.on_change(self, self._changed)
        self._year_changed()

    def _covenant_tab(self):
        cov_tab = QWidget()
        cl = QVBoxLayout(cov_tab)
        self._cov_view = make_table_view(self.covenants, self)
        self._cov_view.doubleClicked.connect(lambda _: self.edit_covenant(True))
        cl.addWidget(self._cov_view, 1)
        crow = QHBoxLayout()
        self._bloc = combo([(b.id, b.name) for b in rg.blocs()])
        crow.addWidget(self._bloc)
        _buttons(self.ctx, [("Lập / sửa giao ước…", self.edit_covenant, "clerk"),
                            ("In giao ước…", self.print_covenant, None),
                            ("Giao ước Word…", lambda: self.print_covenant(word=True), None)],
                 crow)
        crow.addStretch(1)
        cl.addLayout(crow)
        return cov_tab

    # the parts of the tabs not yet shown: built when asked for
    place_view = property(lambda self: self.lazy.get("places"))
    cov_view = property(lambda self: self.lazy.get("covenants") and self._cov_view)
    bloc = property(lambda self: self.lazy.get("covenants") and self._bloc)

    # ---- loading
    def _fill_years(self):
        self.year.blockSignals(True)
        current = self.year.currentData()
        self.year.clear()
        for y in rg.registration_years():
            self.year.addItem(str(y), y)
        i = self.year.findData(current)
        self.year.setCurrentIndex(max(i, 0))
        self.year.blockSignals(False)

    def _year_changed(self, *_):
        year = self.year.currentData()
        self.movement.blockSignals(True)
        current = self.movement.currentData()
        self.movement.clear()
        self.movement.addItem("Mọi phong trào", None)
        for m in mv.list_movements(year=year):
            self.movement.addItem(m.name, m.id)
        i = self.movement.findData(current) if current is not None else -1
        self.movement.setCurrentIndex(i if i >= 0 else (1 if self.movement.count() > 1 else 0))
        self.movement.blockSignals(False)
        self.reload()

    def apply_filters(self, *, year=None, state=None, **_ignored):
        """Show ``year`` (and only registrations in ``state`` when given)."""
        if year is not None:
            self._fill_years()
            i = self.year.findData(year)
            if i >= 0:
                self.year.setCurrentIndex(i)
        if state is not None:
            i = self.state.findData(state)
            if i >= 0:
                self.state.setCurrentIndex(i)

    def _changed(self, area):
        if area in ("movements", "registrations", "org", "all"):
            self._fill_years()
            self._year_changed()

    def current_movement(self):
        mid = self.movement.currentData()
        return mv.get_movement(mid) if mid else None

    def reload(self):
        """Registrations, counts and covenants of the year, read in the background."""
        year, movement = self.year.currentData(), self.current_movement()
        for model in (self.model, self.places):
            model.year, model.movement = year, movement
        self.covenants.year = year
        self.counts.setText("Đang đọc danh sách…")
        self.loader.start(lambda: (self.model.fetch(), self.places.fetch(),
                                   self.covenants.fetch()), self._loaded)

    def _loaded(self, fetched):
        for model, rows in zip((self.model, self.places, self.covenants), fetched):
            model.show_rows(rows)
        self._apply_filters()

    def _apply_filters(self):
        kind, state = self.kind.currentData(), self.state.currentData()
        extra = None
        if kind or state:
            def extra(row):
                return (kind is None or row[2] == kind) and (state is None or row[6] == state)
        self.model.filter_text = self.search.text()
        self.model.set_extra_filter(extra)
        # "Theo thôn / đơn vị" follows the same filters: kind of subject, and a state
        # shows only the places that have registrations in that state
        place_extra = None
        if kind or state:
            column = {rg.DRAFT: 3, rg.SUBMITTED: 4, rg.ACCEPTED: 5, rg.RETURNED: 6}.get(state)

            def place_extra(row):
                return (kind is None or row[2] == kind) and (column is None or row[column] > 0)
        self.places.filter_text = self.search.text()
        self.places.set_extra_filter(place_extra)
        self._update_counts()

    def _update_counts(self):
        totals = {s: 0 for s in rg.STATES}
        for i in self.model.visible:
            totals[self.model.rows[i][6]] += 1
        parts = [f"<span style='color:{STATE_COLORS[s]}'><b>{rg.STATES[s]}: "
                 f"{vntext.format_int(n)}</b></span>" for s, n in totals.items()]
        self.counts.setText(f"{vntext.format_int(len(self.model.visible))} đăng ký — "
                            + " · ".join(parts))

    def selected(self):
        rows = selected_rows(self.view)
        return [rg.get_registration(self.model.index(r, 0).data(ID_ROLE)) for r in rows]

    # ---- actions
    def _need_movement(self):
        m = self.current_movement()
        if m is None:
            messages.info(self, "Hãy chọn một phong trào ở ô “Phong trào” trước.")
        return m

    def add(self):
        m = self._need_movement()
        if m is None:
            return
        error = None
        while True:
            dialog = RegistrationDialog(self, m, error=error, year=self.year.currentData())
            if dialog.exec() != QDialog.Accepted:
                return
            v = dialog.values()
            try:
                rg.register(actor=self.ctx.actor, movement=m, year=self.year.currentData(),
                            subject=v["subject"], titles=v["titles"],
                            commitments=v["commitments"], reg_date=v["reg_date"],
                            signer=v["signer"], round=v.get("round"))
            except UserError as err:
                messages.show_error(self, err)
                error = err
                continue
            self.ctx.changed("registrations")
            return

    def edit(self):
        regs = self.selected()
        if not regs or not self.ctx.can_edit:
            return
        reg = regs[0]
        if reg.state == rg.ACCEPTED:
            messages.info(self, "Đăng ký này đã được duyệt; lãnh đạo cần “Mở lại…” trước khi "
                          "sửa.")
            return
        dialog = RegistrationDialog(self, reg.movement, registration=reg)
        # saved from the dialog: a refused save (another PC changed this registration since
        # it was loaded — ``reg`` carries that version) keeps everything typed on screen
        save_on_accept(dialog, lambda v: rg.update_registration(
            actor=self.ctx.actor, registration=reg, titles=v["titles"],
            commitments=v["commitments"], reg_date=v["reg_date"] or "", signer=v["signer"]),
            dialog.error)
        if dialog.exec() == QDialog.Accepted:
            self.ctx.changed("registrations")

    def enter_actuals(self):
        regs = self.selected()
        if not regs:
            return
        from models.subjects import display_name, subject_of
        reg = regs[0]
        if not reg.commitments.count():
            messages.info(self, "Đăng ký này không có chỉ tiêu cam kết.")
            return
        edited, error = None, None
        while True:
            dialog = ActualsDialog(self, reg, display_name(subject_of(reg)), error, edited)
            if dialog.exec() != QDialog.Accepted:
                return
            edited = dialog.values()
            try:
                rg.set_commitment_actuals(actor=self.ctx.actor, registration=reg,
                                          actuals=edited, versions=dialog.versions)
            except UserError as err:
                error = err
                continue
            self.ctx.changed("registrations")
            return

    def bulk(self):
        m = self._need_movement()
        if m is None:
            return
        year = self.year.currentData()
        dialog = BulkDialog(self, m, year)
        if dialog.exec() != QDialog.Accepted:
            return
        v = dialog.values()
        actor = self.ctx.actor

        def work(progress):
            return rg.bulk_register(actor=actor, movement=m, year=year, progress=progress, **v)

        def done(result):
            messages.info(self, result.summary())
            self.ctx.changed("registrations")
        return self.ctx.run_task(self, "Đang đăng ký hàng loạt…", work, on_done=done)

    def _each(self, fn, **kwargs):
        regs = self.selected()
        done = 0
        for reg in regs:
            if messages.run_action(self, fn, actor=self.ctx.actor, registration=reg,
                                   **kwargs) is None:
                break
            done += 1
        if done:
            self.ctx.changed("registrations")
        return done

    def submit(self):
        self._each(rg.submit)

    def _all_at_once(self, state, reason=None):
        """Accept or return every selected registration in one step (all or nothing)."""
        regs = self.selected()
        if regs and messages.run_action(self, rg.bulk_set_state, actor=self.ctx.actor,
                                        registrations=regs, state=state,
                                        reason=reason) is not None:
            self.ctx.changed("registrations")

    def accept(self):
        self._all_at_once(rg.ACCEPTED)

    def return_(self):
        if not self.selected():
            return
        reason = messages.ask_text(self, "Lý do trả lại:")
        if reason:
            self._all_at_once(rg.RETURNED, reason)

    def reopen(self):
        if not self.selected():
            return
        reason = messages.ask_text(self, "Lý do mở lại đăng ký đã duyệt:")
        if reason:
            self._each(rg.reopen, reason=reason)

    def delete(self):
        regs = self.selected()
        if regs and messages.confirm(self, f"Xóa {len(regs)} đăng ký đã chọn?", yes="Xóa",
                                     danger=True):
            self._each(rg.delete_registration)

    # ---- documents
    def _save_path(self, title, name, pattern):
        path, _ = files.save_name(self, title, name, pattern)
        return path

    def print_sheet(self, *, word=False):
        regs = self.selected()
        if not regs:
            return
        path = files.document_name(self, "Lưu bản đăng ký", f"ban-dang-ky-{regs[0].id}",
                                   word=word)
        if path:
            from reports import registration_docs
            if messages.run_action(self, registration_docs.write_registration_sheet,
                                   registration_id=regs[0].id, path=path):
                messages.saved(self, path)

    def print_list(self, *, word=False):
        year = self.year.currentData()
        path = files.document_name(self, "Lưu danh sách", f"danh-sach-dang-ky-{year}",
                                   word=word)
        if not path:
            return
        from reports import registration_docs
        movement = self.current_movement()
        self.ctx.run_task(self, "Đang in danh sách…", lambda progress: (
            registration_docs.write_registrations_list(path=path, year=year, movement=movement,
                                                       progress=progress)),
            on_done=lambda p: messages.saved(self, p))

    def export_xlsx(self):
        year = self.year.currentData()
        path = self._save_path("Xuất Excel", f"dang-ky-thi-dua-{year}.xlsx", "Excel (*.xlsx)")
        if not path:
            return
        from reports import registration_docs
        self.ctx.run_task(self, "Đang xuất Excel…", lambda progress: (
            registration_docs.export_registrations_xlsx(path, year=year, progress=progress)),
            on_done=lambda p: messages.info(self, f"Đã xuất {p}"))

    # ---- covenants
    def edit_covenant(self, from_table=False):
        """The covenant double-clicked in the table, or the chosen bloc's for this year."""
        index = self.cov_view.currentIndex()
        covenant = None
        if from_table is True and index.isValid():
            covenant = rg.get_covenant(index.data(ID_ROLE))
        bloc = covenant.bloc if covenant else (org.get_unit(self.bloc.currentData())
                                               if self.bloc.currentData() else None)
        if bloc is None:
            return
        year, movement = self.year.currentData(), self.current_movement()
        if covenant is None:
            covenant = rg.find_covenant(bloc, year)
        dialog = CovenantDialog(self, bloc, year, covenant)
        # saved from the dialog, only over the covenant it loaded (None: a new one): a
        # refused save keeps everything typed on screen with the message
        save_on_accept(dialog, lambda v: rg.save_covenant(
            actor=self.ctx.actor, bloc=bloc, year=year, seen=covenant,
            movement=covenant.movement if covenant else movement, **v), dialog.error)
        if dialog.exec() == QDialog.Accepted:
            self.ctx.changed("registrations")

    def print_covenant(self, *, word=False):
        index = self.cov_view.currentIndex()
        if not index.isValid():
            messages.info(self, "Hãy chọn một giao ước trong bảng.")
            return
        cid = index.data(ID_ROLE)
        path = files.document_name(self, "Lưu giao ước", f"giao-uoc-{cid}", word=word)
        if path:
            from reports import registration_docs
            if messages.run_action(self, registration_docs.write_covenant, covenant_id=cid,
                                   path=path):
                messages.saved(self, path)
