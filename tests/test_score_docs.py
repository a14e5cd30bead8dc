"""Scoring documents read back: the unit sheet and ranking PDFs, ranking and export workbooks."""
from decimal import Decimal as D

import openpyxl
import pytest

from models import scoring, settings
from models.demo_scoring import village_table
from models.errors import UserError
from reports import score_docs
from tests.helpers import make_org, pdf_fonts, pdf_text, set_password


@pytest.fixture
def scored(clerk, leader):
    settings.save_initial_settings(actor=leader, values={"commune_name": "Xã Tân Lập", "place_name": "Tân Lập",
                                    "chairman": "Nguyễn Văn Hùng"})
    org = make_org(clerk)
    cs = scoring.create_criteria_set(actor=clerk, name="Bảng chấm điểm thôn, tổ dân phố",
                                     year=2025, unit_kind="thon", criteria=village_table(),
                                     bonus_max=10)
    scoring.ensure_sheets(actor=clerk, criteria_set=cs)
    spec = scoring.spec_for(cs)
    code = {c.code: c.id for c in spec.leaves}
    v1, v2 = org["villages"]
    for unit, override in ((v1, {"II.2": "8,5"}), (v2, {"I.1": "6"})):
        sheet = scoring.sheet_of(cs, unit)
        changes = [{"criterion": c.id, "self_points": override.get(c.code, c.max_points)}
                   for c in spec.leaves if c.method in ("manual", "proportional", "yesno")]
        scoring.save_scores(actor=clerk, sheet=sheet, changes=changes)
    s1 = scoring.sheet_of(cs, v1)
    scoring.submit_sheet(actor=clerk, sheet=s1)
    scoring.save_scores(actor=clerk, sheet=s1, changes=[
        {"criterion": code["III.2"], "checked_points": "9",
         "reason": "Còn đoạn đường chưa có cây xanh"}])
    scoring.check_sheet(actor=clerk, sheet=s1, checker="Trần Văn Kiểm")
    scoring.finalise_sheet(actor=leader, sheet=s1)
    return dict(cs=cs, org=org, s1=scoring.sheet_of(cs, v1))


def test_unit_sheet_pdf(tmp_path, scored):
    path = score_docs.write_sheet_pdf(scored["s1"], tmp_path / "phieu.pdf")
    text = " ".join(pdf_text(path).split())          # cells wrap: compare by words
    assert "PHIẾU CHẤM ĐIỂM THI ĐUA NĂM 2025" in text
    assert "Thôn Đông Hòa" in text and "Cụm thi đua số 1" in text
    assert "Lý do: Còn đoạn đường chưa có cây xanh" in text
    assert "8,5" in text and "97,5" in text               # 98.5 self → 97.5 checked
    assert "ĐẠI DIỆN ĐƠN VỊ" in text and "NGƯỜI THẨM ĐỊNH" in text
    assert "Trần Văn Kiểm" in text
    assert "Tân Lập, ngày" in text
    assert all(embedded for _name, embedded in pdf_fonts(path))


def test_ranking_pdf_and_xlsx(tmp_path, scored):
    bloc_id = scored["org"]["bloc"].id
    pdf = score_docs.write_ranking_pdf(scored["cs"], tmp_path / "xh.pdf", bloc_id=bloc_id)
    text = pdf_text(pdf, layout=True)
    lines = [ln for ln in text.splitlines() if "Thôn Đông Hòa" in ln or "Tổ dân phố 1" in ln]
    assert lines[0].split()[0] == "1" and "Thôn Đông Hòa" in lines[0]
    assert "97,5" in lines[0] and "Xuất sắc" in lines[0]
    assert lines[1].split()[0] == "2" and "Tốt" in lines[1]    # 96 but I.1 at 60 %: floor
    xlsx = score_docs.write_ranking_xlsx(scored["cs"], tmp_path / "xh.xlsx", bloc_id=bloc_id)
    ws = openpyxl.load_workbook(xlsx).active
    header = [c.value for c in ws[5]]
    assert header[:3] == ["Cụm, khối", "Hạng", "Đơn vị"]
    first = {h: c.value for h, c in zip(header, ws[6])}
    assert (first["Hạng"], first["Đơn vị"], first["Tổng điểm"], first["Xếp loại"]) == (
        1, "Thôn Đông Hòa", 97.5, "Xuất sắc")


