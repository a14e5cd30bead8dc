"""Importing units, people and households: all-or-nothing, only-valid on request, bad input."""
import os
import sys
import unicodedata

import pytest

import main
from models import org, vntext
from models.entities import AuditLog, Household, Person, Unit
from models.errors import Cancelled, PermissionDenied, UserError, ValidationError
from models.vntext import unicode_to_tcvn3
from reports import importer
from tests.helpers import make_org, set_password
from tests.test_xlsx_read import make_book

HOUSE_HEADER = ["STT", "Họ và tên chủ hộ", "Giới tính", "Năm sinh", "Thôn/Tổ dân phố",
                "Địa chỉ"]


@pytest.fixture
def commune(clerk):
    return make_org(clerk)


def households_file(tmp_path, rows, name="ho.xlsx", **kw):
    return make_book(tmp_path / name, [["DANH SÁCH HỘ GIA ĐÌNH NĂM 2026"], [], HOUSE_HEADER]
                     + rows, **kw)


GOOD_ROWS = [
    [1, "Nguyễn Văn Hùng", "Nam", 1970, "Thôn Đông Hòa", "Xóm 1"],
    [2, "Trần Thị Lan", "Nữ", "05/02/1975", "thon dong hoa", ""],
    [3, "Lê Văn Tâm", "Nam", "1.980", "Tổ dân phố 1", "Số 5"],
]


def test_households_imported_in_one_go_with_keys_and_one_audit_row(tmp_path, clerk, commune):
    path = households_file(tmp_path, GOOD_ROWS)
    before = Household.select().count()
    audits = AuditLog.select().count()
    result = importer.import_file(kind="households", path=path, actor=clerk)
    assert result.imported == 3
    assert Household.select().count() == before + 3
    lan = Household.get(Household.head_name == "Trần Thị Lan")
    assert lan.name_key == vntext.fold("Trần Thị Lan")
    assert lan.gender == "nu" and lan.birth_year == 1975
    assert lan.village.name == "Thôn Đông Hòa"
    assert Household.get(Household.head_name == "Lê Văn Tâm").village.name == "Tổ dân phố 1"
    assert AuditLog.select().count() == audits + 1
    row = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert row.action == "import_households" and '"count": 3' in row.new
    assert "Đã nhập 3 hộ gia đình" in result.summary()


def test_nfd_text_is_stored_as_nfc(tmp_path, clerk, commune):
    nfd = unicodedata.normalize("NFD", "Đỗ Thị Nguyệt")
    path = households_file(tmp_path, [[1, nfd, "Nữ", 1980, "Thôn Đông Hòa", ""]])
    importer.import_file(kind="households", path=path, actor=clerk)
    stored = Household.get(Household.name_key == vntext.fold("Đỗ Thị Nguyệt"))
    assert stored.head_name == unicodedata.normalize("NFC", "Đỗ Thị Nguyệt")


def test_file_with_problems_imports_nothing_and_lists_them(tmp_path, clerk, commune):
    rows = GOOD_ROWS + [[4, "Phạm Văn Ba", "Nam", "abc", "Thôn Không Có", ""]]
    path = households_file(tmp_path, rows)
    before = Household.select().count()
    with pytest.raises(ValidationError) as info:
        importer.import_file(kind="households", path=path, actor=clerk)
    assert "chưa nhập gì" in str(info.value)
    details = "\n".join(info.value.details)
    assert "dòng 7, cột D (Năm sinh)" in details
    assert "dòng 7, cột E (Thôn/Tổ dân phố): Không có thôn/tổ dân phố 'Thôn Không Có'" in details
    assert Household.select().count() == before


def test_only_valid_rows_on_request(tmp_path, clerk, commune):
    rows = GOOD_ROWS + [[4, "Phạm Văn Ba", "Nam", 1800, "Thôn Đông Hòa", ""]]
    path = households_file(tmp_path, rows)
    pv = importer.preview("households", path)
    assert not pv.can_import_all and len(pv.valid_rows) == 3
    result = importer.import_file(kind="households", path=path, actor=clerk, only_valid=True)
    assert result.imported == 3 and result.skipped == [7]
    assert "Bỏ qua 1 dòng có lỗi (dòng 7)" in result.summary()
    assert not Household.select().where(Household.head_name == "Phạm Văn Ba").exists()


def test_duplicates_with_existing_data_and_inside_the_file(tmp_path, clerk, commune):
    rows = [[1, "Phạm Văn Dũng", "Nam", 1960, "Thôn Đông Hòa", ""],     # already stored
            [2, "Vũ Thị Hoa", "Nữ", 1990, "Tổ dân phố 1", ""],
            [3, "VU THI HOA", "nữ", 1990, "Tổ dân phố 1", ""]]            # same as row 5
    pv = importer.preview("households", households_file(tmp_path, rows))
    first = pv.rows[0]
    assert not first.ok and "Đã có hộ Phạm Văn Dũng" in str(first.problems[0])
    assert pv.duplicates == {6: "Có thể trùng với dòng 5 (cùng họ tên, năm sinh, thôn)."}


