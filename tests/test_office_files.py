"""Every import kind reads workbooks saved by LibreOffice Calc (not by our own writer).

The sources (tests/office_fixtures.py) are built with openpyxl and re-saved by LibreOffice
headless in one call per session: Calc writes every text cell as a shared string, its own
styles and number formats, and recomputes formulas (cached values, #N/A errors).
"""
import datetime
import zipfile

import pytest

import main
from models import movements as mv
from models.entities import Household, Person, Target, Unit
from models.errors import ValidationError
from reports import importer
from reports.xlsx_read import read_table
from tests.helpers import make_org, set_password
from tests.office import convert, needs_libreoffice
from tests.office_fixtures import saved_by_libreoffice_all
from tests.test_xlsx_read import openpyxl_cells, stream_cells

pytestmark = needs_libreoffice()


@pytest.fixture(scope="session")
def office(tmp_path_factory):
    """{name: .xlsx saved by LibreOffice}, plus "households_form.xls" (Calc's "MS Excel 97")."""
    folder = tmp_path_factory.mktemp("office")
    files = saved_by_libreoffice_all(folder)
    # From the source: Calc re-saving its own .xlsx as .xls without recalculating writes a
    # formula's text result as 0.
    files["households_form.xls"] = convert([folder / "src" / "households_form.xlsx"],
                                           "xls:MS Excel 97", folder / "xls")[0]
    return files


@pytest.fixture
def commune(clerk):
    return make_org(clerk)


def _sheet_xml(path, sheet="xl/worksheets/sheet2.xml"):
    with zipfile.ZipFile(path) as zf:
        return zf.read(sheet).decode()


def test_fixtures_really_are_calcs_own_files(office):
    """The point of these tests: text cells are shared strings, the producer is Calc."""
    with zipfile.ZipFile(office["households_form"]) as zf:
        assert "xl/sharedStrings.xml" in zf.namelist()
        assert "Calc" in zf.read("xl/workbook.xml").decode() or \
            "LibreOffice" in zf.read("docProps/app.xml").decode()
    assert 't="s"' in _sheet_xml(office["households_form"])


@pytest.mark.parametrize("name", ["households_form", "people_gender_columns", "units_wide",
                                  "bad_cells"])
def test_streamed_cells_equal_openpyxls_reading(office, name):
    """Our reader and openpyxl's normal mode see the same values in Calc's files."""
    from reports.xlsx_read import open_workbook
    with open_workbook(office[name]) as book:
        index = next(i for i, s in enumerate(book.sheets) if s.visible and
                     (name != "households_form" or s.name == "Danh sách hộ"))
    ours, theirs = stream_cells(office[name], index), openpyxl_cells(office[name], index)
    assert ours == theirs


def test_households_form_saved_by_calc(office, clerk, commune):
    pv = importer.preview("households", office["households_form"])
    assert pv.sheet == "Danh sách hộ"            # not the guide sheet, not the hidden codes
    notes = [str(n) for n in pv.table.notes]
    assert any("Đã đọc trang 'Danh sách hộ'" in n and "'Hướng dẫn'" in n for n in notes)
    assert any("Dòng 11 là dòng tổng cộng" in n for n in notes)
    assert any("Dòng 13–19 là phần ký tên" in n for n in notes)
    assert pv.table.headers["head_name"] == "Họ và tên chủ hộ"     # the line break read as space
    assert not pv.problems, [str(p) for p in pv.problems]
    assert "tổng cộng" in pv.describe()
    before = Household.select().count()
    result = importer.import_file(kind="households", path=office["households_form"],
                                  actor=clerk)
    assert result.imported == 4 and Household.select().count() == before + 4
    got = {h.head_name: (h.gender, h.birth_year, h.village.name, h.address)
           for h in Household.select().order_by(Household.id.desc()).limit(4)}
    assert got == {
        "Nguyễn Văn Hùng": ("nam", 1970, "Thôn Đông Hòa", "Xóm 1"),      # dd/mm/yyyy serial
        "Trần Thị Lan": ("nu", 1975, "Tổ dân phố 1", "12"),              # d/m/yy; number
        "Lê Văn Tâm": ("nam", 1980, "Thôn Đông Hòa", "Số 5"),            # formula, mm/dd/yyyy
        "Đỗ Thị Nguyệt": ("nu", 1968, "Thôn Đông Hòa", ""),              # .VnTime; a year
    }
    assert result.converted == 1
    assert "tổng cộng" in result.summary() and "ký tên" in result.summary()


def test_old_xls_saved_by_calc_reads_the_same(office, clerk, commune):
    table = read_table(office["households_form.xls"], importer.SPECS["households"])
    xlsx = read_table(office["households_form"], importer.SPECS["households"])
    assert table.sheet == "Danh sách hộ"
    assert [r.values for r in table.rows] == [r.values for r in xlsx.rows]
    assert len(table.rows) == 4 and not table.all_problems()
    assert [str(n) for n in table.notes][-2:] == [str(n) for n in xlsx.notes][-2:]


