"""One layout description of a certificate page: positioned text runs, lines and shapes in mm.

Computed once here from a template and its values, then drawn by reportlab into the PDF
(``reports/certificates.py`` ``PdfDrawer``) and by QPainter onto a printer
(``gui/print_painter.py``), so the file and the printed sheet cannot drift apart.

Coordinates are mm from the paper's top-left corner, y downwards; a text run's ``y`` is its
baseline and ``x`` its left end (alignment is already resolved); sizes and line widths are
in points; colours are (r, g, b) in 0..1. No Qt here; reportlab only for font metrics.
"""
from dataclasses import dataclass, field

from models import templates as tpl
from models.errors import ValidationError

from .textfit import LEADING, Fonts, TextFitter

MM = 72 / 25.4
PT = 25.4 / 72                     # mm per point
BLACK = (0.0, 0.0, 0.0)
RED = (0.78, 0.05, 0.05)
GOLD = (0.80, 0.62, 0.18)
BLUE = (0.1, 0.3, 0.8)
GREY = (0.55, 0.55, 0.55)


@dataclass(frozen=True, slots=True)
class Text:
    x: float
    y: float
    text: str
    font: str            # a reportlab font name; its TTF file via ``font_file``
    size: float
    color: tuple = BLACK
    width: float = 0.0   # mm, as measured by reportlab (for bounds and centring checks)
    ascent: float = 0.9  # fractions of size (for bounds)
    descent: float = 0.22


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.5
    color: tuple = BLACK
    dash: tuple = ()


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    width: float = 0.5
    stroke: tuple = BLACK          # () = no outline
    fill: tuple = ()               # () = no fill
    dash: tuple = ()


@dataclass(frozen=True, slots=True)
class Poly:
    points: tuple                  # ((x, y), ...) closed, filled
    fill: tuple = BLACK


@dataclass
class Group:
    """Items moved together by (dx, dy) mm. ``key``: the same items on every page that has
    this key (the PDF draws them once as a form). ``label`` names the part for the clerk."""
    items: list
    dx: float = 0.0
    dy: float = 0.0
    key: str = ""
    label: str = ""


@dataclass
class Page:
    width_mm: float
    height_mm: float
    groups: list = field(default_factory=list)

    @property
    def landscape(self):
        return self.width_mm > self.height_mm


def item_bounds(item):
    """(left, top, right, bottom) mm of one item."""
    if isinstance(item, Text):
        return (item.x, item.y - item.size * item.ascent * PT, item.x + item.width,
                item.y + item.size * item.descent * PT)
    if isinstance(item, Line):
        return (min(item.x1, item.x2), min(item.y1, item.y2), max(item.x1, item.x2),
                max(item.y1, item.y2))
    if isinstance(item, Rect):
        return (item.x, item.y, item.x + item.w, item.y + item.h)
    xs = [p[0] for p in item.points]
    ys = [p[1] for p in item.points]
    return (min(xs), min(ys), max(xs), max(ys))


# a keyed group's items are the same on every page; so are a field's runs on every page with
# the same text (LayoutBuilder.field_group shares them): known by the list's identity, which
# the cache keeps alive (its id cannot be reused while cached)
_keyed_bounds = {}


def group_bounds(group):
    key = group.key or id(group.items)
    cached = _keyed_bounds.get(key)
    box = cached[1] if cached is not None and cached[0] is group.items else None
    if box is None:
        boxes = [item_bounds(i) for i in group.items]
        if not boxes:
            return None
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes),
               max(b[2] for b in boxes), max(b[3] for b in boxes))
        if len(_keyed_bounds) > 1000:
            _keyed_bounds.clear()
        _keyed_bounds[key] = (group.items, box)
    return (box[0] + group.dx, box[1] + group.dy, box[2] + group.dx, box[3] + group.dy)


