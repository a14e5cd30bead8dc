"""The decision PDF and its attached list, read back with pdftotext; the awards workbook."""
import datetime
import subprocess

import openpyxl
import pytest

from models import catalogue, council, candidates, decisions, settings
from reports import award_docs, decision_pdf, minutes_pdf
from tests.decision_fixtures import DECISION_DAY, YEAR, make_year
from tests.helpers import pdf_fonts, pdf_pages, pdf_text


def _title(code):
    return catalogue.title_by_code(code)


@pytest.fixture
def issued(database, clerk, leader):
    settings.update_settings(actor=leader, values={
        "commune_name": "Xã Tân Lập", "place_name": "Tân Lập", "chairman": "Nguyễn Văn Hùng"})
    org = make_year(clerk)
    d = decisions.create_draft(actor=clerk, date=datetime.date(2026, 2, 5),
                               movement=org["movement"], period_year=YEAR, number="12")
    an, binh, cuong = org["people"]
    decisions.add_recipient(actor=clerk, decision=d, subject=an, title=_title("LDTT"))
    decisions.add_recipient(actor=clerk, decision=d, subject=an, title=_title("CSTDCS"))
    decisions.add_recipient(actor=clerk, decision=d, subject=binh, title=_title("LDTT"))
    decisions.add_recipient(actor=clerk, decision=d, subject=org["office"],
                            title=_title("TTLDTT"))
    decisions.add_recipient(actor=clerk, decision=d, subject=org["households"][0],
                            title=_title("GK_HGD"))
    d = decisions.issue_decision(actor=leader, decision=d)
    return dict(org=org, decision=d)


def test_decision_pdf_follows_decree_30(issued, tmp_path):
    d = issued["decision"]
    path = decision_pdf.write_decision(decision_id=d.id, path=tmp_path / "qd.pdf")
    text = pdf_text(path)
    flat = " ".join(text.split())
    for expected in ["ỦY BAN NHÂN DÂN", "XÃ TÂN LẬP", "Số: 12/QĐ-UBND",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Tân Lập, ngày 05 tháng 02 năm 2026", "QUYẾT ĐỊNH",
                     "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15", "QUYẾT ĐỊNH:",
                     "Điều 1.", "Điều 2.", "Điều 3.", "Nơi nhận:", "- Như Điều 3;",
                     "- Lưu: VT.", "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN LẬP", "CHỦ TỊCH",
                     "Nguyễn Văn Hùng",
                     "DANH SÁCH", "(Kèm theo Quyết định số 12/QĐ-UBND ngày 05/02/2026",
                     "I. Cá nhân", "II. Tập thể", "III. Hộ gia đình", "Nguyễn Văn An",
                     "Trường Tiểu học Tân Lập", "Phạm Văn Dũng", "2.340.000", "1.880.000",
                     "1.060.000", "Tổng cộng", "5.990.000"]:
        assert expected in flat, expected
    # total in words, Điều 2 and the list agree
    assert flat.count("Năm triệu chín trăm chín mươi nghìn đồng") == 2
    assert "TM. ỦY BAN NHÂN DÂN" not in flat        # the chairman's decision by default
    # Căn cứ punctuation: every line ends with ';', the proposer line with '.'
    assert "06/2022/QH15 ngày 15 tháng 6 năm 2022;" in flat
    assert "Xét đề nghị của Hội đồng Thi đua - Khen thưởng xã." in flat
    assert "DỰ THẢO" not in text
    assert pdf_pages(path) >= 2
    assert all(embedded for _, embedded in pdf_fonts(path))
    # the list pages are landscape
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9", str(path)], capture_output=True,
                          text=True, check=True).stdout
    sizes = [line.split(":", 1)[1].split("pts")[0].strip() for line in info.splitlines()
             if line.startswith("Page") and "size:" in line]
    assert sizes[0].startswith("595.") and sizes[-1].startswith("841.")


def test_draft_and_revoke_pdf(issued, clerk, tmp_path):
    d = issued["decision"]
    draft = decisions.revoke_decision(actor=clerk, decision=d, date=datetime.date(2026, 3, 1),
                                      reason="Phát hiện kê khai không đúng")
    text = pdf_text(decision_pdf.write_decision(decision_id=draft.id, path=tmp_path / "r.pdf"))
    assert "DỰ THẢO" in text and "Thu hồi Quyết định số 12/QĐ-UBND" in " ".join(text.split())
    assert "DANH SÁCH" not in text