def test_export_scores_one_row_per_unit(tmp_path, scored):
    path = score_docs.export_scores_xlsx(tmp_path / "diem.xlsx", year=2025)
    ws = openpyxl.load_workbook(path).worksheets[0]
    header = [c.value for c in ws[5]]
    assert header[3] == "I.1 (10)" and "Đ.1 (-8)" in header
    assert header[-5:] == ["Tự chấm", "Tổng điểm", "Xếp loại", "Xếp hạng", "Trạng thái"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=6) if r[1].value]
    assert len(rows) == 2
    by_name = {r[1]: dict(zip(header, r)) for r in rows}
    dong_hoa = by_name["Thôn Đông Hòa"]
    assert dong_hoa["III.2 (10)"] == 9 and dong_hoa["II.2 (10)"] == 8.5
    assert (dong_hoa["Tự chấm"], dong_hoa["Tổng điểm"], dong_hoa["Xếp hạng"]) == (
        98.5, 97.5, 1)
    assert by_name["Tổ dân phố 1"]["Trạng thái"] == "Đang chấm"


def test_export_without_tables_or_wrong_year(tmp_path, database, scored):
    with pytest.raises(UserError, match="2019"):
        score_docs.export_scores_xlsx(tmp_path / "x.xlsx", year=2019)
    assert not (tmp_path / "x.xlsx").exists()


def test_export_default_year_is_latest(tmp_path, scored):
    path = score_docs.export_scores_xlsx(tmp_path / "d.xlsx")
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert "NĂM 2025" in ws["A2"].value
    assert D("97.5") == D(str(ws.cell(row=6, column=ws.max_column - 3).value))


def test_batch_commands(tmp_path, scored, capsys, clerk, monkeypatch):
    import main
    from models.db import current_path
    db_path = current_path()
    monkeypatch.setenv("TDKT_PASSWORD", set_password(clerk))
    out = tmp_path / "scores.xlsx"
    assert main.run_command(["--db", db_path, "export", "scores", "--out", str(out),
                             "--year", "2025"]) == 0
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws["B6"].value in ("Thôn Đông Hòa", "Tổ dân phố 1")
    bad = tmp_path / "tieu_chi.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Mã", "Nội dung tiêu chí", "Điểm tối đa"])
    wb.active.append(["I.1", "Thu nhập", "mười"])
    wb.save(bad)
    from models import db as dbmod
    assert main.run_command(["--db", db_path, "--user", "canbo", "import", "criteria",
                             str(bad)]) == 1
    err = capsys.readouterr().err
    assert "dòng 2, cột C (Điểm tối đa)" in err
    dbmod.open_database(db_path)      # run_command closed it; the fixture closes it again


def test_criteria_reads_equal_the_plain_queries_and_render_once(tmp_path, scored, clerk):
    """The criteria, bands and tables read at every grid and export are rendered to SQL once
    (bulk.Prepared) and give what the plain peewee queries give; a table without a unit
    kind is named by its own name."""
    from models.entities import Band, CriteriaSet, Criterion
    cs = scored["cs"]
    scoring.create_criteria_set(actor=clerk, name="Bảng phụ không theo loại", year=2025,
                                criteria=village_table())
    path = score_docs.export_scores_xlsx(tmp_path / "a.xlsx", year=2025)
    assert openpyxl.load_workbook(path).sheetnames == ["Thôn",
                                                       "Bảng phụ không theo loại"]
    for prepared in (scoring._YEARS, scoring._SETS_OF_YEAR, scoring._CRITERIA, scoring._BANDS):
        assert prepared.texts, prepared.build          # parameters in the SQL's order
    plain = list(Criterion.select().where(Criterion.criteria_set == cs)
                 .order_by(Criterion.order, Criterion.id))
    got = [c for c, _depth in scoring.ordered_criteria(cs)]
    assert sorted(c.__data__.items() for c in got) == \
        sorted(c.__data__.items() for c in plain) and len(got) > 10
    assert [b.__data__ for b in scoring._BANDS.objects(cs.id)] == \
        [b.__data__ for b in cs.bands] and len(list(cs.bands)) >= 4
    assert [s.id for s in scoring.sets_of_year(2025)] == \
        [s.id for s in CriteriaSet.select().where(CriteriaSet.year == 2025)]
    assert scoring.years() == [2025] and Band.select().count() >= 4
