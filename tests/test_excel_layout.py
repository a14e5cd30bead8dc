"""Workbooks laid out as Microsoft Excel writes them (built by hand at the XML level, not by
openpyxl), and hostile files: a zip bomb, too many parts, too many rows, a chart-only book."""
import time
import tracemalloc
import zipfile

import pytest

from models.entities import Household
from models.vntext import unicode_to_tcvn3
from reports import importer
from reports.xlsx_read import ExcelFileError, read_table, sheet_names
from reports.xlsx_zip import SuspiciousFileError
from tests.excel_xml import SharedStrings, chart_only, sheet_xml, write_workbook, zip_bomb
from tests.helpers import make_org
from tests.test_xlsx_read import openpyxl_cells, stream_cells


@pytest.fixture
def commune(clerk):
    return make_org(clerk)


def excel_households(path):
    """Households as Excel 365 saves them: shared strings (a rich-text name with a .VnTime
    run, a header with _x000D_ and a line break, phonetic-free), date serials in three
    formats, a year typed as text, an inline string, a formula's cached text, #N/A in an
    unused column, a boolean, a merged title, a hidden code sheet, an x14 data validation."""
    ss = SharedStrings()
    S = ss.add
    title = S("ỦY BAN NHÂN DÂN XÃ TÂN LẬP")
    heading = S("DANH SÁCH HỘ GIA ĐÌNH")
    header = [S("STT"), S("Họ và tên_x000D_\nchủ hộ"), S("Giới tính"), S("Ngày sinh"),
              S("Thôn/Tổ dân phố"), S("Tra cứu"), S("Đã kiểm tra")]
    bold_name = S(runs=[("Nguyễn ", "Times New Roman", True), ("Văn Hùng", None, False)])
    legacy_name = S(runs=[(unicode_to_tcvn3("Đỗ Thị "), ".VnTime", False),
                          (unicode_to_tcvn3("Nguyệt"), ".VnTime", True)])
    nam, nu = S("Nam"), S("Nữ")
    village, tdp = S("Thôn Đông Hòa"), S("Tổ dân phố 1")
    year_text = S("1982")
    total = S("Cộng")
    rows = [
        (1, [(1, "s", title, 1)]),
        (2, [(1, "s", heading, 1)]),
        (4, [(c, "s", v, 1) for c, v in enumerate(header, start=1)]),
        (5, [(1, "n", 1, 0), (2, "s", bold_name, 3), (3, "s", nam, 0),
             (4, "n", 25642, 2), (5, "s", village, 0), (6, "e", "#N/A", 0), (7, "b", 1, 0)]),
        (6, [(1, "n", 2, 0), (2, "s", legacy_name, 3), (3, "s", nu, 0),
             (4, "n", 27430, 4), (5, "s", tdp, 0), (7, "b", 0, 0)]),
        (7, [(1, "n", 3, 0), (2, "inline", "Lê Văn Tâm", 0), (3, "s", nam, 0),
             (4, "n", 29586, 5), (5, "str", ('PROPER("thôn đông hòa")', "Thôn Đông Hòa"), 0)]),
        (8, [(1, "n", 4, 0), (2, "str", ('TRIM(" Vũ Thị Hoa ")', "Vũ Thị Hoa"), 0),
             (3, "s", nu, 0), (4, "s", year_text, 6), (5, "s", village, 0)]),
        (9, [(1, "s", total, 0), (4, "f", ("COUNTA(B5:B8)", 4), 7)]),
    ]
    main = sheet_xml(rows, merges=["A1:G1", "A2:G2", "A9:C9"], validation="C5:C1000",
                     dimension="A1:G9")
    codes = sheet_xml([(1, [(1, "s", nam, 0)]), (2, [(1, "s", nu, 0)])])
    return write_workbook(path, [("Hộ gia đình", "visible", "worksheet", main),
                                 ("DM", "hidden", "worksheet", codes)], ss)


def test_excel_layout_reads_like_openpyxl_reads_it(tmp_path):
    path = excel_households(tmp_path / "excel.xlsx")
    ours, theirs = stream_cells(path), openpyxl_cells(path)
    assert ours[(4, 2)] == "Họ và tên\r\nchủ hộ"          # Excel's _x000D_ escape undone;
    theirs[(4, 2)] = theirs[(4, 2)].replace("_x000D_", "\r")   # openpyxl leaves it as is
    assert ours == theirs


