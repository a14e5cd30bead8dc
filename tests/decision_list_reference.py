"""The decision's attached list laid out by reportlab's own Table (the way it was drawn
until issue 15): a stack of short Tables of Paragraph cells, the column header drawn by a
page template on every later page, the last rows kept with the total in words by
KeepTogether. The product draws the list with ``grid_table.GridTable``;
tests/test_decision_list_grid.py checks that both read the same on every page."""
from reportlab.platypus import (Frame, KeepTogether, NextPageTemplate, PageBreak,
                                PageTemplate, Spacer, Table, TableStyle)
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports import pdfdoc
from reports.decision_pdf import KEEP_LAST
from reports.pdf_parts import PartedDocTemplate
from reports.pdfdoc import MARGINS_MM, MM, para

CHUNK_ROWS = 60
STYLE = [("GRID", (0, 0), (-1, -1), 0.5, "black"),
         ("FONTNAME", (0, 0), (-1, -1), pdfdoc.FONT), ("FONTSIZE", (0, 0), (-1, -1), 11),
         ("LEADING", (0, 0), (-1, -1), 13), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
         ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
         ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]


def _header_table(columns):
    t = Table([[para(c[1], "table_bold") for c in columns]],
              colWidths=[c[2] * MM for c in columns])
    t.setStyle(TableStyle(STYLE))
    return t


def _chunks(count, sections, total_row):
    tail = count - (KEEP_LAST + 1) if total_row and count > KEEP_LAST + 1 else count
    if tail - 1 in sections:
        tail -= 1
    cuts = sorted({0, tail, *sections} - {count})
    ranges = []
    for start, end in zip(cuts, cuts[1:] + [count]):
        for s in range(start, end, CHUNK_ROWS):
            ranges.append([s, min(s + CHUNK_ROWS, end)])
    merged = []
    for r in ranges:
        if merged and merged[-1][1] - merged[-1][0] == 1 and merged[-1][0] in sections:
            merged[-1][1] = r[1]
        else:
            merged.append(r)
    return [tuple(r) for r in merged]


def list_tables(rows, sections, columns, *, total_row=True):
    """The stacked Tables of the list rows[...]."""
    style_for = {"left": "table", "center": "table_center", "right": "table_right"}
    wrap = [c[0] not in ("no", "amount") for c in columns]
    room = [c[2] * MM - 7 for c in columns]
    align = [c[3] for c in columns]
    last = len(rows) - 1 if total_row else -1
    section_set = set(sections)
    amount_col = next((j for j, c in enumerate(columns) if c[0] == "amount"), None)

    def body_row(i):
        row = rows[i]
        if i in section_set:
            return ([para(f"<b>{pdfdoc.esc(row[0])}</b>", "table", markup=True)]
                    + [""] * (len(columns) - 1))
        cells = []
        for j, value in enumerate(row):
            value = pdfdoc.nfc(value or "")
            if i == last and value:
                cells.append(para(f"<b>{pdfdoc.esc(value)}</b>", style_for[align[j]],
                                  markup=True))
            elif wrap[j] and value and stringWidth(value, pdfdoc.FONT, 11) > room[j]:
                cells.append(para(value, style_for[align[j]]))
            else:
                cells.append(value)
        return cells

    def make(start, end):
        data = [[para(c[1], "table_bold") for c in columns]] if start == 0 else []
        offset = len(data)
        data += [body_row(i) for i in range(start, end)]
        cmds = list(STYLE) + [("ALIGN", (0, offset), (0, -1), "CENTER")]
        if amount_col is not None:
            cmds.append(("ALIGN", (amount_col, offset), (amount_col, -1), "RIGHT"))
        cmds += [("SPAN", (0, offset + k - start), (-1, offset + k - start))
                 for k in range(start, end) if k in section_set]
        keep = offset + (1 if start in section_set else 0)
        if keep > 0:
            cmds.append(("NOSPLIT", (0, 0), (-1, min(keep, len(data) - 1))))
        table = Table(data, colWidths=[c[2] * MM for c in columns])
        table.setStyle(TableStyle(cmds))
        return table
    return [make(start, end) for start, end in _chunks(len(rows), sections, total_row)]


def list_flowables(content):
    """The reference flowables of a list content (decision_pdf.list_content's dict)."""
    out = [para(content["heading"], "title"), para(content["verb"], "center_bold"),
           para(content["attached_to"], "italic_center"), Spacer(1, 4 * MM),
           NextPageTemplate("list_continued")]
    tables = list_tables(content["rows"], content["sections"], content["columns"],
                         total_row=content["total_row"])
    if content["total_row"]:
        words = para(f"<i>{pdfdoc.esc(content['total_words'])}</i>", "left", markup=True)
        out += tables[:-1] + [KeepTogether([tables[-1], Spacer(1, 3 * MM), words])]
    else:
        out += tables
    return out


def build(path, portrait, landscape, columns):
    """Portrait flowables then the landscape list, its header drawn again by the
    'list_continued' page template on every later page of the list."""
    pdfdoc.register_fonts()
    m = {k: v * MM for k, v in MARGINS_MM.items()}
    lw, lh = pdfdoc.page_size(True)
    header = _header_table(columns)
    _, header_h = header.wrap(lw - m["left"] - m["right"], lh)

    def frame(w, h, shorter=0):
        return Frame(m["left"], m["bottom"], w - m["left"] - m["right"],
                     h - m["top"] - m["bottom"] - shorter, leftPadding=0, rightPadding=0,
                     topPadding=0, bottomPadding=0)

    def number(canvas, doc, landscape):
        canvas.setPageSize(pdfdoc.page_size(landscape))
        pdfdoc._number_pages(canvas, doc)

    def continued(canvas, doc):
        number(canvas, doc, True)
        header.drawOn(canvas, m["left"], lh - m["top"] - header_h)

    doc = PartedDocTemplate(str(path), pagesize=pdfdoc.page_size(False),
                            initialFontName=pdfdoc.FONT, initialFontSize=13)
    doc.addPageTemplates([
        PageTemplate("portrait", frames=[frame(*pdfdoc.page_size(False))],
                     onPage=lambda c, d: number(c, d, False), pagesize=pdfdoc.page_size(False)),
        PageTemplate("landscape", frames=[frame(lw, lh)],
                     onPage=lambda c, d: number(c, d, True), pagesize=(lw, lh)),
        PageTemplate("list_continued", frames=[frame(lw, lh, header_h)], onPage=continued,
                     pagesize=(lw, lh))])
    doc.build(list(portrait) + [NextPageTemplate("landscape"), PageBreak()] + list(landscape),
              canvasmaker=pdfdoc._canvas_maker())
    return path
