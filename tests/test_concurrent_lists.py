"""Several clerks at once, second part (issue 20, migration 16): commitment actuals,
council candidates and their votes (one version query per batch), rounds and covenants
refuse a save over an older copy with who changed what — on both engines."""
import datetime

import pytest

from models import candidates, council, movements, registrations, round_registrations
from models import db as dbmod
from models.entities import (Candidate, Commitment, Covenant, Registration, Round, Vote)
from models.versioning import StaleRecord
from tests.decision_fixtures import YEAR, make_year


@pytest.fixture
def org(clerk):
    return make_year(clerk)


def _meeting(clerk, mv):
    return council.create_meeting(actor=clerk, movement=mv, year=YEAR,
                                  date=datetime.date(YEAR, 12, 10), chair="Nguyễn Văn Hùng",
                                  secretary="Lê Thị Thư", members_total=9, members_present=9)


def _listed(mv):
    """The candidates list as the clerk's table reads it: {id: row}."""
    return {r["id"]: r for r in candidates.candidate_rows(movement=mv, year=YEAR)}


def test_votes_entered_for_many_candidates_refuse_the_batch_another_pc_changed(org, clerk):
    mv = org["movement"]
    candidates.build_candidates(actor=clerk, movement=mv, year=YEAR)
    meeting = _meeting(clerk, mv)
    rows = _listed(mv)                                  # PC A reads the list...
    ids = sorted(rows)
    assert len(ids) >= 4
    # ...PC B enters votes for two of them meanwhile
    council.record_votes(actor=clerk, meeting=meeting,
                         votes=[(ids[1], 7, 1), (ids[3], 8, 0)])
    a_versions = {i: rows[i]["version"] for i in ids}
    statements = []
    dbmod.db.obj.execute_sql = _counting(dbmod.db.obj.execute_sql, statements)
    try:
        with pytest.raises(StaleRecord) as err:
            council.record_votes(actor=clerk, meeting=meeting, versions=a_versions,
                                 votes=[(i, 5, 4) for i in ids])
    finally:
        del dbmod.db.obj.execute_sql
    text = str(err.value)
    second, fourth = rows[ids[1]]["name"], rows[ids[3]]["name"]
    assert text.startswith("2 dòng đã được sửa ở máy khác") and second in text \
        and fourth in text and "CHƯA được lưu" in text
    assert "Số phiếu đồng ý 7" in text and "canbo lúc" in text       # what B saved, who
    # one version query for the whole batch, not one per candidate
    version_reads = [s for s in statements if '"version" FROM "candidate"' in s
                     and " IN (" in s]
    assert len(version_reads) == 1
    # nothing of A's batch was written: B's votes stand, the others have none
    stored = {v.candidate_id: v.votes_for for v in Vote.select()}
    assert stored == {ids[1]: 7, ids[3]: 8}
    # A's table reloads and enters again: it lands, and each candidate's version moved
    fresh = _listed(mv)
    statements.clear()
    dbmod.db.obj.execute_sql = _counting(dbmod.db.obj.execute_sql, statements)
    try:
        assert council.record_votes(actor=clerk, meeting=meeting,
                                    versions={i: fresh[i]["version"] for i in ids},
                                    votes=[(i, 5, 4) for i in ids]) == len(ids)
    finally:
        del dbmod.db.obj.execute_sql
    # checked and bumped with one statement each for the whole batch
    assert sum('FROM "candidate"' in s and '"version"' in s for s in statements) == 1
    assert sum(s.startswith('UPDATE "candidate"') for s in statements) == 1
    after = _listed(mv)
    assert all(after[i]["version"] == fresh[i]["version"] + 1 for i in ids)


def _counting(execute_sql, into):
    def run(sql, params=None, *args, **kwargs):
        into.append(sql)
        return execute_sql(sql, params, *args, **kwargs)
    return run


def test_removing_a_candidate_whose_votes_changed_elsewhere_is_refused(org, clerk):
    mv = org["movement"]
    candidates.build_candidates(actor=clerk, movement=mv, year=YEAR)
    meeting = _meeting(clerk, mv)
    row = next(iter(_listed(mv).values()))
    seen = Candidate(id=row["id"], version=row["version"])          # as the list shows it
    council.record_vote(actor=clerk, meeting=meeting,
                        candidate=Candidate.get_by_id(row["id"]), votes_for=9)
    with pytest.raises(StaleRecord, match="người được đề nghị này.*Ghi kết quả bỏ phiếu"):
        candidates.remove_candidate(actor=clerk, candidate=seen, reason="Trùng tên")
    assert not Candidate.get_by_id(row["id"]).removed
    older = Candidate.get_by_id(row["id"])
    candidates.remove_candidate(actor=clerk, candidate=Candidate.get_by_id(row["id"]),
                                reason="Bị kỷ luật")
    # a vote entered from a copy read before the removal is refused, and not written
    with pytest.raises(StaleRecord,
                       match="Đã bỏ khỏi danh sách: không → có; Lý do: .* → Bị kỷ luật"):
        council.record_vote(actor=clerk, meeting=meeting, candidate=older, votes_for=3)
    assert Vote.get(Vote.candidate == row["id"]).votes_for == 9


