"""The public list notice as a Word document: the same data (``public_list_content``) as its
PDF, laid out by the shared Decree-30 builder ``reports.docx_doc``."""
from . import pdfdoc


def write_docx(content, path):
    from .docx_doc import DocxDocument
    doc = DocxDocument(title=f"Danh sách công khai {content['list_subtitle']}")
    doc.header(issuer=pdfdoc.issuer_lines(content["commune"]), number=content["number"],
               place_date=content["place_date"])
    doc.space(6)
    doc.title(content["title"], content["subject"])
    doc.bases(content["bases"])
    doc.paragraphs(content["paragraphs"], "indent")
    doc.space(5)
    doc.recipients_and_signature(content["recipients"], content["signature"]["lines"],
                                 content["signature"]["name"])
    doc.page_break()
    doc.title(content["list_title"], rule=False)
    doc.paragraph(content["list_subtitle"], "center_bold")
    doc.paragraph(content["list_note"], "italic_center")
    doc.space(4)
    from .public_list_doc import table_rows
    rows, sections = table_rows(content)
    columns = content["columns"]
    if rows:
        doc.table([c["header"] for c in columns], rows, [c["width_mm"] for c in columns],
                  align=[c["align"] for c in columns], sections=sections)
    else:
        doc.paragraph(content["empty"], "italic")
    return doc.save(path)
