"""Draws layout pages (reports/cert_layout) with QPainter: vector text and lines on a printer.

The same page objects feed reportlab for the PDF, so the printed sheet and the file agree.
Fonts are loaded from the very TTF files reportlab embeds; kerning and hinting are off, as in
reportlab, so line widths match the PDF; so is text shaping where it changes nothing.
"""
import math
import re

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (QBrush, QColor, QFont, QFontDatabase, QGlyphRun, QPainterPath, QPen,
                           QPolygonF, QRawFont, QTextLayout)

from reports import cert_layout as L

_families = {}          # reportlab font name -> QFont (template)
_sized = {}             # (name, size, shaped) -> QFont

# combining marks of the Latin, Greek and Cyrillic blocks: a mark that NFC could not fold
# into its letter ("q̣") is placed by the font's own rules (HarfBuzz), as before
_MARKS = re.compile("[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff"
                    "\u20d0-\u20ff\ufe20-\ufe2f]")


def qt_font(name, size_pt, shaped=False):
    """A QFont for a reportlab font name, loaded from the same TTF file (one object per
    name and size, so the painter can tell it already has it). ``shaped``: for a text
    with combining marks (``needs_shaping``)."""
    font = _sized.get((name, size_pt, shaped))
    if font is None:
        font = _sized[(name, size_pt, shaped)] = _new_font(name, size_pt, shaped)
    return font


def needs_shaping(text):
    return not text.isascii() and _MARKS.search(text) is not None


# Latin letters (Vietnamese included), digits, punctuation and currency signs, no control,
# mark or direction character: one script item, left to right, one glyph per character
_PLAIN = re.compile("[\u0020-\u007e\u00a0-\u024f\u1e00-\u1eff\u2010-\u2027"
                    "\u2030-\u205e\u20a0-\u20cf]*")


def _new_font(name, size_pt, shaped=False):
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
    if not shaped:
        # glyphs straight from the font's character map with their advances, as reportlab
        # places them, without a HarfBuzz pass per string (a script that needs one, such as
        # Arabic or Devanagari, is still shaped). With kerning off, NFC text without
        # combining marks (every Vietnamese letter has its own glyph) comes out the same:
        # the job's page streams and embedded fonts are identical; drawing 200 certificates
        # takes ~25 % less time (bench_print)
        font.setStyleStrategy(QFont.StyleStrategy(font.styleStrategy() | QFont.PreferNoShaping))
    return font


_HALF = math.sqrt(0.5)
# objects, not Qt.NoBrush / Qt.NoPen: PySide converts an enum argument far slower
_NO_BRUSH, _NO_PEN = QBrush(Qt.NoBrush), QPen(Qt.NoPen)


def _diamond_square(points, k):
    """A diamond (cert_layout._diamond: tips above, right, below, left of its centre, at r)
    as the square it is in the frame of ``QPainter.rotate(45)``, in device pixels; None
    for any other polygon."""
    if len(points) != 4:
        return None
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    r = (x1 - x3) / 2
    if not (r > 0 and x2 == x0 and y1 == y3 and abs(x1 - x0 - r) < 1e-9
            and abs(y1 - y0 - r) < 1e-9 and abs(y2 - y1 - r) < 1e-9):
        return None
    # rotate(45) maps (u, v) to (x, y) = ((u - v)·√½, (u + v)·√½), in y-down coordinates
    cx, cy, h = x0 * k, y1 * k, r * k * _HALF
    u, v = (cx + cy) * _HALF, (cy - cx) * _HALF
    return QRectF(u - h, v - h, 2 * h, 2 * h)


_colors = {}            # rgb -> QColor: one object per colour (never changed once made)


def _color(rgb):
    color = _colors.get(rgb)
    if color is None:
        color = _colors[rgb] = QColor.fromRgbF(*rgb)
    return color


