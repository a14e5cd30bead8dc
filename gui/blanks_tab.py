"""Tab "Phôi giấy khen" of the certificates page: stock per kind of blank (received, used,
reprinted, spoiled, left) and the history of receipts and spoilage."""
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from models import blanks, vntext
from models import templates as tpl

from .table_model import Col, FilterTableModel
from .widgets import make_table_view

LOW = QBrush(QColor("#b00020"))
LOW_STOCK = 20           # fewer blanks than this left: shown in red


def count(value):
    return vntext.format_int(value) if value else "0"


def blanks_short(needs):
    """Lines naming each kind of blank the run needs more of than is left."""
    return blanks.shortage_text([r for r in needs[0] if r["short"]])


def needs_text(mode, needs):
    """The line shown before printing: what the run takes from the stock."""
    rows, unlinked = needs
    if mode != "blank":
        return "In đầy đủ trên giấy trắng: không dùng phôi."
    if not rows and not unlinked:
        return "Chưa chọn giấy khen nào."
    parts = []
    for r in rows:
        text = (f"cần {vntext.format_int(r['need'])} tờ «{r['kind']}», kho còn "
                f"{vntext.format_int(r['left'])}")
        if r["short"]:
            text = (f"<span style='color:#b00020'>{text} — thiếu "
                    f"{vntext.format_int(r['short'])}</span>")
        parts.append(text)
    if unlinked:
        parts.append("<span style='color:#9a5b00'>mẫu chưa gắn loại phôi (không trừ kho): "
                     + ", ".join(unlinked) + "</span>")
    return "; ".join(parts) + "."


class StockModel(FilterTableModel):
    """(id, name, received, used, reprints, spoiled print, spoiled stock, left, templates)"""
    COLUMNS = [Col("Loại phôi", 1, 260), Col("Đã nhận", 2, 80, "right", fmt=count),
               Col("Đã dùng khi in", 3, 105, "right", fmt=count),
               Col("Trong đó in lại", 4, 105, "right", fmt=count),
               Col("Hỏng khi in", 5, 90, "right", fmt=count),
               Col("Hỏng trong kho", 6, 105, "right", fmt=count),
               Col("Còn lại", 7, 80, "right", fmt=count),
               Col("Mẫu giấy khen in trên phôi", 8, 420)]
    ACTIVE_INDEX = 9

    def load(self):
        return [(r["id"], r["name"], r["received"], r["used"], r["reprints"],
                 r["spoiled_print"], r["spoiled_stock"], r["left"],
                 ", ".join(r["templates"]) or "(chưa gắn mẫu nào)", r["active"])
                for r in blanks.stock_rows()]

    def key(self, row):
        return f"{row[1]} {row[8]}"

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.ForegroundRole and index.isValid() and index.column() == 6:
            if self.row_at(index.row())[7] < LOW_STOCK:
                return LOW
        return super().data(index, role)


class MovesModel(FilterTableModel):
    """(id, date, kind, move, stage, quantity, serials, doc, reason)"""
    COLUMNS = [Col("Ngày", 1, 85, "center", fmt=vntext.format_date), Col("Loại phôi", 2, 250),
               Col("Nhận / hỏng", 3, 85), Col("Nơi hỏng", 4, 200),
               Col("Số tờ", 5, 70, "right", fmt=count), Col("Sêri", 6, 220),
               Col("Số phiếu", 7, 100), Col("Lý do, ghi chú", 8, 300)]

    def load(self):
        return [(r["id"], r["date"], r["kind"], r["move"], r["stage"], r["quantity"],
                 r["serials"], r["doc_number"], r["reason"]) for r in blanks.move_rows()]

    def key(self, row):
        return f"{row[2]} {row[3]} {row[6]} {row[8]}"


class BlanksTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.stock = StockModel(self)
        self.stock_view = make_table_view(self.stock, self, sortable=False)
        self.stock_view.setWordWrap(False)
        self.moves = MovesModel(self)
        self.moves_view = make_table_view(self.moves, self, sortable=False)
        self.moves_view.setWordWrap(False)
        self.buttons = {}
        bar = QHBoxLayout()
        hint = QLabel("Mỗi tờ gửi tới máy in ở chế độ «In trên phôi» trừ một phôi của loại "
                      "gắn với mẫu; in lại dùng thêm phôi.")
        hint.setWordWrap(True)           # the page still fits a 1280-pixel screen
        bar.addWidget(hint, 1)
        for key, text, slot in (("kind", "Loại phôi mới…", self.new_kind),
                                ("edit_kind", "Sửa loại phôi…", self.edit_kind),
                                ("receive", "Nhận phôi…", self.receive),
                                ("spoil", "Ghi phôi hỏng…", self.spoil)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            self.buttons[key] = b
            bar.addWidget(b)
        split = QSplitter(Qt.Vertical)
        for title, view in (("Tồn kho theo loại phôi", self.stock_view),
                            ("Nhận và hỏng", self.moves_view)):
            box = QWidget()
            v = QVBoxLayout(box)
            v.setContentsMargins(0, 0, 0, 0)
            v.addWidget(QLabel(f"<b>{title}</b>"))
            v.addWidget(view)
            split.addWidget(box)
        split.setSizes([260, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self.stock_view.doubleClicked.connect(lambda _: self.edit_kind())
        self.stock_view.selectionModel().selectionChanged.connect(self._buttons)
        self.reload()

    def reload(self):
        self.stock.reload()
        self.moves.reload()
        self._buttons()

    def _selected_kind(self):
        rows = self.stock_view.selectionModel().selectedRows()
        return self.stock.row_at(rows[0].row())[0] if rows else None

    def _buttons(self, *_):
        can = self.ctx.can_edit
        has = bool(self.stock.rows)
        self.buttons["kind"].setEnabled(can)
        self.buttons["edit_kind"].setEnabled(can and self._selected_kind() is not None)
        self.buttons["receive"].setEnabled(can and has)
        self.buttons["spoil"].setEnabled(can and has)

    def _done(self, result):
        if result is not None:
            self.ctx.changed("certificates")
            self.reload()
        return result

    def _kind_dialog(self, kind=None):
        # the dialogs are imported when first used: gui.fund_dialogs brings the decision
        # dialogs and models.decisions, ~30 ms of opening "In giấy khen" (issue 15)
        from .fund_dialogs import BlankKindDialog
        actor = self.ctx.actor
        names = [t.name for t in tpl.list_templates()]
        return self._done(BlankKindDialog.ask(
            self, lambda v: blanks.save_kind(actor=actor, **v), templates=names, kind=kind,
            linked=blanks.kind_templates(kind) if kind else ()))

    def new_kind(self):
        return self._kind_dialog()

    def edit_kind(self):
        kind_id = self._selected_kind()
        return self._kind_dialog(blanks.get_kind(kind_id)) if kind_id else None

    def receive(self):
        from .fund_dialogs import BlankMoveDialog
        actor = self.ctx.actor
        return self._done(BlankMoveDialog.ask(
            self, lambda v: blanks.receive(actor=actor, **v),
            kinds=blanks.list_kinds(active_only=True), kind_id=self._selected_kind()))

    def spoil(self):
        from .fund_dialogs import BlankMoveDialog
        actor = self.ctx.actor
        return self._done(BlankMoveDialog.ask(
            self, lambda v: blanks.spoil(actor=actor, **v), kinds=blanks.list_kinds(),
            spoil=True, kind_id=self._selected_kind()))
