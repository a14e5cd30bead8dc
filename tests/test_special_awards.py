"""Sudden (đột xuất) and themed (chuyên đề) awards: from the act to an issued decision in the
register, their method, and the annual report counting them apart (read back with openpyxl,
and once more after LibreOffice has re-saved the workbook)."""
import datetime

import openpyxl
import pytest

from models import award_history, award_method, catalogue, decisions, movements, settings
from models import special_awards as sa
from models import statistics
from models.entities import AwardOccasion, Decision, Movement
from models.errors import ConflictError, ValidationError
from models import vntext
from reports import certificates, exports
from tests.decision_fixtures import make_movement
from tests.helpers import make_org, pdf_text

TODAY = datetime.date(2026, 8, 10)


def _gk():
    return catalogue.title_by_code("GK_CN")


@pytest.fixture
def world(leader):
    settings.save_initial_settings(actor=leader, values={"commune_name": "Xã Tân Lập",
                                                         "place_name": "Tân Lập",
                                                         "chairman": "Lê Văn Chủ"})
    return make_org(leader)


def _sudden(actor, org, **kw):
    an = org["people"][0]
    args = dict(event_date=datetime.date(2026, 8, 3), place="bến đò Cồn",
                description="Dũng cảm cứu hai học sinh bị đuối nước",
                recipients=[(an, _gk())], date=datetime.date(2026, 8, 5), today=TODAY)
    args.update(kw)
    return sa.create_sudden_award(actor=actor, **args)


def test_sudden_award_from_the_act_to_the_register_and_certificate(world, clerk, leader,
                                                                   tmp_path):
    an = world["people"][0]
    d = _sudden(clerk, world)
    assert d.state == "draft" and d.movement_id is None and d.period_year == 2026
    assert d.about == "Về việc khen thưởng đột xuất"
    occ = sa.occasion_of(d)
    assert (occ.method, occ.event_date, occ.place) == ("sudden", datetime.date(2026, 8, 3),
                                                       "bến đò Cồn")
    award = d.awards.get()
    assert award.person_id == an.id
    assert award.achievement == ("Đã có thành tích đột xuất: dũng cảm cứu hai học sinh bị đuối "
                                 "nước tại bến đò Cồn, ngày 03/08/2026")
    assert award_method.decision_method(d) == award_method.SUDDEN == "dot_xuat"
    issued = decisions.issue_decision(actor=leader, decision=d)
    assert issued.number and issued.total == 760_000   # 0,3 × 2.530.000 rounded up
    rows = award_history.register_rows(year=2026)
    assert [r["name"] for r in rows] == ["Nguyễn Văn An"] and rows[0]["register_no"] == 1
    out = certificates.write_decision_certificates(decision_id=d.id, path=str(tmp_path / "gk.pdf"))
    text = " ".join(pdf_text(out.path).split())
    assert "cứu hai học sinh bị đuối nước" in text and "Nguyễn Văn An" in text


def test_a_future_act_is_refused_and_nothing_is_written(world, clerk):
    before = Decision.select().count()
    with pytest.raises(ValidationError) as err:
        _sudden(clerk, world, event_date=datetime.date(2026, 8, 11))
    assert err.value.field == "event_date" and "chưa tới" in str(err.value)
    with pytest.raises(ValidationError) as err:
        _sudden(clerk, world, date=datetime.date(2026, 8, 1))        # decision before the act
    assert err.value.field == "date"
    with pytest.raises(ValidationError) as err:
        _sudden(clerk, world, description="   ")
    assert err.value.field == "description"
    with pytest.raises(ValidationError) as err:
        _sudden(clerk, world, recipients=[])
    assert err.value.field == "recipients"
    assert Decision.select().count() == before and AwardOccasion.select().count() == 0


def test_sudden_award_is_paid_beside_the_years_titles(world, leader):
    """A sudden Giấy khen commends its own act: the yearly Giấy khen of the same person and
    year neither blocks it nor makes it unpaid (and the reverse)."""
    an = world["people"][0]
    yearly = decisions.create_draft(actor=leader, date=datetime.date(2026, 7, 20),
                                    period_year=2026)
    decisions.add_recipient(actor=leader, decision=yearly, subject=an, title=_gk())
    decisions.issue_decision(actor=leader, decision=yearly)
    d = _sudden(leader, world)
    assert d.awards.get().paid and d.total == 760_000
    decisions.issue_decision(actor=leader, decision=d)
    # a second yearly decision for the same year is still refused by the yearly one
    again = decisions.create_draft(actor=leader, date=datetime.date(2026, 8, 9), period_year=2026)
    with pytest.raises(ConflictError):
        decisions.add_recipient(actor=leader, decision=again, subject=an, title=_gk())


