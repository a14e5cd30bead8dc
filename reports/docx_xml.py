"""WordprocessingML text builders behind reports/docx_doc.py (paragraphs, rules, tables).

Building rows as XML text and parsing them once (``docx.oxml.parse_xml``) keeps a list of
5,000 rows well under a second; python-docx's cell-by-cell API takes minutes for it.
"""
import re
from html import escape      # quote=False: xml.sax.saxutils.escape without urllib (pdfdoc)

from .pdfdoc import nfc

FONT_NAME = "Times New Roman"
BODY_PT, TITLE_PT, TABLE_PT, SMALL_PT = 13, 14, 11, 11
A4_MM = (210, 297)
TWIPS_PER_MM = 1440 / 25.4
INDENT_MM = 10
PARAGRAPH_GAP_PT = 6
LINE_PT = {13: 17, 14: 18, 11: 13, 12: 14}      # leading as the PDFs use (at least)
TABLE_STYLE = "TDKT Bảng"                       # paragraph style of table cells
HEADER_ROW_STYLE = "TDKT Tiêu đề bảng"
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NSDECL = f'xmlns:w="{W_NS}"'

# style name → (size pt, bold, italic, alignment, first-line indent mm, space before pt)
STYLES = {
    "normal": (BODY_PT, False, False, "both", 0, 0),
    "indent": (BODY_PT, False, False, "both", INDENT_MM, PARAGRAPH_GAP_PT),
    "basis": (BODY_PT, False, True, "both", INDENT_MM, PARAGRAPH_GAP_PT),
    "left": (BODY_PT, False, False, "left", 0, 0),
    "right": (BODY_PT, False, False, "right", 0, 0),
    "center": (BODY_PT, False, False, "center", 0, 0),
    "center_bold": (BODY_PT, True, False, "center", 0, 0),
    "title": (TITLE_PT, True, False, "center", 0, 0),
    "italic": (BODY_PT, False, True, "both", 0, 0),
    "italic_center": (BODY_PT, False, True, "center", 0, 0),
    "small": (SMALL_PT, False, False, "left", 0, 0),
    "small_bold": (SMALL_PT, True, False, "left", 0, 0),
    "heading": (BODY_PT, True, False, "left", 0, PARAGRAPH_GAP_PT),
    "recipients_heading": (12, True, True, "left", 0, 0),
}


def xml_text(text):
    """User text made safe for WordprocessingML: NFC, no XML-illegal control characters."""
    return escape(_INVALID_XML.sub("", nfc(text)), quote=False)


def twips(mm):
    return int(round(mm * TWIPS_PER_MM))


def text_width_mm(text, size_pt, *, bold=False):
    """Printed width of ``text`` in Times New Roman (its metric twin measures it); a rough
    estimate when no such font is installed — only the length of the short rules uses it."""
    from models.errors import UserError
    from . import pdfdoc
    try:
        pdfdoc.register_fonts()
        points = pdfdoc._text_width(text, pdfdoc.FONT_BOLD if bold else pdfdoc.FONT, size_pt)
    except UserError:
        points = len(nfc(text)) * size_pt * (0.62 if bold else 0.5)
    return points / 72 * 25.4


