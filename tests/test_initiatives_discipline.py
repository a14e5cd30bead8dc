"""Initiatives and discipline: the records, their bad input, and the candidate warnings they
feed (Chiến sĩ thi đua cơ sở; discipline of a person, a unit, a unit's members)."""
import datetime

import pytest

from models import candidates, discipline, initiatives, settings
from models.entities import AuditLog, Initiative, InitiativeAuthor, ScoreSheet
from models.errors import PermissionDenied, ValidationError
from tests.decision_fixtures import YEAR, make_year, score


def _rows(org):
    return candidates.candidate_rows(movement=org["movement"], year=YEAR)


def _find(rows, name, code_name):
    return next(r for r in rows if r["name"] == name and r["title"] == code_name)


CSTDCS = "Chiến sĩ thi đua cơ sở"


def _initiative(actor, authors, **kw):
    args = dict(title="Số hóa hồ sơ học sinh bằng mã QR", authors=authors,
                date=datetime.date(YEAR, 3, 1), area="Giáo dục",
                effect="Giảm một nửa thời gian tra cứu hồ sơ", scope="base")
    args.update(kw)
    return initiatives.create_initiative(actor=actor, **args)


def test_initiative_needs_an_author_and_a_sound_date(database, clerk, leader):
    org = make_year(clerk)
    an, binh, _ = org["people"]
    with pytest.raises(ValidationError) as err:
        _initiative(clerk, [])
    assert err.value.field == "authors" and "tác giả" in str(err.value)
    with pytest.raises(ValidationError) as err:
        _initiative(clerk, [an], title="  ")
    assert err.value.field == "title"
    with pytest.raises(ValidationError):
        _initiative(clerk, [an], scope="thon")
    item = _initiative(clerk, [an, binh, an])         # a repeated author counts once
    assert [a.person_id for a in item.authors.order_by(InitiativeAuthor.order)] == [an.id,
                                                                                    binh.id]
    assert item.unit_id == org["office"].id and item.state == "pending"
    # only a leader records the council's verdict, on a date after the initiative's
    with pytest.raises(PermissionDenied):
        initiatives.recognise_initiative(actor=clerk, initiative=item, number="01/QĐ-HĐSK",
                                         date=datetime.date(YEAR, 6, 1))
    with pytest.raises(ValidationError) as err:
        initiatives.recognise_initiative(actor=leader, initiative=item, number="01/QĐ-HĐSK",
                                         date=datetime.date(YEAR, 2, 1))
    assert err.value.field == "decision_date"
    with pytest.raises(ValidationError):
        initiatives.recognise_initiative(actor=leader, initiative=item, number="",
                                         date=datetime.date(YEAR, 6, 1))
    initiatives.recognise_initiative(actor=leader, initiative=item, number="01/QĐ-HĐSK",
                                     council="Hội đồng sáng kiến xã",
                                     date=datetime.date(YEAR, 6, 1))
    # editing the authors keeps at least one
    with pytest.raises(ValidationError):
        initiatives.update_initiative(actor=clerk, initiative=item, authors=[])
    initiatives.update_initiative(actor=clerk, initiative=item, authors=[binh], area="CNTT")
    assert Initiative.get_by_id(item.id).area == "CNTT"
    assert AuditLog.select().where(AuditLog.action == "update_initiative").count() == 1


def test_initiatives_of_a_person_by_year(database, clerk, leader):
    org = make_year(clerk)
    an, binh, _ = org["people"]
    item = _initiative(clerk, [an, binh])
    assert initiatives.initiatives_of(an, [YEAR]) == []          # not recognised yet
    initiatives.recognise_initiative(actor=leader, initiative=item, number="01/QĐ-HĐSK",
                                     date=datetime.date(YEAR, 6, 1))
    found = initiatives.initiatives_of(an, [YEAR])
    assert [(f["title"], f["year"], f["number"], f["co_authors"]) for f in found] == [
        ("Số hóa hồ sơ học sinh bằng mã QR", YEAR, "01/QĐ-HĐSK", ["Trần Thị Bình"])]
    assert initiatives.initiatives_of(an, [YEAR + 1]) == []
    assert initiatives.initiatives_of(an.id) == found
    rows = initiatives.initiative_rows(search="ma qr")
    assert rows[0]["authors"] == "Nguyễn Văn An, Trần Thị Bình"
    assert rows[0]["state_label"] == "Đã công nhận"


