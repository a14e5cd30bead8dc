"""Tabs of a page built the first time they are shown or asked for: opening a page builds
only the tab seen first (issue 15: each widget built and polished costs the window time)."""
from PySide6.QtWidgets import QWidget

from . import icons


class _Holder(QWidget):
    """Holds a tab's place until its part is built."""

    def __init__(self, build, label):
        super().__init__()
        self.build, self.label, self.part = build, label, None


class LazyTabs:
    """``add`` tabs to ``tabs`` (a QTabWidget of ``page``) after its first, eager tab."""

    def __init__(self, page, tabs):
        self.page, self.tabs = page, tabs
        self.holders = {}
        self._swapping = False
        tabs.currentChanged.connect(self._shown)

    def add(self, key, label, build):
        self.holders[key] = _Holder(build, label)
        self.tabs.addTab(self.holders[key], label)

    def built(self, key):
        """The part of tab ``key`` if it was built already, else None."""
        return self.holders[key].part

    def get(self, key):
        """The part of tab ``key``, built now (in the holder's place) if it was not yet."""
        holder = self.holders[key]
        if holder.part is None:
            holder.part = holder.build()
            index = self.tabs.indexOf(holder)
            shown = self.tabs.currentIndex() == index
            self._swapping = True
            try:
                self.tabs.insertTab(index, holder.part, holder.label)
                self.tabs.removeTab(index + 1)
                if shown:
                    self.tabs.setCurrentIndex(index)
            finally:
                self._swapping = False
            holder.deleteLater()
            icons.decorate_added(self.page, holder.part)   # icons and keys, as the page had
        return holder.part

    def _shown(self, index):
        holder = self.tabs.widget(index)
        if isinstance(holder, _Holder) and not self._swapping:
            for key, h in self.holders.items():
                if h is holder:
                    self.get(key)
