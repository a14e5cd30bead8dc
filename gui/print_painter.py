"""Draws layout pages (reports/cert_layout) with QPainter: vector text and lines on a printer.

The same page objects feed reportlab for the PDF, so the printed sheet and the file agree.
Fonts are loaded from the very TTF files reportlab embeds; kerning and hinting are off, as in
reportlab, so line widths match the PDF.
"""
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontDatabase, QPainterPath, QPen, QRawFont

from reports import cert_layout as L

_families = {}          # reportlab font name -> QFont (template)


def qt_font(name, size_pt):
    """A QFont for a reportlab font name, loaded from the same TTF file."""
    base = _families.get(name)
    if base is None:
        path = L.font_file(name)
        font_id = QFontDatabase.addApplicationFont(path)
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        base = QFont(families[0] if families else "serif")
        raw = QRawFont(path, 12)
        if raw.isValid():
            base.setStyleName(raw.styleName())
            base.setWeight(QFont.Weight(raw.weight()))
            base.setItalic(raw.style() != QFont.StyleNormal)
        base.setKerning(False)
        base.setHintingPreference(QFont.PreferNoHinting)
        base.setStyleStrategy(QFont.StyleStrategy(QFont.PreferOutline | QFont.NoFontMerging))
        _families[name] = base
    font = QFont(base)
    font.setPointSizeF(size_pt)
    return font


def _color(rgb):
    return QColor.fromRgbF(*rgb)


class QtPageDrawer:
    """Draws pages on an active QPainter whose device has ``dpi`` pixels per inch and whose
    origin is the paper's top-left corner (full-page mode)."""

    def __init__(self, painter, dpi, *, monochrome=False):
        self.p = painter
        self.k = dpi / 25.4                      # device pixels per mm
        self.pt = dpi / 72.0                     # device pixels per point
        self.mono = monochrome
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        painter.setRenderHint(painter.RenderHint.TextAntialiasing, True)

    def page(self, page):
        p = self.p
        for g in page.groups:
            p.save()
            if g.dx or g.dy:
                p.translate(g.dx * self.k, g.dy * self.k)
            self.items(g.items)
            p.restore()

    def _c(self, rgb):
        if self.mono and rgb != L.BLACK:
            return QColor(Qt.black)
        return _color(rgb)

    def items(self, items):
        p, k = self.p, self.k
        font_key = None
        for it in items:
            kind = type(it)
            if kind is L.Text:
                if font_key != (it.font, it.size):
                    p.setFont(qt_font(it.font, it.size))
                    font_key = (it.font, it.size)
                p.setPen(self._c(it.color))
                p.drawText(QPointF(it.x * k, it.y * k), it.text)
            elif kind is L.Line:
                p.setPen(self._pen(it.color, it.width, it.dash))
                p.drawLine(QPointF(it.x1 * k, it.y1 * k), QPointF(it.x2 * k, it.y2 * k))
            elif kind is L.Rect:
                p.setPen(self._pen(it.stroke, it.width, it.dash) if it.stroke else Qt.NoPen)
                p.setBrush(QBrush(self._c(it.fill)) if it.fill else Qt.NoBrush)
                p.drawRect(QRectF(it.x * k, it.y * k, it.w * k, it.h * k))
                p.setBrush(Qt.NoBrush)
            else:
                path = QPainterPath()
                (x, y), rest = it.points[0], it.points[1:]
                path.moveTo(x * k, y * k)
                for x, y in rest:
                    path.lineTo(x * k, y * k)
                path.closeSubpath()
                p.fillPath(path, QBrush(self._c(it.fill)))

    def _pen(self, rgb, width_pt, dash):
        pen = QPen(self._c(rgb))
        pen.setWidthF(max(width_pt, 0.1) * self.pt)
        pen.setCapStyle(Qt.FlatCap)
        if dash:
            pen.setDashPattern([d / max(width_pt, 0.1) for d in dash])
        return pen
