"""Registration sheet, covenant and list PDFs read back with pdftotext; the xlsx export and the
targets import read with openpyxl."""
import datetime
from decimal import Decimal

import openpyxl
import pytest

from models import movements as mv
from models import registrations as rg
from models import settings
from models.entities import Target
from models.errors import UserError
from reports import registration_docs as docs
from reports import targets_xlsx
from tests.helpers import make_org, pdf_fonts, pdf_text, set_password


@pytest.fixture
def world(clerk, leader):
    settings.save_initial_settings(actor=leader, values={"commune_name": "Xã Tân Lập", "place_name": "Tân Lập",
                                    "chairman": "Nguyễn Văn Hùng"})
    o = make_org(clerk)
    m = mv.add_movement(actor=clerk, name="Phong trào thi đua yêu nước năm 2025",
                        year_from=2025, doc_number="05/KH-UBND", doc_date="06/01/2025")
    mv.add_target(actor=clerk, movement=m, name="Tỷ lệ hộ đạt Gia đình văn hóa", value="85%",
                  measure="%")
    v1, v2 = o["villages"]
    rows = rg.prefill_commitments(m)
    rows[0]["value"] = "88,5"
    o["reg"] = rg.register(actor=clerk, movement=m, subject=v1, titles=["TDPVH"],
                           commitments=rows, reg_date="12/01/2025", signer="Lê Đức Cường")
    rg.submit(actor=clerk, registration=o["reg"])
    rg.accept(actor=leader, registration=o["reg"])
    rg.bulk_register(actor=clerk, movement=m, villages=[v1, v2], units=[o["office"]],
                     titles=["GDVH", "LDTT"], reg_date="15/01/2025")
    o["cov"] = rg.save_covenant(actor=clerk, bloc=o["bloc"], year=2025, movement=m, head=v1,
                                deputy=v2, content="1. Hoàn thành chỉ tiêu\n2. Ký giao ước",
                                signed_date="20/01/2025", place="Hội trường UBND xã",
                                signers={v2.id: "Hoàng Thị Em"})
    o["movement"] = m
    return o


def test_registration_sheet(world, tmp_path):
    path = docs.write_registration_sheet(registration_id=world["reg"].id,
                                         path=tmp_path / "dk.pdf")
    text = pdf_text(path)
    assert "BẢN ĐĂNG KÝ THI ĐUA NĂM 2025" in text
    assert "THÔN ĐÔNG HÒA" in text and "Tân Lập, ngày 12 tháng 01 năm 2025" in text
    assert "Thôn, tổ dân phố văn hóa" in text
    assert "88,5" in text and "Tỷ lệ hộ đạt Gia đình văn hóa" in text
    assert "Lê Đức Cường" in text and "TRƯỞNG THÔN" in text        # a village's head signs
    assert "THỦ TRƯỞNG ĐƠN VỊ" not in text
    assert "05/KH-UBND" in text
    assert all(embedded for _name, embedded in pdf_fonts(path))


def test_covenant_has_a_signature_block_per_member(world, tmp_path):
    path = docs.write_covenant(covenant_id=world["cov"].id, path=tmp_path / "gu.pdf")
    text = pdf_text(path)
    assert "GIAO ƯỚC THI ĐUA NĂM 2025" in text
    assert "ĐẠI DIỆN THÔN ĐÔNG HÒA" in text and "ĐẠI DIỆN TỔ DÂN PHỐ 1" in text
    assert "(Cụm trưởng)" in text and "(Cụm phó)" in text
    assert "Hoàng Thị Em" in text and "1. Hoàn thành chỉ tiêu" in text
    assert "ngày 20 tháng 01 năm 2025" in text


def test_registrations_list_pdf(world, tmp_path):
    path = docs.write_registrations_list(path=tmp_path / "ds.pdf", year=2025)
    text = pdf_text(path)
    assert "DANH SÁCH ĐĂNG KÝ THI ĐUA NĂM 2025" in text
    assert text.index("I. CÁ NHÂN") < text.index("II. TẬP THỂ") < text.index("III. HỘ GIA ĐÌNH")
    assert "Nguyễn Văn An" in text and "Phạm Văn Dũng" in text
    assert "Đã duyệt" in text and "Nháp" in text
    assert "Tổng cộng: 5 đăng ký" in text
    assert all(embedded for _name, embedded in pdf_fonts(path))


