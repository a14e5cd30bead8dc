"""Building blocks for administrative PDFs (Decree 30/2020): fonts, page, header and signature.

reportlab is imported inside functions and on first use, so importing this module is cheap.

Fonts: Times New Roman where the system has it (every Windows PC), otherwise its metric twin
Liberation Serif (Debian ``fonts-liberation2``) or Tinos; always embedded. Registered names:
``FONT`` (regular), ``FONT_BOLD``, ``FONT_ITALIC``, ``FONT_BOLD_ITALIC``, family ``FAMILY``
(so ``<b>``/``<i>`` work in Paragraph markup).
"""
import os
import sys
import threading
import unicodedata
# html.escape, not xml.sax.saxutils.escape (the same &, <, > with quote=False): saxutils
# imports urllib.request, http.client, email and ssl — 20-40 ms of the first opening of
# "In giấy khen" (gui.print_painter → reports.cert_layout → textfit → here), issue 15
from html import escape

from models.errors import UserError

FAMILY = "TDKTSerif"
FONT, FONT_BOLD, FONT_ITALIC, FONT_BOLD_ITALIC = (
    FAMILY, FAMILY + "-Bold", FAMILY + "-Italic", FAMILY + "-BoldItalic")

MM = 72 / 25.4                      # points per millimetre
MARGINS_MM = dict(top=20, bottom=20, left=30, right=15)
PAGE_NUMBER_PT = 13                 # Decree 30: page numbers 13–14 pt
PARAGRAPH_GAP = 6                   # Decree 30: at least 6 pt between paragraphs
RULE_FRACTION = 0.4                 # a rule under a line is 1/3–1/2 of that line
RED = (0.78, 0.05, 0.05)

_FACES = {
    "regular": ("times.ttf", "LiberationSerif-Regular.ttf", "Tinos-Regular.ttf"),
    "bold": ("timesbd.ttf", "LiberationSerif-Bold.ttf", "Tinos-Bold.ttf"),
    "italic": ("timesi.ttf", "LiberationSerif-Italic.ttf", "Tinos-Italic.ttf"),
    "bolditalic": ("timesbi.ttf", "LiberationSerif-BoldItalic.ttf", "Tinos-BoldItalic.ttf"),
}
_registered = None
_register_lock = threading.Lock()   # a page registers them ahead, on its reading thread


def font_dirs():
    dirs = []
    if sys.platform == "win32":
        dirs.append(os.path.join(os.environ.get("WINDIR", r"C:\Windows"), "Fonts"))
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(os.path.join(local, "Microsoft", "Windows", "Fonts"))
    dirs += ["/usr/share/fonts/truetype/msttcorefonts", "/usr/share/fonts/truetype/liberation2",
             "/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/croscore",
             "/usr/share/fonts/TTF", "/usr/local/share/fonts", os.path.expanduser("~/.fonts"),
             "/Library/Fonts", "/System/Library/Fonts/Supplemental"]
    return [d for d in dirs if os.path.isdir(d)]


def find_font_files():
    """{face: path} of the first family that has all four faces; UserError if none."""
    dirs = font_dirs()
    for family_index in range(3):
        found = {}
        for face, names in _FACES.items():
            name = names[family_index]
            for d in dirs:
                for candidate in (name, name.capitalize(), name.upper()):
                    path = os.path.join(d, candidate)
                    if os.path.exists(path):
                        found[face] = path
                        break
                if face in found:
                    break
        if len(found) == 4:
            return found
    raise UserError(
        "Không tìm thấy phông chữ Times New Roman (hoặc Liberation Serif). Trên Windows hãy "
        "cài lại phông Times New Roman; trên Linux hãy cài gói fonts-liberation2.")


_families = None
STYLE_FACES = {"regular": ("regular", "book", "normal", "roman"), "bold": ("bold",),
               "italic": ("italic", "oblique"), "bolditalic": ("bold italic", "bold oblique")}


