"""Page "Điển hình, sơ kết": exemplary models through their four stages (list with the stage,
filters, a stuck marker, one dialog per stage) and, in a second tab, the periodic reviews."""
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton,
                               QSplitter, QTabWidget, QTextBrowser, QVBoxLayout, QWidget)

from models import exemplary as ex
from models import movements as mv
from models import vntext
from models.entities import Unit
from models.errors import UserError

from .. import messages
from ..background import Loader
from ..lazy_tabs import LazyTabs
from ..table_model import ID_ROLE, Col, FilterTableModel, RowsModel
from ..widgets import FlowLayout, SearchBox, make_table_view
from .movement_dialogs import save_loop

# The dialogs (.exemplary_dialogs) and the reviews tab (.review_tab) are imported when first
# used: with them the page's first opening imported the decision dialogs, the subject finder
# and models.decisions (~40 ms more of frozen window before gui/preload.py ran; issue 15).

STUCK = QBrush(QColor("#b00020"))
NEXT_STAGE = {ex.DISCOVERED: ex.NURTURED, ex.NURTURED: ex.SUMMARISED,
              ex.SUMMARISED: ex.REPLICATED, ex.REPLICATED: ex.REPLICATED}


def _date(d):
    return vntext.format_date(d) if d else ""


class ModelsModel(FilterTableModel):
    """Models with the stage they stand in, since when, and the stuck marker."""
    (ID, NAME, KIND, AREA, ORIGIN, STAGE, SINCE, DAYS, STUCK_FLAG, REPS, PUBS, MOVEMENT,
     STAGE_KEY) = range(13)
    COLUMNS = [Col("Điển hình, mô hình", NAME, 270), Col("Khâu", STAGE, 80),
               Col("Từ ngày", SINCE, 82, "center", fmt=_date),
               Col("Số ngày", DAYS, 60, "right", fmt=vntext.format_int),
               Col("Tiến độ", STUCK_FLAG, 85, fmt=lambda v: "⚠ Dừng lâu" if v else ""),
               Col("Nhân rộng", REPS, 70, "right", fmt=vntext.format_int),
               Col("Giới thiệu", PUBS, 70, "right", fmt=vntext.format_int),
               Col("Loại", KIND, 110), Col("Lĩnh vực", AREA, 130),
               Col("Khởi xướng", ORIGIN, 160), Col("Phong trào", MOVEMENT, 260)]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.movement = None
        self.stage = None
        self.stuck_only = False

    def load(self):
        return [(r["id"], r["name"], r["kind_label"], r["area"], r["originator"],
                 r["stage_label"], r["stage_date"], r["days_in_stage"], r["stuck"],
                 r["replications"], r["publicity"], r["movement"], r["stage"])
                for r in ex.model_rows(movement=self.movement, stage=self.stage,
                                       stuck_only=self.stuck_only)]

    def key(self, row):
        return f"{row[self.NAME]} {row[self.ORIGIN]} {row[self.AREA]}"

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.ForegroundRole and index.isValid():
            return STUCK if self.row_at(index.row())[self.STUCK_FLAG] else None
        return super().data(index, role)


class ModelsTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = ModelsModel(self)
        self.movement_box = QComboBox()
        self.stage_box = QComboBox()
        self.stage_box.addItem("Mọi khâu", None)
        for key, label in ex.STAGE_NAMES.items():
            self.stage_box.addItem(label, key)
        self.stuck_box = QCheckBox(f"Chỉ mô hình dừng lâu (quá {ex.stuck_days()} ngày)")
        self.search = SearchBox("Tìm điển hình (gõ không dấu cũng được)…", parent=self)
        self.search.search.connect(self.model.set_filter)
        self.movement_box.currentIndexChanged.connect(lambda *_: self.reload())
        self.stage_box.currentIndexChanged.connect(lambda *_: self.reload())
        self.stuck_box.toggled.connect(lambda *_: self.reload())
        top = QHBoxLayout()
        top.addWidget(QLabel("Phong trào:"))
        top.addWidget(self.movement_box, 2)
        top.addWidget(QLabel("Khâu:"))
        top.addWidget(self.stage_box)
        top.addWidget(self.stuck_box)
        top.addWidget(self.search, 2)
        self.view = make_table_view(self.model, self)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.show_detail())
        self.view.doubleClicked.connect(lambda _: self.next_stage())
        self.summary = QLabel()
        self.detail = QTextBrowser()
        bar = FlowLayout()
        self.buttons = {}
        for key, label, slot in (
                ("discover", "Phát hiện điển hình mới…", self.discover),
                ("next", "Ghi khâu tiếp theo…", self.next_stage),
                ("edit", "Sửa khâu đã ghi…", self.edit_stage),
                ("publicity", "Giới thiệu, tuyên truyền…", self.publicity),
                ("delete", "Xóa…", self.delete)):
            button = QPushButton(label)
            button.clicked.connect(slot)
            button.setEnabled(ctx.can_edit)
            bar.addWidget(button)
            self.buttons[key] = button
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addLayout(top)
        ul.addWidget(self.view, 1)
        ul.addWidget(self.summary)
        ul.addLayout(bar)
        split = QSplitter(Qt.Vertical)
        split.addWidget(upper)
        split.addWidget(self.detail)
        split.setSizes([420, 220])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.loader = Loader(self)
        self.fill_movements()
        self.reload()

    # ---- loading
    def fill_movements(self):
        current = self.movement_box.currentData()
        self.movement_box.blockSignals(True)
        self.movement_box.clear()
        self.movement_box.addItem("Mọi phong trào", None)
        for m in mv.list_movements():
            if m.parent_id is None:
                self.movement_box.addItem(f"{m.name} ({mv.period_text(m)})", m.id)
        index = self.movement_box.findData(current)
        self.movement_box.setCurrentIndex(max(index, 0))
        self.movement_box.blockSignals(False)

    def reload(self):
        """The models read on the reading thread (``Loader``): at the page's first opening
        the read was ~20-35 ms of the window's time on the large demo, and the opening
        touched the 100 ms line of bench_freeze."""
        current = self.current_id()
        mid = self.movement_box.currentData()
        self.model.movement = mv.get_movement(mid) if mid else None
        self.model.stage = self.stage_box.currentData()
        self.model.stuck_only = self.stuck_box.isChecked()
        if not self.model.rows:
            self.summary.setText("Đang đọc danh sách điển hình…")
        self.loader.start(self.model.fetch, lambda fetched: self._show(fetched, current))

    def _show(self, fetched, current):
        self.model.show_rows(fetched)
        self.model.set_filter(self.search.text())
        rows = [self.model.row_at(i) for i in range(self.model.rowCount())]
        stuck = sum(1 for r in rows if r[ModelsModel.STUCK_FLAG])
        counts = {}
        for r in rows:
            counts[r[ModelsModel.STAGE_KEY]] = counts.get(r[ModelsModel.STAGE_KEY], 0) + 1
        parts = [f"{ex.STAGE_NAMES[s]}: {counts.get(s, 0)}" for s in ex.STAGES]
        self.summary.setText(f"{len(rows)} điển hình — " + " · ".join(parts)
                             + (f" — <span style='color:#b00020'>{stuck} dừng lâu</span>"
                                if stuck else ""))
        row = next((i for i in range(self.model.rowCount())
                    if self.model.row_at(i)[0] == current), 0 if rows else -1)
        moves = row >= 0 and self.view.currentIndex().row() != row
        if row >= 0:
            self.view.selectRow(row)
        if not moves:                  # else currentRowChanged has just shown it
            self.show_detail()

    def current_id(self):
        index = self.view.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def current(self):
        mid = self.current_id()
        return ex.get_model(mid) if mid is not None else None

    def show_detail(self):
        m = self.current()
        if m is None:
            self.detail.setHtml("<i>Chưa có điển hình nào: bấm “Phát hiện điển hình mới…”.</i>")
            self.buttons["next"].setText("Ghi khâu tiếp theo…")
            return
        d = ex.model_detail(m)
        nxt = NEXT_STAGE[m.stage]
        self.buttons["next"].setText(
            "Nhân rộng tới đơn vị khác…" if nxt == ex.REPLICATED else
            f"Ghi khâu {ex.STAGE_NAMES[nxt].lower()}…")
        html = [f"<b>{escape(m.name)}</b> — {escape(ex.KINDS[m.kind])}"
                + (f", khởi xướng: {escape(d['originator'])}" if d["originator"] else "")
                + (f", lĩnh vực {escape(m.area)}" if m.area else "")]
        html.append("<table cellspacing=4>")
        for s in d["stages"]:
            html.append(f"<tr><td><b>{s['label']}</b></td><td>{_date(s['date'])}</td>"
                        f"<td>{escape(s['by_whom'])}</td><td>{escape(s['content'])}</td></tr>")
        for r in d["replications"]:
            html.append(f"<tr><td><b>Nhân rộng</b></td><td>{_date(r['date'])}</td>"
                        f"<td>{escape(r['unit'])}</td><td>{escape(r['result'])}</td></tr>")
        for p in d["publicity"]:
            html.append(f"<tr><td><b>Giới thiệu</b></td><td>{_date(p['date'])}</td>"
                        f"<td>{escape(p['channel_label'])}</td><td>{escape(p['detail'])}</td></tr>")
        html.append("</table>")
        self.detail.setHtml("".join(html))

    # ---- actions
    def _saved(self):
        self.ctx.changed("exemplary")

    def discover(self):
        movements = [m for m in mv.list_movements()]
        if not movements:
            messages.info(self, "Chưa có phong trào nào: hãy tạo phong trào trước.")
            return
        data, error = None, None
        if self.movement_box.currentData():
            data = {"movement": self.movement_box.currentData()}
        from .exemplary_dialogs import DiscoverDialog
        while True:
            data = DiscoverDialog.ask(self, movements, data, error)
            if data is None:
                return
            try:
                ex.discover(actor=self.ctx.actor, movement=mv.get_movement(data["movement"]),
                            **{k: v for k, v in data.items() if k not in ("movement", "search")})
            except UserError as err:
                error = err
                continue
            self._saved()
            return

    def next_stage(self):
        m = self.current()
        if m is None or not self.ctx.can_edit:
            return
        from .exemplary_dialogs import replication_fields, stage_fields
        nxt = NEXT_STAGE[m.stage]
        if nxt == ex.REPLICATED:
            from models.registrations import registrable_units
            units = registrable_units()
            saved = save_loop(self, replication_fields(units),
                              f"Nhân rộng mô hình «{m.name}»",
                              lambda d: ex.record_replication(
                                  actor=self.ctx.actor, model=m, unit=Unit.get_by_id(d["unit"]),
                                  date=d["date"], result=d["result"]))
        else:
            saved = save_loop(self, stage_fields(nxt),
                              f"{ex.STAGE_NAMES[nxt]} — {m.name}",
                              lambda d: ex.record_stage(actor=self.ctx.actor, model=m,
                                                        stage=nxt, **d))
        if saved is not None:
            self._saved()

    def edit_stage(self):
        m = self.current()
        if m is None:
            return
        stages = {s["stage"]: s for s in ex.model_detail(m)["stages"]}
        choices = [ex.STAGE_NAMES[s] for s in stages]
        index = messages.choose(self, "Sửa khâu nào?", choices) if len(choices) > 1 else 0
        if index is None:
            return
        stage = list(stages)[index]
        from .exemplary_dialogs import stage_fields
        if save_loop(self, stage_fields(stage, stages[stage]),
                     f"Sửa khâu {ex.STAGE_NAMES[stage].lower()} — {m.name}",
                     lambda d: ex.record_stage(actor=self.ctx.actor, model=m, stage=stage,
                                               reason="Sửa khâu đã ghi", **d)) is not None:
            self._saved()

    def publicity(self):
        m = self.current()
        if m is None:
            return
        from .exemplary_dialogs import publicity_fields
        if save_loop(self, publicity_fields(), f"Giới thiệu, tuyên truyền — {m.name}",
                     lambda d: ex.record_publicity(actor=self.ctx.actor, model=m, **d)) \
                is not None:
            self._saved()

    def delete(self):
        m = self.current()
        if m is None:
            return
        reason = messages.ask_text(self, f"Lý do xóa điển hình «{m.name}»:")
        if reason:
            messages.run_action(self, ex.delete_model, actor=self.ctx.actor, model=m,
                                reason=reason)
            self._saved()


