"""PDF of one document of a file proposed upward (the blocks of reports/upward_docs.py)."""
from . import minutes_pdf, pdfdoc
from .pdfdoc import MM, para

STYLES = {"center": "center", "center_italic": "italic_center", "basis": "basis",
          "para": "indent", "line": "left"}


def _signer_top(signer):
    if not signer:
        return ""
    out = [para(line, "center_bold") for line in signer["lines"]]
    if signer.get("note"):
        out.append(para(signer["note"], "italic_center"))
    return out


def _signer_name(signer):
    return para(signer.get("name") or "", "center_bold") if signer else ""


def _signatures(payload, width):
    """Signers side by side: titles aligned on top, names on one line under the space for
    signature and seal; the recipients ("Nơi nhận") on the left when given."""
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle
    left, right = payload.get("left"), payload.get("right")
    top_left = (pdfdoc.recipients_block(payload["recipients"]) if payload.get("recipients")
                else _signer_top(left))
    rows = [[top_left, _signer_top(right)], ["", ""], [_signer_name(left), _signer_name(right)]]
    t = Table(rows, colWidths=[width / 2, width / 2], rowHeights=[None, 25 * MM, None])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("FONTNAME", (0, 0), (-1, -1), pdfdoc.FONT)]))
    out = [Spacer(1, 4 * MM), t]
    below = payload.get("below")
    if below:
        out += [Spacer(1, 6 * MM)] + _signer_top(below) + [Spacer(1, 25 * MM),
                                                           _signer_name(below)]
    return [KeepTogether(out)]


def _header(payload, width, landscape):
    from reportlab.platypus.flowables import HRFlowable
    if payload.get("issuer"):
        return [pdfdoc.header_block(None, number=payload.get("number"),
                                    place_date=payload.get("place_date"), width=width,
                                    landscape=landscape, issuer=payload["issuer"])]
    motto = "Độc lập - Tự do - Hạnh phúc"
    out = [para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "center_bold"),
           para(motto, "center_bold"),
           HRFlowable(width=pdfdoc._text_width(motto, pdfdoc.FONT_BOLD, 13), thickness=0.7,
                      color="black", spaceBefore=1, spaceAfter=4)]
    if payload.get("place_date"):
        out.append(para(payload["place_date"], "italic_center"))
    return out


def flowables(doc):
    """reportlab flowables of a document."""
    from reportlab.platypus import Spacer
    landscape = doc.get("landscape", False)
    width = (pdfdoc.page_size(landscape)[0]
             - (pdfdoc.MARGINS_MM["left"] + pdfdoc.MARGINS_MM["right"]) * MM)
    out = []
    for kind, payload in doc["blocks"]:
        if kind == "header":
            out += _header(payload, width, landscape)
        elif kind == "title":
            out.append(para(payload, "title"))
        elif kind == "subtitle":
            out += [para(payload, "title"), pdfdoc.subject_rule(payload, width=width)]
        elif kind == "heading":
            out += pdfdoc.heading(payload)
        elif kind in STYLES:
            out.append(para(payload, STYLES[kind]))
        elif kind == "spacer":
            out.append(Spacer(1, payload * MM))
        elif kind == "table":
            out.append(pdfdoc.data_table(payload["header"], payload["rows"],
                                         payload["widths_mm"], align=payload["align"],
                                         section_rows=payload["sections"]))
        elif kind == "signatures":
            out += _signatures(payload, width)
        elif kind == "minutes":
            from models.entities import Meeting
            out += minutes_pdf.build_flowables(Meeting.get_by_id(payload))
        else:
            raise ValueError(f"unknown block {kind}")
    return out


def minutes_of(doc):
    """The meeting id of a document that is the council's minutes, else None."""
    return doc["blocks"][0][1] if [kind for kind, _ in doc["blocks"]] == ["minutes"] else None


def write(doc, path):
    """Write ``doc`` as a Decree-30 PDF (through a temporary file) and return ``path``.
    The minutes use ``doc["minutes_content"]`` when given (read once for PDF and Word)."""
    if minutes_of(doc) is not None:
        return minutes_pdf.write_minutes(meeting_id=minutes_of(doc), path=path,
                                         content=doc.get("minutes_content"))
    return pdfdoc.build(path, flowables(doc), landscape=doc.get("landscape", False),
                        title=doc["title"])