def _ttf_names(path):
    """(family, subfamily) from a TrueType file's 'name' table; None when unreadable.

    Reads only the table directory and the name table (bounded), never the whole file.
    """
    import struct
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
            if len(head) < 12 or head[:4] not in (b"\x00\x01\x00\x00", b"true", b"OTTO"):
                return None
            count = min(struct.unpack(">H", head[4:6])[0], 64)
            directory = fh.read(16 * count)
            for n in range(count):
                tag, _, offset, length = struct.unpack(">4sIII", directory[16 * n:16 * n + 16])
                if tag == b"name":
                    fh.seek(offset)
                    table = fh.read(min(length, 256 * 1024))
                    break
            else:
                return None
        _, records, base = struct.unpack(">HHH", table[:6])
        found = {}
        for n in range(min(records, 2000)):
            pid, eid, lang, nid, ln, off = struct.unpack(">HHHHHH", table[6 + 12 * n:18 + 12 * n])
            if nid not in (1, 2) or nid in found:
                continue
            raw = table[base + off:base + off + ln]
            if pid == 3:
                found[nid] = raw.decode("utf-16-be", "replace")
            elif pid == 1 and lang == 0:
                found[nid] = raw.decode("mac_roman", "replace")
        return (found[1], found.get(2, "Regular")) if 1 in found else None
    except (OSError, struct.error, ValueError):
        return None


def font_families():
    """{family name folded: {face: path}} of the TrueType fonts installed (scanned once)."""
    global _families
    if _families is not None:
        return _families
    families, seen = {}, set()
    folders = font_dirs() + [d for d in ("/usr/share/fonts",) if os.path.isdir(d)]
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            if os.path.realpath(root) in seen:
                dirs[:] = []
                continue
            seen.add(os.path.realpath(root))
            for name in names:
                if not name.lower().endswith(".ttf"):
                    continue
                path = os.path.join(root, name)
                if not os.path.isfile(path) or os.path.getsize(path) > 64 * 1024 * 1024:
                    continue
                names_found = _ttf_names(path)
                if names_found is None:
                    continue
                family, style = names_found
                style = style.strip().lower()
                for face, words in STYLE_FACES.items():
                    if style in words:
                        families.setdefault(family.strip().lower(), {}).setdefault(face, path)
    _families = families
    return families


def family_faces(family):
    """{face: path} of an installed font family (regular at least); None when not installed."""
    faces = font_families().get((family or "").strip().lower())
    if not faces or "regular" not in faces:
        return None
    return {face: faces.get(face, faces["regular"]) for face in STYLE_FACES}


def register_fonts():
    """Register the serif family once; returns the dict of face paths used."""
    if _registered is not None:
        return _registered
    with _register_lock:
        return _registered if _registered is not None else _register_fonts()


def _register_fonts():
    global _registered
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    files = find_font_files()
    for face, name in (("regular", FONT), ("bold", FONT_BOLD), ("italic", FONT_ITALIC),
                       ("bolditalic", FONT_BOLD_ITALIC)):
        pdfmetrics.registerFont(TTFont(name, files[face]))
    addMapping(FAMILY, 0, 0, FONT)
    addMapping(FAMILY, 1, 0, FONT_BOLD)
    addMapping(FAMILY, 0, 1, FONT_ITALIC)
    addMapping(FAMILY, 1, 1, FONT_BOLD_ITALIC)
    _registered = files
    return files


def nfc(text):
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def esc(text):
    """User text made safe for Paragraph markup (NFC, XML-escaped)."""
    return escape(nfc(text), quote=False)


def styles():
    """Paragraph styles for documents (13 pt body as Decree 30 asks)."""
    register_fonts()
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    base = ParagraphStyle("normal", fontName=FONT, fontSize=13, leading=17,
                          alignment=TA_JUSTIFY, firstLineIndent=0)
    s = {"normal": base}

    def add(name, **kw):
        s[name] = ParagraphStyle(name, parent=base, **kw)

    add("indent", firstLineIndent=10 * MM, spaceBefore=PARAGRAPH_GAP)
    add("left", alignment=TA_LEFT)
    add("right", alignment=TA_RIGHT)
    add("center", alignment=TA_CENTER)
    add("center_bold", alignment=TA_CENTER, fontName=FONT_BOLD)
    add("title", alignment=TA_CENTER, fontName=FONT_BOLD, fontSize=14, leading=18)
    add("italic", fontName=FONT_ITALIC)
    add("italic_center", fontName=FONT_ITALIC, alignment=TA_CENTER)
    add("basis", fontName=FONT_ITALIC, firstLineIndent=10 * MM, spaceBefore=PARAGRAPH_GAP)
    add("small", fontSize=11, leading=13, alignment=TA_LEFT)
    add("small_bold", fontSize=11, leading=13, alignment=TA_LEFT, fontName=FONT_BOLD)
    add("recipients_heading", fontSize=12, leading=14, alignment=TA_LEFT,
        fontName=FONT_BOLD_ITALIC)
    add("table", fontSize=11, leading=13, alignment=TA_LEFT)
    add("table_center", fontSize=11, leading=13, alignment=TA_CENTER)
    add("table_right", fontSize=11, leading=13, alignment=TA_RIGHT)
    # a column header wraps only at spaces (never "ST/T"): widths must hold its longest word
    add("table_bold", fontSize=11, leading=13, alignment=TA_CENTER, fontName=FONT_BOLD,
        splitLongWords=0)
    add("heading", fontName=FONT_BOLD, spaceBefore=PARAGRAPH_GAP, alignment=TA_LEFT)
    return s


