"""The decision with its attached list and the council's minutes as Word files.

The content is computed once (``decision_pdf.contents``, ``minutes_pdf.minutes_content``)
and laid out here with ``reports/docx_doc.py`` in the same Decree-30 layout as the PDFs:
the decision portrait, the attached list on landscape pages with its header row repeated.
A commune's own Word template (``models/doc_templates.py``) replaces the built-in layout
when one is set for the kind.
"""
from models import decisions as dec
from . import decision_pdf, minutes_pdf
from .docx_doc import DocxDocument


def render_decision(doc, content):
    """The decision page (portrait) into ``doc``."""
    if content["draft"]:
        doc.draft_mark()
    doc.header(issuer=content["issuer"], number=content["number"],
               place_date=content["place_date"], rule_for=content.get("issuer_rule_for"))
    doc.space(6)
    doc.title("QUYẾT ĐỊNH", content["about"], rule_for=content.get("about_rule_for"))
    doc.title(content["authority"], rule=False)
    doc.space(4)
    doc.bases(content["bases"])
    doc.space(3)
    doc.title("QUYẾT ĐỊNH:", rule=False)
    doc.space(2)
    for label, text in content["articles"]:
        doc.paragraph([(label, "b"), (f" {text}", "")], "indent")
    doc.space(5)
    doc.recipients_and_signature(content["recipients"], content["signature_lines"],
                                 content["signer"])


def list_table_args(listed):
    """(columns, rows, widths mm, keyword arguments) of the attached list's table."""
    columns = listed["columns"]
    return ([c[1] for c in columns], listed["rows"], [c[2] for c in columns],
            dict(align=[c[3] for c in columns], sections=listed["sections"],
                 total_row=listed["total_row"]))


def render_list(doc, listed):
    """The attached list on landscape pages into ``doc`` (a new section)."""
    doc.section(landscape=True)
    doc.title(listed["heading"], rule=False)
    doc.paragraph(listed["verb"], "center_bold")
    doc.paragraph(listed["attached_to"], "italic_center")
    doc.space(4)
    columns, rows, widths, kwargs = list_table_args(listed)
    doc.table(columns, rows, widths, **kwargs)
    if listed["total_words"]:
        doc.space(3)
        doc.paragraph(listed["total_words"], "italic")


def write_decision_docx(*, decision_id, path, template=...):
    """Decision ``decision_id`` with its list as .docx: the commune's own template for
    decisions when one is set (``template=None`` forces the built-in layout)."""
    decision = dec.get_decision(decision_id)
    content, listed = decision_pdf.contents(decision)
    from . import docx_template
    own = docx_template.stored_template("decision") if template is ... else template
    if own is not None:
        return docx_template.fill_decision(own, content, listed, path)
    doc = DocxDocument(title=content["title"], author=content["issuer"][-1][0])
    render_decision(doc, content)
    if listed:
        render_list(doc, listed)
    return doc.save(path)


def render_minutes(doc, content):
    doc.header(issuer=content["issuer"], number=content["number"],
               place_date=content["place_date"], rule_for=content.get("issuer_rule_for"))
    doc.space(6)
    doc.title("BIÊN BẢN", content["about"], rule_for=content.get("about_rule_for"))
    doc.space(2)
    doc.paragraphs(content["lines"], "indent")
    doc.space(3)
    if content["rows"]:
        doc.table(minutes_pdf.HEADER, content["rows"], minutes_pdf.WIDTHS_MM,
                  align=minutes_pdf.ALIGN, sections=content["sections"])
    else:
        doc.paragraph(content["empty"], "italic")
    doc.space(3)
    doc.paragraph(content["closing"], "indent")
    doc.space(6)
    doc.signatures([{"titles": [t], "name": n} for t, n in content["signatures"]])


def write_minutes_docx(*, meeting_id, path, template=..., content=None):
    """The council's minutes as .docx (or through the commune's own minutes template);
    ``content``: its ``minutes_pdf.minutes_content`` when the caller read it already."""
    content = content or minutes_pdf.minutes_content(minutes_pdf.get_meeting(meeting_id))
    from . import docx_template
    own = docx_template.stored_template("minutes") if template is ... else template
    if own is not None:
        return docx_template.fill_minutes(own, content, path)
    doc = DocxDocument(title=content["title"], author=content["issuer"][0][0])
    render_minutes(doc, content)
    return doc.save(path)