def _rpr(size=None, bold=False, italic=False):
    parts = []
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if size:
        parts.append(f'<w:sz w:val="{int(size * 2)}"/><w:szCs w:val="{int(size * 2)}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def _run_xml(text, *, size=None, bold=False, italic=False):
    """One run; line breaks in ``text`` become ``w:br``."""
    pieces = [f'<w:t xml:space="preserve">{xml_text(p)}</w:t>' for p in nfc(text).split("\n")]
    return f"<w:r>{_rpr(size, bold, italic)}{'<w:br/>'.join(pieces)}</w:r>"


def _runs(content):
    """[(text, flags)] of a str or a list of runs."""
    if content is None:
        return []
    if isinstance(content, str):
        return [(content, "")]
    return [(t, f or "") for t, f in content]


def _ppr(style=None, *, jc=None, keep_next=False, indent_first=0, before=0, after=0,
         line=None, exact=False, ind_left=0, ind_right=0, border_bottom=False, size=None):
    parts = []
    if style:
        parts.append(f'<w:pStyle w:val="{style}"/>')
    if keep_next:
        parts.append("<w:keepNext/>")
    if border_bottom:
        parts.append('<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" '
                     'w:color="000000"/></w:pBdr>')
    spacing = f'<w:spacing w:before="{int(before * 20)}" w:after="{int(after * 20)}"'
    if line:
        spacing += f' w:line="{int(line * 20)}" w:lineRule="{"exact" if exact else "atLeast"}"'
    parts.append(spacing + "/>")
    if indent_first or ind_left or ind_right:
        parts.append(f'<w:ind w:left="{twips(ind_left)}" w:right="{twips(ind_right)}" '
                     f'w:firstLine="{twips(indent_first)}"/>')
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if size:
        parts.append(_rpr(size))
    return f"<w:pPr>{''.join(parts)}</w:pPr>"


def paragraph_xml(content, style="normal", *, keep_next=False, before=None):
    """A body paragraph in one of STYLES as XML text."""
    size, bold, italic, jc, first, gap = STYLES[style]
    ppr = _ppr(jc=jc, keep_next=keep_next, indent_first=first,
               before=gap if before is None else before, line=LINE_PT.get(size, size + 3))
    runs = "".join(_run_xml(t, size=size, bold=bold or "b" in f, italic=italic or "i" in f)
                   for t, f in _runs(content))
    return f"<w:p>{ppr}{runs}</w:p>"


def rule_xml(width_mm, box_mm, *, after=4, before=0):
    """A short centred rule (Decree 30: under the issuer, the motto and the subject line):
    an empty 1 pt paragraph with a bottom border, indented to ``width_mm`` inside a box
    ``box_mm`` wide."""
    side = max(0.0, (box_mm - width_mm) / 2)
    ppr = _ppr(jc="center", ind_left=side, ind_right=side, border_bottom=True, after=after,
               before=before, size=1)
    return f"<w:p>{ppr}</w:p>"


def space_xml(mm):
    """An empty paragraph exactly ``mm`` high."""
    return f"<w:p>{_ppr(line=mm * 72 / 25.4, exact=True, size=2)}</w:p>"


def _cell_xml(width_mm, paragraphs, *, valign="top", span=1):
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    body = "".join(paragraphs) or "<w:p/>"
    return (f'<w:tc><w:tcPr><w:tcW w:w="{twips(width_mm)}" w:type="dxa"/>{span_xml}'
            f'<w:vAlign w:val="{valign}"/></w:tcPr>{body}</w:tc>')


def _table_open(widths_mm, *, borders=True, margins=(0, 0, 0, 0), jc="center"):
    """``<w:tbl>`` start: fixed layout, grid of ``widths_mm``; margins (top, left, bottom,
    right) in twips."""
    total = sum(twips(w) for w in widths_mm)
    edge = ('<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' if borders
            else '<w:{0} w:val="nil"/>')
    border_xml = "".join(edge.format(side) for side in
                         ("top", "left", "bottom", "right", "insideH", "insideV"))
    top, left, bottom, right = margins
    grid = "".join(f'<w:gridCol w:w="{twips(w)}"/>' for w in widths_mm)
    return (f"<w:tbl {_NSDECL}><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/>"
            f'<w:jc w:val="{jc}"/><w:tblBorders>{border_xml}</w:tblBorders>'
            f'<w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="{top}" w:type="dxa"/>'
            f'<w:left w:w="{left}" w:type="dxa"/><w:bottom w:w="{bottom}" w:type="dxa"/>'
            f'<w:right w:w="{right}" w:type="dxa"/></w:tblCellMar>'
            f'<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>')


def fit_widths(widths_mm, text_width_mm):
    """Widths with every 0 sharing what the others leave, scaled down to the text width."""
    widths = [float(w or 0) for w in widths_mm]
    free = text_width_mm - sum(widths)
    zeros = [i for i, w in enumerate(widths) if not w]
    for i in zeros:
        widths[i] = max(10.0, free / len(zeros))
    total = sum(widths)
    if total > text_width_mm + 0.01:
        widths = [w * text_width_mm / total for w in widths]
    return widths


def table_xml(columns, rows, widths_mm, *, align=None, sections=(), bold_rows=(),
              total_row=False, repeat_header=True):
    """The XML text of a bordered list table (see the module docstring)."""
    return "".join([table_head_xml(columns, widths_mm, repeat_header=repeat_header),
                    *table_rows_xml(len(columns), rows, widths_mm, align=align,
                                    sections=sections, bold_rows=bold_rows,
                                    total_row=total_row),
                    "</w:tbl>"])


def table_head_xml(columns, widths_mm, *, repeat_header=True):
    """A list table's opening: table properties, grid and the header row."""
    keep = "<w:keepNext/>"
    trpr_head = "<w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if repeat_header else "") + \
        "</w:trPr>"
    head = "".join(_cell_xml(w, [f'<w:p><w:pPr><w:pStyle w:val="TDKTTieude"/>{keep}'
                                 f'<w:jc w:val="center"/></w:pPr>'
                                 f'{_run_xml(h, bold=True)}</w:p>'], valign="center")
                   for h, w in zip(columns, widths_mm))
    return _table_open(widths_mm, margins=(20, 60, 40, 60)) + f"<w:tr>{trpr_head}{head}</w:tr>"


def table_rows_xml(n, rows, widths_mm, *, align=None, sections=(), bold_rows=(),
                   total_row=False):
    """The XML text of each body row of a list table of ``n`` columns, one at a time (a
    long list is written into the file as it is made: reports/docx_stream.py)."""
    align = [{"left": "left", "center": "center", "right": "right", "both": "both"}[a]
             for a in (align or ["left"] * n)]
    sections, bold_rows = set(sections), set(bold_rows)
    keep = "<w:keepNext/>"
    ppr_plain = [f'<w:pPr><w:pStyle w:val="TDKTBang"/><w:jc w:val="{a}"/></w:pPr>'
                 for a in align]
    ppr_keep = [f'<w:pPr><w:pStyle w:val="TDKTBang"/>{keep}<w:jc w:val="{a}"/></w:pPr>'
                for a in align]
    tc_open = [f'<w:tc><w:tcPr><w:tcW w:w="{twips(w)}" w:type="dxa"/>'
               '<w:vAlign w:val="center"/></w:tcPr><w:p>' for w in widths_mm]
    total_width = sum(widths_mm)
    last = len(rows) - 1
    row_open = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
    made = {}       # a cell's XML by its text: places, titles and results repeat

    def cell_of(j, value, pprs, bold):
        text = "" if value is None else str(value)
        if text:
            if bold:
                run = _run_xml(text, bold=True)
            elif "\n" in text:
                run = _run_xml(text)
            else:
                run = f'<w:r><w:t xml:space="preserve">{xml_text(text)}</w:t></w:r>'
        else:
            run = ""
        return f"{tc_open[j]}{pprs[j]}{run}</w:p></w:tc>"
    # a plain row (nearly all): each column's cells by their text alone, not a key of four
    plain = [{} for _ in range(n)]
    for i, row in enumerate(rows):
        if i in sections:
            yield (row_open + _cell_xml(
                total_width, [f'<w:p><w:pPr><w:pStyle w:val="TDKTBang"/>{keep}</w:pPr>'
                              f'{_run_xml(row[0], bold=True)}</w:p>'], valign="center",
                span=n) + "</w:tr>")
            continue
        bold = i in bold_rows or (total_row and i == last)
        # the row above the total and the total itself are kept with what follows them
        kept = total_row and i >= last - 1
        if not bold and not kept:
            if not i & 4095 and sum(len(c) for c in plain) > 50_000:
                plain = [{} for _ in range(n)]
            cells = []
            width = len(row)
            for j in range(n):
                value = row[j] if j < width else ""
                if type(value) is str:
                    cell = plain[j].get(value)
                    if cell is None:
                        cell = plain[j][value] = cell_of(j, value, ppr_plain, False)
                else:
                    cell = cell_of(j, value, ppr_plain, False)
                cells.append(cell)
            yield row_open + "".join(cells) + "</w:tr>"
            continue
        pprs = ppr_keep if kept else ppr_plain
        cells = []
        for j in range(n):
            value = row[j] if j < len(row) else ""
            key = (j, value, kept, bold)
            cell = made.get(key) if type(value) is str else None
            if cell is None:
                cell = cell_of(j, value, pprs, bold)
                if type(value) is str:
                    if len(made) > 50_000:
                        made.clear()
                    made[key] = cell
            cells.append(cell)
        yield row_open + "".join(cells) + "</w:tr>"