_styles_cache = None


def style(name):
    global _styles_cache
    if _styles_cache is None:
        _styles_cache = styles()
    return _styles_cache[name]


def heading(text, *, room_mm=30):
    """A section heading that never stays alone at a page foot: a new page starts when
    less than ``room_mm`` is left under it (keepWithNext would carry a whole long table)."""
    from reportlab.platypus import CondPageBreak
    return [CondPageBreak(room_mm * MM), para(text, "heading")]


def para(text, style_name="normal", *, markup=False):
    """A Paragraph; user text is escaped unless ``markup=True`` (then caller escaped it)."""
    from reportlab.platypus import Paragraph
    return Paragraph(nfc(text) if markup else esc(text).replace("\n", "<br/>"), style(style_name))


def page_size(landscape=False):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as land
    return land(A4) if landscape else A4


def _number_pages(canvas, doc):
    if doc.page > 1:
        canvas.saveState()
        canvas.setFont(FONT, PAGE_NUMBER_PT)
        width, height = canvas._pagesize
        canvas.drawCentredString(width / 2, height - 12 * MM, str(doc.page))
        canvas.restoreState()


def build(path, flowables, *, landscape=False, title="", author="", page_numbers=True):
    """Write a Decree-30 A4 document (margins 20/20/30/15 mm, fonts embedded) to ``path``.

    Written through a temporary file, so a failure never leaves a half PDF.
    """
    register_fonts()
    from .pdf_parts import PartedSimpleDocTemplate
    from .safefile import atomic_output
    with atomic_output(path) as tmp:
        # in parts joined on disk (pdf_parts): memory stays flat however long the document
        doc = PartedSimpleDocTemplate(
            tmp, pagesize=page_size(landscape), title=nfc(title), author=nfc(author),
            creator="Thi đua - Khen thưởng", leftMargin=MARGINS_MM["left"] * MM,
            rightMargin=MARGINS_MM["right"] * MM, topMargin=MARGINS_MM["top"] * MM,
            bottomMargin=MARGINS_MM["bottom"] * MM, initialFontName=FONT, initialFontSize=13)
        hook = _number_pages if page_numbers else (lambda c, d: None)
        doc.build(list(flowables), onFirstPage=lambda c, d: None, onLaterPages=hook,
                  canvasmaker=_canvas_maker())
    return path


def _canvas_maker():
    from reportlab.pdfgen.canvas import Canvas

    class EmbeddedCanvas(Canvas):
        """A canvas whose initial font is ours, so no non-embedded Helvetica is referenced."""

        def __init__(self, *args, **kwargs):
            kwargs.setdefault("initialFontName", FONT)
            kwargs.setdefault("initialFontSize", 13)
            super().__init__(*args, **kwargs)
    return EmbeddedCanvas


