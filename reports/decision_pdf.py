"""The commendation decision as PDF (Decree 30 layout, DOMAIN.md §6) with its attached list.

The decision itself is portrait; the attached list (8 columns) follows on landscape pages
in the same file, split I. Cá nhân / II. Tập thể / III. Hộ gia đình, with amounts and the
total in words. reportlab is imported inside functions (start-up speed).
"""
import json

from models import decisions as dec
from models import rewards, settings, vntext
from models.entities import Decision
from . import pdfdoc
from .pdfdoc import MARGINS_MM, MM, para

LIST_HEADER = ["STT", "Họ và tên / Tên tập thể / Chủ hộ", "Chức vụ", "Đơn vị, địa chỉ",
               "Hình thức", "Thành tích", "Số tiền (đồng)", "Ghi chú"]
LIST_WIDTHS_MM = [10, 42, 24, 36, 34, 62, 22, 22]          # 252 mm: A4 landscape text width
LIST_ALIGN = ["center", "left", "left", "left", "left", "left", "right", "left"]


def _end(lines, last="."):
    """Lines ending with ';' and the last one with '.' (Decree 30 punctuation)."""
    lines = [vntext.clean_text(x).rstrip(";.,") for x in lines if vntext.clean_text(x)]
    return [x + (last if i == len(lines) - 1 else ";") for i, x in enumerate(lines)]


def _count_text(counts):
    parts = []
    for kind, label in (("person", "cá nhân"), ("unit", "tập thể"), ("household", "hộ gia đình")):
        if counts.get(kind):
            parts.append(f"{counts[kind]} {label}")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " và " + parts[-1]
    return parts[0] if parts else "0 cá nhân"


def _authority(decision, commune):
    """Who decides: the Committee (signed 'TM. ỦY BAN NHÂN DÂN') or its Chairman."""
    name = commune.upper_name or "XÃ ……"
    return f"ỦY BAN NHÂN DÂN {name}" if decision.on_behalf else f"CHỦ TỊCH ỦY BAN NHÂN DÂN {name}"


def _issuer_of_list(decision, commune):
    who = "Ủy ban nhân dân" if decision.on_behalf else "Chủ tịch Ủy ban nhân dân"
    return f"{who} {commune.name}".strip()


def _number(decision):
    suffix = settings.get("decision_suffix") or "QĐ-UBND"
    return decision.number or f"      /{suffix}"


def _articles(decision, summ, commune):
    """Điều 1–3 as (bold label, text) pairs."""
    period = decision.period_year or decision.year
    movement = dec.movement_phrase(decision.movement if decision.movement_id else None, period)
    total = summ["total"]
    if decision.kind == "revoke":
        old = Decision.get_by_id(decision.amends_id)
        one = (f"Thu hồi {dec.label(old)} của {_issuer_of_list(old, commune)} "
               f"{old.about[:1].lower()}{old.about[1:]}."
               + (f" Lý do: {decision.reason}." if decision.reason else ""))
        two = (f"Giấy khen, giấy chứng nhận và tiền thưởng đã cấp theo {dec.label(old)} được "
               "thu hồi theo quy định.")
    else:
        who = _count_text(summ["counts"])
        if decision.kind == "amend":
            old = Decision.get_by_id(decision.amends_id)
            one = (f"Điều chỉnh {dec.label(old)}: khen thưởng {who} có tên trong danh sách kèm "
                   f"theo Quyết định này, thay thế danh sách kèm theo {dec.label(old)}."
                   + (f" Lý do điều chỉnh: {decision.reason}." if decision.reason else ""))
        else:
            kinds = {r["title_kind"] for _, rows in summ["groups"] for r in rows}
            verb = {frozenset({"title"}): "Công nhận danh hiệu thi đua cho",
                    frozenset({"form"}): "Tặng Giấy khen cho"}.get(frozenset(kinds),
                                                                  "Khen thưởng")
            one = (f"{verb} {who} (có danh sách kèm theo) đã có thành tích trong "
                   f"{movement}.")
        if total:
            base = rewards.base_salary_for(decision.date)
            two = (f"Kèm theo danh hiệu, hình thức khen thưởng là tiền thưởng theo quy định "
                   f"(hệ số nhân với mức lương cơ sở {vntext.format_money(base)}). Tổng số tiền "
                   f"thưởng: {vntext.format_money(total)} (Bằng chữ: {summ['total_words']}). "
                   "Kinh phí khen thưởng trích từ Quỹ thi đua, khen thưởng của xã.")
        else:
            two = "Khen thưởng không kèm theo tiền thưởng."
    executors = vntext.clean_text(settings.get("decision_executors") or "")
    three = ("Quyết định này có hiệu lực kể từ ngày ký. "
             + (f"{executors}, " if executors else "")
             + "các tập thể, cá nhân và hộ gia đình có tên tại Điều 1 chịu trách nhiệm thi hành "
             "Quyết định này./.")
    return [("Điều 1.", one), ("Điều 2.", two), ("Điều 3.", three)]


