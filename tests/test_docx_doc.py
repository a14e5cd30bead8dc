"""reports/docx_doc: Decree-30 Word pages read back with python-docx and laid out by LibreOffice."""
import subprocess

import docx
import pytest
from docx.shared import Mm

from reports.docx_doc import DocxDocument, W_NS, is_docx_path
from tests.helpers import pdf_pages, pdf_text
from tests.office import convert, needs_libreoffice

W = "{%s}" % W_NS
COLUMNS = ["STT", "Họ và tên /\nTên tập thể / Chủ hộ", "Chức vụ", "Đơn vị, địa chỉ",
           "Hình thức\nkhen thưởng", "Thành tích", "Số tiền\n(đồng)", "Ghi chú"]
WIDTHS = [11, 40, 22, 36, 32, 0, 22, 20]
ALIGN = ["center", "left", "left", "left", "left", "left", "right", "left"]


def _rows(n):
    rows = [["I. Hộ gia đình"] + [""] * 7]
    rows += [[str(i), f"Lê Thị Ánh {i}", "", "Thôn Đông Hòa", "Gia đình văn hóa",
              "Đã có thành tích xuất sắc trong phong trào thi đua yêu nước năm 2025",
              "1.065.000", ""] for i in range(1, n + 1)]
    rows.append(["", "Tổng cộng", "", "", "", "", "999.000", ""])
    return rows


def _decision(path, n=150):
    doc = DocxDocument(title="Quyết định thử", author="Xã Tân Lập")
    doc.draft_mark()
    doc.header(issuer=[("ỦY BAN NHÂN DÂN", True), ("XÃ TÂN LẬP", True)],
               number="12/QĐ-UBND", place_date="Tân Lập, ngày 05 tháng 02 năm 2026")
    doc.space(6)
    doc.title("QUYẾT ĐỊNH", "Về việc công nhận danh hiệu “Gia đình văn hóa” năm 2025")
    doc.title("CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN LẬP", rule=False)
    # NFD input and an XML-illegal control character: stored as NFC, the character dropped
    doc.bases(["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
               "Căn cứ Nghị định số 152/2025/NĐ-CP\x0b của Chính phủ.".replace(
                   "ị", "i\u0323")])
    doc.title("QUYẾT ĐỊNH:", rule=False)
    doc.paragraph([("Điều 1.", "b"), (" Công nhận danh hiệu cho các hộ gia đình.", "")])
    doc.recipients_and_signature(["Như Điều 3;", "Lưu: VT."], ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
                                 "Trần Văn Bình")
    doc.section(landscape=True)
    doc.title("DANH SÁCH", rule=False)
    doc.table(COLUMNS, _rows(n), WIDTHS, align=ALIGN, sections=(0,), total_row=True)
    doc.paragraph("Tổng số tiền bằng chữ: Chín trăm chín mươi chín nghìn đồng.", "italic")
    doc.signatures([{"titles": ["THƯ KÝ"], "note": "(Ký, ghi rõ họ tên)", "name": "Lê Thị Hoa"},
                    {"titles": ["CHỦ TRÌ"], "name": "Trần Văn Bình"},
                    {"titles": ["ĐẠI DIỆN THÔN ĐÔNG HÒA"], "name": "Phạm Văn Nam"}])
    return doc.save(path)


def test_read_back_layout_fonts_and_table_flags(tmp_path, database):
    path = _decision(tmp_path / "qd.docx")
    d = docx.Document(str(path))
    first, second = d.sections
    for s in d.sections:                                  # Decree 30 margins on both sections
        assert (round(s.top_margin.mm), round(s.bottom_margin.mm), round(s.left_margin.mm),
                round(s.right_margin.mm)) == (20, 20, 30, 15)
    assert (round(first.page_width.mm), round(first.page_height.mm)) == (210, 297)
    assert (round(second.page_width.mm), round(second.page_height.mm)) == (297, 210)
    assert second.orientation == 1                        # WD_ORIENT.LANDSCAPE
    # page numbers from page 2: a PAGE field in the default header, an empty first page
    assert first.different_first_page_header_footer and not \
        second.different_first_page_header_footer
    assert "PAGE" in first.header._element.xml and second.header.is_linked_to_previous
    assert "PAGE" not in first.first_page_header._element.xml
    # Times New Roman in every script slot of the defaults and of Normal; no theme font wins
    styles = d.styles.element
    for fonts in (styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts"),
                  d.styles["Normal"].element.rPr.find(f"{W}rFonts")):
        assert {k.split("}")[1]: v for k, v in fonts.attrib.items()} == {
            "ascii": "Times New Roman", "hAnsi": "Times New Roman",
            "cs": "Times New Roman", "eastAsia": "Times New Roman"}
    assert d.styles["Normal"].font.size.pt == 13
    header_table, signature_table, list_table, sig_grid = d.tables
    # the header: two columns 40 % / 60 % of 165 mm, no borders
    assert [round(c.width.mm) for c in header_table.rows[0].cells] == [66, 99]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header_table.cell(0, 1).text
    assert "Số: 12/QĐ-UBND" in header_table.cell(0, 0).text
    date = [p for p in header_table.cell(0, 1).paragraphs if "ngày 05" in p.text][0]
    assert all(r.italic for r in date.runs)
    title = [p for p in d.paragraphs if p.text == "QUYẾT ĐỊNH"][0]
    assert title.runs[0].bold and title.runs[0].font.size.pt == 14
    # the list: header row repeated, no row split, widths fill 252 mm
    rows = list_table._tbl.tr_lst
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in rows)
    assert all(tr.find(f"{W}trPr/{W}tblHeader") is None for tr in rows[1:])
    assert len(rows) == 1 + 152
    grid = [int(g.get(f"{W}w")) for g in list_table._tbl.tblGrid.findall(f"{W}gridCol")]
    assert abs(sum(grid) - Mm(252).twips) < 10
    assert list_table.cell(2, 1).text == "Lê Thị Ánh 1"
    assert list_table.rows[-1].cells[1].paragraphs[0].runs[0].bold      # the total row
    section_cell = list_table._tbl.tr_lst[1].tc_lst[0]
    assert section_cell.tcPr.find(f"{W}gridSpan").get(f"{W}val") == "8"
    # NFC text, control character gone
    basis = [p for p in d.paragraphs if "152/2025" in p.text][0]
    assert "Nghị định" in basis.text and "\x0b" not in basis.text
    assert "PHÓ CHỦ TỊCH" in signature_table.cell(0, 1).text
    assert "Nơi nhận:" in signature_table.cell(0, 0).text
    # two blocks a row: titles on one table row, the names aligned on the next
    assert [[c.text.strip() for c in r.cells] for r in sig_grid.rows] == [
        ["THƯ KÝ\n(Ký, ghi rõ họ tên)", "CHỦ TRÌ"], ["Lê Thị Hoa", "Trần Văn Bình"],
        ["ĐẠI DIỆN THÔN ĐÔNG HÒA", ""], ["Phạm Văn Nam", ""]]