def test_tcvn3_file_is_converted_on_import(tmp_path, clerk, commune):
    names = ["Nguyễn Văn Đức", "Trần Thị Hương", "Phạm Quốc Việt"]
    rows = [[i, unicode_to_tcvn3(n), "Nam", 1970 + i, "Thôn Đông Hòa", ""]
            for i, n in enumerate(names, 1)]
    by_font = households_file(tmp_path, rows, name="font.xlsx",
                              fonts={(r, 2): ".VnTime" for r in range(4, 7)})
    pv = importer.preview("households", by_font)
    assert [r.shown["head_name"] for r in pv.rows] == names
    assert pv.converted_cells == 3
    result = importer.import_file(kind="households", path=by_font, actor=clerk)
    assert "3 ô được chuyển từ mã TCVN3/VNI sang Unicode" in result.summary()
    assert {h.head_name for h in Household.select()} >= set(names)


def test_tcvn3_by_content_on_import(tmp_path, clerk, commune):
    names = ["Hoàng Văn Thụ", "Đặng Thị Mười", "Bùi Đức Lộc"]
    rows = [[i, unicode_to_tcvn3(n), "Nam", 1960 + i, "Thôn Đông Hòa", ""]
            for i, n in enumerate(names, 1)]
    path = households_file(tmp_path, rows)
    importer.import_file(kind="households", path=path, actor=clerk)
    assert {h.head_name for h in Household.select()} >= set(names)


@pytest.mark.parametrize("content, message", [
    ("not a workbook", "không phải là bảng tính Excel"),
    ("password", "đặt mật khẩu"),
    ("xls", "97-2003"),
    ("empty", "Trang tính trống"),
    ("no header", "Không tìm thấy dòng tiêu đề"),
])
def test_bad_files_import_nothing(tmp_path, clerk, commune, content, message, monkeypatch):
    data = os.path.join(os.path.dirname(__file__), "data")
    monkeypatch.setitem(sys.modules, "xlrd", None)   # .xls as on a PC without xlrd
    if content == "not a workbook":
        path = tmp_path / "x.xlsx"
        path.write_bytes(b"%PDF-1.4 not excel")
    elif content == "password":
        path = os.path.join(data, "mat-khau.xlsx")
    elif content == "xls":
        path = os.path.join(data, "cu.xls")
    elif content == "empty":
        path = make_book(tmp_path / "x.xlsx", [])
    else:
        path = make_book(tmp_path / "x.xlsx", [["a", "b"], [1, 2]])
    before = Household.select().count()
    with pytest.raises(UserError, match=message):
        importer.import_file(kind="households", path=str(path), actor=clerk)
    assert Household.select().count() == before


def test_formulas_hidden_rows_and_long_cells_are_problems(tmp_path, clerk, commune):
    rows = [[1, "=A1", "Nam", 1970, "Thôn Đông Hòa", ""],
            [2, "Hồ Văn Minh", "Nam", 1971, "Thôn Đông Hòa", "x" * 10000],
            [3, "Tạ Thị Nga", "Nữ", 1972, "Thôn Đông Hòa", ""]]
    path = households_file(tmp_path, rows, hidden=[6])
    pv = importer.preview("households", path)
    messages = [str(p) for p in pv.problems]
    assert any("dòng 4, cột B (Chủ hộ): Ô chứa công thức" in m for m in messages)
    assert any("dòng 5, cột F (Địa chỉ): Nội dung quá dài" in m for m in messages)
    assert any("dòng 6: Dòng này bị ẩn" in m for m in messages)
    before = Household.select().count()
    with pytest.raises(ValidationError):
        importer.import_file(kind="households", path=path, actor=clerk)
    assert Household.select().count() == before


def test_people_import_matches_units_by_name(tmp_path, clerk, commune):
    path = make_book(tmp_path / "nguoi.xlsx", [
        ["Họ và tên", "Giới tính", "Ngày sinh", "Chức vụ", "Đơn vị công tác"],
        ["Đinh Văn Khoa", "Nam", "12/03/1988", "Giáo viên", "trường tiểu học tân lập"],
        ["Mai Thị Linh", "Nữ", 1992, "", ""],
    ])
    result = importer.import_file(kind="people", path=path, actor=clerk)
    assert result.imported == 2
    khoa = Person.get(Person.full_name == "Đinh Văn Khoa")
    assert khoa.unit.name == "Trường Tiểu học Tân Lập" and khoa.birth_year == 1988
    assert Person.get(Person.full_name == "Mai Thị Linh").unit is None


def test_units_import_with_parent_in_the_same_file(tmp_path, clerk, commune):
    path = make_book(tmp_path / "donvi.xlsx", [
        ["Tên đơn vị", "Loại đơn vị", "Trực thuộc", "Trưởng thôn"],
        ["Thôn Tây Sơn", "Thôn", "Cụm thi đua số 2", "Lý Văn Sơn"],
        ["Cụm thi đua số 2", "Cụm thi đua", "Xã Tân Lập", ""],
        ["Trạm y tế xã", "", "Xã Tân Lập", ""],
    ])
    result = importer.import_file(kind="units", path=path, actor=clerk)
    assert result.imported == 3
    village = Unit.get(Unit.name == "Thôn Tây Sơn")
    assert village.parent.name == "Cụm thi đua số 2" and village.kind.code == "thon"
    assert village.leader_name == "Lý Văn Sơn"
    assert Unit.get(Unit.name == "Trạm y tế xã").kind.code == "tram_y_te"


