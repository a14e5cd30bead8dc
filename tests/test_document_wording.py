"""Wording follows the content: who is counted, what is named, the year printed, addresses,
and who issues and signs each paper (read back with pdftotext)."""
import datetime

import pytest

from models import award_history, catalogue, decisions, org, registrations, settings
from models.entities import Covenant, CovenantMember, CriteriaSet, Movement, ScoreSheet
from models.errors import ValidationError
from models import vntext
from reports import (certificates, decision_pdf, minutes_pdf, registration_docs,
                     score_docs)
from tests.decision_fixtures import make_movement, make_year
from tests.helpers import make_org, pdf_text


def flat(path):
    return " ".join(pdf_text(path).split())


def _t(code):
    return catalogue.title_by_code(code)


@pytest.fixture
def named(database, leader):
    settings.update_settings(actor=leader, values={
        "commune_name": "Xã Tân Lập", "place_name": "Tân Lập", "chairman": "Nguyễn Văn Hùng"})


def test_article_1_counts_people_not_awards(named, clerk, leader, tmp_path):
    o = make_year(clerk)
    an, binh, _ = o["people"]
    d = decisions.create_draft(actor=clerk, date="20/12/2025", movement=o["movement"],
                               period_year=2025)
    for subject, code in ((an, "LDTT"), (an, "CSTDCS"), (binh, "LDTT"),
                          (o["office"], "TTLDTT")):
        decisions.add_recipient(actor=clerk, decision=d, subject=subject, title=_t(code))
    text = flat(decision_pdf.write_decision(decision_id=d.id, path=tmp_path / "qd.pdf"))
    assert "cho 2 cá nhân và 1 tập thể (có danh sách kèm theo)" in text
    # Điều 3 names only the kinds present: no households here
    assert "các tập thể và cá nhân có tên tại Điều 1" in text
    assert "hộ gia đình có tên" not in text


def test_draft_number_leaves_room(named, clerk, tmp_path):
    import pdfplumber
    d = decisions.create_draft(actor=clerk, date="20/12/2025", period_year=2025)
    path = decision_pdf.write_decision(decision_id=d.id, path=tmp_path / "qd.pdf")
    with pdfplumber.open(path) as pdf:
        words = pdf.pages[0].extract_words()
    so = next(w for w in words if w["text"] == "Số:")
    number = next(w for w in words if w["text"] == "/QĐ-UBND")
    assert abs(so["top"] - number["top"]) < 2
    assert number["x0"] - so["x1"] > 8 * 72 / 25.4      # ≥ 8 mm to write the number in


def test_no_money_decision_says_nothing_about_money(named, clerk, leader, tmp_path):
    o = make_org(clerk)
    d = decisions.create_draft(actor=clerk, date="22/12/2025", period_year=2025,
                               signer_name="Nguyễn Văn Hùng")
    for h in o["households"]:
        decisions.add_recipient(actor=clerk, decision=d, subject=h, title=_t("GDVH"))
    d = decisions.issue_decision(actor=leader, decision=d)
    text = flat(decision_pdf.write_decision(decision_id=d.id, path=tmp_path / "qd.pdf"))
    assert "Công nhận danh hiệu “Gia đình văn hóa” năm 2025 cho 2 hộ gia đình" in text
    for money_word in ("tiền", "Tổng cộng", "Không đồng", "đồng)", "lương cơ sở"):
        assert money_word not in text, money_word
    # Điều 2 takes effect, Điều 3 names who executes ("Nơi nhận: - Như Điều 3" stays true)
    assert "Điều 2. Quyết định này có hiệu lực kể từ ngày ký. Điều 3." in text
    assert "các hộ gia đình có tên tại Điều 1" in text and "cá nhân" not in text
    # certificates cite no movement when the decision has none
    cert = flat(certificates.write_decision_certificates(
        decision_id=d.id, path=tmp_path / "gk.pdf").path)
    assert "phong trào" not in cert
    assert "Đạt danh hiệu “Gia đình văn hóa” năm 2025" in cert


def test_certificates_and_register_show_the_year_the_title_is_for(named, clerk, leader,
                                                                  tmp_path):
    o = make_year(clerk)
    d = decisions.create_draft(actor=clerk, date="08/01/2026", movement=o["movement"],
                               period_year=2025, signer_name="Nguyễn Văn Hùng")
    decisions.add_recipient(actor=clerk, decision=d, subject=o["people"][0], title=_t("LDTT"))
    decisions.add_recipient(actor=clerk, decision=d, subject=o["villages"][0],
                            title=_t("TDPVH"))
    d = decisions.issue_decision(actor=leader, decision=d)
    cert = flat(certificates.write_decision_certificates(
        decision_id=d.id, path=tmp_path / "gk.pdf").path)
    assert "Đạt danh hiệu “Lao động tiên tiến” năm 2025" in cert
    assert "năm 2026" not in cert.replace("ngày 08 tháng 01 năm 2026", "")
    rows = award_history.register_rows(year=2025)
    assert [r["period"] for r in rows] == [2025, 2025]
    assert award_history.register_rows(year=2026) == []
    assert 2025 in award_history.award_years()
    # a collective's address is its parent, never its own name
    village = next(r for r in rows if r["kind"] == "unit")
    assert village["place"] == "Xã Tân Lập"


