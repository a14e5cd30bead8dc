"""The public list (danh sách công khai) as a committee notice with its attached list.

``public_list_content`` gathers the notice as plain data (header, paragraphs, signature,
"Nơi nhận", the list grouped I/II/III); the PDF writer here and the Word writer draw that
same data, so the two never say different things.
"""
from models import council, decisions, public_list, settings, vntext
from models.entities import PublicPosting
from models.errors import NotFound, ValidationError

from . import pdfdoc
from .pdfdoc import MM, para

LAW_BASIS = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"
NUMBER = "……/TB-UBND"
# (key, header, width mm, align): 165 mm, the A4 portrait text width
COLUMNS = [("no", "STT", 11, "center"),
           ("name", "Họ và tên /\nTên tập thể / Chủ hộ", 44, "left"),
           ("place", "Đơn vị, địa chỉ", 38, "left"),
           ("title", "Đề nghị danh hiệu,\nhình thức\nkhen thưởng", 38, "left"),
           ("percent", "Tỷ lệ\nphiếu\n(%)", 15, "center"),
           ("note", "Ghi chú", 19, "left")]
RECIPIENTS = ["Thường trực Đảng ủy, HĐND xã", "Ủy ban MTTQ Việt Nam xã",
              "Hội đồng Thi đua - Khen thưởng xã", "Các thôn, tổ dân phố (niêm yết)",
              "Lưu: VT"]


def _signature(posting):
    title = (posting.signer_title or "CHỦ TỊCH").upper()
    lines = ["TM. ỦY BAN NHÂN DÂN"]
    if title != "CHỦ TỊCH":
        lines.append("KT. CHỦ TỊCH")
    lines.append(title)
    return lines


def public_list_content(posting):
    """The notice and its list as data (dicts, lists and strings only)."""
    meeting = posting.meeting
    commune = settings.commune()
    movement = decisions.movement_phrase(meeting.movement if meeting.movement_id else None,
                                         meeting.year)
    number = posting.number or NUMBER
    day = vntext.format_date
    committee = "Ủy ban nhân dân " + (commune.in_sentence or "xã")
    places = public_list.places_of(posting)
    subject = f"Về việc công khai danh sách đề nghị khen thưởng {movement}"
    groups = []
    count = 0
    at = council.vote_fields()
    name_at, place_at, title_at, pct_at = at["name"], at["place"], at["title"], at["percent"]
    percents = {None: ""}     # a council of 9 gives a few dozen distinct percentages
    # tuples, not a dict of each of 21,932 rows (public_list.posted_tuples)
    for heading, rows in public_list.posted_tuples(meeting):
        lines = []
        for i, r in enumerate(rows, 1):
            percent = r[pct_at]
            text = percents.get(percent)
            if text is None:
                text = percents[percent] = vntext.format_decimal(percent, 2)
            lines.append({"no": str(i), "name": r[name_at], "place": r[place_at],
                          "title": r[title_at], "percent": text, "note": ""})
        count += len(lines)
        groups.append({"heading": heading, "rows": lines})
    paragraphs = [
        f"Căn cứ kết quả cuộc họp Hội đồng Thi đua - Khen thưởng ngày "
        f"{day(meeting.date)} bình xét khen thưởng {movement}, {committee} thông báo công "
        f"khai danh sách {count} tập thể, cá nhân, hộ gia đình được Hội đồng đề nghị khen "
        "thưởng (danh sách kèm theo).",
        f"1. Thời gian niêm yết: từ ngày {day(posting.posted_from)} đến ngày "
        f"{day(posting.posted_to)}.",
        "2. Địa điểm niêm yết: " + "; ".join(places) + ".",
        f"3. Thời hạn nhận ý kiến: từ ngày {day(posting.posted_from)} đến hết ngày "
        f"{day(posting.comments_until)}. Ý kiến phản ánh về các tập thể, cá nhân, hộ gia "
        f"đình có tên trong danh sách gửi trực tiếp hoặc bằng văn bản về {committee} (công "
        "chức phụ trách thi đua, khen thưởng) để xem xét, giải quyết trước khi quyết định "
        "khen thưởng.",
        f"{committee[:1].upper()}{committee[1:]} thông báo để Nhân dân biết và tham gia ý "
        "kiến./.",
    ]
    return {
        "commune": commune,
        "number": number,
        "place_date": vntext.format_date_long(posting.posted_from, commune.place_name or None),
        "title": "THÔNG BÁO",
        "subject": subject,
        "bases": [LAW_BASIS.rstrip(";") + "."],
        "paragraphs": paragraphs,
        "recipients": [f"{r};" if i < len(RECIPIENTS) - 1 else f"{r}."
                       for i, r in enumerate(RECIPIENTS)],
        "signature": {"lines": _signature(posting), "name": posting.signer_name},
        "list_title": "DANH SÁCH",
        "list_subtitle": f"Đề nghị khen thưởng {movement}",
        "list_note": f"(Kèm theo Thông báo số {number} ngày {day(posting.posted_from)} "
                     f"của {committee[:1].upper()}{committee[1:]})",
        "columns": [{"key": k, "header": h, "width_mm": w, "align": a}
                    for k, h, w, a in COLUMNS],
        "groups": groups,
        "count": count,
        "empty": "(Hội đồng chưa đề nghị khen thưởng đối tượng nào tại cuộc họp này.)",
    }