def test_viewer_cannot_import(tmp_path, viewer, commune):
    path = households_file(tmp_path, GOOD_ROWS)
    with pytest.raises(PermissionDenied):
        importer.import_file(kind="households", path=path, actor=viewer)


def test_cancel_midway_leaves_nothing(tmp_path, clerk, commune):
    rows = [[i, f"Người Thứ {i}", "Nam", 1970, "Thôn Đông Hòa", ""] for i in range(1, 1500)]
    path = households_file(tmp_path, rows)
    before = Household.select().count()
    calls = []

    def progress(done, total):
        calls.append(done)
        return done < 80          # cancel while storing (reading is 0-60 %)
    with pytest.raises(Cancelled):
        importer.import_file(kind="households", path=path, actor=clerk, progress=progress)
    assert Household.select().count() == before
    assert max(calls) >= 60


def test_batch_import_exit_codes(tmp_path, clerk, commune, database, capsys, monkeypatch):
    db_path = database.database
    monkeypatch.setenv("TDKT_PASSWORD", set_password(clerk))
    bad = households_file(tmp_path, GOOD_ROWS + [[4, "X", "?", 1970, "Thôn Đông Hòa", ""]],
                          name="bad.xlsx")
    org_count = Household.select().count()
    from models.db import close_database
    close_database()
    assert main.run_command(
        ["--db", db_path, "--user", "canbo", "import", "households", bad]) == 1
    err = capsys.readouterr().err
    assert "chưa nhập gì" in err and "dòng 7, cột C (Giới tính)" in err
    good = households_file(tmp_path, GOOD_ROWS, name="good.xlsx")
    assert main.run_command(
        ["--db", db_path, "--user", "canbo", "import", "households", good]) == 0
    assert "Đã nhập 3 hộ gia đình" in capsys.readouterr().out
    from models.db import open_database
    open_database(db_path)
    assert Household.select().count() == org_count + 3
    assert org.counts()["households"] == org_count + 3


@pytest.mark.parametrize("kind", ["units", "people", "households"])
def test_template_filled_with_its_example_imports(tmp_path, clerk, commune, kind):
    import openpyxl
    from reports import templates_xlsx
    path = templates_xlsx.write_template(kind, tmp_path / templates_xlsx.default_file_name(kind))
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    example = dict(templates_xlsx.EXAMPLES[kind])
    if kind == "units":
        example["name"] = "Thôn Mới"
    if kind == "households":
        example["head_name"] = "Chủ Hộ Mới"
    if kind == "people":
        example["full_name"] = "Người Mới"     # the example itself is in make_org already
    for col, spec in enumerate(importer.SPECS[kind], start=1):
        assert ws.cell(1, col).value.startswith(spec.label)
        ws.cell(2, col).value = example.get(spec.field) or None
    assert wb.sheetnames[1] == "Hướng dẫn"
    wb.save(path)
    result = importer.import_file(kind=kind, path=path, actor=clerk)
    assert result.imported == 1


def test_two_level_merged_header_imports(tmp_path, clerk, commune):
    rows = [["DANH SÁCH HỘ ĐẠT GIA ĐÌNH VĂN HÓA"],
            ["STT", "Chủ hộ", None, "Năm sinh", "Thôn, tổ dân phố"],
            [None, "Họ và tên", "Giới tính", None, None],
            [1, "Khúc Văn Tài", "Nam", "12/10/1968", "Thôn Đông Hòa"],
            [2, "Mạc Thị Yến", "Nữ", "1.972", None]]
    path = make_book(tmp_path / "gop.xlsx", rows,
                     merges=["A2:A3", "B2:C2", "D2:D3", "E2:E3", "E4:E5"])
    result = importer.import_file(kind="households", path=path, actor=clerk)
    assert result.imported == 2
    yen = Household.get(Household.head_name == "Mạc Thị Yến")
    assert yen.gender == "nu" and yen.birth_year == 1972 and yen.village.name == "Thôn Đông Hòa"


def test_old_tcvn3_xls_imports_only_valid_rows(clerk, commune):
    pytest.importorskip("xlrd")
    path = os.path.join(os.path.dirname(__file__), "data", "cu-tcvn3.xls")
    with pytest.raises(ValidationError, match="chưa nhập gì"):     # row 6 is hidden
        importer.import_file(kind="households", path=path, actor=clerk)
    result = importer.import_file(kind="households", path=path, actor=clerk, only_valid=True)
    assert result.imported == 2 and result.skipped == [6]
    assert Household.get(Household.head_name == "Trần Thị Hương").village.name == "Thôn Đông Hòa"