def _underline_table(lines, width, *, style_name="center_bold", rule_frac=0.35):
    """Centered bold lines with a short rule under them (as on official headers)."""
    from reportlab.platypus import Table, TableStyle
    rows = [[para(line, style_name)] for line in lines]
    t = Table(rows, colWidths=[width])
    t.setStyle(TableStyle([
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return t


def _text_width(text, font, size):
    from reportlab.pdfbase.pdfmetrics import stringWidth
    return stringWidth(nfc(text), font, size)


def header_block(commune, *, number=None, place_date=None, about=None, width=None,
                 landscape=False, issuer=None):
    """Issuer block left, national title right (DOMAIN.md §6, Decree 30/2020).

    ``commune`` is ``models.settings.Commune``; ``number`` e.g. "12/QĐ-UBND";
    ``place_date`` e.g. "Tân Lập, ngày 05 tháng 02 năm 2026"; ``about`` a short subject line
    under the number (công văn style), optional. ``issuer``: the left lines as (text, bold)
    pairs — the body that issues the paper in bold, a governing body above it in regular
    type; by default the commune's committee ("ỦY BAN NHÂN DÂN" / "XÃ …", both bold). The
    rule under the issuer is 1/3–1/2 of its widest line.
    """
    from reportlab.platypus import Table, TableStyle
    from reportlab.platypus.flowables import HRFlowable
    pw, _ = page_size(landscape)
    width = width or pw - (MARGINS_MM["left"] + MARGINS_MM["right"]) * MM
    left_w, right_w = width * 0.40, width * 0.60
    issuer = issuer or issuer_lines(commune)
    left = [para(text, "center_bold" if bold else "center") for text, bold in issuer]
    widest = max(_text_width(text, FONT_BOLD if bold else FONT, 13) for text, bold in issuer)
    left.append(HRFlowable(width=min(widest, left_w) * RULE_FRACTION, thickness=0.7,
                           color="black", spaceBefore=1, spaceAfter=4))
    if number:
        left.append(para(f"Số: {number}", "center"))
    if about:
        left.append(para(about, "small"))
    right = [para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "center_bold"),
             para("Độc lập - Tự do - Hạnh phúc", "center_bold"),
             HRFlowable(width=_text_width("Độc lập - Tự do - Hạnh phúc", FONT_BOLD, 13),
                        thickness=0.7, color="black", spaceBefore=1, spaceAfter=4)]
    if place_date:
        right.append(para(place_date, "italic_center"))
    t = Table([[left, right]], colWidths=[left_w, right_w])
    t.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
    ]))
    return t


def issuer_lines(commune):
    """The committee as issuing body: both lines bold (Decree 30: the issuer is bold)."""
    return [("ỦY BAN NHÂN DÂN", True), (commune.upper_name or "XÃ ……", True)]


def council_lines(commune):
    """The council as issuing body under the committee that set it up."""
    return [(f"UBND {commune.upper_name or 'XÃ ……'}", False), ("HỘI ĐỒNG THI ĐUA", True),
            ("KHEN THƯỞNG", True)]


def subject_rule(text, *, width, style_name="title"):
    """The rule under a document's subject line: 1/3–1/2 of its widest line (Decree 30)."""
    from reportlab.platypus.flowables import HRFlowable
    st = style(style_name)
    widest = min(_text_width(text, st.fontName, st.fontSize), width)
    return HRFlowable(width=widest * RULE_FRACTION, thickness=0.7, color="black",
                      spaceBefore=5, spaceAfter=8)


def signature_block(title_lines, name, *, left=None, width=None, landscape=False,
                    space_mm=35):
    """Right: signer's title lines (bold), space for signature and seal, name (bold).

    ``left``: optional list of flowables for the left column (e.g. "Nơi nhận:" lines).
    """
    from reportlab.platypus import Spacer, Table, TableStyle
    pw, _ = page_size(landscape)
    width = width or pw - (MARGINS_MM["left"] + MARGINS_MM["right"]) * MM
    right = [para(line, "center_bold") for line in title_lines]
    right += [Spacer(1, space_mm * MM), para(name or "", "center_bold")]
    t = Table([[left or "", right]], colWidths=[width * 0.5, width * 0.5])
    t.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
    ]))
    return t


def recipients_block(lines):
    """'Nơi nhận:' (12 pt bold italic) with its '- …;' lines (11 pt) as Decree 30 shows."""
    out = [para("Nơi nhận:", "recipients_heading")]
    out += [para(f"- {line}", "small") for line in lines]
    return out


