"""The commendation decision as PDF (Decree 30 layout, DOMAIN.md §6) with its attached list.

The decision itself is portrait; the attached list (8 columns) follows on landscape pages
in the same file, split I. Cá nhân / II. Tập thể / III. Hộ gia đình, with amounts and the
total in words. reportlab is imported inside functions (start-up speed).
"""
import json

from models import decisions as dec
from models import rewards, settings, vntext
from models.entities import Decision
from models.errors import UserError
from . import pdfdoc
from .pdfdoc import MARGINS_MM, MM, para

# The attached list's columns: (key, header — wraps only at its line breaks, width mm, align).
# "Thành tích" takes whatever width the columns left out of a list (no money, no position)
# leave free; together they fill the 252 mm of an A4 landscape text width.
LIST_COLUMNS = [("no", "STT", 11, "center"),
                ("name", "Họ và tên /\nTên tập thể / Chủ hộ", 40, "left"),
                ("position", "Chức vụ", 22, "left"),
                ("place", "Đơn vị, địa chỉ", 36, "left"),
                ("title", "Hình thức\nkhen thưởng", 32, "left"),
                ("achievement", "Thành tích", 0, "left"),
                ("amount", "Số tiền\n(đồng)", 22, "right"),
                ("note", "Ghi chú", 20, "left")]
LIST_WIDTH_MM = 252
KEEP_LAST = 2       # body rows kept on the page of the total and the total in words


def list_columns(*, money=True, position=True):
    """[(key, header, width mm, align)] of an attached list."""
    cols = [c for c in LIST_COLUMNS
            if (money or c[0] != "amount") and (position or c[0] != "position")]
    if not position:        # the address gets the room of the position column
        width = dict((c[0], c[2]) for c in LIST_COLUMNS)["position"]
        cols = [(k, h, w + width if k == "place" else w, a) for k, h, w, a in cols]
    free = LIST_WIDTH_MM - sum(c[2] for c in cols)
    return [(k, h, w or free, a) for k, h, w, a in cols]


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
    """Who decides: the Chairman (default, Law 06/2022 Art. 80) or the Committee as a body."""
    name = commune.upper_name or "XÃ ……"
    return f"ỦY BAN NHÂN DÂN {name}" if decision.on_behalf else f"CHỦ TỊCH ỦY BAN NHÂN DÂN {name}"


def _issuer_of_list(decision, commune):
    who = "Ủy ban nhân dân" if decision.on_behalf else "Chủ tịch Ủy ban nhân dân"
    return f"{who} {commune.in_sentence or 'xã'}".strip()


def _number(decision):
    """'05/QĐ-UBND', or for a draft room to write the number in: 'Số:      /QĐ-UBND'."""
    suffix = settings.get("decision_suffix") or "QĐ-UBND"
    return decision.number or f"{NBSP * 10}/{suffix}"


NBSP = "\u00a0"


def _who_executes(counts):
    """'các cá nhân, tập thể' — only the kinds of recipients the list has."""
    kinds = [label for kind, label in (("unit", "tập thể"), ("person", "cá nhân"),
                                       ("household", "hộ gia đình")) if counts.get(kind)]
    if not kinds:
        return ""
    return "các " + (", ".join(kinds[:-1]) + " và " + kinds[-1] if len(kinds) > 1
                     else kinds[0])


def _conferral(decision, summ):
    """'Công nhận danh hiệu "Gia đình văn hóa" năm 2025 cho 774 hộ gia đình' — the verb
    follows what the list holds (titles, Giấy khen, or both) and names a single title."""
    period = decision.period_year or decision.year
    rows = [r for _, group in summ["groups"] for r in group]
    kinds = {r["title_kind"] for r in rows}
    names = sorted({r["title"] for r in rows})
    who = _count_text(summ["counts"])
    if kinds == {"title"}:
        what = (f"danh hiệu \u201c{names[0]}\u201d" if len(names) == 1
                else "danh hiệu thi đua")
        return f"Công nhận {what} năm {period} cho {who}", True
    if kinds == {"form"}:
        what = names[0] if len(names) == 1 else "Giấy khen"
        return f"Tặng {what} cho {who}", False
    return f"Khen thưởng {who}", False


