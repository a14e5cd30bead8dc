"""Word (.docx) pages in the Decree 30/2020 layout: the one place that builds them.

Every administrative document the program writes as .docx goes through ``DocxDocument``
(its XML text builders are in ``reports/docx_xml.py``);
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
import io
import os

from .docx_xml import (  # noqa: F401 (W_NS, table_xml and xml_text are used by callers)
    A4_MM, BODY_PT, FONT_NAME, HEADER_ROW_STYLE, LINE_PT, STYLES, TABLE_PT, TABLE_STYLE, W_NS,
    _NSDECL, _cell_xml, _ppr, _rpr, _table_open, fit_widths, paragraph_xml, rule_xml,
    space_xml, table_head_xml, table_rows_xml, table_xml, text_width_mm, xml_text)
from .pdfdoc import MARGINS_MM, PAGE_NUMBER_PT, RULE_FRACTION, nfc

# A table of this many rows or more is written into the file row by row at save() instead
# of being parsed into python-docx's tree (about 20 KB of memory a row there).
STREAM_ROWS = 1000


_BLANKS = {}     # (landscape, page numbers): an empty document set up, saved as bytes


class DocxDocument:
    """One Decree-30 Word document being built; see the module docstring."""

    def __init__(self, *, title="", author="", landscape=False, page_numbers=True):
        import docx
        self._streamed = []          # (marker, rows) of long tables written at save()
        self.landscape = landscape
        blank = _BLANKS.get((landscape, page_numbers))
        if blank is not None:
            # the set-up below, saved once: the file sent upward makes ten documents, each
            # spent ~20 ms setting up the same styles, page and header (issue 15)
            self.doc = docx.Document(io.BytesIO(blank))
            self._body = self.doc.element.body
        else:
            self.doc = docx.Document()
            self._setup_styles()
            section = self.doc.sections[0]
            self._page_setup(section, landscape)
            self._body = self.doc.element.body
            for stray in self._body.xpath("w:p"):   # the default template's empty paragraph
                self._body.remove(stray)
            if page_numbers:
                self._page_numbers(section)
            saved = io.BytesIO()
            self.doc.save(saved)
            _BLANKS[(landscape, page_numbers)] = saved.getvalue()
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

    def title(self, *lines, rule=True, style="title", rule_for=None):
        """Centred bold lines (14 pt) with the short rule under the widest (Decree 30);
        ``rule_for``: measure the rule on this text instead (a template's placeholder
        stands for a longer line)."""
        lines = [line for line in lines if line]
        for line in lines:
            self.paragraph(line, style, keep_next=True)
        if rule and lines:
            size, bold = STYLES[style][0], STYLES[style][1]
            measured = [rule_for] if rule_for else lines
            widest = min(max(text_width_mm(x, size, bold=bold) for x in measured),
                         self.text_width_mm)
            self._append_xml(rule_xml(widest * RULE_FRACTION, self.text_width_mm, before=2,
                                     after=8))

    def draft_mark(self, text="DỰ THẢO"):
        self.paragraph(text, "right")

    def header(self, *, issuer, number=None, place_date=None, about=None, split=0.40,
               rule_for=None):
        """Issuer block left (its lines as (text, bold); the short rule under the widest, or
        under ``rule_for`` as (text, bold) when given),
        national title and motto right with the motto's rule, 'Số: …' under the issuer,
        the italic place and date under the motto."""
        width = self.text_width_mm
        left_w, right_w = width * split, width * (1 - split)
        left = [paragraph_xml(t, "center_bold" if b else "center") for t, b in issuer]
        measured = [rule_for] if rule_for else issuer
        widest = max(text_width_mm(t, BODY_PT, bold=b) for t, b in measured)
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
        if len(rows) >= STREAM_ROWS:
            return self.element(self._streamed_table(columns, rows, widths_mm, align=align,
                                                     sections=sections, bold_rows=bold_rows,
                                                     total_row=total_row,
                                                     repeat_header=repeat_header))
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

    def _streamed_table(self, columns, rows, widths_mm, *, repeat_header, **options):
        """A long list: a placeholder table in the tree (opening, header row, one marker
        row) whose rows are written straight into the file by ``save``
        (reports/docx_stream.py: 40,000 rows as an lxml tree took 850 MB)."""
        from docx.oxml import parse_xml
        from . import docx_stream
        widths = fit_widths(widths_mm, self.text_width_mm)
        marker = docx_stream.new_marker()
        self._streamed.append((marker, lambda: table_rows_xml(len(columns), rows, widths,
                                                              **options)))
        return parse_xml(table_head_xml(columns, widths, repeat_header=repeat_header)
                         + docx_stream.marker_row_xml(marker) + "</w:tbl>")

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
            if self._streamed:
                from .docx_stream import save_streamed
                save_streamed(self.doc, tmp, self._streamed)
            else:
                self.doc.save(tmp)
        return path


def is_docx_path(path):
    """True when ``path`` asks for a Word file (by its extension)."""
    return os.path.splitext(str(path))[1].lower() == ".docx"