def data_table(header, rows, col_widths_mm, *, align=None, repeat_header=True,
               section_rows=(), total_row=False, platypus=False):
    """A bordered list table; cells wrap. ``align``: per-column 'left'|'center'|'right'.

    ``header``: column titles; ``rows``: lists of cell values (str/int/flowable);
    ``section_rows``: indices of rows that are section headings (spanning, bold; never left
    alone at a page foot); ``total_row``: the last row is bold and kept with the row above.

    A long table of text (over TABLE_CHUNK rows, no flowable in a cell) is laid out and
    drawn by ``grid_table.GridTable``, each row measured once: through reportlab's Table
    (Paragraph cells, rows measured again at each split) the public list of 21,932 rows
    took 31 s, ten times a bare canvas; the pages read the same. Other long tables, or
    ``platypus=True`` (the reference the tests compare with), go through reportlab's
    Table TABLE_CHUNK rows at a time (``LongTable``): one Table of 22,000 rows re-measured
    every remaining row at each page break (95 s for the minutes).
    """
    from reportlab.platypus.flowables import Flowable
    from .long_table import TABLE_CHUNK
    align = align or ["left"] * len(header)
    sections = set(section_rows)
    col_widths_mm = number_column_fits(header, col_widths_mm, max(
        (str(rows[i][0]) for i in range(len(rows)) if i not in sections
         and str(rows[i][0]).isdigit()), key=len, default=""))
    if (not platypus and len(rows) > TABLE_CHUNK
            and not any(isinstance(v, Flowable) for r in rows for v in r)):
        from .grid_table import GridTable, Layout

        def texts(i):
            return [unicodedata.normalize("NFC", v if type(v) is str else str(v))
                    if v is not None else "" for v in rows[i]]
        return GridTable(Layout([nfc(str(h)) for h in header] if repeat_header else None,
                                len(rows), texts, [w * MM for w in col_widths_mm],
                                font=FONT, bold_font=FONT_BOLD, align=align,
                                sections=sections, total_row=total_row))
    return _platypus_table(header, rows, col_widths_mm, align=align,
                           repeat_header=repeat_header, sections=sections,
                           total_row=total_row)


def _platypus_table(header, rows, col_widths_mm, *, align, repeat_header, sections,
                    total_row):
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus.flowables import Flowable
    from .long_table import LazyRows, LongTable, TABLE_CHUNK
    style_for = {"left": "table", "center": "table_center", "right": "table_right"}
    head = [para(h, "table_bold") for h in header]
    room = [w * MM - 7 for w in col_widths_mm]

    def cells_of(i):
        row = rows[i]
        if i in sections:
            return ([para(f"<b>{esc(row[0])}</b>", "table", markup=True)]
                    + [""] * (len(header) - 1))
        cells = []
        bold = total_row and i == len(rows) - 1
        for j, value in enumerate(row):
            if isinstance(value, Flowable):
                cells.append(value)
                continue
            text = nfc(str(value)) if value is not None else ""
            if not bold and "\n" not in text and stringWidth(text, FONT, 11) <= room[j]:
                cells.append(text)     # fits on one line: a plain cell, no Paragraph to lay out
            else:
                text = esc(text).replace("\n", "<br/>")
                cells.append(para(f"<b>{text}</b>" if bold else text, style_for[align[j]],
                                  markup=True))
        return cells
    # the cells of a chunk are made when the layout reaches it: a long list's Paragraphs
    # never exist all at once
    body = LazyRows(len(rows), cells_of)
    table = LongTable(head if repeat_header else None, body,
                      [w * MM for w in col_widths_mm], sections, total_row,
                      font=FONT, align=align)
    return table.part(0, len(body), with_header=True) if len(body) <= TABLE_CHUNK else table


def number_column_fits(header, col_widths_mm, widest, *, size=11, padding=6):
    """Widths with the "STT" column wide enough for its widest row number ``widest`` (a
    list of 10,000 rows printed "1999 / 4" in a 10-mm column): what it lacks is taken from
    the widest column. Other headers, or numbers that fit: the widths unchanged."""
    if not header or str(header[0]).strip().upper() != "STT" or not widest:
        return list(col_widths_mm)
    register_fonts()
    need = (_text_width(str(widest), FONT, size) + padding) / MM     # cell padding 3 + 3
    widths = list(col_widths_mm)
    if need <= widths[0]:
        return widths
    donor = max(range(1, len(widths)), key=lambda j: widths[j], default=None)
    if donor is None:
        return widths
    extra = min(need - widths[0], widths[donor] / 4)
    widths[0] += extra
    widths[donor] -= extra
    return widths


def header_fits(header, col_widths_mm, *, size=11, padding=6):
    """Lines of a column header (split at '\n') wider than their column: [] when all fit.
    Header cells wrap only where the caller put a line break, never inside a word."""
    bad = []
    for text, w in zip(header, col_widths_mm):
        for line in str(text).split("\n"):
            if _text_width(line, FONT_BOLD, size) > w * MM - padding:
                bad.append(line)
    return bad


def runs_markup(runs):
    """Paragraph markup of runs given as data: a str, or [(text, "b"|"i"|"bi"|"")]."""
    if isinstance(runs, str):
        return esc(runs)
    out = []
    for text, flags in runs:
        piece = esc(text)
        if "i" in (flags or ""):
            piece = f"<i>{piece}</i>"
        if "b" in (flags or ""):
            piece = f"<b>{piece}</b>"
        out.append(piece)
    return "".join(out)
