"""Long text tables are drawn by GridTable (reports/grid_table.py), not reportlab's Table:
the pages must read exactly as reportlab's Table lays them out — same page count, and the
same text on every page as poppler's pdftotext -layout reads it (positions of every line of
every cell) — for wrapped names and places, words longer than their column, line breaks in
a cell, section headings, a bold total, centred and right-aligned columns."""

from reportlab.platypus import Spacer

from reports import minutes_pdf, pdfdoc
from reports.grid_table import GridTable
from reports.pdfdoc import MM

from .helpers import gs_pages, pdf_pages, pdf_text

PLACES = ["Thôn Đông", "Hợp tác xã Nông nghiệp Thượng Thịnh 2", "Ủy ban Mặt trận Tổ quốc xã",
          "Trường Tiểu học Phú Tây", "Xóm\u00a0Bãi Bồi (ven sông)", ""]
TITLES = ["Lao động tiên tiến", "Chiến sĩ thi đua cơ sở",
          "Giấy khen của Chủ tịch Ủy ban nhân dân xã", "Gia đình văn hóa"]


def _minutes_rows(n):
    rows, sections = [], []
    for label, count in (("I. Cá nhân", n), ("II. Tập thể", n // 3),
                         ("III. Hộ gia đình (ở các thôn, tổ dân phố của xã)", n // 2)):
        sections.append(len(rows))
        rows.append([label] + [""] * 7)
        for i in range(count):
            name = f"Nguyễn Thị Ánh Ngọc {i}" if i % 5 else f"Trần {i}"
            if i % 17 == 3:
                name = "Nguyễn" + "ễ" * 40          # longer than its column: cut
            if i % 23 == 5:
                name = f"Lê Văn Bình\n(con ông Lê Văn Hòa) {i}"
            rows.append([str(i + 1), name, PLACES[i % len(PLACES)], TITLES[i % len(TITLES)],
                         i % 10, None, "100,00" if i % 3 else "66,67",
                         "Đạt" if i % 4 else "Không đạt"])
    sections.append(len(rows))
    rows.append(["IV. Không có đối tượng"] + [""] * 7)
    return rows, sections


def _pages(path):
    return pdf_text(path, layout=True).split("\f")


def _both(tmp_path, story_of):
    grid = pdfdoc.build(tmp_path / "grid.pdf", story_of(False), title="x")
    reference = pdfdoc.build(tmp_path / "ref.pdf", story_of(True), title="x")
    assert pdf_pages(grid) == pdf_pages(reference)
    return grid, reference


def test_minutes_table_reads_as_reportlabs_table(tmp_path):
    rows, sections = _minutes_rows(150)

    def story(platypus):
        table = pdfdoc.data_table(minutes_pdf.HEADER, rows, minutes_pdf.WIDTHS_MM,
                                  align=minutes_pdf.ALIGN, section_rows=sections,
                                  platypus=platypus)
        assert isinstance(table, GridTable) != platypus
        return [pdfdoc.para("BIÊN BẢN", "title"), Spacer(1, 37 * MM), table,
                pdfdoc.para("Biên bản được lập xong lúc 11 giờ.", "indent")]
    grid, reference = _both(tmp_path, story)
    assert pdf_pages(grid) > 5
    assert _pages(grid) == _pages(reference)
    text = pdf_text(grid, layout=True)
    assert "Nguyễnễễễ" in text and "(con ông Lê Văn Hòa)" in text and "Bãi Bồi" in text
    for page in _pages(grid)[:-1]:
        assert "Kết quả" in page                       # the header on every page
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert not lines[-1].startswith(("I. ", "II. ", "III. ")), "heading at a page foot"


def test_total_row_and_right_alignment_read_as_reportlabs_table(tmp_path):
    rows = [[str(i), f"Thôn {i} — hộ ông Nguyễn Văn Phúc và bà Trần Thị Lan", f"{i * 1000:,}"]
            for i in range(1, 180)]
    rows.append(["", "Tổng cộng", "16.110.000"])
    for gap in (0, 120, 236):        # the table starts at the top, mid-page, near the foot

        def story(platypus, gap=gap):
            return [Spacer(1, gap * MM), pdfdoc.data_table(
                ["STT", "Thôn, hộ", "Số tiền\n(đồng)"], rows, [12, 110, 43],
                align=["center", "left", "right"], total_row=True, platypus=platypus)]
        grid, reference = _both(tmp_path, story)
        assert _pages(grid) == _pages(reference)
        last = [line for line in _pages(grid)[-2].splitlines() if line.strip()]
        assert "Tổng cộng" in last[-1] and "179" in last[-2]   # total kept with its row


def test_ghostscript_draws_the_same_pages(tmp_path):
    """Ghostscript renders the grid pages like reportlab's: lines, text, positions."""
    rows, sections = _minutes_rows(60)

    def story(platypus):
        return [pdfdoc.para("BIÊN BẢN", "title"), pdfdoc.data_table(
            minutes_pdf.HEADER, rows, minutes_pdf.WIDTHS_MM, align=minutes_pdf.ALIGN,
            section_rows=sections, platypus=platypus)]
    grid, reference = _both(tmp_path, story)
    mine, theirs = gs_pages(grid, tmp_path / "g"), gs_pages(reference, tmp_path / "r")
    assert len(mine) == len(theirs) > 2
    for a, b in zip(mine, theirs):
        assert len(a) == len(b)
        differ = sum(1 for x, y in zip(a, b) if abs(x - y) > 64)
        assert differ < len(a) // 2000, differ       # anti-aliasing at most


def test_text_beyond_one_font_subset_reads_as_reportlabs_table(tmp_path):
    """Over 256 distinct letters fill a font's first subset: lines wholly in the first or
    the second subset (drawn as one run) and lines mixing both (a run per subset) read as
    reportlab's Table draws them; decomposed Vietnamese (NFD) reads as composed."""
    import unicodedata
    letters = [chr(c) for c in range(0x1EA0, 0x1EFA)] + [chr(c) for c in range(0x100, 0x180)]
    letters += [chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7)]
    rows = []
    for i in range(0, len(letters), 12):                # every letter met, subsets fill up
        rows.append([str(len(rows) + 1), "".join(letters[i:i + 12]), "Thôn Đông", "x"])
    late = letters[-40:]                                # letters of the second subset
    for i in range(60):
        name = "".join(late[(i + k) % len(late)] for k in range(8))
        if i % 3 == 1:
            name = f"Nguyễn {name} Ánh"                 # both subsets on one line
        if i % 3 == 2:
            name = unicodedata.normalize("NFD", f"Trần Thị Ngọc Ánh {i}")
        rows.append([str(len(rows) + 1), name, "Xóm Bãi Bồi", "Lao động tiên tiến"])

    def story(platypus):
        table = pdfdoc.data_table(["STT", "Họ và tên", "Địa chỉ", "Ghi chú"], rows,
                                  [12, 70, 50, 33], align=["center", "left", "left", "center"],
                                  platypus=platypus)
        assert isinstance(table, GridTable) != platypus
        return [table]
    grid, reference = _both(tmp_path, story)
    assert _pages(grid) == _pages(reference)
    text = pdf_text(grid, layout=True)
    assert "".join(late[:8]) in text and "Trần Thị Ngọc Ánh 2" in text
