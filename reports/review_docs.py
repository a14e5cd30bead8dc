"""Báo cáo sơ kết / tổng kết as documents (Decree 30 layout): PDF and Word.

``review_document(review)`` lays the report out once as data — header fields, numbered
sections of paragraphs and tables, recipients, signature — and the writers draw that data:
``write_review_pdf`` with reportlab (reports/pdfdoc.py) and ``write_review_docx`` with the
shared Word builder. ``write_review(review, path)`` picks the writer by the file's extension.
"""
import datetime
import os

from models import reviews, settings, vntext
from models.errors import UserError

DEFAULT_RECIPIENTS = ["UBND tỉnh (qua Sở Nội vụ)", "TT Đảng ủy, TT HĐND xã",
                      "Chủ tịch, các Phó Chủ tịch UBND xã", "Lưu: VT"]
DOTS = "…" * 38
NO_FIGURES = "Chưa có số liệu trong kỳ báo cáo."

# (header, widths in mm (165 mm: A4 portrait text width), alignment per column)
REG_KIND = (["Đối tượng", "Tổng số", "Đã duyệt", "Đã gửi", "Nháp", "Trả lại"],
            [50, 23, 23, 23, 23, 23], ["left"] + ["right"] * 5)
REG_TITLE = (["Danh hiệu đăng ký", "Đối tượng", "Số đăng ký", "Đã duyệt"],
             [78, 37, 25, 25], ["left", "left", "right", "right"])
COVENANTS = (["Cụm, khối thi đua", "Năm", "Số đơn vị ký", "Ngày ký"],
             [80, 20, 30, 35], ["left", "center", "right", "center"])
TARGETS = (["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Tỷ lệ", "Đánh giá"],
           [11, 61, 27, 24, 20, 22], ["center", "left", "center", "center", "right", "center"])
SCORING = (["Cụm, khối thi đua", "Số đơn vị", "Kết quả xếp loại", "Điểm cao nhất"],
           [45, 20, 45, 55], ["left", "right", "left", "left"])
SCORING_YEARS = (["Năm", "Cụm, khối thi đua", "Số đơn vị", "Kết quả xếp loại", "Điểm cao nhất"],
                 [14, 40, 18, 40, 53], ["center", "left", "right", "left", "left"])
MODELS = (["STT", "Điển hình, mô hình", "Lĩnh vực", "Khâu đạt được", "Đơn vị nhân rộng"],
          [11, 69, 35, 25, 25], ["center", "left", "left", "center", "right"])
AWARDS = (["Danh hiệu, hình thức khen thưởng", "Đối tượng", "Số lượt", "Số tiền (đồng)"],
          [72, 30, 23, 40], ["left", "left", "right", "right"])


def _n(value):
    return vntext.format_int(value)


def _date_text(iso):
    return vntext.format_date(datetime.date.fromisoformat(iso)) if iso else "Chưa ký"


def _table(spec, rows, *, total_row=False):
    header, widths, align = spec
    return ("table", {"header": header, "rows": rows, "widths": widths, "align": align,
                      "total_row": total_row})


def _paragraphs(text):
    """The clerk's text as paragraphs (one per line); dotted lines when empty."""
    lines = [line for line in (text or "").split("\n") if line.strip()]
    return [("para", line) for line in lines] or [("dots", DOTS), ("dots", DOTS)]


def _period_phrase(review):
    if review.kind == reviews.SO_KET:
        return "sơ kết"
    return "tổng kết"


