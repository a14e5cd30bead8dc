"""Several clerks at once (issue 20, migration 15): decisions (and their recipient lists),
targets, registrations, council meetings and criteria tables carry a version; a save or a
delete over an older copy is refused with who changed what and when — on both engines, and
with two processes on one SQLite file or one PostgreSQL server."""
import datetime
import json
import os
import subprocess
import sys
import textwrap

import pytest

from models import (audit_log, candidates, catalogue, council, decisions, movements,
                    registrations, scoring)
from models import db as dbmod
from models.entities import (Award, CriteriaSet, Decision, Meeting, Registration, Target,
                             Vote)
from models.versioning import StaleRecord
from tests.decision_fixtures import DECISION_DAY, YEAR, make_year

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _title(code):
    return catalogue.title_by_code(code)


@pytest.fixture
def org(clerk):
    return make_year(clerk)


def _draft(clerk, org):
    d = decisions.create_draft(actor=clerk, movement=org["movement"], date=DECISION_DAY,
                               signer_name="Nguyễn Văn Hùng")
    decisions.add_recipient(actor=clerk, decision=d, subject=org["people"][0],
                            title=_title("LDTT"))
    return d


def test_a_decision_draft_saved_from_two_pcs_keeps_the_first_and_says_what_changed(
        org, clerk):
    d = _draft(clerk, org)
    mine, theirs = Decision.get_by_id(d.id), Decision.get_by_id(d.id)
    decisions.update_draft(actor=clerk, decision=theirs, about="Về việc khen thưởng năm 2025",
                           recipients=["Như Điều 3", "Lưu: VT"])
    with pytest.raises(StaleRecord) as err:
        decisions.update_draft(actor=clerk, decision=mine, proposer="Trưởng Công an xã")
    text = str(err.value)
    assert "quyết định này đã được lưu ở máy khác (canbo lúc" in text
    assert "Trích yếu:" in text and "→ Về việc khen thưởng năm 2025" in text
    assert "Nơi nhận:" in text and "CHƯA được lưu" in text
    stored = Decision.get_by_id(d.id)
    assert stored.about == "Về việc khen thưởng năm 2025" and stored.proposer != \
        "Trưởng Công an xã"
    assert json.loads(stored.recipients) == ["Như Điều 3", "Lưu: VT"]
    # the caller that saved follows its own version: its next save lands
    decisions.update_draft(actor=clerk, decision=theirs, proposer="Trưởng thôn Đông Hòa")
    assert Decision.get_by_id(d.id).version == stored.version + 1


def test_a_recipient_added_elsewhere_refuses_the_older_copy_and_names_who(org, clerk, leader):
    d = _draft(clerk, org)
    seen = Decision.get_by_id(d.id)                  # the editor on PC A
    other = Decision.get_by_id(d.id)                 # PC B adds Bình
    decisions.add_recipient(actor=clerk, decision=other, subject=org["people"][1],
                            title=_title("CSTDCS"))
    assert other.version == seen.version + 1
    with pytest.raises(StaleRecord, match="Thêm người được khen: Trần Thị Bình"):
        decisions.update_draft(actor=clerk, decision=seen, about="Sửa trích yếu")
    with pytest.raises(StaleRecord):                 # issuing what A saw is refused too
        decisions.issue_decision(actor=leader, decision=seen)
    award = Award.get(Award.decision == d.id, Award.person == org["people"][1].id)
    with pytest.raises(StaleRecord):
        decisions.update_recipient(actor=clerk, award=award, decision=seen,
                                   achievement="Hoàn thành xuất sắc")
    with pytest.raises(StaleRecord):
        decisions.remove_recipient(actor=clerk, award=award, decision=seen)
    assert Award.select().where(Award.decision == d.id).count() == 2
    fresh = Decision.get_by_id(d.id)                 # reopened: everything works again
    decisions.update_recipient(actor=clerk, award=award, decision=fresh,
                               achievement="Hoàn thành xuất sắc")
    issued = decisions.issue_decision(actor=leader, decision=fresh)
    assert issued.state == "issued" and fresh.version == issued.version


