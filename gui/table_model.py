"""A fast table model over plain row tuples, filtered accent-insensitively as you type.

Rows are loaded once (from a ``models`` function) into lists; filtering runs a list
comprehension over precomputed folded keys, so 20,000 rows filter in a few milliseconds.

Subclass and set ``COLUMNS`` (list of ``Col``), implement ``load()`` returning row tuples
and ``key(row)`` returning the text to search (it is folded here). Row tuple index 0 must
be the record id (``ID_ROLE`` returns it).
"""
from dataclasses import dataclass
from operator import itemgetter

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from models import collation, vntext

ID_ROLE = Qt.UserRole + 1
ROW_ROLE = Qt.UserRole + 2
_INACTIVE = []      # the grey of inactive rows (inactive_brush)
# Views ask ``data()`` seven times per cell at each paint (thousands of calls for one
# screen): roles arrive as plain ints, and reading ``Qt.DisplayRole`` or or-ing two
# alignment flags goes through Python's enum module each time (20 µs) — so compare with
# ints and look the alignments up (issue 14: repaints of big tables took 0.1–0.2 s).
DISPLAY_ROLE = int(Qt.DisplayRole.value)
TOOLTIP_ROLE = int(Qt.ToolTipRole.value)
ALIGNMENT_ROLE = int(Qt.TextAlignmentRole.value)
BACKGROUND_ROLE = int(Qt.BackgroundRole.value)
FOREGROUND_ROLE = int(Qt.ForegroundRole.value)
_ID_ROLE, _ROW_ROLE = int(ID_ROLE), int(ROW_ROLE)
_HORIZONTAL = Qt.Horizontal
ALIGNMENTS = {"left": Qt.AlignLeft | Qt.AlignVCenter,
              "right": Qt.AlignRight | Qt.AlignVCenter,
              "center": Qt.AlignCenter}


def inactive_brush():
    """Made when a list first greys a row, not at import: a QBrush made from Python first
    builds QGradient's and QImage's enums in Python (~220 members) before the first page."""
    if not _INACTIVE:
        _INACTIVE.append(QBrush(QColor("#888888")))
    return _INACTIVE[0]


@dataclass
class Col:
    title: str
    index: int                     # position in the row tuple
    width: int = 120
    align: str = "left"            # left | right | center
    fmt: object = None             # callable(value) -> str
    sort: object = None            # callable(value) -> sort key (default: value/text order)