def _decision_flowables(decision, summ, commune):
    from reportlab.platypus import Spacer
    from reportlab.platypus.flowables import HRFlowable
    place_date = vntext.format_date_long(decision.date, commune.place_name or None)
    out = []
    if decision.state == "draft":
        out.append(para("DỰ THẢO", "right"))
    out.append(pdfdoc.header_block(commune, number=_number(decision), place_date=place_date))
    out += [Spacer(1, 6 * MM), para("QUYẾT ĐỊNH", "title"), para(decision.about, "title"),
            HRFlowable(width=40 * MM, thickness=0.7, color="black", spaceBefore=5,
                       spaceAfter=8),
            para(_authority(decision, commune), "title"), Spacer(1, 4 * MM)]
    bases = json.loads(decision.bases or "[]")
    proposer = vntext.clean_text(decision.proposer)
    for line in _end(bases, "." if not proposer else ";"):
        out.append(para(line, "basis"))
    if proposer:
        out.append(para(proposer.rstrip(".;") + ".", "basis"))
    out += [Spacer(1, 3 * MM), para("QUYẾT ĐỊNH:", "title"), Spacer(1, 2 * MM)]
    for label, text in _articles(decision, summ, commune):
        out.append(para(f"<b>{label}</b> {pdfdoc.esc(text)}", "indent", markup=True))
    out.append(Spacer(1, 5 * MM))
    recipients = _end(json.loads(decision.recipients or "[]"))
    out.append(pdfdoc.signature_block(dec.signature_lines(decision), decision.signer_name,
                                      left=pdfdoc.recipients_block(recipients)))
    return out


def _list_flowables(decision, summ, commune):
    from reportlab.platypus import Spacer
    out = [para("DANH SÁCH", "title"),
           para(f"Khen thưởng {_count_text(summ['counts'])}", "center_bold"),
           para(f"(Kèm theo Quyết định số {_number(decision)} ngày "
                f"{vntext.format_date(decision.date)} của {_issuer_of_list(decision, commune)})",
                "italic_center"),
           Spacer(1, 4 * MM)]
    rows, sections = [], []
    for heading, group in summ["groups"]:
        sections.append(len(rows))
        rows.append([heading] + [""] * 7)
        for i, r in enumerate(group, 1):
            rows.append([str(i), r["name"], r["position"], r["place"], r["title"],
                         r["achievement"], vntext.format_int(r["amount"]) if r["amount"] else "",
                         r["note"]])
    rows.append(["", "Tổng cộng", "", "", "", "", vntext.format_int(summ["total"]), ""])
    from reportlab.platypus import NextPageTemplate
    out.append(NextPageTemplate("list_continued"))
    out += list_tables(rows, sections)
    out += [Spacer(1, 3 * MM),
            para(f"<i>Tổng số tiền bằng chữ: {pdfdoc.esc(summ['total_words'])}.</i>", "left",
                 markup=True)]
    return out


CHUNK_ROWS = 60     # rows per table: page breaks inside a table cost time ∝ its rows left


def _header_table():
    from reportlab.platypus import Table, TableStyle
    t = Table([[para(h, "table_bold") for h in LIST_HEADER]],
              colWidths=[w * MM for w in LIST_WIDTHS_MM])
    t.setStyle(TableStyle(_TABLE_STYLE))
    return t


