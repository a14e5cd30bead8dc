"""Decree 30/2020 typography measured in the PDFs (pdfplumber reads sizes, fonts, rules)."""
import datetime

import pdfplumber
import pytest

from models import catalogue, decisions, org, settings
from reports import decision_pdf, pdfdoc
from tests.helpers import make_org, pdf_text

MM = 72 / 25.4


@pytest.fixture
def decision(database, clerk, leader):
    settings.update_settings(actor=leader, values={
        "commune_name": "Xã Tân Lập", "place_name": "Tân Lập", "chairman": "Nguyễn Văn Hùng"})
    o = make_org(clerk)
    d = decisions.create_draft(actor=clerk, date=datetime.date(2026, 7, 1), period_year=2026,
                               signer_name="Nguyễn Văn Hùng")
    for i in range(30):
        p = org.add_person(actor=clerk, full_name=f"Nguyễn Văn Người {i}", gender="nam",
                           birth_year=1980, position="Cán bộ", unit=o["office"])
        decisions.add_recipient(actor=clerk, decision=d, subject=p,
                                title=catalogue.title_by_code("LDTT"))
    decisions.add_recipient(actor=clerk, decision=d, subject=o["office"],
                            title=catalogue.title_by_code("TTLDTT"))
    return decisions.issue_decision(actor=leader, decision=d)


def _line_chars(page, text, *, last=False):
    """Chars of the first (or last) text line that holds ``text``."""
    lines = {}
    for ch in page.chars:
        lines.setdefault(round(ch["top"]), []).append(ch)
    for top in sorted(lines, reverse=last):
        chars = sorted(lines[top], key=lambda c: c["x0"])
        joined = "".join(c["text"] for c in chars)
        if text in joined:
            start = joined.index(text)
            return chars[start:start + len(text)]
    raise AssertionError(f"'{text}' not found")


def _rule_below(page, chars, within=20):
    """Width of the horizontal rule drawn just under a run of chars."""
    bottom = max(c["bottom"] for c in chars)
    mid = (chars[0]["x0"] + chars[-1]["x1"]) / 2
    for edge in page.lines + page.rects:
        top = edge["top"]
        if 0 <= top - bottom <= within and edge["x0"] - 1 <= mid <= edge["x1"] + 1 \
                and abs(edge["bottom"] - edge["top"]) < 2:
            return edge["x1"] - edge["x0"]
    raise AssertionError("no rule under the line")


def test_decision_typography(decision, tmp_path):
    path = decision_pdf.write_decision(decision_id=decision.id, path=tmp_path / "qd.pdf")
    with pdfplumber.open(path) as pdf:
        first = pdf.pages[0]
        # the issuing body is bold, and the rule under it is 1/3–1/2 of its line
        body = _line_chars(first, "ỦY BAN NHÂN DÂN")
        assert all("Bold" in c["fontname"] for c in body)
        commune = _line_chars(first, "XÃ TÂN LẬP")
        assert all("Bold" in c["fontname"] for c in commune)
        widest = max(body[-1]["x1"] - body[0]["x0"], commune[-1]["x1"] - commune[0]["x0"])
        rule = _rule_below(first, commune)
        assert widest / 3 <= rule <= widest / 2, (rule, widest)
        # the rule under the subject line is 1/3–1/2 of it
        about = _line_chars(first, decision.about)
        about_w = about[-1]["x1"] - about[0]["x0"]
        rule = _rule_below(first, about)
        assert about_w / 3 <= rule <= about_w / 2, (rule, about_w)
        # "Nơi nhận:" 12 pt bold italic, its items 11 pt
        heading = _line_chars(first, "Nơi nhận:")
        assert all(round(c["size"]) == 12 and "BoldItalic" in c["fontname"] for c in heading)
        item = _line_chars(first, "- Như Điều 3;")
        assert all(round(c["size"]) == 11 for c in item)
        # ≥ 6 pt between paragraphs: the gap above "Điều 2." exceeds a line's by ≥ 6 pt
        one, two = _line_chars(first, "Điều 1."), _line_chars(first, "Điều 2.")
        tops = sorted({round(c["top"], 1) for c in first.chars
                       if one[0]["top"] - 1 <= c["top"] <= two[0]["top"] + 1
                       and c["size"] > 12})
        steps = [b - a for a, b in zip(tops, tops[1:])]
        assert steps[-1] - min(steps) >= 6 - 0.5, steps
        # signature space ≈ 35 mm between the title and the name
        title = _line_chars(first, "CHỦ TỊCH", last=True)
        name = _line_chars(first, "Nguyễn Văn Hùng")
        assert 33 * MM <= name[0]["top"] - title[0]["bottom"] <= 40 * MM
        # page numbers 13–14 pt, from page 2 on, at the top
        for page in pdf.pages[1:]:
            number = [c for c in page.chars if c["top"] < 20 * MM and c["text"].isdigit()]
            assert number and all(13 <= round(c["size"]) <= 14 for c in number)
        assert not [c for c in first.chars if c["top"] < 15 * MM and c["text"].isdigit()]


def test_first_citation_of_decree_152_has_its_date(database):
    bases = settings.get("decision_bases")
    first = next(b for b in bases if "152/2025/NĐ-CP" in b)
    assert "152/2025/NĐ-CP ngày 14 tháng 6 năm 2025" in first


