"""Reading Excel lists: header found anywhere, synonyms, typed cells, legacy text, bad files."""
import datetime
import os
import re
import sys
import unicodedata
import zipfile

import openpyxl
import pytest
from openpyxl.styles import Font

from models.vntext import unicode_to_tcvn3, unicode_to_vni
from reports.xlsx_read import ColumnSpec, ExcelFileError, fold_header, read_table, sheet_names

SPECS = [
    ColumnSpec("head_name", "Chủ hộ", ("Họ và tên chủ hộ", "Họ tên chủ hộ"), True, "name"),
    ColumnSpec("gender", "Giới tính", (), True, "gender"),
    ColumnSpec("birth_year", "Năm sinh", ("Ngày sinh",), False, "year"),
    ColumnSpec("village", "Thôn/Tổ dân phố", ("Thôn", "Tổ dân phố"), True, "text", 200),
    ColumnSpec("address", "Địa chỉ", (), False, "text", 300),
    ColumnSpec("count", "Số nhân khẩu", (), False, "int"),
    ColumnSpec("joined", "Ngày vào", (), False, "date"),
]

HEADER = ["STT", "Họ và tên chủ hộ", "Giới tính", "Năm sinh", "Thôn", "Địa chỉ"]


def make_book(path, rows, *, title="Danh sách", fonts=None, hidden=(), merges=(),
              extra_sheets=()):
    """Write ``rows`` (lists) to an xlsx; ``fonts`` maps (row, col) → font name (1-based)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for (r, c), name in (fonts or {}).items():
        ws.cell(r, c).font = Font(name=name)
    for r in hidden:
        ws.row_dimensions[r].hidden = True
    for ref in merges:
        ws.merge_cells(ref)
    for name, srows in extra_sheets:
        other = wb.create_sheet(name)
        for row in srows:
            other.append(row)
    wb.save(path)
    return str(path)


def standard_rows(data):
    return [["ỦY BAN NHÂN DÂN XÃ TÂN LẬP"], ["DANH SÁCH HỘ GIA ĐÌNH"], [], HEADER,
            [1, 2, 3, 4, 5, 6]] + data


def test_fold_header_ignores_accents_case_and_punctuation():
    assert fold_header("  HỌ VÀ TÊN chủ hộ (*) ") == "ho va ten chu ho"
    assert fold_header("Thôn/Tổ dân phố") == "thon to dan pho"
    assert fold_header("Đơn vị") == "don vi"


def test_header_found_below_title_rows_and_numbering_row_skipped(tmp_path):
    path = make_book(tmp_path / "h.xlsx", standard_rows([
        [1, "Nguyễn Văn An", "Nam", 1970, "Thôn Đông", "Xóm 1"],
        [2, "Trần Thị Bình", "nữ", 1975.0, "Thôn Đông", None],
    ]))
    table = read_table(path, SPECS)
    assert table.header_row == 4
    assert table.columns == {"head_name": 2, "gender": 3, "birth_year": 4, "village": 5,
                             "address": 6}
    assert [r.number for r in table.rows] == [6, 7]
    assert table.rows[0].values == {"head_name": "Nguyễn Văn An", "gender": "nam",
                                    "birth_year": 1970, "village": "Thôn Đông",
                                    "address": "Xóm 1"}
    assert table.rows[1].values["gender"] == "nu"
    assert table.rows[1].values["birth_year"] == 1975
    assert not table.all_problems()


def test_headers_matched_without_accents_and_in_capitals(tmp_path):
    path = make_book(tmp_path / "h.xlsx", [
        ["HO TEN CHU HO", "GIOI TINH", "NGAY SINH", "TO DAN PHO"],
        ["Lê Văn Cường", "Nam", "05/02/1975", "Tổ 3"],
    ])
    table = read_table(path, SPECS)
    assert table.header_row == 1
    assert table.rows[0].values["birth_year"] == 1975
    assert table.rows[0].values["village"] == "Tổ 3"


def test_missing_required_column_is_a_file_problem(tmp_path):
    path = make_book(tmp_path / "h.xlsx", [["Họ và tên chủ hộ", "Năm sinh"], ["A", 1970]])
    table = read_table(path, SPECS)
    messages = [str(p) for p in table.problems]
    assert any("Thiếu cột 'Giới tính'" in m for m in messages)
    assert any("Thiếu cột 'Thôn/Tổ dân phố'" in m for m in messages)
    assert table.rows == []


def test_numbers_and_dates_typed_as_text(tmp_path):
    path = make_book(tmp_path / "h.xlsx", [
        ["Chủ hộ", "Giới tính", "Năm sinh", "Thôn", "Số nhân khẩu", "Ngày vào"],
        ["A", "Nam", "05/02/1975", "T1", "1.600", "05/02/1975"],
        ["B", "Nam", "5/2/75", "T1", " 12 ", datetime.datetime(2020, 3, 4)],
        ["C", "Nam", "năm bảy lăm", "T1", "mười", "32/13/2020"],
    ])
    table = read_table(path, SPECS)
    a, b, c = table.rows
    assert a.values["birth_year"] == 1975 and a.values["count"] == 1600
    assert a.values["joined"] == datetime.date(1975, 2, 5)
    assert b.values["count"] == 12 and b.values["joined"] == datetime.date(2020, 3, 4)
    assert b.values["birth_year"] == 1975                      # d/m/yy typed as text
    by_col = {p.column_letter: str(p) for p in c.problems}
    assert set(by_col) == {"C", "E", "F"}
    assert "dòng 4, cột C (Năm sinh)" in by_col["C"] and "không phải là năm" in by_col["C"]
    assert "không phải là số" in by_col["E"]
    assert "không phải là ngày" in by_col["F"]


def test_very_long_cell_and_empty_required_cell(tmp_path):
    path = make_book(tmp_path / "h.xlsx", [
        ["Chủ hộ", "Giới tính", "Thôn", "Địa chỉ"],
        ["A", "Nam", "T1", "x" * 10000],
        [None, "Nam", "T1", "ok"],
    ])
    table = read_table(path, SPECS)
    long_row, empty_row = table.rows
    assert "quá dài (10.000 ký tự, tối đa 300)" in str(long_row.problems[0])
    assert long_row.problems[0].column_letter == "D"
    assert "Ô bắt buộc đang để trống" in str(empty_row.problems[0])
    assert empty_row.problems[0].column_letter == "A"


def test_hidden_row_is_flagged(tmp_path):
    path = make_book(tmp_path / "h.xlsx", [
        ["Chủ hộ", "Giới tính", "Thôn"], ["A", "Nam", "T1"], ["B", "Nữ", "T1"]], hidden=[3])
    table = read_table(path, SPECS)
    assert table.rows[0].ok
    assert table.rows[1].hidden
    assert "bị ẩn" in str(table.rows[1].problems[0])
    assert "dòng 3" in str(table.rows[1].problems[0])


def test_formula_without_cached_value_is_flagged(tmp_path):
    path = make_book(tmp_path / "h.xlsx", [
        ["Chủ hộ", "Giới tính", "Thôn"], ["=UPPER(\"a\")", "Nam", "T1"]])
    table = read_table(path, SPECS)
    problem = table.rows[0].problems[0]
    assert problem.column_letter == "A" and "công thức" in problem.message


def _inject_cached_value(path, formula, cached):
    """Give a formula a cached string result, as Excel does when it saves."""
    tmp = str(path) + ".tmp"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text, n = re.subn(r'<c r="([A-Z]+\d+)"([^>]*)><f>' + re.escape(formula)
                                  + r"</f><v\s*/?>(</v>)?",
                                  lambda m: f'<c r="{m.group(1)}"{m.group(2)} t="str"><f>'
                                  + formula + f"</f><v>{cached}</v>", text)
                assert n == 1, text
                data = text.encode()
            zout.writestr(item, data)
    os.replace(tmp, path)


def test_formula_with_cached_value_reads_the_value(tmp_path):
    path = make_book(tmp_path / "h.xlsx", [
        ["Chủ hộ", "Giới tính", "Thôn"], ['=PROPER("x")', "Nam", "T1"]])
    _inject_cached_value(path, 'PROPER("x")', "Ngô Văn Tám")
    table = read_table(path, SPECS)
    assert table.rows[0].ok
    assert table.rows[0].values["head_name"] == "Ngô Văn Tám"


def test_tcvn3_detected_by_font_and_converted(tmp_path):
    legacy = unicode_to_tcvn3("Nguyễn Văn Đức")
    path = make_book(tmp_path / "h.xlsx", [
        ["Chủ hộ", "Giới tính", "Thôn"], [legacy, "Nam", unicode_to_tcvn3("Thôn Đồng")]],
        fonts={(2, 1): ".VnTime", (2, 3): ".VnTime"})
    table = read_table(path, SPECS)
    row = table.rows[0]
    assert row.values["head_name"] == "Nguyễn Văn Đức"
    assert row.values["village"] == "Thôn Đồng"
    assert row.converted == {"head_name": "TCVN3", "village": "TCVN3"}
    assert row.shown["head_name"] == "Nguyễn Văn Đức"
    assert table.encodings == {"TCVN3": 2}


def test_tcvn3_uppercase_font_gives_capitals(tmp_path):
    path = make_book(tmp_path / "h.xlsx", [
        ["Chủ hộ", "Giới tính", "Thôn"], [unicode_to_tcvn3("lê thị hà"), "Nữ", "T1"]],
        fonts={(2, 1): ".VnTimeH"})
    assert read_table(path, SPECS).rows[0].values["head_name"] == "LÊ THỊ HÀ"


def test_tcvn3_detected_by_content_when_font_was_lost(tmp_path):
    names = ["Nguyễn Văn Đức", "Trần Thị Hương", "Phạm Quốc Việt", "Lê Thị Hạnh"]
    rows = [["Chủ hộ", "Giới tính", "Thôn"]]
    rows += [[unicode_to_tcvn3(n), "Nam", unicode_to_tcvn3("Thôn Đồng Tâm")] for n in names]
    path = make_book(tmp_path / "h.xlsx", rows)      # default font: Calibri
    table = read_table(path, SPECS)
    assert [r.values["head_name"] for r in table.rows] == names
    assert all(r.values["village"] == "Thôn Đồng Tâm" for r in table.rows)
    assert table.encodings["TCVN3"] == 8


def test_vni_detected_by_font(tmp_path):
    path = make_book(tmp_path / "h.xlsx", [
        ["Chủ hộ", "Giới tính", "Thôn"], [unicode_to_vni("Hoàng Thị Lụa"), "Nữ", "T1"]],
        fonts={(2, 1): "VNI-Times"})
    row = read_table(path, SPECS).rows[0]
    assert row.values["head_name"] == "Hoàng Thị Lụa"
    assert row.converted == {"head_name": "VNI"}


def test_unicode_text_in_legacy_font_is_left_alone_and_nfd_becomes_nfc(tmp_path):
    nfd = unicodedata.normalize("NFD", "Đặng Thị Nguyệt")
    path = make_book(tmp_path / "h.xlsx", [
        ["Chủ hộ", "Giới tính", "Thôn"], [nfd, "Nữ", "Thôn Đông"]], fonts={(2, 1): ".VnTime"})
    row = read_table(path, SPECS).rows[0]
    assert row.values["head_name"] == unicodedata.normalize("NFC", "Đặng Thị Nguyệt")
    assert unicodedata.is_normalized("NFC", row.values["head_name"])
    assert row.converted == {}


def test_two_row_header_with_merged_cells_and_merged_village_cells(tmp_path):
    rows = [
        ["STT", "Chủ hộ", None, "Năm sinh", "Thôn"],
        [None, "Họ và tên", "Giới tính", None, None],
        [1, "Nguyễn Văn An", "Nam", 1970, "Thôn Bắc"],
        [2, "Lê Thị Bé", "Nữ", 1980, None],
        [3, "Vũ Văn Cảnh", "Nam", 1990, None],
    ]
    path = make_book(tmp_path / "h.xlsx", rows,
                     merges=["A1:A2", "B1:C1", "D1:D2", "E1:E2", "E3:E5"])
    table = read_table(path, SPECS)
    assert table.header_rows == 2
    assert table.columns["head_name"] == 2 and table.columns["gender"] == 3
    assert [r.values["village"] for r in table.rows] == ["Thôn Bắc"] * 3
    assert all(r.ok for r in table.rows)


def test_chosen_sheet_and_sheet_names(tmp_path):
    path = make_book(tmp_path / "h.xlsx", [["Ghi chú"]], title="Hướng dẫn",
                     extra_sheets=[("Hộ", [["Chủ hộ", "Giới tính", "Thôn"], ["A", "Nam", "T"]])])
    assert sheet_names(path) == ["Hướng dẫn", "Hộ"]
    assert read_table(path, SPECS, sheet="ho").rows[0].values["head_name"] == "A"
    first = read_table(path, SPECS)          # the guide sheet comes first: the list is chosen
    assert first.sheet == "Hộ" and first.rows[0].values["head_name"] == "A"
    assert "Đã đọc trang 'Hộ'" in str(first.notes[0]) and "'Hướng dẫn'" in str(first.notes[0])
    guide = read_table(path, SPECS, sheet="Hướng dẫn")
    assert "Không tìm thấy dòng tiêu đề" in str(guide.problems[0])
    with pytest.raises(ExcelFileError, match="Không có trang tính 'Khác'"):
        read_table(path, SPECS, sheet="Khác")


def test_empty_sheet(tmp_path):
    path = make_book(tmp_path / "h.xlsx", [])
    table = read_table(path, SPECS)
    assert "Trang tính trống" in str(table.problems[0])


def test_not_a_workbook(tmp_path):
    text = tmp_path / "danh-sach.xlsx"
    text.write_text("Họ và tên,Giới tính\n", encoding="utf-8")
    with pytest.raises(ExcelFileError, match="không phải là bảng tính Excel"):
        read_table(text, SPECS)
    other_zip = tmp_path / "word.xlsx"
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    with pytest.raises(ExcelFileError, match="không phải là bảng tính Excel"):
        read_table(other_zip, SPECS)
    empty = tmp_path / "rong.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(ExcelFileError, match="trống"):
        read_table(empty, SPECS)


def test_damaged_workbook(tmp_path):
    good = make_book(tmp_path / "h.xlsx", [["Chủ hộ", "Giới tính", "Thôn"]])
    data = open(good, "rb").read()
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExcelFileError, match="hỏng"):
        read_table(bad, SPECS)


def test_password_protected_workbook():
    # An Excel file encrypted with a password (made with msoffcrypto-tool, password "123").
    fixture = os.path.join(os.path.dirname(__file__), "data", "mat-khau.xlsx")
    with pytest.raises(ExcelFileError, match="đặt mật khẩu"):
        read_table(fixture, SPECS)


def test_old_xls_without_xlrd_gets_a_clear_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "xlrd", None)       # as on a PC without xlrd
    # Saved by LibreOffice as "MS Excel 97".
    fixture = os.path.join(os.path.dirname(__file__), "data", "cu.xls")
    with pytest.raises(ExcelFileError, match=r"97-2003 \(\.xls\)"):
        read_table(fixture, SPECS)


def test_old_xls_in_tcvn3_fonts_with_hidden_row_and_merged_cells():
    pytest.importorskip("xlrd")
    # .xls saved by LibreOffice: titles, headers and names in .VnTime (TCVN3), the village
    # merged over two rows, row 6 hidden.
    fixture = os.path.join(os.path.dirname(__file__), "data", "cu-tcvn3.xls")
    table = read_table(fixture, SPECS)
    assert table.header_row == 3
    assert table.headers["head_name"] == "Họ và tên chủ hộ"
    first, second, hidden = table.rows
    assert first.values["head_name"] == "Nguyễn Văn Đức"
    assert first.converted["head_name"] == "TCVN3"
    assert second.values == {"head_name": "Trần Thị Hương", "gender": "nu", "birth_year": 1975,
                             "village": "Thôn Đông Hòa"}
    assert hidden.hidden and "bị ẩn" in str(hidden.problems[0])
    assert sheet_names(fixture) == ["Danh sach"]


def test_excel_error_value_is_a_problem(tmp_path):
    path = make_book(tmp_path / "h.xlsx", [["Chủ hộ", "Giới tính", "Thôn"], ["A", "Nam", "T"]])
    tmp = str(path) + ".tmp"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="A2"[^>]*>.*?</c>', b'<c r="A2" t="e"><v>#N/A</v></c>',
                              data)
            zout.writestr(item, data)
    os.replace(tmp, path)
    problem = read_table(path, SPECS).rows[0].problems[0]
    assert problem.column_letter == "A" and "lỗi công thức #N/A" in problem.message


def test_large_file_reads_in_one_streamed_pass(tmp_path):
    """5,000 rows read (speed is measured by tests/perf/bench_import.py, against a baseline;
    the loose bound here only catches a pathological, e.g. quadratic, reader)."""
    rows = [["Chủ hộ", "Giới tính", "Năm sinh", "Thôn", "Địa chỉ"]]
    rows += [[f"Nguyễn Văn {i}", "Nam", 1950 + i % 50, f"Thôn {i % 10}", f"Số {i}"]
             for i in range(5000)]
    path = make_book(tmp_path / "big.xlsx", rows)
    start = datetime.datetime.now()
    table = read_table(path, SPECS)
    assert len(table.rows) == 5000 and not table.all_problems()
    assert (datetime.datetime.now() - start).total_seconds() < 60


def stream_cells(path, sheet=0):
    """{(row, column): value} as our streaming reader sees the sheet."""
    from reports.xlsx_read import FORMULA_NO_VALUE, FormulaError, open_workbook
    from reports.xlsx_stream import iter_rows
    with open_workbook(path) as book:
        rows = iter_rows(book, book.sheets[sheet], formula_no_value=FORMULA_NO_VALUE,
                         formula_error=FormulaError)
        return {(r, c): v for r, _h, values in rows for c, (v, _s) in values.items()}


def openpyxl_cells(path, sheet=0):
    """The same through openpyxl's normal mode (cached values), for comparison."""
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb.worksheets[sheet]
    return {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
            if c.value is not None and c.value != ""}


