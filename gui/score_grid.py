"""The scoring grid: units × criteria like a spreadsheet (model, view, delegate).

Typing replaces a cell, Enter moves down, Tab moves right, Ctrl+V pastes a block copied
from Excel, Delete clears. Values are checked on the spot by ``scoring_calc.parse_points``
(refused with the reason), totals/bands/ranks follow live through ``scoring_calc.Board``,
changed cells are marked, and the page saves pending changes shortly after typing stops.
"""
import textwrap

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QHeaderView,
                               QLineEdit, QStyledItemDelegate, QTableView, QToolTip)

from models.scoring_calc import (BONUS, DEDUCTION, METHODS, PointsError, fmt_points,
                                 parse_points)

SELF, CHECKED = "self", "checked"
EXTRA = ["Tổng điểm", "Xếp loại", "Hạng", "Trạng thái"]
FIRST = len(EXTRA)             # view columns before the first criterion
STATE_NAMES = {"draft": "Đang chấm", "submitted": "Đã nộp", "checked": "Đã thẩm định",
               "finalised": "Đã chốt"}
EDITABLE_STATES = {SELF: ("draft",), CHECKED: ("submitted", "checked")}
CHANGED = QColor("#fff2b3")
PENDING = QColor("#ffd97a")
LOCKED = QColor("#ececec")
DIFFERS = QColor("#b3261e")
INHERITED = QColor("#8a8a8a")
BAND_COLORS = ["#2e7d32", "#1565c0", "#00897b", "#ef6c00", "#c62828", "#6a1b9a"]


# Roles as plain ints: data() is called thousands of times per paint, so it answers the
# roles it knows with cached objects and returns at once for the rest.
DISPLAY, EDIT, ALIGN, BACKGROUND, FOREGROUND, TOOLTIP, FONT = (
    int(Qt.DisplayRole), int(Qt.EditRole), int(Qt.TextAlignmentRole), int(Qt.BackgroundRole),
    int(Qt.ForegroundRole), int(Qt.ToolTipRole), int(Qt.FontRole))
CENTER = int(Qt.AlignCenter)
FLAGS_LOCKED = Qt.ItemIsEnabled | Qt.ItemIsSelectable      # built once: enum "|" is slow
FLAGS_OPEN = FLAGS_LOCKED | Qt.ItemIsEditable
_TEXT = {}


def points_text(value):
    """fmt_points with a cache (the same few values repeat across the grid)."""
    text = _TEXT.get(value)
    if text is None:
        text = _TEXT[value] = fmt_points(value)
    return text


def band_color(spec, band):
    names = [b.name for b in spec.bands]
    if band in names:
        return QColor(BAND_COLORS[names.index(band) % len(BAND_COLORS)])
    return QColor("#9e9e9e")