def parts_in_margin(page, margins, *, tolerance=0.05):
    """Labels of the page's parts that reach into the unprintable margins
    (left, top, right, bottom mm) — or off the paper: [(label, "trái 3,2 mm"...)]."""
    left, top, right, bottom = margins
    out = []
    for g in page.groups:
        if not g.label:             # unlabelled parts are never named: skip their bounds
            continue
        box = group_bounds(g)
        if box is None:
            continue
        # most parts lie well inside: tell that with four comparisons (a print run checks
        # every part of every page)
        if (left - box[0] <= tolerance and top - box[1] <= tolerance
                and box[2] - (page.width_mm - right) <= tolerance
                and box[3] - (page.height_mm - bottom) <= tolerance):
            continue
        sides = []
        for name, over in (("trái", left - box[0]), ("trên", top - box[1]),
                           ("phải", box[2] - (page.width_mm - right)),
                           ("dưới", box[3] - (page.height_mm - bottom))):
            if over > tolerance:
                sides.append(f"{name} {tpl._num(round(over, 1))} mm")
        if sides:
            out.append((g.label, ", ".join(sides)))
    return out


def font_file(font_name):
    """The TTF file behind a reportlab font name (the printer backend loads the same file)."""
    from reportlab.pdfbase import pdfmetrics
    return pdfmetrics.getFont(font_name).face.filename


# --------------------------------------------------------------------------- text

def hex_rgb(color):
    c = color.lstrip("#")
    return tuple(int(c[i:i + 2], 16) / 255.0 for i in (0, 2, 4))


def field_runs(fitted, f, font, metrics, color):
    """Text runs of a fitted field, block centred vertically in its box, aligned in x."""
    asc, desc = metrics
    s = fitted.size
    block = (len(fitted.lines) - 1) * s * LEADING + s * (asc + desc)
    base = f.y + (f.h - block * PT) / 2 + s * asc * PT
    runs = []
    for line, lw in zip(fitted.lines, fitted.widths):
        w = lw * PT
        x = f.x if f.align == "left" else f.x + f.w - w if f.align == "right" \
            else f.x + (f.w - w) / 2
        runs.append(Text(x, base, line, font, s, color, w, asc, desc))
        base += s * LEADING * PT
    return runs


def centred_run(fitter, fonts, text, cx, y, size, *, width, bold=False, italic=False,
                color=BLACK):
    """One line centred on cx (shrunk to ``width`` mm if needed), or None when empty."""
    font = fonts.name(bold, italic)
    fitted = fitter.fit(text, font, size, size * 0.6, width * MM, size * 1.3, "shrink",
                        fonts.metrics[font])
    if not fitted.lines:
        return None
    w = fitted.widths[0] * PT
    asc, desc = fonts.metrics[font]
    return Text(cx - w / 2, y, fitted.lines[0], font, fitted.size, color, w, asc, desc)


# --------------------------------------------------------------------------- certificates

class LayoutBuilder:
    """Pages of one print run (one mode, offset and QR choice); caches fonts and designs."""

    def __init__(self, commune_values, *, mode="full", offset=(0, 0), qr=False):
        if mode not in tpl.MODES:
            raise ValidationError(f"Chế độ in '{mode}' không hợp lệ (full hoặc blank).")
        self.mode = mode
        self.dx, self.dy = tpl.check_offset(*offset, confirmed=True)
        self.qr = qr
        self.commune_values = commune_values
        self.fitter = TextFitter()
        self._fonts = {}
        self._designs = {}
        self._runs = {}

    def fonts(self, template):
        key = template.font_family or ""
        if key not in self._fonts:
            self._fonts[key] = Fonts(template)
        return self._fonts[key]

    def field_group(self, template, f, text, *, color=None):
        fonts = self.fonts(template)
        font = fonts.name(f.bold, f.italic)
        # the same text in the same box lays out the same (a decision's date line, signer,
        # title... on every certificate): fitted once; runs are frozen, so shared
        key = (text, font, f.size, f.min_size, f.w, f.h, f.fit, f.x, f.y, f.align,
               color or f.color)
        hit = self._runs.get(key)
        if hit is None:
            fitted = self.fitter.fit(text, font, f.size, f.min_size, f.w * MM, f.h * MM, f.fit,
                                     fonts.metrics[font])
            runs = field_runs(fitted, f, font, fonts.metrics[font],
                              color or hex_rgb(f.color)) if fitted.lines else []
            if len(self._runs) > 4096:
                self._runs.clear()
            hit = self._runs[key] = (runs, fitted)
        return Group(hit[0], self.dx, self.dy, label=f"Ô «{f.label}»"), hit[1]

    def certificate(self, template, values, *, qr_text=None):
        """The page of one certificate: design (full mode) and fields, shifted by the offset."""
        from .certificates import render_text
        page = Page(template.width_mm, template.height_mm)
        if self.mode == "full":
            for g in self.design(template):
                page.groups.append(Group(g.items, self.dx, self.dy, g.key, g.label))
        for f in template.fields:
            if f.enabled:
                page.groups.append(self.field_group(template, f, render_text(f.text, values))[0])
        if self.qr and qr_text:
            page.groups.append(Group(qr_items(template, qr_text), self.dx, self.dy,
                                     label="Mã QR"))
        return page

    def design(self, template):
        key = template.name
        if key not in self._designs:
            self._designs[key] = design_groups(template, self.fonts(template), self.fitter,
                                               self.commune_values)
        return self._designs[key]