def test_unknown_decision_is_a_user_error(database, tmp_path):
    from models.errors import NotFound
    with pytest.raises(NotFound):
        decision_pdf.write_decision(decision_id=999, path=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_minutes_pdf(database, clerk, tmp_path):
    org = make_year(clerk)
    mv = org["movement"]
    candidates.build_candidates(actor=clerk, movement=mv, year=YEAR)
    meeting = council.create_meeting(actor=clerk, movement=mv, year=YEAR, date=DECISION_DAY,
                                     place="Hội trường UBND xã", chair="Nguyễn Văn Hùng",
                                     secretary="Lê Thị Hoa", members_total=11,
                                     members_present=9)
    for cand in candidates.candidates(movement=mv, year=YEAR):
        council.record_vote(actor=clerk, meeting=meeting, candidate=cand, votes_for=7,
                            votes_against=2)
    path = minutes_pdf.write_minutes(meeting_id=meeting.id, path=tmp_path / "bb.pdf")
    flat = " ".join(pdf_text(path).split())
    for expected in ["BIÊN BẢN", "Nguyễn Văn Hùng", "Lê Thị Hoa", "9/11", "bỏ phiếu kín",
                     "77,78", "Đạt", "Nguyễn Văn An", "THƯ KÝ", "CHỦ TRÌ"]:
        assert expected in flat, expected


def test_awards_workbook(issued, tmp_path):
    # the register goes by the year the titles are for: a 2026 decision for 2025
    path = award_docs.export_awards_xlsx(tmp_path / "kt.xlsx", year=YEAR)
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header_index = next(i for i, r in enumerate(rows) if "Số sổ" in r)
    header = rows[header_index]
    for name in ["Họ và tên / Tên tập thể / Chủ hộ", "Hình thức", "Số quyết định",
                 "Ngày quyết định", "Số sổ", "Số tiền (đồng)"]:
        assert name in header
    data = [dict(zip(header, r)) for r in rows[header_index + 1:] if r and isinstance(r[0], int)]
    assert len(data) == 5
    first = data[0]
    assert first["Số quyết định"] == "12/QĐ-UBND" and first["Số sổ"] == 1
    assert first["Ngày quyết định"].date() == datetime.date(2026, 2, 5)
    assert sum(r["Số tiền (đồng)"] for r in data) == 5_990_000
    assert {r["Năm khen"] for r in data} == {YEAR}
    empty = award_docs.export_awards_xlsx(tmp_path / "none.xlsx", year=2019)
    assert openpyxl.load_workbook(empty).worksheets[0].max_row >= 5


def test_batch_commands(issued, tmp_path, capsys):
    import json

    import main
    from models.db import current_path
    db_path = current_path()
    decision = issued["decision"]
    assert main.run_command(["--db", db_path, "list", "decisions", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [{"id": decision.id, "uuid": decision.uuid, "number": "12/QĐ-UBND",
                     "date": "2026-02-05", "state": "issued", "recipient_count": 5,
                     "total_amount": 5_990_000, "kind": "award",
                     "about": decision.about}]
    out = tmp_path / "qd.pdf"
    assert main.run_command(["--db", db_path, "decision", str(decision.id), "--out",
                             str(out)]) == 0
    assert "Số: 12/QĐ-UBND" in pdf_text(out)
    assert main.run_command(["--db", db_path, "decision", "999", "--out",
                             str(tmp_path / "no.pdf")]) == 1
    assert "Không có quyết định mã 999" in capsys.readouterr().err
    xlsx = tmp_path / "kt.xlsx"
    assert main.run_command(["--db", db_path, "export", "awards", "--out", str(xlsx),
                             "--year", str(YEAR)]) == 0
    ws = openpyxl.load_workbook(xlsx).worksheets[0]
    values = [c for row in ws.iter_rows(values_only=True) for c in row]
    assert "Số sổ" in values and "Nguyễn Văn An" in values


def test_fund_workbook(issued, tmp_path):
    path = award_docs.export_decisions_xlsx(tmp_path / "quy.xlsx", year=2026)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Quyết định", "Quỹ theo hình thức", "Quỹ theo năm"]
    values = [c for row in wb["Quỹ theo năm"].iter_rows(values_only=True) for c in row]
    assert 2026 in values and 5_990_000 in values
    decisions_sheet = [c for row in wb["Quyết định"].iter_rows(values_only=True) for c in row]
    assert "12/QĐ-UBND" in decisions_sheet
    list_path = award_docs.export_decision_list_xlsx(tmp_path / "ds.xlsx",
                                                     decision_id=issued["decision"].id)
    cells = [c for row in openpyxl.load_workbook(list_path).worksheets[0]
             .iter_rows(values_only=True) for c in row]
    assert "I. Cá nhân" in cells and "III. Hộ gia đình" in cells and 5_990_000 in cells


def test_vice_chairman_signing_for_the_chairman(database, clerk, leader, tmp_path):
    settings.update_settings(actor=leader, values={"commune_name": "Xã Tân Lập",
                                                   "place_name": "Tân Lập"})
    org = make_year(clerk)
    d = decisions.create_draft(actor=clerk, date=datetime.date(2026, 1, 9),
                               signer_name="Trần Thị Mai", signer_title="Phó Chủ tịch",
                               on_behalf=False, period_year=YEAR)
    decisions.add_recipient(actor=clerk, decision=d, subject=org["people"][0],
                            title=_title("GK_CN"))
    flat = " ".join(pdf_text(decision_pdf.write_decision(decision_id=d.id,
                                                         path=tmp_path / "d.pdf")).split())
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN LẬP" in flat
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in flat and "TM. ỦY BAN" not in flat
    assert "Trần Thị Mai" in flat and "DỰ THẢO" in flat and "Số: /QĐ-UBND" in flat
    assert "Ngày 09 tháng 01 năm 2026" in flat or "ngày 09 tháng 01 năm 2026" in flat
    assert "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân xã cho 1 cá nhân" in flat
