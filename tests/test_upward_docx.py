"""The Word files of a file proposed upward: read back with python-docx, opened and converted
by LibreOffice, and a .docx re-saved by LibreOffice caught by the manifest check."""
import os
import shutil
import subprocess

import pytest

from models import settings
from reports import upward_docx, upward_export
from reports.upward_export import ManifestMismatch
from tests import office
from tests.helpers import pdf_pages, pdf_text
from tests.upward_fixtures import make_file, make_history

pytestmark = office.needs_libreoffice()
LOOK = "/tmp/i17-upward"


@pytest.fixture
def folder(database, clerk, leader, tmp_path):
    settings.update_settings(actor=leader, values={"commune_name": "Xã Tân Lập",
                                                   "province_name": "Tỉnh Hà Tĩnh",
                                                   "place_name": "Tân Lập",
                                                   "chairman": "Nguyễn Văn Hùng"})
    org = make_history(clerk, leader)
    stick = tmp_path / "usb"
    stick.mkdir()
    return upward_export.export(upward_file=make_file(clerk, org), dest_dir=str(stick),
                                name="ho-so")["path"]


def _docx_text(path):
    import docx
    d = docx.Document(path)
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return d, " ".join(" ".join(parts).split())


def test_every_document_also_as_docx_read_back(folder):
    names = sorted(os.listdir(folder))
    pdfs = [n for n in names if n.endswith(".pdf")]
    minutes = "02-bien-ban-hop-hoi-dong.pdf"
    has_minutes = upward_docx.minutes_writer() is not None     # the minutes' own Word writer
    assert sorted(n for n in names if n.endswith(".docx")) == [
        n[:-4] + ".docx" for n in pdfs if has_minutes or n != minutes]
    d, text = _docx_text(os.path.join(folder, "01-to-trinh.docx"))
    assert "TỜ TRÌNH" in text and "Số: 15/TTr-UBND" in text
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Hà Tĩnh." in text
    assert d.sections[0].left_margin.mm == pytest.approx(30, abs=0.1)
    fonts = {r.font.name for p in d.paragraphs for r in p.runs if r.font.name}
    assert fonts <= {"Times New Roman"}
    d, text = _docx_text(os.path.join(folder, "03-danh-sach.docx"))
    assert d.sections[0].page_width > d.sections[0].page_height          # landscape
    assert "Nguyễn Văn An" in text and "I. CÁ NHÂN" in text and "II. TẬP THỂ" in text
    listing = next(t for t in d.tables if t.rows[0].cells[0].text == "STT")
    header_row = listing.rows[0]._tr
    assert header_row.xpath("./w:trPr/w:tblHeader")                       # repeats per page
    school = next(n for n in names if "truong-tieu-hoc" in n and n.endswith(".docx"))
    _, text = _docx_text(os.path.join(folder, school))
    for part in ("I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
                 "ngày 20/12/2024 của Chủ tịch Ủy ban nhân dân xã Tân Lập", "THỦ TRƯỞNG ĐƠN VỊ"):
        assert part in text, part
    if has_minutes:
        _, text = _docx_text(os.path.join(folder, "02-bien-ban-hop-hoi-dong.docx"))
        assert "BIÊN BẢN" in text and "bỏ phiếu kín" in text


def test_libreoffice_opens_and_converts_every_docx(folder, tmp_path):
    docx_files = sorted(os.path.join(folder, n) for n in os.listdir(folder)
                        if n.endswith(".docx"))
    out = office.convert(docx_files, "pdf", tmp_path / "lo")
    os.makedirs(LOOK, exist_ok=True)
    for docx_path, pdf in zip(docx_files, out):
        ours = os.path.join(folder, os.path.basename(docx_path)[:-5] + ".pdf")
        text = " ".join(pdf_text(pdf).split())
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        # the Word file lays out like its PDF: the same number of pages, give or take one
        assert abs(pdf_pages(pdf) - pdf_pages(ours)) <= 1, os.path.basename(pdf)
        stem = os.path.basename(pdf)[:-4]
        subprocess.run(["pdftoppm", "-png", "-r", "60", pdf, f"{LOOK}/docx-{stem}"],
                       check=True)


def test_a_docx_resaved_by_libreoffice_is_named(folder, tmp_path):
    target = os.path.join(folder, "01-to-trinh.docx")
    saved = office.convert([target], "docx:MS Word 2007 XML", tmp_path / "resaved")[0]
    shutil.copyfile(saved, target)
    with pytest.raises(ManifestMismatch, match="01-to-trinh.docx") as err:
        upward_export.verify(folder)
    assert err.value.details == ["Đã bị thay đổi: 01-to-trinh.docx"]


def test_the_communes_own_proposal_template_makes_the_to_trinh(database, clerk, leader,
                                                                tmp_path):
    """A commune that stored its own tờ trình layout (a .docx saved by LibreOffice, its
    placeholders split across runs) gets its file upward in that layout."""
    from reports import docx_template
    from tests.test_docx_template import make_template, split
    settings.update_settings(actor=leader, values={"commune_name": "Xã Tân Lập",
                                                   "province_name": "Tỉnh Hà Tĩnh",
                                                   "place_name": "Tân Lập",
                                                   "chairman": "Nguyễn Văn Hùng"})
    body = ("<text:p>{{co_quan}}</text:p>"
            f"<text:p>TỜ TRÌNH CỦA XÃ số {split('so')}</text:p>"
            "<text:p>{{trich_yeu}}</text:p>"
            f"<text:p>Kính gửi: {split('kinh_gui')}</text:p>"
            "<text:p>{{can_cu}}</text:p><text:p>{{noi_dung}}</text:p>"
            "<text:p>{{chuc_vu_ky}}</text:p><text:p>Người ký: {{nguoi_ky}}</text:p>"
            "<text:p>- {{noi_nhan}}</text:p>")
    template = make_template(tmp_path, body, "to-trinh-xa")
    docx_template.install_template(actor=clerk, kind="proposal", path=template)
    org = make_history(clerk, leader)
    stick = tmp_path / "usb"
    stick.mkdir()
    out = upward_export.export(upward_file=make_file(clerk, org), dest_dir=str(stick),
                               name="ho-so")["path"]
    _, text = _docx_text(os.path.join(out, "01-to-trinh.docx"))
    assert "TỜ TRÌNH CỦA XÃ số 15/TTr-UBND" in text
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Hà Tĩnh." in text
    assert "Người ký: Nguyễn Văn Hùng" in text
    assert "{{" not in text and "Căn cứ" in text
    # the manifest covers the file in the commune's layout like any other
    assert "01-to-trinh.docx" in " ".join(upward_export.verify(out)["files"])
