"""Page "Bình xét & Quyết định": candidates with warnings and votes, decisions, register, fund."""
import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton,
                               QSpinBox, QTabWidget, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from models import award_history, candidates, council, vntext
from models.entities import Candidate
from models.errors import UserError

from .. import files, messages
from ..background import Loader, run_action
from ..decision_dialogs import (DecisionSettingsDialog, MeetingDialog, SubjectPicker,
                               VoteDialog)
from ..decision_editor import DecisionEditor, money
from ..fund_tab import FundTab
from ..table_model import (DISPLAY_ROLE, FOREGROUND_ROLE, TOOLTIP_ROLE, Col, FilterTableModel,
                           name_sort)
from ..widgets import FlowLayout, SearchBox, make_table_view, selected_rows

WARN = QBrush(QColor("#9a5b00"))
FAILED = QBrush(QColor("#b00020"))


def _pct(value):
    return "" if value is None else vntext.format_decimal(value, 2)


def _result(value):
    return "" if value is None else ("Đạt" if value else "Không đạt")


class CandidateModel(FilterTableModel):
    """(id, kind, name, place, title, warnings, years, for, percent, passed, active, reason)"""
    COLUMNS = [Col("Đối tượng", 1, 80), Col("Tên", 2, 190, sort=name_sort),
               Col("Đơn vị, địa chỉ", 3, 160), Col("Đề nghị", 4, 180),
               Col("Cảnh báo", 5, 330), Col("Năm liên tục có danh hiệu", 6, 180),
               Col("Đồng ý", 7, 60, "center"), Col("Tỷ lệ %", 8, 65, "center", fmt=_pct),
               Col("Kết quả", 9, 75, "center", fmt=_result), Col("Lý do thêm/bỏ", 11, 160)]
    ACTIVE_INDEX = 10
    movement = None
    year = None

    def load(self, ids=None):
        if self.movement is None:
            return []
        return [(r["id"], r["kind_label"], r["name"], r["place"], r["title"],
                 " • ".join(r["warnings"]), r["years_text"], r["votes_for"], r["percent"],
                 r["passed"], not r["removed"], r["reason"])
                for r in candidates.candidate_rows(movement=self.movement, year=self.year,
                                                   ids=ids)]

    def fetch(self):
        rows = self.load()
        return rows, self._keys(rows)

    def fetch_some(self, ids):
        """Fresh copies of the rows ``ids`` only (any thread), for ``replace_rows``."""
        rows = self.load(ids)
        return rows, self._keys(rows)

    def key(self, row):
        return f"{row[1]} {row[2]} {row[3]} {row[4]} {row[5]}"

    @staticmethod
    def _keys(rows):
        """Folded search keys; kinds, places, titles and warnings repeat over thousands of
        rows and are folded once each (20,000 rows: a third of the time)."""
        folded = {}

        def once(text):
            value = folded.get(text)
            if value is None:
                value = folded[text] = vntext.fold(text)
            return value
        fold = vntext.fold
        return [f"{once(r[1])} {fold(r[2])} {once(r[3])} {once(r[4])} {once(r[5])}"
                for r in rows]

    def data(self, index, role=DISPLAY_ROLE):
        if role == FOREGROUND_ROLE and index.isValid():
            row = self.row_at(index.row())
            if row[10] and index.column() == 4 and row[5]:
                return WARN
            if row[10] and index.column() == 8 and row[9] is False:
                return FAILED
        if role == TOOLTIP_ROLE and index.isValid() and index.column() == 4:
            return self.row_at(index.row())[5].replace(" • ", "\n")
        return super().data(index, role)


class ReloadWhenShown:
    """A tab whose data was saved elsewhere: read again now if shown, else when next shown
    (``reload_stale`` names what reads it)."""
    is_stale = False
    reload_stale = "reload"

    def stale(self):
        if self.isVisible():
            getattr(self, self.reload_stale)()
        else:
            self.is_stale = True

    def showEvent(self, event):
        super().showEvent(event)
        if self.is_stale:
            self.is_stale = False
            getattr(self, self.reload_stale)()


