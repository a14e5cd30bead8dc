"""styles.xml reused across xlsxdoc workbooks (reports/xlsx_stylesheet.py): every file is
byte for byte the file openpyxl's own stylesheet writer makes, whatever was written before,
and LibreOffice reads the styles of a file whose stylesheet came from the cache."""
import datetime
import zipfile

from openpyxl import load_workbook

from reports import xlsx_stylesheet
from reports.xlsxdoc import Column, SheetSpec, write_workbook
from tests.office import needs_libreoffice, saved_by_libreoffice


def _sheets(variant):
    rows = [[1, "Nguyễn Văn An", datetime.date(2025, 3, 1), 1_500_000, "=không phải công thức"],
            [2, "Trần Thị Bình", None, None, "ghi chú dài " * 8]]
    columns = [Column("STT", 5, "stt"), Column("Họ và tên", 30), Column("Ngày", 11, "date"),
               Column("Số tiền", 14, "money"), Column("Ghi chú", 20)]
    if variant == "short":
        return [SheetSpec(title="Một", heading="DANH SÁCH", columns=columns[:2],
                          rows=[r[:2] for r in rows])]
    if variant == "count":                 # as many styles as "short", another kind
        return [SheetSpec(title="Một", heading="DANH SÁCH",
                          columns=[Column("STT", 5, "stt"), Column("Số", 8, "int")],
                          rows=[[1, 12_345]])]
    if variant == "decimal":
        return [SheetSpec(title="Điểm", heading="KẾT QUẢ", subtitle="Năm 2025",
                          columns=[Column("STT", 5, "stt"), Column("Điểm", 8, "decimal"),
                                   Column("Tỷ lệ", 8, "percent")],
                          rows=[[1, 95.5, 12.25]], footer=["Cộng: 1."])]
    return [SheetSpec(title="Hai", heading="SỔ", subtitle="Năm 2025", columns=columns,
                      rows=rows, footer=["Dòng cuối."]),
            SheetSpec(title="Ba", heading="PHỤ LỤC", columns=columns[:3],
                      rows=[r[:3] for r in rows])]


def _parts(path):
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}


def test_every_file_equals_the_uncached_one(database, tmp_path):
    order = ["full", "short", "full", "decimal", "count", "short", "decimal", "full", "count"]
    fresh = {}
    for variant in set(order):
        xlsx_stylesheet._kept.clear()              # nothing to reuse: openpyxl's own writer
        fresh[variant] = _parts(write_workbook(str(tmp_path / f"f-{variant}.xlsx"),
                                               _sheets(variant)))
    xlsx_stylesheet._kept.clear()
    hits = 0
    for i, variant in enumerate(order):
        hits += len(xlsx_stylesheet._kept)
        cached = write_workbook(str(tmp_path / f"c{i}.xlsx"), _sheets(variant))
        assert _parts(cached) == fresh[variant], variant
    assert len(xlsx_stylesheet._kept) == 4 and hits > 0     # later files reused a stylesheet
    styles = {v: parts["xl/styles.xml"] for v, parts in fresh.items()}
    assert len(set(styles.values())) == 4
    assert b'numFmtId="2"' in styles["decimal"] and b'numFmtId="2"' not in styles["short"]


def test_a_workbook_not_from_xlsxdoc_is_left_to_openpyxl(database, tmp_path):
    from openpyxl import Workbook
    from openpyxl.styles import Font
    write_workbook(str(tmp_path / "a.xlsx"), _sheets("full"))       # installs the cache
    wb = Workbook()
    wb.active["A1"] = "đậm"
    wb.active["A1"].font = Font(name="Arial", bold=True)
    wb.save(tmp_path / "plain.xlsx")
    cell = load_workbook(tmp_path / "plain.xlsx").active["A1"]
    assert (cell.font.name, cell.font.b) == ("Arial", True)


@needs_libreoffice()
def test_libreoffice_reads_the_styles_of_a_cached_stylesheet(database, tmp_path):
    write_workbook(str(tmp_path / "first.xlsx"), _sheets("full"))
    path = write_workbook(str(tmp_path / "second.xlsx"), _sheets("full"))   # from the cache
    saved = saved_by_libreoffice(path, str(tmp_path / "lo"))
    ws = load_workbook(saved)["Hai"]
    header = ws["B5"]
    assert header.value == "Họ và tên" and header.font.b and header.font.name == \
        "Times New Roman"
    assert ws["D6"].value == 1_500_000 and ws["D6"].number_format == "#,##0"
    assert ws["C6"].number_format.lower() in ("dd/mm/yyyy", "dd/mm/yy") and \
        ws["C6"].value.date() == datetime.date(2025, 3, 1)
    assert ws["E6"].value == "=không phải công thức" and ws["E6"].data_type == "s"
    assert ws["B6"].border.left.style == "thin" and ws["A2"].font.sz == 14 and ws["A2"].font.b
