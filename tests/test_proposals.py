"""A unit's proposal list → candidates: matching, preview, problems located, one transaction."""
import datetime
import json

import pytest

from models import candidates, decisions, org
from models.entities import AuditLog, Award, Candidate, Household, Person
from models.errors import ValidationError
from models.proposal_match import TitleMatcher, parse_kind, section_kind
from reports import proposals_import as pi
from tests.decision_fixtures import YEAR, make_movement
from tests.helpers import make_org
from tests.office import XLSX_FILTER, convert, needs_libreoffice
from tests.proposal_fixtures import SCHOOL_ROWS, write_list

SHEET = "Trang tính 'Danh sách đề nghị'"


@pytest.fixture
def world(clerk):
    data = make_org(clerk)
    data["movement"] = make_movement()
    return data


def _counts():
    return Candidate.select().count(), Person.select().count(), Household.select().count()


def _import(path, world, clerk, **kw):
    return pi.import_proposals_file(path, actor=clerk, movement=world["movement"], year=YEAR,
                                    **kw)[0]


def test_school_list_becomes_candidates_with_new_people_and_households(world, clerk, tmp_path):
    path = write_list(tmp_path / "truong.xlsx", SCHOOL_ROWS)
    pv = pi.preview_proposals(path, movement=world["movement"], year=YEAR)
    assert pv.can_import, [str(p) for p in pv.problems]
    # headings, totals and the signature block are recognised and reported, not imported
    assert [n for n, _ in pv.skipped][:4] == [10, 14, 16, 19]
    assert any("tổng cộng" in why for _, why in pv.skipped)
    assert "1 cá nhân mới" in pv.describe() and "1 hộ gia đình mới" in pv.describe()
    new_rows = [e.number for e in pv.entries if e.plan.status == "new"]
    assert new_rows == [13, 18]

    result = _import(path, world, clerk)
    assert (result.added, result.new_people, result.new_households) == (6, 1, 1)
    rows = candidates.candidate_rows(movement=world["movement"], year=YEAR)
    got = {(r["name"], r["title"]) for r in rows}
    assert got == {("Nguyễn Văn An", "Lao động tiên tiến"),
                   ("Trần Thị Bình", "Chiến sĩ thi đua cơ sở"),
                   ("Đỗ Thị Hạnh", "Lao động tiên tiến"),
                   ("Trường Tiểu học Tân Lập", "Tập thể lao động tiên tiến"),
                   ("Phạm Văn Dũng", "Gia đình văn hóa"),
                   ("Ngô Thị Mai", "Giấy khen của Chủ tịch Ủy ban nhân dân xã")}
    assert all(r["source"] == "proposal" and "truong.xlsx" in r["reason"] for r in rows)
    hanh = Person.get(Person.full_name == "Đỗ Thị Hạnh")
    assert (hanh.gender, hanh.position, hanh.unit_id) == ("nu", "Giáo viên", world["office"].id)
    mai = Household.get(Household.head_name == "Ngô Thị Mai")
    assert (mai.gender, mai.village_id) == ("nu", world["villages"][0].id)
    binh = Candidate.get(Candidate.person == world["people"][1])
    assert binh.achievement.startswith("Sáng kiến \"Dạy học theo nhóm\"")
    log = AuditLog.get(AuditLog.action == "import_proposals")
    logged = json.loads(log.new)
    assert logged["added"] == 6 and logged["new_person_ids"] == [hanh.id]
    assert logged["new_household_ids"] == [mai.id]


def test_preview_writes_nothing(world, clerk, tmp_path):
    before = _counts()
    pi.preview_proposals(write_list(tmp_path / "a.xlsx", SCHOOL_ROWS),
                         movement=world["movement"], year=YEAR)
    assert _counts() == before


@pytest.mark.parametrize("text,kind,code", [
    ("LĐTT", "person", "LDTT"), ("lao dong tien tien", "person", "LDTT"),
    ("Danh hiệu Lao động tiên tiến năm 2025", "person", "LDTT"),
    ("CSTĐCS", "person", "CSTDCS"), ("Chiến sĩ thi đua", "person", "CSTDCS"),
    ("GĐVH", "household", "GDVH"), ("Gia đình văn hoá", "household", "GDVH"),
    ("TTLĐTT", "unit", "TTLDTT"), ("Thôn văn hóa", "unit", "TDPVH"),
    ("Giấy khen Chủ tịch UBND xã", "person", "GK_CN"),
    ("Giấy khen của Chủ tịch Ủy ban nhân dân xã Tân Lập", "household", "GK_HGD"),
    ("giấy khen", "unit", "GK_TT"),
])
def test_titles_by_name_code_initials_and_synonym(database, text, kind, code):
    title, why = TitleMatcher().find(text, kind)
    assert why is None and title.code == code