_TABLE_STYLE = [("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("FONTNAME", (0, 0), (-1, -1), pdfdoc.FONT), ("FONTSIZE", (0, 0), (-1, -1), 11),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]


def list_tables(rows, sections):
    """The attached list as a stack of short tables that read as one: the first carries the
    column header, later pages get it from the page template (``_continued_page``). A list
    of 20,000 households then lays out in linear time (one long table re-measures all its
    remaining rows at every page break). Cells that fit on one line are plain strings."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Table, TableStyle
    wrap = [False, True, True, True, True, True, False, True]
    room = [w * MM - 7 for w in LIST_WIDTHS_MM]
    style_for = {"left": "table", "center": "table_center", "right": "table_right"}
    last = len(rows) - 1
    section_set = set(sections)
    body = []
    for i, row in enumerate(rows):
        if i in section_set:
            body.append(([para(f"<b>{pdfdoc.esc(row[0])}</b>", "table", markup=True)]
                         + [""] * (len(LIST_HEADER) - 1), True))
            continue
        cells = []
        for j, value in enumerate(row):
            value = pdfdoc.nfc(value or "")
            if i == last and value:
                cells.append(para(f"<b>{pdfdoc.esc(value)}</b>", style_for[LIST_ALIGN[j]],
                                  markup=True))
            elif wrap[j] and value and stringWidth(value, pdfdoc.FONT, 11) > room[j]:
                cells.append(para(value, style_for[LIST_ALIGN[j]]))
            else:
                cells.append(value)
        body.append((cells, False))
    out = []
    for start in range(0, len(body), CHUNK_ROWS):
        part = body[start:start + CHUNK_ROWS]
        data = [[para(h, "table_bold") for h in LIST_HEADER]] if start == 0 else []
        offset = len(data)
        data += [cells for cells, _ in part]
        cmds = list(_TABLE_STYLE) + [("ALIGN", (0, offset), (0, -1), "CENTER"),
                                     ("ALIGN", (6, offset), (6, -1), "RIGHT")]
        cmds += [("SPAN", (0, k + offset), (-1, k + offset))
                 for k, (_, is_section) in enumerate(part) if is_section]
        table = Table(data, colWidths=[w * MM for w in LIST_WIDTHS_MM])  # header: template
        table.setStyle(TableStyle(cmds))
        out.append(table)
    return out


def build_flowables(decision):
    """(portrait flowables of the decision, landscape flowables of the list or [])."""
    commune = settings.commune()
    summ = dec.summary(decision)
    first = _decision_flowables(decision, summ, commune)
    second = _list_flowables(decision, summ, commune) if summ["groups"] else []
    return first, second


def write_decision(*, decision_id, path):
    """Write decision ``decision_id`` (any state; a draft says "DỰ THẢO") to ``path``."""
    decision = dec.get_decision(decision_id)
    first, second = build_flowables(decision)
    return build_mixed(path, first, second, title=f"{dec.label(decision)} - {decision.about}")


def build_mixed(path, portrait, landscape, *, title=""):
    """A Decree-30 document whose first part is portrait and second part landscape."""
    pdfdoc.register_fonts()
    from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak
    from reportlab.platypus import PageTemplate
    from .safefile import atomic_output
    m = {k: v * MM for k, v in MARGINS_MM.items()}

    def frame(size):
        w, h = size
        return Frame(m["left"], m["bottom"], w - m["left"] - m["right"],
                     h - m["top"] - m["bottom"], leftPadding=0, rightPadding=0, topPadding=0,
                     bottomPadding=0)

    def number(canvas, doc):
        if doc.page > 1:
            canvas.saveState()
            canvas.setFont(pdfdoc.FONT, 12)
            w, h = canvas._pagesize
            canvas.drawCentredString(w / 2, h - 12 * MM, str(doc.page))
            canvas.restoreState()

    def portrait_page(canvas, doc):
        canvas.setPageSize(pdfdoc.page_size(False))
        number(canvas, doc)

    def landscape_page(canvas, doc):
        canvas.setPageSize(pdfdoc.page_size(True))
        number(canvas, doc)

    header = _header_table()
    lw, lh = pdfdoc.page_size(True)
    _, header_h = header.wrap(lw - m["left"] - m["right"], lh)

    def continued_page(canvas, doc):
        """A later page of the list: the column header drawn above the frame."""
        landscape_page(canvas, doc)
        header.drawOn(canvas, m["left"], lh - m["top"] - header_h)

    flow = list(portrait)
    if landscape:
        flow += [NextPageTemplate("landscape"), PageBreak()] + list(landscape)
    with atomic_output(path) as tmp:
        doc = BaseDocTemplate(tmp, pagesize=pdfdoc.page_size(False), title=pdfdoc.nfc(title),
                              creator="Thi đua - Khen thưởng", initialFontName=pdfdoc.FONT,
                              initialFontSize=13)
        doc.addPageTemplates([
            PageTemplate("portrait", frames=[frame(pdfdoc.page_size(False))],
                         onPage=portrait_page, pagesize=pdfdoc.page_size(False)),
            PageTemplate("landscape", frames=[frame(pdfdoc.page_size(True))],
                         onPage=landscape_page, pagesize=pdfdoc.page_size(True)),
            PageTemplate("list_continued", frames=[Frame(
                m["left"], m["bottom"], lw - m["left"] - m["right"],
                lh - m["top"] - m["bottom"] - header_h, leftPadding=0, rightPadding=0,
                topPadding=0, bottomPadding=0)],
                onPage=continued_page, pagesize=pdfdoc.page_size(True)),
        ])
        doc.build(flow, canvasmaker=pdfdoc._canvas_maker())
    return path
