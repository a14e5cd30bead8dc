"""Minutes (biên bản) of the council's meeting: who attended, the votes and the outcome."""
from models import council, decisions, settings, vntext
from models.entities import Meeting
from models.errors import NotFound
from . import pdfdoc
from .pdfdoc import MM, para

# column headers wrap only at their line breaks, never inside a word ("ST/T", "Đồng/ý")
HEADER = ["STT", "Họ và tên /\nTên tập thể / Chủ hộ", "Đơn vị,\nđịa chỉ", "Đề nghị",
          "Đồng ý", "Không\nđồng ý", "Tỷ lệ\n(%)", "Kết quả"]
WIDTHS_MM = [10, 37, 27, 27, 15, 15, 16, 18]            # 165 mm: A4 portrait text width
NUMBER = "……/BB-HĐTĐKT"     # the council's minutes: numbered by hand in its own register
ALIGN = ["center", "left", "left", "left", "center", "center", "center", "center"]


def _rows(meeting):
    rows, sections = [], []
    current = None
    number = 0
    percents = {}         # a council of 9 gives a few dozen distinct percentages
    at = council.vote_fields()
    (kind_at, name_at, place_at, title_at, for_at, against_at, pct_at,
     passed_at) = (at["kind_label"], at["name"], at["place"], at["title"], at["votes_for"],
                   at["votes_against"], at["percent"], at["passed"])
    outcomes = {None: "", True: "Đạt", False: "Không đạt"}
    counts = {None: ""}   # vote counts 0-9 made text once each
    for r in council.vote_tuples(meeting):   # tuples: no dict made of each of 21,858 rows
        if r[kind_at] != current:
            current = r[kind_at]
            sections.append(len(rows))
            rows.append([current] + [""] * 7)
            number = 0
        number += 1
        votes_for, against, percent = r[for_at], r[against_at], r[pct_at]
        rows.append([str(number), r[name_at], r[place_at], r[title_at],
                     counts.get(votes_for) or counts.setdefault(votes_for, str(votes_for)),
                     counts.get(against) or counts.setdefault(against, str(against)),
                     percents.get(percent) or percents.setdefault(
                         percent, "" if percent is None
                         else vntext.format_decimal(percent, 2)),
                     outcomes[r[passed_at]]])
    return rows, sections


def minutes_content(meeting):
    """Everything the minutes say, as plain data for the PDF and the .docx writers."""
    commune = settings.commune()
    movement = decisions.movement_phrase(meeting.movement if meeting.movement_id else None,
                                         meeting.year)
    basis = council.BASES.get(meeting.basis, meeting.basis)
    rows, sections = _rows(meeting)
    passed = sum(1 for r in rows if r[-1] == "Đạt")
    return {
        "issuer": pdfdoc.council_lines(commune), "number": NUMBER,
        "place_date": vntext.format_date_long(meeting.date, commune.place_name or None),
        "date": meeting.date,
        "about": f"Họp Hội đồng Thi đua - Khen thưởng bình xét khen thưởng {movement}",
        "lines": [
            f"Thời gian: {vntext.format_date_long(meeting.date)}.",
            f"Địa điểm: {meeting.place or '……'}.",
            f"Chủ trì: {meeting.chair}. Thư ký: {meeting.secretary}.",
            f"Thành viên Hội đồng có mặt: {meeting.members_present}/{meeting.members_total}.",
            f"Hình thức biểu quyết: "
            f"{'bỏ phiếu kín' if meeting.secret else 'biểu quyết công khai'}; "
            f"tỷ lệ tính trên {basis}; đạt khi có từ "
            f"{vntext.format_decimal(meeting.threshold_pct)} % phiếu đồng ý trở lên.",
            "Kết quả bình xét như sau:",
        ],
        "rows": rows, "sections": sections, "passed": passed,
        "empty": "(Chưa có đối tượng nào được đưa ra bình xét.)",
        "closing": (f"Có {passed} đối tượng đạt tỷ lệ phiếu theo quy định, được Hội đồng "
                    "thống nhất đề nghị khen thưởng. Biên bản được lập xong và thông qua tại "
                    "cuộc họp./."),
        "signatures": [("THƯ KÝ", meeting.secretary), ("CHỦ TRÌ", meeting.chair)],
        "chair": meeting.chair, "secretary": meeting.secretary,
        "title": f"Biên bản họp Hội đồng TĐKT ngày {vntext.format_date(meeting.date)}",
    }


def build_flowables(meeting, content=None):
    from reportlab.platypus import Spacer, Table, TableStyle
    content = content or minutes_content(meeting)
    width = pdfdoc.page_size()[0] - (pdfdoc.MARGINS_MM["left"] + pdfdoc.MARGINS_MM["right"]) * MM
    about = content["about"]
    out = [pdfdoc.header_block(None, number=content["number"],
                               place_date=content["place_date"], issuer=content["issuer"]),
           Spacer(1, 6 * MM), para("BIÊN BẢN", "title"), para(about, "title"),
           pdfdoc.subject_rule(about, width=width), Spacer(1, 2 * MM)]
    out += [para(line, "indent") for line in content["lines"]]
    out.append(Spacer(1, 3 * MM))
    rows = content["rows"]
    if rows:
        out.append(pdfdoc.data_table(HEADER, rows, WIDTHS_MM, align=ALIGN,
                                     section_rows=content["sections"]))
    else:
        out.append(para(content["empty"], "italic"))
    out += [Spacer(1, 3 * MM), para(content["closing"], "indent"), Spacer(1, 6 * MM)]
    cell = lambda title, name: [para(title, "center_bold"), Spacer(1, 25 * MM),  # noqa: E731
                                para(name, "center_bold")]
    sig = Table([[cell(t, n) for t, n in content["signatures"]]],
                colWidths=[width / 2, width / 2])
    sig.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("FONTNAME", (0, 0), (-1, -1), pdfdoc.FONT)]))
    out.append(sig)
    return out


def get_meeting(meeting_id):
    meeting = Meeting.get_or_none(Meeting.id == meeting_id)
    if meeting is None:
        raise NotFound(f"Không có cuộc họp mã {meeting_id}.")
    return meeting


def write_minutes(*, meeting_id, path, content=None):
    """Write the minutes of meeting ``meeting_id`` to ``path`` (.docx by its extension);
    ``content``: its ``minutes_content`` when the caller read it already (the file sent
    upward writes the minutes as PDF and as Word from one read of 21,858 votes)."""
    from .docx_doc import is_docx_path
    if is_docx_path(path):
        from .decision_docx import write_minutes_docx
        return write_minutes_docx(meeting_id=meeting_id, path=path, content=content)
    meeting = get_meeting(meeting_id)
    return pdfdoc.build(path, build_flowables(meeting, content),
                        title=f"Biên bản họp Hội đồng TĐKT ngày {vntext.format_date(meeting.date)}")
