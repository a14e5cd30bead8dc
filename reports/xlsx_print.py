"""How an exported workbook prints: column widths that fit A4 landscape with body text of
at least 10 pt, and row heights estimated from the text so wrapped cells never overprint.

Widths are in Excel's unit, the digit width of the workbook's default font.  Our workbooks
make Times New Roman 12 that default (``reports.xlsxdoc``), so one unit is 6 pt on paper
in LibreOffice (measured) and 8 px + 5 px a column (6 pt + 3.75 pt) in Excel; budgets use
the wider, Excel's.  Printed with "fit all columns on one page", everything shrinks by
``printed_scale``: 12 pt text prints at 12 × scale pt, so the columns must stay under
``max_units`` for the body to print at ≥ 10 pt.

LibreOffice draws a row at the height written in the file, not at the height its wrapped
text needs, so every row whose text wraps gets an explicit height: lines × 15.75 pt, the
lines counted by greedy word wrap with Times widths (reportlab's built-in metrics, no font
file).  A cell short enough to fit in any case costs one ``len`` call, so a 50,000-row
export stays within its benchmark.
"""
import functools
import math
import unicodedata

FONT_NAME = "Times New Roman"
FONT_PT = 12                       # body font of every export
MIN_PRINTED_PT = 10                # what a reader needs on paper
TARGET_SCALE = 0.86                # 12 × 0.86 = 10.3 pt: room for LibreOffice's whole percent
PAGE_WIDTH_PT = 841.89             # A4 landscape
MARGIN_IN = 0.5
UNIT_PT = 6.0                      # one width unit: digit width of Times New Roman 12
COLUMN_PAD_PT = 3.75               # Excel adds 5 px to every column
LINE_PT = 15.75                    # one line of 12 pt Times in a row (Excel's own height)
CELL_PAD_PT = 3.0                  # text inset on both sides of a cell (LibreOffice: ~1 pt each)
_SAFETY = 1.02                     # measured widths are stretched by this before wrapping
MIN_TEXT_WIDTH = 9                 # a text column is never shrunk below this
_WIDEST_CHAR_PT = 8.7              # above Times capitals' average (8.0 pt at 12 pt)
_SPACE = " "


def use_times_as_default_font(wb):
    """Make Times New Roman 12 the workbook's Normal font: Excel and LibreOffice measure
    column widths in digits of that font, so widths print alike in both (with openpyxl's
    Calibri default, LibreOffice without Calibri measures a 17 % wider unit)."""
    from copy import copy
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList
    font = Font(name=FONT_NAME, size=FONT_PT)
    wb._fonts = IndexedList([font])
    wb._named_styles[0].font = copy(font)