def test_removing_many_candidates_refuses_the_batch_when_one_changed_elsewhere(org, clerk):
    mv = org["movement"]
    candidates.build_candidates(actor=clerk, movement=mv, year=YEAR)
    meeting = _meeting(clerk, mv)
    rows = _listed(mv)                                  # the clerk's list
    ids = sorted(rows)[:3]
    council.record_vote(actor=clerk, meeting=meeting,   # another PC votes on one of them
                        candidate=Candidate.get_by_id(ids[2]), votes_for=9)
    with pytest.raises(StaleRecord, match=f"1 dòng .*{rows[ids[2]]['name']}"):
        candidates.remove_candidates(actor=clerk, ids=ids, reason="Trùng danh sách",
                                     versions={i: rows[i]["version"] for i in ids})
    assert not any(Candidate.get_by_id(i).removed for i in ids)      # nothing of the batch
    fresh = _listed(mv)
    assert candidates.remove_candidates(actor=clerk, ids=ids, reason="Trùng danh sách",
                                        versions={i: fresh[i]["version"] for i in ids}) == 3
    assert all(Candidate.get_by_id(i).removed for i in ids)


def test_actuals_entered_on_two_pcs_refuse_the_older_and_stale_the_registration_dialog(
        org, clerk):
    mv = org["movement"]
    target = movements.add_target(actor=clerk, movement=mv, name="Tỷ lệ gia đình văn hóa",
                                  value="85%", measure="%")
    reg = registrations.register(actor=clerk, movement=mv, subject=org["bloc"], year=YEAR,
                                 commitments=[{"target": target}, {"name": "Thu gom rác",
                                                                   "value": "90"}])
    dialog_copy = Registration.get_by_id(reg.id)                 # the edit dialog on PC C
    rows_a = registrations.commitment_rows(reg)                  # actuals dialog on PC A
    rows_b = registrations.commitment_rows(reg)                  # and on PC B
    first, second = rows_a[0]["id"], rows_a[1]["id"]
    registrations.set_commitment_actuals(
        actor=clerk, registration=reg, actuals={first: "87,5"},
        versions={r["id"]: r["version"] for r in rows_b})
    with pytest.raises(StaleRecord) as err:
        registrations.set_commitment_actuals(
            actor=clerk, registration=reg, actuals={first: "80", second: "91"},
            versions={r["id"]: r["version"] for r in rows_a})
    text = str(err.value)
    assert "Tỷ lệ gia đình văn hóa" in text and "87.5" in text and "CHƯA được lưu" in text
    stored = {c.id: c.actual for c in Commitment.select()}
    assert str(stored[first]) == "87.5" and stored[second] is None       # all or nothing
    # another commitment of the same registration is not in conflict
    registrations.set_commitment_actuals(
        actor=clerk, registration=reg, actuals={second: "91"},
        versions={r["id"]: r["version"] for r in rows_a})
    # the registration dialog (which rewrites the commitments with their actuals) is stale
    with pytest.raises(StaleRecord, match="Đặt kết quả cam kết"):
        registrations.update_registration(actor=clerk, registration=dialog_copy,
                                          signer="Nguyễn Văn Hùng")
    assert {str(c.actual) for c in Commitment.select()} == {"87.5", "91"}
    one = Commitment.get_by_id(first)
    registrations.set_commitment_actual(actor=clerk, commitment=Commitment.get_by_id(first),
                                        actual="88")
    with pytest.raises(StaleRecord):
        registrations.set_commitment_actual(actor=clerk, commitment=one, actual="70")