def test_movement_of_another_year_is_refused(named, clerk):
    mv = make_movement(year=2026)
    with pytest.raises(ValidationError) as err:
        decisions.create_draft(actor=clerk, date="08/01/2026", movement=mv, period_year=2025)
    assert "2025" in str(err.value) and "phong trào" in str(err.value).lower()
    d = decisions.create_draft(actor=clerk, date="20/12/2026", movement=mv, period_year=2026)
    with pytest.raises(ValidationError):
        decisions.update_draft(actor=clerk, decision=d, period_year=2025)
    # a movement named for 2026 whose years were typed as 2025 is caught by its name
    odd = Movement.create(name="Phong trào thi đua năm 2026", name_key="x", year_from=2025,
                          year_to=2026)
    with pytest.raises(ValidationError):
        decisions.create_draft(actor=clerk, date="08/01/2026", movement=odd, period_year=2025)
    assert decisions.movement_phrase(odd, 2026) == "phong trào thi đua năm 2026"


def test_forcing_a_template_of_another_title_is_refused(named, clerk, leader, tmp_path):
    o = make_org(clerk)
    d = decisions.create_draft(actor=clerk, date="20/12/2025", period_year=2025,
                               signer_name="Nguyễn Văn Hùng")
    decisions.add_recipient(actor=clerk, decision=d, subject=o["people"][0], title=_t("LDTT"))
    d = decisions.issue_decision(actor=leader, decision=d)
    with pytest.raises(ValidationError) as err:
        certificates.write_decision_certificates(decision_id=d.id, path=tmp_path / "x.pdf",
                                                 template_name="Gia đình văn hóa")
    assert "Lao động tiên tiến" in str(err.value)
    assert not (tmp_path / "x.pdf").exists()
    ok = certificates.write_decision_certificates(decision_id=d.id, path=tmp_path / "y.pdf",
                                                  template_name="Lao động tiên tiến")
    assert ok.count == 1


def test_household_village_printed_once(named, clerk, leader, tmp_path):
    o = make_org(clerk)
    v1 = o["villages"][0]
    h = org.add_household(actor=clerk, head_name="Đặng Văn Hải", gender="nam", village=v1,
                          address=f"Số 131, {v1.name}")
    assert award_history.place_of(h) == "Số 131, Thôn Đông Hòa"
    assert award_history.join_place("Số 131, Thôn Đông Hòa, Thôn Đông Hòa") == \
        "Số 131, Thôn Đông Hòa"
    d = decisions.create_draft(actor=clerk, date="22/12/2025", period_year=2025,
                               signer_name="Nguyễn Văn Hùng")
    decisions.add_recipient(actor=clerk, decision=d, subject=h, title=_t("GDVH"))
    d = decisions.issue_decision(actor=leader, decision=d)
    text = flat(decision_pdf.write_decision(decision_id=d.id, path=tmp_path / "qd.pdf"))
    assert text.count("Thôn Đông Hòa") == 1
    cert = flat(certificates.write_decision_certificates(
        decision_id=d.id, path=tmp_path / "gk.pdf").path)
    assert cert.count("Thôn Đông Hòa") == 1
    # a unit whose address repeats its own name
    school = o["office"]
    school.address = "Trường Tiểu học Tân Lập, Xã Tân Lập"
    school.save()
    assert award_history.place_of(school) == "Xã Tân Lập"


def test_sentence_names_and_numbers():
    assert settings.sentence_name("Xã Tân Lập") == "xã Tân Lập"
    assert settings.sentence_name("Phường Hà Huy Tập") == "phường Hà Huy Tập"
    assert settings.sentence_name("Đặc khu Phú Quốc") == "đặc khu Phú Quốc"


def test_decision_numbers_below_ten_have_a_leading_zero(database):
    assert decisions.format_number(1) == "01/QĐ-UBND"
    assert decisions.format_number(12) == "12/QĐ-UBND"


# --------------------------------------------------------------------------- other papers

def test_minutes_are_the_councils(named, clerk, leader, tmp_path):
    from models import council
    o = make_year(clerk)
    meeting = council.create_meeting(
        actor=clerk, movement=o["movement"], year=2025, date=datetime.date(2025, 12, 10),
        place="Hội trường", chair="Nguyễn Văn Hùng", secretary="Lê Thị Hoa", members_total=9,
        members_present=9, secret=True)
    text = flat(minutes_pdf.write_minutes(meeting_id=meeting.id, path=tmp_path / "bb.pdf"))
    assert "UBND XÃ TÂN LẬP HỘI ĐỒNG THI ĐUA KHEN THƯỞNG" in text
    assert "Số: ……/BB-HĐTĐKT" in text


