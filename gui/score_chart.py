"""Bar chart of totals by unit in rank order, coloured by band, with band counts (QPainter;
QtCharts is not a dependency)."""
from decimal import Decimal

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from models.scoring_calc import fmt_points
from models.vntext import text_sort_key

BAR_H = 16
GAP = 4
NAME_W = 150
LEGEND_H = 44


class ScoreChart(QWidget):
    """``set_data(items, bands)``: items are (name, total, band, rank, bloc); bands are
    [(name, colour)] from the highest. Ranks count within a bloc, so each bloc gets its own
    block of bars in rank order; units without a total come last in their bloc, greyed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items = []
        self.lines = []
        self.bands = []
        self.scale_max = Decimal(100)
        self.title = "Tổng điểm theo thứ hạng"
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.setMinimumWidth(300)
        self.setBackgroundRole(self.backgroundRole())

    def set_data(self, items, bands, scale_max=None):
        def order(item):
            _name, total, _band, rank, bloc = item
            return (text_sort_key(bloc or ""), total is None, rank if rank is not None else 10 ** 6,
                    -(total or 0))
        self.items = sorted(items, key=order)
        self.bands = list(bands)
        self.lines = []                  # ("bloc", name) or ("bar", item)
        for item in self.items:
            if not self.lines or self.lines[-1][1] != item[4] and (
                    self.lines[-1][0] == "bloc" or self.lines[-1][1][4] != item[4]):
                self.lines.append(("bloc", item[4]))
            self.lines.append(("bar", item))
        if len({i[4] for i in self.items}) <= 1:
            self.lines = [ln for ln in self.lines if ln[0] == "bar"]
        top = max((i[1] for i in items if i[1] is not None), default=Decimal(0))
        self.scale_max = max(Decimal(scale_max or 0), top, Decimal(1))
        self.updateGeometry()
        self.update()

    def band_counts(self):
        counts = {name: 0 for name, _c in self.bands}
        for _n, total, band, _r, _b in self.items:
            if total is not None and band in counts:
                counts[band] += 1
        return counts

    def sizeHint(self):
        return QSize(420, LEGEND_H + 24 + len(getattr(self, "lines", [])) * (BAR_H + GAP) + 10)

    def minimumSizeHint(self):
        return QSize(300, LEGEND_H + 60)

    def _color(self, band):
        for name, color in self.bands:
            if name == band:
                return QColor(color)
        return QColor("#bdbdbd")

    def paintEvent(self, event):
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        font = QFont(self.font())
        bold = QFont(font)
        bold.setBold(True)
        fm = QFontMetrics(font)
        w = self.width()
        # title and band legend with counts
        p.setFont(bold)
        p.setPen(QColor("#222"))
        p.drawText(QRectF(8, 2, w - 16, 18), Qt.AlignLeft | Qt.AlignVCenter, self.title)
        p.setFont(font)
        x, y = 8.0, 22.0
        for name, count in self.band_counts().items():
            label = f"{name}: {count}"
            box_w = 12 + 4 + fm.horizontalAdvance(label) + 14
            if x + box_w > w - 8:
                x, y = 8.0, y + 18
            p.fillRect(QRectF(x, y + 3, 12, 12), self._color(name))
            p.setPen(QColor("#222"))
            p.drawText(QRectF(x + 16, y, box_w, 18), Qt.AlignLeft | Qt.AlignVCenter, label)
            x += box_w
        top = LEGEND_H + (y - 22) + 6
        if not self.items:
            p.setPen(QColor("#777"))
            p.drawText(QRectF(0, top, w, 40), Qt.AlignCenter, "Chưa có phiếu chấm điểm.")
            return
        name_w = min(NAME_W, max(90, w * 0.38))
        value_w = fm.horizontalAdvance("0000,00") + 8
        bar_x = 8 + name_w + 6
        bar_w = max(10.0, w - bar_x - value_w - 8)
        # grid lines at quarters of the scale
        p.setPen(QPen(QColor("#e0e0e0"), 1))
        bottom = top + len(self.lines) * (BAR_H + GAP)
        for q in range(5):
            gx = bar_x + bar_w * q / 4
            p.drawLine(int(gx), int(top - 2), int(gx), int(bottom))
        scale = float(self.scale_max)
        for i, (kind, item) in enumerate(self.lines):
            by = top + i * (BAR_H + GAP)
            if kind == "bloc":
                p.setFont(bold)
                p.setPen(QColor("#333"))
                p.fillRect(QRectF(4, by, w - 8, BAR_H + 1), QColor("#f3f3f3"))
                p.drawText(QRectF(8, by, w - 16, BAR_H), Qt.AlignLeft | Qt.AlignVCenter,
                           fm.elidedText(item or "Không thuộc cụm, khối", Qt.ElideRight,
                                         int(w - 16)))
                p.setFont(font)
                continue
            name, total, band, rank, _bloc = item
            label = f"{rank}. {name}" if rank else name
            p.setPen(QColor("#222") if total is not None else QColor("#999"))
            p.drawText(QRectF(8, by, name_w, BAR_H), Qt.AlignRight | Qt.AlignVCenter,
                       fm.elidedText(label, Qt.ElideRight, int(name_w)))
            if total is None:
                continue
            length = bar_w * max(0.0, float(total)) / scale
            p.fillRect(QRectF(bar_x, by + 1, length, BAR_H - 2), self._color(band))
            p.setPen(QColor("#222"))
            p.drawText(QRectF(bar_x + length + 4, by, value_w, BAR_H),
                       Qt.AlignLeft | Qt.AlignVCenter, fmt_points(total))
        p.end()