def _articles(decision, summ, commune):
    """Điều 1… as (bold label, text) pairs; the wording follows the content: money only
    when there is money, the movement only when there is one, the kinds of recipients
    present only."""
    period = decision.period_year or decision.year
    movement = decision.movement if decision.movement_id else None
    total = summ["total"]
    articles = []
    if decision.kind == "revoke":
        old = Decision.get_by_id(decision.amends_id)
        articles.append(f"Thu hồi {dec.label(old)} của {_issuer_of_list(old, commune)} "
                        f"{old.about[:1].lower()}{old.about[1:]}."
                        + (f" Lý do: {decision.reason}." if decision.reason else ""))
        things = "Giấy khen, giấy chứng nhận" + (" và tiền thưởng" if old.total else "")
        articles.append(f"{things} đã cấp theo {dec.label(old)} được thu hồi theo quy định.")
    else:
        who = _count_text(summ["counts"])
        if decision.kind == "amend":
            old = Decision.get_by_id(decision.amends_id)
            articles.append(
                f"Điều chỉnh {dec.label(old)}: khen thưởng {who} có tên trong danh sách kèm "
                f"theo Quyết định này, thay thế danh sách kèm theo {dec.label(old)}."
                + (f" Lý do điều chỉnh: {decision.reason}." if decision.reason else ""))
        else:
            verb, has_year = _conferral(decision, summ)
            if movement is not None:
                tail = f" đã có thành tích trong {dec.movement_phrase(movement, period)}"
            else:
                tail = "" if has_year else f" đã có thành tích năm {period}"
            articles.append(f"{verb} (có danh sách kèm theo){tail}.")
        if total:
            base = rewards.base_salary_for(decision.date)
            articles.append(
                f"Kèm theo danh hiệu, hình thức khen thưởng là tiền thưởng theo quy định "
                f"(hệ số nhân với mức lương cơ sở {vntext.format_money(base)}). Tổng số tiền "
                f"thưởng: {vntext.format_money(total)} (Bằng chữ: {summ['total_words']}). "
                "Kinh phí khen thưởng trích từ Quỹ thi đua, khen thưởng của xã.")
    executors = vntext.clean_text(settings.get("decision_executors") or "")
    who = _who_executes(summ["counts"]) if decision.kind != "revoke" else ""
    doers = ", ".join(x for x in (executors, f"{who} có tên tại Điều 1" if who else "") if x)
    doers = (f"{doers[:1].upper()}{doers[1:]}" if doers
             else "Các cơ quan, đơn vị liên quan")
    effect = "Quyết định này có hiệu lực kể từ ngày ký."
    execute = f"{doers} chịu trách nhiệm thi hành Quyết định này./."
    if len(articles) == 1:
        # no money article: Điều 2 the effect, Điều 3 who executes it — the last article
        # stays "Điều 3", which the recipients' "Như Điều 3" refers to
        articles += [effect, execute]
    else:
        articles.append(f"{effect} {execute}")
    return [(f"Điều {i}.", text) for i, text in enumerate(articles, 1)]


def decision_content(decision, summ, commune):
    """Everything the decision page says, as plain data: the PDF and the .docx writers (and
    a commune's own Word template) render this one computation."""
    bases = json.loads(decision.bases or "[]")
    proposer = vntext.clean_text(decision.proposer)
    basis_lines = _end(bases, "." if not proposer else ";")
    if proposer:
        basis_lines.append(proposer.rstrip(".;") + ".")
    return {
        "draft": decision.state == "draft",
        "number": _number(decision),
        "place_date": vntext.format_date_long(decision.date, commune.place_name or None),
        "date": decision.date,
        "issuer": pdfdoc.issuer_lines(commune),
        "about": decision.about,
        "authority": _authority(decision, commune),
        "bases": basis_lines,
        "articles": _articles(decision, summ, commune),
        "recipients": _end(json.loads(decision.recipients or "[]")),
        "signature_lines": dec.signature_lines(decision),
        "signer": decision.signer_name or "",
        "title": f"{dec.label(decision)} - {decision.about}",
    }


