"""The public list (danh sách công khai): posting dates, comments against candidates, the
warnings they raise in the candidates list and the decision editor's model."""
import datetime

import pytest

from models import candidates, council, decisions, public_list
from models.entities import AuditLog, PublicComment
from models.errors import ConflictError, ValidationError
from tests import office
from tests.decision_fixtures import DECISION_DAY, YEAR, make_year

MEETING_DAY = datetime.date(YEAR, 12, 10)


def voted_year(clerk):
    """make_year + the council's meeting where everyone but the last candidate passed."""
    org = make_year(clerk)
    mv = org["movement"]
    candidates.build_candidates(actor=clerk, movement=mv, year=YEAR)
    meeting = council.create_meeting(
        actor=clerk, movement=mv, year=YEAR, date=MEETING_DAY, place="Hội trường UBND xã",
        chair="Nguyễn Văn Hùng", secretary="Lê Thị Hoa", members_total=11,
        members_present=9, secret=True)
    cands = candidates.candidates(movement=mv, year=YEAR)
    # the first household's candidate (a name found nowhere else) fails the vote, last
    cands.sort(key=lambda c: c.household_id == org["households"][0].id)
    votes = [(c, 9, 0) for c in cands[:-1]] + [(cands[-1], 3, 6)]
    council.record_votes(actor=clerk, meeting=meeting, votes=votes)
    org.update(meeting=meeting, cands=cands)
    return org


def post(clerk, meeting, **kw):
    values = dict(posted_from=datetime.date(YEAR, 12, 11), posted_to=datetime.date(YEAR, 12, 17),
                  comments_until=datetime.date(YEAR, 12, 18))
    values.update(kw)
    return public_list.create_posting(actor=clerk, meeting=meeting, **values)


def test_posting_dates_places_and_rows(database, clerk):
    org = voted_year(clerk)
    posting = post(clerk, org["meeting"])
    places = public_list.places_of(posting)
    assert places[0].startswith("Trụ sở Ủy ban nhân dân")
    assert any(p.startswith("Nhà văn hóa") for p in places), places
    groups = public_list.posted_rows(org["meeting"])
    posted = [r["id"] for _, rows in groups for r in rows]
    assert org["cands"][-1].id not in posted            # failed the vote: not posted
    assert len(posted) == len(org["cands"]) - 1
    assert [h for h, _ in groups][0] == "I. Cá nhân"
    # bad input: the end before the start, the comment period before the posting
    with pytest.raises(ValidationError) as err:
        post(clerk, org["meeting"], posted_to=datetime.date(YEAR, 12, 5))
    assert "trước ngày bắt đầu" in str(err.value) and err.value.field == "posted_to"
    with pytest.raises(ValidationError):
        post(clerk, org["meeting"], comments_until=datetime.date(YEAR, 12, 1))
    with pytest.raises(ValidationError) as err:     # before the council met
        post(clerk, org["meeting"], posted_from=datetime.date(YEAR, 12, 1))
    assert "ngày họp" in str(err.value)
    updated = public_list.update_posting(actor=clerk, posting=posting,
                                         places=["Trụ sở UBND xã", "Nhà văn hóa thôn Đông"])
    assert public_list.places_of(updated) == ["Trụ sở UBND xã", "Nhà văn hóa thôn Đông"]
    assert AuditLog.select().where(AuditLog.action == "update_posting").count() == 1


