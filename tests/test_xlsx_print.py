"""Exported workbooks print legibly: checked in the files, and on the pages LibreOffice prints.

Every export of the demo commune is opened with openpyxl: A4 landscape, body text that
prints at ≥ 10 pt once the columns are fitted to the page width (or a fixed ≥ 86 % scale
over pages across), page numbers in Times New Roman, STT stored as numbers, rows with
wrapped text as high as that text. One wide export is then printed to PDF by LibreOffice
and measured with pdfplumber: every character ≥ 10 pt, and no two text lines overprint.
"""
import os

import openpyxl
import pytest

from models import demo
from models.entities import CriteriaSet, Decision
from reports import (award_docs, criteria_xlsx, exports, score_docs, templates_xlsx, xlsx_print,
                     xlsxdoc)
from tests.office import convert, needs_libreoffice

pdfplumber = pytest.importorskip("pdfplumber")


@pytest.fixture(scope="module")
def demo_exports(tmp_path_factory):
    """Every export of the small demo commune, written once for the module."""
    from models import db as dbmod
    folder = tmp_path_factory.mktemp("exports")
    old_data = os.environ.get("TDKT_DATA_DIR")
    os.environ["TDKT_DATA_DIR"] = str(folder / "data")
    dbmod.open_database(str(folder / "demo.sqlite3"))
    try:
        demo.load_demo(size="small", this_year=2026)
        paths = {kind: exports.export(kind=kind, path=str(folder / f"{kind}.xlsx"))
                 for kind in exports.KINDS}
        decision = Decision.select().order_by(Decision.id.desc()).first()
        paths["decision_list"] = award_docs.export_decision_list_xlsx(
            str(folder / "decision_list.xlsx"), decision_id=decision.id)
        paths["decisions"] = award_docs.export_decisions_xlsx(str(folder / "decisions.xlsx"))
        cs = CriteriaSet.select().first()
        paths["ranking"] = score_docs.write_ranking_xlsx(cs, folder / "ranking.xlsx")
        paths["criteria"] = str(folder / "criteria.xlsx")
        criteria_xlsx.export_criteria_xlsx(cs, paths["criteria"])
        for path in templates_xlsx.write_all(str(folder)):
            paths[os.path.basename(path)] = path
    finally:
        dbmod.close_database()
        if old_data is None:
            os.environ.pop("TDKT_DATA_DIR", None)
        else:
            os.environ["TDKT_DATA_DIR"] = old_data
    return {kind: str(path) for kind, path in paths.items()}


def _printed_columns(ws):
    """Widths of the columns inside the print area (all used columns if none is set)."""
    last = ws.max_column
    if ws.print_area:
        area = ws.print_area.split("!")[-1].split(":")[-1].replace("$", "")
        last = openpyxl.utils.column_index_from_string("".join(c for c in area if c.isalpha()))
    return [ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width or 8.43
            for i in range(1, last + 1)]


def _printed_body_pt(ws):
    setup = ws.page_setup
    if ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1:
        return xlsx_print.printed_body_pt(_printed_columns(ws))
    return xlsx_print.FONT_PT * (setup.scale or 100) / 100


def test_every_export_prints_landscape_at_10_pt_or_more(demo_exports):
    assert len(demo_exports) == 11
    for kind, path in demo_exports.items():
        for ws in openpyxl.load_workbook(path).worksheets:
            where = f"{kind} / {ws.title}"
            assert ws.page_setup.orientation == "landscape", where
            assert ws.page_setup.paperSize in (9, "9"), where
            assert _printed_body_pt(ws) >= xlsx_print.MIN_PRINTED_PT, where
            assert "Times New Roman" in ws.oddFooter.center.font, where
            assert ws.oddFooter.center.text == "Trang &P / &N", where


def test_stt_is_a_number_in_every_list(demo_exports):
    checked = 0
    for kind, path in demo_exports.items():
        for ws in openpyxl.load_workbook(path, read_only=True).worksheets:
            header = next((r for r in ws.iter_rows(max_row=8) if r and r[0].value == "STT"),
                          None)
            if header is None:
                continue
            values = []
            for r in ws.iter_rows(min_row=header[0].row + 1):
                if not any(c.value for c in r):
                    break                                  # the blank row before the footer
                if r[0].value is not None:
                    values.append(r[0].value)
            assert values and all(isinstance(v, int) for v in values), (kind, ws.title, values)
            assert values[0] == 1, (kind, ws.title)
            checked += 1
    assert checked >= 8


def test_rows_with_wrapped_text_get_their_height(demo_exports):
    ws = openpyxl.load_workbook(demo_exports["decision_list"]).worksheets[0]
    header = next(r[0].row for r in ws.iter_rows(max_row=8) if r[0].value == "STT")
    widths = _printed_columns(ws)
    seen_tall = 0
    for row in ws.iter_rows(min_row=header + 1):
        if not any(c.value for c in row):
            break                                          # end of the table
        lines = max((xlsx_print.line_count(c.value, xlsx_print.usable_pt(widths[c.column - 1]))
                     for c in row if isinstance(c.value, str) and c.column <= len(widths)),
                    default=1)
        height = ws.row_dimensions[row[0].row].height
        if lines > 1:
            assert height == pytest.approx(lines * xlsx_print.LINE_PT), row[1].value
            seen_tall += 1
        else:
            assert height is None
    assert seen_tall >= 5