def list_content(decision, summ, commune):
    """The attached list as plain data: headings, columns, rows (section headings at
    ``sections``), the total row when there is money, and the total in words."""
    verb, _ = _conferral(decision, summ)
    columns = _list_columns(summ)
    keys = [c[0] for c in columns]
    rows, sections = [], []
    for heading, group in summ["groups"]:
        sections.append(len(rows))
        rows.append([heading] + [""] * (len(keys) - 1))
        for i, r in enumerate(group, 1):
            values = dict(r, no=str(i),
                          amount=vntext.format_int(r["amount"]) if r["amount"] else "")
            rows.append([values[k] or "" for k in keys])
    money = summ["total"] > 0
    if money:
        total = {"name": "Tổng cộng", "amount": vntext.format_int(summ["total"])}
        rows.append([total.get(k, "") for k in keys])
    columns = fit_number_columns(columns, rows, sections)
    return {
        "heading": "DANH SÁCH", "verb": verb,
        "attached_to": (f"(Kèm theo Quyết định số {_number(decision)} ngày "
                        f"{vntext.format_date(decision.date)} của "
                        f"{_issuer_of_list(decision, commune)})"),
        "columns": columns, "rows": rows, "sections": sections, "total_row": money,
        "total_words": (f"Tổng số tiền bằng chữ: {summ['total_words']}." if money else ""),
    }


def _decision_flowables(content):
    from reportlab.platypus import Spacer
    out = []
    if content["draft"]:
        out.append(para("DỰ THẢO", "right"))
    out.append(pdfdoc.header_block(None, number=content["number"],
                                   place_date=content["place_date"],
                                   issuer=content["issuer"]))
    text_width = pdfdoc.page_size()[0] - (MARGINS_MM["left"] + MARGINS_MM["right"]) * MM
    out += [Spacer(1, 6 * MM), para("QUYẾT ĐỊNH", "title"), para(content["about"], "title"),
            pdfdoc.subject_rule(content["about"], width=text_width),
            para(content["authority"], "title"), Spacer(1, 4 * MM)]
    out += [para(line, "basis") for line in content["bases"]]
    out += [Spacer(1, 3 * MM), para("QUYẾT ĐỊNH:", "title"), Spacer(1, 2 * MM)]
    for label, text in content["articles"]:
        out.append(para(f"<b>{label}</b> {pdfdoc.esc(text)}", "indent", markup=True))
    out.append(Spacer(1, 5 * MM))
    out.append(pdfdoc.signature_block(content["signature_lines"], content["signer"],
                                      left=pdfdoc.recipients_block(content["recipients"])))
    return out


def fit_number_columns(columns, rows, sections):
    """Columns with "STT" and "Số tiền" wide enough for their widest value on one line (a
    list of 40,000 households numbers to "40000"; a total of billions, in bold, printed
    "5.325.000.0 / 00" in 22 mm): what they lack is taken from "Thành tích"."""
    try:
        pdfdoc.register_fonts()
    except UserError:         # no Times/Liberation: the PDF says so itself; Word keeps widths
        return columns
    section_set = set(sections)
    widths = [c[2] for c in columns]
    donor = next((j for j, c in enumerate(columns) if c[0] == "achievement"), None)
    for j, c in enumerate(columns):
        if c[0] not in ("no", "amount") or donor is None:
            continue
        values = [r[j] for i, r in enumerate(rows) if i not in section_set and r[j]]
        if not values:
            continue
        # the longest text is the widest (digits and dots); the last row may be the bold total
        need = max(pdfdoc._text_width(v, pdfdoc.FONT_BOLD, 11)
                   for v in {max(values, key=len), values[-1]}) + 7
        lack = need / MM - widths[j]
        if lack > 0:
            lack = min(lack, widths[donor] / 4)
            widths[j] += lack
            widths[donor] -= lack
    return [(k, h, w, a) for (k, h, _, a), w in zip(columns, widths)]


def _list_columns(summ):
    rows = [r for _, group in summ["groups"] for r in group]
    return list_columns(money=bool(summ["total"]), position=any(r["position"] for r in rows))


def list_flowables(content):
    """The landscape flowables of an attached list (``list_content``'s dict): headings,
    then the table (``list_grid``), the total in words kept on the page of the total."""
    from reportlab.platypus import Spacer
    out = [para(content["heading"], "title"), para(content["verb"], "center_bold"),
           para(content["attached_to"], "italic_center"), Spacer(1, 4 * MM)]
    tail = []
    if content["total_row"]:
        tail = [Spacer(1, 3 * MM),
                para(f"<i>{pdfdoc.esc(content['total_words'])}</i>", "left", markup=True)]
    if content["rows"]:
        out.append(list_grid(content["rows"], content["sections"], content["columns"],
                             total_row=content["total_row"], tail=tail))
    return out