class ScoreGridModel(QAbstractTableModel):
    """Rows: score sheets (unit names in the vertical header); columns: total, band, rank,
    state, then the leaf criteria. Internally a cell is (row, c) with c the criterion's
    position in ``spec.leaves`` (view column = c + FIRST). ``refused(str)`` carries the
    reason a value was not taken; ``edited()`` fires after every accepted change (the page
    starts its autosave timer)."""
    refused = Signal(str)
    edited = Signal()

    def __init__(self, grid, *, mode=SELF, can_edit=True, reason_provider=None, parent=None):
        super().__init__(parent)
        self.reason_provider = reason_provider
        self.can_edit = can_edit
        self.last_error = ""
        self.reset_grid(grid, mode)

    # ------------------------------------------------------------------ data
    def reset_grid(self, grid, mode=None):
        self.beginResetModel()
        self.grid = grid
        self.spec = grid.spec
        self.mode = mode or getattr(self, "mode", SELF)
        self.ncrit = len(self.spec.leaves)
        self.board = grid.board(self.mode)
        self.changed = set()          # (row, col) edited since the grid was opened
        self.pending = {}             # (row, col) → (value, reason) not saved yet
        self._row_open = [self.can_edit and r.state in EDITABLE_STATES[self.mode]
                          for r in grid.rows]
        self._brushes = {k: QBrush(c) for k, c in (("pending", PENDING), ("changed", CHANGED),
                                                   ("locked", LOCKED), ("differs", DIFFERS),
                                                   ("inherited", INHERITED))}
        self._bold = QFont()
        self._bold.setBold(True)
        self._headers = self._make_headers()
        self._band_brush = {b.name: QBrush(band_color(self.spec, b.name))
                            for b in self.spec.bands}
        self.endResetModel()

    def set_mode(self, mode):
        self.reset_grid(self.grid, mode)

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.grid.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self.ncrit + len(EXTRA)

    def editable(self, row, col):
        return 0 <= col < self.ncrit and self._row_open[row]

    def flags(self, index):
        if index.isValid() and self.editable(index.row(), index.column() - FIRST):
            return FLAGS_OPEN
        return FLAGS_LOCKED

    def _self(self, row, col):
        return self.grid.self_values[row][col]

    def data(self, index, role=DISPLAY):
        role = int(role)
        if role > TOOLTIP and role not in (ALIGN, BACKGROUND, FOREGROUND, FONT):
            return None
        row, col = index.row(), index.column() - FIRST
        if col < 0:
            return self._extra(row, index.column(), role)
        if role == DISPLAY or role == EDIT:
            return points_text(self.board.values[row][col])
        if role == ALIGN:
            return CENTER
        if role == BACKGROUND:
            key = (row, col)
            if key in self.pending:
                return self._brushes["pending"]
            if key in self.changed:
                return self._brushes["changed"]
            if not self._row_open[row]:
                return self._brushes["locked"]
            return None
        if role == FOREGROUND and self.mode == CHECKED:
            if self.grid.checked_values[row][col] is None and (row, col) not in self.pending:
                return self._brushes["inherited"]   # no checked score yet: the self score
            if self.board.values[row][col] != self._self(row, col):
                return self._brushes["differs"]
            return None
        if role == TOOLTIP:
            return self._tooltip(row, col)
        return None

    def _tooltip(self, row, col):
        crit = self.spec.leaves[col]
        lines = [f"{crit.code}. {crit.text}", f"Tối đa: {fmt_points(crit.max_points)} "
                 f"({METHODS.get(crit.method, crit.method)})",
                 f"Tự chấm: {fmt_points(self._self(row, col), blank='—')}"]
        if self.grid.checked_values[row][col] is not None:
            lines.append(f"Thẩm định: {fmt_points(self.grid.checked_values[row][col])}")
        reason = self.grid.reasons[row].get(col)
        if reason:
            lines.append(f"Lý do: {reason}")
        if self.grid.evidence[row].get(col):
            lines.append(f"Minh chứng: {self.grid.evidence[row][col]}")
        if not self.editable(row, col):
            lines.append(self.locked_reason(row))
        return "\n".join(lines)

    def locked_reason(self, row):
        if not self.can_edit:
            return "Tài khoản của bạn chỉ được xem."
        state = self.grid.rows[row].state
        if state == "finalised":
            return "Phiếu đã chốt: không sửa được (lãnh đạo có thể mở lại)."
        if self.mode == SELF:
            return f"Phiếu {STATE_NAMES[state].lower()}: điểm tự chấm không sửa được."
        return "Chỉ thẩm định được phiếu đã nộp."

    def _extra(self, row, k, role):
        result = self.board.results[row]
        if role == DISPLAY:
            if k == 0:
                return points_text(result.total)
            if k == 1:
                return result.band
            if k == 2:
                return "" if self.board.ranks[row] is None else str(self.board.ranks[row])
            return STATE_NAMES.get(self.grid.rows[row].state, "")
        if role == ALIGN:
            return CENTER
        if role == FONT and k in (0, 2):
            return self._bold
        if role == FOREGROUND and k == 1:
            return self._band_brush.get(result.band)
        return None

    def headerData(self, section, orientation, role=DISPLAY):
        role = int(role)
        if role != DISPLAY and role != TOOLTIP:
            return None
        if orientation == Qt.Vertical:
            r = self.grid.rows[section]
            return r.name if role == DISPLAY else f"{r.name}\n{r.bloc_name}"
        if section < FIRST:
            return EXTRA[section] if role == DISPLAY else None
        return self._headers[section - FIRST][0 if role == DISPLAY else 1]

    def set_long_headers(self, on):
        self.long_headers = bool(on)
        self._headers = self._make_headers()
        self.headerDataChanged.emit(Qt.Horizontal, 0, self.columnCount() - 1)

    def _make_headers(self):
        out = []
        for crit in self.spec.leaves:
            sign = "-" if crit.method == DEDUCTION else ("+" if crit.method == BONUS else "")
            points = f"{sign}{fmt_points(crit.max_points)}"
            if getattr(self, "long_headers", False):
                lines = textwrap.wrap(f"{crit.code}. {crit.text}", 22)
                if len(lines) > 4:
                    lines = lines[:4]
                    lines[-1] = lines[-1][:20] + "…"
                shown = "\n".join(lines + [f"({points} điểm)"])
            else:
                shown = f"{crit.code}\n{points}"
            out.append((shown,
                        f"{crit.code}. {crit.text}\n{METHODS.get(crit.method, crit.method)}"))
        return out

    # ------------------------------------------------------------------ editing
    def setData(self, index, value, role=Qt.EditRole):
        if role != Qt.EditRole or not index.isValid():
            return False
        return self.set_cells([(index.row(), index.column() - FIRST, value)])

    def cell_index(self, row, c):
        """The view index of criterion position ``c`` in ``row``."""
        return self.index(row, c + FIRST)

    def check_cells(self, cells):
        """Parse every (row, col, text); returns ([(row, col, value)], [problems])."""
        parsed, problems = [], []
        for row, col, text in cells:
            where = f"{self.grid.rows[row].name}, " + (
                self.spec.leaves[col].code if col >= 0 else EXTRA[col + FIRST])
            if not self.editable(row, col):
                problems.append(f"{where}: " + (self.locked_reason(row) if col >= 0
                                                else "cột tự tính, không gõ được."))
                continue
            try:
                parsed.append((row, col, parse_points(text, self.spec.leaves[col])))
            except PointsError as err:
                problems.append(f"{self.grid.rows[row].name}: {err}")
        return parsed, problems

    def set_cells(self, cells):
        """Apply typed or pasted values all-or-nothing; False (and ``refused``) on any
        problem."""
        parsed, problems = self.check_cells(cells)
        if problems:
            return self._refuse(problems)
        parsed = [(r, c, v) for r, c, v in parsed if v != self.board.values[r][c]
                  or (self.mode == CHECKED and self.grid.checked_values[r][c] is None)]
        if not parsed:
            return True
        reason = ""
        if self.mode == CHECKED:
            differs = [(r, c) for r, c, v in parsed
                       if self._self(r, c) is not None and v != self._self(r, c)
                       and not self.grid.reasons[r].get(c)]
            if differs:
                reason = self.reason_provider(differs) if self.reason_provider else None
                if not reason:
                    return self._refuse(["Điểm thẩm định khác điểm tự chấm cần ghi lý do; "
                                         "chưa nhận giá trị mới."])
        for r, c, v in parsed:
            # what the clerk saw before the first edit of this cell since the last save: the
            # save is refused if another PC stored something else meanwhile
            was = self.pending[(r, c)][2] if (r, c) in self.pending else (
                self.grid.checked_values if self.mode == CHECKED else self.grid.self_values
            )[r][c]
            self.pending[(r, c)] = (v, reason, was)
            self.changed.add((r, c))
            if self.mode == CHECKED:
                self.grid.checked_values[r][c] = v
                if reason:
                    self.grid.reasons[r][c] = reason
            else:
                self.grid.self_values[r][c] = v
        if self.mode == CHECKED:     # a cleared checked score falls back to the self score
            parsed = [(r, c, v if v is not None else self._self(r, c)) for r, c, v in parsed]
        moved = self.board.set_values(parsed)
        for r, c, _v in parsed:
            self.dataChanged.emit(self.cell_index(r, c), self.cell_index(r, c))
        for r in moved:
            self.dataChanged.emit(self.index(r, 0), self.index(r, FIRST - 1))
        self.last_error = ""
        self.edited.emit()
        return True

    def _refuse(self, problems):
        self.last_error = problems[0] + (f" (và {len(problems) - 1} ô khác)"
                                         if len(problems) > 1 else "")
        self.refused.emit(self.last_error)
        return False

    def paste(self, top, left, text):
        """Paste a tab-separated block at view cell (top, left); all-or-nothing."""
        lines = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")
        block = [line.split("\t") for line in lines]
        height, width = len(block), max(len(r) for r in block)
        left -= FIRST
        if left < 0:
            return self._refuse(["Hãy chọn một ô điểm tiêu chí làm ô bắt đầu rồi dán lại "
                                 "(các cột tổng điểm, xếp loại, hạng tự tính)."])
        rows_left, cols_left = self.rowCount() - top, self.ncrit - left
        if height > rows_left or width > cols_left:
            return self._refuse([
                f"Khối dán có {height} dòng × {width} cột, lớn hơn phần bảng còn lại từ ô đang "
                f"chọn ({max(rows_left, 0)} dòng × {max(cols_left, 0)} cột tiêu chí). "
                "Hãy chọn ô bắt đầu khác hoặc chép khối nhỏ hơn."])
        cells = [(top + i, left + j, value.strip()) for i, line in enumerate(block)
                 for j, value in enumerate(line)]
        return self.set_cells(cells)

    def copy_text(self, indexes):
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes})
        return "\n".join("\t".join(str(self.data(self.index(r, c)) or "") for c in cols)
                         for r in rows)

    # ------------------------------------------------------------------ saving
    def take_pending(self):
        """{sheet_id: [change]} for ``scoring.save_grid_changes``; clears the pending set."""
        key = "self_points" if self.mode == SELF else "checked_points"
        out = {}
        for (r, c), (value, reason, was) in sorted(self.pending.items()):
            change = {"criterion": self.spec.leaves[c].id, key: value, "was": {key: was}}
            if reason:
                change["reason"] = reason
            out.setdefault(self.grid.rows[r].sheet_id, []).append(change)
        done = list(self.pending)
        self.pending.clear()
        for r, c in done:
            self.dataChanged.emit(self.cell_index(r, c), self.cell_index(r, c))
        return out

    def totals(self):
        """[(name, total, band, rank, bloc name)] for the chart."""
        return [(row.name, res.total, res.band, rk, row.bloc_name) for row, res, rk in
                zip(self.grid.rows, self.board.results, self.board.ranks)]