def test_kind_words_and_headings(database):
    assert parse_kind("CANHAN") == parse_kind("Cá nhân") == "person"
    assert parse_kind("TAPTHE") == parse_kind("tập thể") == "unit"
    assert parse_kind("HOGIADINH") == parse_kind("Hộ gia đình") == parse_kind("HGĐ") == "household"
    assert parse_kind("Đoàn viên") is None
    assert section_kind("I. CÁ NHÂN") == "person"
    assert section_kind("B - Tập thể") == "unit"
    assert section_kind("III. HỘ GIA ĐÌNH") == "household"
    assert section_kind("Công an xã") is None and section_kind("Cá") is None


def test_bad_rows_refuse_the_whole_list_and_say_where(world, clerk, tmp_path):
    rows = [
        [1, "Cá nhân", "Nguyễn Văn An", "Giáo viên", "Trường TH Tân Lập", "LĐTT"],
        [2, "Cá nhân", "Trần Thị Bình", None, "Trường TH Tân Lập", "Gia đình văn hóa"],
        [3, "Đoàn viên", "Lê Đức Cường", None, "Thôn Đông Hòa", "LĐTT"],
        [4, "Cá nhân", None, "Giáo viên", "Trường TH Tân Lập", "LĐTT"],
        [5, "Tập thể", "Trường Tiểu học Tân Lập", None, None, "Thôn văn hóa"],
        [6, "Tập thể", "Tổ Toán", None, "Trường TH Tân Lập", "TTLĐTT"],
        [7, "Cá nhân", "Nguyễn Văn An", None, "Trường TH Tân Lập", "Bằng khen Thủ tướng"],
        [8, "Cá nhân", "Nguyễn Văn An", None, "Trường TH Tân Lập", "Lao động tiên tiến"],
    ]
    path = write_list(tmp_path / "loi.xlsx", rows)
    before = _counts()
    pv = pi.preview_proposals(path, movement=world["movement"], year=YEAR)
    by_row = {e.number: [str(p) for p in e.problems] for e in pv.entries}
    assert by_row[10] == []
    assert any(f"{SHEET}, dòng 11, cột F (Danh hiệu, hình thức đề nghị)" in p
               and "không dành cho cá nhân" in p and "hộ gia đình" in p for p in by_row[11])
    assert any("dòng 12, cột B (Phân loại)" in p and "'Đoàn viên' không rõ" in p
               for p in by_row[12])
    assert any("dòng 13, cột C" in p and "Chưa ghi họ tên" in p for p in by_row[13])
    assert any("dòng 14, cột F" in p and "không dành cho trường học" in p for p in by_row[14])
    assert any("dòng 15, cột C" in p and "Chưa có đơn vị 'Tổ Toán'" in p for p in by_row[15])
    assert any("dòng 16, cột F" in p and "Không có danh hiệu/hình thức 'Bằng khen Thủ tướng'"
               in p for p in by_row[16])
    assert any("Trùng với dòng 10" in p for p in by_row[17])
    with pytest.raises(ValidationError) as err:
        _import(path, world, clerk)
    assert "chưa nhập gì" in str(err.value)
    assert len(err.value.details) == sum(len(v) for v in by_row.values())
    assert _counts() == before


def test_ambiguous_name_is_a_problem_until_the_clerk_chooses(world, clerk, tmp_path):
    twin = org.add_person(actor=clerk, full_name="Nguyễn Văn An", gender="nam", birth_year=1992,
                          unit=world["office"], allow_duplicate=True)
    rows = [[1, "Cá nhân", "Nguyễn Văn An", "Giáo viên", "Trường TH Tân Lập", "LĐTT"]]
    path = write_list(tmp_path / "trung.xlsx", rows)
    pv = pi.preview_proposals(path, movement=world["movement"], year=YEAR)
    entry = pv.entries[0]
    assert "Có 2 người tên 'Nguyễn Văn An'" in str(entry.problems[0])
    keys = [k for k, _label in entry.plan.options]
    assert ("person", twin.id) in keys and ("new",) in keys
    with pytest.raises(ValidationError):
        _import(path, world, clerk)
    result = _import(path, world, clerk, choices={10: ("person", twin.id)})
    assert result.added == 1
    assert Candidate.get().person_id == twin.id
    # a birth year in the list decides without a choice
    rows[0] += [None, None, None]
    path2 = write_list(tmp_path / "nam-sinh.xlsx", [[1, "Cá nhân", "Nguyễn Văn An", 1980,
                                                     "Trường TH Tân Lập", "CSTĐCS"]],
                       head=["STT", "Phân loại", "Họ và tên", "Năm sinh", "Đơn vị",
                             "Danh hiệu đề nghị"], sub=None)
    pv = pi.preview_proposals(path2, movement=world["movement"], year=YEAR)
    assert pv.can_import and pv.entries[0].plan.subject == ("person", world["people"][0].id)