class CandidatesTab(ReloadWhenShown, QWidget):
    """Build the candidate list, add/remove with a reason, the meeting and its votes."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(datetime.date.today().year)
        self.movement = QComboBox()
        self.movement.setMinimumWidth(320)
        self.meeting = QComboBox()
        self.meeting.setMinimumWidth(220)
        self.model = CandidateModel(self)
        self.loader = Loader(self)
        self.own_change = False      # True while this tab announces its own save
        self.is_stale = False
        self.view = make_table_view(self.model, self)
        self.view.setWordWrap(False)
        self.search = SearchBox(parent=self)
        self.search.search.connect(self.model.set_filter)
        self.count = QLabel()
        top = QHBoxLayout()
        for w in (QLabel("Năm:"), self.year, QLabel("Phong trào:"), self.movement,
                  QLabel("Cuộc họp:"), self.meeting):
            top.addWidget(w)
        top.addStretch(1)
        self.buttons = {}
        bar = FlowLayout()
        for key, text, slot in (("build", "Lập danh sách từ hồ sơ", self.build),
                                ("proposals", "Nhập danh sách đề nghị…", self.import_list),
                                ("add", "Thêm…", self.add),
                                ("remove", "Đưa ra khỏi danh sách…", self.remove),
                                ("meeting", "Cuộc họp mới…", self.new_meeting),
                                ("edit_meeting", "Sửa cuộc họp…", self.edit_meeting),
                                ("vote", "Nhập phiếu…", self.vote),
                                ("minutes", "In biên bản…", self.minutes),
                                ("minutes_docx", "Biên bản Word…", self.minutes_docx),
                                ("upward", "Hồ sơ đề nghị cấp trên…", self.upward)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            self.buttons[key] = b
            bar.addWidget(b)
        bar.addStretch(1)
        line = QHBoxLayout()
        line.addWidget(self.search, 1)
        line.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addLayout(line)
        layout.addWidget(self.view, 1)
        self.year.valueChanged.connect(self._year_changed)
        self.movement.currentIndexChanged.connect(self._movement_changed)
        self.view.doubleClicked.connect(lambda _: self.vote())
        self._year_changed()

    # ---------------------------------------------------------------- loading
    def _year_changed(self):
        """Refill the movements of the year (keeping the chosen one), then meetings and rows."""
        current = self.movement.currentData()
        current_id = current.id if current is not None else None
        self.movement.blockSignals(True)
        self.movement.clear()
        for m in candidates.movements_for(self.year.value()):
            self.movement.addItem(m.name, m)
            if m.id == current_id:
                self.movement.setCurrentIndex(self.movement.count() - 1)
        self.movement.blockSignals(False)
        self._movement_changed()

    def _movement_changed(self):
        current = self.meeting.currentData()
        current_id = current.id if current is not None else None
        self.meeting.clear()
        movement = self.movement.currentData()
        if movement is not None:
            for m in council.meetings(movement=movement, year=self.year.value()):
                self.meeting.addItem(f"Họp ngày {vntext.format_date(m.date)} "
                                     f"({m.members_present}/{m.members_total})", m)
                if m.id == current_id:
                    self.meeting.setCurrentIndex(self.meeting.count() - 1)
        self.reload()

    def reload(self):
        """Read the list in the background; the table shows it when ready."""
        self.model.movement = self.movement.currentData()
        self.model.year = self.year.value()
        self._buttons()
        self.count.setText("Đang đọc danh sách…")
        self.loader.start(self.model.fetch, self._loaded)

    def refresh(self, ids=None):
        """After an action on the rows ``ids``: read those rows again (a few), else all."""
        if not ids or len(ids) > 500 or not self.model.rows:
            self.reload()
            return
        self.loader.start(lambda: self.model.fetch_some(ids), self._replaced)

    def _loaded(self, fetched):
        self.model.show_rows(fetched)
        self._count()

    def _replaced(self, fetched):
        self.model.replace_rows(fetched)
        self._count()

    def _count(self):
        active = [r for r in self.model.rows if r[10]]
        warned = sum(1 for r in active if r[5])
        passed = sum(1 for r in active if r[9])
        self.count.setText(f"{len(active)} đề nghị, {warned} có cảnh báo, {passed} đạt")

    def _buttons(self):
        can = self.ctx.can_edit and self.model.movement is not None
        for key in ("build", "add", "remove", "meeting"):
            self.buttons[key].setEnabled(can)
        self.buttons["proposals"].setEnabled(self.ctx.can_edit)
        has_meeting = self.meeting.currentData() is not None
        self.buttons["edit_meeting"].setEnabled(can and has_meeting)
        self.buttons["vote"].setEnabled(can and has_meeting)
        self.buttons["minutes"].setEnabled(has_meeting)
        self.buttons["minutes_docx"].setEnabled(has_meeting)

    def _selected(self):
        rows, visible = self.model.rows, self.model.visible
        return [rows[visible[r]] for r in selected_rows(self.view)]   # Ctrl+A: 14,000 rows

    def _run(self, fn, **kwargs):
        try:
            return fn(actor=self.ctx.actor, **kwargs)
        except UserError as err:
            messages.show_error(self, err)
            return None

    def _changed(self, ids=None):
        """Tell the other pages, then read again only the rows the action changed."""
        self._announce()
        self.refresh(ids)

    def _announce(self):
        """``ctx.changed`` for the other pages; this tab reads what it needs itself."""
        self.own_change = True
        try:
            self.ctx.changed("decisions")
        finally:
            self.own_change = False

    # ---------------------------------------------------------------- actions
    def build(self):
        movement, year, actor = self.movement.currentData(), self.year.value(), self.ctx.actor

        def done(result):
            self._changed()
            messages.info(self, f"Đã thêm {result['added']} đề nghị từ hồ sơ đăng ký và kết quả "
                                f"chấm điểm; danh sách có {result['total']} đề nghị.")
        run_action(self.ctx, self, "Đang lập danh sách đề nghị…",
                   lambda progress: candidates.build_candidates(
                       actor=actor, movement=movement, year=year),
                   on_done=done)

    def import_list(self):
        from ..proposals_dialog import ProposalsDialog
        if ProposalsDialog.run(self, self.ctx, movement=self.movement.currentData(),
                               year=self.year.value()):
            self.reload()

    def add(self):
        picked = SubjectPicker.ask(self, title="Thêm vào danh sách đề nghị", need_reason=True)
        if picked and self._run(candidates.add_candidate, movement=self.movement.currentData(),
                                year=self.year.value(), subject=picked["subject"],
                                title=picked["title"], reason=picked["reason"]):
            self._changed()

    def remove(self):
        rows = [r for r in self._selected() if r[10]]
        if not rows:
            return
        reason = messages.ask_text(self, f"Lý do đưa {len(rows)} đối tượng ra khỏi danh sách:")
        if not reason:
            return
        for row in rows:
            if self._run(candidates.remove_candidate, candidate=Candidate.get_by_id(row[0]),
                         reason=reason) is None:
                break
        self._changed()     # warnings of others may change (caps): the whole list

    def new_meeting(self):
        movement, year = self.movement.currentData(), self.year.value()
        meeting = MeetingDialog.ask(self, save=lambda values: council.create_meeting(
            actor=self.ctx.actor, movement=movement, year=year, **values))
        if meeting is not None:
            self._movement_changed()
            self.meeting.setCurrentIndex(self.meeting.count() - 1)
            for i in range(self.meeting.count()):
                if self.meeting.itemData(i).id == meeting.id:
                    self.meeting.setCurrentIndex(i)
            self._announce()

    def edit_meeting(self):
        meeting = self.meeting.currentData()
        if MeetingDialog.ask(self, meeting, save=lambda values: council.update_meeting(
                actor=self.ctx.actor, meeting=meeting, **values)) is not None:
            self._movement_changed()
            self._announce()

    def vote(self):
        meeting = self.meeting.currentData()
        rows = [r for r in self._selected() if r[10]]
        if meeting is None:
            messages.info(self, "Hãy tạo cuộc họp bình xét (nút «Cuộc họp mới…») trước khi "
                          "nhập phiếu.")
            return
        if not rows:
            messages.info(self, "Hãy chọn trong danh sách những ứng viên cần nhập kết quả bỏ "
                          "phiếu (bấm một dòng; giữ Ctrl hoặc Shift để chọn nhiều dòng, Ctrl+A "
                          "để chọn tất cả), rồi bấm «Nhập phiếu…».")
            return
        current = (rows[0][7], None) if len(rows) == 1 and rows[0][7] is not None else None
        counts = VoteDialog.ask(self, meeting, [r[2] for r in rows], current)
        if counts is None:
            return
        ids = [r[0] for r in rows]
        actor = self.ctx.actor
        run_action(self.ctx, self, f"Đang ghi kết quả bỏ phiếu của {len(ids)} đối tượng…",
                   lambda progress: council.record_votes(
                       actor=actor, meeting=meeting, progress=progress,
                       votes=[(ident, counts[0], counts[1]) for ident in ids]),
                   on_done=lambda _: self._changed(ids), cancellable=True)

    def minutes_docx(self):
        self.minutes(word=True)

    def minutes(self, *, word=False):
        from reports import minutes_pdf
        meeting = self.meeting.currentData()
        if meeting is None:
            return
        path = files.document_name(self, "Lưu biên bản", f"BienBan-{meeting.date:%Y-%m-%d}",
                                   word=word)
        if path:
            try:
                minutes_pdf.write_minutes(meeting_id=meeting.id, path=path)
            except UserError as err:
                messages.show_error(self, err)
                return
            messages.saved(self, path)


    def upward(self):
        """The file proposed upward (tờ trình, báo cáo thành tích, biên bản, danh sách)."""
        from ..upward_dialog import UpwardDialog
        UpwardDialog.open(self.ctx, self, year=self.year.value(),
                          movement=self.movement.currentData())
        self.reload()


class RegisterModel(FilterTableModel):
    """(id, year the title is for, no, name, kind, place, title, number, date, amount, state)"""
    COLUMNS = [Col("Năm", 1, 50, "center"), Col("Số sổ", 2, 55, "center"),
               Col("Họ và tên / Tên tập thể / Chủ hộ", 3, 210, sort=name_sort),
               Col("Đối tượng", 4, 80), Col("Đơn vị, địa chỉ", 5, 170),
               Col("Hình thức", 6, 200), Col("Số quyết định", 7, 100),
               Col("Ngày", 8, 80, "center", fmt=vntext.format_date),
               Col("Số tiền", 9, 90, "right", fmt=money), Col("Tình trạng", 10, 110)]
    year = None

    def load(self):
        return [(r["id"], r["period"], r["register_no"], r["name"], r["kind_label"],
                 r["place"], r["title"], r["number"], r["date"], r["amount"], r["state"])
                for r in award_history.register_rows(year=self.year)]

    def key(self, row):
        return f"{row[3]} {row[5]} {row[6]} {row[7]}"


class RegisterTab(ReloadWhenShown, QWidget):
    """Sổ theo dõi khen thưởng, filtered by year and text, exported to Excel; fund totals."""
    reload_stale = "reload_years"

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.year = QComboBox()
        self.model = RegisterModel(self)
        self.loader = Loader(self)
        self.is_stale = False
        self.view = make_table_view(self.model, self)
        self.search = SearchBox(parent=self)
        self.search.search.connect(self._filter)
        self.count = QLabel()
        export = QPushButton("Xuất sổ ra Excel…")
        export.clicked.connect(self.export)
        export_fund = QPushButton("Xuất quỹ và quyết định…")
        export_fund.clicked.connect(self.export_fund)
        self.fund = QTableWidget(0, 3)
        self.fund.setHorizontalHeaderLabels(["Quỹ thi đua, khen thưởng", "Số lượt", "Số tiền"])
        self.fund.setMaximumHeight(170)
        self.fund.setColumnWidth(0, 420)
        self.fund.setColumnWidth(1, 90)
        self.fund.setColumnWidth(2, 170)
        self.fund.setWordWrap(False)
        self._first = True
        self.fund.verticalHeader().hide()
        top = QHBoxLayout()
        top.addWidget(QLabel("Năm:"))
        top.addWidget(self.year)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        top.addWidget(export)
        top.addWidget(export_fund)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.fund)
        self.year.currentIndexChanged.connect(self.reload)
        self.reload_years()

    def reload_years(self):
        used = set(award_history.award_years())
        years = sorted(used | {datetime.date.today().year}, reverse=True)
        self.year.blockSignals(True)
        current = self.year.currentData()
        self.year.clear()
        self.year.addItem("Tất cả", None)
        for y in years:
            self.year.addItem(str(y), y)
        if self._first:       # open on the latest year that has awards
            current = max(used) if used else years[0]
        index = max(0, self.year.findData(current))
        self._first = False
        self.year.setCurrentIndex(index)
        self.year.blockSignals(False)
        self.reload()

    def reload(self):
        """Register and fund read in the background ("Tất cả" is 80,000 rows)."""
        self.model.year = year = self.year.currentData()
        self.count.setText("Đang đọc sổ…")

        def fetch():
            return self.model.fetch(), award_history.fund_totals(year=year)
        self.loader.start(fetch, self._loaded)

    def _loaded(self, fetched):
        rows, fund = fetched
        self.model.show_rows(rows)
        self._filter(self.search.text())
        lines = [(f"Năm {r['year']}", r["count"], r["total"]) for r in fund["by_year"]]
        lines += [(f"{r['title']} ({r['kind_label'].lower()})", r["count"], r["total"])
                  for r in fund["by_title"]]
        lines += [(f"Quyết định {r['number']}", r["count"], r["total"])
                  for r in fund["by_decision"]]
        self.fund.setRowCount(len(lines))
        for i, (label, n, total) in enumerate(lines):
            for j, value in enumerate((label, vntext.format_int(n), vntext.format_money(total))):
                item = QTableWidgetItem(value)
                if j:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.fund.setItem(i, j, item)

    def _filter(self, text):
        self.model.set_filter(text)
        self.count.setText(f"{self.model.rowCount()} lượt khen thưởng")

    def export(self):
        from reports import award_docs
        year = self.year.currentData()
        path, _ = files.save_name(
            self, "Xuất sổ khen thưởng", f"SoKhenThuong-{year or 'tat-ca'}.xlsx",
            "Excel (*.xlsx)")
        if not path:
            return
        search = self.search.text() or None
        self.ctx.run_task(self, "Đang xuất sổ khen thưởng…",
                          lambda progress: award_docs.export_awards_xlsx(
                              path, year=year, progress=progress, search=search),
                          on_done=lambda p: messages.saved(self, p))


    def export_fund(self):
        from reports import award_docs
        year = self.year.currentData()
        path, _ = files.save_name(
            self, "Xuất quỹ thi đua, khen thưởng", f"QuyKhenThuong-{year or 'tat-ca'}.xlsx",
            "Excel (*.xlsx)")
        if path:
            try:
                award_docs.export_decisions_xlsx(path, year=year)
            except UserError as err:
                messages.show_error(self, err)
                return
            messages.saved(self, path)


class _LazyTab(QWidget):
    """Holds a tab's place until its page is built (the first time it is shown or asked
    for): opening "Bình xét & Quyết định" builds only the candidate list seen first."""

    def __init__(self, build, label):
        super().__init__()
        self.build, self.label, self.page = build, label, None


def _public_list_tab(ctx):
    from ..public_list_tab import PublicListTab     # issue 17
    return PublicListTab(ctx)


class DecisionsPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.candidates = CandidatesTab(ctx)
        self.tabs.addTab(self.candidates, "Đề nghị && bình xét")
        self.lazy = {}
        for key, label, build in (
                ("editor", "Quyết định", lambda: DecisionEditor(ctx)),
                ("register", "Sổ khen thưởng && quỹ", lambda: RegisterTab(ctx)),
                ("public", "Công khai danh sách", lambda: _public_list_tab(ctx)),
                ("fund", "Sổ quỹ", lambda: FundTab(ctx))):       # issue 18: the ledger
            self.lazy[key] = _LazyTab(build, label)
            self.tabs.addTab(self.lazy[key], label)
        self._swapping = False
        self.tabs.currentChanged.connect(self._tab_shown)
        self.setup_button = QPushButton("Thiết lập…")
        self.setup_button.setToolTip("Cách tính tiền, tỷ lệ phiếu, căn cứ và nơi nhận mặc định")
        self.setup_button.setEnabled(ctx.is_leader)
        self.setup_button.clicked.connect(self.edit_settings)
        self.tabs.setCornerWidget(self.setup_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        ctx.on_change(self, self._changed)

    def _tab_shown(self, index):
        holder = self.tabs.widget(index)
        if isinstance(holder, _LazyTab) and not self._swapping:
            self._page(holder)

    def _page(self, holder):
        """Build the page of ``holder`` once and put it in the holder's place."""
        if holder.page is None:
            holder.page = holder.build()
            index = self.tabs.indexOf(holder)
            shown = self.tabs.currentIndex() == index
            self._swapping = True
            try:
                self.tabs.insertTab(index, holder.page, holder.label)
                self.tabs.removeTab(index + 1)
                if shown:
                    self.tabs.setCurrentIndex(index)
            finally:
                self._swapping = False
            holder.deleteLater()
            from .. import icons
            icons.decorate_added(self, holder.page)   # icons and keys, as the page had
        return holder.page

    def _built(self, key):
        """The tab ``key`` if it was built already (else None: it reads fresh when built)."""
        return self.lazy[key].page

    editor = property(lambda self: self._page(self.lazy["editor"]))
    register = property(lambda self: self._page(self.lazy["register"]))
    public = property(lambda self: self._page(self.lazy["public"]))
    fund = property(lambda self: self._page(self.lazy["fund"]))

    def edit_settings(self):
        from models import settings
        values = DecisionSettingsDialog.ask(self)
        if values is None:
            return
        try:
            settings.update_settings(actor=self.ctx.actor, values=values)
        except UserError as err:
            messages.show_error(self, err)
            return
        self.ctx.changed("settings")

    TABS = {"candidates": 0, "decisions": 1, "register": 2, "public": 3, "fund": 4}

    def apply_filters(self, *, year=None, tab=None, **_ignored):
        """Open on ``year`` (candidates and register) and the tab named by ``tab``."""
        if year is not None:
            self.candidates.year.setValue(year)
        if tab in self.TABS:
            self.tabs.setCurrentIndex(self.TABS[tab])

    def _changed(self, area):
        if area in ("movements", "all"):
            # a movement or meeting created elsewhere appears here (no stale combo boxes)
            self.candidates._year_changed()
        elif area in ("decisions", "org", "registrations", "scores", "settings") \
                and not self.candidates.own_change:   # the tab reads its changed rows itself
            self.candidates.stale()
        if area in ("decisions", "all", "org", "registrations", "scores", "settings",
                    "movements"):
            if self._built("register") is not None:
                self.register.stale()
            if self._built("fund") is not None:
                self.fund.reload_years()
            if (area != "decisions" or self.ctx.from_other_pc) \
                    and self._built("editor") is not None:   # ours: it reloaded itself
                self.editor.reload()
