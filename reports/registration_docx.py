"""Registration papers as Word files: a Bản đăng ký thi đua, a bloc's covenant, the list.

The content comes from ``registration_docs`` (``sheet_content``, ``covenant_content``,
``list_content``), the same data its PDFs are drawn from; ``reports/docx_doc.py`` lays it
out in the Decree-30 layout.
"""
from . import registration_docs as rd
from .docx_doc import DocxDocument


def _issuer_header(doc, content):
    doc.header(issuer=content["issuer"], place_date=content["place_date"],
               split=rd.ISSUER_SPLIT)
    doc.space(8)


def write_sheet_docx(content, path):
    """Bản đăng ký thi đua (content from ``registration_docs.sheet_content``)."""
    doc = DocxDocument(title=content["title"], author=content["issuer"][-1][0])
    _issuer_header(doc, content)
    doc.title(content["heading"], rule=False)
    if content["state"]:
        doc.paragraph(content["state"], "italic_center")
    doc.space(4)
    doc.bases([content["basis"]])
    doc.paragraphs(content["info"], "indent")
    doc.paragraph(content["intro"], "indent")
    doc.paragraph(content["titles_heading"], "heading", keep_next=True)
    doc.paragraphs(content["titles"], "indent")
    if content["commitments"]:
        doc.paragraph(content["commitments_heading"], "heading", keep_next=True)
        doc.space(2)
        doc.table(rd.COMMITMENT_HEADER, content["commitments"], rd.COMMITMENT_WIDTHS_MM,
                  align=rd.COMMITMENT_ALIGN)
    doc.paragraph(content["pledge_heading"], "heading", keep_next=True)
    doc.paragraph(content["pledge"], "indent", keep_next=True)
    doc.space(6)
    doc.recipients_and_signature(None, content["signer_titles"], content["signer"],
                                 space_mm=25, left_lines=[])
    return doc.save(path)


def write_covenant_docx(content, path):
    """Giao ước thi đua with a signature block per member, two to a row."""
    doc = DocxDocument(title=content["title"], author=content["bloc"])
    _issuer_header(doc, content)
    doc.title(content["heading"], rule=False)
    doc.paragraph(content["bloc"], "center_bold")
    doc.space(4)
    if content["basis"]:
        doc.bases([content["basis"]])
    doc.paragraph(content["intro"], "indent")
    doc.paragraphs(content["members"], "indent")
    doc.paragraph(content["agree"], "indent")
    doc.paragraphs(content["content"], "indent")
    doc.paragraph(content["closing"], "indent")
    doc.space(6)
    doc.signatures(content["signatures"], space_mm=24)
    return doc.save(path)


def write_list_docx(content, path, *, progress=None):
    """Danh sách đăng ký thi đua on landscape pages, one table per kind of subject."""
    doc = DocxDocument(title=content["title"], landscape=True)
    doc.header(issuer=content["issuer"], place_date=content["place_date"])
    doc.space(6)
    doc.title(content["heading"], rule=False)
    if content["movement"]:
        doc.paragraph(content["movement"], "italic_center")
    doc.space(4)
    widths = rd.list_widths(doc.text_width_mm)
    done = 0
    for heading, rows in content["sections"]:
        doc.paragraph(heading, "heading", keep_next=True)
        doc.table(rd.LIST_HEADER, rows, widths, align=rd.LIST_ALIGN)
        done += len(rows)
        if progress is not None and progress(done, content["count"]) is False:
            from models.errors import Cancelled
            raise Cancelled()
    if not content["count"]:
        doc.paragraph(content["empty"], "italic_center")
    doc.space(3)
    doc.paragraph(content["total"], "left", keep_next=True)
    doc.space(4)
    doc.recipients_and_signature(None, content["signature_lines"], content["signer"],
                                 space_mm=25, left_lines=content["maker"])
    return doc.save(path)
