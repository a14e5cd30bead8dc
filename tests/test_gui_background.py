"""Pages read and save in background threads: the window keeps answering, the newest read
wins, and bulk votes are logged row by row in an intact audit chain."""
import datetime
import time

import pytest
from PySide6.QtCore import QItemSelectionModel, QTimer

from gui import background
from gui.pages.decisions import DecisionsPage
from models import audit_log, candidates, council, vntext
from models.entities import AuditLog, Candidate, Vote
from tests import gui_world

pytestmark = pytest.mark.slow   # the demo world (tests/gui_world.py) loads once a session


@pytest.fixture
def ctx(demo_ctx, monkeypatch):
    """The demo world (tests/gui_world.py) with the real threads; messages in ctx.shown."""
    monkeypatch.setenv("TDKT_GUI_INLINE", "0")          # the real threads
    gui_world.record_messages(monkeypatch, demo_ctx)
    return demo_ctx


def _idle(qtbot, timeout=30000):
    qtbot.waitUntil(lambda: background.busy() == 0, timeout=timeout)


def test_candidates_load_in_background_and_vote_updates_rows(ctx, qtbot, monkeypatch):
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    tab = page.candidates
    tab.year.setValue(2026)
    assert tab.loader.loading                # asked, not read yet: the window goes on
    tab.year.setValue(2025)                  # a second request: only the newest is shown
    _idle(qtbot)
    shown_year = {Candidate.get_by_id(r[0]).year for r in tab.model.rows}
    assert shown_year == {2025}
    assert tab.model.rowCount() > 100 and "đề nghị" in tab.count.text()
    meeting = tab.meeting.currentData()
    assert meeting is not None
    # vote on two rows in a worker: only those two rows are read again
    picked = [r for r in tab.model.rows if r[10]][:2]
    others_before = [r for r in tab.model.rows if r not in picked][:50]
    from gui.pages import decisions as page_module
    monkeypatch.setattr(page_module.VoteDialog, "ask",
                        staticmethod(lambda parent, meeting, names, current=None: (1, 0)))
    reads = []
    real = tab.model.fetch_some
    monkeypatch.setattr(tab.model, "fetch_some", lambda ids: reads.append(ids) or real(ids))
    tab.view.clearSelection()
    for r in range(tab.model.rowCount()):
        if tab.model.row_at(r)[0] in {p[0] for p in picked}:
            tab.view.selectionModel().select(
                tab.model.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                | QItemSelectionModel.SelectionFlag.Rows)
    tab.vote()
    _idle(qtbot)
    qtbot.waitUntil(lambda: not tab.loader.loading, timeout=10000)
    assert reads == [[p[0] for p in picked]]
    for p in picked:
        row = next(r for r in tab.model.rows if r[0] == p[0])
        assert row[7] == 1 and row[9] is False        # 1 vote of 9 present: not passed
    assert others_before == [r for r in tab.model.rows if r not in
                             [next(x for x in tab.model.rows if x[0] == p[0]) for p in picked]
                             ][:50]


def test_many_votes_and_a_new_meeting_update_rows_in_place(ctx, qtbot, monkeypatch):
    """After a vote on many rows only the vote columns are read (no model reset, no full
    read of the list, selection kept); a new meeting reads no row at all."""
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    tab = page.candidates
    tab.year.setValue(2025)
    _idle(qtbot)
    n = len(tab.model.rows)
    assert n > 100
    resets, full_reads = [], []
    tab.model.modelReset.connect(lambda: resets.append(1))
    real_rows = candidates.candidate_tuples
    monkeypatch.setattr(candidates, "candidate_tuples",
                        lambda **kw: full_reads.append(kw) or real_rows(**kw))
    monkeypatch.setattr(candidates, "FEW_IDS", 5)         # "many" votes in a small demo
    from gui import decision_dialogs
    monkeypatch.setattr(decision_dialogs.MeetingDialog, "ask", staticmethod(
        lambda parent, meeting=None, save=None: save(dict(
            date=datetime.date(2025, 12, 20), place="Hội trường", chair="Chủ tịch",
            secretary="Thư ký", members_total=10, members_present=10, basis="present",
            threshold_pct=50, secret=True))))
    tab.new_meeting()
    _idle(qtbot)
    meeting = tab.meeting.currentData()
    assert meeting.date == datetime.date(2025, 12, 20) and tab.buttons["vote"].isEnabled()
    assert resets == [] and full_reads == []
    before = list(tab.model.rows)
    active = [r for r in before if r[10]]
    monkeypatch.setattr(decision_dialogs.VoteDialog, "ask",
                        staticmethod(lambda parent, meeting, names, current=None: (7, 3)))
    # the list's search keys: a vote changes no searched text, so it folds no key on the
    # window's time (0.1 s on 43,667 rows); made later they are those of the voted rows
    from gui.pages.candidates_tab import CandidateModel
    folded, real_keys = [], CandidateModel._keys
    monkeypatch.setattr(CandidateModel, "_keys", staticmethod(
        lambda rows, names=None: folded.append(len(rows)) or real_keys(rows, names)))
    tab.view.selectAll()
    tab.vote()
    _idle(qtbot)
    qtbot.waitUntil(lambda: not tab.loader.loading, timeout=10000)
    assert resets == [] and full_reads == []             # only the votes were read
    assert folded == []
    assert len(tab.view.selectionModel().selectedRows()) == n   # selection kept
    after = {r[0]: r for r in tab.model.rows}
    assert [r[0] for r in tab.model.rows] == [r[0] for r in before]   # same order
    for row in active:
        fresh = after[row[0]]
        assert fresh[7] == 7 and fresh[8] == 70 and fresh[9] is True
        assert fresh[:7] == row[:7] and fresh[10:12] == row[10:12]
        assert fresh[12] == row[12] + 1       # the vote moved its version (issue 20)
    assert {c: (f, bool(p)) for c, f, p in Vote.select(Vote.candidate, Vote.votes_for,
                                                      Vote.passed)
            .where(Vote.meeting == meeting).tuples()} == {r[0]: (7, True) for r in active}
    # a search after the vote: the keys of the rows as they are now, the rows it finds
    def text(r):
        return " ".join(vntext.fold(p) for p in r[1:6])
    tab.search.setText("lao dong tien tien")
    assert tab.model.keys == [text(r) for r in tab.model.rows]
    found = [tab.model.row_at(i) for i in range(tab.model.rowCount())]
    assert 0 < len(found) < n and found == [
        r for r in tab.model.rows if all(w in text(r) for w in ("lao", "dong", "tien"))]
    assert all(r[7] == 7 for r in found if r[10])
    tab.search.setText("")
    assert tab.model.rowCount() == n
    resets.clear()                                       # the searches reset the view
    # the meeting changed afterwards (a higher threshold): outcomes follow, still in place
    monkeypatch.setattr(decision_dialogs.MeetingDialog, "ask", staticmethod(
        lambda parent, meeting=None, save=None: save(dict(
            date=datetime.date(2025, 12, 20), place="Hội trường", chair="Chủ tịch",
            secretary="Thư ký", members_total=10, members_present=10, basis="present",
            threshold_pct=80, secret=True))))
    tab.edit_meeting()
    _idle(qtbot)
    qtbot.waitUntil(lambda: not tab.loader.loading, timeout=10000)
    assert resets == [] and full_reads == []
    assert all(r[9] is False for r in tab.model.rows if r[10])
    assert "0 đạt" in tab.count.text()