def test_deleting_a_draft_changed_elsewhere_is_refused(org, clerk):
    d = _draft(clerk, org)
    seen = Decision.get_by_id(d.id)
    decisions.update_draft(actor=clerk, decision=Decision.get_by_id(d.id), about="Bản mới")
    with pytest.raises(StaleRecord, match="Chưa xóa quyết định này"):
        decisions.delete_draft(actor=clerk, decision=seen)
    assert Decision.get_or_none(Decision.id == d.id) is not None
    assert Award.select().where(Award.decision == d.id).count() == 1   # rolled back whole
    decisions.delete_draft(actor=clerk, decision=Decision.get_by_id(d.id))
    assert Decision.get_or_none(Decision.id == d.id) is None


def test_targets_registrations_meetings_and_tables_refuse_stale_saves_and_deletes(org, clerk):
    mv = org["movement"]
    target = movements.add_target(actor=clerk, movement=mv, name="Tỷ lệ hộ nghèo",
                                  value="2%", measure="%", direction="lower")
    a, b = Target.get_by_id(target.id), Target.get_by_id(target.id)
    movements.update_target(actor=clerk, target=a, value="1,5%")
    with pytest.raises(StaleRecord, match="chỉ tiêu này đã được lưu.*Giá trị: 2 → 1.5"):
        movements.update_target(actor=clerk, target=b, name="Giảm tỷ lệ hộ nghèo")
    with pytest.raises(StaleRecord):
        movements.set_actual(actor=clerk, target=b, actual="1,2")
    with pytest.raises(StaleRecord, match="Chưa xóa chỉ tiêu này"):
        movements.delete_targets(actor=clerk, targets=[b])
    assert Target.get_by_id(target.id).name == "Tỷ lệ hộ nghèo"

    reg = Registration.get(Registration.person == org["people"][2].id)   # submitted
    a, b = Registration.get_by_id(reg.id), Registration.get_by_id(reg.id)
    registrations.update_registration(actor=clerk, registration=a, signer="Lê Đức Cường")
    with pytest.raises(StaleRecord, match="đăng ký thi đua này.*Người ký: .* → Lê Đức Cường"):
        registrations.update_registration(actor=clerk, registration=b, signer="Người khác",
                                          titles=["CSTDCS"])
    assert registrations.title_codes(Registration.get_by_id(reg.id)) == ["LDTT"]
    with pytest.raises(StaleRecord):
        registrations.delete_registration(actor=clerk, registration=b)
    assert Registration.get_by_id(reg.id).signer == "Lê Đức Cường"

    meeting = council.create_meeting(actor=clerk, movement=mv, year=YEAR,
                                     date=datetime.date(YEAR, 12, 10), chair="Nguyễn Văn Hùng",
                                     secretary="Lê Thị Thư", members_total=9,
                                     members_present=8)
    a, b = Meeting.get_by_id(meeting.id), Meeting.get_by_id(meeting.id)
    council.update_meeting(actor=clerk, meeting=a, place="Hội trường xã")
    assert a.version == 2                       # the caller follows its own save
    with pytest.raises(StaleRecord, match="cuộc họp bình xét.*Địa điểm: .* → Hội trường xã"):
        council.update_meeting(actor=clerk, meeting=b, members_present=7)
    with pytest.raises(StaleRecord):
        council.delete_meeting(actor=clerk, meeting=b)
    council.update_meeting(actor=clerk, meeting=a, members_present=7)

    cs = CriteriaSet.get(CriteriaSet.movement == mv)
    a, b = CriteriaSet.get_by_id(cs.id), CriteriaSet.get_by_id(cs.id)
    scoring.update_criteria_set(actor=clerk, criteria_set=a, name="Bảng điểm thôn 2025")
    with pytest.raises(StaleRecord, match="bảng tiêu chí này.*Tên: .* → Bảng điểm thôn 2025"):
        scoring.update_criteria_set(actor=clerk, criteria_set=b, name="Tên khác")
    assert CriteriaSet.get_by_id(cs.id).name == "Bảng điểm thôn 2025"


def test_bulk_accept_refuses_a_registration_changed_since_the_list_was_read(org, clerk,
                                                                          leader):
    reg = Registration.get(Registration.person == org["people"][2].id)   # submitted
    listed = Registration.get_by_id(reg.id)
    registrations.update_registration(actor=clerk, registration=Registration.get_by_id(reg.id),
                                      titles=["LDTT", "CSTDCS"])
    with pytest.raises(StaleRecord, match="Danh hiệu đăng ký"):
        registrations.bulk_set_state(actor=leader, registrations=[listed], state="accepted")
    assert Registration.get_by_id(reg.id).state == "submitted"


