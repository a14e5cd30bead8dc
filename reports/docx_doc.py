"""Word (.docx) pages in the Decree 30/2020 layout: the one place that builds them.

Every administrative document the program writes as .docx goes through ``DocxDocument``;
it mirrors ``reports/pdfdoc.py`` (same margins, sizes, header blocks, rules, tables) so a
document's PDF and its .docx look alike and a clerk can finish the .docx in Word.

API (plain data in, python-docx out; all text is NFC-normalised and made XML-safe)::

    doc = DocxDocument(title="…", author="…", landscape=False)
    doc.header(issuer=[("ỦY BAN NHÂN DÂN", True), ("XÃ TÂN LẬP", True)],  # (text, bold)
               number="12/QĐ-UBND", place_date="Tân Lập, ngày 05 tháng 02 năm 2026",
               about=None, split=0.40)          # left column's share of the text width
    doc.title("QUYẾT ĐỊNH", "Về việc …", rule=True)   # 14 pt bold centred, short rule under
    doc.paragraph("text", style="indent")       # or runs: [("Điều 1.", "b"), (" …", "")]
    doc.bases(["Căn cứ …;", "Căn cứ …."])       # italic, first-line indent
    doc.space(4)                                # vertical space in mm
    doc.table(["STT", "Họ và tên"], rows, [11, 0], align=["center", "left"],
              sections=(0,), bold_rows=(), total_row=False, landscape=None)
    doc.recipients_and_signature(["Như Điều 3", "Lưu: VT"], ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
                                 "Nguyễn Văn A", space_mm=35)
    doc.signatures([{"titles": ["THƯ KÝ"], "note": None, "name": "…"}, …])  # two a row
    doc.section(landscape=True)                 # a new section (new page) in that orientation
    doc.page_break()
    doc.save(path)                              # atomically, through reports/safefile

Paragraph styles (as in pdfdoc): normal (13 pt justified), indent (first line 10 mm, 6 pt
before), basis (italic indent), left, right, center, center_bold, title (14 pt bold),
italic, italic_center, small (11 pt), heading (bold, 6 pt before), recipients_heading.
Runs: a ``str`` or a list of ``(text, flags)`` with flags made of "b" (bold), "i" (italic).

Tables: widths in mm (a 0 takes what the others leave of the text width; the whole is
scaled down to the text width when wider); the header row repeats on every page
(``w:tblHeader``); no row is split across pages (``w:cantSplit``); a section row spans all
columns in bold and is kept with the row under it; the total row (last, when
``total_row``) is bold and kept with the row above. Rows are built as XML text and parsed
once by python-docx's parser (``docx.oxml.parse_xml``), so 5,000 rows take well under a
second; ``table_element(...)`` gives the same table unattached (for commune templates).

Page numbers: centred in the page header from page 2 (Decree 30), continuing across
sections. Fonts: Times New Roman in every script slot (ascii, hAnsi, cs, eastAsia) of the
document defaults and of every style, language vi-VN, so Vietnamese renders in Word and
LibreOffice alike.
"""
import copy
import os
import re
from xml.sax.saxutils import escape

