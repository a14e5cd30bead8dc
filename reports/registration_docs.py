"""Registration documents: a unit's Bản đăng ký thi đua, a bloc's covenant, the list (PDF,
Excel; the content functions feed the .docx writers of registration_docx.py too)."""
import datetime

from models import settings, vntext
from models.entities import HOUSEHOLD, PERSON, SUBJECT_KINDS, UNIT, Commitment, Covenant
from models.errors import NotFound
from models import registrations as rg
from models.subjects import display_name, subject_kind, subject_of
from . import pdfdoc
from .docx_doc import is_docx_path
from .pdfdoc import MM, para

SECTIONS = [(PERSON, "I. CÁ NHÂN"), (UNIT, "II. TẬP THỂ"), (HOUSEHOLD, "III. HỘ GIA ĐÌNH")]
LIST_CHUNK = 400        # rows per table: reportlab splits long tables slowly
# column headers wrap only at their line breaks (pdfdoc.header_fits checks the widths)
COMMITMENT_HEADER = ["STT", "Chỉ tiêu", "Đơn vị tính", "Chỉ tiêu\nxã giao",
                     "Đăng ký\nthực hiện"]
COMMITMENT_WIDTHS_MM = [11, 78, 22, 25, 29]
LIST_HEADER = ["STT", "Họ và tên /\nTên tập thể / Chủ hộ", "Chức vụ", "Đơn vị, địa chỉ",
               "Danh hiệu đăng ký", "Ngày\nđăng ký", "Trạng thái"]
LIST_WIDTHS_MM = [11, 55, 28, 48, 55, 24, 31]      # the last one takes what is left
ISSUER_SPLIT = 0.42     # the issuer column's share of the text width (long unit names)


def _issuer_block(issuer, place_date):
    """Left: the commune's committee and the issuing unit/bloc; right: national title, date."""
    from reportlab.platypus import Table, TableStyle
    from reportlab.platypus.flowables import HRFlowable
    pdfdoc.register_fonts()                 # the rule widths below measure with our fonts
    width = pdfdoc.page_size()[0] - (pdfdoc.MARGINS_MM["left"] + pdfdoc.MARGINS_MM["right"]) * MM
    (top, _), (body, _) = issuer
    widest = min(max(pdfdoc._text_width(top, pdfdoc.FONT, 13),
                     pdfdoc._text_width(body, pdfdoc.FONT_BOLD, 13)), width * ISSUER_SPLIT)
    left = [para(top, "center"), para(body, "center_bold"),
            HRFlowable(width=widest * pdfdoc.RULE_FRACTION, thickness=0.7, color="black",
                       spaceBefore=1, spaceAfter=4)]
    right = [para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "center_bold"),
             para("Độc lập - Tự do - Hạnh phúc", "center_bold"),
             HRFlowable(width=pdfdoc._text_width("Độc lập - Tự do - Hạnh phúc",
                                                 pdfdoc.FONT_BOLD, 13),
                        thickness=0.7, color="black", spaceBefore=1, spaceAfter=4),
             para(place_date, "italic_center")]
    t = Table([[left, right]], colWidths=[width * ISSUER_SPLIT, width * (1 - ISSUER_SPLIT)])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("FONTNAME", (0, 0), (-1, -1), pdfdoc.FONT),
                           ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return t


def _place_date(commune, day):
    place = commune.place_name or commune.name.replace("Xã ", "").replace("Phường ", "")
    if day is None:
        return f"{place}, ngày …… tháng …… năm ……"
    return vntext.format_date_long(day, place)


def _basis(movement):
    line = f"Thực hiện {movement.name}"
    if movement.doc_number:
        line = (f"Căn cứ Kế hoạch số {movement.doc_number}"
                + (f" ngày {vntext.format_date(movement.doc_date)}" if movement.doc_date else "")
                + f" của Ủy ban nhân dân xã về {movement.name[0].lower()}{movement.name[1:]}")
    return line


def unit_signer_title(unit):
    """Who signs for a unit: a village's head ("TRƯỞNG THÔN", "TỔ TRƯỞNG TỔ DÂN PHỐ"), else
    the head of the office or organisation."""
    kind = unit.kind
    folded = vntext.fold(kind.name)
    if kind.code == "thon" or (kind.is_village and folded.startswith("thon")):
        return "TRƯỞNG THÔN"
    if kind.code == "tdp" or (kind.is_village and "to dan pho" in folded):
        return "TỔ TRƯỞNG TỔ DÂN PHỐ"
    if kind.is_village:
        return f"TRƯỞNG {kind.name.upper()}"
    return "THỦ TRƯỞNG ĐƠN VỊ"