def test_excel_layout_imports(tmp_path, clerk, commune):
    path = excel_households(tmp_path / "excel.xlsx")
    assert sheet_names(path) == ["Hộ gia đình", "DM"]
    pv = importer.preview("households", path)
    assert not pv.problems, [str(p) for p in pv.problems]
    assert pv.table.headers["head_name"] == "Họ và tên chủ hộ"
    assert any("Dòng 9 là dòng tổng cộng" in n.message for n in pv.table.notes)
    result = importer.import_file(kind="households", path=path, actor=clerk)
    assert result.imported == 4 and result.converted == 1
    got = {h.head_name: (h.gender, h.birth_year, h.village.name)
           for h in Household.select().order_by(Household.id.desc()).limit(4)}
    assert got == {"Nguyễn Văn Hùng": ("nam", 1970, "Thôn Đông Hòa"),     # dd/mm/yyyy
                   "Đỗ Thị Nguyệt": ("nu", 1975, "Tổ dân phố 1"),         # d/m/yy, .VnTime
                   "Lê Văn Tâm": ("nam", 1980, "Thôn Đông Hòa"),          # mm/dd/yyyy
                   "Vũ Thị Hoa": ("nu", 1982, "Thôn Đông Hòa")}           # year as text


def test_rich_text_converts_only_runs_in_a_legacy_font(tmp_path):
    ss = SharedStrings()
    mixed = ss.add(runs=[("Phạm ", "Times New Roman", True),
                         (unicode_to_tcvn3("Đức Thắng"), ".VnTime", False)])
    header = [ss.add("Chủ hộ"), ss.add("Giới tính"), ss.add("Thôn")]
    rows = [(1, [(c, "s", v, 0) for c, v in enumerate(header, start=1)]),
            (2, [(1, "s", mixed, 0), (2, "s", ss.add("Nam"), 0), (3, "s", ss.add("T1"), 0)])]
    path = write_workbook(tmp_path / "runs.xlsx", [("A", "visible", "worksheet",
                                                    sheet_xml(rows))], ss)
    from tests.test_xlsx_read import SPECS
    row = read_table(path, SPECS).rows[0]
    assert row.values["head_name"] == "Phạm Đức Thắng"
    assert row.converted == {"head_name": "TCVN3"}


def test_only_a_chart_sheet_is_refused(tmp_path):
    with pytest.raises(ExcelFileError, match="không có trang tính dữ liệu nào.*biểu đồ"):
        read_table(chart_only(tmp_path / "chart.xlsx"), importer.SPECS["households"])


@pytest.mark.parametrize("kind", ["units", "people", "households", "criteria", "targets"])
def test_zip_bomb_refused_in_milliseconds_by_every_import(tmp_path, clerk, kind):
    path = zip_bomb(tmp_path / "bom.xlsx", gigabytes=3)
    assert 2_000_000 < (tmp_path / "bom.xlsx").stat().st_size < 8_000_000
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(SuspiciousFileError) as err:
        importer.import_file(kind=kind, path=path, actor=clerk)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "tệp nén bất thường" in str(err.value) and "hỏng" not in str(err.value)
    assert "3.072 MB" in str(err.value)
    assert elapsed < 5 and peak < 20 * 1024 * 1024, (elapsed, peak)


def test_zip_bomb_refused_by_template_and_sheet_list_openers(tmp_path):
    path = zip_bomb(tmp_path / "bom.xlsx", gigabytes=1)
    with pytest.raises(SuspiciousFileError):
        sheet_names(path)
    with pytest.raises(SuspiciousFileError):
        importer.preview("criteria", path)


def test_too_many_parts_refused(tmp_path):
    path = excel_households(tmp_path / "many.xlsx")
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(5001):
            zf.writestr(f"xl/media/p{i}.bin", b"")
    with pytest.raises(SuspiciousFileError, match="tệp nén bất thường: có 5.0"):
        read_table(path, importer.SPECS["households"])


def test_more_rows_than_the_limit_refused_with_a_clear_message(tmp_path, monkeypatch):
    from reports import xlsx_stream
    assert xlsx_stream.MAX_ROWS == 200_000
    assert "tệp có hơn 200.000 dòng; hãy chia nhỏ tệp" in str(xlsx_stream.too_many_rows("A"))
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 3000)     # the same check, a smaller file
    ss = SharedStrings()
    header = [ss.add("Chủ hộ"), ss.add("Giới tính"), ss.add("Thôn")]
    name, gender, village = ss.add("Hộ"), ss.add("Nam"), ss.add("T1")
    rows = [(1, [(c, "s", v, 0) for c, v in enumerate(header, start=1)])]
    rows += [(r, [(1, "s", name, 0), (2, "s", gender, 0), (3, "s", village, 0)])
             for r in range(2, 3002)]
    path = write_workbook(tmp_path / "big.xlsx", [("Hộ", "visible", "worksheet",
                                                   sheet_xml(rows))], ss)
    with pytest.raises(ExcelFileError, match="Trang tính 'Hộ': tệp có hơn 3.000 dòng; hãy chia "
                                             "nhỏ tệp"):
        read_table(path, importer.SPECS["households"])
    rows.pop()                                              # exactly the limit: read
    path = write_workbook(tmp_path / "ok.xlsx", [("Hộ", "visible", "worksheet",
                                                  sheet_xml(rows))], ss)
    assert len(read_table(path, importer.SPECS["households"]).rows) == 2999
