"""Page "Tra cứu": a subject's whole history by year, and who qualifies for a proposal upward."""
import datetime
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QSpinBox, QSplitter, QTabWidget, QTextBrowser,
                               QVBoxLayout, QWidget)

from models import award_history, settings, vntext
from models.entities import Household, Person, Unit
from models.freeing import free_gradually

from ..background import Loader
from ..table_model import Col, FilterTableModel, name_sort
from ..widgets import SearchBox, debounce, make_table_view

MODELS = {"unit": Unit, "person": Person, "household": Household}


def records_html(found_initiatives=(), found_disciplines=()):
    """Issue 18: recognised initiatives and discipline of a subject, as HTML blocks."""
    e = escape
    out = []
    if found_initiatives:
        out.append("<h3>Sáng kiến được công nhận</h3><ul>")
        for i in found_initiatives:
            others = f" (cùng {e(', '.join(i['co_authors']))})" if i["co_authors"] else ""
            out.append(f"<li><b>{e(i['title'])}</b>{others} — Quyết định số {e(i['number'])} "
                       f"ngày {vntext.format_date(i['date'])}, phạm vi {e(i['scope'].lower())}"
                       "</li>")
        out.append("</ul>")
    if found_disciplines:
        out.append("<h3>Kỷ luật</h3><ul>")
        for d in found_disciplines:
            out.append(f"<li style='color:#b00020'>{e(d['text'][0].upper() + d['text'][1:])}"
                       "</li>")
        out.append("</ul>")
    return "".join(out)


def history_html(name, kind_label, place, history, records=""):
    """The history of one subject as simple HTML (one block per year)."""
    e = escape
    out = [f"<h2>{e(name)}</h2><p>{e(kind_label)}{' — ' + e(place) if place else ''}</p>",
           records]
    if not history and not records:
        out.append("<p><i>Chưa có đăng ký, kết quả chấm điểm hay khen thưởng nào.</i></p>")
    for year in history:
        out.append(f"<h3>Năm {year['year']}</h3><ul>")
        for r in year["registrations"]:
            out.append(f"<li>Đăng ký: {e(r['titles'] or '(chưa chọn danh hiệu)')} — "
                       f"{e(r['movement'])} ({e(r['state'])})</li>")
        for s in year["scores"]:
            total = vntext.format_decimal(s["total"]) if s["total"] is not None else "chưa có"
            rank = f", hạng {s['rank']}" if s["rank"] else ""
            out.append(f"<li>Chấm điểm: <b>{total}</b> điểm, xếp loại "
                       f"<b>{e(s['band'] or '—')}</b>{rank}</li>")
        for a in year["awards"]:
            style = "" if a["in_force"] else " style='color:#888'"
            money = f", {vntext.format_money(a['amount'])}" if a["amount"] else ""
            reg = f", số sổ {a['register_no']}" if a["register_no"] else ""
            state = "" if a["in_force"] else f" ({e(a['state'].lower())})"
            out.append(f"<li{style}>Khen thưởng: <b>{e(a['title'])}</b> — Quyết định số "
                       f"{e(a['number'])} ngày {a['date']}{reg}{money}{state}</li>")
        out.append("</ul>")
    return "".join(out)


class HistoryTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.search = SearchBox("Gõ tên đơn vị, cá nhân hoặc chủ hộ (không dấu cũng được)…", self)
        self.results = QListWidget()
        self.view = QTextBrowser()
        self.finder = Loader(self)        # searches and histories are read in the background
        self.shower = Loader(self)
        self.timer = debounce(self, 200, self._find)
        self.search.search.connect(lambda _: self.timer.start())
        self.results.currentItemChanged.connect(self._show)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.search)
        lv.addWidget(self.results, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.view)
        splitter.setSizes([360, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def _find(self):
        text = self.search.text()

        self.finder.start(lambda: award_history.search_subjects(text, limit=200), self._found)

    def _found(self, found):
        self.results.clear()
        for row in found:
            item = QListWidgetItem(f"{row['name']} — {row['kind_label']}"
                                   + (f", {row['place']}" if row["place"] else ""))
            item.setData(Qt.UserRole, (row["kind"], row["id"], row["kind_label"], row["place"]))
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)
        else:
            self.view.setHtml("<p><i>Không tìm thấy.</i></p>" if self.search.text() else "")

    def _show(self, item, _previous=None):
        if item is None:
            return
        kind, ident, kind_label, place = item.data(Qt.UserRole)

        def fetch():
            from models import discipline, initiatives
            from models.subjects import display_name
            obj = MODELS[kind].get_or_none(MODELS[kind].id == ident)
            if obj is None:
                return None
            records = records_html(
                initiatives.initiatives_of(obj) if kind == "person" else (),
                discipline.disciplines_of(obj) if kind != "household" else ())
            return history_html(display_name(obj), kind_label, place,
                                award_history.subject_history(obj), records)
        self.shower.start(fetch, lambda html: html is not None and self.view.setHtml(html))


class QualifierModel(FilterTableModel):
    """(id, kind_label, name, place, count, titles)"""
    COLUMNS = [Col("Đối tượng", 1, 90), Col("Tên", 2, 220, sort=name_sort),
               Col("Đơn vị, địa chỉ", 3, 200), Col("Số năm liên tục", 4, 110, "center"),
               Col("Danh hiệu từng năm", 5, 500)]
    year = None
    years = 2
    kind = None

    def load(self):
        if self.year is None:
            return []
        found = award_history.upward_qualifiers(year=self.year, years=self.years,
                                                subject_kind=self.kind)
        rows = [(r["id"], r["kind_label"], r["name"], r["place"], r["count"], r["titles"])
                for r in found]
        free_gradually(found)        # tens of thousands of dicts: not in one C call
        return rows

    def key(self, row):
        return f"{row[2]} {row[3]} {row[5]}"


class UpwardTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(datetime.date.today().year - 1)
        self.years = QSpinBox()
        self.years.setRange(1, 10)
        self.years.setValue(int(settings.get("upward_years") or 2))
        self.kind = QComboBox()
        self.kind.addItem("Tất cả", None)
        self.kind.addItem("Cá nhân", "person")
        self.kind.addItem("Tập thể", "unit")
        self.kind.addItem("Hộ gia đình", "household")
        self.model = QualifierModel(self)
        self.view = make_table_view(self.model, self)
        self.search = SearchBox(parent=self)
        self.search.search.connect(self.model.set_filter)
        self.count = QLabel()
        top = QHBoxLayout()
        for w in (QLabel("Đến năm:"), self.year, QLabel("Số năm liên tục có danh hiệu:"),
                  self.years, QLabel("Đối tượng:"), self.kind):
            top.addWidget(w)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        self.file_button = QPushButton("Lập hồ sơ đề nghị cấp trên…")
        self.file_button.setToolTip("Tờ trình, báo cáo thành tích, biên bản, danh sách; xuất ra "
                                    "USB (cũng mở được ở trang «Bình xét & Quyết định»)")
        self.file_button.clicked.connect(self.open_file)
        top.addWidget(self.file_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.loader = Loader(self)
        self.timer = debounce(self, 300, self.reload)   # several spin-box clicks: one read
        for w in (self.year, self.years):
            w.valueChanged.connect(lambda *_: self.timer.start())
        self.kind.currentIndexChanged.connect(lambda *_: self.timer.start())
        self.loaded = False

    def showEvent(self, event):
        """The list is read when the tab is first shown (it spans every year's awards)."""
        super().showEvent(event)
        if not self.loaded:
            self.reload()

    def open_file(self):
        from ..upward_dialog import UpwardDialog
        UpwardDialog.open(self.ctx, self, year=self.year.value())

    def reload(self):
        self.loaded = True
        self.timer.stop()
        self.model.year, self.model.years = self.year.value(), self.years.value()
        self.model.kind = self.kind.currentData()
        self.count.setText("Đang tìm…")
        self.loader.start(self.model.fetch, self._loaded)

    def _loaded(self, fetched):
        self.model.show_rows(fetched)
        self.count.setText(f"{len(self.model.rows)} đối tượng đủ điều kiện")


class LookupPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.history = HistoryTab(ctx)
        self.upward = UpwardTab(ctx)
        self.tabs.addTab(self.history, "Lịch sử thi đua, khen thưởng")
        self.tabs.addTab(self.upward, "Đề nghị cấp trên")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        ctx.on_change(self, self._changed)

    def _changed(self, area):
        if self.upward.loaded:
            self.upward.reload()