def test_people_gender_from_nam_nu_columns(office, clerk, commune):
    result = importer.import_file(kind="people", path=office["people_gender_columns"],
                                  actor=clerk)
    assert result.imported == 3
    got = {p.full_name: (p.gender, p.birth_year, p.unit.name if p.unit else None)
           for p in Person.select().where(Person.full_name.in_(
               ["Phan Văn Khải", "Vũ Thị Mai", "Đặng Thị Xuân"]))}
    assert got == {"Phan Văn Khải": ("nam", 1979, "Trường Tiểu học Tân Lập"),
                   "Vũ Thị Mai": ("nu", 1986, "Trường Tiểu học Tân Lập"),
                   "Đặng Thị Xuân": ("nu", 1990, None)}


def test_units_from_a_very_wide_sheet_with_booleans_and_errors(office, clerk, commune):
    table = read_table(office["units_wide"], importer.SPECS["units"])
    assert table.columns == {"name": 1, "kind": 2, "parent": 3}
    result = importer.import_file(kind="units", path=office["units_wide"], actor=clerk)
    assert result.imported == 2
    school = Unit.get(Unit.name == "Trường Mầm non Tân Lập")
    assert school.kind.code == "truong" and school.parent.name == "Xã Tân Lập"


def test_criteria_saved_by_calc(office, clerk):
    result = importer.import_file(kind="criteria", path=office["criteria"], actor=clerk)
    assert result.criteria_set is not None and result.count() == 8


def test_targets_saved_by_calc(office, clerk):
    year = datetime.date.today().year
    mv.add_movement(actor=clerk, name=f"Phong trào năm {year}", year_from=year)
    result = importer.import_file(kind="targets", path=office["targets"], actor=clerk)
    assert result.created == 3
    jobs = Target.get(Target.name == "Giải quyết việc làm trong năm")
    assert str(jobs.value) == "1600"


def test_own_template_filled_and_saved_by_calc(office, clerk, commune):
    result = importer.import_file(kind="households", path=office["filled_template"],
                                  actor=clerk)
    assert result.imported == 2 and result.sheet == "Hộ gia đình"
    assert Household.get(Household.head_name == "Khúc Văn Tài").birth_year == 1968


def test_bad_cells_reported_by_row_and_column_and_nothing_imported(office, clerk, commune):
    before = Household.select().count()
    with pytest.raises(ValidationError) as err:
        importer.import_file(kind="households", path=office["bad_cells"], actor=clerk)
    details = "\n".join(err.value.details)
    assert Household.select().count() == before
    assert "Trang tính 'Hộ', dòng 2, cột D (Năm sinh)" in details
    assert "tháng đang ghi trước ngày); hãy ghi 25/02/1975" in details
    assert "dòng 3, cột B (Chủ hộ): Ô báo lỗi công thức #N/A" in details
    assert "dòng 4, cột D (Năm sinh): Ô hiện số 27430 chứ không phải ngày tháng" in details
    assert "dòng 5: Dòng tiêu đề cột lặp lại (đã có ở dòng 1)" in details
    assert "dòng 6" not in details


def test_two_columns_named_alike_are_refused(office, clerk, commune):
    with pytest.raises(ValidationError, match="Hai cột B và E đều có tiêu đề 'Họ và tên'"):
        importer.import_file(kind="people", path=office["two_name_columns"], actor=clerk)


def test_batch_command_imports_a_calc_file(office, clerk, commune, database, capsys,
                                           monkeypatch):
    db_path = database.database
    monkeypatch.setenv("TDKT_PASSWORD", set_password(clerk))
    from models.db import close_database, open_database
    close_database()
    code = main.run_command(["--db", db_path, "--user", "canbo", "import", "households",
                             office["households_form"]])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Đã nhập 4 hộ gia đình" in out.out and "Danh sách hộ" in out.out
    open_database(db_path)
    assert Household.select().where(Household.head_name == "Đỗ Thị Nguyệt").count() == 1


def test_import_dialog_previews_a_calc_file_and_says_what_it_left_out(office, qtbot, clerk,
                                                                       database, commune):
    from gui.context import AppContext
    from gui.import_dialog import ImportDialog
    dialog = ImportDialog(AppContext(clerk, database.database), "households")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load(office["households_form"])
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20000)
    text = dialog.summary.text()
    assert "4 dòng hộ gia đình, 4 dòng hợp lệ" in text
    assert "Đã đọc trang &#x27;Danh sách hộ&#x27;" in text or "Đã đọc trang 'Danh sách hộ'" in text
    assert "Dòng 11 là dòng tổng cộng" in text and "Dòng 13–19 là phần ký tên" in text
    assert dialog.model.rowCount() == 4
    assert dialog.sheet_combo.currentText() == "Danh sách hộ"