def test_stream_reads_like_openpyxl(tmp_path):
    """Our lxml pass and openpyxl give the same values (dates, booleans, cached results)."""
    from reports.xlsx_read import FORMULA_NO_VALUE
    path = make_book(tmp_path / "h.xlsx", [
        ["Tiêu đề"], [],
        ["Chủ hộ", "Giới tính", "Năm sinh", "Ngày", "Cờ", "Số"],
        ["Ngô Thị Ánh", "Nữ", 1975, datetime.datetime(2020, 5, 6), True, 1.5],
        ["=B5", "Nam", "1.980", None, False, -3],
        ["x" * 300, "Nam", 10 ** 12, datetime.date(1999, 1, 2), "=1+1", 0]],
        hidden=[5], merges=["A1:F1"])
    _inject_cached_value(path, "B5", "Đào Văn Lý")
    ours = stream_cells(path)
    theirs = openpyxl_cells(path)
    assert ours.pop((6, 5)) is FORMULA_NO_VALUE      # openpyxl (data_only): nothing
    assert ours == theirs
    assert ours[(5, 1)] == "Đào Văn Lý" and ours[(4, 5)] is True


def test_totals_and_signatures_left_out_but_incomplete_data_rows_are_errors(tmp_path):
    path = make_book(tmp_path / "h.xlsx", [
        ["Chủ hộ", "Giới tính", "Thôn", "Địa chỉ"],
        ["Tống Văn An", None, "T1", "Kế toán"],          # a namesake of "Tổng": still data
        ["Tống Công Minh", "Nam", None, None],
        ["Cộng: 2 hộ"],
        [None, None, None, "Tân Lập, ngày 05 tháng 3 năm 2026"],
        ["NGƯỜI LẬP BIỂU", None, None, "CHỦ TỊCH"],
        ["(Ký, ghi rõ họ tên)"],
        ["Lê Văn Lập", None, None, "Trần Văn Chủ"]])
    table = read_table(path, SPECS)
    assert [r.number for r in table.rows] == [2, 3]
    assert "Ô bắt buộc đang để trống" in str(table.rows[0].problems[0])
    assert table.rows[1].problems[0].column_letter == "C"
    notes = [n.message for n in table.notes]
    assert notes == ["Dòng 4 là dòng tổng cộng, không phải dữ liệu: không nhập.",
                     "Dòng 5–8 là phần ký tên dưới bảng: không nhập."]


def test_gender_by_which_of_two_columns_holds_the_birth_date(tmp_path):
    path = make_book(tmp_path / "h.xlsx", [
        ["Họ và tên chủ hộ", "Nam", "Nữ", "Thôn"],
        ["A", datetime.datetime(1970, 1, 2), None, "T1"],
        ["B", None, "1975", "T1"],
        ["C", "x", None, "T1"],
        ["D", 1960, 1961, "T1"],
        ["E", None, None, "T1"]])
    table = read_table(path, SPECS)
    assert table.gender_pair[:2] == (2, 3)
    a, b, c, d, e = table.rows
    assert a.values == {"head_name": "A", "gender": "nam", "birth_year": 1970, "village": "T1"}
    assert b.values == {"head_name": "B", "gender": "nu", "birth_year": 1975, "village": "T1"}
    assert c.values == {"head_name": "C", "gender": "nam", "village": "T1"}
    assert "Cả hai cột Nam và Nữ" in str(d.problems[0]) and "cột B, C" in str(d.problems[0])
    assert "Ô bắt buộc đang để trống" in str(e.problems[0])
