"""Page "Phong trào": movements with their rounds and targets (paste, Excel, actual values)."""
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QSplitter,
                               QTabWidget, QVBoxLayout, QWidget)

from models import movements as mv
from models import vntext
from models.errors import UserError

from .. import files, icons, messages
from ..background import Loader
from ..table_model import Col, FilterTableModel, ID_ROLE
from ..widgets import FlowLayout, SearchBox, make_table_view
from .movement_dialogs import (FormDialog, PasteTargetsDialog, combo, line,  # noqa: F401
                               movement_fields, save_loop)

GOOD = QBrush(QColor("#1b7a2f"))
BAD = QBrush(QColor("#b00020"))


def _date(d):
    return vntext.format_date(d) if d else ""


def _num(value):
    return "" if value is None else vntext.format_decimal(value)


# --------------------------------------------------------------------------- table models

class MovementModel(FilterTableModel):
    """(id, name, kind, period, doc, targets, registrations, parent_id, year_from)"""
    COLUMNS = [
        Col("Tên phong trào", 1, 420),
        Col("Loại", 2, 110, fmt=lambda k: mv.KINDS.get(k, k)),
        Col("Thời gian", 3, 90, "center"),
        Col("Văn bản phát động", 4, 210),
        Col("Chỉ tiêu", 5, 70, "right"),
        Col("Đăng ký", 6, 70, "right"),
    ]

    def load(self):
        rows = mv.movement_rows()
        out = []
        for r in rows:
            period = str(r["year_from"]) if r["year_from"] == r["year_to"] else \
                f"{r['year_from']}–{r['year_to']}"
            doc = r["doc_number"] + (f" ngày {vntext.format_date(_iso(r['doc_date']))}"
                                     if r["doc_date"] else "")
            name = ("    ↳ " if r["parent_id"] else "") + r["name"]
            out.append((r["id"], name, r["kind"], period, doc, r["target_count"],
                        r["registration_count"], r["parent_id"], r["year_from"]))
        # themed movements right under their parent
        order = {r[0]: i for i, r in enumerate(out)}
        return sorted(out, key=lambda r: (order.get(r[7], order[r[0]]), r[7] is not None))

    def key(self, row):
        return row[1] + " " + row[4]


def _iso(text):
    import datetime
    return datetime.date.fromisoformat(text)


class RoundModel(FilterTableModel):
    COLUMNS = [Col("Đợt", 1, 140), Col("Từ ngày", 2, 90, "center", fmt=_date),
               Col("Đến ngày", 3, 90, "center", fmt=_date), Col("Sơ kết / tổng kết", 4, 200),
               Col("Ngày", 5, 90, "center", fmt=_date),
               Col("Đăng ký theo đợt", 6, 120, "center", fmt=lambda v: "Có" if v else "")]

    def __init__(self):
        super().__init__()
        self.movement = None

    def load(self):
        if self.movement is None:
            return []
        return [(r.id, r.name, r.start, r.end, r.review_name, r.review_date,
                 r.own_registrations)
                for r in self.movement.rounds.order_by(mv.Round.start)]

    def key(self, row):
        return row[1]


class TargetModel(FilterTableModel):
    """(id, code, name, value, measure, direction, group, actual, completion)"""
    COLUMNS = [Col("STT", 1, 45, "center"), Col("Chỉ tiêu", 2, 330),
               Col("Giá trị", 3, 110, "right"), Col("ĐVT", 4, 70, "center"),
               Col("Chiều", 5, 150, fmt=lambda d: mv.DIRECTIONS.get(d, d)),
               Col("Nhóm", 6, 170), Col("Thực hiện", 7, 80, "right", fmt=_num),
               Col("Hoàn thành", 8, 120, "center")]

    def __init__(self):
        super().__init__()
        self.movement = None

    def load(self):
        if self.movement is None:
            return []
        out = []
        for t in mv.targets_of(self.movement):
            c = mv.target_completion(t)
            shown = _num(t.value) if t.value is not None else (t.value_text or "(định tính)")
            out.append((t.id, t.code, t.name, shown, t.measure, t.direction, t.group, t.actual,
                        c.text if t.actual is not None else "", c.achieved))
        return out

    def key(self, row):
        return f"{row[1]} {row[2]} {row[6]}"

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.ForegroundRole and index.isValid() and index.column() == 7:
            achieved = self.row_at(index.row())[9]
            return None if achieved is None else (GOOD if achieved else BAD)
        return super().data(index, role)


# --------------------------------------------------------------------------- page

