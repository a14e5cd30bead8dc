"""The commune's own Word templates: made by LibreOffice (runs split the way an office program
splits them), filled from a decision and the minutes, and refused when they cannot be used."""
import io
import pathlib
import zipfile

import docx
import pytest

from models import doc_templates
from models.errors import UserError
from reports import decision_pdf, docx_template, minutes_pdf
from reports.docx_doc import W_NS
from tests.helpers import pdf_text
from tests.office import convert, needs_libreoffice
from tests.test_decision_pdf import issued  # noqa: F401 (fixture)

pytestmark = needs_libreoffice()
W = "{%s}" % W_NS
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"')


def split(name):
    """A placeholder typed with a language change in its middle: LibreOffice writes it as
    three or more runs (as Word does after a spelling mark or an edit)."""
    return f'{{{{{name[:2]}<text:span text:style-name="VI">{name[2:]}</text:span>}}}}'


DECISION_BODY = f"""
<table:table table:name="Dau"><table:table-column table:number-columns-repeated="2"/>
<table:table-row><table:table-cell><text:p>{{{{co_quan}}}}</text:p>
<text:p>Số: {split("so")}</text:p></table:table-cell>
<table:table-cell><text:p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</text:p>
<text:p text:style-name="I">{{{{ngay}}}}</text:p></table:table-cell></table:table-row>
</table:table>
<text:p>{{{{du_thao}}}}</text:p>
<text:p text:style-name="B">QUYẾT ĐỊNH</text:p>
<text:p text:style-name="B">{split("trich_yeu")}</text:p>
<text:p text:style-name="B">{{{{tham_quyen}}}}</text:p>
<text:p text:style-name="I">{split("can_cu")}</text:p>
<text:p text:style-name="B">QUYẾT ĐỊNH:</text:p>
<text:p>{{{{dieu}}}}</text:p>
<text:p>Nơi nhận:</text:p><text:p>{{{{noi_nhan}}}}</text:p>
<text:p text:style-name="B">{{{{chuc_vu_ky}}}}</text:p>
<text:p text:style-name="B">{split("nguoi_ky")}</text:p>
<text:p>DANH SÁCH KÈM THEO QUYẾT ĐỊNH {{{{so}}}} NGÀY {{{{ngay_ky}}}}</text:p>
<text:p>{{{{danh_sach}}}}</text:p>
<text:p>{{{{tong_tien_chu}}}}</text:p>
"""


def make_template(folder, body, name="mau"):
    """A .docx saved by LibreOffice Writer from a flat ODT text."""
    fodt = folder / f"{name}.fodt"
    fodt.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:version="1.2"
 office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles>
<style:style style:name="VI" style:family="text"><style:text-properties fo:language="vi"
 fo:country="VN" fo:font-weight="bold"/></style:style>
<style:style style:name="B" style:family="paragraph"><style:paragraph-properties
 fo:text-align="center"/><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="I" style:family="paragraph"><style:text-properties
 fo:font-style="italic"/></style:style>