def test_an_amendment_of_a_sudden_decision_stays_sudden(world, leader):
    d = decisions.issue_decision(actor=leader, decision=_sudden(leader, world))
    new = decisions.amend_decision(actor=leader, decision=d, date=TODAY, reason="Sai tên")
    assert award_method.decision_method(new) == award_method.SUDDEN
    assert sa.occasion_of(new).description == sa.occasion_of(d).description


def test_sudden_occasion_is_editable_only_as_a_draft(world, clerk, leader):
    d = _sudden(clerk, world)
    sa.update_sudden_occasion(actor=clerk, decision=d, place="Sông Lam", today=TODAY)
    assert sa.occasion_of(d).place == "Sông Lam"
    with pytest.raises(ValidationError):
        sa.update_sudden_occasion(actor=clerk, decision=d, event_date="20/09/2026",
                                  today=TODAY)
    decisions.issue_decision(actor=leader, decision=d)
    with pytest.raises(ConflictError):
        sa.update_sudden_occasion(actor=clerk, decision=d, place="x", today=TODAY)


def _themed_movement(year=2026):
    name = f"Phong trào thi đua chuyên đề “Chung sức xây dựng nông thôn mới” năm {year}"
    return Movement.create(name=name, name_key=vntext.fold(name), kind="themed",
                           year_from=year, year_to=year)


def test_themed_award_at_a_round_review_and_at_the_close_of_a_themed_movement(world, clerk,
                                                                              leader):
    v1 = world["villages"][0]
    regular = make_movement(year=2026)
    rnd = movements.add_round(actor=leader, movement=regular, name="Đợt 1",
                              start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30),
                              review_name="Sơ kết 6 tháng đầu năm",
                              review_date=datetime.date(2026, 7, 10))
    tdpvh = catalogue.title_by_code("GK_TT")
    d = sa.create_themed_award(actor=clerk, round=rnd, recipients=[(v1, tdpvh)])
    assert d.date == datetime.date(2026, 7, 10) and d.movement_id == regular.id
    assert d.about.startswith("Về việc khen thưởng sơ kết 6 tháng đầu năm phong trào")
    assert sa.occasion_of(d).round_id == rnd.id
    assert award_method.decision_method(d) == award_method.THEMED
    # a themed movement without a round; a regular movement without a round is refused
    themed = _themed_movement()
    d2 = sa.create_themed_award(actor=clerk, movement=themed, date=datetime.date(2026, 11, 30))
    assert award_method.decision_method(d2) == award_method.THEMED and d2.period_year == 2026
    with pytest.raises(ValidationError) as err:
        sa.create_themed_award(actor=clerk, movement=regular, date=datetime.date(2026, 11, 30))
    assert err.value.field == "movement"
    with pytest.raises(ValidationError) as err:
        sa.create_themed_award(actor=clerk, round=rnd, date=datetime.date(2025, 12, 30))
    assert err.value.field == "date"
    # a themed movement's decision made the usual way is themed too (no occasion row)
    plain = decisions.create_draft(actor=clerk, date=datetime.date(2026, 12, 1), movement=themed)
    assert award_method.decision_method(plain) == award_method.THEMED
    # a decision outside any movement without an occasion counts as sudden (the rule the
    # statistics report had before issue 18); one of a regular movement as regular
    loose = decisions.create_draft(actor=clerk, date=datetime.date(2026, 12, 1))
    yearly = decisions.create_draft(actor=clerk, date=datetime.date(2026, 12, 2),
                                    movement=regular)
    many = award_method.methods_by_decision([plain.id, d.id, loose.id, yearly.id])
    assert many == {plain.id: "chuyen_de", d.id: "chuyen_de", loose.id: "dot_xuat",
                    yearly.id: "thuong_xuyen"}
    assert all(award_method.decision_method(Decision.get_by_id(i)) == m
               for i, m in many.items())


