"""Excel exports: the annual report's figures and its office look, read back with openpyxl."""
import datetime
import importlib.util

import openpyxl
import pytest

import main
from models import catalogue, decisions, settings, statistics
from models import db as dbmod
from models.errors import ValidationError
from reports import exports
from tests.decision_fixtures import make_movement, make_year, register


def _issue(leader, day, recipients, *, about=None, period_year=None):
    draft = decisions.create_draft(actor=leader, date=day, about=about, signer_name="Lê Văn Chủ",
                                   period_year=period_year)
    for subject, code in recipients:
        decisions.add_recipient(actor=leader, decision=draft, subject=subject,
                                title=catalogue.title_by_code(code))
    return decisions.issue_decision(actor=leader, decision=draft)


@pytest.fixture
def two_years(leader):
    settings.save_initial_settings(actor=leader, values={"commune_name": "Xã Tân Lập", "place_name": "Tân Lập"})
    org = make_year(leader)                               # registrations of 2025
    an, binh, cuong = org["people"]
    v1, v2 = org["villages"]
    h1, h2 = org["households"]
    _issue(leader, datetime.date(2025, 12, 20),
           [(an, "LDTT"), (an, "CSTDCS"), (binh, "CSTDCS"), (org["office"], "TTLDTT"),
            (v1, "TDPVH"), (h1, "GK_HGD"), (h2, "GK_HGD")],
           about="=Khen thưởng năm 2025")                 # formula-looking text stays text
    mv24 = make_movement(year=2024)
    register(mv24, an, "LDTT", year=2024)
    _issue(leader, datetime.date(2024, 12, 15), [(an, "LDTT"), (h1, "GK_HGD")])
    return org


def test_annual_summary_figures(two_years):
    s = statistics.annual_summary(2025)
    assert s.current.decisions == 1 and s.previous.decisions == 1
    assert s.current.awards == 7 and s.previous.awards == 2
    assert s.current.by_kind == {"person": 3, "unit": 2, "household": 2}
    # An gets LĐTT and CSTĐCS: only the higher one is paid.
    assert s.current.paid_awards == 6
    # 1.0 × 2.340.000 twice; 0.8 × … rounded up to 1.880.000; 1.5 × … = 3.510.000;
    # household Giấy khen 0.3 × 1.5 × 2.340.000 = 1.053.000 → 1.060.000 twice.
    expected = 2 * 2340000 + 1880000 + 3510000 + 2 * 1060000
    assert s.current.amount == expected
    lines = {t.name: t for t in s.titles}
    ldtt = lines["Lao động tiên tiến"]
    assert (ldtt.registered, ldtt.awarded, ldtt.awarded_before) == (2, 1, 1)
    assert lines["Chiến sĩ thi đua cơ sở"].amount == 2 * 2340000
    units = {u.name: u for u in s.units}
    assert units["Trường Tiểu học Tân Lập"].counts == {"person": 3, "unit": 1, "household": 0}
    assert units["Thôn Đông Hòa"].counts == {"person": 0, "unit": 1, "household": 1}
    assert statistics.latest_year() == 2025


def test_annual_report_workbook_reads_back_as_an_office_document(tmp_path, two_years):
    path = exports.export(kind="annual", path=str(tmp_path / "bao-cao"), year=2025)
    assert path.endswith("bao-cao.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Tổng hợp", "Theo danh hiệu", "Theo đơn vị", "Theo quyết định"]
    ws = wb["Tổng hợp"]
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN XÃ TÂN LẬP"
    assert ws["A2"].value == "BÁO CÁO TỔNG KẾT CÔNG TÁC THI ĐUA, KHEN THƯỞNG NĂM 2025"
    assert "Tân Lập, ngày" in ws["A3"].value
    assert [c.value for c in ws[5]] == ["Nội dung", "Năm 2025", "Năm 2024",
                                        "Tăng (+) / giảm (−)"]
    assert ws["A5"].font.bold and ws["A5"].font.name == "Times New Roman"
    assert ws["A6"].font.name == "Times New Roman"
    assert ws.freeze_panes == "A6"
    assert ws.print_title_rows.replace("$", "") == "5:5"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    values = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in (2, 3, 4)]
              for r in range(6, ws.max_row + 1)}
    assert values["Tổng số lượt khen thưởng"] == [7, 2, 5]
    money = values["Tổng tiền thưởng (đồng)"]
    assert isinstance(money[0], int) and money[0] > money[1]
    assert ws.column_dimensions["A"].width >= 40
    titles = wb["Theo danh hiệu"]
    rows = {titles.cell(r, 2).value: [titles.cell(r, c).value for c in range(3, 11)]
            for r in range(6, titles.max_row + 1)}
    assert rows["Lao động tiên tiến"][:6] == ["Danh hiệu", "Cá nhân", 2, 1, 50, 1]
    decisions_ws = wb["Theo quyết định"]
    assert isinstance(decisions_ws["C6"].value, datetime.datetime)
    about = decisions_ws["D6"]
    assert about.value == "=Khen thưởng năm 2025" and about.data_type == "s"


def test_annual_report_of_an_empty_year(tmp_path, database):
    path = exports.export(kind="annual", path=str(tmp_path / "r.xlsx"), year=2030)
    ws = openpyxl.load_workbook(path)["Tổng hợp"]
    assert ws["B7"].value == 0


def test_unknown_kind_refused(tmp_path, database):
    with pytest.raises(ValidationError, match="Không xuất được loại"):
        exports.export(kind="luong", path=str(tmp_path / "x.xlsx"))


def test_cancelled_export_leaves_no_file(tmp_path, two_years):
    from models.errors import Cancelled
    from reports import xlsxdoc
    target = tmp_path / "x.xlsx"
    sheet = xlsxdoc.SheetSpec(title="A", heading="B", columns=[xlsxdoc.Column("C")],
                              rows=[[i] for i in range(1200)])
    with pytest.raises(Cancelled):
        xlsxdoc.write_workbook(str(target), [sheet], progress=lambda d, t: False)
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".xlsx")] == []


@pytest.mark.parametrize("kind, module", [("registrations", "reports.registration_docs"),
                                          ("scores", "reports.score_docs"),
                                          ("awards", "reports.award_docs")])
def test_other_kinds_are_dispatched(tmp_path, two_years, kind, module):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} not written yet")
    path = exports.export(kind=kind, path=str(tmp_path / f"{kind}.xlsx"), year=2025)
    wb = openpyxl.load_workbook(path)
    assert wb.worksheets[0]["A1"].value


def test_batch_export_annual(tmp_path, two_years, capsys):
    db_path = dbmod.current_path()
    dbmod.close_database()
    out = str(tmp_path / "nam.xlsx")
    assert main.run_command(["--db", db_path, "export", "annual", "--out", out,
                             "--year", "2025"]) == 0
    assert "Đã xuất" in capsys.readouterr().out
    assert openpyxl.load_workbook(out)["Tổng hợp"]["B7"].value == 7
