"""The council's meeting (bình xét): members, votes per candidate, percentage and outcome."""
import datetime
from decimal import Decimal, ROUND_HALF_UP

from . import settings, versioning, vntext
from .entities import Candidate, Meeting, Vote
from .errors import ConflictError, ValidationError
from .service import audit, diff, service, snapshot

BASES = {"present": "số thành viên có mặt", "total": "tổng số thành viên"}


def vote_outcome(votes_for, *, members_total, members_present, basis, threshold_pct):
    """(percent as Decimal with 2 places, passed) — pure; passed means ≥ threshold."""
    base = members_present if basis == "present" else members_total
    if base <= 0:
        return Decimal("0.00"), False
    percent = (Decimal(votes_for) * 100 / Decimal(base)).quantize(Decimal("0.01"),
                                                                ROUND_HALF_UP)
    passed = Decimal(votes_for) * 100 >= Decimal(str(threshold_pct)) * base
    return percent, passed


def _int(value, label, field):
    try:
        number = int(vntext.parse_number(value)) if isinstance(value, str) else int(value)
    except (TypeError, ValueError, ValidationError):
        raise ValidationError(f"{label} phải là số nguyên.", field=field)
    if number < 0:
        raise ValidationError(f"{label} không được âm.", field=field)
    return number


def _clean_meeting(values):
    out = {}
    date = values.get("date")
    if date is not None and not isinstance(date, datetime.date):
        date = vntext.parse_date(date, field="date")
    if date is None:
        raise ValidationError("Hãy nhập ngày họp.", field="date")
    out["date"] = date
    out["place"] = vntext.clean_text(values.get("place", ""))
    out["chair"] = vntext.validate_name(values.get("chair") or "", label="Chủ trì cuộc họp",
                                        field="chair")
    out["secretary"] = vntext.validate_name(values.get("secretary") or "", label="Thư ký",
                                            field="secretary")
    total = _int(values.get("members_total"), "Tổng số thành viên hội đồng", "members_total")
    present = _int(values.get("members_present"), "Số thành viên có mặt", "members_present")
    if total == 0:
        raise ValidationError("Tổng số thành viên hội đồng phải lớn hơn 0.", field="members_total")
    if present > total:
        raise ValidationError(f"Số thành viên có mặt ({present}) không thể nhiều hơn tổng số "
                              f"thành viên ({total}).", field="members_present")
    if present == 0:
        raise ValidationError("Số thành viên có mặt phải lớn hơn 0.", field="members_present")
    out["members_total"], out["members_present"] = total, present
    basis = values.get("basis") or settings.get("vote_basis") or "present"
    if basis not in BASES:
        raise ValidationError("Cách tính tỷ lệ phải theo số có mặt hoặc tổng số thành viên.",
                              field="basis")
    out["basis"] = basis
    threshold = values.get("threshold_pct")
    if threshold in (None, ""):
        threshold = settings.get("vote_threshold_pct")
    threshold = vntext.parse_number(str(threshold)) if not isinstance(threshold, (int, Decimal)) \
        else Decimal(threshold)
    if not 0 < threshold <= 100:
        raise ValidationError("Tỷ lệ phiếu tối thiểu phải từ trên 0 đến 100 %.",
                              field="threshold_pct")
    out["threshold_pct"] = threshold
    out["secret"] = bool(values.get("secret", True))
    return out


@service("clerk")
def create_meeting(*, actor, movement, year, **values):
    """Record a council meeting: date, place, chair, secretary, members, basis, threshold."""
    meeting = Meeting.create(movement=movement, year=year, **_clean_meeting(values))
    audit(actor, "create_meeting", meeting, new=snapshot(meeting))
    return meeting


