"""Long documents written in parts and joined on disk (reports/pdf_join.py): the joined
file is one valid PDF for poppler and Ghostscript, pages in order, fonts embedded."""
import subprocess

import pytest

from reports import pdf_join, pdfdoc
from tests.helpers import pdf_fonts, pdf_pages, pdf_text


def _part(path, number, pages, compress):
    from reportlab.pdfgen.canvas import Canvas
    pdfdoc.register_fonts()
    c = Canvas(str(path), initialFontName=pdfdoc.FONT, pageCompression=compress)
    c.setTitle("Giấy khen (đợt 1) 3 0 R")
    c.setViewerPreference("PrintScaling", "None")
    for i in range(pages):
        c.setFont(pdfdoc.FONT_BOLD if i % 2 else pdfdoc.FONT, 14)
        c.drawString(80, 700, f"Phần {number} trang {i + 1}: Nguyễn Thị Ánh (5 0 R) endobj")
        c.showPage()
    c.save()
    return str(path)


def test_joined_parts_are_one_valid_pdf_in_order(tmp_path):
    parts = [_part(tmp_path / f"p{n}.pdf", n, 3 + n, n % 2) for n in range(3)]
    out = tmp_path / "all.pdf"
    assert pdf_join.join(parts, str(out)) == 3 + 4 + 5
    assert pdf_pages(str(out)) == 12
    text = pdf_text(str(out))
    expected = [f"Phần {n} trang {i + 1}" for n in range(3) for i in range(3 + n)]
    positions = [text.index(line) for line in expected]
    assert positions == sorted(positions)
    assert all(embedded for _, embedded in pdf_fonts(str(out)))
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert "Giấy khen (đợt 1) 3 0 R" in info.stdout      # the strings are left alone
    assert not info.stderr
    gs = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=nullpage",
                         "-dPDFSTOPONERROR", str(out)], capture_output=True, text=True)
    assert gs.returncode == 0 and "rror" not in gs.stdout + gs.stderr


def test_parts_write_one_file_and_leave_no_temporary_files(tmp_path):
    from reportlab.pdfgen.canvas import Canvas
    pdfdoc.register_fonts()
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "giay-khen.pdf"
    parts = pdf_join.Parts(str(out), lambda p: Canvas(p, initialFontName=pdfdoc.FONT),
                           per_part=4)
    for i in range(10):
        c = parts.canvas()
        c.drawString(80, 700, f"Trang {i + 1}")
        c.showPage()
        parts.page_done()
    assert parts.opened == 3
    parts.finish()
    assert pdf_pages(str(out)) == 10
    assert sorted(p.name for p in folder.iterdir()) == ["giay-khen.pdf"]


def test_refuses_a_pdf_reportlab_did_not_write(tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.5\n1 0 obj<</Type/XRef>>stream\nendstream endobj\n"
                    b"startxref\n9\n%%EOF\n")
    with pytest.raises(pdf_join.NotOurPdf):
        pdf_join.join([str(bad), str(bad)], str(tmp_path / "out.pdf"))


def test_certificates_written_in_parts_match_one_piece(leader, tmp_path, monkeypatch):
    """8 certificates in parts of 3 pages: the same pages, text, fonts and print setting
    as the file written in one piece."""
    from reports import certificates as certs
    from tests.helpers import make_org
    from tests.test_certificates import make_decision
    decision, _ = make_decision(leader, make_org(leader))
    whole, parted = tmp_path / "whole.pdf", tmp_path / "parted.pdf"
    certs.write_decision_certificates(decision_id=decision.id, path=str(whole))
    monkeypatch.setattr(pdf_join, "PART_PAGES", 3)
    opened = []
    real = pdf_join.Parts.canvas

    def counting(self):
        c = real(self)
        opened.append(self.opened)
        return c
    monkeypatch.setattr(pdf_join.Parts, "canvas", counting)
    result = certs.write_decision_certificates(decision_id=decision.id, path=str(parted))
    assert max(opened) == 3 and result.count == 8
    assert pdf_pages(str(parted)) == pdf_pages(str(whole)) == 8
    assert pdf_text(str(parted)) == pdf_text(str(whole))
    assert all(embedded for _, embedded in pdf_fonts(str(parted)))
    assert b"/PrintScaling /None" in parted.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == [
        "parted.pdf", "whole.pdf"]                       # no part left behind
