"""Periodic reviews: periods, refusals, figures from the records, the clerk's text kept, the
frozen figures of a sent report, and the PDF read back with pdftotext."""
import datetime
import re

import pytest

from models import exemplary as ex, movements as mv, registrations as rg, reviews
from models.entities import AuditLog, Award, Decision, Review
from models.errors import ConflictError, ValidationError
from reports import review_docs
from tests import office
from tests.helpers import make_org, pdf_fonts, pdf_text
from tests.office import needs_libreoffice

D = datetime.date


@pytest.fixture
def world(clerk, leader):
    from models import demo, settings
    settings.update_settings(actor=leader, values=demo.DEMO_COMMUNE)
    org = make_org(clerk)
    m = mv.add_movement(actor=clerk, name="Phong trào thi đua yêu nước năm 2025",
                        year_from=2025, doc_number="05/KH-UBND", doc_date=D(2025, 1, 6))
    r1 = mv.add_round(actor=clerk, movement=m, name="Đợt 1", start=D(2025, 1, 1),
                      end=D(2025, 6, 30), review_name="Sơ kết 6 tháng",
                      review_date=D(2025, 7, 10))
    r2 = mv.add_round(actor=clerk, movement=m, name="Đợt 2", start=D(2025, 7, 1),
                      end=D(2025, 12, 31), review_name="Tổng kết năm",
                      review_date=D(2025, 12, 20))
    income = mv.add_target(actor=clerk, movement=m, name="Thu nhập bình quân đầu người",
                           value="60", measure="triệu đồng", code="1")
    poor = mv.add_target(actor=clerk, movement=m, name="Tỷ lệ hộ nghèo", value="2,5",
                         measure="%", direction="lower", code="2")
    mv.add_target(actor=clerk, movement=m, name="Giải quyết việc làm", value="160",
                  measure="người", code="3")
    mv.set_actual(actor=clerk, target=income, actual="66")
    mv.set_actual(actor=clerk, target=poor, actual="2")
    for unit, title in ((org["villages"][0], "TDPVH"), (org["office"], "TTLDTT")):
        reg = rg.register(actor=clerk, movement=m, subject=unit, year=2025, titles=[title])
        rg.submit(actor=clerk, registration=reg)
    rg.accept(actor=leader, registration=rg.find_registration(m, org["office"], 2025))
    model = ex.discover(actor=clerk, movement=m, name="Tổ tự quản an ninh trật tự",
                        originator=org["villages"][0], date=D(2025, 3, 1))
    ex.record_stage(actor=clerk, model=model, stage=ex.NURTURED, date=D(2025, 5, 1))
    ex.record_stage(actor=clerk, model=model, stage=ex.SUMMARISED, date=D(2025, 9, 1))
    return dict(org, movement=m, rounds=(r1, r2), model=model)


def test_periods_and_refusals(clerk, world):
    m, (r1, r2) = world["movement"], world["rounds"]
    assert reviews.period(movement=m, kind=reviews.SO_KET, round=r1) == (
        D(2025, 1, 1), D(2025, 6, 30), 2025)
    assert reviews.period(movement=m, kind=reviews.TONG_KET, round=r2) == (
        D(2025, 1, 1), D(2025, 12, 31), 2025)
    assert reviews.period(movement=m, kind=reviews.TONG_KET) == (
        D(2025, 1, 1), D(2025, 12, 31), 2025)
    with pytest.raises(ValidationError, match="chưa diễn ra"):
        reviews.create_review(actor=clerk, movement=m, kind=reviews.TONG_KET, round=r2,
                              on=D(2025, 6, 15))
    with pytest.raises(ValidationError, match="cần chọn đợt"):
        reviews.create_review(actor=clerk, movement=m, kind=reviews.SO_KET)
    later = mv.add_movement(actor=clerk, name="Phong trào năm sau", year_from=2099)
    rnd = mv.add_round(actor=clerk, movement=later, name="Đợt 1", start=D(2099, 1, 1),
                       end=D(2099, 6, 30))
    with pytest.raises(ValidationError, match="Chưa lập được báo cáo: đợt 'Đợt 1'"):
        reviews.create_review(actor=clerk, movement=later, kind=reviews.SO_KET, round=rnd)
    assert not Review.select().exists()
    reviews.create_review(actor=clerk, movement=m, kind=reviews.SO_KET, round=r1)
    with pytest.raises(ConflictError):
        reviews.create_review(actor=clerk, movement=m, kind=reviews.SO_KET, round=r1)
    # one year-end summary per year, whether made from the round or from the year
    reviews.create_review(actor=clerk, movement=m, kind=reviews.TONG_KET, round=r2)
    with pytest.raises(ConflictError):
        reviews.create_review(actor=clerk, movement=m, kind=reviews.TONG_KET, year=2025)
    assert reviews.find_or_none(movement=m, kind=reviews.TONG_KET).round_id == r2.id