class FilterTableModel(QAbstractTableModel):
    COLUMNS = []
    ACTIVE_INDEX = None            # tuple index of an "active" flag: inactive rows are greyed
    KEYS_FOLDED = False            # True when key(row) is already folded (e.g. by SQL)
    KEY_INDEX = None               # key(row) is row[KEY_INDEX], already folded: the keys are
                                   # taken in C (40,000 calls of key(): 9-30 ms of the read)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows = []
        self._key_list = []            # see ``keys``
        self._make_keys = None
        self.visible = []
        self.filter_text = ""
        self.extra_filter = None   # callable(row) -> bool
        self._shown_for = None     # (rows, keys, len(rows), words) of ``visible``
        self.partial = False       # the rows are the first of a list still being read
        self._partial_sort = None  # (column, order) a header click chose meanwhile

    @property
    def keys(self):
        """The rows' folded search keys, in row order. ``fetch`` may give, instead of the
        list, a function making it: it runs here when the keys are first needed (a search,
        a sort, rows put in place), not before the list is shown — the list shows sooner
        (21,858 candidates: ~0.08 s of folding on the way to the screen)."""
        if self._key_list is None:
            make, self._make_keys = self._make_keys, None
            self._key_list = make()
        return self._key_list

    @keys.setter
    def keys(self, value):
        if callable(value):
            self._key_list, self._make_keys = None, value
        else:
            self._key_list, self._make_keys = value, None

    # ---- loading and filtering
    def load(self):
        raise NotImplementedError

    def key(self, row):
        raise NotImplementedError

    def reload(self):
        self.show_rows(self.fetch())

    def load_first(self, n):
        """The first ``n`` rows of ``load()``'s list, in its order, read alone (a long list's
        first screenful), or None when this list cannot read them alone."""
        return None

    def fetch(self):
        """Rows and their folded search keys; runs in any thread (no Qt), so a page can read
        them in the background (``gui.background.Loader``) and show them when ready."""
        return self._with_keys(list(self.load()))

    def fetch_first(self, n):
        """``fetch`` of the first ``n`` rows only (``load_first``), or None."""
        rows = self.load_first(n)
        return None if rows is None else self._with_keys(list(rows))

    def _with_keys(self, rows):
        if self.KEY_INDEX is not None:
            keys = list(map(itemgetter(self.KEY_INDEX), rows))
        elif self.KEYS_FOLDED:
            keys = [self.key(r) for r in rows]
        else:
            keys = [vntext.fold(self.key(r)) for r in rows]
        return rows, keys

    def show_first(self, fetched):
        """Show the first rows of a list still being read (``fetch_first``): searched,
        sorted and selected as any rows until ``show_rows`` brings the whole list."""
        self.partial = False
        self.show_rows(fetched)
        self.partial, self._partial_sort = True, None

    def show_rows(self, fetched):
        sort = None
        if self.partial:       # the whole list after its first rows
            self.partial, sort, self._partial_sort = False, self._partial_sort, None
            if sort is None and self._append(*fetched):
                return
        self.beginResetModel()
        self.rows, self.keys = fetched
        self._apply()
        self.endResetModel()
        if sort is not None:   # a header was clicked while only the first rows were there
            self.sort(*sort)

    def _append(self, rows, keys):
        """The whole list in place of its first rows shown: when they are its first rows, the
        rows after them are inserted below (the view keeps its selection, current row and
        scroll position, and does not lay out the shown rows again). False: not so."""
        shown, visible = self.rows, self.visible
        if not shown or len(rows) < len(shown) or rows[:len(shown)] != shown:
            return False
        self.rows, self.keys = rows, keys
        self._apply()
        new = self.visible
        if new[:len(visible)] != visible:    # a search key differs: the view starts over
            self.rows, self.visible = shown, visible
            self.beginResetModel()
            self.rows, self.visible = rows, new
            self.endResetModel()
        elif len(new) > len(visible):
            self.visible = visible
            self.beginInsertRows(QModelIndex(), len(visible), len(new) - 1)
            self.visible = new
            self.endInsertRows()
        return True

    def replace_rows(self, fetched):
        """Put fresh copies of some rows in place (matched by id, row[0]); rows not listed
        stay as they are: after an action on a few rows, only those are read again. A key of
        None keeps the row's search key (its searched text did not change)."""
        rows, keys = fetched
        self.put_rows(self.changes_from(self.rows, rows, keys))

    def update_rows(self, rows):
        """``replace_rows`` for rows whose searched text did not change (e.g. a vote's
        columns): their keys stay."""
        self.replace_rows((rows, [None] * len(rows)))

    @staticmethod
    def changes_from(shown, rows, keys, *, strict=False):
        """``[(position in shown, row, key)]`` of the ``rows`` (matched by id) that differ
        from what ``shown`` holds — any thread, so that the window only assigns them
        (``put_rows``). Rows not in ``shown`` are left out, or with ``strict`` give None."""
        where = {row[0]: i for i, row in enumerate(shown)}
        out = []
        for row, key in zip(rows, keys):
            i = where.get(row[0])
            if i is None:
                if strict:
                    return None
                continue
            if shown[i] != row:
                out.append((i, row, key))
        return out

    def put_rows(self, changes):
        """Assign ``changes_from(self.rows, …)`` (computed while ``self.rows`` was the list
        shown). Unless a filter may now show or hide some rows, the view only repaints: no
        reset and no new layout (selection, scroll position and order stay)."""
        relayout = self.extra_filter is not None or (
            bool(self.filter_text.strip()) and any(key is not None for _, _, key in changes))
        if relayout:
            self.layoutAboutToBeChanged.emit()
        rows = self.rows
        if any(key is not None for _, _, key in changes):
            keys = self.keys          # made (if waiting) before the rows change
            for i, row, key in changes:
                rows[i] = row
                if key is not None:
                    keys[i] = key
        else:
            # keys kept (e.g. a vote's columns): keys still waiting to be made stay waiting —
            # made from these rows they are the same (their searched text did not change);
            # made here they cost 0.1 s of the window after "Nhập phiếu" on 43,667 rows
            for i, row, _ in changes:
                rows[i] = row
        if relayout:
            self._apply()
            self.layoutChanged.emit()
        elif changes:
            self._repaint()

    def _repaint(self):
        """Every shown cell may have changed (values only: same rows, same order)."""
        if self.visible:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.visible) - 1, len(self.COLUMNS) - 1))

    def _apply(self, narrow=False):
        """``self.visible`` for the filter text and the extra filter. With ``narrow`` (a new
        filter text), when every word of the text shown is part of a word of the new one —
        typing on: "ngu" → "nguy", "nguyen" → "nguyen v" — only the rows shown can match,
        so only they are searched (a keystroke searched all 20,000 keys). Each word narrows
        the list of the one before, in order, so the rows and their order are those of a
        search over all rows."""
        words = vntext.fold(self.filter_text).split()
        keys = self.keys if words else self._key_list     # no search: the keys may wait
        rows, extra = self.rows, self.extra_filter
        last = self._shown_for
        within = None
        if narrow and last is not None and last[0] is rows and last[1] is keys \
                and last[2] == len(rows) and all(any(old in w for w in words) for old in last[3]):
            within = self.visible
        if not words:
            visible = list(range(len(rows))) if within is None else list(within)
        else:
            w = words[0]
            if within is None:
                visible = [i for i, k in enumerate(keys) if w in k]
            else:
                visible = [i for i in within if w in keys[i]]
            for w in words[1:]:
                visible = [i for i in visible if w in keys[i]]
        if extra is not None:
            visible = [i for i in visible if extra(rows[i])]
        self.visible = visible
        self._shown_for = (rows, keys, len(rows), words)

    def set_filter(self, text):
        self.beginResetModel()
        self.filter_text = text or ""
        self._apply(narrow=True)
        self.endResetModel()

    def set_extra_filter(self, fn):
        self.beginResetModel()
        self.extra_filter = fn
        self._apply()
        self.endResetModel()

    # ---- Qt model interface
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=DISPLAY_ROLE):
        # int roles first: most calls ask other roles, and Qt's enums cost ~20 µs a compare
        if role != DISPLAY_ROLE:
            return None
        if orientation == _HORIZONTAL:
            return self.COLUMNS[section].title
        return str(section + 1)

    def row_at(self, view_row):
        return self.rows[self.visible[view_row]]

    def data(self, index, role=DISPLAY_ROLE):
        if role == DISPLAY_ROLE:
            if not index.isValid():
                return None
            col = self.COLUMNS[index.column()]
            value = self.rows[self.visible[index.row()]][col.index]
            if col.fmt is not None:
                return col.fmt(value)
            return "" if value is None else str(value)
        if role == ALIGNMENT_ROLE:
            return ALIGNMENTS[self.COLUMNS[index.column()].align] if index.isValid() else None
        if role == FOREGROUND_ROLE:
            if self.ACTIVE_INDEX is not None and index.isValid() \
                    and not self.rows[self.visible[index.row()]][self.ACTIVE_INDEX]:
                return inactive_brush()
            return None
        if (role == _ID_ROLE or role == _ROW_ROLE) and index.isValid():
            row = self.rows[self.visible[index.row()]]
            return row[0] if role == _ID_ROLE else row
        return None

    SORT_IN_BACKGROUND = 5000      # rows: a longer list is ordered on the reading thread

    def sort(self, column, order=Qt.AscendingOrder):
        """Order the rows by a column's sort key. Sort keys of Vietnamese names cost ~20 µs
        each: 80,000 rows take a second or more, so a long list is ordered on the reading
        thread (gui.background) and shown in the new order when ready — unless it was read
        again meanwhile."""
        if column < 0 or column >= len(self.COLUMNS):
            return
        if self.partial:       # sorted again once the whole list is there
            self._partial_sort = (column, order)
        col = self.COLUMNS[column]
        keyfn, index = col.sort or _default_sort, col.index
        rows, keys = self.rows, self.keys
        reverse = order == Qt.DescendingOrder

        def fetch():      # in runs: one C sort of 20,000 name keys held the GIL ~0.4 s
            return collation.sorted_gently(range(len(rows)), lambda i: keyfn(rows[i][index]),
                                           reverse=reverse)

        def show(decorated):
            if self.rows is not rows:       # read again meanwhile: that order is gone
                return
            self.layoutAboutToBeChanged.emit()
            self.rows = [rows[i] for i in decorated]
            self.keys = [keys[i] for i in decorated]
            self._apply()
            self.layoutChanged.emit()
        if len(rows) < self.SORT_IN_BACKGROUND:
            show(fetch())
            return
        if getattr(self, "_sorter", None) is None:
            from .background import Loader
            self._sorter = Loader(self)
        self._sorter.start(fetch, show)


def _default_sort(value):
    if value is None:
        return (0, ())
    if isinstance(value, str):
        return (1, vntext.text_sort_key(value))
    return (1, (value,))


def name_sort(value):
    return vntext.name_sort_key(value or "")


class RowsModel(QAbstractTableModel):
    """A small read-mostly table over ``self.rows`` with column titles ``HEADERS``
    (a class attribute, or set per instance); subclasses add ``data`` and ``flags``."""
    HEADERS = ()

    def __init__(self, rows=(), parent=None):
        super().__init__(parent)
        self.rows = list(rows)

    def set_rows(self, rows):
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=DISPLAY_ROLE):
        # as FilterTableModel.headerData: a header's paint asks every role of every section
        # (374 calls for the overview's table at start-up), and ``role == Qt.DisplayRole``
        # costs ~9 µs through the enum module against ~0.05 µs for ints
        if role != DISPLAY_ROLE or orientation != _HORIZONTAL:
            return None
        return self.HEADERS[section]