def test_cstdcs_reads_initiatives_and_completion_with_the_and_or_setting(database, clerk,
                                                                         leader):
    org = make_year(clerk)
    an = org["people"][0]
    mv = org["movement"]
    candidates.build_candidates(actor=clerk, movement=mv, year=YEAR)
    warned = _find(_rows(org), "Nguyễn Văn An", CSTDCS)["warnings"]
    assert any("sáng kiến được công nhận" in w for w in warned)
    assert any("hoàn thành xuất sắc nhiệm vụ" in w for w in warned)
    item = _initiative(clerk, [an])
    initiatives.recognise_initiative(actor=leader, initiative=item, number="01/QĐ-HĐSK",
                                     date=datetime.date(YEAR, 6, 1))
    candidates.refresh_warnings(movement=mv, year=YEAR)
    warned = _find(_rows(org), "Nguyễn Văn An", CSTDCS)["warnings"]
    assert not any("sáng kiến" in w for w in warned)
    assert any("hoàn thành xuất sắc nhiệm vụ" in w for w in warned)   # "and": both needed
    settings.update_settings(actor=leader, values={"cstdcs_rule": "or"})
    candidates.refresh_warnings(movement=mv, year=YEAR)
    assert not any("sáng kiến" in w or "xuất sắc nhiệm vụ" in w
                   for w in _find(_rows(org), "Nguyễn Văn An", CSTDCS)["warnings"])
    # Bình has neither: one warning naming both
    binh = _find(_rows(org), "Trần Thị Bình", CSTDCS)["warnings"]
    assert [w for w in binh if "sáng kiến" in w] == [
        "Chiến sĩ thi đua cơ sở cần hoàn thành xuất sắc nhiệm vụ hoặc có sáng kiến được công "
        "nhận; năm 2025 chưa có cả hai."]
    # back to "and": a personal sheet rated Xuất sắc satisfies completion
    settings.update_settings(actor=leader, values={"cstdcs_rule": "and"})
    sheet = score(mv, org["office"], "Xuất sắc")
    ScoreSheet.update(unit=None, person=an).where(ScoreSheet.id == sheet.id).execute()
    candidates.refresh_warnings(movement=mv, year=YEAR)
    assert not any("sáng kiến" in w or "xuất sắc nhiệm vụ" in w
                   for w in _find(_rows(org), "Nguyễn Văn An", CSTDCS)["warnings"])


def test_discipline_period_and_forms(database, clerk):
    org = make_year(clerk)
    an = org["people"][0]
    base = dict(number="05/QĐ-UBND", date=datetime.date(YEAR, 3, 1))
    with pytest.raises(ValidationError) as err:
        discipline.record_discipline(actor=clerk, subject=an, form="canh_cao",
                                     start_date=datetime.date(YEAR, 3, 1),
                                     end_date=datetime.date(YEAR, 2, 1), **base)
    assert err.value.field == "end_date" and "trước khi bắt đầu" in str(err.value)
    with pytest.raises(ValidationError) as err:
        discipline.record_discipline(actor=clerk, subject=an, form="phat_tien", **base)
    assert err.value.field == "form"
    with pytest.raises(ValidationError) as err:       # a unit is not demoted
        discipline.record_discipline(actor=clerk, subject=org["office"], form="giang_chuc",
                                     **base)
    assert err.value.field == "form"
    with pytest.raises(ValidationError) as err:
        discipline.record_discipline(actor=clerk, subject=org["households"][0],
                                     form="khien_trach", **base)
    with pytest.raises(ValidationError) as err:
        discipline.record_discipline(actor=clerk, subject=an, form="khien_trach",
                                     number="05/QĐ-UBND", date=datetime.date(2999, 1, 1))
    assert err.value.field == "date"
    d = discipline.record_discipline(actor=clerk, subject=an, form="khien_trach",
                                     end_date=datetime.date(YEAR, 8, 31), **base)
    assert d.start_date == d.date                     # the period starts with the decision
    with pytest.raises(ValidationError):
        discipline.update_discipline(actor=clerk, discipline=d,
                                     end_date=datetime.date(YEAR, 1, 1))
    assert [r["name"] for r in discipline.discipline_rows(year=YEAR)] == ["Nguyễn Văn An"]
    assert discipline.discipline_rows(year=YEAR + 1) == []
    assert [x["form"] for x in discipline.disciplines_of(an, [YEAR])] == ["Khiển trách"]
    with pytest.raises(ValidationError):
        discipline.delete_discipline(actor=clerk, discipline=d, reason="")
    discipline.delete_discipline(actor=clerk, discipline=d, reason="Nhập nhầm người")
    assert discipline.discipline_rows() == []


