"""The statistics report upward (biểu 0601.N, 0603.N) as a Word document, one landscape
page per form, drawn from the same ``statistics_report.form_page`` data as the workbook.

The page is built by ``reports.docx_doc`` (fonts, margins, sections, signatures); only the
form's table is put together here, because its header has two levels (the fixed columns
span both, "Chia ra" spans the columns by form) and a row of column letters — a layout the
list tables of ``docx_doc`` do not have. It uses ``docx_xml``'s cell and table pieces.
"""
from .statistics_report import report_pages

FIXED_WIDTHS_MM = {"label": 76, "code": 14, "unit": 25, "total": 22}


def _widths(page, text_width):
    fixed = [FIXED_WIDTHS_MM["label"], FIXED_WIDTHS_MM["code"]]
    if page["has_unit_column"]:
        fixed.append(FIXED_WIDTHS_MM["unit"])
    fixed.append(FIXED_WIDTHS_MM["total"])
    rest = max(14.0, (text_width - sum(fixed)) / max(1, len(page["columns"])))
    return fixed + [rest] * len(page["columns"])


def _form_table_xml(page, widths):
    from .docx_xml import _table_open, twips, xml_text

    def cell(width, text, *, bold=False, align="center", span=1, vmerge=None, italic=False,
             keep=False):
        props = f'<w:tcW w:w="{twips(width)}" w:type="dxa"/>'
        if span > 1:
            props += f'<w:gridSpan w:val="{span}"/>'
        if vmerge == "restart":
            props += '<w:vMerge w:val="restart"/>'
        elif vmerge == "continue":
            props += "<w:vMerge/>"
        props += '<w:vAlign w:val="center"/>'
        run = ""
        if text not in (None, ""):
            rpr = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
            run = (f"<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space=\"preserve\">"
                   f"{xml_text(str(text))}</w:t></w:r>")
        keep_xml = "<w:keepNext/>" if keep else ""     # header rows stay with the first row
        return (f'<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr><w:pStyle w:val="TDKTBang"/>'
                f'{keep_xml}<w:jc w:val="{align}"/></w:pPr>{run}</w:p></w:tc>')

    fixed = len(page["head_fixed"])
    head = '<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>'
    body = '<w:trPr><w:cantSplit/></w:trPr>'
    rows = [_table_open(widths, margins=(20, 60, 40, 60))]
    top = [cell(w, t, bold=True, vmerge="restart", keep=True)
           for w, t in zip(widths, page["head_fixed"])]
    top.append(cell(sum(widths[fixed:]), page["column_group"], bold=True,
                    span=len(page["columns"]), keep=True))
    rows.append(f"<w:tr>{head}{''.join(top)}</w:tr>")
    second = [cell(w, "", vmerge="continue", keep=True) for w in widths[:fixed]]
    second += [cell(w, t, bold=True, keep=True) for w, t in zip(widths[fixed:], page["columns"])]
    rows.append(f"<w:tr>{head}{''.join(second)}</w:tr>")
    rows.append(f"<w:tr>{head}"
                + "".join(cell(w, t, bold=True, keep=True)
                          for w, t in zip(widths, page["letters"]))
                + "</w:tr>")
    for line in page["rows"]:
        values = [line["label"], line["code"]] + ([line["unit"]] if page["has_unit_column"]
                                                  else [])
        values += [f"{v:,}".replace(",", ".") for v in line["values"]]
        values += [""] * (len(widths) - len(values))
        cells = []
        for j, (w, v) in enumerate(zip(widths, values)):
            align = "left" if j == 0 else ("center" if j < fixed - 1 else "right")
            cells.append(cell(w, v, bold=line["bold"], align=align, keep=line["heading"]))
        rows.append(f"<w:tr>{body}{''.join(cells)}</w:tr>")
    rows.append("</w:tbl>")
    return "".join(rows)


def _corner(doc, page):
    from .docx_xml import paragraph_xml
    width = doc.text_width_mm
    left = [paragraph_xml([(text, "b" if bold else "")], "left")
            for text, bold in page["corner_left"]]
    right = [paragraph_xml([(text, "b" if bold else "")], "center")
             for text, bold in page["corner_right"]]
    doc._layout_table([width * 0.55, width * 0.45], [[left, right]])


def write_docx(path, *, year, receiver=None):
    """Both forms of ``year`` as a .docx (landscape A4, one form a page); returns the report."""
    from docx.oxml import parse_xml
    from .docx_doc import DocxDocument
    from .docx_xml import paragraph_xml
    report, pages = report_pages(year, receiver)
    doc = DocxDocument(title=f"Báo cáo thống kê thi đua, khen thưởng năm {year}",
                       landscape=True)
    for index, (form, page) in enumerate(pages):
        if index:
            doc.page_break()
        _corner(doc, page)
        doc.space(3)
        doc.title(page["title"], rule=False)
        doc.paragraph(page["subtitle"], "italic_center")
        if page["unit_note"]:
            doc.paragraph([(page["unit_note"], "i")], "right")
        doc.space(2)
        doc.element(parse_xml(_form_table_xml(page, _widths(page, doc.text_width_mm))))
        doc.space(2)
        for note in page["notes"]:
            doc.paragraph([(note, "i")], "small")
        doc.space(2)
        half = doc.text_width_mm / 2                  # the date over the chairman's block
        doc._layout_table([half, half], [[[], [paragraph_xml(page["date_line"],
                                                             "italic_center")]]])
        doc.signatures([{"titles": [title], "note": hint, "name": name}
                        for title, hint, name in page["signers"]], space_mm=18)
    doc.save(path)
    return report
