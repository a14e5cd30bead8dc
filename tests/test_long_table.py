"""Long tables in every document are laid out linearly in their rows (GridTable for text,
reportlab's Table a chunk at a time when a cell holds a flowable): the printed result must
read exactly like one table — every row once and in order, the column header on top of
every page, no section heading alone at a page foot."""
import re

import pytest

from reports import minutes_pdf, pdfdoc
from reports.grid_table import GridTable
from reports.long_table import TABLE_CHUNK, LongTable

from .helpers import pdf_pages, pdf_text


def _rows(n_people, n_units):
    rows, sections = [], []
    for label, n in (("I. Cá nhân", n_people), ("II. Tập thể", n_units)):
        sections.append(len(rows))
        rows.append([label] + [""] * 7)
        for i in range(n):
            rows.append([str(i + 1), f"Người số {label[:2].strip('.')}-{i:04d}", "Thôn Đông",
                         "Lao động tiên tiến", "9", "0", "100,00", "Đạt"])
    return rows, sections


@pytest.mark.parametrize("platypus", [False, True])
def test_long_table_prints_every_row_once_with_headers_on_each_page(tmp_path, platypus):
    rows, sections = _rows(7 * TABLE_CHUNK + 13, 2 * TABLE_CHUNK + 1)
    table = pdfdoc.data_table(minutes_pdf.HEADER, rows, minutes_pdf.WIDTHS_MM,
                              align=minutes_pdf.ALIGN, section_rows=sections,
                              platypus=platypus)
    assert isinstance(table, LongTable if platypus else GridTable)
    path = tmp_path / "long.pdf"
    pdfdoc.build(str(path), [pdfdoc.para("Danh sách", "title"), table])
    text = pdf_text(path)
    names = re.findall(r"Người số (I|II)-(\d{4})", text)
    expected = [("I", f"{i:04d}") for i in range(7 * TABLE_CHUNK + 13)] + \
               [("II", f"{i:04d}") for i in range(2 * TABLE_CHUNK + 1)]
    assert names == expected                       # every row once, in order
    pages = pdf_pages(path)
    assert pages > 3
    page_texts = text.split("\f")[:pages]
    assert all("Kết quả" in p for p in page_texts)  # the header row on every page
    for p in page_texts:
        lines = [line for line in p.splitlines() if line.strip()]
        tail = [line for line in lines if not re.fullmatch(r"\d+", line.strip())]
        assert not tail[-1].startswith("II. Tập thể"), "section heading alone at a page foot"


def test_short_table_stays_a_plain_table(tmp_path):
    rows, sections = _rows(5, 2)
    table = pdfdoc.data_table(minutes_pdf.HEADER, rows, minutes_pdf.WIDTHS_MM,
                              section_rows=sections)
    assert not isinstance(table, (LongTable, GridTable))
    path = tmp_path / "short.pdf"
    pdfdoc.build(str(path), [table])
    assert "Người số II-0001" in pdf_text(path)


def test_five_digit_row_numbers_stay_on_one_line(tmp_path):
    """The minutes of a 20,000-household commune number rows past 9,999: the STT column
    widens (from the widest column) instead of printing "1000 / 1" on two lines."""
    rows = [[str(n), f"Hộ số {n}", "Thôn Đông", "Gia đình văn hóa", "9", "0", "100,00", "Đạt"]
            for n in range(9_990, 10_030)]
    widths = pdfdoc.number_column_fits(minutes_pdf.HEADER, minutes_pdf.WIDTHS_MM, "10029")
    assert widths[0] > minutes_pdf.WIDTHS_MM[0]
    assert sum(widths) == sum(minutes_pdf.WIDTHS_MM)              # the page width is kept
    assert pdfdoc.number_column_fits(minutes_pdf.HEADER, minutes_pdf.WIDTHS_MM, "9999") == \
        minutes_pdf.WIDTHS_MM
    path = tmp_path / "stt.pdf"
    pdfdoc.build(str(path), [pdfdoc.data_table(minutes_pdf.HEADER, rows,
                                               minutes_pdf.WIDTHS_MM, align=minutes_pdf.ALIGN)])
    text = pdf_text(path, layout=True)
    for n in range(9_990, 10_030):
        assert re.search(rf"^\s*{n}\s+Hộ số {n}\b", text, re.M), n


def test_a_long_table_with_a_flowable_cell_goes_through_reportlab(tmp_path):
    rows, sections = _rows(TABLE_CHUNK + 5, 0)
    rows[3][1] = pdfdoc.para("<i>Người số I-0002</i>", "table", markup=True)
    table = pdfdoc.data_table(minutes_pdf.HEADER, rows, minutes_pdf.WIDTHS_MM,
                              section_rows=sections)
    assert isinstance(table, LongTable)
    path = tmp_path / "flow.pdf"
    pdfdoc.build(str(path), [table])
    assert re.findall(r"Người số I-000[0-3]", pdf_text(path)) == [
        f"Người số I-000{i}" for i in range(4)]
