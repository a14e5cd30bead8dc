"""Scoring papers as Word files: a unit's score sheet and a bloc's ranking.

The content comes from ``score_docs.sheet_content`` / ``ranking_content`` (the data their
PDFs are drawn from); ``reports/docx_doc.py`` lays it out in the Decree-30 layout.
"""
from . import score_docs as sd
from .docx_doc import DocxDocument


def write_sheet_docx(content, path):
    """Phiếu chấm điểm (portrait) with both signatures."""
    doc = DocxDocument(title=content["title"], author=content["author"])
    doc.header(issuer=content["issuer"], place_date=content["place_date"])
    doc.space(6)
    doc.title(content["heading"], rule=False)
    doc.paragraph(content["set_name"], "italic_center")
    doc.space(4)
    doc.paragraph(content["unit"], "left")
    doc.paragraph(content["state"], "left")
    doc.space(3)
    doc.table(sd.SHEET_HEADER, content["rows"], sd.SHEET_WIDTHS_MM, align=sd.SHEET_ALIGN,
              bold_rows=content["bold_rows"])
    doc.space(3)
    doc.paragraph(content["result"], "left")
    doc.space(6)
    doc.signatures(content["signatures"])
    return doc.save(path)


def write_ranking_docx(content, path):
    """Bảng xếp hạng: one landscape page (or more) per bloc."""
    doc = DocxDocument(title=content["title"], author=content["author"], landscape=True)
    for n, page in enumerate(content["pages"]):
        if n:
            doc.page_break()
        doc.header(issuer=content["issuer"], place_date=content["place_date"])
        doc.space(5)
        doc.title(content["heading"], rule=False)
        doc.paragraph(page["subtitle"], "italic_center")
        doc.space(4)
        doc.table(content["columns"], page["rows"], content["widths"], align=content["align"])
        if content["tie"]:
            doc.paragraph(content["tie"], "small")
        doc.space(4)
        doc.recipients_and_signature(None, content["signature_lines"], content["signer"],
                                     space_mm=25, left_lines=[])
    return doc.save(path)
