"""Page "Tổng hợp cấp tỉnh": the files the communes sent (received in a worker), a look-up of
anyone's titles in any commune, the statistics across communes, the proposals received.

Listed last in the navigation: a commune clerk never needs it, and until a file is received
it only says what it is for and offers "Nhận tệp của xã…"."""
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QTabWidget, QTextBrowser, QVBoxLayout, QWidget)

from models import province, province_query, vntext

from .. import files, messages
from ..background import Loader, run_action
from ..table_model import RowsModel
from ..widgets import SearchBox, debounce, make_table_view

INTRO = ("Trang dành cho Ban Thi đua - Khen thưởng cấp tỉnh: nhận hồ sơ đề nghị (thư mục "
         "hoặc tệp ZIP) và bản sao lưu (.sqlite3) các xã gửi, gộp theo mã (UUID) của từng "
         "bản ghi. Nhận lại tệp mới hơn của một xã sẽ thay số liệu cũ của xã đó.")


class TextRows(RowsModel):
    """Rows of display strings (the last column may be a number aligned right)."""
    RIGHT = ()

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.DisplayRole:
            return "" if value is None else str(value)
        if role == Qt.TextAlignmentRole and index.column() in self.RIGHT:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None


class CommunesModel(TextRows):
    HEADERS = ("Mã xã", "Xã, phường", "Loại tệp", "Tệp", "Lập lúc", "Đối tượng",
               "Khen thưởng", "Đề nghị", "Nhận lúc")
    RIGHT = (5, 6, 7)


class StatsModel(TextRows):
    HEADERS = ("Xã, phường", "Tổng số lượt", "Cá nhân", "Tập thể", "Hộ gia đình",
               "Tiền thưởng (đồng)")
    RIGHT = (1, 2, 3, 4, 5)


class ProposalsModel(TextRows):
    HEADERS = ("Xã, phường", "Năm", "Đối tượng", "Được đề nghị", "Danh hiệu, hình thức",
               "Kết quả bỏ phiếu", "Cảnh báo")


def _when(value):
    return value.strftime("%d/%m/%Y %H:%M") if value else ""


def lookup_html(found):
    e = escape
    if not found:
        return "<p><i>Không tìm thấy ai ở các xã đã nhận.</i></p>"
    out = []
    for r in found:
        born = f", sinh năm {r['birth_year']}" if r["birth_year"] else ""
        where = ", ".join(x for x in (r["position"], r["unit_name"]) if x)
        out.append(f"<h3>{e(r['name'])}</h3><p>{e(r['kind_name'])}{born} — "
                   f"{e(where + ', ' if where else '')}<b>{e(r['commune'])}</b></p><ul>")
        for a in r["awards"]:
            out.append(f"<li>{a['year']}: <b>{e(a['title'])}</b> — Quyết định số "
                       f"{e(a['decision_number'])} ngày {vntext.format_date(a['decision_date'])}"
                       f" của {e(a['issuer'])}</li>")
        for p in r["proposals"]:
            state = "" if p["passed"] is None else (" (Hội đồng xã đồng ý)" if p["passed"]
                                                     else " (Hội đồng xã không đồng ý)")
            out.append(f"<li>{p['year']}: đề nghị <b>{e(p['title'])}</b>{state}</li>")
        if not r["awards"] and not r["proposals"]:
            out.append("<li><i>Chưa có khen thưởng trong tệp xã gửi.</i></li>")
        out.append("</ul>")
    return "".join(out)


