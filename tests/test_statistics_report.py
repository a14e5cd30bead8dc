"""The statistics report upward (biểu 0601.N, 0603.N): counted from the records, equal to the
annual report's totals, written as Excel that openpyxl and LibreOffice read back."""
import datetime
import os

import openpyxl
import pytest

from models import award_method, catalogue, council, decisions, org, statistics
from models import statistics_forms as sf
from models import vntext
from models.entities import Movement, Round
from models.errors import ValidationError
from reports import statistics_report
from tests import office
from tests.decision_fixtures import DECISION_DAY, YEAR, make_year
from tests.helpers import pdf_text
from tests.test_cli import run

NOW = datetime.date(YEAR, 12, 20)


def _themed(name, year_from=YEAR, year_to=YEAR, doc_date=None):
    full = f"{name} năm {year_from}"
    return Movement.create(name=full, name_key=vntext.fold(full), kind="themed",
                           year_from=year_from, year_to=year_to, doc_date=doc_date)


def _issue(leader, clerk, *, movement, subjects, about="Về việc khen thưởng"):
    draft = decisions.create_draft(actor=clerk, date=DECISION_DAY, movement=movement,
                                   period_year=YEAR, about=about)
    for subject, code in subjects:
        decisions.add_recipient(actor=clerk, decision=draft, subject=subject,
                                title=catalogue.title_by_code(code))
    return decisions.issue_decision(actor=leader, decision=draft, signer_name="Nguyễn Văn Hùng")


@pytest.fixture
def year_of_awards(database, clerk, leader):
    """Regular (from the vote), themed and sudden decisions of YEAR, an enterprise and its
    director, and movements of several spans."""
    data = make_year(clerk)
    mv = data["movement"]
    from models import candidates
    candidates.build_candidates(actor=clerk, movement=mv, year=YEAR)
    meeting = council.create_meeting(
        actor=clerk, movement=mv, year=YEAR, date=datetime.date(YEAR, 12, 10), place="UBND",
        chair="Nguyễn Văn Hùng", secretary="Lê Thị Hoa", members_total=9, members_present=9)
    cands = candidates.candidates(movement=mv, year=YEAR)
    council.record_votes(actor=clerk, meeting=meeting, votes=[(c, 9, 0) for c in cands])
    regular = decisions.create_draft(actor=clerk, date=DECISION_DAY, movement=mv,
                                     meeting=meeting, period_year=YEAR)
    decisions.add_candidates(actor=clerk, decision=regular, meeting=meeting)
    decisions.issue_decision(actor=leader, decision=regular, signer_name="Nguyễn Văn Hùng")
    firm = org.add_unit(actor=clerk, name="Công ty TNHH Tân Phát", kind="doanh_nghiep",
                        parent=data["root"])
    boss = org.add_person(actor=clerk, full_name="Đỗ Văn Phát", gender="nam", birth_year=1970,
                          position="Giám đốc", unit=firm)
    themed = _themed("Phong trào chung tay xây dựng nông thôn mới",
                     doc_date=datetime.date(YEAR, 3, 1))
    Round.create(movement=themed, name="Đợt 1", start=datetime.date(YEAR, 3, 1),
                 end=datetime.date(YEAR, 9, 30))
    _themed("Phong trào ba năm", year_from=YEAR, year_to=YEAR + 2)
    _themed("Phong trào năm trước", year_from=YEAR - 1, year_to=YEAR)   # launched earlier
    an = data["people"][0]
    _issue(leader, clerk, movement=themed, subjects=[(an, "GK_CN"), (firm, "GK_TT"),
                                                    (boss, "GK_CN")])
    _issue(leader, clerk, movement=None, subjects=[(data["households"][0], "GDVH"),
                                                  (data["people"][2], "GK_CN")],
           about="Về việc khen thưởng đột xuất")
    data.update(themed=themed, firm=firm, boss=boss)
    return data


def test_method_of_a_decision(year_of_awards):
    from models.entities import Decision
    methods = sorted(award_method.decision_method(d) for d in
                     Decision.select().where(Decision.state == "issued"))
    assert methods == ["chuyen_de", "dot_xuat", "thuong_xuyen"]


def test_forms_agree_with_the_annual_report(year_of_awards):
    report = sf.statistics_report(YEAR)
    summary = statistics.annual_summary(YEAR).current
    awards = report.forms[1]
    assert awards.value("01") == summary.awards == report.awards
    assert awards.value("02") == summary.by_kind["unit"]
    assert awards.value("04") == summary.by_kind["household"]
    assert awards.value("05") == summary.by_kind["person"]
    assert sum(awards.value(c) for c in ("06", "07", "08", "09", "10")) == awards.value("05")
    assert sum(awards.value(c) for c in ("11", "12", "13")) == awards.value("01")
    assert statistics_report.check_against_annual(report) == []
    # the themed decision: 3 awards chuyên đề; the sudden one: 2 đột xuất
    assert awards.value("12") == 3 and awards.value("13") == 2
    assert awards.value("03") == 1                    # the enterprise
    assert awards.value("08") == 1                    # its director: doanh nhân
    assert awards.value("09") == 1                    # Trần Thị Bình, Hiệu trưởng
    # every row: column 1 is the sum of the columns by form
    for row in awards.rows:
        if row.values:
            assert row.values[0] == sum(row.values[1:])
    giay_khen = awards.columns.index("Giấy khen của Chủ tịch Ủy ban nhân dân xã") + 1
    assert awards.value("01", giay_khen) >= 4        # person and unit Giấy khen, one column
    movements = report.forms[0]
    # launched in YEAR: the regular one, the themed one with a 7-month round, the 3-year one
    assert movements.value("01") == 3 == movements.value("05") == movements.value("05", 3)
    assert movements.value("06") == 1 and movements.value("07") == 1
    assert movements.value("09") == 1
    assert movements.value("08") == 0                # 3 years: "từ 3 đến dưới 5 năm"
    assert movements.value("11") == 2 and movements.value("12") == 1