def test_importing_again_adds_nothing_and_restores_removed(world, clerk, tmp_path):
    path = write_list(tmp_path / "ds.xlsx", SCHOOL_ROWS)
    _import(path, world, clerk)
    again = _import(path, world, clerk)
    assert (again.added, again.already, again.new_people, again.new_households) == (0, 6, 0, 0)
    cand = Candidate.get(Candidate.person == world["people"][0])
    candidates.remove_candidate(actor=clerk, candidate=cand, reason="Chuyển công tác")
    third = _import(path, world, clerk)
    assert third.restored == 1 and not Candidate.get_by_id(cand.id).removed


def test_into_a_draft_decision_with_the_lists_achievements(world, clerk, tmp_path):
    draft = decisions.create_draft(actor=clerk, movement=world["movement"],
                                   date=datetime.date(2025, 12, 20), period_year=YEAR)
    result = _import(write_list(tmp_path / "ds.xlsx", SCHOOL_ROWS), world, clerk,
                     decision=draft)
    assert result.to_decision == 6
    award = Award.get(Award.person == world["people"][1])
    assert award.achievement.startswith("Sáng kiến")
    plain = Award.get(Award.person == world["people"][0])
    assert plain.achievement == "Hoàn thành xuất sắc nhiệm vụ năm học 2024-2025"
    other = decisions.create_draft(actor=clerk, date=datetime.date(2025, 12, 21),
                                   period_year=YEAR - 1)
    with pytest.raises(ValidationError, match="năm 2024"):
        _import(write_list(tmp_path / "b.xlsx", SCHOOL_ROWS), world, clerk, decision=other)


def test_without_kind_column_the_title_or_heading_decides(world, clerk, tmp_path):
    head = ["STT", "Họ và tên", "Đơn vị", "Danh hiệu đề nghị", "Thành tích"]
    rows = [[1, "Nguyễn Văn An", "Trường TH Tân Lập", "LĐTT"],
            [2, "Phạm Văn Dũng", "Thôn Đông Hòa", "GĐVH"],
            [3, "Hoàng Thị Em", "Tổ dân phố 1", "Giấy khen"],
            ["II. Hộ gia đình"],
            [4, "Hoàng Thị Em", "Tổ dân phố 1", "Giấy khen"]]
    path = write_list(tmp_path / "k.xlsx", rows, head=head, sub=None)
    pv = pi.preview_proposals(path, movement=world["movement"], year=YEAR)
    kinds = {e.number: e.kind for e in pv.entries}
    assert kinds[9] == "person" and kinds[10] == "household"
    assert kinds[11] is None
    assert "hãy thêm cột Phân loại" in str(pv.entries[2].problems[0])
    assert kinds[13] == "household" and pv.entries[3].ok


def test_a_villages_list_uses_the_sender_as_context(world, clerk, tmp_path):
    v1 = world["villages"][0]
    head = ["STT", "Họ và tên chủ hộ", "Phân loại", "Hình thức khen thưởng"]
    rows = [[1, "Phạm Văn Dũng", "HGĐ", "Gia đình văn hóa"],
            [2, "Bà Lý Thị Sen", "HGĐ", "Gia đình văn hóa"],
            [3, "Trịnh Quang Vinh", "HGĐ", "Gia đình văn hóa"]]
    path = write_list(tmp_path / "thon.xlsx", rows, head=head, sub=None, sender="THÔN ĐÔNG HÒA")
    pv = pi.preview_proposals(path, movement=world["movement"], year=YEAR)
    assert not pv.can_import      # no village known for the two new households
    assert "hãy ghi cột Đơn vị hoặc chọn đơn vị gửi danh sách" in str(pv.entries[1].problems[0])
    pv = pi.preview_proposals(path, movement=world["movement"], year=YEAR, proposer=v1)
    assert pv.entries[0].plan.subject == ("household", world["households"][0].id)
    assert pv.entries[1].ok and pv.entries[1].plan.new["gender"] == "nu"
    # neither 'Ông'/'Bà' nor a middle name 'Thị'/'Văn': the gender must be written
    assert "cần giới tính" in str(pv.entries[2].problems[0])
    rows[2][1] = "Ông Trịnh Quang Vinh"
    path = write_list(tmp_path / "thon2.xlsx", rows, head=head, sub=None)
    result = _import(path, world, clerk, proposer=v1)
    assert (result.added, result.new_households) == (3, 2)
    vinh = Household.get(Household.head_name == "Trịnh Quang Vinh")
    assert (vinh.village_id, vinh.gender) == (v1.id, "nam")