class ProvincePage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.loader = Loader(self)
        self.intro = QLabel(INTRO)
        self.intro.setWordWrap(True)
        self.receive_button = QPushButton("Nhận tệp của xã…")
        self.receive_button.setToolTip("Tệp ZIP hồ sơ đề nghị hoặc tệp sao lưu (.sqlite3)")
        self.folder_button = QPushButton("Nhận thư mục hồ sơ…")
        self.receive_button.clicked.connect(self.receive_files)
        self.folder_button.clicked.connect(self.receive_folder)
        top = QHBoxLayout()
        top.addWidget(self.receive_button)
        top.addWidget(self.folder_button)
        top.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._communes_tab(), "Các xã đã nhận")
        self.tabs.addTab(self._lookup_tab(), "Tra cứu")
        self.tabs.addTab(self._stats_tab(), "Thống kê")
        self.tabs.addTab(self._proposals_tab(), "Đề nghị nhận được")
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        ctx.data_changed.connect(lambda area=None: self.reload())
        self.reload()

    # ---- tabs
    def _communes_tab(self):
        self.communes_model = CommunesModel()
        self.communes_view = make_table_view(self.communes_model, sortable=False)
        self.communes_note = QLabel()
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(self.communes_note)
        lay.addWidget(self.communes_view, 1)
        return w

    def _lookup_tab(self):
        self.search = SearchBox("Gõ tên người, tập thể hoặc chủ hộ (không dấu cũng được)…",
                                self)
        self.birth_year = QSpinBox()
        self.birth_year.setRange(0, 2100)
        self.birth_year.setSpecialValueText("Năm sinh: mọi năm")
        self.birth_year.setPrefix("Năm sinh: ")
        self.found = QTextBrowser()
        self.timer = debounce(self, 250, self.find)
        self.search.search.connect(lambda _: self.timer.start())
        self.birth_year.valueChanged.connect(lambda _: self.timer.start())
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.birth_year)
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addLayout(row)
        lay.addWidget(self.found, 1)
        return w

    def _stats_tab(self):
        self.stats_year = QComboBox()
        self.stats_year.currentIndexChanged.connect(lambda _: self.load_stats())
        self.export_button = QPushButton("Xuất Excel (biểu 0603.N từng xã và toàn tỉnh)…")
        self.export_button.clicked.connect(self.export_stats)
        self.stats_model = StatsModel()
        self.stats_view = make_table_view(self.stats_model, sortable=False)
        self.stats_note = QLabel()
        self.stats_note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Năm:"))
        row.addWidget(self.stats_year)
        row.addWidget(self.export_button)
        row.addStretch(1)
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addLayout(row)
        lay.addWidget(self.stats_view, 1)
        lay.addWidget(self.stats_note)
        return w

    def _proposals_tab(self):
        self.prop_year = QComboBox()
        self.prop_commune = QComboBox()
        self.prop_title = QComboBox()
        for combo in (self.prop_year, self.prop_commune, self.prop_title):
            combo.currentIndexChanged.connect(lambda _: self.load_proposals())
        self.prop_model = ProposalsModel()
        self.prop_view = make_table_view(self.prop_model, sortable=False)
        row = QHBoxLayout()
        for label, combo in (("Năm:", self.prop_year), ("Xã:", self.prop_commune),
                             ("Danh hiệu:", self.prop_title)):
            row.addWidget(QLabel(label))
            row.addWidget(combo)
        row.addStretch(1)
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addLayout(row)
        lay.addWidget(self.prop_view, 1)
        return w

    # ---- loading
    def reload(self):
        def fetch():
            return {"communes": province_query.communes(), "years": province_query.award_years(),
                    "prop_years": sorted({p["year"] for p in province_query.proposals()},
                                         reverse=True),
                    "titles": province_query.proposal_titles()}
        self.loader.start(fetch, self._show)

    def _show(self, data):
        rows = data["communes"]
        self.communes_model.set_rows([
            (r["commune_code"], r["name"], r["source_name"], r["file_name"],
             _when(r["file_time"]), vntext.format_int(r["subjects"]),
             vntext.format_int(r["awards"]), r["proposals"], _when(r["imported_at"]))
            for r in rows])
        self.communes_view.resizeColumnsToContents()
        self.communes_note.setText(
            f"Đã nhận tệp của {len(rows)} xã." if rows else
            "Chưa nhận tệp nào. Bấm \"Nhận tệp của xã…\" để chọn tệp ZIP hồ sơ đề nghị hoặc "
            "tệp sao lưu xã gửi.")
        self.intro.setVisible(not rows)
        self._fill(self.stats_year, [(str(y), y) for y in data["years"]])
        self._fill(self.prop_year, [("Mọi năm", None)] + [(str(y), y)
                                                          for y in data["prop_years"]])
        self._fill(self.prop_commune, [("Mọi xã", None)] + [(r["name"], r["commune_code"])
                                                            for r in rows])
        self._fill(self.prop_title, [("Mọi danh hiệu", None)] + [(t, t)
                                                                 for t in data["titles"]])
        self.load_stats()
        self.load_proposals()

    @staticmethod
    def _fill(combo, items):
        keep = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, value in items:
            combo.addItem(text, value)
        index = combo.findData(keep)
        combo.setCurrentIndex(index if index >= 0 else 0)
        combo.blockSignals(False)

    def load_stats(self):
        year = self.stats_year.currentData()
        self.export_button.setEnabled(year is not None)
        if year is None:
            self.stats_model.set_rows([])
            self.stats_note.setText("")
            return

        def show(data):
            rows = data["by_commune"]
            total = {k: sum(r[k] for r in rows) for k in ("awards", "persons", "units",
                                                          "households", "amount")}
            self.stats_model.set_rows([
                (r["commune"], *(vntext.format_int(r[k]) for k in (
                    "awards", "persons", "units", "households", "amount")))
                for r in rows + [dict(commune="Toàn tỉnh", **total)]])
            self.stats_view.resizeColumnsToContents()
            self.stats_note.setText(" ".join(data["total"].notes))
        Loader(self).start(lambda: province_query.statistics(year), show)

    def load_proposals(self):
        year, commune = self.prop_year.currentData(), self.prop_commune.currentData()
        title = self.prop_title.currentData()

        def show(rows):
            self.prop_model.set_rows([
                (r["commune"], r["year"], r["kind_name"], r["name"], r["title"],
                 "" if r["passed"] is None else
                 f"{'Đạt' if r['passed'] else 'Không đạt'} ({r['vote_percent']}%)",
                 "; ".join(r["warnings"])) for r in rows])
            for col in range(6):
                self.prop_view.resizeColumnToContents(col)
        Loader(self).start(lambda: province_query.proposals(year=year, commune=commune,
                                                            title=title), show)

    def find(self):
        text = self.search.text()
        year = self.birth_year.value() or None
        self.loader.start(lambda: province_query.lookup(text, birth_year=year),
                          lambda found: self.found.setHtml(lookup_html(found))
                          if text.strip() else self.found.setHtml(""))

    # ---- actions
    def receive_files(self):
        path, _ = files.open_name(self, "Chọn tệp xã gửi", filters=(
            "Hồ sơ đề nghị hoặc bản sao lưu (*.zip *.sqlite3);;Tất cả tệp (*)"))
        if path:
            self.receive([path])

    def receive_folder(self):
        path = files.folder_name(self, "Chọn thư mục hồ sơ đề nghị xã gửi")
        if path:
            self.receive([path])

    def receive(self, paths, *, force=False):
        from reports import province_files

        def work(progress):
            return province_files.import_files(paths, actor=self.ctx.actor, force=force,
                                               progress=progress)

        def done(results):
            self.ctx.data_changed.emit("province")
            lines = [f"{province.result_verb(r)} "
                     f"{r['commune'].name}: {vntext.format_int(r['counts']['subjects'])} đối "
                     f"tượng, {vntext.format_int(r['counts']['awards'])} khen thưởng, "
                     f"{r['counts']['proposals']} đề nghị." for r in results]
            messages.info(self, "\n".join(lines))

        def failed(err):
            if isinstance(err, province.OlderFile) and not force and messages.confirm(
                    self, f"{err}\n\nVẫn nhận tệp cũ này, thay số liệu đã nhận của xã?",
                    yes="Vẫn nhận tệp cũ", no="Không nhận", danger=True):
                self.receive(paths, force=True)
                return
            messages.show_error(self, err)
        run_action(self.ctx, self, "Đang nhận tệp của xã", work, on_done=done,
                   on_error=failed, cancellable=True)

    def export_stats(self):
        year = self.stats_year.currentData()
        path, _ = files.save_name(self, "Lưu thống kê toàn tỉnh",
                                  f"thong-ke-khen-thuong-cap-xa-{year}.xlsx",
                                  "Excel (*.xlsx)")
        if not path:
            return
        from reports import province_xlsx
        run_action(self.ctx, self, "Đang xuất thống kê", lambda progress: (
            province_xlsx.write_statistics(path, year=year)),
            on_done=lambda data: messages.saved(self, path))