def design_groups(t, fonts, fitter, commune_values):
    """Border (red, gold, corner diamonds) and the heading lines of the full design."""
    from .certificates import render_text
    W, H = t.width_mm, t.height_mm
    sy = H / 210.0
    border = [Rect(7, 7, W - 14, H - 14, 2.4, RED), Rect(10, 10, W - 20, H - 20, 0.9, GOLD),
              Rect(11.2, 11.2, W - 22.4, H - 22.4, 0.5, GOLD)]
    for cx, cy in ((8.6, 8.6), (W - 8.6, 8.6), (8.6, H - 8.6), (W - 8.6, H - 8.6)):
        border.append(_diamond(cx, cy, 3.2, RED))
    step = 12
    for i in range(2, int(W / step) - 1):
        for y in (8.6, H - 8.6):
            border.append(_diamond(i * step, y, 0.9, GOLD))
    for i in range(2, int(H / step) - 1):
        for x in (8.6, W - 8.6):
            border.append(_diamond(x, H - i * step, 0.9, GOLD))
    heading = []

    def line(text, y_mm, size, *, bold=False, italic=False, color=BLACK, underline=False):
        run = centred_run(fitter, fonts, text, W / 2, y_mm * sy, size, width=W - 50,
                          bold=bold, italic=italic, color=color)
        if run is None:
            return
        heading.append(run)
        if underline:
            heading.append(Line(run.x, run.y + 2.2, run.x + run.width, run.y + 2.2, 0.6, color))

    line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 24, 14, bold=True)
    line("Độc lập - Tự do - Hạnh phúc", 31, 14, bold=True, underline=True)
    line(render_text(t.issuer, commune_values), 43, 15, bold=True, color=RED)
    line(t.heading, 61, t.heading_size, bold=True, color=RED)
    if t.lead:
        line(t.lead, 70.5, 16, italic=True)
    return [Group(border, key=f"border:{t.name}", label="Khung viền"),
            Group(heading, key=f"heading:{t.name}", label="Quốc hiệu và tiêu đề")]


def _diamond(x, y, r, color):
    return Poly(((x, y - r), (x + r, y), (x, y + r), (x - r, y)), color)


def qr_items(template, text):
    """A QR code as rectangles of dark modules (fixed mask: ~10× faster than choosing the
    best mask, still a standard code every phone reads)."""
    from reportlab.graphics.barcode import qrencoder
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(text)
    qr.version = qr.calculate_version()
    qr.makeImpl(False, 0)
    n = qr.getModuleCount()
    quiet = 2
    cell = template.qr_size / (n + 2 * quiet)
    x0 = template.qr_x + quiet * cell
    y0 = template.qr_y + quiet * cell
    items = []
    for r, row in enumerate(qr.modules):
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                items.append(Rect(x0 + start * cell, y0 + r * cell, (col - start) * cell, cell,
                                  0, (), BLACK))
            else:
                col += 1
    return items
