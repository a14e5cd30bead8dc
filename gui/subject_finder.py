"""One subject search for the dialogs: a search box over units, people and households
(accents optional) with its result list; ``subject()`` is the chosen one."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from models import award_history, decisions
from models.entities import Household, Person, Unit

from .widgets import SearchBox

MODELS = {"unit": Unit, "person": Person, "household": Household}
ALL_KINDS = ("unit", "person", "household")


class SubjectFinder(QWidget):
    """Search box and result list for units / people / households (``kinds`` limits them)."""

    def __init__(self, kinds=ALL_KINDS, placeholder=None, parent=None):
        super().__init__(parent)
        self.kinds = kinds
        self.search = SearchBox(placeholder or "Gõ tên để tìm (không dấu cũng được)…", self)
        self.results = QListWidget()
        self.results.setMinimumHeight(90)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        self.search.search.connect(self._find)

    def _find(self, text):
        find_into(self.results, text, self.kinds)

    def subject(self):
        return chosen_subject(self.results)


def find_into(results, text, kinds=ALL_KINDS, limit=100):
    """Fill the list ``results`` with the subjects of ``kinds`` matching ``text``; the first
    one is chosen."""
    results.clear()
    for row in award_history.search_subjects(text, limit=limit):
        if row["kind"] not in kinds:
            continue
        item = QListWidgetItem(f"{row['name']} — {row['kind_label']}"
                               + (f", {row['place']}" if row["place"] else ""))
        item.setData(Qt.UserRole, (row["kind"], row["id"]))
        results.addItem(item)
    if results.count():
        results.setCurrentRow(0)


def chosen_subject(results):
    """The unit, person or household chosen in a list filled by ``find_into``, or None."""
    item = results.currentItem()
    if item is None:
        return None
    kind, ident = item.data(Qt.UserRole)
    return MODELS[kind].get_by_id(ident)


def fill_titles(combo, subject):
    """The titles and forms ``subject`` can receive, in ``combo`` (data: the title's id)."""
    combo.clear()
    if subject is None:
        return
    for t in decisions.titles_for(subject):
        combo.addItem(t.name + (" (tập thể)" if t.subject_kind == "unit" else ""), t.id)