def bloc_roles(bloc):
    """('Khối trưởng', 'Khối phó') for a Khối thi đua, ('Cụm trưởng', 'Cụm phó') for a Cụm."""
    word = "Khối" if (bloc.kind.code == "khoi"
                      or vntext.fold(bloc.kind.name).startswith("khoi")) else "Cụm"
    return f"{word} trưởng", f"{word} phó"


def _value(value, measure=""):
    if value is None:
        return ""
    text = vntext.format_decimal(value)
    return f"{text}{'' if measure in ('', '%') else ' '}{measure}" if measure else text


# --------------------------------------------------------------------------- registration sheet

def registration_issuer(commune, second_line):
    """The issuer lines of a unit's or bloc's paper: the commune's committee (regular) over
    the unit or bloc (bold)."""
    return [(f"UBND {commune.upper_name or 'XÃ ……'}", False), (second_line.upper(), True)]


def sheet_content(reg):
    """Everything a Bản đăng ký thi đua says, as plain data for the PDF and .docx writers."""
    subject = subject_of(reg)
    kind = subject_kind(subject)
    commune = settings.commune()
    issuer = subject.name if kind == UNIT else (
        subject.unit.name if kind == PERSON and subject.unit_id else
        subject.village.name if kind == HOUSEHOLD else commune.name)
    label = {UNIT: "Tên đơn vị", PERSON: "Họ và tên", HOUSEHOLD: "Chủ hộ"}[kind]
    info = [[(f"{label}:", "b"), (f" {display_name(subject)}", "")]]
    if kind == UNIT:
        if subject.leader_name:
            info.append([("Người đứng đầu:", "b"), (f" {subject.leader_name}", "")])
        if subject.address:
            info.append([("Địa chỉ:", "b"), (f" {subject.address}", "")])
    elif kind == PERSON:
        if subject.position:
            info.append([("Chức vụ:", "b"), (f" {subject.position}", "")])
        if subject.unit_id:
            info.append([("Đơn vị:", "b"), (f" {subject.unit.name}", "")])
    else:
        info.append([("Địa chỉ:", "b"), (f" {subject.address or subject.village.name}", "")])
    titles = [rt.title for rt in reg.titles]
    titles.sort(key=lambda t: -t.rank)
    commitments = list(reg.commitments.order_by(Commitment.id))
    rows = [[str(i), c.name, c.measure,
             _value(c.target.value, "") if c.target_id and c.target else "",
             _value(c.value, "")] for i, c in enumerate(commitments, 1)]
    return {
        "issuer": registration_issuer(commune, issuer),
        "place_date": _place_date(commune, reg.reg_date),
        "heading": f"BẢN ĐĂNG KÝ THI ĐUA NĂM {reg.year}",
        "state": f"({rg.STATES[reg.state]})" if reg.state != rg.ACCEPTED else "",
        "basis": _basis(reg.movement) + ";", "info": info,
        "intro": ("Sau khi nghiên cứu kế hoạch phát động phong trào thi đua, "
                  f"{'đơn vị' if kind == UNIT else 'tôi' if kind == PERSON else 'gia đình'}"
                  " đăng ký thi đua như sau:"),
        "titles_heading": "I. DANH HIỆU THI ĐUA ĐĂNG KÝ",
        "titles": [f"- {t.name}" for t in titles] or ["- (chưa chọn)"],
        "commitments_heading": "II. CÁC CHỈ TIÊU CAM KẾT THỰC HIỆN" if rows else "",
        "commitments": rows,
        "pledge_heading": f"{'III' if rows else 'II'}. CAM KẾT",
        "pledge": ("Thực hiện nghiêm túc các chủ trương của Đảng, chính sách, pháp luật của "
                   "Nhà nước; phấn đấu hoàn thành xuất sắc các chỉ tiêu đã đăng ký."),
        "signer_titles": {UNIT: [unit_signer_title(subject)] if kind == UNIT else [],
                          PERSON: ["NGƯỜI ĐĂNG KÝ"], HOUSEHOLD: ["CHỦ HỘ"]}[kind],
        "signer": reg.signer or (subject.leader_name if kind == UNIT
                                 else display_name(subject)),
        "title": f"Bản đăng ký thi đua năm {reg.year} – {display_name(subject)}",
    }


COMMITMENT_ALIGN = ["center", "left", "center", "right", "right"]


