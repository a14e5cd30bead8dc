"""Page "Bình xét & Quyết định": candidates with warnings and votes, decisions, register, fund."""
import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QTabWidget,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from models import award_history, vntext
from models.errors import UserError
from models.freeing import one_copy

from .. import files, messages
from ..background import Loader
from ..decision_dialogs import DecisionSettingsDialog, VoteDialog  # noqa: F401 (tests patch it)
from ..decision_editor import DecisionEditor, money
from ..fund_tab import FundTab
from ..lazy_tabs import LazyTabs
from ..table_model import Col, FilterTableModel, name_sort
from ..widgets import ReloadWhenShown, SearchBox, make_table_view
from .candidates_tab import CandidateModel, CandidatesTab  # noqa: F401 (CandidateModel: tests)


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
        # read one row at a time (no list of dicts beside the rows still shown while the
        # register is read again), each title and decision number kept once for all rows
        share = one_copy()
        return [(r["id"], r["period"], r["register_no"], r["name"], r["kind_label"],
                 r["place"], share(r["title"]), share(r["number"]),
                 r["date"], r["amount"], r["state"])
                for r in award_history.iter_register_rows(year=self.year)]

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
        # the other tabs are built when first shown or asked for: opening the page builds
        # only the candidate list seen first
        self.lazy = LazyTabs(self, self.tabs)
        for key, label, build in (
                ("editor", "Quyết định", lambda: DecisionEditor(ctx)),
                ("register", "Sổ khen thưởng && quỹ", lambda: RegisterTab(ctx)),
                ("public", "Công khai danh sách", lambda: _public_list_tab(ctx)),
                ("fund", "Sổ quỹ", lambda: FundTab(ctx))):       # issue 18: the ledger
            self.lazy.add(key, label, build)
        self.setup_button = QPushButton("Thiết lập…")
        self.setup_button.setToolTip("Cách tính tiền, tỷ lệ phiếu, căn cứ và nơi nhận mặc định")
        self.setup_button.setEnabled(ctx.is_leader)
        self.setup_button.clicked.connect(self.edit_settings)
        self.tabs.setCornerWidget(self.setup_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        ctx.on_change(self, self._changed)

    def _built(self, key):
        """The tab ``key`` if it was built already (else None: it reads fresh when built)."""
        return self.lazy.built(key)

    editor = property(lambda self: self.lazy.get("editor"))
    register = property(lambda self: self.lazy.get("register"))
    public = property(lambda self: self.lazy.get("public"))
    fund = property(lambda self: self.lazy.get("fund"))

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