def test_registrations_xlsx(world, tmp_path):
    calls = []
    path = docs.export_registrations_xlsx(str(tmp_path / "dk.xlsx"), year=2025,
                                          progress=lambda d, t: calls.append((d, t)))
    ws = openpyxl.load_workbook(path).active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    header_i = next(i for i, r in enumerate(values) if r and r[0] == "STT")
    data = [r for r in values[header_i + 1:] if r and isinstance(r[0], int)]
    assert len(data) == 5 and calls[-1] == (5, 5)
    names = [r[3] for r in data]
    assert names.index("Nguyễn Văn An") < names.index("Thôn Đông Hòa") < names.index(
        "Phạm Văn Dũng")
    unit = dict(zip(values[header_i], next(r for r in data if r[3] == "Thôn Đông Hòa")))
    assert unit["Trạng thái"] == "Đã duyệt"
    assert unit["Ngày đăng ký"] == datetime.datetime(2025, 1, 12)
    assert unit["Phong trào"]                  # kept on screen, after the print area
    assert docs.export_registrations_xlsx(str(tmp_path / "none.xlsx"), year=2030)


def _targets_file(path, rows, header=("STT", "Tên chỉ tiêu", "Chỉ tiêu giao", "ĐVT")):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chỉ tiêu"
    ws.append(["UBND XÃ TÂN LẬP"])
    ws.append(["CHỈ TIÊU THI ĐUA NĂM 2025"])
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return str(path)


def test_import_targets(world, clerk, tmp_path):
    path = _targets_file(tmp_path / "ct.xlsx", [
        (1, "Giải quyết việc làm trong năm", "1.600", "người"),
        (2, "Tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng", "5,9%", ""),
        (3, "Tốc độ tăng trưởng", "khoảng 9,48%", None),
        (4, "Tỷ lệ che phủ rừng", 50, "%"),
        (5, "(7) Tỷ lệ chất thải rắn được thu gom: 85%", None, None),
    ])
    result = targets_xlsx.import_targets(path, actor=clerk, movement=world["movement"])
    assert result.created == 5 and "Đã nhập 5 chỉ tiêu" in result.summary()
    targets = {t.name: t for t in Target.select()}
    assert targets["Giải quyết việc làm trong năm"].value == Decimal("1600")
    assert targets["Tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng"].direction == "lower"
    assert targets["Tốc độ tăng trưởng"].value == Decimal("9.48")
    assert targets["Tỷ lệ chất thải rắn được thu gom"].value == Decimal("85")


def test_import_targets_bad_rows(world, clerk, tmp_path):
    before = Target.select().count()
    path = _targets_file(tmp_path / "bad.xlsx", [
        (1, "Giải quyết việc làm", "1.600", "người"),
        (2, "Tỷ lệ hộ nghèo", "không rõ", "%"),
    ])
    with pytest.raises(UserError) as info:
        targets_xlsx.import_targets(path, actor=clerk, movement=world["movement"])
    assert "dòng 5" in info.value.details[0] and "cột C" in info.value.details[0]
    assert Target.select().count() == before
    result = targets_xlsx.import_targets(path, actor=clerk, movement=world["movement"],
                                         only_valid=True)
    assert result.created == 1 and result.skipped == 1


def test_batch_commands(world, clerk, tmp_path, capsys, monkeypatch):
    import json

    import main
    from models.db import current_path
    db_path = current_path()
    monkeypatch.setenv("TDKT_PASSWORD", set_password(clerk))
    assert main.run_command(["--db", db_path, "list", "movements", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [{"id": world["movement"].id, "uuid": world["movement"].uuid,
                     "name": "Phong trào thi đua yêu nước năm 2025", "kind": "regular",
                     "year_from": 2025, "year_to": 2025, "parent_id": None,
                     "doc_number": "05/KH-UBND", "doc_date": "2025-01-06", "target_count": 1,
                     "registration_count": 5}]
    out = tmp_path / "dk.xlsx"
    assert main.run_command(["--db", db_path, "export", "registrations", "--out", str(out),
                             "--year", "2025"]) == 0
    ws = openpyxl.load_workbook(out).active
    assert sum(1 for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], int)) == 5
    bad = _targets_file(tmp_path / "bad.xlsx", [(1, "Tỷ lệ hộ nghèo", "không rõ", "%")])
    assert main.run_command(["--db", db_path, "--user", "canbo", "import", "targets",
                             bad]) == 1
    assert "dòng 4, cột C" in capsys.readouterr().err