@service("clerk")
def update_meeting(*, actor, meeting, **values):
    """Change a meeting; the votes already entered are re-checked and their outcome recomputed.
    Refused (StaleRecord) when another clerk saved the meeting since ``meeting`` was loaded."""
    caller, meeting = meeting, versioning.fresh_copy(meeting)
    merged = {k: getattr(meeting, k) for k in ("date", "place", "chair", "secretary",
                                               "members_total", "members_present", "basis",
                                               "threshold_pct", "secret")}
    merged.update(values)
    old = snapshot(meeting)
    for key, value in _clean_meeting(merged).items():
        setattr(meeting, key, value)
    for vote in meeting.votes:
        _check_counts(meeting, vote.votes_for, vote.votes_against, vote.candidate)
    meeting.save()
    for vote in Vote.select().where(Vote.meeting == meeting):
        vote.percent, vote.passed = _outcome(meeting, vote.votes_for)
        vote.save()
    before, after = diff(old, snapshot(meeting))
    if after:
        audit(actor, "update_meeting", meeting, old=before, new=after)
    caller.version = meeting.version
    return meeting


def _outcome(meeting, votes_for):
    return vote_outcome(votes_for, members_total=meeting.members_total,
                        members_present=meeting.members_present, basis=meeting.basis,
                        threshold_pct=meeting.threshold_pct)


def _check_counts(meeting, votes_for, votes_against, candidate):
    from .subjects import display_name, subject_of
    if votes_for + votes_against > meeting.members_present:
        raise ValidationError(
            f"{display_name(subject_of(candidate))}: số phiếu đồng ý ({votes_for}) và không "
            f"đồng ý ({votes_against}) cộng lại nhiều hơn số thành viên có mặt "
            f"({meeting.members_present}). Hãy kiểm tra lại phiếu.", field="votes_for")


def _record(actor, meeting, candidate, votes_for, votes_against):
    if candidate.movement_id != meeting.movement_id or candidate.year != meeting.year:
        raise ValidationError("Đối tượng này không thuộc phong trào/năm của cuộc họp.")
    if candidate.removed:
        raise ConflictError("Đối tượng đã bị đưa ra khỏi danh sách đề nghị; không bỏ phiếu được.")
    votes_for = _int(votes_for, "Số phiếu đồng ý", "votes_for")
    votes_against = _int(votes_against or 0, "Số phiếu không đồng ý", "votes_against")
    _check_counts(meeting, votes_for, votes_against, candidate)
    percent, passed = _outcome(meeting, votes_for)
    vote = Vote.get_or_none(Vote.meeting == meeting, Vote.candidate == candidate)
    if vote is None:
        vote = Vote.create(meeting=meeting, candidate=candidate, votes_for=votes_for,
                           votes_against=votes_against, percent=percent, passed=passed)
        audit(actor, "record_vote", vote, new=snapshot(vote))
    else:
        old = snapshot(vote)
        vote.votes_for, vote.votes_against = votes_for, votes_against
        vote.percent, vote.passed = percent, passed
        vote.save()
        before, after = diff(old, snapshot(vote))
        if after:
            audit(actor, "record_vote", vote, old=before, new=after)
    return vote


@service("clerk")
def record_vote(*, actor, meeting, candidate, votes_for, votes_against=0):
    """Votes for one candidate; percentage and outcome follow the meeting's basis/threshold.
    Refused (StaleRecord) when another PC changed the candidate or its votes since
    ``candidate`` was read."""
    # checked before writing (the message shows only others' work), bumped after: a
    # refused vote leaves the caller's copy as it was
    versioning.check_versions(Candidate, {candidate.id: candidate.version})
    vote = _record(actor, meeting, candidate, votes_for, votes_against)
    versioning.bump(Candidate, [candidate.id])
    candidate.version = (candidate.version or 1) + 1
    return vote


