"""Body rows written as XML text (reports/xlsx_rowwriter): the same file as openpyxl's own
writer makes, byte for byte, for awkward text, numbers, dates and empty cells; read back with
openpyxl and converted by LibreOffice with the same values; characters an .xlsx cannot hold
are left out instead of failing the export."""
import datetime
import os
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from models.settings import Commune
from reports import xlsx_rowwriter
from reports.xlsxdoc import Column, SheetSpec, write_workbook
from tests import office

COMMUNE = Commune(name="Tân Lập", province="Tỉnh Phú Thọ", place_name="Tân Lập")
NFD_NAME = "Nguye\u0302\u0303n Va\u0306n A\u0301nh"           # combining marks: NFC on paper
TEXTS = ["a < b & c > d", 'quote " and \' apos', "=1+2", "=", "==x", NFD_NAME,
         "  leading space", "trailing  ", "tab\there", "line1\nline2", "cr\r\nlf", "lone\rcr",
         "emoji 😀 ok", "\x7f del \x85 nel \u2028 ls", "word " * 300, "0123", "+84 912",
         "&amp; literal", "]]> cdata", "Tổng cộng: 1.000 đ", "\u00a0nbsp\u00a0", "x" * 5000]
# rows openpyxl writes itself: each has one value (column, value, why) the text writer
# leaves to it
OPENPYXL_ROWS = [
    (1, "#N/A", "error code"), (1, "y" * 40000, "cut to 32,767"), (1, Decimal("3.5"), "Decimal"),
    (1, True, "bool"), (7, datetime.datetime(2024, 5, 6, 7, 8, 9), "datetime"),
    (3, 10 ** 17, "17 digits"), (6, float("nan"), "not a number"),
    # a date in a text column: openpyxl gives the whole column a date format (as before)
    (1, datetime.date(2021, 3, 4), "date in a text column"),
]
COLUMNS = [Column("STT", 5, "stt"), Column("Văn bản", 30), Column("Ghi chú", 12),
           Column("Số", 10, "int"), Column("Tiền", 12, "money"),
           Column("Thập phân", 10, "decimal"), Column("Tỉ lệ", 8, "percent"),
           Column("Ngày", 11, "date"), Column("Năm", 6, "year"),
           Column("Chỉ trên màn hình", 20, printed=False)]


def _rows():
    rows = []
    for i, text in enumerate(TEXTS, 1):
        rows.append([i, text, None, i * 1000, -i * 123_456_789, Decimal("1.25") * i,
                     12.5 / i, datetime.date(2020, 1, i % 28 + 1), 2000 + i, text[::-1]])
    rows.append([len(rows) + 1])                                 # a short row: empty cells
    rows.append([None] * len(COLUMNS))
    rows.append([len(rows) + 1, "số âm", None, -5, 0, Decimal("-0.5"), 1e-7,
                 datetime.date(1900, 1, 1), "2024", ""])
    for col, value, why in OPENPYXL_ROWS:
        row = [len(rows) + 1, "chữ", why, 1, 2, 3, 4.5, datetime.date(2024, 2, 29), 2024, None]
        row[col] = value
        rows.append(row)
    return rows


def _write(path, *, fast):
    """The sample workbook; ``fast`` False: every body row through openpyxl (the old way).
    Returns the number of body rows openpyxl wrote."""
    kept = xlsx_rowwriter.FAST_ROWS
    cells, counted = xlsx_rowwriter.Body.cells, []

    def counting(body, values, row_idx):
        counted.append(row_idx)
        return cells(body, values, row_idx)
    xlsx_rowwriter.FAST_ROWS, xlsx_rowwriter.Body.cells = fast, counting
    try:
        write_workbook(str(path), [
            SheetSpec(title="Khó", heading="KIỂM TRA CHỮ & SỐ", subtitle="Năm 2026",
                      columns=COLUMNS, rows=_rows(), footer=["Dòng cuối <&>"]),
            SheetSpec(title="Hai", heading="TRANG HAI", columns=COLUMNS[:3],
                      rows=[[1, "một", None], [2, "hai", "=SUM(A1)"]])], commune=COMMUNE)
    finally:
        xlsx_rowwriter.FAST_ROWS, xlsx_rowwriter.Body.cells = kept, cells
    return len(counted)


def _parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rowwriter")
    fast, slow = folder / "text.xlsx", folder / "openpyxl.xlsx"
    by_openpyxl = _write(fast, fast=True), _write(slow, fast=False)
    return fast, slow, by_openpyxl


def test_the_same_bytes_as_openpyxl_writes(written):
    fast, slow, (by_openpyxl_fast, by_openpyxl_slow) = written
    assert by_openpyxl_fast == len(OPENPYXL_ROWS)
    assert by_openpyxl_slow == len(_rows()) + 2
    a, b = _parts(fast), _parts(slow)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name
    sheet = a["xl/worksheets/sheet1.xml"]
    assert b"<t>a &lt; b &amp; c &gt; d</t>" in sheet
    assert b'<t xml:space="preserve">  leading space</t>' in sheet
    assert b"lone&#13;cr" in sheet and b"Nguy&#7877;n" in sheet


