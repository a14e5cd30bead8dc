"""Long documents laid out by platypus and written in parts joined on disk
(reports/pdf_parts.py): the joined file reads exactly as the same document written in one
piece — pages, text, page numbers, the total and the signature on the last page — with
every font embedded, and poppler and Ghostscript read it without complaint."""
import os
import re
import subprocess
from collections import Counter

import pytest

from reports import decision_pdf, pdf_parts, pdfdoc
from tests.decision_fixtures import FAMILIES, big_household_decision
from tests.helpers import pdf_fonts, pdf_pages, pdf_text

HOUSEHOLDS = 420


def _pages(path):
    return pdf_text(path, layout=True).split("\f")[:-1]


def _checked_by_others(path):
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert not info.stderr, info.stderr
    gs = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=nullpage",
                         "-dPDFSTOPONERROR", str(path)], capture_output=True, text=True)
    assert gs.returncode == 0 and "rror" not in gs.stdout + gs.stderr, gs.stdout + gs.stderr


def test_decision_in_parts_reads_as_the_whole(leader, tmp_path, monkeypatch):
    decision_id = big_household_decision(leader, HOUSEHOLDS, FAMILIES)
    whole = decision_pdf.write_decision(decision_id=decision_id, path=tmp_path / "whole.pdf")
    out = tmp_path / "parts"
    out.mkdir()
    monkeypatch.setattr(pdf_parts, "PARTS_PAGES", 4)
    parted = decision_pdf.write_decision(decision_id=decision_id, path=out / "qd.pdf")
    assert os.listdir(out) == ["qd.pdf"]            # the parts are gone
    pages = pdf_pages(parted)
    assert pages == pdf_pages(whole) and pages > 20
    assert _pages(parted) == _pages(whole)
    texts = _pages(parted)
    # every page from the second carries its number at the top, across the joins
    for number, text in enumerate(texts[1:], 2):
        assert text.strip().splitlines()[0].strip() == str(number), (number, text[:80])
    # the list runs on in order across the joins: row numbers 1…N at line starts
    numbers = [int(m.group(1)) for text in texts[1:] for line in text.splitlines()[1:]
               for m in [re.match(r"\s*(\d+)\s+(?:" + "|".join(FAMILIES) + ")", line)] if m]
    assert numbers == list(range(1, HOUSEHOLDS + 1))
    # the total and the total in words end the last page, with rows above them
    last = " ".join(texts[-1].split())
    total = HOUSEHOLDS * 1_065_000
    assert f"Tổng cộng {total:,}".replace(",", ".") in last
    assert "Tổng số tiền bằng chữ:" in last and f"{HOUSEHOLDS} Phạm" in last
    # the signature stays on the decision page
    assert "Trần Văn Bình" in texts[0] and "Nơi nhận:" in texts[0]
    fonts = pdf_fonts(parted)
    assert fonts and all(embedded for _, embedded in fonts)
    # each part embeds its own subsets: the regular face (every page) once per part
    faces = Counter(name.split("+", 1)[-1] for name, _ in fonts)
    assert faces.most_common(1)[0][1] == -(-pages // 4)
    _checked_by_others(parted)


def test_document_in_parts_keeps_the_signature_on_its_last_page(tmp_path, monkeypatch):
    """pdfdoc.build (minutes, lists, reports): a long table then the signatures."""
    rows = [[str(i), f"Nguyễn Thị Ánh {i}", "Thôn Đông Hòa" + " và xóm Bãi" * (i % 4)]
            for i in range(1, 401)]

    def story():
        return [pdfdoc.para("BIÊN BẢN", "title"),
                pdfdoc.data_table(["STT", "Họ và tên", "Địa chỉ"], rows, [15, 60, 90]),
                pdfdoc.signature_block(["CHỦ TRÌ"], "Lê Thị Hoa")]
    whole = pdfdoc.build(tmp_path / "whole.pdf", story(), title="Biên bản")
    monkeypatch.setattr(pdf_parts, "PARTS_PAGES", 3)
    parted = pdfdoc.build(tmp_path / "parted.pdf", story(), title="Biên bản")
    assert pdf_pages(parted) == pdf_pages(whole) > 6
    texts = _pages(parted)
    assert texts == _pages(whole)
    assert "CHỦ TRÌ" in texts[-1] and "Lê Thị Hoa" in texts[-1] and "400" in texts[-1]
    for number, text in enumerate(texts[1:], 2):
        assert text.strip().splitlines()[0].strip() == str(number)
    info = subprocess.run(["pdfinfo", str(parted)], capture_output=True, text=True).stdout
    assert "Biên bản" in info                       # the first part's document information
    _checked_by_others(parted)


def test_a_failed_layout_leaves_no_parts(tmp_path, monkeypatch):
    from reportlab.platypus import Flowable

    class Broken(Flowable):
        def wrap(self, *_):
            raise ValueError("hỏng")
    monkeypatch.setattr(pdf_parts, "PARTS_PAGES", 1)
    rows = [[str(i), "Nguyễn Văn An"] for i in range(200)]
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValueError):
        pdfdoc.build(out / "x.pdf", [pdfdoc.data_table(["STT", "Tên"], rows, [15, 60]),
                                          Broken()])
    assert os.listdir(out) == []