class PointsDelegate(QStyledItemDelegate):
    """A plain line editor; the model decides (and explains) whether the value is taken."""

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignCenter)
        editor.setFrame(False)
        return editor

    def setEditorData(self, editor, index):
        if not editor.text():
            editor.setText(index.data(Qt.EditRole) or "")

    def setModelData(self, editor, model, index):
        self.refused_text = None
        if not model.setData(index, editor.text(), Qt.EditRole):
            self.refused_text = editor.text()    # the view reopens the cell with it


class ScoreGridView(QTableView):
    """Spreadsheet keys: Enter moves down, Tab right, typing starts editing, Ctrl+C/V, Del."""
    pasted = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setItemDelegate(PointsDelegate(self))
        self.setEditTriggers(QAbstractItemView.AnyKeyPressed | QAbstractItemView.DoubleClicked
                             | QAbstractItemView.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.ContiguousSelection)
        self.setTabKeyNavigation(True)
        self.setAlternatingRowColors(False)
        self.setWordWrap(False)
        h = self.horizontalHeader()
        h.setDefaultSectionSize(56)
        h.setMinimumSectionSize(40)
        h.setSectionResizeMode(QHeaderView.Fixed)
        self.verticalHeader().setDefaultSectionSize(24)
        self.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.verticalHeader().setMinimumWidth(170)

    def setModel(self, model):
        super().setModel(model)
        if model is None:
            return
        model.refused.connect(self._show_refusal)
        self._size_extra()
        model.modelReset.connect(self._size_extra)

    def _size_extra(self):
        m = self.model()
        if m is None:
            return
        for k, width in enumerate((82, 80, 46, 95)):
            self.setColumnWidth(k, width)

    def _show_refusal(self, text):
        rect = self.visualRect(self.currentIndex())
        QToolTip.showText(self.viewport().mapToGlobal(rect.bottomLeft()), text, self)

    def closeEditor(self, editor, hint):
        delegate = self.itemDelegate()
        refused = getattr(delegate, "refused_text", None)
        delegate.refused_text = None
        index = self.currentIndex()
        super().closeEditor(editor, hint)
        if refused is not None and hint != QAbstractItemDelegate.RevertModelCache:
            # a refused value stays in its cell, still being edited, so the clerk can
            # correct it instead of typing it again (the reason is on the status line)
            self.setCurrentIndex(index)
            self.edit(index)
            reopened = self.indexWidget(index) or self.focusWidget()
            if isinstance(reopened, QLineEdit):
                reopened.setText(refused)
                reopened.selectAll()
            return
        if hint == QAbstractItemDelegate.SubmitModelCache:       # Enter: move down
            self.move_to(self.currentIndex().row() + 1, self.currentIndex().column())

    def set_long_headers(self, on):
        """Column headers with each criterion's text (wider columns) or codes only."""
        m = self.model()
        if m is not None:
            m.set_long_headers(on)
        self.horizontalHeader().setDefaultSectionSize(150 if on else 56)
        self._size_extra()

    def move_to(self, row, col):
        m = self.model()
        row = max(0, min(row, m.rowCount() - 1))
        col = max(0, min(col, m.columnCount() - 1))
        self.setCurrentIndex(m.index(row, col))

    def keyPressEvent(self, event):
        idx = self.currentIndex()
        if event.matches(QKeySequence.Paste):
            self.paste_clipboard()
            return
        if event.matches(QKeySequence.Copy):
            QGuiApplication.clipboard().setText(self.model().copy_text(self.selectedIndexes()))
            return
        editing = self.state() == QAbstractItemView.EditingState
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and not editing:
            self.move_to(idx.row() + 1, idx.column())
            return
        if event.key() in (Qt.Key_Delete, Qt.Key_Backspace) and not editing:
            cells = [(i.row(), i.column() - FIRST, "") for i in self.selectedIndexes()
                     if i.column() >= FIRST]
            if cells:
                self.model().set_cells(cells)
            return
        super().keyPressEvent(event)

    def paste_clipboard(self, text=None):
        text = QGuiApplication.clipboard().text() if text is None else text
        idx = self.currentIndex()
        if not text or not idx.isValid():
            return False
        ok = self.model().paste(idx.row(), idx.column(), text)
        if ok:
            self.pasted.emit()
        return ok