def write_registration_sheet(*, registration_id, path):
    """Bản đăng ký thi đua of one unit, person or household (.docx by the extension)."""
    from reportlab.platypus import KeepTogether, Spacer
    reg = rg.get_registration(registration_id)
    content = sheet_content(reg)
    if is_docx_path(path):
        from .registration_docx import write_sheet_docx
        return write_sheet_docx(content, path)
    story = [_issuer_block(content["issuer"], content["place_date"]), Spacer(1, 8 * MM),
             para(content["heading"], "title")]
    if content["state"]:
        story.append(para(content["state"], "italic_center"))
    story += [Spacer(1, 4 * MM), para(content["basis"], "basis")]
    story += [para(pdfdoc.runs_markup(line), "indent", markup=True) for line in content["info"]]
    story.append(para(content["intro"], "indent"))
    story += pdfdoc.heading(content["titles_heading"])
    story += [para(line, "indent") for line in content["titles"]]
    if content["commitments"]:
        story += pdfdoc.heading(content["commitments_heading"])
        story.append(Spacer(1, 2 * MM))
        story.append(pdfdoc.data_table(COMMITMENT_HEADER, content["commitments"],
                                       COMMITMENT_WIDTHS_MM, align=COMMITMENT_ALIGN))
    ending = [para(content["pledge_heading"], "heading"), para(content["pledge"], "indent"),
              Spacer(1, 6 * MM),
              pdfdoc.signature_block(content["signer_titles"], content["signer"], space_mm=25)]
    story.append(KeepTogether(ending))
    return pdfdoc.build(path, story, title=content["title"])


# --------------------------------------------------------------------------- covenant

def _signature_grid(blocks, width):
    """Two signature blocks per row: titles aligned on top, names aligned on one line."""
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle
    out = []
    for i in range(0, len(blocks), 2):
        pair = blocks[i:i + 2]
        tops, names = [], []
        for block in pair:
            top = [para(t, "center_bold") for t in block["titles"]]
            if block.get("note"):
                top.append(para(block["note"], "italic_center"))
            tops.append(top)
            names.append([Spacer(1, 24 * MM), para(block["name"] or "", "center_bold")])
        if len(pair) == 1:
            tops.append("")
            names.append("")
        t = Table([tops, names], colWidths=[width / 2, width / 2])
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, 0), "TOP"),
                               ("FONTNAME", (0, 0), (-1, -1), pdfdoc.FONT),
                               ("VALIGN", (0, 1), (-1, 1), "BOTTOM"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 4),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                               ("BOTTOMPADDING", (0, 1), (-1, 1), 6 * MM)]))
        out.append(KeepTogether([t]))
    return out


def covenant_content(cov):
    """Everything a Giao ước thi đua says, as plain data for the PDF and .docx writers."""
    commune = settings.commune()
    members = rg.covenant_members(cov)
    roles = bloc_roles(cov.bloc)

    def role(m):
        return (roles[0] if m.unit_id == cov.head_id else
                roles[1] if m.unit_id == cov.deputy_id else "")
    return {
        "issuer": registration_issuer(commune, cov.bloc.name),
        "place_date": _place_date(commune, cov.signed_date),
        "heading": f"GIAO ƯỚC THI ĐUA NĂM {cov.year}", "bloc": cov.bloc.name,
        "basis": _basis(cov.movement) + ";" if cov.movement_id else "",
        "intro": ((f"Hôm nay, {vntext.format_date_long(cov.signed_date)}"
                   if cov.signed_date else "Hôm nay, ngày …… tháng …… năm ……")
                  + (f", tại {cov.place}" if cov.place else "")
                  + f", các đơn vị thành viên {cov.bloc.name} gồm:"),
        "members": [f"{i}. {m.unit.name}" + (f" – {role(m)}" if role(m) else "")
                    for i, m in enumerate(members, 1)],
        "agree": "cùng thống nhất ký kết giao ước thi đua với những nội dung sau:",
        "content": [line for line in (cov.content or "").splitlines() if line.strip()],
        "closing": ("Giao ước này được lập thành các bản có giá trị như nhau, mỗi đơn vị thành "
                    "viên giữ một bản, gửi Thường trực Hội đồng Thi đua - Khen thưởng xã một "
                    "bản để theo dõi."),
        "signatures": [{"titles": [f"ĐẠI DIỆN {m.unit.name.upper()}"],
                        "note": f"({role(m)})" if role(m) else None, "name": m.signer or ""}
                       for m in members],
        "title": f"Giao ước thi đua năm {cov.year} – {cov.bloc.name}",
    }


