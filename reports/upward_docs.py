"""The documents of a file proposed upward, as plain data both writers (PDF, Word) lay out.

Forms followed (the appendices of Decree 152/2025/NĐ-CP and Circular 15/2025/TT-BNV could
not be confirmed, see docs/UPWARD.md): the báo cáo thành tích of the earlier official forms
— Mẫu số 01 (tập thể) and Mẫu số 02 (cá nhân) of Decree 91/2017/NĐ-CP: I. sơ
lược đặc điểm / lý lịch, II. thành tích đạt được, III. các hình thức đã được khen thưởng
(tables: năm, danh hiệu / hình thức, số và ngày quyết định, cơ quan ban hành); the tờ trình
and the list in the Decree 30/2020 layout.

A document is ``{"name", "title", "landscape", "blocks"}``; a block is ``(kind, payload)``:
header {issuer|None, number, place_date} · title · subtitle (bold, ruled) · center ·
center_italic · basis (italic, indented) · para (indented) · line (no indent) · heading ·
table {header, rows, widths_mm, align, sections} · signatures {left, right, below,
recipients} where a signer is {lines, note, name} · spacer mm · minutes meeting_id (the
council's minutes, written by reports/minutes_pdf.py).
"""
import datetime
import re

from models import vntext
from models.entities import HOUSEHOLD, PERSON, UNIT

LIST_HEADER = ["STT", "Họ và tên /\nTên tập thể", "Chức vụ, đơn vị /\nđịa chỉ",
               "Hình thức\nđề nghị", "Năm liên tục\ncó danh hiệu", "Kết quả bỏ\nphiếu kín",
               "Ghi chú"]
LIST_WIDTHS_MM = [12, 50, 55, 50, 28, 32, 25]          # 252 mm: A4 landscape text width
LIST_ALIGN = ["center", "left", "left", "left", "center", "center", "left"]
AWARD_HEADER = ["Năm", "{what}", "Số, ngày, tháng, năm của quyết định;\ncơ quan ban hành"]
AWARD_WIDTHS_MM = [18, 57, 90]                          # 165 mm: A4 portrait text width
GROUPS = ((PERSON, "I. CÁ NHÂN"), (UNIT, "II. TẬP THỂ"), (HOUSEHOLD, "III. HỘ GIA ĐÌNH"))


def _date(iso):
    return datetime.date.fromisoformat(iso) if iso else None


def slug(text):
    folded = vntext.fold(text or "")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60] or "ho-so"


def _issuer(commune):
    return [("ỦY BAN NHÂN DÂN", True), ((commune["name"] or "XÃ ……").upper(), True)]


def _place_date(data, day):
    return vntext.format_date_long(day, data["commune"]["place_name"] or None)


def _signer(data):
    f = data["file"]
    lines = (["TM. ỦY BAN NHÂN DÂN"] if f["on_behalf"] else []) + [f["signer_title"]]
    return {"lines": lines, "note": "", "name": f["signer_name"]}


def _lines(text):
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


def _ref(data):
    f = data["file"]
    number = f["number"] or "……/TTr-UBND"
    commune = data["commune"]["name"] or "xã"
    return (f"(Kèm theo Tờ trình số {number} ngày {vntext.format_date(_date(f['date']))} "
            f"của Ủy ban nhân dân {commune[0].lower() + commune[1:]})")


# --------------------------------------------------------------------------- tờ trình

def proposal_letter(data):
    f, texts = data["file"], data["file"]["texts"]
    blocks = [("header", {"issuer": _issuer(data["commune"]),
                          "number": f["number"] or "……/TTr-UBND",
                          "place_date": _place_date(data, _date(f["date"]))}),
              ("spacer", 4), ("title", "TỜ TRÌNH"), ("subtitle", texts["about"]),
              ("center", f"Kính gửi: {texts['recipient']}."), ("spacer", 2)]
    bases = _lines(texts["bases"])
    for i, line in enumerate(bases):
        line = line.rstrip(";.")
        blocks.append(("basis", line + ("." if i == len(bases) - 1 else ";")))
    blocks.append(("para", texts["body"]))
    for i, line in enumerate(data["file"]["counts"], 1):
        blocks.append(("para", f"{i}. {line}."))
    blocks.append(("para", "(Có danh sách và hồ sơ kèm theo)"))
    for line in _lines(texts["closing"]):
        blocks.append(("para", line))
    blocks.append(("signatures", {"left": None, "right": _signer(data),
                                  "recipients": _lines(texts["recipients"])}))
    return {"name": "01-to-trinh", "title": f"Tờ trình {texts['about'][0].lower()}"
            f"{texts['about'][1:]}", "landscape": False, "blocks": blocks}