def test_figures_direction_aware_and_no_data_never_zero(clerk, world):
    m, (r1, _) = world["movement"], world["rounds"]
    review = reviews.create_review(actor=clerk, movement=m, kind=reviews.SO_KET, round=r1)
    fig = reviews.figures_of(review)
    targets = {t["code"]: t for t in fig["targets"]}
    assert (targets["1"]["percent"], targets["1"]["verdict"]) == ("110 %", "Đạt")
    assert (targets["2"]["percent"], targets["2"]["verdict"]) == ("125 %", "Đạt")  # lower: 2,5/2
    assert targets["3"]["actual"] == "Chưa có số liệu" and targets["3"]["percent"] == ""
    assert targets["3"]["verdict"] == "Chưa có số liệu"
    by_kind = {k["kind"]: k for k in fig["registrations"]["by_kind"]}
    assert (by_kind["unit"]["accepted"], by_kind["unit"]["submitted"]) == (1, 1)
    stages = {s["stage"]: s["count"] for s in fig["models"]["by_stage"]}
    # at the end of the round (30/6) the model was nurtured; summarised only in September
    assert stages == {"discovered": 0, "nurtured": 1, "summarised": 0, "replicated": 0}
    year = reviews.create_review(actor=clerk, movement=m, kind=reviews.TONG_KET,
                                 round=world["rounds"][1])
    stages = {s["stage"]: s["count"] for s in reviews.figures_of(year)["models"]["by_stage"]}
    assert stages["summarised"] == 1 and stages["nurtured"] == 0


def test_text_kept_edit_until_sent_then_frozen(clerk, leader, world, tmp_path):
    m, (r1, _) = world["movement"], world["rounds"]
    review = reviews.create_review(actor=clerk, movement=m, kind=reviews.SO_KET, round=r1,
                                   number="45/BC-UBND", report_date=D(2025, 7, 8))
    reviews.update_review(actor=clerk, review=review,
                          shortcomings="Một số thôn đăng ký chậm.\n\n\nChỉ tiêu việc làm "
                                       "chưa có số liệu.",
                          next_tasks="Đôn đốc các thôn hoàn thành chỉ tiêu.")
    review = Review.get_by_id(review.id)
    assert review.shortcomings == ("Một số thôn đăng ký chậm.\n\nChỉ tiêu việc làm chưa có "
                                   "số liệu.")
    reviews.mark_sent(actor=clerk, review=review, sent_date="12/07/2025",
                      sent_to="UBND tỉnh (qua Sở Nội vụ)")
    with pytest.raises(ConflictError, match="đã gửi"):
        reviews.update_review(actor=clerk, review=review, lessons="x")
    target = mv.targets_of(m)[2]
    mv.set_actual(actor=clerk, target=target, actual="150")
    frozen = {t["code"]: t for t in reviews.figures_of(review)["targets"]}
    assert frozen["3"]["verdict"] == "Chưa có số liệu"     # as it was sent
    path = review_docs.write_review(review, tmp_path / "so-ket.pdf")
    text = " ".join(pdf_text(path).split())
    assert "Chưa có số liệu" in text and not re.search(r"(?<![\d,])0 %", text)
    lines = pdf_text(path, layout=True).splitlines()
    at = next(i for i, line in enumerate(lines) if "Giải quyết việc làm" in line)
    row = " ".join(" ".join(lines[at - 1:at + 2]).split())    # a cell may wrap to 2 lines
    assert "160 người" in row and "Chưa có" in row and "%" not in row
    for needle in ("BÁO CÁO", "Sơ kết 6 tháng đầu năm 2025 Phong trào thi đua yêu nước năm "
                   "2025", "Số: 45/BC-UBND", "Tân Lập, ngày 08 tháng 7 năm 2025",
                   "Kế hoạch số 05/KH-UBND ngày 06/01/2025", "Một số thôn đăng ký chậm.",
                   "Đôn đốc các thôn hoàn thành chỉ tiêu.", "Tổ tự quản an ninh trật tự",
                   "III. BÀI HỌC KINH NGHIỆM", "UBND tỉnh (qua Sở Nội vụ);", "Lưu: VT.",
                   "TM. ỦY BAN NHÂN DÂN"):
        assert needle in text, needle
    assert all(embedded for _, embedded in pdf_fonts(path))
    reviews.reopen_review(actor=leader, review=review, reason="Bổ sung số liệu việc làm")
    fresh = {t["code"]: t for t in reviews.figures_of(review)["targets"]}
    assert fresh["3"]["verdict"] == "Chưa đạt" and fresh["3"]["percent"] == "93,8 %"
    actions = [a for (a,) in AuditLog.select(AuditLog.action)
               .where(AuditLog.entity == "review").tuples()]
    assert actions == ["create_review", "update_review", "send_review", "reopen_review"]