from .pdfdoc import MARGINS_MM, PAGE_NUMBER_PT, RULE_FRACTION, nfc

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
    return escape(_INVALID_XML.sub("", nfc(text)))


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
    n = len(columns)
    align = [{"left": "left", "center": "center", "right": "right", "both": "both"}[a]
             for a in (align or ["left"] * n)]
    sections, bold_rows = set(sections), set(bold_rows)
    keep = "<w:keepNext/>"
    out = [_table_open(widths_mm, margins=(20, 60, 40, 60))]
    trpr_head = "<w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if repeat_header else "") + \
        "</w:trPr>"
    head = "".join(_cell_xml(w, [f'<w:p><w:pPr><w:pStyle w:val="TDKTTieude"/>{keep}'
                                 f'<w:jc w:val="center"/></w:pPr>'
                                 f'{_run_xml(h, bold=True)}</w:p>'], valign="center")
                   for h, w in zip(columns, widths_mm))
    out.append(f"<w:tr>{trpr_head}{head}</w:tr>")
    ppr_plain = [f'<w:pPr><w:pStyle w:val="TDKTBang"/><w:jc w:val="{a}"/></w:pPr>'
                 for a in align]
    ppr_keep = [f'<w:pPr><w:pStyle w:val="TDKTBang"/>{keep}<w:jc w:val="{a}"/></w:pPr>'
                for a in align]
    tc_open = [f'<w:tc><w:tcPr><w:tcW w:w="{twips(w)}" w:type="dxa"/>'
               '<w:vAlign w:val="center"/></w:tcPr><w:p>' for w in widths_mm]
    total_width = sum(widths_mm)
    last = len(rows) - 1
    row_open = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
    for i, row in enumerate(rows):
        if i in sections:
            out.append(row_open + _cell_xml(
                total_width, [f'<w:p><w:pPr><w:pStyle w:val="TDKTBang"/>{keep}</w:pPr>'
                              f'{_run_xml(row[0], bold=True)}</w:p>'], valign="center",
                span=n) + "</w:tr>")
            continue
        bold = i in bold_rows or (total_row and i == last)
        # a row is kept with the next when that one is the total or it heads a section
        kept = total_row and i == last - 1
        pprs = ppr_keep if kept else ppr_plain
        cells = []
        for j in range(n):
            value = row[j] if j < len(row) else ""
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
            cells.append(f"{tc_open[j]}{pprs[j]}{run}</w:p></w:tc>")
        out.append(row_open + "".join(cells) + "</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


class DocxDocument:
    """One Decree-30 Word document being built; see the module docstring."""

    def __init__(self, *, title="", author="", landscape=False, page_numbers=True):
        import docx
        self.doc = docx.Document()
        self.landscape = landscape
        self._setup_styles()
        section = self.doc.sections[0]
        self._page_setup(section, landscape)
        self._body = self.doc.element.body
        for stray in self._body.xpath("w:p"):       # the default template's empty paragraph
            self._body.remove(stray)
        if page_numbers:
            self._page_numbers(section)
        props = self.doc.core_properties
        props.title = nfc(title)[:250]
        props.author = nfc(author)[:250]
        props.comments = "Thi đua - Khen thưởng"
        props.language = "vi-VN"

    # ------------------------------------------------------------------ page set-up
    @property
    def text_width_mm(self):
        width = A4_MM[1] if self.landscape else A4_MM[0]
        return width - MARGINS_MM["left"] - MARGINS_MM["right"]

    def _page_setup(self, section, landscape):
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        w, h = (A4_MM[1], A4_MM[0]) if landscape else A4_MM
        section.page_width, section.page_height = Mm(w), Mm(h)
        section.top_margin = Mm(MARGINS_MM["top"])
        section.bottom_margin = Mm(MARGINS_MM["bottom"])
        section.left_margin = Mm(MARGINS_MM["left"])
        section.right_margin = Mm(MARGINS_MM["right"])
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)
        section.gutter = Mm(0)

    def _page_numbers(self, section):
        """PAGE field centred in the header, none on the first page (titlePg)."""
        from docx.oxml import parse_xml
        section.different_first_page_header_footer = True
        header = section.header
        p = header.paragraphs[0]._p
        field = parse_xml(
            f"<w:p {_NSDECL}>{_ppr(jc='center')}"
            f'<w:r>{_rpr(PAGE_NUMBER_PT)}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{_rpr(PAGE_NUMBER_PT)}<w:instrText xml:space="preserve"> PAGE </w:instrText>'
            f'</w:r><w:r>{_rpr(PAGE_NUMBER_PT)}<w:fldChar w:fldCharType="separate"/></w:r>'
            f"<w:r>{_rpr(PAGE_NUMBER_PT)}<w:t>2</w:t></w:r>"
            f'<w:r>{_rpr(PAGE_NUMBER_PT)}<w:fldChar w:fldCharType="end"/></w:r></w:p>')
        p.addnext(field)
        p.getparent().remove(p)
        section.first_page_header.is_linked_to_previous = False     # an empty first page

    def _setup_styles(self):
        """Times New Roman everywhere (all four script slots), vi-VN, Decree-30 sizes."""
        from docx.enum.style import WD_STYLE_TYPE
        from docx.oxml import parse_xml
        from docx.shared import Pt
        styles = self.doc.styles
        rpr_default = styles.element.find(f"{{{W_NS}}}docDefaults/{{{W_NS}}}rPrDefault/"
                                          f"{{{W_NS}}}rPr")
        for old in list(rpr_default):
            rpr_default.remove(old)
        for child in parse_xml(
                f"<w:rPr {_NSDECL}>{self._fonts_xml()}<w:sz w:val=\"{BODY_PT * 2}\"/>"
                f"<w:szCs w:val=\"{BODY_PT * 2}\"/><w:lang w:val=\"vi-VN\" "
                "w:eastAsia=\"vi-VN\" w:bidi=\"ar-SA\"/></w:rPr>"):
            rpr_default.append(child)
        ppr_default = styles.element.find(f"{{{W_NS}}}docDefaults/{{{W_NS}}}pPrDefault/"
                                          f"{{{W_NS}}}pPr")
        for old in list(ppr_default):
            ppr_default.remove(old)
        ppr_default.append(parse_xml(f'<w:spacing {_NSDECL} w:after="0" w:line="240" '
                                     'w:lineRule="auto"/>'))
        for style in styles:
            if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER,
                              WD_STYLE_TYPE.TABLE):
                self._set_fonts(style.element)
        normal = styles["Normal"]
        normal.font.size = Pt(BODY_PT)
        for style_id, name, size, bold in (("TDKTBang", TABLE_STYLE, TABLE_PT, False),
                                           ("TDKTTieude", HEADER_ROW_STYLE, TABLE_PT, True)):
            st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            st.element.set(f"{{{W_NS}}}styleId", style_id)
            st.base_style = normal
            st.font.size = Pt(size)
            st.font.bold = bold
            fmt = st.paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            from docx.enum.text import WD_LINE_SPACING
            fmt.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
            fmt.line_spacing = Pt(LINE_PT[size])
            self._set_fonts(st.element)

    @staticmethod
    def _fonts_xml():
        return (f'<w:rFonts w:ascii="{FONT_NAME}" w:hAnsi="{FONT_NAME}" '
                f'w:cs="{FONT_NAME}" w:eastAsia="{FONT_NAME}"/>')

    def _set_fonts(self, style_element):
        """Times New Roman in every slot of one style; theme fonts removed (they win)."""
        rpr = style_element.get_or_add_rPr()
        fonts = rpr.find(f"{{{W_NS}}}rFonts")
        if fonts is None:
            from docx.oxml import parse_xml
            fonts = parse_xml(f"<w:rFonts {_NSDECL}/>")
            rpr.insert(0, fonts)
        for key in list(fonts.attrib):
            if key.endswith("Theme") or key.endswith("theme"):
                del fonts.attrib[key]
        for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
            fonts.set(f"{{{W_NS}}}{slot}", FONT_NAME)

    # ------------------------------------------------------------------ adding content
    def _append_xml(self, xml):
        """Parse XML text (one element, or several paragraphs) and add it before the final
        section properties."""
        from docx.oxml import parse_xml
        sect = self._body.sectPr
        if xml.startswith("<w:tbl "):
            elements = [parse_xml(xml)]
        else:
            elements = list(parse_xml(f"<w:body {_NSDECL}>{xml}</w:body>"))
        for el in elements:
            sect.addprevious(el)
        return elements

    def element(self, el):
        """Add a ready-made element (a table from ``table_element``) to the body."""
        self._body.sectPr.addprevious(el)
        return el

    def paragraph(self, content, style="indent", *, keep_next=False):
        return self._append_xml(paragraph_xml(content, style, keep_next=keep_next))[0]

    def paragraphs(self, items, style="indent"):
        for item in items:
            self.paragraph(item, style)

    def bases(self, lines):
        """The 'Căn cứ …' lines (italic, first-line indent)."""
        for line in lines:
            self.paragraph(line, "basis")

    def space(self, mm):
        self._append_xml(space_xml(mm))

    def title(self, *lines, rule=True, style="title"):
        """Centred bold lines (14 pt) with the short rule under the widest (Decree 30)."""
        lines = [line for line in lines if line]
        for line in lines:
            self.paragraph(line, style, keep_next=True)
        if rule and lines:
            size, bold = STYLES[style][0], STYLES[style][1]
            widest = min(max(text_width_mm(x, size, bold=bold) for x in lines),
                         self.text_width_mm)
            self._append_xml(rule_xml(widest * RULE_FRACTION, self.text_width_mm, before=2,
                                     after=8))

    def draft_mark(self, text="DỰ THẢO"):
        self.paragraph(text, "right")

    def header(self, *, issuer, number=None, place_date=None, about=None, split=0.40):
        """Issuer block left (its lines as (text, bold); the short rule under the widest),
        national title and motto right with the motto's rule, 'Số: …' under the issuer,
        the italic place and date under the motto."""
        width = self.text_width_mm
        left_w, right_w = width * split, width * (1 - split)
        left = [paragraph_xml(t, "center_bold" if b else "center") for t, b in issuer]
        widest = max(text_width_mm(t, BODY_PT, bold=b) for t, b in issuer)
        left.append(rule_xml(min(widest, left_w) * RULE_FRACTION, left_w))
        if number:
            left.append(paragraph_xml(f"Số: {number}", "center"))
        if about:
            left.append(paragraph_xml(about, "small"))
        motto = "Độc lập - Tự do - Hạnh phúc"
        right = [paragraph_xml("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "center_bold"),
                 paragraph_xml(motto, "center_bold"),
                 rule_xml(min(text_width_mm(motto, BODY_PT, bold=True), right_w), right_w)]
        if place_date:
            right.append(paragraph_xml(place_date, "italic_center"))
        self._layout_table([left_w, right_w], [[left, right]])

    def _layout_table(self, widths, rows, *, cant_split=True):
        """A borderless table placing blocks side by side (header, signatures)."""
        trpr = "<w:trPr><w:cantSplit/></w:trPr>" if cant_split else ""
        xml = [_table_open(widths, borders=False)]
        for row in rows:
            xml.append(f"<w:tr>{trpr}"
                       + "".join(_cell_xml(w, cell) for w, cell in zip(widths, row))
                       + "</w:tr>")
        xml.append("</w:tbl>")
        return self._append_xml("".join(xml))[0]

    def _signature_cell(self, titles, name, *, note=None, space_mm=35):
        cell = [paragraph_xml(t, "center_bold", keep_next=True) for t in titles]
        if note:
            cell.append(paragraph_xml(note, "italic_center", keep_next=True))
        cell += [space_xml(space_mm), paragraph_xml(name or "", "center_bold")]
        return cell

    def recipients_and_signature(self, recipients, title_lines, name, *, space_mm=35,
                                 left_lines=None):
        """'Nơi nhận:' with its '- …;' lines (left) beside the signer's block (right).
        ``left_lines``: bold centred lines instead of the recipients (e.g. "NGƯỜI LẬP
        BIỂU")."""
        if recipients is not None and left_lines is None:
            left = [paragraph_xml("Nơi nhận:", "recipients_heading")]
            left += [paragraph_xml(f"- {line}", "small") for line in recipients]
        else:
            left = [paragraph_xml(t, "center_bold") for t in (left_lines or [])]
        right = self._signature_cell(title_lines, name, space_mm=space_mm)
        half = self.text_width_mm / 2
        self._layout_table([half, half], [[left, right]])

    def signatures(self, blocks, *, space_mm=25):
        """Signature blocks two to a row; each a dict with ``titles`` (bold lines),
        optional ``note`` (italic, e.g. "(Ký, ghi rõ họ tên)") and ``name``. Titles of a
        pair align on top and their names on one line (as the PDFs lay them out)."""
        half = self.text_width_mm / 2
        rows = []
        for i in range(0, len(blocks), 2):
            pair = blocks[i:i + 2]
            tops, names = [], []
            for b in pair:
                top = [paragraph_xml(t, "center_bold", keep_next=True)
                       for t in b.get("titles", [])]
                if b.get("note"):
                    top.append(paragraph_xml(b["note"], "italic_center", keep_next=True))
                tops.append(top)
                names.append([space_xml(space_mm), paragraph_xml(b.get("name") or "",
                                                                 "center_bold"),
                              space_xml(6)])
            if len(pair) == 1:
                tops.append([])
                names.append([])
            rows += [tops, names]
        if rows:
            self._layout_table([half, half], rows)

    def table(self, columns, rows, widths_mm, *, align=None, sections=(), bold_rows=(),
              total_row=False, landscape=None, repeat_header=True):
        """A long list table (see the module docstring); ``landscape`` True/False starts a
        new section of that orientation first when the current one differs."""
        if landscape is not None and landscape != self.landscape:
            self.section(landscape=landscape)
        return self.element(self.table_element(columns, rows, widths_mm, align=align,
                                               sections=sections, bold_rows=bold_rows,
                                               total_row=total_row,
                                               repeat_header=repeat_header))

    def table_element(self, columns, rows, widths_mm, *, align=None, sections=(),
                      bold_rows=(), total_row=False, repeat_header=True):
        """The list table as an unattached ``w:tbl`` element."""
        from docx.oxml import parse_xml
        widths = fit_widths(widths_mm, self.text_width_mm)
        return parse_xml(table_xml(columns, rows, widths, align=align, sections=sections,
                                   bold_rows=bold_rows, total_row=total_row,
                                   repeat_header=repeat_header))

    def section(self, *, landscape):
        """End the current section (its properties go into a 1 pt paragraph, so it never
        adds a page) and start a new one on a new page in the given orientation."""
        from docx.enum.section import WD_SECTION
        from docx.oxml import parse_xml
        new = self.doc.add_section(WD_SECTION.NEW_PAGE)
        holder = self._body.sectPr.getprevious()          # the paragraph holding the old one
        ppr = holder.get_or_add_pPr()
        for child in parse_xml(f"<w:pPr {_NSDECL}>"
                               '<w:spacing w:before="0" w:after="0" w:line="20" '
                               'w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr></w:pPr>'):
            ppr.insert(0 if child.tag.endswith("spacing") else len(ppr) - 1, copy.copy(child))
        new.different_first_page_header_footer = False    # number every page after the first
        self.landscape = landscape
        self._page_setup(new, landscape)
        return new

    def page_break(self):
        self._append_xml('<w:p><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr>'
                         '<w:r><w:br w:type="page"/></w:r></w:p>')

    # ------------------------------------------------------------------ writing
    def save(self, path):
        """Write the .docx through a temporary file beside ``path`` (never half a file)."""
        from .safefile import atomic_output
        with atomic_output(path) as tmp:
            self.doc.save(tmp)
        return path


def is_docx_path(path):
    """True when ``path`` asks for a Word file (by its extension)."""
    return os.path.splitext(str(path))[1].lower() == ".docx"