def page_setup(ws, *, one_page=True, repeat_columns=None):
    """A4 landscape; all columns on one page width (or, for a table too wide for that,
    ``TARGET_SCALE`` over pages across with ``repeat_columns`` such as "A:B" on each);
    page numbers in Times New Roman in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9                      # A4
    if one_page:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.page_setup.scale = round(TARGET_SCALE * 100)
        ws.page_setup.pageOrder = "overThenDown"
        if repeat_columns:
            ws.print_title_cols = repeat_columns
    ws.sheet_format.defaultRowHeight = LINE_PT
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = MARGIN_IN
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "Trang &P / &N"
    ws.oddFooter.center.font = f"{FONT_NAME},Regular"
    ws.oddFooter.center.size = FONT_PT


def column_pt(width):
    """Width on an unscaled page, in points, of a column ``width`` units wide (Excel's)."""
    return width * UNIT_PT + COLUMN_PAD_PT


def usable_pt(width):
    """Room for text in a column ``width`` units wide: LibreOffice's width (6 pt a unit,
    narrower than Excel's) less the cell's insets."""
    return width * UNIT_PT - CELL_PAD_PT


def printable_pt():
    return PAGE_WIDTH_PT - 2 * MARGIN_IN * 72


def printed_scale(widths):
    """Scale LibreOffice and Excel apply when fitting these columns to the page width."""
    total = sum(column_pt(w) for w in widths)
    return min(1.0, printable_pt() / total) if total else 1.0


def printed_body_pt(widths):
    return FONT_PT * printed_scale(widths)


def plan_widths(columns):
    """(widths, one_page) for ``columns`` (objects with .width and .kind).

    Numbers, dates and text columns up to a common cap keep their width; text columns
    wider than the cap are cut to it (their text wraps), the cap as high as lets the table
    fit one page width at ``TARGET_SCALE``.  If even a cap of ``MIN_TEXT_WIDTH`` is too
    wide (a score grid with a column per criterion), the table keeps its widths and is
    printed at ``TARGET_SCALE`` over several pages across, its first columns repeated on
    each (``one_page`` False).
    """
    asked = [float(c.width) for c in columns]
    budget = printable_pt() / TARGET_SCALE
    text = [c.kind == "text" for c in columns]

    def capped(cap):
        return [max(min(w, cap), MIN_TEXT_WIDTH) if t and w > MIN_TEXT_WIDTH else w
                for w, t in zip(asked, text)]

    def fits(widths):
        return sum(column_pt(w) for w in widths) <= budget

    if fits(asked):
        return asked, True
    low, high = float(MIN_TEXT_WIDTH), max(asked)
    if not fits(capped(low)):
        return asked, False
    while high - low > 0.5:                  # the highest cap (to half a unit) that fits
        middle = (low + high) / 2
        low, high = (middle, high) if fits(capped(middle)) else (low, middle)
    return [math.floor(w * 2) / 2 for w in capped(low)], True


def first_page_columns(widths, scale=TARGET_SCALE):
    """How many leading columns print on the first page at ``scale``."""
    used, room = 0.0, printable_pt() / scale
    for n, w in enumerate(widths):
        used += column_pt(w)
        if used > room:
            return max(1, n)
    return len(widths)


# ----------------------------------------------------------------- heights ---

@functools.lru_cache(maxsize=2)
def _measure(bold):
    """A function giving the width of one character at 12 pt in Times New Roman: the real
    font (or its metric twin Liberation Serif) when installed, else reportlab's built-in
    Times metrics, which differ by a few per cent."""
    # reportlab imported here: only exports with long wrapped text need it
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from models.errors import UserError
    from . import pdfdoc
    try:
        pdfdoc.register_fonts()
        face = pdfdoc.FONT_BOLD if bold else pdfdoc.FONT
        return lambda ch: stringWidth(ch, face, FONT_PT)
    except UserError:
        face = "Times-Bold" if bold else "Times-Roman"

        def afm(ch):
            base = unicodedata.normalize("NFD", ch)[0]
            base = {"đ": "d", "Đ": "D"}.get(base, base)
            return stringWidth(base, face, FONT_PT) if ord(base) < 256 else UNIT_PT
        return afm


_WIDTHS = ({}, {})                 # character -> width at 12 pt, regular and bold


def text_pt(text, bold=False, size=FONT_PT):
    """Printed width of ``text`` in Times New Roman at ``size``."""
    table = _WIDTHS[bold]
    total = 0.0
    for ch in text:
        w = table.get(ch)
        if w is None:
            w = table[ch] = _measure(bold)(ch)
        total += w
    return total * size / FONT_PT


def line_count(text, width_pt, bold=False, size=FONT_PT):
    """Lines ``text`` takes when wrapped at word boundaries in a cell ``width_pt`` wide."""
    if len(text) * _WIDEST_CHAR_PT * size / FONT_PT <= width_pt and "\n" not in text:
        return 1
    width_pt /= _SAFETY
    space = text_pt(_SPACE, bold, size)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            w = text_pt(word, bold, size)
            if used and used + space + w <= width_pt:
                used += space + w
                continue
            if used:
                lines += 1
            # A word longer than the cell breaks between letters.
            extra = max(0, math.ceil(w / width_pt) - 1)
            lines += extra
            used = w - extra * width_pt
    return lines


@functools.lru_cache(maxsize=4096)
def _body_lines(text, width_pt):
    """``line_count`` of a body cell, remembered: places, titles and states repeat row
    after row (bounded: a long export keeps no more than 4,096 of them)."""
    return line_count(text, width_pt)


class RowHeights:
    """Height of each body row from its wrapped text cells (None: the default height)."""

    def __init__(self, widths, wrapped):
        # (column index, usable width in pt, longest text sure to fit on one line)
        self.cells = []
        for i in wrapped:
            usable = usable_pt(widths[i])
            self.cells.append((i, usable, int(usable / _WIDEST_CHAR_PT)))

    def height(self, row):
        lines = 1
        for i, usable, one_line in self.cells:
            value = row[i] if i < len(row) else None
            if value.__class__ is str and len(value) > one_line:
                n = _body_lines(value, usable)
                if n > lines:
                    lines = n
        return None if lines == 1 else lines * LINE_PT


def row_attrs(height):
    """The <row> attributes openpyxl's writer adds for a row of ``height`` pt."""
    return {"ht": f"{height:.2f}", "customHeight": "1"}