def _buttons(ctx, specs, layout):
    out = {}
    for label, slot, needs_edit in specs:
        b = QPushButton(label)
        b.clicked.connect(slot)
        b.setEnabled(ctx.can_edit or not needs_edit)
        layout.addWidget(b)
        out[label] = b
    layout.addStretch(1)
    return out


class MovementsPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = MovementModel()
        self.search = SearchBox("Tìm phong trào (gõ không dấu cũng được)…", parent=self)
        self.search.search.connect(self.model.set_filter)
        self.view = make_table_view(self.model, self, sortable=False)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.show_details())
        self.view.doubleClicked.connect(lambda _: self.edit_movement())
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Phong trào thi đua</b>"))
        top.addWidget(self.search, 1)
        mbar = FlowLayout()
        main = _buttons(ctx, [("Thêm phong trào…", self.add_movement, True),
                              ("Sửa…", self.edit_movement, True),
                              ("Sao chép sang năm sau", self.copy_movement, True),
                              ("Xóa", self.delete_movement, True)], mbar)
        icons.mark_main(main["Thêm phong trào…"], main["Sửa…"])   # Ins, F2
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addLayout(top)
        ul.addWidget(self.view, 1)
        ul.addLayout(mbar)

        self.detail_title = QLabel()
        self.detail_title.setWordWrap(True)
        self.tabs = QTabWidget()
        self.targets = TargetModel()
        self.target_view = make_table_view(self.targets, self, sortable=False)
        self.target_view.doubleClicked.connect(lambda _: self.enter_actual())
        tw = QWidget()
        tl = QVBoxLayout(tw)
        tbar = FlowLayout()
        _buttons(ctx, [("Thêm chỉ tiêu…", self.add_target, True),
                       ("Sửa chỉ tiêu…", self.edit_target, True),
                       ("Dán danh sách…", self.paste_targets, True),
                       ("Nhập từ Excel…", self.import_targets, True),
                       ("Nhập kết quả thực hiện…", self.enter_actual, True),
                       ("Xóa chỉ tiêu", self.delete_target, True)], tbar)
        tl.addWidget(self.target_view, 1)
        tl.addLayout(tbar)
        self.rounds = RoundModel()
        self.round_view = make_table_view(self.rounds, self, sortable=False)
        rw = QWidget()
        rl = QVBoxLayout(rw)
        rbar = QHBoxLayout()
        _buttons(ctx, [("Thêm đợt…", self.add_round, True), ("Sửa đợt…", self.edit_round, True),
                       ("Xóa đợt", self.delete_round, True),
                       ("Bật / tắt đăng ký theo đợt", self.toggle_round_registrations, True)],
                 rbar)
        rl.addWidget(self.round_view, 1)
        rl.addLayout(rbar)
        self.tabs.addTab(tw, "Chỉ tiêu")
        self.tabs.addTab(rw, "Đợt thi đua")
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.detail_title)
        ll.addWidget(self.tabs, 1)
        split = QSplitter(Qt.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setSizes([260, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.loader = Loader(self)
        ctx.on_change(self, self._changed)
        self.reload()

    # ---- loading
    def _changed(self, area):
        if area in ("movements", "registrations", "all"):
            self.reload()

    def reload(self):
        """The movements with their counts of targets and registrations (108,000 of a
        large commune: counted on the reading thread), then the chosen one's details."""
        current = self.current_id()
        self.loader.start(self.model.fetch, lambda fetched: self._show(fetched, current))

    def _show(self, fetched, current):
        self.model.show_rows(fetched)
        self.model.set_filter(self.search.text())
        row = next((i for i in range(self.model.rowCount())
                    if self.model.row_at(i)[0] == current), 0 if self.model.rowCount() else -1)
        if row >= 0:
            self.view.selectRow(row)
        self.show_details()

    def current_id(self):
        index = self.view.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def current(self):
        mid = self.current_id()
        return mv.get_movement(mid) if mid is not None else None

    def show_details(self):
        m = self.current()
        self.targets.movement = self.rounds.movement = m
        self.targets.reload()
        self.rounds.reload()
        if m is None:
            self.detail_title.setText("Chưa có phong trào nào: bấm “Thêm phong trào…”.")
            return
        parts = [f"<b>{vntext.nfc(m.name)}</b> — {mv.KINDS[m.kind].lower()}, "
                 f"{mv.period_text(m)}"]
        if m.theme:
            parts.append(f"Chủ đề: {m.theme}")
        if m.slogan:
            parts.append(f"Khẩu hiệu: “{m.slogan}”")
        self.detail_title.setText("<br>".join(parts))

    # ---- movements
    def _parents(self, exclude=None):
        return [m for m in mv.list_movements() if m.parent_id is None
                and (exclude is None or m.id != exclude.id)]

    def _movement_values(self, d):
        parent = mv.get_movement(d["parent"]) if d["parent"] else None
        return dict(name=d["name"], kind=d["kind"], parent=parent, year_from=d["year_from"],
                    year_to=d["year_to"] or None, theme=d["theme"], slogan=d["slogan"],
                    doc_number=d["doc_number"], doc_date=d["doc_date"] or None,
                    doc_signer=d["doc_signer"], description=d["description"])

    def add_movement(self):
        saved = save_loop(self, movement_fields(None, self._parents()), "Thêm phong trào",
                          lambda d: mv.add_movement(actor=self.ctx.actor,
                                                    **self._movement_values(d)))
        if saved is not None:
            self.ctx.changed("movements")

    def edit_movement(self):
        m = self.current()
        if m is None or not self.ctx.can_edit:
            return
        saved = save_loop(self, movement_fields(m, self._parents(m)), "Sửa phong trào",
                          lambda d: mv.update_movement(actor=self.ctx.actor, movement=m,
                                                       **self._movement_values(d)))
        if saved is not None:
            self.ctx.changed("movements")

    def copy_movement(self):
        m = self.current()
        if m is None:
            return
        copy = messages.run_action(self, mv.copy_to_next_year, actor=self.ctx.actor, movement=m)
        if copy is not None:
            messages.info(self, f"Đã tạo “{copy.name}” ({mv.period_text(copy)}) với các đợt và "
                          "chỉ tiêu của phong trào cũ.")
            self.ctx.changed("movements")

    def delete_movement(self):
        m = self.current()
        if m is None or not messages.confirm(self, f"Xóa phong trào “{m.name}”?", yes="Xóa",
                                             danger=True):
            return
        messages.run_action(self, mv.delete_movement, actor=self.ctx.actor, movement=m)
        self.ctx.changed("movements")

    # ---- targets
    def _target_id(self):
        index = self.target_view.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    @staticmethod
    def _target_fields(t=None):
        start = None if t is None else dict(
            name=t.name, value=_num(t.value) if t.value is not None else "",
            measure=t.measure, direction=t.direction, group=t.group)

        def fields(d):
            d = d or start
            groups = list(mv.GROUPS) + ([d["group"]] if d and d["group"] not in mv.GROUPS
                                        else [])
            return [("name", "Tên chỉ tiêu:", line(d["name"] if d else "")),
                    ("value", "Giá trị (vd. 85%, 1.600):", line(d["value"] if d else "")),
                    ("measure", "Đơn vị tính:", line(d["measure"] if d else "")),
                    ("direction", "Chiều đánh giá:", combo(list(mv.DIRECTIONS.items()),
                                                           d["direction"] if d else None)),
                    ("group", "Nhóm:", combo([(g, g) for g in groups],
                                             d["group"] if d else None))]
        return fields

    def add_target(self):
        m = self.current()
        if m is None:
            return
        if save_loop(self, self._target_fields(), "Thêm chỉ tiêu", lambda d: mv.add_target(
                actor=self.ctx.actor, movement=m, value_text=d["value"], **d)) is not None:
            self.ctx.changed("movements")

    def edit_target(self):
        tid = self._target_id()
        if tid is None or not self.ctx.can_edit:
            return
        t = mv.Target.get_by_id(tid)
        if save_loop(self, self._target_fields(t), "Sửa chỉ tiêu", lambda d: mv.update_target(
                actor=self.ctx.actor, target=t, **d)) is not None:
            self.ctx.changed("movements")

    def paste_targets(self):
        m = self.current()
        if m is None:
            return
        rows = PasteTargetsDialog.ask(self)
        if not rows:
            return
        replace = False
        existing = len(mv.targets_of(m))
        if existing:
            answer = messages.ask_choice(
                self, f"Phong trào đã có {existing} chỉ tiêu. Thay bằng {len(rows)} chỉ tiêu "
                "vừa dán, hay thêm vào sau các chỉ tiêu đang có?",
                [("add", "Thêm vào"), ("replace", "Thay thế")])
            if answer is None:
                return
            replace = answer == "replace"
        if messages.run_action(self, mv.add_targets, actor=self.ctx.actor, movement=m,
                               rows=rows, replace=replace) is not None:
            self.ctx.changed("movements")

    def import_targets(self):
        m = self.current()
        if m is None:
            return
        path, _ = files.open_name(self, "Chọn tệp Excel chỉ tiêu", "",
                                              "Excel (*.xlsx *.xlsm)")
        if not path:
            return
        from reports import targets_xlsx
        try:
            result = targets_xlsx.import_targets(path, actor=self.ctx.actor, movement=m)
        except UserError as err:
            messages.show_error(self, err)
            if not err.details or not messages.confirm(
                    self, "Chỉ nhập các dòng hợp lệ và bỏ qua các dòng có lỗi?",
                    yes="Chỉ nhập dòng hợp lệ", no="Không"):
                return
            result = messages.run_action(self, targets_xlsx.import_targets, path,
                                         actor=self.ctx.actor, movement=m, only_valid=True)
        if result is not None:
            messages.info(self, result.summary())
            self.ctx.changed("movements")

    def enter_actual(self):
        tid = self._target_id()
        if tid is None or not self.ctx.can_edit:
            return
        target = mv.Target.get_by_id(tid)
        text = messages.ask_text(self, f"Kết quả thực hiện của “{target.name}”"
                                 + (f" (chỉ tiêu {_num(target.value)} {target.measure})"
                                    if target.value is not None else "") + ":",
                                 text=_num(target.actual), required=False)
        if text is None:
            return
        if messages.run_action(self, mv.set_actual, actor=self.ctx.actor, target=target,
                               actual=text or None) is not None:
            self.ctx.changed("movements")

    def _selected_target_ids(self):
        rows = {i.row() for i in self.target_view.selectionModel().selectedIndexes()}
        ids = [self.target_view.model().index(r, 0).data(ID_ROLE) for r in sorted(rows)]
        ids = [i for i in ids if i is not None]
        return ids or [i for i in (self._target_id(),) if i is not None]

    def delete_target(self):
        ids = self._selected_target_ids()
        if not ids:
            messages.info(self, "Hãy chọn chỉ tiêu cần xóa (giữ Ctrl hoặc Shift để chọn "
                          "nhiều dòng).")
            return
        text = "Xóa chỉ tiêu đã chọn?" if len(ids) == 1 else f"Xóa {len(ids)} chỉ tiêu đã chọn?"
        if not messages.confirm(self, text, yes="Xóa", danger=True):
            return
        messages.run_action(self, mv.delete_targets, actor=self.ctx.actor,
                            targets=[mv.Target.get_by_id(i) for i in ids])
        self.ctx.changed("movements")

    # ---- rounds
    def _round_fields(self, r=None):
        def val(key):
            v = getattr(r, key) if r is not None else ""
            return _date(v) if key in ("start", "end", "review_date") else v
        return lambda d: [
            ("name", "Tên đợt:", line(d["name"] if d else val("name"))),
            ("start", "Từ ngày:", line(d["start"] if d else val("start"))),
            ("end", "Đến ngày:", line(d["end"] if d else val("end"))),
            ("review_name", "Sơ kết / tổng kết:", line(d["review_name"] if d else
                                                        val("review_name"))),
            ("review_date", "Ngày sơ kết / tổng kết:", line(d["review_date"] if d else
                                                             val("review_date")))]

    def add_round(self):
        m = self.current()
        if m is None:
            return
        if save_loop(self, self._round_fields(), "Thêm đợt thi đua", lambda d: mv.add_round(
                actor=self.ctx.actor, movement=m, **dict(d, review_date=d["review_date"] or None))
                ) is not None:
            self.ctx.changed("movements")

    def _round(self):
        index = self.round_view.currentIndex()
        return mv.Round.get_by_id(index.data(ID_ROLE)) if index.isValid() else None

    def edit_round(self):
        r = self._round()
        if r is None:
            return
        if save_loop(self, self._round_fields(r), "Sửa đợt thi đua", lambda d: mv.update_round(
                actor=self.ctx.actor, round=r, **dict(d, review_date=d["review_date"] or None))
                ) is not None:
            self.ctx.changed("movements")

    def toggle_round_registrations(self):
        """Issue 18: the round takes registrations of its own (or no longer does)."""
        from models import round_registrations
        r = self._round()
        if r is None:
            messages.info(self, "Hãy chọn một đợt thi đua.")
            return
        if messages.run_action(self, round_registrations.set_own_registrations,
                               actor=self.ctx.actor, round=r,
                               enabled=not r.own_registrations) is not None:
            self.ctx.changed("movements")

    def delete_round(self):
        r = self._round()
        if r is None or not messages.confirm(self, f"Xóa {r.name}?", yes="Xóa", danger=True):
            return
        messages.run_action(self, mv.delete_round, actor=self.ctx.actor, round=r)
        self.ctx.changed("movements")