def test_comment_warns_until_resolved(database, clerk, leader):
    org = voted_year(clerk)
    posting = post(clerk, org["meeting"])
    cand = org["cands"][0]
    inside = datetime.date(YEAR, 12, 14)
    assert public_list.comment_date_warnings(posting, inside) == []
    late = datetime.date(YEAR, 12, 20)
    assert "sau hạn nhận ý kiến" in public_list.comment_date_warnings(posting, late)[0]
    early = datetime.date(YEAR, 12, 9)
    assert "trước khi niêm yết" in public_list.comment_date_warnings(posting, early)[0]
    comment = public_list.record_comment(actor=clerk, candidate=cand, received_on=late,
                                         author="Ông Trần Văn Tư, thôn Đông",
                                         content="Đề nghị xem lại ngày công của người này.")
    assert comment.posting_id == posting.id and comment.state == "open"
    log = AuditLog.select().where(AuditLog.action == "record_comment").get()
    assert "sau hạn" in log.reason          # the warning is kept with the record
    rows = candidates.candidate_rows(movement=org["movement"], year=YEAR)
    row = next(r for r in rows if r["id"] == cand.id)
    assert any("ý kiến phản ánh" in w for w in row["warnings"])
    # the decision made from the vote names the candidate with the open comment
    draft = decisions.create_draft(actor=clerk, date=DECISION_DAY, movement=org["movement"],
                                   meeting=org["meeting"], period_year=YEAR)
    decisions.add_candidates(actor=clerk, decision=draft, meeting=org["meeting"])
    lines = public_list.decision_warnings(draft)
    assert len(lines) == 1 and "Trần Văn Tư" in lines[0] and "chưa giải quyết" in lines[0]
    # resolving needs a note
    with pytest.raises(ValidationError) as err:
        public_list.resolve_comment(actor=clerk, comment=comment, resolution="  ")
    assert err.value.field == "resolution"
    assert PublicComment.get_by_id(comment.id).state == "open"
    public_list.resolve_comment(actor=clerk, comment=comment,
                                resolution="Đã xác minh với thôn: đủ ngày công; đã trả lời ông Tư.",
                                resolved_on=datetime.date(YEAR, 12, 21))
    with pytest.raises(ConflictError):
        public_list.resolve_comment(actor=clerk, comment=comment, resolution="lần nữa")
    assert public_list.decision_warnings(draft) == []
    row = next(r for r in candidates.candidate_rows(movement=org["movement"], year=YEAR)
               if r["id"] == cand.id)
    assert not any("ý kiến phản ánh" in w for w in row["warnings"])
    # the warning never blocks: with the comment reopened the leader still issues
    public_list.reopen_comment(actor=clerk, comment=comment, reason="Có thêm đơn của thôn.")
    assert public_list.decision_warnings(draft)
    decisions.issue_decision(actor=leader, decision=draft, signer_name="Nguyễn Văn Hùng")
    rows = public_list.comment_rows(movement=org["movement"], year=YEAR)
    assert rows[0]["state"] == "open" and rows[0]["warnings"]


def test_comment_bad_input(database, clerk, viewer):
    org = voted_year(clerk)
    cand = org["cands"][0]
    with pytest.raises(ValidationError):
        public_list.record_comment(actor=clerk, candidate=cand, received_on=None,
                                   author="A", content="B")
    with pytest.raises(ValidationError):
        public_list.record_comment(actor=clerk, candidate=cand,
                                   received_on=datetime.date(YEAR, 12, 12), author="",
                                   content="B")
    with pytest.raises(ValidationError):
        public_list.record_comment(actor=clerk, candidate=cand,
                                   received_on=datetime.date.today() + datetime.timedelta(3),
                                   author="A", content="B")
    from models.errors import PermissionDenied
    with pytest.raises(PermissionDenied):
        public_list.record_comment(actor=viewer, candidate=cand,
                                   received_on=datetime.date(YEAR, 12, 12), author="A",
                                   content="B")
    assert PublicComment.select().count() == 0


def test_notice_pdf_lists_who_passed(database, clerk, tmp_path):
    from reports import public_list_doc
    from tests.helpers import pdf_fonts, pdf_text
    org = voted_year(clerk)
    posting = post(clerk, org["meeting"], number="15/TB-UBND")
    path = public_list_doc.write_public_list(posting_id=posting.id, path=tmp_path / "ck.pdf")
    text = pdf_text(path)
    assert "THÔNG BÁO" in text and "Số: 15/TB-UBND" in text
    assert "từ ngày 11/12/2025 đến ngày 17/12/2025" in text
    assert "đến hết ngày 18/12/2025" in text and "Nhà văn hóa" in text
    assert "DANH SÁCH" in text and "I. Cá nhân" in text
    assert "(Kèm theo Thông báo số 15/TB-UBND ngày 11/12/2025" in text
    from models.entities import Candidate
    from models.subjects import display_name, subject_of
    failed = display_name(subject_of(Candidate.get_by_id(org["cands"][-1].id)))
    passed = display_name(subject_of(Candidate.get_by_id(org["cands"][0].id)))
    assert passed in text and failed == "Phạm Văn Dũng" and failed not in text
    assert all(embedded for _, embedded in pdf_fonts(path))