def test_table_headers_fit_their_columns():
    from reports import pdfdoc
    for header, widths in (
            (minutes_pdf.HEADER, minutes_pdf.WIDTHS_MM),
            ([c[1] for c in decision_pdf.list_columns()],
             [c[2] for c in decision_pdf.list_columns()]),
            ([c[1] for c in decision_pdf.list_columns(money=False, position=False)],
             [c[2] for c in decision_pdf.list_columns(money=False, position=False)]),
            (score_docs.SHEET_HEADER, score_docs.SHEET_WIDTHS_MM),
            (registration_docs.COMMITMENT_HEADER, registration_docs.COMMITMENT_WIDTHS_MM),
            (registration_docs.LIST_HEADER, registration_docs.LIST_WIDTHS_MM)):
        assert pdfdoc.header_fits(header, widths) == [], header
        assert abs(sum(widths) - (252 if sum(widths) > 200 else 165)) < 0.01, widths


def test_minutes_header_words_are_whole(named, clerk, tmp_path):
    import pdfplumber
    from models import candidates, council
    o = make_year(clerk)
    candidates.build_candidates(actor=clerk, movement=o["movement"], year=2025)
    meeting = council.create_meeting(
        actor=clerk, movement=o["movement"], year=2025, date=datetime.date(2025, 12, 10),
        place="Hội trường", chair="A", secretary="B", members_total=9, members_present=9)
    path = minutes_pdf.write_minutes(meeting_id=meeting.id, path=tmp_path / "bb.pdf")
    with pdfplumber.open(path) as pdf:
        words = {w["text"] for w in pdf.pages[0].extract_words()}
    assert "(Chưa" not in words     # the table is drawn
    assert {"STT", "Đồng", "ý", "Không", "đồng", "Kết", "quả"} <= words
    assert not {"ST", "Đồn", "Khôn"} & words


def test_score_sheet_names_the_checker_and_the_day_of_checking(named, clerk, leader,
                                                               tmp_path):
    o = make_org(clerk)
    cs = CriteriaSet.create(name="Bảng điểm thôn 2025", year=2025)
    sheet = ScoreSheet.create(criteria_set=cs, unit=o["villages"][0], state="checked",
                              checker="Lê Thị Hoa", checked_on=datetime.date(2025, 12, 5))
    text = flat(score_docs.write_sheet_pdf(sheet, tmp_path / "p.pdf"))
    assert "Tân Lập, ngày 05 tháng 12 năm 2025" in text
    assert vntext.format_date_long(datetime.date.today(), "Tân Lập") not in text
    assert "NGƯỜI THẨM ĐỊNH (Ký, ghi rõ họ tên) Lê Thị Hoa" in text
    assert "HỘI ĐỒNG THI ĐUA KHEN THƯỞNG" in text
    ranking = flat(score_docs.write_ranking_pdf(cs, tmp_path / "r.pdf"))
    # header and signature belong to the same body: the council
    assert "HỘI ĐỒNG THI ĐUA KHEN THƯỞNG" in ranking
    assert "TM. HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG CHỦ TỊCH" in ranking
    assert "ngày 05 tháng 12 năm 2025" in ranking


def test_village_registration_is_signed_by_its_head(named, clerk, tmp_path):
    o = make_org(clerk)
    mv = make_movement()
    for village, signer in ((o["villages"][0], "TRƯỞNG THÔN"),
                            (o["villages"][1], "TỔ TRƯỞNG TỔ DÂN PHỐ"),
                            (o["office"], "THỦ TRƯỞNG ĐƠN VỊ")):
        reg = registrations.register(actor=clerk, movement=mv, subject=village,
                                     titles=[_t("TDPVH") if village.kind.is_village
                                             else _t("TTLDTT")])
        text = flat(registration_docs.write_registration_sheet(
            registration_id=reg.id, path=tmp_path / "dk.pdf"))
        assert signer in text, signer
        if signer != "THỦ TRƯỞNG ĐƠN VỊ":
            assert "THỦ TRƯỞNG ĐƠN VỊ" not in text


def test_a_khoi_has_khoi_truong_and_khoi_pho(named, clerk, tmp_path):
    o = make_org(clerk)
    khoi = org.add_unit(actor=clerk, name="Khối thi đua các cơ quan", kind="khoi",
                        parent=o["root"])
    a = org.add_unit(actor=clerk, name="Trạm Y tế xã", kind="tram_y_te", parent=khoi)
    b = org.add_unit(actor=clerk, name="Trường Mầm non", kind="truong", parent=khoi)
    cov = Covenant.create(bloc=khoi, year=2025, head=a, deputy=b, content="Thi đua")
    for m in (a, b):
        CovenantMember.create(covenant=cov, unit=m, signer="X")
    text = flat(registration_docs.write_covenant(covenant_id=cov.id, path=tmp_path / "g.pdf"))
    assert "Khối trưởng" in text and "Khối phó" in text and "Cụm" not in text
