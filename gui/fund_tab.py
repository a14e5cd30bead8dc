"""Tab "Quỹ thi đua, khen thưởng" of the decisions page: the year's ledger with its running
balance, the opening and closing balances, hand-entered receipts and payments, the report."""
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from models import fund, vntext
from models.errors import UserError

from . import files, messages
from .fund_dialogs import FundEntryDialog
from .table_model import Col, FilterTableModel
from .widgets import SearchBox, make_table_view

NEGATIVE = QBrush(QColor("#b00020"))


def money(value):
    return vntext.format_int(value) if value else ""


def signed_money(value):
    return vntext.format_int(value) if value is not None else ""


def ask_over_reason(parent, err):
    """The reason for a payment beyond the balance, or None when the clerk gives up."""
    return messages.ask_text(parent, f"{err}\n\nLý do chi vượt số dư (ghi vào nhật ký):",
                             title="Chi vượt số dư quỹ")


def with_over_reason(parent, call):
    """``call(over_reason=None)``; on FundOverdraft ask the reason and call again."""
    try:
        return call(over_reason=None)
    except fund.FundOverdraft as err:
        reason = ask_over_reason(parent, err)
        if not reason:
            raise UserError("Chưa ghi: khoản chi lớn hơn số dư quỹ cần có lý do.") from None
        return call(over_reason=reason)


class LedgerModel(FilterTableModel):
    """(id, date, doc, content, kind, receipt, payment, balance, note, manual)"""
    COLUMNS = [Col("Ngày", 1, 85, "center", fmt=vntext.format_date),
               Col("Số chứng từ", 2, 120), Col("Nội dung", 3, 390), Col("Loại", 4, 170),
               Col("Thu", 5, 110, "right", fmt=money), Col("Chi", 6, 110, "right", fmt=money),
               Col("Tồn quỹ", 7, 120, "right", fmt=signed_money), Col("Ghi chú", 8, 220)]
    year = None

    def load(self):
        if self.year is None:
            return []
        out = []
        for r in fund.ledger_rows(self.year):
            note = r["note"]
            if r["over_reason"]:
                note = (note + "; " if note else "") + f"Chi vượt số dư: {r['over_reason']}"
            out.append((r["id"], r["date"], r["doc_number"], r["content"], r["kind_label"],
                        r["receipt"], r["payment"], r["balance"], note, r["manual"], r))
        return out

    def key(self, row):
        return f"{row[2]} {row[3]} {row[4]} {row[8]}"

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.ForegroundRole and index.isValid() and index.column() == 6:
            if self.row_at(index.row())[7] < 0:
                return NEGATIVE
        return super().data(index, role)


class FundTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.year = QComboBox()
        self.model = LedgerModel(self)
        self.view = make_table_view(self.model, self, sortable=False)
        self.view.setWordWrap(False)
        self.search = SearchBox(parent=self)
        self.search.search.connect(self.model.set_filter)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.RichText)
        self.buttons = {}
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Năm:"))
        bar.addWidget(self.year)
        bar.addWidget(self.search, 1)
        for key, text, slot in (("receipt", "Ghi thu…", lambda: self.add("receipt")),
                                ("payment", "Ghi chi…", lambda: self.add("payment")),
                                ("edit", "Sửa…", self.edit), ("delete", "Xóa…", self.delete),
                                ("report", "Xuất báo cáo quỹ…", self.export)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            self.buttons[key] = b
            bar.addWidget(b)
        note = QLabel("Tiền thưởng của mỗi quyết định tự ghi vào sổ khi ban hành (quyết định "
                      "điều chỉnh: phần chênh lệch; thu hồi: tiền thu về).")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(note)
        self.year.currentIndexChanged.connect(self.reload)
        self.view.doubleClicked.connect(lambda _: self.edit())
        self.view.selectionModel().selectionChanged.connect(self._buttons)
        self.reload_years()

    def reload_years(self):
        current = self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        for y in fund.years():
            self.year.addItem(str(y), y)
        self.year.setCurrentIndex(max(0, self.year.findData(current)))
        self.year.blockSignals(False)
        self.reload()

    def reload(self):
        year = self.year.currentData()
        self.model.year = year
        self.model.reload()
        s = fund.year_summary(year)
        closing = vntext.format_money(s["closing"])
        if s["closing"] < 0:
            closing = f"<span style='color:#b00020'>{closing} (quỹ âm)</span>"
        self.summary.setText(
            f"Số dư đầu năm {year}: <b>{vntext.format_money(s['opening'])}</b> &nbsp;•&nbsp; "
            f"Thu: <b>{vntext.format_money(s['receipts'])}</b> &nbsp;•&nbsp; "
            f"Chi: <b>{vntext.format_money(s['payments'])}</b> &nbsp;•&nbsp; "
            f"Số dư cuối năm: <b>{closing}</b>")
        self._buttons()

    def _selected(self):
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _buttons(self, *_):
        row = self._selected()
        can = self.ctx.can_edit
        self.buttons["receipt"].setEnabled(can)
        self.buttons["payment"].setEnabled(can)
        self.buttons["edit"].setEnabled(can and row is not None and row[9])
        self.buttons["delete"].setEnabled(can and row is not None and row[9])

    def _saved(self, entry):
        self.ctx.changed("fund")
        self.reload_years()
        self.year.setCurrentIndex(max(0, self.year.findData(entry.year)))

    def add(self, direction):
        actor = self.ctx.actor
        entry = FundEntryDialog.ask(self, lambda v: with_over_reason(
            self, lambda over_reason: fund.add_entry(actor=actor, over_reason=over_reason, **v)),
            direction=direction)
        if entry is not None:
            self._saved(entry)
        return entry

    def edit(self):
        row = self._selected()
        if row is None or not row[9]:
            if row is not None:
                messages.info(self, "Khoản này là tiền thưởng của quyết định đã ban hành: sổ "
                                    "quỹ tự ghi, không sửa tay được.")
            return None
        actor, r = self.ctx.actor, row[10]
        entry = FundEntryDialog.ask(self, lambda v: with_over_reason(
            self, lambda over_reason: fund.update_entry(actor=actor, entry_id=r["id"],
                                                        over_reason=over_reason, **v)),
            direction=r["direction"], entry=r)
        if entry is not None:
            self._saved(entry)
        return entry

    def delete(self):
        row = self._selected()
        if row is None or not row[9]:
            return
        amount = vntext.format_money(row[5] or row[6])
        reason = messages.ask_text(self, f"Xóa khoản «{row[3]}» ({amount}) khỏi sổ quỹ. Lý do:")
        if not reason:
            return
        try:
            fund.delete_entry(actor=self.ctx.actor, entry_id=row[0], reason=reason)
        except UserError as err:
            messages.show_error(self, err)
            return
        self.ctx.changed("fund")
        self.reload()

    def export(self):
        from reports import fund_xlsx
        year = self.year.currentData()
        path, _ = files.save_name(self, "Xuất báo cáo quỹ thi đua, khen thưởng",
                                  f"QuyThiDuaKhenThuong-{year}.xlsx", "Excel (*.xlsx)")
        if not path:
            return
        self.ctx.run_task(self, "Đang xuất báo cáo quỹ…",
                          lambda progress: fund_xlsx.export_fund_xlsx(path, year=year,
                                                                      progress=progress),
                          on_done=lambda p: messages.saved(self, p))