# ------------------------------------------------------------------ two processes

CLERK = textwrap.dedent("""
    import datetime, json, os, sys, time
    sys.path.insert(0, {root!r})
    from models import candidates, catalogue, council, decisions, movements, registrations
    from models import db as dbmod
    from models.versioning import StaleRecord
    from models.entities import Decision, Household, Meeting, Registration, Target, User
    dbmod.open_database({target!r})
    actor = User.get(User.username == "lanhdao")
    me, barrier = int(sys.argv[1]), sys.argv[2]
    draft = Decision.get_by_id({draft})             # both load the same three records...
    target = Target.get_by_id({target_id})
    reg = Registration.get_by_id({reg})
    meeting = Meeting.get_by_id({meeting})          # ...and the same candidates list
    listed = {{r["id"]: r["version"] for r in candidates.candidate_rows(
        movement=meeting.movement_id, year=meeting.year, include_removed=False)}}
    open(barrier + str(me), "w").close()
    while not all(os.path.exists(barrier + str(i)) for i in (0, 1)):
        time.sleep(0.01)
    out = {{"saved": {{}}, "messages": {{}}, "numbers": [], "registers": []}}
    edits = {{
        "decision": lambda: decisions.update_draft(actor=actor, decision=draft,
                                                   about=f"Trích yếu của máy {{me}}"),
        "target": lambda: movements.update_target(actor=actor, target=target,
                                                  name=f"Chỉ tiêu của máy {{me}}"),
        "registration": lambda: registrations.update_registration(
            actor=actor, registration=reg, signer=f"Người ký máy {{me}}"),
        "votes": lambda: council.record_votes(     # one batch for the whole list
            actor=actor, meeting=meeting, versions=listed,
            votes=[(i, 5 + me, 0) for i in listed]),
    }}
    for name, edit in edits.items():                # ...and both save their own change
        try:
            edit()
            out["saved"][name] = True
        except StaleRecord as err:
            out["saved"][name], out["messages"][name] = False, str(err)
    title = catalogue.title_by_code("GK_HGD")
    for hid in json.loads(sys.argv[3]):
        d = decisions.create_draft(actor=actor, date=datetime.date(2025, 12, 20),
                                   signer_name="Nguyễn Văn Hùng")
        decisions.add_recipient(actor=actor, decision=d, subject=Household.get_by_id(hid),
                                title=title)
        d = decisions.issue_decision(actor=actor, decision=d)
        out["numbers"].append(d.number)
        out["registers"] += [a.register_no for a in d.awards]
    print(json.dumps(out, ensure_ascii=False))
""")