def list_grid(rows, sections, columns=None, *, total_row=True, tail=()):
    """The attached list as one ``grid_table.GridTable``: laid out and drawn row by row, in
    time and memory linear in its rows (reportlab's Table took 5.8× a bare canvas for 5,000
    households; tests/decision_list_reference.py keeps that layout, which the pages must
    read the same as). The column header on top of every page; a section heading spans
    its row in bold and never ends a page; the last ``KEEP_LAST`` rows, the bold total and
    ``tail`` (the total in words) stay on one page. STT and amounts never wrap."""
    from .grid_table import GridTable, Layout
    columns = columns or list_columns()
    nfc = pdfdoc.nfc

    def texts(i):
        return [nfc(v) if v else "" for v in rows[i]]
    layout = Layout([nfc(c[1]) for c in columns], len(rows), texts,
                    [c[2] * MM for c in columns], font=pdfdoc.FONT, bold_font=pdfdoc.FONT_BOLD,
                    align=[c[3] for c in columns], sections=sections, total_row=total_row,
                    keep_last=KEEP_LAST,
                    nowrap=[j for j, c in enumerate(columns) if c[0] in ("no", "amount")])
    return GridTable(layout, tail=tail)


def contents(decision):
    """(decision content, list content or None) of a decision: computed once for every
    format it is written in."""
    commune = settings.commune()
    summ = dec.summary(decision)
    listed = list_content(decision, summ, commune) if summ["groups"] else None
    return decision_content(decision, summ, commune), listed


def build_flowables(decision):
    """(portrait flowables of the decision, landscape flowables of the list or [])."""
    content, listed = contents(decision)
    first = _decision_flowables(content)
    second = list_flowables(listed) if listed else []
    return first, second


def write_decision(*, decision_id, path):
    """Write decision ``decision_id`` (any state; a draft says "DỰ THẢO") to ``path``:
    a PDF, or a Word file when ``path`` ends in .docx."""
    from .docx_doc import is_docx_path
    if is_docx_path(path):
        from .decision_docx import write_decision_docx
        return write_decision_docx(decision_id=decision_id, path=path)
    decision = dec.get_decision(decision_id)
    first, second = build_flowables(decision)
    return build_mixed(path, first, second, title=f"{dec.label(decision)} - {decision.about}")


def build_mixed(path, portrait, landscape, *, title=""):
    """A Decree-30 document whose first part is portrait and second part landscape."""
    pdfdoc.register_fonts()
    from reportlab.platypus import Frame, NextPageTemplate, PageBreak, PageTemplate
    from .pdf_parts import PartedDocTemplate
    from .safefile import atomic_output
    m = {k: v * MM for k, v in MARGINS_MM.items()}

    def frame(size):
        w, h = size
        return Frame(m["left"], m["bottom"], w - m["left"] - m["right"],
                     h - m["top"] - m["bottom"], leftPadding=0, rightPadding=0, topPadding=0,
                     bottomPadding=0)

    number = pdfdoc._number_pages

    def portrait_page(canvas, doc):
        canvas.setPageSize(pdfdoc.page_size(False))
        number(canvas, doc)

    def landscape_page(canvas, doc):
        canvas.setPageSize(pdfdoc.page_size(True))
        number(canvas, doc)

    flow = list(portrait)
    if landscape:
        flow += [NextPageTemplate("landscape"), PageBreak()] + list(landscape)
    with atomic_output(path) as tmp:
        # written in parts joined on disk: memory stays flat however long the list
        doc = PartedDocTemplate(tmp, pagesize=pdfdoc.page_size(False), title=pdfdoc.nfc(title),
                              creator="Thi đua - Khen thưởng", initialFontName=pdfdoc.FONT,
                              initialFontSize=13)
        doc.addPageTemplates([
            PageTemplate("portrait", frames=[frame(pdfdoc.page_size(False))],
                         onPage=portrait_page, pagesize=pdfdoc.page_size(False)),
            PageTemplate("landscape", frames=[frame(pdfdoc.page_size(True))],
                         onPage=landscape_page, pagesize=pdfdoc.page_size(True)),
        ])
        doc.build(flow, canvasmaker=pdfdoc._canvas_maker())
    return path