def test_multi_year_movement_per_year_and_whole_period(clerk, tmp_path):
    make_org(clerk)
    m = mv.add_movement(actor=clerk, name="Phong trào thi đua giai đoạn 2020–2025",
                        year_from=2020, year_to=2025)
    for year, actual in ((2021, "70"), (2024, None)):
        t = mv.add_target(actor=clerk, movement=m, name=f"Tỷ lệ hộ văn hóa năm {year}",
                          value="80", measure="%")
        mv.update_target(actor=clerk, target=t, order=year)
        t.year = year
        t.save()
        if actual:
            mv.set_actual(actor=clerk, target=t, actual=actual)
    with pytest.raises(ValidationError, match="hãy chọn năm"):
        reviews.create_review(actor=clerk, movement=m, kind=reviews.TONG_KET)
    with pytest.raises(ValidationError, match="ngoài thời gian"):
        reviews.create_review(actor=clerk, movement=m, kind=reviews.TONG_KET, year=2026)
    y2021 = reviews.create_review(actor=clerk, movement=m, kind=reviews.TONG_KET, year=2021)
    whole = reviews.create_review(actor=clerk, movement=m, kind=reviews.GIAI_DOAN)
    assert (whole.period_start, whole.period_end) == (D(2020, 1, 1), D(2025, 12, 31))
    assert [t["name"] for t in reviews.figures_of(y2021)["targets"]] == [
        "Tỷ lệ hộ văn hóa năm 2021"]
    fig = reviews.figures_of(whole)
    assert fig["years"] == [2020, 2021, 2022, 2023, 2024, 2025]
    assert [t["verdict"] for t in fig["targets"]] == ["Chưa đạt", "Chưa có số liệu"]
    assert reviews.title_of(whole) == ("Tổng kết giai đoạn 2020–2025 Phong trào thi đua giai "
                                       "đoạn 2020–2025")
    text = " ".join(pdf_text(review_docs.write_review(whole, tmp_path / "gd.pdf")).split())
    assert "Từ ngày 01/01/2020 đến ngày 31/12/2025" in text
    options = [o[3] for o in reviews.review_options(m)]
    assert "Tổng kết năm 2021" in options and "Tổng kết giai đoạn 2020–2025" in options


def test_demo_reviews_match_the_records(leader, tmp_path):
    from models import demo
    demo.load_demo(size="small", actor=leader, this_year=2025)
    done = Review.select().where(Review.kind == reviews.TONG_KET,
                                 Review.state == reviews.SENT).first()
    assert done is not None
    assert {r.kind for r in Review.select()} == {reviews.SO_KET, reviews.TONG_KET}
    awards = reviews.figures_of(done)["awards"]
    expected = (Award.select().join(Decision)
                .where(Decision.state == "issued", Decision.date >= done.period_start,
                       Decision.date <= done.period_end).count())
    assert awards["count"] == expected > 0
    stages = {r["stage"] for r in ex.model_rows()}
    assert stages == set(ex.STAGES)
    other = Review.select().where(Review.movement != done.movement).first()
    with pytest.raises(ValidationError, match="không thuộc phong trào"):
        reviews.period(movement=done.movement, kind=reviews.SO_KET, round=other.round)
    from models.errors import UserError
    with pytest.raises(UserError, match="chỉ xuất được báo cáo ra .pdf hoặc .docx"):
        review_docs.write_review(done, tmp_path / "bao-cao.txt")


@needs_libreoffice()
def test_word_document_read_back_and_converted_by_libreoffice(clerk, world, tmp_path):
    import docx
    m, (r1, _) = world["movement"], world["rounds"]
    review = reviews.create_review(actor=clerk, movement=m, kind=reviews.SO_KET, round=r1,
                                   number="45/BC-UBND", report_date=D(2025, 7, 8),
                                   lessons="Bám sát cơ sở.")
    path = review_docs.write_review(review, tmp_path / "so-ket.docx")
    word = docx.Document(path)
    paragraphs = [p.text for p in word.paragraphs]
    assert "Sơ kết 6 tháng đầu năm 2025 Phong trào thi đua yêu nước năm 2025" in paragraphs
    assert "Bám sát cơ sở." in paragraphs and "III. BÀI HỌC KINH NGHIỆM" in paragraphs
    targets = next(t for t in word.tables if t.rows[0].cells[0].text == "STT"
                   and t.rows[0].cells[1].text == "Chỉ tiêu")
    jobs = next(r for r in targets.rows if r.cells[1].text == "Giải quyết việc làm")
    assert [c.text for c in jobs.cells[2:]] == ["160 người", "Chưa có số liệu", "",
                                                 "Chưa có số liệu"]
    assert targets._tbl.xpath(".//w:tblHeader")          # header row repeats on every page
    section = word.sections[0]
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    pdf = office.convert([path], "pdf", tmp_path / "lo")[0]
    text = " ".join(pdf_text(pdf).split())
    for needle in ("Số: 45/BC-UBND", "Tân Lập, ngày 08 tháng 7 năm 2025", "Bám sát cơ sở.",
                   "Tổ tự quản an ninh trật tự", "TM. ỦY BAN NHÂN DÂN", "Lưu: VT."):
        assert needle in text, needle
    assert not re.search(r"(?<![\d,])0 %", text)