def test_person_groups():
    assert sf.person_group("Giám đốc", "doanh_nghiep") == "08"
    assert sf.person_group("Phó Chủ tịch UBND xã") == "09"
    assert sf.person_group("Trưởng thôn") == "10"
    assert sf.person_group("Bí thư chi bộ thôn Đông") == "10"
    assert sf.person_group("Giáo viên") == "10"
    assert sf.person_group("") == "10"


def _cells(ws):
    return {str(r[1]).zfill(2): r for r in ws.iter_rows(values_only=True)
            if r and r[1] not in (None, "") and str(r[1]).isdigit()}


@office.needs_libreoffice()
def test_xlsx_read_back_and_opened_by_libreoffice(year_of_awards, tmp_path):
    path = tmp_path / "thong-ke.xlsx"
    statistics_report.export_statistics(path=path, year=YEAR)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["0601.N", "0603.N"]
    ws = wb["0603.N"]
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Biểu số: 0603.N/BNV-TĐKT" in texts and "Người lập biểu" in texts
    rows = _cells(ws)
    total = statistics.annual_summary(YEAR).current.awards
    assert rows["01"][3] == total and rows["11"][2] == "Lượt"
    assert ws.print_title_rows and ws.page_setup.orientation == "landscape"
    # LibreOffice Calc opens it, saves it as its own xlsx, and prints it to PDF
    saved = office.saved_by_libreoffice(path, tmp_path / "lo")
    again = _cells(openpyxl.load_workbook(saved)["0603.N"])
    assert again["01"][3] == total and again["05"][3] == rows["05"][3]
    pdf = office.convert([path], "pdf", tmp_path / "pdf")[0]
    text = pdf_text(pdf)
    assert "SỐ PHONG TRÀO THI ĐUA" in text and "SỐ LƯỢNG KHEN THƯỞNG" in text
    assert "Thông tư số 02/2023/TT-BNV" in text and "Đột xuất" in text


def test_batch_command_matches_export_annual(tmp_path):
    folder = tmp_path / "cli"
    folder.mkdir()
    db = folder / "demo.sqlite3"
    assert run("--db", db, "demo", "--size", "small", data_dir=folder).returncode == 0
    year = datetime.date.today().year - 1
    annual, stats = folder / "annual.xlsx", folder / "stats.xlsx"
    for kind, out in (("annual", annual), ("statistics", stats)):
        result = run("--db", db, "export", kind, "--year", year, "--out", out, data_dir=folder)
        assert result.returncode == 0, result.stderr
    summary = openpyxl.load_workbook(annual)["Tổng hợp"]
    by_label = {}
    for r in summary.iter_rows(values_only=True):      # the first "– Cá nhân" is the awards'
        if r and r[0]:
            by_label.setdefault(r[0], r[1])
    rows = _cells(openpyxl.load_workbook(stats)["0603.N"])
    assert rows["01"][3] == by_label["Tổng số lượt khen thưởng"] > 0
    assert rows["05"][3] == by_label["   – Cá nhân"]
    assert rows["02"][3] == by_label["   – Tập thể"]
    assert rows["04"][3] == by_label["   – Hộ gia đình"]
    bad = run("--db", db, "export", "statistics", "--out", folder / "x.ods", data_dir=folder)
    assert bad.returncode == 1 and ".xlsx" in bad.stderr and "Traceback" not in bad.stderr
    assert not os.path.exists(folder / "x.ods")


def test_bad_extension(database, tmp_path):
    with pytest.raises(ValidationError):
        statistics_report.export_statistics(path=tmp_path / "a.csv", year=YEAR)


@office.needs_libreoffice()
def test_docx_read_back_and_printed_by_libreoffice(year_of_awards, tmp_path):
    import docx
    path = tmp_path / "thong-ke.docx"
    statistics_report.export_statistics(path=path, year=YEAR)
    document = docx.Document(path)
    total = statistics.annual_summary(YEAR).current.awards
    rows = {}
    for table in document.tables:
        for row in table.rows:
            texts = [c.text for c in row.cells]
            if len(texts) > 3 and texts[1].isdigit():
                rows.setdefault(texts[1], texts)      # 0601.N first, then 0603.N's codes
    assert rows["01"][2] == "3"                         # three movements launched in YEAR
    body = "\n".join(p.text for p in document.paragraphs)
    assert "SỐ LƯỢNG KHEN THƯỞNG CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ" in body
    by_form = [t for t in document.tables
               if len(t.rows) > 3 and any("Lượt" in c.text for c in t.rows[3].cells)]
    assert by_form and by_form[0].rows[3].cells[3].text == f"{total:,}".replace(",", ".")
    pdf = office.convert([path], "pdf", tmp_path / "lo")[0]
    text = pdf_text(pdf)
    assert "Biểu số: 0601.N/BNV-TĐKT" in text and "Biểu số: 0603.N/BNV-TĐKT" in text
    assert "Người lập biểu" in text and "Đột xuất" in text
