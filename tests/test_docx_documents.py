"""Every administrative document as .docx: the same words as its PDF (content computed once),
the Decree-30 layout read back with python-docx, LibreOffice's rendering of it, the batch
command choosing the format by extension."""
import re

import docx
import pytest

from models.entities import Meeting
from reports import decision_pdf, minutes_pdf, registration_docs, score_docs
from reports.docx_doc import W_NS
from tests.helpers import pdf_pages, pdf_text
from tests.office import convert, needs_libreoffice
from tests.test_decision_pdf import issued  # noqa: F401 (fixture)
from tests.test_registration_docs import world  # noqa: F401 (fixture)
from tests.test_score_docs import scored  # noqa: F401 (fixture)

W = "{%s}" % W_NS


def docx_words(path):
    """The words of a .docx body (paragraphs and tables, in order), page numbers aside."""
    body = docx.Document(str(path)).element.body
    return _words(" ".join(t.text or "" for t in body.iter(f"{W}t")))


def _words(text):
    return {w for w in re.findall(r"\w+", text) if not w.isdigit()}


def same_words(pdf, word_file):
    a, b = _words(pdf_text(pdf)), docx_words(word_file)
    assert a == b, (sorted(a - b)[:20], sorted(b - a)[:20])


def _both(tmp_path, name, write):
    pdf, word = write(tmp_path / f"{name}.pdf"), write(tmp_path / f"{name}.docx")
    same_words(pdf, word)
    return pdf, word


def test_decision_docx_says_what_its_pdf_says(issued, tmp_path):  # noqa: F811
    d = issued["decision"]
    pdf, word = _both(tmp_path, "qd", lambda p: decision_pdf.write_decision(
        decision_id=d.id, path=p))
    doc = docx.Document(str(word))
    portrait, landscape = doc.sections
    assert round(landscape.page_width.mm) == 297 and round(portrait.page_width.mm) == 210
    header, signature, attached = doc.tables
    assert "Số: 12/QĐ-UBND" in header.cell(0, 0).text
    assert "Nơi nhận:" in signature.cell(0, 0).text
    assert attached._tbl.tr_lst[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert attached.rows[-1].cells[1].text == "Tổng cộng"
    words = [p for p in doc.paragraphs if p.text.startswith("Tổng số tiền bằng chữ")]
    assert words and words[0].runs[0].italic
    article = [p for p in doc.paragraphs if p.text.startswith("Điều 1.")][0]
    assert article.runs[0].bold and not article.runs[1].bold


def test_minutes_sheet_covenant_list_score_sheet_and_ranking(world, scored, tmp_path,  # noqa: F811
                                                             clerk):
    _both(tmp_path, "dk", lambda p: registration_docs.write_registration_sheet(
        registration_id=world["reg"].id, path=p))
    _, cov = _both(tmp_path, "gu", lambda p: registration_docs.write_covenant(
        covenant_id=world["cov"].id, path=p))
    signatures = docx.Document(str(cov)).tables[-1]
    assert any("(Cụm trưởng)" in c.text for r in signatures.rows for c in r.cells)
    _, listed = _both(tmp_path, "ds", lambda p: registration_docs.write_registrations_list(
        path=p, year=2025))
    assert round(docx.Document(str(listed)).sections[0].page_width.mm) == 297
    _, sheet = _both(tmp_path, "pcd", lambda p: score_docs.write_sheet_pdf(scored["s1"], p))
    table = docx.Document(str(sheet)).tables[1]
    assert table.rows[-1].cells[1].paragraphs[0].runs[0].bold          # TỔNG CỘNG
    _both(tmp_path, "xh", lambda p: score_docs.write_ranking_pdf(scored["cs"], p))


def test_minutes_docx(database, clerk, tmp_path):
    from tests.test_decision_pdf import test_minutes_pdf
    test_minutes_pdf(database, clerk, tmp_path)          # builds the meeting and its votes
    meeting = Meeting.select().first()
    _both(tmp_path, "bb", lambda p: minutes_pdf.write_minutes(meeting_id=meeting.id, path=p))


@needs_libreoffice()
def test_libreoffice_renders_decision_and_minutes(issued, tmp_path):  # noqa: F811
    d = issued["decision"]
    word = decision_pdf.write_decision(decision_id=d.id, path=tmp_path / "qd.docx")
    pdf = convert([word], "pdf", tmp_path / "lo")[0]
    text = " ".join(pdf_text(pdf).split())
    for expected in ("QUYẾT ĐỊNH", "Số: 12/QĐ-UBND", "DANH SÁCH", "Tổng cộng",
                     "Tổng số tiền bằng chữ"):
        assert expected in text, expected
    assert pdf_pages(pdf) >= 2
    import subprocess
    info = subprocess.run(["pdfinfo", "-f", "2", "-l", "2", pdf], capture_output=True,
                          text=True, check=True).stdout
    assert "841.89 x 595.3" in info                      # the list on A4 landscape


def test_batch_decision_chooses_the_format_by_extension(issued, tmp_path, capsys):  # noqa: F811
    import main
    from models import db as dbmod
    d = issued["decision"]
    db_path = dbmod.current_path()
    out = tmp_path / "qd.docx"
    assert main.run_command(["--db", db_path, "decision", str(d.id), "--out", str(out)]) == 0
    assert docx.Document(str(out)).tables[0].cell(0, 1).text.startswith("CỘNG HÒA")
    pdf = tmp_path / "qd.pdf"
    assert main.run_command(["--db", db_path, "decision", str(d.id), "--out", str(pdf)]) == 0
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert main.run_command(["--db", db_path, "decision", "999", "--out",
                             str(tmp_path / "x.docx")]) == 1
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.parametrize("kind", ["decision"])
def test_unknown_decision_docx_is_a_user_error(database, tmp_path, kind):
    from models.errors import NotFound
    with pytest.raises(NotFound):
        decision_pdf.write_decision(decision_id=999, path=tmp_path / "x.docx")