def write_covenant(*, covenant_id, path):
    """Giao ước thi đua of a bloc for a year, with a signature block for each member."""
    from reportlab.platypus import Spacer
    cov = Covenant.get_or_none(Covenant.id == covenant_id)
    if cov is None:
        raise NotFound(f"Không có giao ước thi đua số {covenant_id}.")
    content = covenant_content(cov)
    if is_docx_path(path):
        from .registration_docx import write_covenant_docx
        return write_covenant_docx(content, path)
    width = pdfdoc.page_size()[0] - (pdfdoc.MARGINS_MM["left"] + pdfdoc.MARGINS_MM["right"]) * MM
    story = [_issuer_block(content["issuer"], content["place_date"]),
             Spacer(1, 8 * MM), para(content["heading"], "title"),
             para(content["bloc"], "center_bold"), Spacer(1, 4 * MM)]
    if content["basis"]:
        story.append(para(content["basis"], "basis"))
    story.append(para(content["intro"], "indent"))
    story += [para(line, "indent") for line in content["members"]]
    story.append(para(content["agree"], "indent"))
    story += [para(line, "indent") for line in content["content"]]
    story.append(para(content["closing"], "indent"))
    story += [Spacer(1, 6 * MM)] + _signature_grid(content["signatures"], width)
    return pdfdoc.build(path, story, title=content["title"])


# --------------------------------------------------------------------------- lists

def _list_table(header, rows, widths_mm, align):
    """A bordered list table that stays fast for 20,000 rows: a cell is a plain string (one
    line) unless its text is wider than the column, then a wrapping paragraph."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Table, TableStyle
    style_for = {"left": "table", "center": "table_center", "right": "table_right"}
    room = [w * MM - 6 for w in widths_mm]
    data = [[para(h, "table_bold") for h in header]]
    for row in rows:
        cells = []
        for j, value in enumerate(row):
            text = pdfdoc.nfc(value or "")
            if stringWidth(text, pdfdoc.FONT, 11) > room[j]:
                cells.append(para(text, style_for[align[j]]))
            else:
                cells.append(text)
        data.append(cells)
    t = Table(data, colWidths=[w * MM for w in widths_mm], repeatRows=1)
    cmds = [("GRID", (0, 0), (-1, -1), 0.5, "black"),
            ("FONTNAME", (0, 0), (-1, -1), pdfdoc.FONT), ("FONTSIZE", (0, 1), (-1, -1), 11),
            ("LEADING", (0, 1), (-1, -1), 13), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    for j, a in enumerate(align):
        cmds.append(("ALIGN", (j, 1), (j, -1), a.upper()))
    t.setStyle(TableStyle(cmds))
    return t


def sorted_rows(*, year=None, movement=None):
    """Registration rows in document order: kind section, place, Vietnamese name order."""
    return list(iter_sorted_rows(year=year, movement=movement))


def iter_sorted_rows(*, year=None, movement=None):
    """``sorted_rows`` one at a time from the cursor (models/registration_list.py)."""
    from models.registration_list import iter_list_rows
    return iter_list_rows(kinds=[k for k, _ in SECTIONS], year=year, movement=movement,
                          statuses=rg.STATES)


LIST_ALIGN = ["center", "left", "left", "left", "left", "center", "center"]


def list_content(*, year=None, movement=None):
    """The registrations list as plain data: header, titles, one (heading, rows) per kind of
    subject, the total line and the committee's signature."""
    commune = settings.commune()
    rows = sorted_rows(year=year, movement=movement)
    sections = []
    for kind, heading in SECTIONS:
        part = [r for r in rows if r["kind"] == kind]
        if part:
            sections.append((f"{heading} ({vntext.format_int(len(part))})", [
                [str(i), r["name"], r["position"], r["place"], r["titles"],
                 vntext.format_date(datetime.date.fromisoformat(r["reg_date"]))
                 if r["reg_date"] else "", r["state_label"]] for i, r in enumerate(part, 1)]))
    summary = ", ".join(f"{SUBJECT_KINDS[k].lower()}: {vntext.format_int(n)}" for k, n in (
        (k, sum(1 for r in rows if r["kind"] == k)) for k, _ in SECTIONS) if n)
    return {
        "issuer": pdfdoc.issuer_lines(commune),
        "place_date": _place_date(commune, datetime.date.today()),
        "heading": "DANH SÁCH ĐĂNG KÝ THI ĐUA" + (f" NĂM {year}" if year else ""),
        "movement": movement.name if movement is not None else "",
        "sections": sections, "count": len(rows),
        "empty": "(Chưa có đăng ký nào.)",
        "total": (f"Tổng cộng: {vntext.format_int(len(rows))} đăng ký"
                  + (f" ({summary})." if summary else ".")),
        "maker": ["NGƯỜI LẬP BIỂU"],
        # the committee's list, as its header says
        "signature_lines": ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], "signer": commune.chairman,
        "title": "Danh sách đăng ký thi đua" + (f" năm {year}" if year else ""),
    }