def _synthetic_list(tmp_path, people, units, households, money=True):
    """The attached list alone with ``people``/``units``/``households`` rows."""
    groups = []
    for heading, n in (("I. Cá nhân", people), ("II. Tập thể", units),
                       ("III. Hộ gia đình", households)):
        if n:
            groups.append((heading, [
                {"name": f"Người {i}", "position": "Cán bộ", "place": "Thôn Đông Hòa",
                 "title": "Lao động tiên tiến", "achievement": "Đã có thành tích xuất sắc "
                 "trong phong trào thi đua yêu nước năm 2025", "amount": 710_000 if money
                 else 0, "note": "", "no": str(i)} for i in range(1, n + 1)]))
    columns = decision_pdf.list_columns(money=money)
    keys = [c[0] for c in columns]
    rows, sections = [], []
    for heading, group in groups:
        sections.append(len(rows))
        rows.append([heading] + [""] * (len(keys) - 1))
        rows += [[r[k] if k != "amount" else "710.000" for k in keys] for r in group]
    if money:
        rows.append(["", "Tổng cộng"] + [""] * (len(keys) - 2))
    flow = decision_pdf.list_flowables({
        "heading": "DANH SÁCH", "verb": "Khen thưởng", "attached_to": "(Kèm theo)",
        "columns": columns, "rows": rows, "sections": sections, "total_row": money,
        "total_words": "Tổng số tiền bằng chữ: Bảy trăm mười nghìn đồng."})
    path = tmp_path / f"list-{people}-{units}-{households}.pdf"
    decision_pdf.build_mixed(path, [pdfdoc.para("QUYẾT ĐỊNH", "title")], flow)
    return path


def _page_texts(path):
    """Text of each page (pdftotext separates pages with a form feed)."""
    return pdf_text(path, layout=True).split("\f")[:-1]


@pytest.mark.parametrize("people", range(8, 26))
def test_headings_and_total_never_left_alone(tmp_path, people):
    """Whatever the length of part I, no page ends with a section heading, and the total in
    words sits on a page with table rows (never alone under a repeated header)."""
    path = _synthetic_list(tmp_path, people, 3, 2)
    pages = _page_texts(path)[1:]
    for text in pages:
        lines = [x.strip() for x in text.splitlines() if x.strip()]
        assert lines[-1] not in ("I. Cá nhân", "II. Tập thể", "III. Hộ gia đình"), lines[-3:]
    last = [x for x in pages[-1].splitlines() if x.strip()]
    assert any(x.strip().startswith("Tổng cộng") for x in last)
    assert any("Người" in x for x in last), "the last page holds table rows"
    assert "Tổng số tiền bằng chữ" in pages[-1]


def test_no_money_list_has_no_money_column(tmp_path):
    path = _synthetic_list(tmp_path, 0, 0, 12, money=False)
    text = pdf_text(path)
    assert "Số tiền" not in text and "Tổng cộng" not in text


def test_certificate_signature_space_under_kt(database, clerk, leader, tmp_path):
    from reports import certificates
    o = make_org(clerk)
    d = decisions.create_draft(actor=clerk, date=datetime.date(2025, 12, 20), period_year=2025,
                               signer_name="Trần Thị Mai", signer_title="PHÓ CHỦ TỊCH")
    decisions.add_recipient(actor=clerk, decision=d, subject=o["people"][0],
                            title=catalogue.title_by_code("LDTT"))
    d = decisions.issue_decision(actor=leader, decision=d)
    path = certificates.write_decision_certificates(decision_id=d.id,
                                                    path=tmp_path / "gk.pdf").path
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        title = _line_chars(page, "PHÓ CHỦ TỊCH", last=True)
        kt = _line_chars(page, "KT. CHỦ TỊCH", last=True)
        name = _line_chars(page, "Trần Thị Mai", last=True)
    assert kt[0]["top"] < title[0]["top"]
    gap = (name[0]["top"] - max(c["bottom"] for c in title)) / MM
    assert 32 <= gap <= 38, gap


def test_a_heading_stays_with_the_start_of_a_long_table(tmp_path):
    """A heading above a table longer than a page starts the table on the same page (a
    keep-with-next would push heading and table to the next page, leaving a blank one)."""
    from reportlab.platypus import Spacer
    rows = [[str(i), f"Người {i}"] for i in range(1, 120)]
    story = [pdfdoc.para("DANH SÁCH", "title")] + pdfdoc.heading("I. CÁ NHÂN (119)") + [
        pdfdoc.data_table(["STT", "Họ và tên"], rows, [15, 150])]
    first = pdf_text(pdfdoc.build(tmp_path / "a.pdf", story), layout=True).split("\f")[0]
    assert "I. CÁ NHÂN" in first and "Người 1\n" in first
    # near the page foot the heading moves to the next page together with its rows
    story = [Spacer(1, 230 * MM)] + pdfdoc.heading("II. TẬP THỂ") + [
        pdfdoc.data_table(["STT", "Họ và tên"], rows[:5], [15, 150])]
    pages = pdf_text(pdfdoc.build(tmp_path / "b.pdf", story), layout=True).split("\f")
    assert "II. TẬP THỂ" not in pages[0] and "II. TẬP THỂ" in pages[1]


def test_registration_sheet_issuer_rule(database, clerk, tmp_path):
    from models import registrations
    from reports import registration_docs
    from tests.decision_fixtures import make_movement
    o = make_org(clerk)
    reg = registrations.register(actor=clerk, movement=make_movement(),
                                 subject=o["villages"][0],
                                 titles=[catalogue.title_by_code("TDPVH")])
    path = registration_docs.write_registration_sheet(registration_id=reg.id,
                                                      path=tmp_path / "dk.pdf")
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        body = _line_chars(page, "THÔN ĐÔNG HÒA")
        assert all("Bold" in c["fontname"] for c in body)
        top = _line_chars(page, "UBND XÃ")
        widest = max(body[-1]["x1"] - body[0]["x0"], top[-1]["x1"] - top[0]["x0"])
        rule = _rule_below(page, body)
    assert widest / 3 <= rule <= widest / 2, (rule, widest)