class QtPageDrawer:
    """Draws pages on an active QPainter whose device has ``dpi`` pixels per inch and whose
    origin is the paper's top-left corner (full-page mode).

    Items are first compiled into the painter calls that draw them (bound methods with
    their arguments: the loop that replays them does no look-ups); runs of filled shapes of
    one colour become one path (one fill on the printer). A keyed group (a template's fixed
    design) is compiled once and replayed on every page."""

    def __init__(self, painter, dpi, *, monochrome=False):
        self.p = painter
        self.k = dpi / 25.4                      # device pixels per mm
        self.pt = dpi / 72.0                     # device pixels per point
        self.mono = monochrome
        self._compiled = {}
        self._fields = {}
        # bound once: a PySide method looked up on the painter costs as much as a small call
        self._save, self._restore, self._translate = (painter.save, painter.restore,
                                                      painter.translate)
        self._set_font, self._set_pen, self._set_brush = (painter.setFont, painter.setPen,
                                                          painter.setBrush)
        self._draw_text, self._fill_path = painter.drawText, painter.fillPath
        self._draw_line, self._draw_rect = painter.drawLine, painter.drawRect
        self._rotate, self._draw_rects = painter.rotate, painter.drawRects
        self._draw_glyph_run = painter.drawGlyphRun
        self._glyph_runs = {}
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        painter.setRenderHint(painter.RenderHint.TextAntialiasing, True)

    def page(self, page):
        save, restore, translate, k = self._save, self._restore, self._translate, self.k
        compiled, fields = self._compiled, self._fields
        for g in page.groups:
            items = g.items
            if g.key:
                cached = compiled.get(g.key)
                if cached is None or cached[0] is not items:
                    cached = compiled[g.key] = (items, self.compile(items, lasting=True))
            else:
                # a field's runs are shared by every page with the same text (reports/
                # cert_layout.field_group: date line, signer, title…): compiled once while
                # the same list comes back; the list is kept, so its id is never reused
                cached = fields.get(id(items))
                if cached is None or cached[0] is not items:
                    if len(fields) > 512:
                        fields.clear()
                    cached = fields[id(items)] = (items, self.compile(items), False)
                elif not cached[2]:     # it came back: the same text on several pages
                    cached = fields[id(items)] = (items, self.compile(items, lasting=True),
                                                  True)
            save()
            if g.dx or g.dy:
                translate(g.dx * k, g.dy * k)
            for call, args in cached[1]:
                call(*args)
            restore()

    def items(self, items):
        self.run(self.compile(items))

    @staticmethod
    def run(calls):
        for call, args in calls:
            call(*args)

    def _c(self, rgb):
        if self.mono and rgb != L.BLACK:
            return QColor(Qt.black)
        return _color(rgb)

    def compile(self, items, *, lasting=False):
        """[(painter method, args)] that draw ``items``; the painter's font and pen are set
        only where they change (as from a painter state with neither known). ``lasting``:
        the calls are replayed on many pages, so plain text is laid out into glyphs once
        (``_glyph_run``) instead of at every page."""
        k = self.k
        calls = []
        run = None                  # filled shapes of one colour: [fill, path, squares]
        font = color = None
        for it in items:
            kind = type(it)
            filled = kind is L.Poly or (kind is L.Rect and not it.stroke and it.fill)
            if run is not None and not (filled and it.fill == run[0]):
                self._fill_run(calls, run)
                run = None
            if filled:
                if run is None:
                    run = [it.fill, QPainterPath(), []]
                if kind is L.Rect:
                    run[1].addRect(QRectF(it.x * k, it.y * k, it.w * k, it.h * k))
                elif (square := _diamond_square(it.points, k)) is not None:
                    run[2].append(square)
                else:
                    run[1].addPolygon(QPolygonF([QPointF(x * k, y * k) for x, y in it.points]))
                    run[1].closeSubpath()
            elif kind is L.Text:
                shaped = needs_shaping(it.text)
                qfont = qt_font(it.font, it.size, shaped)
                qcolor = self._c(it.color)
                glyphs = self._glyph_run(qfont, it.text) if lasting and not shaped else None
                if glyphs is None and qfont is not font:
                    calls.append((self._set_font, (qfont,)))
                    font = qfont
                if qcolor is not color:
                    calls.append((self._set_pen, (qcolor,)))
                    color = qcolor
                if glyphs is None:
                    calls.append((self._draw_text, (QPointF(it.x * k, it.y * k), it.text)))
                else:
                    # QPainter.drawText starts at x cut to 1/64 pixel (QFixed) and adds the
                    # advances; so does a glyph run placed at that x: the same glyph positions
                    x = math.trunc(it.x * k * 64) / 64
                    calls.append((self._draw_glyph_run, (QPointF(x, it.y * k), glyphs)))
            elif kind is L.Line:
                calls.append((self._set_pen, (self._pen(it.color, it.width, it.dash),)))
                color = None
                calls.append((self._draw_line, (QLineF(it.x1 * k, it.y1 * k, it.x2 * k,
                                                       it.y2 * k),)))
            else:
                calls.append((self._set_pen, (self._pen(it.stroke, it.width, it.dash),)))
                color = None
                calls.append((self._set_brush, (QBrush(self._c(it.fill)) if it.fill
                                                else _NO_BRUSH,)))
                calls.append((self._draw_rect, (QRectF(it.x * k, it.y * k, it.w * k,
                                                       it.h * k),)))
                calls.append((self._set_brush, (_NO_BRUSH,)))
        if run is not None:
            self._fill_run(calls, run)
        return calls

    def _glyph_run(self, qfont, text):
        """The glyphs and advances QPainter.drawText would find for ``text`` in ``qfont`` on
        this printer, laid out once (a QGlyphRun from the baseline's start), or None when
        the text is not plain (``_PLAIN``) or only ASCII."""
        key = (id(qfont), text)         # fonts live as long as the program (qt_font)
        if key in self._glyph_runs:
            return self._glyph_runs[key]
        glyphs = None
        # ASCII-only text keeps drawText: on Windows Qt hands it to the printer driver as
        # characters, not glyph numbers
        if not text.isascii() and _PLAIN.fullmatch(text):
            layout = QTextLayout(text, qfont, self.p.device())
            layout.beginLayout()
            layout.createLine()
            layout.endLayout()
            runs = layout.glyphRuns()
            if len(runs) == 1 and len(runs[0].glyphIndexes()) == len(text):
                glyphs = QGlyphRun()
                glyphs.setRawFont(runs[0].rawFont())
                glyphs.setGlyphIndexes(runs[0].glyphIndexes())
                glyphs.setPositions([QPointF(p.x(), 0.0) for p in runs[0].positions()])
        self._glyph_runs[key] = glyphs
        return glyphs

    def _fill_run(self, calls, run):
        fill, path, squares = run
        brush = QBrush(self._c(fill))
        if not path.isEmpty():
            calls.append((self._fill_path, (path, brush)))
        if squares:
            # diamonds (the border's ornaments) as squares in a frame turned by 45°: the
            # same shapes, written as one "re" each instead of five path points, so every
            # page of the job is ~30 % shorter for the spooler's PDF engine to compress
            calls += [(self._save, ()), (self._set_pen, (_NO_PEN,)),
                      (self._set_brush, (brush,)), (self._rotate, (45.0,)),
                      (self._draw_rects, (squares,)), (self._restore, ())]

    def _pen(self, rgb, width_pt, dash):
        pen = QPen(self._c(rgb))
        pen.setWidthF(max(width_pt, 0.1) * self.pt)
        pen.setCapStyle(Qt.FlatCap)
        if dash:
            pen.setDashPattern([d / max(width_pt, 0.1) for d in dash])
        return pen