def list_widths(text_width_mm):
    widths = list(LIST_WIDTHS_MM)
    widths[-1] = text_width_mm - sum(widths[:-1])
    return widths


def write_registrations_list(*, path, year=None, movement=None, progress=None):
    """Danh sách đăng ký thi đua (landscape), split Cá nhân / Tập thể / Hộ gia đình."""
    from reportlab.platypus import KeepTogether, Spacer
    content = list_content(year=year, movement=movement)
    if is_docx_path(path):
        from .registration_docx import write_list_docx
        return write_list_docx(content, path, progress=progress)
    width = pdfdoc.page_size(True)[0] - (pdfdoc.MARGINS_MM["left"]
                                         + pdfdoc.MARGINS_MM["right"]) * MM
    story = [pdfdoc.header_block(None, place_date=content["place_date"], landscape=True,
                                 issuer=content["issuer"]),
             Spacer(1, 6 * MM), para(content["heading"], "title")]
    if content["movement"]:
        story.append(para(content["movement"], "italic_center"))
    story.append(Spacer(1, 4 * MM))
    total = content["count"]
    longest = max((len(part) for _heading, part in content["sections"]), default=0)
    widths = pdfdoc.number_column_fits(LIST_HEADER, list_widths(width / MM), str(longest))
    done = [0]

    def pieces(item):
        """The heading of a section, or the table of one chunk of its rows (made when the
        layout reaches it: the cells of 40,000 rows never exist at once)."""
        section, start = item
        heading, part = content["sections"][section]
        if start is None:
            return pdfdoc.heading(heading)
        chunk = part[start:start + LIST_CHUNK]
        done[0] += len(chunk)
        if progress is not None and progress(done[0], total) is False:
            from models.errors import Cancelled
            raise Cancelled()
        return [_list_table(LIST_HEADER, chunk, widths, LIST_ALIGN)]
    items = [(k, start) for k, (_heading, part) in enumerate(content["sections"])
             for start in [None] + list(range(0, len(part), LIST_CHUNK))]
    if items:
        from .pdf_parts import Feed
        story.append(Feed(pieces, items))
    if not total:
        story.append(para(content["empty"], "italic_center"))
    story.append(KeepTogether([
        Spacer(1, 3 * MM), para(content["total"], "left"), Spacer(1, 4 * MM),
        pdfdoc.signature_block(content["signature_lines"], content["signer"], landscape=True,
                               space_mm=25,
                               left=[para(t, "center_bold") for t in content["maker"]])]))
    return pdfdoc.build(path, story, landscape=True, title=content["title"])


def export_registrations_xlsx(path, *, year=None, progress=None):
    """The registrations (of a year, or all) as an office-looking workbook; returns ``path``."""
    from .xlsxdoc import Column, SheetSpec, write_workbook
    from models.registration_list import count_rows
    # Nine columns print on A4 landscape at ≥ 10 pt; the last three are kept on screen only.
    columns = [Column("STT", 5, "stt"), Column("Năm", 6, "year"), Column("Đối tượng", 9),
               Column("Họ và tên / Tên tập thể / Chủ hộ", 24), Column("Chức vụ", 14),
               Column("Đơn vị, địa chỉ", 22), Column("Danh hiệu đăng ký", 26),
               Column("Ngày đăng ký", 11, "date"), Column("Trạng thái", 10),
               Column("Phong trào", 36, printed=False), Column("Người ký", 22, printed=False),
               Column("Lý do trả lại", 28, printed=False)]
    count = [0]

    def gen():
        # read from the cursor in list order and written as read: never the whole list
        for i, r in enumerate(iter_sorted_rows(year=year), 1):
            count[0] = i
            yield [i, r["year"], r["kind_label"], r["name"], r["position"], r["place"],
                   r["titles"],
                   datetime.date.fromisoformat(r["reg_date"]) if r["reg_date"] else None,
                   r["state_label"], r["movement"], r["signer"], r["return_reason"]]
    spec = SheetSpec(title="Đăng ký thi đua",
                     heading="DANH SÁCH ĐĂNG KÝ THI ĐUA" + (f" NĂM {year}" if year else ""),
                     subtitle=f"Năm {year}" if year else "Tất cả các năm", columns=columns,
                     rows=gen(), total_rows=count_rows(year=year),
                     footer=lambda: [f"Tổng cộng: {vntext.format_int(count[0])} đăng ký."])
    return write_workbook(path, [spec], progress=progress)