@service("clerk")
def record_votes(*, actor, meeting, votes, progress=None, versions=None):
    """Many votes in one transaction: ``votes`` is [(candidate or its id, votes_for,
    votes_against)]. In bulk: the meeting's list is read once and the votes are written
    with one prepared statement (13,000 candidates in a few seconds). Returns how many
    votes were recorded; ``progress(done, total)`` returning False cancels.
    ``versions`` ({candidate id: version} as the clerk's list showed them; a Candidate
    given in ``votes`` carries its own): a candidate or vote another PC changed since
    refuses the whole batch, naming the first such rows — one query per 500 rows."""
    from .bulk import insert_rows, read_rows, update_rows
    from .errors import Cancelled
    from .service import audit_many
    seen = dict(versions or {})
    seen.update({c.id: c.version for c, _f, _a in votes if isinstance(c, Candidate)})
    if seen:
        versioning.check_versions(Candidate, seen, name_of=_candidate_name)
    listed = {ident: bool(removed) for ident, removed in read_rows(
        Candidate.select(Candidate.id, Candidate.removed)
        .where(Candidate.movement == meeting.movement_id, Candidate.year == meeting.year))}
    existing = {cand: (ident, vf, va, Vote.percent.python_value(pct), bool(ok))
                for ident, cand, vf, va, pct, ok in read_rows(
                    Vote.select(Vote.id, Vote.candidate, Vote.votes_for, Vote.votes_against,
                                Vote.percent, Vote.passed).where(Vote.meeting == meeting))}
    new_rows, updates, changed = [], [], []
    for candidate, votes_for, votes_against in votes:
        cand_id = candidate if isinstance(candidate, int) else candidate.id
        if cand_id not in listed:
            raise ValidationError("Đối tượng này không thuộc phong trào/năm của cuộc họp.")
        if listed[cand_id]:
            raise ConflictError("Đối tượng đã bị đưa ra khỏi danh sách đề nghị; không bỏ "
                                "phiếu được.")
        votes_for = _int(votes_for, "Số phiếu đồng ý", "votes_for")
        votes_against = _int(votes_against or 0, "Số phiếu không đồng ý", "votes_against")
        if votes_for + votes_against > meeting.members_present:
            _check_counts(meeting, votes_for, votes_against, Candidate.get_by_id(cand_id))
        percent, passed = _outcome(meeting, votes_for)
        old = existing.get(cand_id)
        if old is None:
            new_rows.append({"meeting": meeting.id, "candidate": cand_id,
                             "votes_for": votes_for, "votes_against": votes_against,
                             "percent": percent, "passed": passed})
        elif old[1:] != (votes_for, votes_against, percent, passed):
            updates.append((votes_for, votes_against, Vote.percent.db_value(percent),
                            Vote.passed.db_value(passed), old[0]))
            changed.append((old[0], {"votes_for": old[1], "votes_against": old[2]},
                            {"votes_for": votes_for, "votes_against": votes_against,
                             "percent": percent, "passed": passed}))
    if progress is not None and progress(0, len(new_rows) + len(updates)) is False:
        raise Cancelled()
    if insert_rows(Vote, new_rows, progress=progress) < len(new_rows):
        raise Cancelled()
    update_rows(Vote, ("votes_for", "votes_against", "percent", "passed"), updates)
    if new_rows:
        made = dict(read_rows(Vote.select(Vote.candidate, Vote.id)
                              .where(Vote.meeting == meeting)))
        changed += [(made[r["candidate"]], None, snapshot(Vote(id=made[r["candidate"]], **r)))
                    for r in new_rows]
    audit_many(actor, "record_vote", Vote._meta.table_name, changed)
    updated = {u[-1] for u in updates}
    touched = {r["candidate"] for r in new_rows} | {
        cand for cand, old in existing.items() if old[0] in updated}
    versioning.bump(Candidate, touched)     # an open copy of these candidates is now stale
    for c, _f, _a in votes:            # the caller's copies follow their own save
        if isinstance(c, Candidate) and c.id in touched:
            c.version = (c.version or 1) + 1
    return len(new_rows) + len(updates)


def _candidate_name(ident):
    from .subjects import display_name, subject_of
    cand = Candidate.get_or_none(Candidate.id == ident)
    return display_name(subject_of(cand)) if cand is not None else "(đã bị xóa)"


