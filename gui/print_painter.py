"""Draws layout pages (reports/cert_layout) with QPainter: vector text and lines on a printer.

The same page objects feed reportlab for the PDF, so the printed sheet and the file agree.
Fonts are loaded from the very TTF files reportlab embeds; kerning and hinting are off, as in
reportlab, so line widths match the PDF.
"""
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (QBrush, QColor, QFont, QFontDatabase, QPainterPath, QPen, QPolygonF,
                           QRawFont)

from reports import cert_layout as L

_families = {}          # reportlab font name -> QFont (template)
_sized = {}             # (name, size) -> QFont


def qt_font(name, size_pt):
    """A QFont for a reportlab font name, loaded from the same TTF file (one object per
    name and size, so the painter can tell it already has it)."""
    font = _sized.get((name, size_pt))
    if font is None:
        font = _sized[(name, size_pt)] = _new_font(name, size_pt)
    return font


def _new_font(name, size_pt):
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


_colors = {}            # rgb -> QColor: one object per colour (never changed once made)


def _color(rgb):
    color = _colors.get(rgb)
    if color is None:
        color = _colors[rgb] = QColor.fromRgbF(*rgb)
    return color


class QtPageDrawer:
    """Draws pages on an active QPainter whose device has ``dpi`` pixels per inch and whose
    origin is the paper's top-left corner (full-page mode).

    Items are first turned into drawing operations; runs of filled shapes of one colour
    become one path (one fill on the printer). A keyed group (a template's fixed design) is
    compiled once and replayed on every page."""

    def __init__(self, painter, dpi, *, monochrome=False):
        self.p = painter
        self.k = dpi / 25.4                      # device pixels per mm
        self.pt = dpi / 72.0                     # device pixels per point
        self.mono = monochrome
        self._compiled = {}
        self._fields = {}
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        painter.setRenderHint(painter.RenderHint.TextAntialiasing, True)

    def page(self, page):
        p = self.p
        for g in page.groups:
            if g.key:
                cached = self._compiled.get(g.key)
                if cached is None or cached[0] is not g.items:
                    cached = self._compiled[g.key] = (g.items, self.compile(g.items))
                ops = cached[1]
            else:
                # a field's runs are shared by every page with the same text (reports/
                # cert_layout.field_group: date line, signer, title…): compiled once while
                # the same list comes back; the list is kept, so its id is never reused
                cached = self._fields.get(id(g.items))
                if cached is None or cached[0] is not g.items:
                    if len(self._fields) > 512:
                        self._fields.clear()
                    cached = self._fields[id(g.items)] = (g.items, self.compile(g.items))
                ops = cached[1]
            p.save()
            if g.dx or g.dy:
                p.translate(g.dx * self.k, g.dy * self.k)
            self.run(ops)
            p.restore()

    def items(self, items):
        self.run(self.compile(items))

    def _c(self, rgb):
        if self.mono and rgb != L.BLACK:
            return QColor(Qt.black)
        return _color(rgb)

    def compile(self, items):
        """[(kind, ...)] Qt objects ready to draw."""
        k = self.k
        ops = []
        path, fill = None, None
        for it in items:
            kind = type(it)
            filled = kind is L.Poly or (kind is L.Rect and not it.stroke and it.fill)
            if path is not None and not (filled and it.fill == fill):
                ops.append(("fill", path, QBrush(self._c(fill))))
                path = None
            if filled:
                if path is None:
                    path, fill = QPainterPath(), it.fill
                if kind is L.Rect:
                    path.addRect(QRectF(it.x * k, it.y * k, it.w * k, it.h * k))
                else:
                    path.addPolygon(QPolygonF([QPointF(x * k, y * k) for x, y in it.points]))
                    path.closeSubpath()
            elif kind is L.Text:
                ops.append(("text", qt_font(it.font, it.size), self._c(it.color),
                            QPointF(it.x * k, it.y * k), it.text))
            elif kind is L.Line:
                ops.append(("line", self._pen(it.color, it.width, it.dash),
                            QLineF(it.x1 * k, it.y1 * k, it.x2 * k, it.y2 * k)))
            else:
                ops.append(("rect", self._pen(it.stroke, it.width, it.dash),
                            QBrush(self._c(it.fill)) if it.fill else None,
                            QRectF(it.x * k, it.y * k, it.w * k, it.h * k)))
        if path is not None:
            ops.append(("fill", path, QBrush(self._c(fill))))
        return ops

    def run(self, ops):
        p = self.p
        font = color = None
        for op in ops:
            kind = op[0]
            if kind == "text":
                if op[1] is not font:
                    p.setFont(op[1])
                    font = op[1]
                if op[2] is not color:
                    p.setPen(op[2])
                    color = op[2]
                p.drawText(op[3], op[4])
            elif kind == "fill":
                p.fillPath(op[1], op[2])
            elif kind == "line":
                p.setPen(op[1])
                color = None
                p.drawLine(op[2])
            else:
                p.setPen(op[1])
                color = None
                p.setBrush(op[2] if op[2] is not None else Qt.NoBrush)
                p.drawRect(op[3])
                p.setBrush(Qt.NoBrush)

    def _pen(self, rgb, width_pt, dash):
        pen = QPen(self._c(rgb))
        pen.setWidthF(max(width_pt, 0.1) * self.pt)
        pen.setCapStyle(Qt.FlatCap)
        if dash:
            pen.setDashPattern([d / max(width_pt, 0.1) for d in dash])
        return pen