</office:automatic-styles>
<office:body><office:text>{body}</office:text></office:body></office:document>""",
                    encoding="utf-8")
    return pathlib.Path(convert([fodt], "docx:MS Word 2007 XML", folder / "lo")[0])


@pytest.fixture
def decision_template(tmp_path):
    return make_template(tmp_path, DECISION_BODY)


def _texts(path):
    body = docx.Document(str(path)).element.body
    return [("".join(t.text or "" for t in p.iter(f"{W}t")), p) for p in body.iter(f"{W}p")]


def test_libreoffice_splits_placeholders_across_runs(decision_template):
    texts = _texts(decision_template)
    joined = [p for text, p in texts if "{{nguoi_ky}}" in text]
    assert joined and not any("{{nguoi_ky}}" in (t.text or "")
                              for t in joined[0].iter(f"{W}t"))


def test_decision_through_the_communes_template(issued, clerk, tmp_path,  # noqa: F811
                                                decision_template):
    names = docx_template.check_template(decision_template.read_bytes(), "decision")
    assert {"so", "nguoi_ky", "can_cu", "danh_sach", "dieu"} <= set(names)
    docx_template.install_template(actor=clerk, kind="decision", path=decision_template)
    d = issued["decision"]
    out = decision_pdf.write_decision(decision_id=d.id, path=tmp_path / "qd.docx")
    texts = [t for t, _ in _texts(out)]
    flat = "\n".join(texts)
    assert "{{" not in flat and "}}" not in flat
    assert "Số: 12/QĐ-UBND" in flat and d.signer_name in texts
    bases = [t for t in texts if t.startswith(("Căn cứ", "Xét đề nghị"))]
    assert len(bases) >= 3                                   # one paragraph per basis line
    assert all(t.endswith((";", ".")) for t in bases)
    document = docx.Document(str(out))
    article = [p for p in document.paragraphs if p.text.startswith("Điều 1.")][0]
    assert article.runs[0].bold and article.runs[0].text == "Điều 1."
    assert not article.runs[1].bold
    tables = document.tables
    assert len(tables) == 2                      # the template's own header table + the list
    attached = tables[1]
    assert attached.rows[-1].cells[1].text == "Tổng cộng"
    previous = attached._tbl.getprevious()
    assert "DANH SÁCH KÈM THEO QUYẾT ĐỊNH 12/QĐ-UBND NGÀY 05/02/2026" in "".join(
        t.text or "" for t in previous.iter(f"{W}t"))
    # "{{du_thao}}" of an issued decision leaves no blank line under the header table
    after_header = document.tables[0]._tbl.getnext()
    assert "".join(t.text or "" for t in after_header.iter(f"{W}t")) == "QUYẾT ĐỊNH"
    # the template's own formatting is kept: italic date line, bold signer
    date = [p for p in document.tables[0].cell(0, 1).paragraphs if "ngày" in p.text][0]
    assert date.runs[0].italic or date.style.font.italic
    pdf = convert([out], "pdf", tmp_path / "pdf")[0]         # a file LibreOffice can open
    text = " ".join(pdf_text(pdf).split())
    assert "Tổng số tiền bằng chữ" in text and d.signer_name in text
    # the built-in layout is back once the template is removed
    doc_templates.remove_template(actor=clerk, kind="decision")
    builtin = decision_pdf.write_decision(decision_id=d.id, path=tmp_path / "qd2.docx")
    assert len(docx.Document(str(builtin)).tables) == 3


def test_minutes_and_proposal_templates(database, clerk, tmp_path):
    from models.entities import Meeting
    from tests.test_decision_pdf import test_minutes_pdf
    test_minutes_pdf(database, clerk, tmp_path)
    body = (f"<text:p>{{{{co_quan}}}}</text:p><text:p>BIÊN BẢN {split('noi_dung')}</text:p>"
            "<text:p>{{dien_bien}}</text:p><text:p>{{danh_sach}}</text:p>"
            "<text:p>{{ket_luan}} ({{so_dat}} đạt)</text:p>"
            f"<text:p>THƯ KÝ {{{{thu_ky}}}} – CHỦ TRÌ {split('chu_tri')}</text:p>")
    template = make_template(tmp_path, body, "bb")
    docx_template.install_template(actor=clerk, kind="minutes", path=template)
    meeting = Meeting.select().first()
    out = minutes_pdf.write_minutes(meeting_id=meeting.id, path=tmp_path / "bb.docx")
    texts = [t for t, _ in _texts(out)]
    assert "THƯ KÝ Lê Thị Hoa – CHỦ TRÌ Nguyễn Văn Hùng" in texts
    assert any(t.startswith("Thời gian:") for t in texts)
    assert len(docx.Document(str(out)).tables) == 1
    # a proposal (tờ trình) is filled from plain values by whoever writes one
    proposal = make_template(tmp_path, "<text:p>TỜ TRÌNH {{so}}</text:p><text:p>Kính gửi: "
                             f"{split('kinh_gui')}</text:p><text:p>{{{{noi_dung}}}}</text:p>",
                             "tt")
    docx_template.fill(proposal.read_bytes(), {
        "so": "15/TTr-UBND", "kinh_gui": "Chủ tịch UBND tỉnh",
        "noi_dung": docx_template.Paragraphs(["Ý một.", "Ý hai."])},
        tmp_path / "tt.docx", kind="proposal")
    texts = [t for t, _ in _texts(tmp_path / "tt.docx")]
    assert texts == ["TỜ TRÌNH 15/TTr-UBND", "Kính gửi: Chủ tịch UBND tỉnh", "Ý một.", "Ý hai."]


def _refused(data, kind="decision", name="mau.docx"):
    with pytest.raises(UserError) as err:
        docx_template.check_template(data, kind, name=name)
    return str(err.value)


def test_templates_that_cannot_be_used_are_refused(tmp_path, database, decision_template):
    good = decision_template.read_bytes()
    unknown = make_template(tmp_path, "<text:p>{{so}} {{ten_xa}} {{nguoi_ky}}</text:p>"
                                      f"<text:p>{split('ngay_lap')}</text:p>", "x")
    message = _refused(unknown.read_bytes())
    assert "{{ten_xa}}" in message and "{{ngay_lap}}" in message and "{{so}}" in message
    # macros: a vbaProject part, whatever the file is called; a .docm by its name
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("word/vbaProject.bin", b"\x00" * 64)
    assert "macro" in _refused(buf.getvalue())
    assert "macro" in _refused(good, name="mau.docm")
    # not a .docx: an old .doc, a workbook renamed, plain text
    assert ".doc" in _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active["A1"] = "{{so}}"
    xlsx = tmp_path / "a.xlsx"
    wb.save(xlsx)
    assert "không phải là văn bản Word" in _refused(xlsx.read_bytes())
    assert "không phải là tệp Word .docx" in _refused("{{so}}".encode())
    # no placeholder at all; the list sharing its paragraph
    assert "không có chỗ điền" in _refused(make_template(
        tmp_path, "<text:p>Quyết định</text:p>", "y").read_bytes())
    assert "đứng riêng" in _refused(make_template(
        tmp_path, "<text:p>Danh sách: {{danh_sach}}</text:p>", "z").read_bytes())
    # a kind the program does not know
    with pytest.raises(UserError):
        docx_template.check_template(good, "certificate")