def test_annual_report_counts_sudden_and_themed_awards_apart(world, leader, tmp_path):
    an, binh, cuong = world["people"]
    v1 = world["villages"][0]
    yearly = decisions.create_draft(actor=leader, date=datetime.date(2026, 7, 20),
                                    period_year=2026, movement=make_movement(year=2026))
    decisions.add_recipient(actor=leader, decision=yearly, subject=binh, title=_gk())
    decisions.add_recipient(actor=leader, decision=yearly, subject=cuong, title=_gk())
    decisions.issue_decision(actor=leader, decision=yearly)
    decisions.issue_decision(actor=leader, decision=_sudden(leader, world))
    themed = sa.create_themed_award(actor=leader, movement=_themed_movement(),
                                    date=datetime.date(2026, 7, 30),
                                    recipients=[(v1, catalogue.title_by_code("GK_TT"))])
    decisions.issue_decision(actor=leader, decision=themed)
    s = statistics.annual_summary(2026)
    assert s.current.by_method == {"thuong_xuyen": 2, "chuyen_de": 1, "dot_xuat": 1}
    assert s.current.amount_by_method["dot_xuat"] == 760_000
    assert sum(s.current.amount_by_method.values()) == s.current.amount
    path = exports.export(kind="annual", path=str(tmp_path / "nam.xlsx"), year=2026)

    def check(book):
        ws = book["Tổng hợp"]
        values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(6, ws.max_row + 1)}
        assert values["   – Khen thưởng thường xuyên"] == 2
        assert values["   – Khen thưởng theo chuyên đề, theo đợt"] == 1
        assert values["   – Khen thưởng đột xuất"] == 1
        assert values["   – Khen thưởng đột xuất (đồng)"] == 760_000
        assert values["Tổng số lượt khen thưởng"] == 4
        kinds = {book["Theo quyết định"].cell(r, 7).value
                 for r in range(6, book["Theo quyết định"].max_row)}
        assert kinds == {"Thường xuyên", "Chuyên đề", "Đột xuất"}
    check(openpyxl.load_workbook(path))
    from tests.office import saved_by_libreoffice
    check(openpyxl.load_workbook(saved_by_libreoffice(path, tmp_path / "lo")))


def test_batch_commands_make_sudden_and_themed_drafts_and_list_the_records(world, leader,
                                                                           capsys, monkeypatch):
    import json

    import main
    from models import db as dbmod
    from models import discipline, initiatives
    an, binh, _ = world["people"]
    item = initiatives.create_initiative(actor=leader, title="Sổ tay điện tử hộ nghèo",
                                         authors=[an], date=datetime.date(2026, 2, 1))
    discipline.record_discipline(actor=leader, subject=binh, form="canh_cao", number="3/QĐ",
                                 date=datetime.date(2026, 3, 1))
    themed = _themed_movement()
    from tests.helpers import set_password
    monkeypatch.setenv("TDKT_PASSWORD", set_password(leader))
    db_path = dbmod.current_path()
    dbmod.close_database()
    run = main.run_command
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    assert run(["--db", db_path, "--user", leader.username, "sudden", "--event-date", yesterday,
                             "--description", "Cứu người trong đám cháy", "--place", "thôn Đông",
                             "--recipient", f"person:{an.id}:GK_CN",
                             "--recipient", f"person:{binh.id}:GK_CN"]) == 0
    assert "khen thưởng đột xuất" in capsys.readouterr().out
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    assert run(["--db", db_path, "--user", leader.username, "sudden", "--event-date", tomorrow,
                             "--description", "x", "--recipient", f"person:{an.id}:GK_CN"]) == 1
    assert "chưa tới" in capsys.readouterr().err
    assert run(["--db", db_path, "--user", leader.username, "sudden", "--event-date", yesterday,
                             "--description", "x", "--recipient", "nguoi:1"]) == 2
    capsys.readouterr()
    assert run(["--db", db_path, "--user", leader.username, "themed", "--movement", str(themed.id),
                             "--date", "30/11/2026",
                             "--recipient", f"unit:{world['villages'][0].id}:GK_TT"]) == 0
    capsys.readouterr()
    assert main.run_command(["--db", db_path, "list", "initiatives", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["authors"]) for r in listed] == [(item.id, "Nguyễn Văn An")]
    assert main.run_command(["--db", db_path, "list", "disciplines", "--json"]) == 0
    assert [r["form_label"] for r in json.loads(capsys.readouterr().out)] == ["Cảnh cáo"]
    dbmod.open_database(db_path)
    rows = sa.occasion_rows()
    assert sorted(r["method"] for r in rows) == ["sudden", "themed"]
    sudden = next(r for r in rows if r["method"] == "sudden")
    assert sudden["count"] == 2 and sudden["place"] == "thôn Đông"

