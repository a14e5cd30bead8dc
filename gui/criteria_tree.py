"""The criteria editor's tree, kept like a spreadsheet: typing starts editing the cell,
Enter goes down, Tab / Shift+Tab go to the next / previous cell (row after row, leaving
the table after the last cell), Left/Right change column, Ctrl+V pastes a block copied
from Excel (``pasted`` carries the text; the editor decides what to do with it)."""
from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QTreeWidget

EDIT_COLUMNS = (0, 1, 2)          # code, text, maximum; the rest are choice boxes


class CriteriaTree(QTreeWidget):
    pasted = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.setTabKeyNavigation(True)
        self.setAllColumnsShowFocus(False)

    # ---- order of the cells
    def _rows(self):
        out, stack = [], [self.topLevelItem(i) for i in range(self.topLevelItemCount() - 1,
                                                               -1, -1)]
        while stack:
            item = stack.pop()
            out.append(item)
            stack.extend(item.child(k) for k in range(item.childCount() - 1, -1, -1))
        return out

    def _cells(self):
        return [(item, col) for item in self._rows() for col in EDIT_COLUMNS
                if item.flags() & Qt.ItemIsEditable and self._cell_editable(item, col)]

    def _cell_editable(self, item, col):
        return not (col == 2 and item.data(2, Qt.UserRole) == "sum")

    def go_to(self, item, col, *, edit=False):
        self.setCurrentItem(item, col, QItemSelectionModel.ClearAndSelect)
        self.scrollToItem(item)
        if edit:
            self.editItem(item, col)

    def step(self, delta):
        """Go to the next (+1) or previous (-1) editable cell; False at either end."""
        cells = self._cells()
        here = (self.currentItem(), self.currentColumn())
        try:
            i = cells.index(here)
        except ValueError:
            i = -1 if delta > 0 else len(cells)
        j = i + delta
        if not 0 <= j < len(cells):
            return False
        self.go_to(*cells[j])
        return True

    def down(self):
        rows = self._rows()
        item = self.currentItem()
        if item in rows and rows.index(item) + 1 < len(rows):
            self.go_to(rows[rows.index(item) + 1], max(0, self.currentColumn()))

    def edit(self, index, trigger=None, event=None):
        if trigger is None:                       # edit(index): the slot form
            return super().edit(index)
        item = self.itemFromIndex(index)
        if item is not None and not self._cell_editable(item, index.column()):
            return False                          # a group's maximum is added up, not typed
        return super().edit(index, trigger, event)

    # ---- keys
    def closeEditor(self, editor, hint):
        super().closeEditor(editor, QAbstractItemDelegate.NoHint)
        if hint == QAbstractItemDelegate.EditNextItem:
            if self.step(1):
                self.editItem(self.currentItem(), self.currentColumn())
            else:
                self.focusNextChild()
        elif hint == QAbstractItemDelegate.EditPreviousItem:
            if self.step(-1):
                self.editItem(self.currentItem(), self.currentColumn())
        elif hint == QAbstractItemDelegate.SubmitModelCache:      # Enter
            self.down()

    def keyPressEvent(self, event):
        if self.state() != QAbstractItemView.EditingState:
            if event.matches(QKeySequence.Paste):
                self.pasted.emit(QGuiApplication.clipboard().text())
                return
            key = event.key()
            if key == Qt.Key_Tab:
                if not self.step(1):
                    self.focusNextChild()
                return
            if key == Qt.Key_Backtab:
                if not self.step(-1):
                    self.focusPreviousChild()
                return
            if key in (Qt.Key_Return, Qt.Key_Enter):
                self.down()
                return
            if key in (Qt.Key_Left, Qt.Key_Right) and self.currentItem() is not None:
                col = self.currentColumn() + (1 if key == Qt.Key_Right else -1)
                if 0 <= col < self.columnCount():
                    self.go_to(self.currentItem(), col)
                return
        super().keyPressEvent(event)