def test_read_back_with_openpyxl(written):
    fast, slow, _ = written
    wb, old = load_workbook(fast), load_workbook(slow)
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(min_row=6, values_only=True))
    assert [r[1] for r in rows[:len(TEXTS)]] == [
        t.replace(NFD_NAME, "Nguyễn Văn Ánh") for t in TEXTS]
    assert rows[0][3:9] == (1000, -123_456_789, 1.25, 12.5, datetime.datetime(2020, 1, 2),
                            2001)
    assert rows[len(TEXTS)] == (len(TEXTS) + 1,) + (None,) * 9          # the short row
    cut = next(r for r in rows if r[2] == "cut to 32,767")
    assert cut[1] == "y" * 32767
    assert next(r for r in rows if r[2] == "error code")[1] == "#N/A"
    formula_like = ws.cell(row=8, column=2)
    assert formula_like.value == "=1+2" and formula_like.data_type == "s"
    for got, want in zip(ws.iter_rows(), old.worksheets[0].iter_rows()):
        for g, w in zip(got, want):
            assert (g.value, g.number_format, g.style, repr(g.font), repr(g.border),
                    repr(g.alignment)) == (w.value, w.number_format, w.style, repr(w.font),
                                           repr(w.border), repr(w.alignment))
    assert ws["H6"].number_format == "dd/mm/yyyy" and ws["E6"].number_format == "#,##0"
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    assert heights == {r: d.height for r, d in old.worksheets[0].row_dimensions.items()
                       if d.height}
    assert heights[6 + TEXTS.index("word " * 300)] > 100
    assert [str(m) for m in ws.merged_cells.ranges] == \
           [str(m) for m in old.worksheets[0].merged_cells.ranges]
    assert ws.print_area == old.worksheets[0].print_area
    assert ws.page_setup.orientation == "landscape" and ws.freeze_panes == "A6"
    assert wb.worksheets[1]["C7"].value == "=SUM(A1)"
    assert wb.worksheets[1]["C7"].data_type == "s"


@office.needs_libreoffice()
def test_libreoffice_reads_the_same_cells(written, tmp_path):
    fast, slow, _ = written
    csv = "csv:Text - txt - csv (StarCalc):44,34,76,1"
    got, want = office.convert([fast, slow], csv, str(tmp_path / "csv"))
    text = open(got, encoding="utf-8").read()
    assert text == open(want, encoding="utf-8").read()
    assert "Nguyễn Văn Ánh" in text and "a < b & c > d" in text
    assert "=1+2" in text and "Dòng cuối <&>" in text
    assert "02/01/2020" in text                       # a date shown as a date


CANNOT_HOLD = [("ctl \x01 char", "ctl  char"), ("nul \x00", "nul "), ("ff \x0c", "ff "),
               ("\ufffe noncharacter", " noncharacter"), ("lone \ud800 half", "lone  half")]


def test_what_xlsx_cannot_hold_is_left_out(tmp_path):
    """A control character pasted into a note (openpyxl refuses it; Excel cannot store it)
    no longer fails the whole export: the row is written without it, and Excel-like readers
    (openpyxl, LibreOffice) read the rest of the text and the other rows."""
    path = tmp_path / "x.xlsx"
    rows = [[1, "tốt"]] + [[i, bad] for i, (bad, _) in enumerate(CANNOT_HOLD, 2)]
    rows.append([len(rows) + 1, "sau"])
    want = [(1, "tốt")] + [(i, kept) for i, (_, kept) in enumerate(CANNOT_HOLD, 2)]
    want.append((len(want) + 1, "sau"))
    write_workbook(str(path), [SheetSpec(title="x", heading="x", columns=COLUMNS[:2],
                                         rows=rows)], commune=COMMUNE)
    wb = load_workbook(path, read_only=True)
    body = [r for r in wb.worksheets[0].iter_rows(min_row=6, values_only=True)]
    wb.close()
    assert body == want
    got, = office.convert([str(path)], "csv:Text - txt - csv (StarCalc):44,34,76,1",
                          str(tmp_path / "csv"))
    lines = open(got, encoding="utf-8").read().splitlines()
    assert lines[-len(want):] == [f'{i},"{text}"' for i, text in want]   # text quoted


def test_random_text_the_same_bytes(tmp_path):
    """Seeded random text from every range the escaping could get wrong (markup, blanks,
    C1 controls, combining marks, line separators, BOM, private use, astral)."""
    import random
    rnd = random.Random(15)
    pools = ["abc XYZ 019", "&<>\"'=#;", " \t\n\r", "\x7f\x80\x85\x9f\xa0\xad", "ạảãàáâậầấẩ",
             "\u0300\u0301\u0303\u0309\u0323", "\u2028\u2029\ufeff\ufffd\ue000", "😀𝔸𠀀"]
    rows = []
    for i in range(400):
        text = "".join(rnd.choice(rnd.choice(pools)) for _ in range(rnd.randint(1, 40)))
        rows.append([i + 1, text, text[::-1], rnd.choice([None, rnd.random() * 1e6, -i])])
    columns = COLUMNS[:3] + [Column("Số", 10, "decimal")]
    for fast in (True, False):
        kept = xlsx_rowwriter.FAST_ROWS
        xlsx_rowwriter.FAST_ROWS = fast
        try:
            write_workbook(str(tmp_path / f"{fast}.xlsx"), [SheetSpec(
                title="x", heading="x", columns=columns, rows=rows)], commune=COMMUNE)
        finally:
            xlsx_rowwriter.FAST_ROWS = kept
    assert _parts(tmp_path / "True.xlsx") == _parts(tmp_path / "False.xlsx")