def test_discipline_flags_the_person_the_unit_and_collective_titles(database, clerk, leader):
    org = make_year(clerk)
    an, binh, cuong = org["people"]
    mv = org["movement"]
    candidates.build_candidates(actor=clerk, movement=mv, year=YEAR)
    school = "Trường Tiểu học Tân Lập"
    assert not any("kỷ luật" in w for r in _rows(org) for w in r["warnings"])
    # a reprimand (khiển trách) of Bình: she is flagged; the school's collective title is
    # not (the rule is "no member at cảnh cáo or above")
    discipline.record_discipline(actor=clerk, subject=binh, form="khien_trach",
                                 number="07/QĐ-UBND", date=datetime.date(YEAR, 4, 2),
                                 end_date=datetime.date(YEAR, 10, 1))
    candidates.refresh_warnings(movement=mv, year=YEAR)
    rows = _rows(org)
    flagged = _find(rows, "Trần Thị Bình", CSTDCS)["warnings"]
    assert any(w.startswith("Bị kỷ luật khiển trách (Quyết định số 07/QĐ-UBND ngày "
                            "02/04/2025") for w in flagged)
    collective = _find(rows, school, "Tập thể lao động tiên tiến")["warnings"]
    assert not any("kỷ luật" in w for w in collective)
    # a warning (cảnh cáo) of An from the year before, still running into this year
    discipline.record_discipline(actor=clerk, subject=an, form="canh_cao", number="30/QĐ-UBND",
                                 date=datetime.date(YEAR - 1, 11, 20),
                                 end_date=datetime.date(YEAR, 11, 19))
    candidates.refresh_warnings(movement=mv, year=YEAR)
    collective = _find(_rows(org), school, "Tập thể lao động tiên tiến")["warnings"]
    assert any("Có 1 thành viên bị kỷ luật từ cảnh cáo trở lên năm 2025 (Nguyễn Văn An)" in w
               for w in collective)
    # the unit itself disciplined
    discipline.record_discipline(actor=clerk, subject=org["villages"][0], form="khien_trach",
                                 number="09/QĐ-UBND", date=datetime.date(YEAR, 5, 5))
    candidates.refresh_warnings(movement=mv, year=YEAR)
    village = _find(_rows(org), "Thôn Đông Hòa", "Thôn, tổ dân phố văn hóa")["warnings"]
    assert any(w.startswith("Tập thể bị kỷ luật khiển trách") for w in village)
    # the levels are settings: only cảnh cáo or above flags a person
    settings.update_settings(actor=leader, values={"discipline_person_min": "canh_cao"})
    candidates.refresh_warnings(movement=mv, year=YEAR)
    assert not any("kỷ luật" in w for w in _find(_rows(org), "Trần Thị Bình", CSTDCS)["warnings"])
    # a discipline that ended before the year flags nothing
    discipline.record_discipline(actor=clerk, subject=cuong, form="cach_chuc",
                                 number="01/QĐ-UBND", date=datetime.date(YEAR - 3, 1, 5),
                                 end_date=datetime.date(YEAR - 2, 1, 4))
    candidates.refresh_warnings(movement=mv, year=YEAR)
    assert not any("kỷ luật" in w for w in _find(_rows(org), "Lê Đức Cường",
                                                  "Lao động tiên tiến")["warnings"])
    # warnings never block: the council can still vote and decide
    assert all(not r["removed"] for r in _rows(org))