@service("clerk")
def delete_meeting(*, actor, meeting):
    from .entities import Decision
    if Decision.select().where(Decision.meeting == meeting, Decision.state != "draft").exists():
        raise ConflictError("Cuộc họp này là căn cứ của quyết định đã ban hành; không xóa được.")
    old = snapshot(meeting)
    meeting.delete_instance(recursive=False)
    audit(actor, "delete_meeting", "meeting", entity_id=old["id"], old=old)


def meetings(*, movement=None, year=None):
    query = Meeting.select().order_by(Meeting.date.desc(), Meeting.id.desc())
    if movement is not None:
        query = query.where(Meeting.movement == movement)
    if year is not None:
        query = query.where(Meeting.year == year)
    return list(query)


def passed_candidates(meeting):
    """Candidates whose vote at ``meeting`` passed (not removed), in list order."""
    from .entities import Title
    return list(Candidate.select(Candidate, Title).join(Title).switch(Candidate).join(Vote)
                .where(Vote.meeting == meeting, Vote.passed == True,  # noqa: E712
                       Candidate.removed == False))  # noqa: E712


def passed_records(meeting):
    """Like ``passed_candidates`` but light records (``candidates.CandRecord``), for long lists."""
    from .candidates import candidate_records
    passed = {c for (c,) in Vote.select(Vote.candidate)
              .where(Vote.meeting == meeting, Vote.passed == True).tuples()}  # noqa: E712
    return [r for r in candidate_records(movement=meeting.movement, year=meeting.year)
            if r.id in passed and not r.removed]


VOTE_FIELDS = None     # ``candidates.ROW_FIELDS`` + ("votes_against",): ``vote_tuples``


def vote_fields():
    """{name: position} in a ``vote_tuples`` row."""
    global VOTE_FIELDS
    if VOTE_FIELDS is None:
        from .candidates import ROW_FIELDS
        VOTE_FIELDS = {name: i for i, name in enumerate(ROW_FIELDS + ("votes_against",))}
    return VOTE_FIELDS


def vote_tuples(meeting):
    """``vote_rows`` as tuples (``vote_fields()`` positions: the candidate's row with this
    meeting's votes for, percent and outcome in place, then its votes against): the minutes
    and the public list read 21,858 rows without making a dict of each (0.1-0.2 s)."""
    from .candidates import ROW, candidate_tuples
    # read as tuples and the candidates' fresh rows completed in place: 43,000 votes as
    # model objects and a copy of every row doubled the minutes' memory
    # plain driver tuples, each distinct percentage converted once (peewee converting
    # 22,000 rows value by value was a third of the minutes' read)
    from .bulk import read_rows
    to_percent, percents, votes = Vote.percent.python_value, {}, {}
    for cand, votes_for, votes_against, pct, passed in read_rows(
            Vote.select(Vote.candidate, Vote.votes_for, Vote.votes_against, Vote.percent,
                        Vote.passed).where(Vote.meeting == meeting)):
        if pct not in percents:
            percents[pct] = to_percent(pct)
        votes[cand] = (votes_for, percents[pct], None if passed is None else bool(passed),
                       votes_against)
    at = ROW["votes_for"]
    assert ROW["percent"] == at + 1 and ROW["passed"] == at + 2 and ROW["version"] == at + 3
    no_vote = (None, None, None, None)
    return [row[:at] + (vote[0], vote[1], vote[2], row[-1], vote[3])
            for row in candidate_tuples(movement=meeting.movement, year=meeting.year,
                                        include_removed=False, history=False, votes=False)
            for vote in (votes.get(row[0], no_vote),)]


def vote_rows(meeting):
    """Rows for the minutes: every candidate of the meeting's movement/year with its vote
    (dicts of ``vote_tuples``; warnings and years as lists)."""
    names = list(vote_fields())
    rows = []
    for row in vote_tuples(meeting):
        r = dict(zip(names, row))
        r["warnings"] = list(r["warnings"])
        r["years"] = list(r["years"])
        rows.append(r)
    return rows