def test_year_outside_the_movement_is_refused(world, clerk, tmp_path):
    with pytest.raises(ValidationError, match="không thuộc phong trào"):
        pi.preview_proposals(write_list(tmp_path / "a.xlsx", SCHOOL_ROWS),
                             movement=world["movement"], year=YEAR + 1)


def test_missing_title_column_is_a_file_problem(world, clerk, tmp_path):
    path = write_list(tmp_path / "a.xlsx", [[1, "Nguyễn Văn An", "Giáo viên"]],
                      head=["STT", "Họ và tên", "Chức vụ"], sub=None)
    pv = pi.preview_proposals(path, movement=world["movement"], year=YEAR)
    assert any("Thiếu cột 'Danh hiệu, hình thức đề nghị'" in str(p) for p in pv.file_problems)
    with pytest.raises(ValidationError, match="Không nhập được tệp a.xlsx"):
        _import(path, world, clerk)


def test_migration_4_gives_an_old_file_the_same_candidate_columns(tmp_path):
    import sqlite3

    from models import db as dbmod
    fresh = tmp_path / "moi.sqlite3"
    dbmod.open_database(str(fresh))
    dbmod.close_database()
    old = tmp_path / "cu.sqlite3"
    dbmod.open_database(str(old))
    dbmod.db.execute_sql("ALTER TABLE candidate DROP COLUMN achievement")
    dbmod.db.execute_sql("PRAGMA user_version=1")
    dbmod.close_database()
    dbmod.open_database(str(old))
    dbmod.close_database()

    def columns(path):
        conn = sqlite3.connect(path)
        try:
            return (conn.execute("PRAGMA table_info(candidate)").fetchall(),
                    conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    assert columns(old) == columns(fresh)
    assert columns(old)[1] == dbmod.SCHEMA_VERSION


def test_batch_command_imports_and_keeps_the_exit_code_contract(tmp_path):
    """`main.py import proposals FILE --movement ID` in a real process: 0, 1 and 2."""
    import os
    import subprocess
    import sys

    from models import db as dbmod
    from models.accounts import batch_actor
    path = tmp_path / "xa.sqlite3"
    dbmod.open_database(str(path))
    world = make_org(batch_actor())
    movement_id = make_movement().id
    dbmod.close_database()
    good = write_list(tmp_path / "de-nghi.xlsx", SCHOOL_ROWS)
    bad = write_list(tmp_path / "loi.xlsx", SCHOOL_ROWS + [
        [7, "Cá nhân", "Lê Đức Cường", None, "Thôn Đông Hòa", "Gia đình văn hóa"]])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, TDKT_DATA_DIR=str(tmp_path))

    def run(*args):
        return subprocess.run([sys.executable, os.path.join(root, "main.py"), "--db", str(path),
                               "import", "proposals", *map(str, args)], capture_output=True,
                              text=True, env=env, cwd=root, timeout=120)

    refused = run(bad, "--movement", movement_id)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "chưa nhập gì" in refused.stderr.splitlines()[0]
    assert "Trang tính 'Danh sách đề nghị', dòng 19, cột F" in refused.stderr
    assert run(good).returncode == 2                       # --movement is required
    assert run(good, "--movement", 999).returncode == 1    # no such movement
    done = run(good, "--movement", movement_id, "--unit", "Trường TH Tân Lập")
    assert done.returncode == 0, done.stderr
    assert "Đã thêm 6 đề nghị" in done.stdout and "1 cá nhân mới" in done.stdout
    dbmod.open_database(str(path))
    try:
        assert Candidate.select().where(Candidate.source == "proposal").count() == 6
        assert world["office"].id == Person.get(Person.full_name == "Đỗ Thị Hạnh").unit_id
    finally:
        dbmod.close_database()


