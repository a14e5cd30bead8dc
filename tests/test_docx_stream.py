"""Long Word lists written into the file row by row (reports/docx_stream.py): the same file
as the whole-tree way, read back by python-docx and laid out by LibreOffice."""
import zipfile

import docx

from models import accounts
from reports import decision_pdf, docx_doc
from tests.decision_fixtures import big_household_decision
from tests.helpers import pdf_pages, pdf_text
from tests.office import convert, needs_libreoffice
from tests.test_docx_documents import docx_words

N = 1300          # over STREAM_ROWS, with sections in the list


def _write_both(tmp_path, monkeypatch, decision_id):
    whole, streamed = tmp_path / "whole.docx", tmp_path / "streamed.docx"
    monkeypatch.setattr(docx_doc, "STREAM_ROWS", 10 ** 9)
    decision_pdf.write_decision(decision_id=decision_id, path=whole)
    monkeypatch.setattr(docx_doc, "STREAM_ROWS", 1000)
    decision_pdf.write_decision(decision_id=decision_id, path=streamed)
    return whole, streamed


def test_streamed_list_is_the_same_document(database, tmp_path, monkeypatch):
    decision_id = big_household_decision(accounts.batch_actor(), N)
    whole, streamed = _write_both(tmp_path, monkeypatch, decision_id)
    with zipfile.ZipFile(whole) as a, zipfile.ZipFile(streamed) as b:
        assert a.namelist() == b.namelist()
        assert "TDKT-STREAMED-ROWS" not in b.read("word/document.xml").decode()
        # the same XML text: the rows are the ones the tree would have serialised
        assert a.read("word/document.xml") == b.read("word/document.xml")
        assert b.testzip() is None
    assert docx_words(whole) == docx_words(streamed)
    doc = docx.Document(str(streamed))
    attached = doc.tables[-1]
    assert len(attached.rows) == N + 3        # header, the title's section, N, total
    assert attached.rows[2].cells[1].text == "Nguyễn Văn An"
    assert attached.rows[-1].cells[1].text == "Tổng cộng"


@needs_libreoffice()
def test_libreoffice_converts_a_streamed_list(database, tmp_path, monkeypatch):
    monkeypatch.setattr(docx_doc, "STREAM_ROWS", 100)
    decision_id = big_household_decision(accounts.batch_actor(), 300)
    path = decision_pdf.write_decision(decision_id=decision_id, path=tmp_path / "qd.docx")
    pdf = convert([path], "pdf", tmp_path / "pdf")[0]
    text = pdf_text(pdf)
    assert pdf_pages(pdf) > 5
    assert "Tổng cộng" in text and "TDKT-STREAMED" not in text
    assert text.count("Đông Hòa") >= 300