class ReplicationsModel(RowsModel):
    """Which units replicated which models (one row per unit and model)."""
    HEADERS = ("Đơn vị", "Mô hình nhân rộng", "Từ ngày", "Kết quả tại đơn vị")

    def load(self):
        self.beginResetModel()
        self.rows = [(r["unit"], name, day, result) for r in ex.replications_by_unit()
                     for name, day, result in r["models"]]
        self.endResetModel()

    def data(self, index, role=Qt.DisplayRole):
        if role != Qt.DisplayRole or not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        return _date(value) if index.column() == 2 else value


class ExemplaryPage(QWidget):
    """Two tabs: the models, and the reviews with the plan's deadlines."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.models_tab = ModelsTab(ctx, self)
        self.replications = ReplicationsModel()
        self.replications.load()
        self.tabs.addTab(self.models_tab, "Điển hình tiên tiến")
        self.lazy = LazyTabs(self, self.tabs)        # the other two: built when first shown
        self.lazy.add("replications", "Đơn vị nhân rộng", self._replication_view)
        self.lazy.add("reviews", "Báo cáo sơ kết, tổng kết", self._reviews_tab)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        ctx.on_change(self, self._changed)

    def _replication_view(self):
        view = make_table_view(self.replications, self, sortable=False)
        for column, width in enumerate((220, 320, 90)):
            view.setColumnWidth(column, width)
        return view

    def _reviews_tab(self):
        from .review_tab import ReviewsTab
        return ReviewsTab(self.ctx, self)

    replication_view = property(lambda self: self.lazy.get("replications"))
    reviews_tab = property(lambda self: self.lazy.get("reviews"))

    def _changed(self, area):
        if area in ("exemplary", "movements", "reviews", "all"):
            self.models_tab.fill_movements()
            self.models_tab.reload()
            self.replications.load()
            if self.lazy.built("reviews") is not None:     # else it reads when built
                self.reviews_tab.reload()

    def apply_filters(self, tab=None, round=None, **_):
        if tab == "reviews" or round is not None:
            self.tabs.setCurrentWidget(self.reviews_tab)
        elif tab == "models":
            self.tabs.setCurrentWidget(self.models_tab)