# --------------------------------------------------------------------------- danh sách

def _vote_text(p):
    v = p["vote"]
    if v is None:
        return "Chưa bỏ phiếu"
    return f"{v['votes_for']} phiếu ({v['percent']} %)"


def _years_text(p):
    years = sorted({a["year"] for a in p["awards"] if a["title_kind"] == "title"})
    run = []
    for y in reversed(years):
        if not run or run[0] - 1 == y:
            run.insert(0, y)
        else:
            break
    if not run:
        return ""
    return str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}"


def proposal_list(data):
    rows, sections = [], []
    for kind, label in GROUPS:
        group = [p for p in data["proposals"] if p["kind"] == kind]
        if not group:
            continue
        sections.append(len(rows))
        rows.append([label] + [""] * 6)
        for i, p in enumerate(group, 1):
            s = p["subject"]
            where = ", ".join(x for x in (s["position"], s["place"]) if x)
            rows.append([str(i), s["name"], where, p["title"]["name"], _years_text(p),
                         _vote_text(p), ""])
    blocks = [("header", {"issuer": _issuer(data["commune"]), "number": None,
                          "place_date": None}),
              ("spacer", 3), ("title", "DANH SÁCH"),
              ("subtitle", f"Đề nghị khen thưởng năm {data['file']['year']}"),
              ("center_italic", _ref(data)), ("spacer", 2)]
    if rows:
        blocks.append(("table", {"header": LIST_HEADER, "rows": rows,
                                 "widths_mm": LIST_WIDTHS_MM, "align": LIST_ALIGN,
                                 "sections": sections}))
    else:
        blocks.append(("center_italic", "(Chưa có đề nghị nào.)"))
    total = len(data["proposals"])
    blocks += [("spacer", 2), ("line", f"Danh sách có {total} đề nghị.")]
    blocks.append(("signatures", {"left": None, "right": _signer(data), "recipients": None}))
    return {"name": "03-danh-sach", "title": f"Danh sách đề nghị khen thưởng năm "
            f"{data['file']['year']}", "landscape": True, "blocks": blocks}


# --------------------------------------------------------------------------- báo cáo thành tích

def _award_tables(p):
    blocks = []
    for number, kind, what in ((1, "title", "Danh hiệu thi đua"),
                               (2, "form", "Hình thức khen thưởng")):
        rows = [[str(a["year"]), a["title"], a["text"]]
                for a in p["awards"] if a["title_kind"] == kind]
        blocks.append(("line", f"{number}. {what}:"))
        if rows:
            header = [h.replace("{what}", what) for h in AWARD_HEADER]
            blocks.append(("table", {"header": header, "rows": rows,
                                     "widths_mm": AWARD_WIDTHS_MM,
                                     "align": ["center", "left", "left"], "sections": []}))
        else:
            blocks.append(("para", "(Chưa có trong sổ khen thưởng của xã.)"))
    return blocks


def _unit_report(data, p):
    s, t = p["subject"], p["texts"]
    commune = data["commune"]
    blocks = [("header", {"issuer": [((f"UBND {commune['name']}").upper(), False),
                                     (s["name"].upper(), True)],
                          "number": None, "place_date": _place_date(data, _date(
                              data["file"]["date"]))}),
              ("spacer", 4), ("title", "BÁO CÁO THÀNH TÍCH"),
              ("subtitle", f"Đề nghị tặng {p['title']['name']}"),
              ("center", s["name"]), ("spacer", 2),
              ("heading", "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH"),
              ("line", "1. Đặc điểm, tình hình:")]
    blocks += [("para", line) for line in _lines(t["characteristics"])]
    blocks.append(("line", "2. Chức năng, nhiệm vụ:"))
    blocks += [("para", line) for line in _lines(t["tasks"])]
    blocks += [("heading", "II. THÀNH TÍCH ĐẠT ĐƯỢC"),
               ("line", "1. Kết quả thực hiện nhiệm vụ, chỉ tiêu thi đua qua các năm:")]
    blocks += [("para", line) for line in _lines(t["achievements"])]
    blocks.append(("line", "2. Những biện pháp, nguyên nhân đạt được thành tích:"))
    blocks += [("para", line) for line in _lines(t["measures"])]
    blocks.append(("heading", "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"))
    blocks += _award_tables(p)
    blocks.append(("signatures", {
        "left": {"lines": ["XÁC NHẬN CỦA CẤP", "TRÌNH KHEN THƯỞNG"], "note": "(Ký, đóng dấu)",
                 "name": data["file"]["signer_name"]},
        "right": {"lines": ["THỦ TRƯỞNG ĐƠN VỊ"], "note": "(Ký, đóng dấu)",
                  "name": s.get("leader_name") or ""},
        "recipients": None}))
    return blocks