def _sections(review, fig):
    blocks = []
    regs = fig["registrations"]
    blocks.append(("heading", "I. KẾT QUẢ THỰC HIỆN"))
    blocks.append(("subheading", "1. Công tác phát động, đăng ký thi đua, ký kết giao ước"))
    if regs["total"]:
        blocks.append(("para", f"Tổng số {_n(regs['total'])} bản đăng ký thi đua "
                               f"(năm {', '.join(str(y) for y in fig['years'])}), cụ thể:"))
        rows = [[k["label"], _n(k["total"]), _n(k["accepted"]), _n(k["submitted"]),
                 _n(k["draft"]), _n(k["returned"])] for k in regs["by_kind"]]
        rows.append(["Cộng", _n(regs["total"])] + [_n(sum(k[s] for k in regs["by_kind"]))
                                                   for s in ("accepted", "submitted", "draft",
                                                             "returned")])
        blocks.append(_table(REG_KIND, rows, total_row=True))
        if regs["by_title"]:
            blocks.append(("para", "Đăng ký theo danh hiệu thi đua:"))
            blocks.append(_table(REG_TITLE, [[t["title"], t["kind_label"], _n(t["total"]),
                                              _n(t["accepted"])] for t in regs["by_title"]]))
    else:
        blocks.append(("para", "Chưa có bản đăng ký thi đua nào trong kỳ báo cáo."))
    if fig["covenants"]:
        blocks.append(("para", f"Có {_n(len(fig['covenants']))} cụm, khối thi đua ký kết giao "
                               "ước thi đua:"))
        blocks.append(_table(COVENANTS, [[c["bloc"], str(c["year"]), _n(c["members"]),
                                          _date_text(c["signed"])] for c in fig["covenants"]]))
    else:
        blocks.append(("para", "Chưa có cụm, khối thi đua nào ký kết giao ước trong kỳ."))

    blocks.append(("subheading", "2. Kết quả thực hiện các chỉ tiêu"))
    if fig["targets"]:
        done = sum(1 for t in fig["targets"] if t["achieved"])
        known = sum(1 for t in fig["targets"] if t["achieved"] is not None)
        blocks.append(("para", f"Có {_n(done)}/{_n(len(fig['targets']))} chỉ tiêu đạt và vượt "
                               f"kế hoạch; {_n(len(fig['targets']) - known)} chỉ tiêu chưa có "
                               "số liệu."))
        blocks.append(_table(TARGETS, [[t["code"] or str(i), t["name"], t["planned"],
                                        t["actual"], t["percent"], t["verdict"]]
                                       for i, t in enumerate(fig["targets"], 1)]))
    else:
        blocks.append(("para", "Phong trào chưa có chỉ tiêu."))

    blocks.append(("subheading", "3. Kết quả chấm điểm, xếp loại theo cụm, khối thi đua"))
    if fig["scoring"]:
        if len(fig["years"]) > 1:
            rows = [[str(r["year"]), r["bloc"], _n(r["units"]), r["bands"], r["best"]]
                    for r in fig["scoring"]]
            blocks.append(_table(SCORING_YEARS, rows))
        else:
            blocks.append(_table(SCORING, [[r["bloc"], _n(r["units"]), r["bands"], r["best"]]
                                           for r in fig["scoring"]]))
    else:
        blocks.append(("para", "Chưa có kết quả chấm điểm, xếp loại trong kỳ báo cáo."))

    models = fig["models"]
    blocks.append(("subheading", "4. Phát hiện, bồi dưỡng, tổng kết và nhân rộng điển hình "
                                 "tiên tiến"))
    if models["total"]:
        stages = "; ".join(f"{s['label'].lower()}: {_n(s['count'])}" for s in models["by_stage"])
        blocks.append(("para", f"Đến hết kỳ báo cáo có {_n(models['total'])} điển hình, mô hình "
                               f"({_n(models['new'])} mới phát hiện trong kỳ), đang ở các "
                               f"khâu — {stages}."))
        blocks.append(_table(MODELS, [[str(i), m["name"], m["area"], m["stage_label"],
                                       _n(m["replicated_units"])]
                                      for i, m in enumerate(models["rows"], 1)]))
    else:
        blocks.append(("para", "Chưa ghi nhận điển hình tiên tiến nào trong kỳ báo cáo."))

    awards = fig["awards"]
    blocks.append(("subheading", "5. Công tác khen thưởng"))
    if awards["count"]:
        blocks.append(("para", f"Ủy ban nhân dân xã ban hành {_n(awards['decisions'])} quyết "
                               f"định, khen thưởng {_n(awards['count'])} lượt tập thể, cá nhân, "
                               f"hộ gia đình; tổng số tiền thưởng "
                               f"{vntext.format_money(awards['amount'])}."))
        rows = [[r["title"], r["kind_label"], _n(r["count"]), _n(r["amount"])]
                for r in awards["rows"]]
        rows.append(["Cộng", "", _n(awards["count"]), _n(awards["amount"])])
        blocks.append(_table(AWARDS, rows, total_row=True))
    else:
        blocks.append(("para", "Trong kỳ chưa có quyết định khen thưởng nào được ban hành."))

    blocks.append(("subheading", "6. Đánh giá chung"))
    blocks += _paragraphs(review.assessment)
    blocks.append(("heading", "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"))
    blocks += _paragraphs(review.shortcomings)
    blocks.append(("heading", "III. BÀI HỌC KINH NGHIỆM"))
    blocks += _paragraphs(review.lessons)
    blocks.append(("heading", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRONG THỜI GIAN TỚI"))
    blocks += _paragraphs(review.next_tasks)
    return blocks


def review_document(review):
    """The report as data (see module docstring); figures frozen if the report was sent."""
    commune = settings.commune()
    movement = review.movement
    fig = reviews.figures_of(review)
    day = review.report_date
    place_date = (vntext.format_date_long(day, commune.place_name or None) if day else
                  f"{commune.place_name or '……'}, ngày …… tháng …… năm ……")
    basis = ""
    if movement.doc_number:
        basis = f"Kế hoạch số {movement.doc_number}"
        if movement.doc_date:
            basis += f" ngày {vntext.format_date(movement.doc_date)}"
        basis += f" của Ủy ban nhân dân {commune.in_sentence or 'xã'} về việc phát động "
    intro = (f"Thực hiện {basis}{movement.name}; Ủy ban nhân dân {commune.in_sentence or 'xã'} "
             f"báo cáo {_period_phrase(review)} kết quả thực hiện từ ngày "
             f"{vntext.format_date(review.period_start)} đến ngày "
             f"{vntext.format_date(review.period_end)} như sau:")
    recipients = [r.strip() for r in (review.sent_to or "").split(";") if r.strip()]
    recipients = (recipients + ["Lưu: VT"]) if recipients else DEFAULT_RECIPIENTS
    from .decision_pdf import _end        # "…;" and the last line "…." (Decree 30)
    return {
        "commune": commune,
        "number": review.number or "……/BC-UBND",
        "place_date": place_date,
        "doc_kind": "BÁO CÁO",
        "subject": reviews.title_of(review),
        "period": (f"(Từ ngày {vntext.format_date(review.period_start)} đến ngày "
                   f"{vntext.format_date(review.period_end)})"),
        "intro": intro,
        "blocks": _sections(review, fig),
        "recipients": _end(recipients),
        "signer_lines": ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
        "signer_name": commune.chairman,
        "computed_on": fig.get("computed_on"),
    }


# --------------------------------------------------------------------------- PDF

def write_review_pdf(review, path):
    from reportlab.platypus import Spacer
    from . import pdfdoc
    from .pdfdoc import MM, para
    doc = review_document(review)
    width = (210 - pdfdoc.MARGINS_MM["left"] - pdfdoc.MARGINS_MM["right"]) * MM
    story = [pdfdoc.header_block(doc["commune"], number=doc["number"],
                                 place_date=doc["place_date"]),
             Spacer(1, 6 * MM), para(doc["doc_kind"], "title"), para(doc["subject"], "title"),
             pdfdoc.subject_rule(doc["subject"], width=width),
             para(doc["period"], "italic_center"), para(doc["intro"], "indent")]
    for kind, value in doc["blocks"]:
        if kind == "heading":
            story += pdfdoc.heading(value)
        elif kind == "subheading":
            story += pdfdoc.heading(value, room_mm=25)
        elif kind == "para":
            story.append(para(value, "indent"))
        elif kind == "dots":
            story.append(para(value, "left"))
        elif kind == "table":
            story.append(Spacer(1, 2 * MM))
            story.append(pdfdoc.data_table(value["header"], value["rows"], value["widths"],
                                           align=value["align"], total_row=value["total_row"]))
            story.append(Spacer(1, 2 * MM))
    story.append(Spacer(1, 6 * MM))
    story.append(pdfdoc.signature_block(doc["signer_lines"], doc["signer_name"],
                                        left=pdfdoc.recipients_block(doc["recipients"])))
    return pdfdoc.build(str(path), story, title=f"Báo cáo {doc['subject']}",
                        author=doc["commune"].name)


# --------------------------------------------------------------------------- Word

def write_review_docx(review, path):
    """The same report as a Word document through the shared Decree-30 builder."""
    from .docx_doc import DocxDocument
    from .pdfdoc import issuer_lines
    doc = review_document(review)
    word = DocxDocument(title=f"Báo cáo {doc['subject']}", author=doc["commune"].name)
    word.header(issuer=issuer_lines(doc["commune"]), number=doc["number"],
                place_date=doc["place_date"])
    word.space(6)
    word.title(doc["doc_kind"], doc["subject"], rule=True)
    word.paragraph(doc["period"], "italic_center")
    word.paragraph(doc["intro"], "indent")
    for kind, value in doc["blocks"]:
        if kind in ("heading", "subheading"):
            word.paragraph(value, "heading", keep_next=True)
        elif kind == "para":
            word.paragraph(value, "indent")
        elif kind == "dots":
            word.paragraph(value, "left")
        elif kind == "table":
            word.space(2)
            word.table(value["header"], value["rows"], value["widths"], align=value["align"],
                       total_row=value["total_row"])
            word.space(2)
    word.space(6)
    word.recipients_and_signature(doc["recipients"], doc["signer_lines"], doc["signer_name"])
    return word.save(str(path))


def write_review(review, path):
    """PDF or Word, by the extension of ``path``."""
    ext = os.path.splitext(str(path))[1].lower()
    if ext == ".pdf":
        return write_review_pdf(review, path)
    if ext == ".docx":
        return write_review_docx(review, path)
    raise UserError(f"Tệp {os.path.basename(str(path))}: chỉ xuất được báo cáo ra .pdf hoặc "
                    ".docx.")