def test_two_processes_edit_the_same_draft_target_and_registration(org, clerk, leader,
                                                                   tmp_path, engine):
    """One save of each record lands, the other process is told who changed what; no lost
    update (nor a mixed batch of council votes entered over the same list), and the
    decisions both issue meanwhile never share a number."""
    from models import org as orgs
    target_row = movements.add_target(actor=clerk, movement=org["movement"],
                                      name="Tỷ lệ gia đình văn hóa", value="90%", measure="%")
    draft = _draft(clerk, org)
    reg = Registration.get(Registration.person == org["people"][2].id)
    candidates.build_candidates(actor=clerk, movement=org["movement"], year=YEAR)
    meeting = council.create_meeting(actor=clerk, movement=org["movement"], year=YEAR,
                                     date=datetime.date(YEAR, 12, 10), chair="Nguyễn Văn Hùng",
                                     secretary="Lê Thị Thư", members_total=9,
                                     members_present=9)
    per = 4
    ids = [orgs.add_household(actor=clerk, head_name=f"Hộ Thứ {i}", gender="nam",
                              village=org["villages"][i % 2], birth_year=1950 + i).id
           for i in range(2 * per)]
    target = getattr(dbmod.db.obj, "url", None) or dbmod.db.obj.database
    dbmod.close_database()
    script = tmp_path / "clerk.py"
    script.write_text(CLERK.format(root=ROOT, target=target, draft=draft.id,
                                   target_id=target_row.id, reg=reg.id,
                                   meeting=meeting.id), encoding="utf-8")
    barrier = str(tmp_path / "ready-")
    procs = [subprocess.Popen([sys.executable, str(script), str(me), barrier,
                               json.dumps(ids[me * per:(me + 1) * per])],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for me in (0, 1)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    dbmod.open_database(target)
    stored = {"decision": Decision.get_by_id(draft.id).about,
              "target": Target.get_by_id(target_row.id).name,
              "registration": Registration.get_by_id(reg.id).signer}
    wording = {"decision": "Trích yếu của máy {}", "target": "Chỉ tiêu của máy {}",
               "registration": "Người ký máy {}"}
    for name in stored:
        landed = [r["saved"][name] for r in results]
        assert sorted(landed) == [False, True], name
        winner = landed.index(True)
        assert stored[name] == wording[name].format(winner)      # no lost update
        message = results[1 - winner]["messages"][name]
        assert "đã được lưu ở máy khác" in message and "CHƯA được lưu" in message
        assert wording[name].format(winner) in message           # what changed
    # the two vote batches over the same list: one lands whole, the other is refused whole
    landed = [r["saved"]["votes"] for r in results]
    assert sorted(landed) == [False, True]
    winner = landed.index(True)
    counts = {v.votes_for for v in Vote.select().where(Vote.meeting == meeting.id)}
    assert counts == {5 + winner}                                  # no mixed batch
    assert Vote.select().where(Vote.meeting == meeting.id).count() == len(
        candidates.candidate_rows(movement=org["movement"], year=YEAR, include_removed=False))
    assert "dòng đã được sửa ở máy khác" in results[1 - winner]["messages"]["votes"]
    numbers = results[0]["numbers"] + results[1]["numbers"]
    assert len(set(numbers)) == 2 * per
    registers = results[0]["registers"] + results[1]["registers"]
    assert len(set(registers)) == 2 * per
    seqs = sorted(d.seq for d in Decision.select().where(Decision.state == "issued"))
    assert len(set(seqs)) == len(seqs) == 2 * per
    assert audit_log.verify_chain().ok
    assert engine in ("sqlite", "postgresql")


def test_a_network_drop_in_the_middle_of_a_registration_save_rolls_back(org, clerk, engine,
                                                                       request):
    """The save has already rewritten the titles when the connection dies (killed while it
    waits for a row another session holds): nothing of it stays, the clerk is told."""
    if engine != "postgresql":
        pytest.skip("a dropped server connection; SQLite has none (killed process: test_db)")
    import threading
    import time
    import psycopg2
    from models import db_pg
    pg_server = request.getfixturevalue("pg_server")
    reg = Registration.get(Registration.person == org["people"][2].id)     # submitted
    seen = Registration.get_by_id(reg.id)
    before = (seen.signer, seen.version)
    chain_before = audit_log.verify_chain()
    holder = psycopg2.connect(dbmod.db.obj.url)       # another session holds the row
    holder.cursor().execute("SELECT id FROM registration WHERE id = %s FOR UPDATE", (reg.id,))
    outcome = []

    def save():
        try:
            registrations.update_registration(actor=clerk, registration=seen,
                                              titles=["LDTT", "CSTDCS"], signer="Dở dang")
            outcome.append(None)
        except Exception as err:                       # noqa: BLE001 - looked at below
            outcome.append(err)
        finally:
            dbmod.db.close()
    worker = threading.Thread(target=save)
    worker.start()
    name = dbmod.db.obj.execute_sql("SELECT current_database()").fetchone()[0]
    for _ in range(200):                               # the save waits on the row lock...
        waiting = pg_server.sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = "
            "'Lock' AND application_name = 'thiduakhenthuong'", (name,))
        if waiting:
            break
        time.sleep(0.05)
    assert waiting, f"the save never reached the locked row: {outcome}"
    pg_server.sql("SELECT pg_terminate_backend(%s)", (waiting[0][0],))   # ...and the line drops
    worker.join(30)
    holder.rollback()
    holder.close()
    assert isinstance(outcome[0], db_pg.ConnectionLost)
    assert "KHÔNG được lưu" in str(outcome[0]) and "không có gì lưu dở" in str(outcome[0])
    stored = Registration.get_by_id(reg.id)
    assert (stored.signer, stored.version) == before
    assert registrations.title_codes(stored) == ["LDTT"]            # the titles came back
    assert audit_log.verify_chain().ok and chain_before.ok
    registrations.update_registration(actor=clerk, registration=seen, signer="Lần hai")
    assert Registration.get_by_id(reg.id).signer == "Lần hai"