@needs_libreoffice()
@pytest.mark.parametrize("target", ["xls", XLSX_FILTER])
def test_a_list_saved_by_libreoffice_imports(world, clerk, tmp_path, target):
    """The school's list as LibreOffice Calc saves it (the way it reaches the commune)."""
    source = write_list(tmp_path / "goc.xlsx", SCHOOL_ROWS)
    saved = convert([source], target, tmp_path / "lo")[0]
    pv = pi.preview_proposals(saved, movement=world["movement"], year=YEAR)
    assert pv.can_import, [str(p) for p in pv.problems]
    assert [e.number for e in pv.entries] == [11, 12, 13, 15, 17, 18]
    result = _import(saved, world, clerk)
    assert (result.added, result.new_people, result.new_households) == (6, 1, 1)


def test_legacy_tcvn3_names_are_converted_then_matched(world, clerk, tmp_path):
    import openpyxl
    from openpyxl.styles import Font

    from models.vntext import unicode_to_tcvn3
    path = write_list(tmp_path / "tcvn3.xlsx", SCHOOL_ROWS)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for row in (11, 17):
        ws.cell(row, 3).value = unicode_to_tcvn3(ws.cell(row, 3).value)
        ws.cell(row, 3).font = Font(name=".VnTime")
    wb.save(path)
    pv = pi.preview_proposals(path, movement=world["movement"], year=YEAR)
    assert pv.can_import
    an = pv.entries[0]
    assert an.converted == {"name": "TCVN3"}
    assert an.plan.subject == ("person", world["people"][0].id)
    assert pv.entries[4].plan.subject == ("household", world["households"][0].id)


def test_a_list_laid_out_the_way_excel_saves_it(world, clerk, tmp_path):
    """Shared strings, a header with a line break, a kind drop-down fed by a hidden sheet
    (x14 validation), a rich-text name whose second run is TCVN3, a formula totals row."""
    from models.vntext import unicode_to_tcvn3
    from tests.excel_xml import SharedStrings, sheet_xml, write_workbook
    ss = SharedStrings()
    S = ss.add
    header = [S("STT"), S("Phân loại"), S("Họ và tên /_x000D_\nTên tập thể"), S("Đơn vị"),
              S("Danh hiệu thi đua\nđề nghị"), S("Thành tích")]
    person, unit, house = S("CANHAN"), S("TAPTHE"), S("HOGIADINH")
    rich = S(runs=[("Nguyễn ", "Times New Roman", True),
                   (unicode_to_tcvn3("Văn An"), ".VnTime", False)])
    school = S("Trường TH Tân Lập")

    def text(col, value):
        return (col, "s", S(value), 0)
    rows = [(1, [text(1, "ỦY BAN NHÂN DÂN XÃ TÂN LẬP")]),
            (2, [text(1, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2025")]),
            (4, [(c, "s", v, 1) for c, v in enumerate(header, start=1)]),
            (5, [(1, "n", 1, 0), (2, "s", person, 0), (3, "s", rich, 0), (4, "s", school, 0),
                 text(5, "LĐTT"), text(6, "Hoàn thành xuất sắc nhiệm vụ")]),
            (6, [(1, "n", 2, 0), (2, "s", unit, 0), (3, "s", S("Trường Tiểu học Tân Lập"), 0),
                 text(5, "Tập thể lao động tiên tiến")]),
            (7, [(1, "n", 3, 0), (2, "s", house, 0), text(3, "Phạm Văn Dũng"),
                 text(4, "Thôn Đông Hòa"), text(5, "Gia đình văn hóa")]),
            (8, [(1, "str", ('"Tổng cộng: "&COUNTA(C5:C7)', "Tổng cộng: 3"), 0)])]
    main = sheet_xml(rows, merges=["A1:F1", "A2:F2", "A8:C8"], validation="B5:B1000",
                     dimension="A1:F8")
    codes = sheet_xml([(1, [(1, "s", person, 0)]), (2, [(1, "s", unit, 0)]),
                       (3, [(1, "s", house, 0)])])
    path = write_workbook(tmp_path / "excel.xlsx", [
        ("Đề nghị", "visible", "worksheet", main), ("DM", "hidden", "worksheet", codes)], ss)
    pv = pi.preview_proposals(path, movement=world["movement"], year=YEAR)
    assert pv.can_import, [str(p) for p in pv.problems]
    assert [e.plan.subject for e in pv.entries] == [
        ("person", world["people"][0].id), ("unit", world["office"].id),
        ("household", world["households"][0].id)]
    assert pv.entries[0].converted == {"name": "TCVN3"}
    assert (8, "dòng tổng cộng") in pv.skipped
    assert _import(path, world, clerk).added == 3