def _person_report(data, p):
    s, t = p["subject"], p["texts"]
    gender = {"nam": "Nam", "nu": "Nữ"}.get(s["gender"], "")
    unit = s["unit"]["name"] if s["unit"] else ""
    household = p["kind"] == HOUSEHOLD
    blocks = [("header", {"issuer": None, "number": None,
                          "place_date": _place_date(data, _date(data["file"]["date"]))}),
              ("spacer", 4), ("title", "BÁO CÁO THÀNH TÍCH"),
              ("subtitle", f"Đề nghị tặng {p['title']['name']}"), ("spacer", 2),
              ("heading", "I. SƠ LƯỢC LÝ LỊCH" if not household else "I. SƠ LƯỢC VỀ GIA ĐÌNH")]
    if household:
        blocks += [("line", f"- Chủ hộ: {s['name']}. Giới tính: {gender}."),
                   ("line", f"- Năm sinh của chủ hộ: {s['birth_year'] or '……'}."),
                   ("line", f"- Địa chỉ: {t['residence']}.")]
        blocks += [("para", line) for line in _lines(t["characteristics"])]
        blocks.append(("heading", "II. THÀNH TÍCH ĐẠT ĐƯỢC"))
    else:
        blocks += [("line", f"- Họ và tên: {s['name']}. Giới tính: {gender}."),
                   ("line", f"- Năm sinh: {t['birth']}."),
                   ("line", f"- Quê quán: {t['hometown']}."),
                   ("line", f"- Trú quán: {t['residence']}."),
                   ("line", f"- Đơn vị công tác: {unit or '……'}."),
                   ("line", f"- Chức vụ (Đảng, chính quyền, đoàn thể): {s['position'] or '……'}."),
                   ("line", f"- Trình độ chuyên môn, nghiệp vụ: {t['qualification']}."),
                   ("heading", "II. THÀNH TÍCH ĐẠT ĐƯỢC"),
                   ("line", "1. Quyền hạn, nhiệm vụ được giao hoặc đảm nhận:")]
        blocks += [("para", line) for line in _lines(t["duties"])]
        blocks.append(("line", "2. Thành tích đạt được của cá nhân:"))
    blocks += [("para", line) for line in _lines(t["achievements"])]
    blocks.append(("heading", "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"))
    blocks += _award_tables(p)
    left_name = (s["unit"] or {}).get("leader_name") or ""
    blocks.append(("signatures", {
        "left": {"lines": ["THỦ TRƯỞNG ĐƠN VỊ", "XÁC NHẬN, ĐỀ NGHỊ"], "note": "(Ký, đóng dấu)",
                 "name": left_name},
        "right": {"lines": ["NGƯỜI BÁO CÁO THÀNH TÍCH"] if not household else ["CHỦ HỘ"],
                  "note": "(Ký, ghi rõ họ và tên)", "name": s["name"]},
        "below": {"lines": ["XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG"], "note": "(Ký, đóng dấu)",
                  "name": data["file"]["signer_name"]},
        "recipients": None}))
    return blocks


def achievement_report(data, p, index):
    blocks = _unit_report(data, p) if p["kind"] == UNIT else _person_report(data, p)
    name = f"04-bao-cao-thanh-tich-{index:02d}-{slug(p['subject']['name'])}"
    return {"name": name, "title": f"Báo cáo thành tích: {p['subject']['name']}",
            "landscape": False, "blocks": blocks, "proposal_uuid": p["uuid"]}


def minutes(data):
    meeting = data["meeting"]
    return {"name": "02-bien-ban-hop-hoi-dong", "title": "Biên bản họp Hội đồng Thi đua - "
            f"Khen thưởng ngày {vntext.format_date(_date(meeting['date']))}",
            "landscape": False, "blocks": [("minutes", meeting["id"])]}


def documents(data):
    """Every document of the file, in the order the receiving office reads them."""
    docs = [proposal_letter(data)]
    if data["meeting"] is not None:
        docs.append(minutes(data))
    docs.append(proposal_list(data))
    docs += [achievement_report(data, p, i) for i, p in enumerate(data["proposals"], 1)]
    return docs
