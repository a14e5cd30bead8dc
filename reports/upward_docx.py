"""Word (.docx) of one document of a file proposed upward, through reports/docx_doc.py (the
one builder of Decree-30 Word pages); the same blocks as the PDF (reports/upward_docs.py)."""
from .docx_doc import DocxDocument

STYLES = {"center": "center", "center_italic": "italic_center", "basis": "basis",
          "para": "indent", "line": "left", "heading": "heading"}


def _signer(signer):
    return {"titles": signer["lines"], "note": signer.get("note") or None,
            "name": signer.get("name") or ""}


def _signatures(doc, payload):
    doc.space(4)
    if payload.get("recipients"):
        right = payload["right"]
        doc.recipients_and_signature(payload["recipients"], right["lines"], right["name"])
    else:
        left, right = payload.get("left"), payload.get("right")
        # a lone signer stands on the right, as on the PDF
        doc.signatures([_signer(left) if left else {"titles": [], "name": ""},
                        _signer(right)])
    if payload.get("below"):
        doc.space(2)
        below = payload["below"]
        for line in below["lines"]:
            doc.paragraph(line, "center_bold", keep_next=True)
        if below.get("note"):
            doc.paragraph(below["note"], "italic_center", keep_next=True)
        doc.space(25)
        doc.paragraph(below.get("name") or "", "center_bold")


def _header(doc, payload):
    if payload.get("issuer"):
        doc.header(issuer=payload["issuer"], number=payload.get("number"),
                   place_date=payload.get("place_date"))
        return
    doc.title("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", style="center_bold", rule=False)
    doc.title("Độc lập - Tự do - Hạnh phúc", style="center_bold", rule=True)
    if payload.get("place_date"):
        doc.paragraph(payload["place_date"], "italic_center")


def build(blocks_doc):
    """A ``DocxDocument`` of one document (blocks of reports/upward_docs.py)."""
    doc = DocxDocument(title=blocks_doc["title"], landscape=blocks_doc.get("landscape", False))
    for kind, payload in blocks_doc["blocks"]:
        if kind == "header":
            _header(doc, payload)
        elif kind == "title":
            doc.title(payload, rule=False)
        elif kind == "subtitle":
            doc.title(payload, rule=True)
        elif kind in STYLES:
            doc.paragraph(payload, STYLES[kind])
        elif kind == "spacer":
            doc.space(payload)
        elif kind == "table":
            doc.table(payload["header"], payload["rows"], payload["widths_mm"],
                      align=payload["align"], sections=payload["sections"])
        elif kind == "signatures":
            _signatures(doc, payload)
        else:
            raise ValueError(f"unknown block {kind}")
    return doc


def minutes_writer():
    """The program's own Word writer of the council's minutes, or None in a build without."""
    try:
        from .decision_docx import write_minutes_docx
    except ImportError:
        return None
    return write_minutes_docx


def proposal_values(blocks_doc):
    """The placeholders of the commune's own tờ trình template (models/doc_templates
    KINDS['proposal']) from the same blocks the built-in layout draws."""
    from .docx_template import Paragraphs
    values = {"so": "", "ngay": "", "ngay_ky": "", "co_quan": Paragraphs(), "trich_yeu": "",
              "kinh_gui": "", "can_cu": Paragraphs(), "noi_dung": Paragraphs(),
              "danh_sach": Paragraphs(), "chuc_vu_ky": Paragraphs(), "nguoi_ky": "",
              "noi_nhan": Paragraphs()}
    bases, body = [], []
    for kind, payload in blocks_doc["blocks"]:
        if kind == "header":
            values.update(so=payload["number"], ngay=payload.get("place_date") or "",
                          co_quan=Paragraphs(text for text, _bold in payload["issuer"]))
        elif kind == "subtitle":
            values["trich_yeu"] = payload
        elif kind == "center" and payload.startswith("Kính gửi"):
            values["kinh_gui"] = payload[len("Kính gửi"):].lstrip(": ")
        elif kind == "basis":
            bases.append(payload)
        elif kind == "para":
            body.append(payload)
        elif kind == "signatures":
            right = payload["right"]
            values.update(chuc_vu_ky=Paragraphs(right["lines"]), nguoi_ky=right["name"],
                          noi_nhan=Paragraphs(payload.get("recipients") or []))
    values.update(can_cu=Paragraphs(bases), noi_dung=Paragraphs(body))
    return values


def write(blocks_doc, path):
    """Write the .docx of one document and return its path; None when this build cannot
    (the council's minutes are the program's own minutes document, never a second copy).
    The tờ trình follows the commune's own Word template when it has stored one."""
    if [kind for kind, _ in blocks_doc["blocks"]] == ["minutes"]:
        writer = minutes_writer()
        return None if writer is None else writer(
            meeting_id=blocks_doc["blocks"][0][1], path=path,
            content=blocks_doc.get("minutes_content"))
    if blocks_doc.get("name") == "01-to-trinh":
        from . import docx_template
        template = docx_template.stored_template("proposal")
        if template is not None:
            return docx_template.fill(template, proposal_values(blocks_doc), path,
                                      kind="proposal")
    return build(blocks_doc).save(path)