def test_rounds_and_covenants_refuse_stale_saves_and_deletes(org, clerk):
    mv = org["movement"]
    rnd = movements.add_round(actor=clerk, movement=mv, name="Đợt 1",
                              start=datetime.date(YEAR, 1, 1), end=datetime.date(YEAR, 6, 30))
    a, b = Round.get_by_id(rnd.id), Round.get_by_id(rnd.id)
    movements.update_round(actor=clerk, round=a, review_name="Sơ kết 6 tháng")
    with pytest.raises(StaleRecord, match="đợt thi đua này.*Tên hội nghị sơ/tổng kết"):
        movements.update_round(actor=clerk, round=b, name="Đợt một")
    with pytest.raises(StaleRecord):
        round_registrations.set_own_registrations(actor=clerk, round=b, enabled=True)
    with pytest.raises(StaleRecord, match="Chưa xóa đợt thi đua này"):
        movements.delete_round(actor=clerk, round=b)
    assert Round.get_by_id(rnd.id).name == "Đợt 1"
    round_registrations.set_own_registrations(actor=clerk, round=a, enabled=True)
    movements.update_round(actor=clerk, round=a, name="Đợt một")      # a follows its saves

    bloc, (v1, v2) = org["bloc"], org["villages"]
    # PC A opens the (still missing) covenant; PC B saves one first: A is refused
    cov = registrations.save_covenant(actor=clerk, bloc=bloc, year=YEAR, movement=mv,
                                      head=v1, content="Nội dung của máy B", seen=None)
    with pytest.raises(StaleRecord, match="giao ước này đã được lưu.*Nội dung của máy B"):
        registrations.save_covenant(actor=clerk, bloc=bloc, year=YEAR, movement=mv,
                                    head=v2, content="Nội dung của máy A", seen=None)
    a, b = Covenant.get_by_id(cov.id), Covenant.get_by_id(cov.id)
    registrations.save_covenant(actor=clerk, bloc=bloc, year=YEAR, movement=mv, head=v2,
                                content="Bản sửa của A", seen=a)
    with pytest.raises(StaleRecord, match="Cụm trưởng"):
        registrations.save_covenant(actor=clerk, bloc=bloc, year=YEAR, movement=mv,
                                    head=v1, content="Bản sửa của B", seen=b)
    with pytest.raises(StaleRecord):
        registrations.delete_covenant(actor=clerk, covenant=b)
    stored = Covenant.get_by_id(cov.id)
    assert stored.content == "Bản sửa của A" and stored.head_id == v2.id
    registrations.save_covenant(actor=clerk, bloc=bloc, year=YEAR, movement=mv,
                                content="Lần hai của A", seen=a)          # a followed
    registrations.delete_covenant(actor=clerk, covenant=a)
    assert Covenant.get_or_none(Covenant.id == cov.id) is None


# ------------------------------------------------------------ upward texts, public list,
#                                                              reviews, exemplary models

def test_upward_texts_keep_another_pcs_section_and_refuse_the_same_section(clerk, leader):
    from models import upward
    from models.entities import UpwardFile, UpwardProposal
    from tests.upward_fixtures import make_file, make_history
    f = make_file(clerk, make_history(clerk, leader))
    shown_a = upward.file_texts(UpwardFile.get_by_id(f.id))     # PC A opens the tờ trình
    mine = UpwardFile.get_by_id(f.id)
    upward.update_texts(actor=clerk, target=UpwardFile.get_by_id(f.id),     # PC B
                        texts={"about": "Về việc đề nghị tặng Bằng khen (máy B)"},
                        was={"about": shown_a["about"]})
    # A's edit of another section lands and keeps B's
    upward.update_texts(actor=clerk, target=mine, texts={"closing": "Lời kết của máy A"},
                        was={"closing": shown_a["closing"]})
    texts = upward.file_texts(UpwardFile.get_by_id(f.id))
    assert texts["about"] == "Về việc đề nghị tặng Bằng khen (máy B)"
    assert texts["closing"] == "Lời kết của máy A"
    # A's edit of the section B changed is refused, naming it and what it now reads
    with pytest.raises(StaleRecord) as err:
        upward.update_texts(actor=clerk, target=mine,
                            texts={"about": "Về việc của máy A", "body": "Nội dung A"},
                            was={"about": shown_a["about"], "body": shown_a["body"]})
    text = str(err.value)
    assert "1 mục đã được sửa ở máy khác (canbo lúc" in text
    assert "«Trích yếu (Về việc …)» nay là: Về việc đề nghị tặng Bằng khen (máy B)" in text
    after = upward.file_texts(UpwardFile.get_by_id(f.id))
    assert after["about"] == texts["about"] and after["body"] == shown_a["body"]
    # a proposal's báo cáo thành tích, the same way
    p = UpwardProposal.select().where(UpwardProposal.file == f.id).first()
    shown = upward.subject_texts(p)
    key = next(iter(shown))
    upward.update_texts(actor=clerk, target=UpwardProposal.get_by_id(p.id),
                        texts={key: "Máy B viết"}, was={key: shown[key]})
    with pytest.raises(StaleRecord, match="nay là: Máy B viết"):
        upward.update_texts(actor=clerk, target=p, texts={key: "Máy A viết"},
                            was={key: shown[key]})
    # without ``was`` a file's save is checked against the version it was read with
    with pytest.raises(StaleRecord, match="hồ sơ đề nghị cấp trên này"):
        upward.update_texts(actor=clerk, target=f, texts={"body": "Bản cũ"})