def test_removed_rows_change_in_place(ctx, qtbot, monkeypatch):
    """Taking rows off the list runs in a worker; the list read again replaces only the rows
    that changed (no reset: order and scroll position stay)."""
    from gui import messages
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    tab = page.candidates
    tab.year.setValue(2025)
    _idle(qtbot)
    order = [r[0] for r in tab.model.rows]
    active = sum(1 for r in tab.model.rows if r[10])
    picked = [r for r in tab.model.rows if r[10]][:3]
    untouched = {r[0]: r for r in tab.model.rows if r not in picked}
    resets = []
    tab.model.modelReset.connect(lambda: resets.append(1))
    tab.view.clearSelection()
    for r in range(tab.model.rowCount()):
        if tab.model.row_at(r)[0] in {p[0] for p in picked}:
            tab.view.selectionModel().select(
                tab.model.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                | QItemSelectionModel.SelectionFlag.Rows)
    monkeypatch.setattr(messages, "ask_text", lambda parent, label, **kw: "Chuyển công tác")
    tab.remove()
    _idle(qtbot)
    qtbot.waitUntil(lambda: not tab.loader.loading, timeout=10000)
    assert resets == [] and [r[0] for r in tab.model.rows] == order
    rows = {r[0]: r for r in tab.model.rows}
    for p in picked:
        assert rows[p[0]][10] is False and rows[p[0]][11] == "Chuyển công tác"
        assert Candidate.get_by_id(p[0]).removed
    same = [i for i, r in untouched.items() if rows[i] is r]
    assert len(same) > len(untouched) // 2       # rows that did not change are not replaced
    assert tab.count.text().startswith(f"{active - 3} đề nghị")


def test_window_answers_while_the_list_is_read(ctx, qtbot):
    """A 10 ms heartbeat keeps ticking while the page reads its lists."""
    gaps, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now
    beat = QTimer()
    beat.setInterval(10)
    beat.timeout.connect(tick)
    beat.start()
    page = DecisionsPage(ctx)         # builds its widgets now; the data comes later
    qtbot.addWidget(page)
    last[0] = time.perf_counter()
    gaps.clear()
    page.candidates.year.setValue(2025)
    page.register.year.setCurrentIndex(0)        # "Tất cả"
    _idle(qtbot)
    beat.stop()
    assert page.candidates.model.rowCount() > 100 and page.register.model.rowCount() > 100
    assert gaps, "the heartbeat never ticked"


def test_bulk_votes_are_logged_one_row_each_in_an_intact_chain(ctx):
    leader = ctx.actor
    cand = Candidate.select().where(Candidate.year == 2026, Candidate.removed == False).first()  # noqa: E712,E501
    movement = cand.movement
    meeting = council.create_meeting(
        actor=leader, movement=movement, year=2026, date=datetime.date(2026, 12, 1),
        place="Hội trường", chair="Chủ tịch", secretary="Thư ký", members_total=11,
        members_present=11, basis="present", threshold_pct=50, secret=True)
    listed = [r.id for r in candidates.candidate_records(movement=movement, year=2026)
              if not r.removed]
    before = AuditLog.select().count()
    assert council.record_votes(actor=leader, meeting=meeting,
                                votes=[(i, 6, 5) for i in listed]) == len(listed)
    assert Vote.select().where(Vote.meeting == meeting).count() == len(listed)
    assert AuditLog.select().count() == before + len(listed)
    # the same votes again: nothing changes, nothing logged; other counts: updated and logged
    assert council.record_votes(actor=leader, meeting=meeting,
                                votes=[(i, 6, 5) for i in listed]) == 0
    assert council.record_votes(actor=leader, meeting=meeting,
                                votes=[(listed[0], 5, 6)]) == 1
    vote = Vote.get(Vote.meeting == meeting, Vote.candidate == listed[0])
    assert (vote.votes_for, vote.passed) == (5, False)
    assert AuditLog.select().count() == before + len(listed) + 1
    assert audit_log.verify_chain().ok
