"""Editable combo boxes a clerk can search without typing accents.

Qt's own completer compares the typed text with the items as they are, so "ha tinh"
never finds "Hà Tĩnh" and "Đắk" needs its đ. ``make_searchable`` gives a combo a popup
filtered through ``vntext.fold`` (accents, đ and case ignored, match anywhere) and
resolves typed text that names exactly one item to that item.
"""
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QComboBox, QCompleter

from models import vntext


class _FoldFilter(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._needle = ""
        self._keys = {}

    def set_needle(self, text):
        if hasattr(self, "beginFilterChange"):      # Qt >= 6.9 deprecates invalidateFilter
            self.beginFilterChange()
            self._needle = vntext.fold(text)
            self.endFilterChange()
        else:
            self._needle = vntext.fold(text)
            self.invalidateFilter()

    def _key(self, row):
        text = self.sourceModel().index(row, 0).data() or ""
        key = self._keys.get(text)
        if key is None:
            key = self._keys[text] = vntext.fold(text)
        return key

    def filterAcceptsRow(self, row, parent):
        return not self._needle or self._needle in self._key(row)


class _FoldCompleter(QCompleter):
    """Completer whose popup lists every item containing the folded text."""

    def __init__(self, combo):
        super().__init__(combo)
        self.combo = combo
        self.proxy = _FoldFilter(self)
        self.proxy.setSourceModel(combo.model())
        self.setModel(self.proxy)
        self.setCompletionMode(QCompleter.UnfilteredPopupCompletion)
        self.setCaseSensitivity(Qt.CaseInsensitive)
        self.activated[str].connect(self._chosen_text)

    def splitPath(self, path):
        # the proxy does the matching; the completer must not filter again
        self.proxy.set_needle(path)
        return [""]

    def pathFromIndex(self, index):
        return index.data() or ""

    def _chosen_text(self, text):
        row = self.combo.findText(text, Qt.MatchExactly)
        if row >= 0:
            self.combo.setCurrentIndex(row)


def find_folded(combo, text):
    """Row of the one item whose name matches ``text`` ignoring accents, else -1.

    An exact (folded) name wins; otherwise a text contained in exactly one item.
    """
    needle = vntext.fold(text)
    if not needle:
        return -1
    contained = []
    for row in range(combo.count()):
        key = vntext.fold(combo.itemText(row))
        if key == needle:
            return row
        if needle in key:
            contained.append(row)
    return contained[0] if len(contained) == 1 else -1


def make_searchable(combo):
    """Turn ``combo`` into an editable, accent-insensitive searchable list."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.NoInsert)
    combo.setCompleter(_FoldCompleter(combo))
    return combo


def chosen_row(combo):
    """The row the clerk chose: the current item if its text is shown, else the one item
    the typed text names (ignoring accents), selecting it; -1 when none or ambiguous."""
    row = combo.currentIndex()
    if row >= 0 and combo.currentText() == combo.itemText(row):
        return row
    row = find_folded(combo, combo.currentText())
    if row >= 0:
        combo.setCurrentIndex(row)
    return row