def test_public_postings_and_comments_refuse_older_copies(clerk):
    from models import public_list
    from models.entities import PublicComment, PublicPosting
    from tests.test_public_list import post, voted_year
    org = voted_year(clerk)
    posting = post(clerk, org["meeting"], first=True)
    # another PC's screen still showed no posting: its own is refused, not a second one
    with pytest.raises(StaleRecord, match="thông báo niêm yết này đã được lưu ở máy khác "
                                          r"\(canbo lúc.*Niêm yết từ ngày"):
        post(clerk, org["meeting"], first=True, posted_to=datetime.date(YEAR, 12, 20))
    assert PublicPosting.select().count() == 1
    a, b = PublicPosting.get_by_id(posting.id), PublicPosting.get_by_id(posting.id)
    public_list.update_posting(actor=clerk, posting=b, posted_to=datetime.date(YEAR, 12, 16))
    with pytest.raises(StaleRecord, match="thông báo niêm yết này.*Niêm yết đến ngày"):
        public_list.update_posting(actor=clerk, posting=a,
                                   comments_until=datetime.date(YEAR, 12, 20))
    assert PublicPosting.get_by_id(posting.id).comments_until == datetime.date(YEAR, 12, 18)
    public_list.update_posting(actor=clerk, posting=b,                # b follows its save
                               comments_until=datetime.date(YEAR, 12, 19))
    comment = public_list.record_comment(actor=clerk, candidate=org["cands"][0],
                                         received_on=datetime.date(YEAR, 12, 12),
                                         author="Ông Trần Văn Tư, thôn Đông Hòa",
                                         content="Đề nghị xem lại thành tích.")
    a = PublicComment(id=comment.id, version=comment.version)       # as the list shows it
    public_list.resolve_comment(actor=clerk, comment=PublicComment.get_by_id(comment.id),
                                resolution="Đã xác minh, thành tích đúng.",
                                resolved_on=datetime.date(YEAR, 12, 14))
    with pytest.raises(StaleRecord, match="ý kiến phản ánh này.*Cách giải quyết"):
        public_list.resolve_comment(actor=clerk, comment=a, resolution="Trả lời khác")
    with pytest.raises(StaleRecord):
        public_list.reopen_comment(actor=clerk, comment=a, reason="Có tình tiết mới")
    assert PublicComment.get_by_id(comment.id).resolution == "Đã xác minh, thành tích đúng."


def test_reviews_and_exemplary_models_refuse_older_copies(clerk):
    from models import exemplary as ex, reviews
    from models.entities import ExemplaryModel, Review
    org = make_year(clerk)
    mv = org["movement"]
    rnd = movements.add_round(actor=clerk, movement=mv, name="Đợt 1",
                              start=datetime.date(YEAR, 1, 1), end=datetime.date(YEAR, 6, 30))
    review = reviews.create_review(actor=clerk, movement=mv, kind="so_ket", round=rnd,
                                   on=datetime.date(YEAR, 7, 5))
    a, b = Review.get_by_id(review.id), Review.get_by_id(review.id)
    reviews.update_review(actor=clerk, review=b, assessment="Đánh giá của máy B")
    with pytest.raises(StaleRecord, match="báo cáo sơ kết/tổng kết này.*Đánh giá chung: "
                                          ".* → Đánh giá của máy B"):
        reviews.update_review(actor=clerk, review=a, lessons="Bài học của máy A")
    with pytest.raises(StaleRecord):
        reviews.mark_sent(actor=clerk, review=a, sent_date=datetime.date(YEAR, 7, 6))
    with pytest.raises(StaleRecord, match="Chưa xóa"):
        reviews.delete_review(actor=clerk, review=a)
    stored = Review.get_by_id(review.id)
    assert (stored.assessment, stored.lessons, stored.state) == ("Đánh giá của máy B", "",
                                                                 "drafted")
    reviews.update_review(actor=clerk, review=b, lessons="Bài học của máy B")   # b follows

    m = ex.discover(actor=clerk, movement=mv, name="Mô hình dân vận khéo",
                    originator=org["villages"][0], date=datetime.date(YEAR, 2, 10))
    a, b = ExemplaryModel.get_by_id(m.id), ExemplaryModel.get_by_id(m.id)
    ex.record_stage(actor=clerk, model=b, stage=ex.NURTURED, date=datetime.date(YEAR, 3, 1),
                    by_whom="Hội Nông dân xã", content="Tập huấn của máy B")
    with pytest.raises(StaleRecord, match="mô hình điển hình này.*Tập huấn của máy B"):
        ex.record_stage(actor=clerk, model=a, stage=ex.NURTURED,
                        date=datetime.date(YEAR, 3, 2), content="Tập huấn của máy A")
    with pytest.raises(StaleRecord):
        ex.update_model(actor=clerk, model=a, description="Mô tả của máy A")
    assert ex.model_detail(ExemplaryModel.get_by_id(m.id))["stages"][1]["content"] \
        == "Tập huấn của máy B"