def test_migration_10_adds_the_tables_to_an_older_file(tmp_path):
    from models import db as dbmod
    path = str(tmp_path / "cu.sqlite3")
    dbmod.open_database(path)
    dbmod.db.execute_sql("DROP TABLE public_comment")
    dbmod.db.execute_sql("DROP TABLE public_posting")
    dbmod.db.execute_sql("PRAGMA user_version=6")
    dbmod.close_database()
    dbmod.open_database(path)          # migrates (and checks the schema against a new file)
    try:
        assert PublicComment.select().count() == 0
        version = dbmod.db.execute_sql("PRAGMA user_version").fetchone()[0]
        assert version == dbmod.SCHEMA_VERSION >= 10
    finally:
        dbmod.close_database()


def test_hand_added_recipient_is_matched_by_subject(database, clerk):
    from models import catalogue
    from models.subjects import subject_of
    org = voted_year(clerk)
    cand = next(c for c in org["cands"] if c.person_id is not None)
    public_list.record_comment(actor=clerk, candidate=cand, received_on=datetime.date(YEAR, 12, 12),
                               author="Ông Tư", content="Phản ánh.")
    draft = decisions.create_draft(actor=clerk, date=DECISION_DAY, movement=None,
                                   period_year=YEAR)
    decisions.add_recipient(actor=clerk, decision=draft, subject=subject_of(cand),
                            title=catalogue.title_by_code("GK_CN"))
    lines = public_list.decision_warnings(draft)
    assert len(lines) == 1 and "Giấy khen" in lines[0]
    other = decisions.create_draft(actor=clerk, date=DECISION_DAY, movement=None,
                                   period_year=YEAR + 1)
    decisions.add_recipient(actor=clerk, decision=other, subject=subject_of(cand),
                            title=catalogue.title_by_code("GK_CN"))
    assert public_list.decision_warnings(other) == []      # another period: not this comment


@office.needs_libreoffice()
def test_notice_docx_read_back_and_printed_by_libreoffice(database, clerk, tmp_path):
    import docx
    from reports import public_list_doc
    from tests.helpers import pdf_text
    org = voted_year(clerk)
    posting = post(clerk, org["meeting"])
    path = public_list_doc.write_public_list(posting_id=posting.id, path=tmp_path / "ck.docx")
    document = docx.Document(path)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "THÔNG BÁO" in body and "Thời gian niêm yết: từ ngày 11/12/2025" in body
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    rows = [r for _, group in public_list.posted_rows(org["meeting"]) for r in group]
    assert all(r["name"] in cells for r in rows) and "I. Cá nhân" in cells
    pdf = office.convert([path], "pdf", tmp_path / "lo")[0]
    text = pdf_text(pdf)
    assert "DANH SÁCH" in text and rows[0]["name"] in text and "TM. ỦY BAN NHÂN DÂN" in text
    with pytest.raises(ValidationError):
        public_list_doc.write_public_list(posting_id=posting.id, path=tmp_path / "ck.odt")


def test_the_year_map_has_the_public_list_step(database, clerk, leader):
    """Tổng quan shows the posting between the council and the decision: not posted,
    comments still coming in, a comment open, then done."""
    from models import year_map

    def step(today):
        keys = [s.key for s in year_map.year_steps(YEAR)]
        assert keys.index("council") < keys.index("public") < keys.index("decisions")
        return year_map._public_list(YEAR, today=today)
    assert step(None).state == year_map.TODO
    org = voted_year(clerk)
    s = step(datetime.date(YEAR, 12, 12))
    assert s.state == year_map.TODO and "1 cuộc họp chưa công khai danh sách." in s.missing
    assert s.filters == {"year": YEAR, "tab": "public"} and s.page == "decisions"
    posting = post(clerk, org["meeting"])
    s = step(datetime.date(YEAR, 12, 12))
    assert s.state == year_map.PROGRESS
    assert any("nhận ý kiến đến 18/12/" in m for m in s.missing)
    comment = public_list.record_comment(actor=clerk, candidate=org["cands"][0],
                                         received_on=datetime.date(YEAR, 12, 14),
                                         author="Ông Trần Văn Tư", content="Xem lại.",
                                         posting=posting)
    s = step(datetime.date(YEAR, 12, 19))               # the period is over
    assert s.missing == ["1 ý kiến phản ánh chưa giải quyết."]
    public_list.resolve_comment(actor=clerk, comment=comment,
                                resolution="Đã xác minh, ý kiến không có cơ sở.")
    s = step(datetime.date(YEAR, 12, 19))
    assert s.state == year_map.DONE
    assert s.done == "1 danh sách đã niêm yết, 1 ý kiến (1 đã giải quyết)"