def get_posting(posting_id):
    posting = PublicPosting.get_or_none(PublicPosting.id == posting_id)
    if posting is None:
        raise NotFound(f"Không có danh sách công khai mã {posting_id}.")
    return posting


def table_rows(content):
    """(rows, section row indexes) of the list for a table writer."""
    keys = [c["key"] for c in content["columns"]]
    rows, sections = [], []
    for group in content["groups"]:
        sections.append(len(rows))
        rows.append([group["heading"]] + [""] * (len(keys) - 1))
        rows += [[r[k] for k in keys] for r in group["rows"]]
    return rows, sections


def build_flowables(content):
    from reportlab.platypus import PageBreak, Spacer
    width = pdfdoc.page_size()[0] - (pdfdoc.MARGINS_MM["left"] + pdfdoc.MARGINS_MM["right"]) * MM
    out = [pdfdoc.header_block(content["commune"], number=content["number"],
                               place_date=content["place_date"]),
           Spacer(1, 6 * MM), para(content["title"], "title"), para(content["subject"], "title"),
           pdfdoc.subject_rule(content["subject"], width=width), Spacer(1, 2 * MM)]
    out += [para(line, "basis") for line in content["bases"]]
    out += [para(line, "indent") for line in content["paragraphs"]]
    out.append(Spacer(1, 5 * MM))
    out.append(pdfdoc.signature_block(content["signature"]["lines"],
                                      content["signature"]["name"],
                                      left=pdfdoc.recipients_block(
                                          [r for r in content["recipients"]])))
    out += [PageBreak(), para(content["list_title"], "title"),
            para(content["list_subtitle"], "center_bold"),
            para(content["list_note"], "italic_center"), Spacer(1, 4 * MM)]
    rows, sections = table_rows(content)
    if rows:
        cols = content["columns"]
        out.append(pdfdoc.data_table([c["header"] for c in cols], rows,
                                     [c["width_mm"] for c in cols],
                                     align=[c["align"] for c in cols], section_rows=sections))
    else:
        out.append(para(content["empty"], "italic"))
    return out


def write_public_list(*, posting_id, path):
    """The notice and its list as a PDF (Decree 30 layout) or, for a .docx path, Word."""
    posting = get_posting(posting_id)
    content = public_list_content(posting)
    from .docx_doc import is_docx_path
    if is_docx_path(path):
        from .public_list_docx import write_docx
        return write_docx(content, path)
    if not str(path).lower().endswith(".pdf"):
        raise ValidationError("Danh sách công khai xuất ra tệp .pdf (PDF) hoặc .docx (Word).",
                              field="path")
    return pdfdoc.build(path, build_flowables(content),
                        title=f"Danh sách công khai {content['list_subtitle']}")