@needs_libreoffice()
def test_libreoffice_lays_it_out_as_decree_30(tmp_path, database):
    path = _decision(tmp_path / "qd.docx", n=150)
    pdf = convert([path], "pdf", tmp_path / "pdf")[0]
    pages = pdf_pages(pdf)
    assert pages > 4
    sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", str(pages), pdf], check=True,
                           capture_output=True, text=True).stdout
    page_sizes = [line.split(":", 1)[1].split("pts")[0].strip()
                  for line in sizes.splitlines() if "size:" in line and line.startswith("Page")]
    assert page_sizes[0].startswith("595.") and "x 841." in page_sizes[0]      # A4 portrait
    assert all(s.startswith("841.") for s in page_sizes[1:])                    # landscape
    text = pdf_text(pdf)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Số: 12/QĐ-UBND", "Tân Lập, ngày 05 tháng 02 năm 2026",
                     "Căn cứ Nghị định số 152/2025/NĐ-CP", "PHÓ CHỦ TỊCH", "Trần Văn Bình",
                     "Lê Thị Ánh 150", "Tổng cộng", "Phạm Văn Nam"):
        assert expected in text, expected
    pages_text = text.split("\f")
    assert not pages_text[0].strip().startswith("1")        # no number on the first page
    for n in range(2, pages + 1):
        page = pages_text[n - 1]
        assert page.strip().splitlines()[0].strip() == str(n)    # numbered from page 2
        if n >= 3 and "Lê Thị Ánh" in page:
            assert "Họ và tên /" in page                      # the header row repeated
    fonts = subprocess.run(["pdffonts", pdf], check=True, capture_output=True,
                           text=True).stdout
    # Times New Roman or its metric twin, for every face; no fallback to a wider font
    faces = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]]
    assert faces and all(f.startswith(("LiberationSerif", "TimesNewRoman", "Tinos"))
                         for f in faces), faces


def test_save_refuses_the_database_and_keeps_nothing_half_written(tmp_path, database):
    from models import db as dbmod
    from models.errors import UserError
    doc = DocxDocument()
    doc.paragraph("Thử")
    with pytest.raises(UserError):
        doc.save(dbmod.current_path())
    assert is_docx_path("A.DOCX") and not is_docx_path("a.pdf")
    out = doc.save(tmp_path / "a.docx")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-")] == []
    assert docx.Document(str(out)).paragraphs[0].text == "Thử"


def test_documents_after_the_first_are_the_same_xml(tmp_path):
    """A document set up from the saved blank (every one after the first of its page
    kind) has the same XML parts as one set up from python-docx's template."""
    import zipfile
    from reports import docx_doc

    def parts(path):
        with zipfile.ZipFile(path) as zf:
            return {n: zf.read(n) for n in zf.namelist()}

    made = []
    for k in range(2):
        if k == 0:
            docx_doc._BLANKS.clear()
        doc = docx_doc.DocxDocument(title="Tờ trình", landscape=True)
        doc.paragraph("Căn cứ Luật Thi đua, khen thưởng — Nguyễn Thị Ánh")
        made.append(doc.save(tmp_path / f"{k}.docx") or tmp_path / f"{k}.docx")
    assert docx_doc._BLANKS
    first, second = parts(made[0]), parts(made[1])
    assert list(first) == list(second) and first == second
    assert b"Nguy\xe1\xbb\x85n" in second["word/document.xml"]