def test_too_many_columns_print_over_pages_across_not_smaller():
    columns = [xlsxdoc.Column("STT", 5, "stt"), xlsxdoc.Column("Đơn vị", 22)] + [
        xlsxdoc.Column(f"I.{i}", 8, "decimal") for i in range(40)]
    widths, one_page = xlsx_print.plan_widths(columns)
    assert not one_page and widths == [c.width for c in columns]
    fitting = [xlsxdoc.Column("Tên", 60), xlsxdoc.Column("Nội dung", 90),
               xlsxdoc.Column("Số", 12, "int")]
    widths, one_page = xlsx_print.plan_widths(fitting)
    assert one_page and widths[2] == 12 and widths[0] == 60 and 60 < widths[1] < 90
    assert xlsx_print.printed_body_pt(widths) >= 10.2


def test_line_count_wraps_at_words():
    one = xlsx_print.text_pt("Lao động tiên tiến")
    assert xlsx_print.line_count("Lao động tiên tiến", one * 1.05) == 1
    assert xlsx_print.line_count("Lao động tiên tiến", one * 0.6) == 2
    assert xlsx_print.line_count("a\nb\nc", 100) == 3
    assert xlsx_print.line_count("X" * 40, xlsx_print.text_pt("X" * 10) * 1.03) == 4


# ------------------------------------------------------ printed by LibreOffice ---

def _overprinted(words):
    """Pairs of words on different lines whose boxes intersect (text drawn over text)."""
    clashes = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if abs(a["top"] - b["top"]) < 1:          # same line
                continue
            if (a["x0"] < b["x1"] - 0.5 and b["x0"] < a["x1"] - 0.5
                    and a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5):
                clashes.append((a["text"], b["text"]))
    return clashes


def _crossing_rules(page, words):
    """Words cut by a horizontal table rule (wrapped text spilling into the next row)."""
    rules = sorted({round(e["top"], 1) for e in page.edges
                    if e["orientation"] == "h" and e["width"] > 20})
    return [w["text"] for w in words
            if any(w["top"] + 1 < y < w["bottom"] - 1 for y in rules)]


@needs_libreoffice()
def test_libreoffice_prints_the_decision_list_legibly(demo_exports, tmp_path):
    """The widest list (eight columns, long achievements) as LibreOffice prints it."""
    pdf = convert([demo_exports["decision_list"]], "pdf", tmp_path)[0]
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) >= 2
        assert doc.pages[0].width > doc.pages[0].height               # landscape
        for page in doc.pages:
            sizes = [round(ch["size"], 2) for ch in page.chars if ch["text"].strip()]
            assert min(sizes) >= xlsx_print.MIN_PRINTED_PT, page.page_number
            footer = [ch for ch in page.chars if ch["top"] > page.height - 60]
            assert footer and all("LiberationSerif" in ch["fontname"] or "Times" in
                                  ch["fontname"] for ch in footer)
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            assert not _overprinted(words), page.page_number
            assert not _crossing_rules(page, words), page.page_number
        text = " ".join(p.extract_text() for p in doc.pages)
    assert "I. Cá nhân" in text and "Đã có thành tích xuất sắc" in text


@needs_libreoffice()
def test_overprint_check_catches_rows_without_heights(tmp_path):
    """The check above fails on what the exports used to write: wrapped text, no heights."""
    from openpyxl.styles import Alignment
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.column_dimensions["A"].width = 12
    for row in range(1, 6):
        cell = ws.cell(row, 1, "Đã có thành tích xuất sắc trong phong trào thi đua")
        cell.alignment = Alignment(wrap_text=True)
        ws.cell(row, 2, row)
    ws.sheet_format.customHeight = True
    for row in range(1, 6):
        ws.row_dimensions[row].height = 15
    path = tmp_path / "cu.xlsx"
    wb.save(path)
    pdf = convert([path], "pdf", tmp_path)[0]
    with pdfplumber.open(pdf) as doc:
        words = doc.pages[0].extract_words()
        assert _overprinted(words)


@needs_libreoffice()
def test_print_area_is_the_written_rows_and_survives_libreoffice(demo_exports, tmp_path):
    """The registrations export keeps its last columns on screen only: its print area is the
    printed columns of the rows written (A1:I<last>). A whole-column area (A1:I1048576)
    came back from LibreOffice as $A:$I, which openpyxl refuses with a warning."""
    import warnings
    from tests.office import saved_by_libreoffice
    path = demo_exports["registrations"]
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws.print_area == f"'{ws.title}'!$A$1:$I${ws.max_row}"
    assert ws.cell(ws.max_row, 1).value.startswith("Tổng cộng:")
    resaved = saved_by_libreoffice(path, tmp_path / "lo")
    with warnings.catch_warnings():
        warnings.simplefilter("error")              # "Print area cannot be set …" fails
        ws = openpyxl.load_workbook(resaved).worksheets[0]
    assert ws.print_area.endswith(f"$A$1:$I${ws.max_row}")
    pdf = convert([resaved], "pdf", tmp_path / "pdf")[0]
    with pdfplumber.open(pdf) as doc:
        text = " ".join(p.extract_text() for p in doc.pages)
    assert "Tổng cộng:" in text and "Phong trào" not in text      # screen-only columns
