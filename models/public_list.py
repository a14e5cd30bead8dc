"""The public list (danh sách công khai) before a decision: posting dates and places, and the
comments (ý kiến phản ánh) received about candidates, each settled with a note.

Law 06/2022 asks commendation to be "công khai, minh bạch": after the council's vote the list
of those it passed is posted at the committee's office and the villages' cultural houses for
a comment period. A comment is recorded against one candidate; until it is resolved the
candidate carries a warning (candidates tab, decision editor). Warnings never block.
"""
import datetime
import json

from peewee import fn

from . import settings, versioning, vntext
from .entities import (Award, Candidate, Meeting, PublicComment, PublicPosting, Title, Unit,
                       UnitKind)
from .errors import ConflictError, ValidationError
from .service import audit, diff, service, snapshot

OPEN, RESOLVED = "open", "resolved"
STATE_NAMES = {OPEN: "Chưa giải quyết", RESOLVED: "Đã giải quyết"}
MAX_TEXT = 4000


# --------------------------------------------------------------------------- helpers

def _text(value, label, field, *, required=True, max_len=MAX_TEXT):
    text = vntext.clean_text(value or "")
    if required and not text:
        raise ValidationError(f"Hãy ghi {label}.", field=field)
    if len(text) > max_len:
        raise ValidationError(f"{label[:1].upper()}{label[1:]} dài quá {max_len} ký tự; hãy "
                              "rút gọn.", field=field)
    return text


def default_places():
    """The committee's office and the cultural house of every active village (thôn, TDP)."""
    commune = settings.commune()
    office = "Trụ sở Ủy ban nhân dân " + (commune.in_sentence if commune.name else "xã")
    villages = (Unit.select(Unit.name).join(UnitKind)
                .where(UnitKind.is_village == True, Unit.active == True)  # noqa: E712
                .order_by(Unit.name))
    return [office] + [f"Nhà văn hóa {u.name}" for u in villages]


def _places(values):
    if values is None:
        return default_places()
    if isinstance(values, str):
        values = values.splitlines()
    out = [_text(v, "nơi niêm yết", "places", required=False, max_len=300) for v in values]
    out = [v for v in out if v]
    if not out:
        raise ValidationError("Hãy ghi ít nhất một nơi niêm yết (trụ sở Ủy ban, nhà văn hóa "
                              "thôn …).", field="places")
    return out


def _clean_posting(meeting, values):
    out = {}
    start = vntext.form_date(values.get("posted_from"), label="ngày bắt đầu niêm yết",
                             field="posted_from")
    end = vntext.form_date(values.get("posted_to"), label="ngày kết thúc niêm yết",
                           field="posted_to")
    if end < start:
        raise ValidationError(
            f"Ngày kết thúc niêm yết ({vntext.format_date(end)}) trước ngày bắt đầu "
            f"({vntext.format_date(start)}). Hãy sửa lại thời gian niêm yết.", field="posted_to")
    if start < meeting.date:
        raise ValidationError(
            f"Danh sách công khai lấy từ kết quả họp ngày {vntext.format_date(meeting.date)}; "
            "ngày niêm yết phải từ ngày họp trở đi.", field="posted_from")
    until = values.get("comments_until")
    until = end if until in (None, "") else vntext.form_date(
        until, label="hạn nhận ý kiến", field="comments_until")
    if until < start:
        raise ValidationError(
            f"Hạn nhận ý kiến ({vntext.format_date(until)}) trước ngày bắt đầu niêm yết "
            f"({vntext.format_date(start)}).", field="comments_until")
    out.update(posted_from=start, posted_to=end, comments_until=until)
    out["places"] = json.dumps(_places(values.get("places")), ensure_ascii=False)
    out["number"] = _text(values.get("number"), "số văn bản", "number", required=False,
                          max_len=60)
    signer = values.get("signer_name")
    out["signer_name"] = _text(signer if signer is not None else settings.get("chairman"),
                               "người ký", "signer_name", required=False, max_len=200)
    out["signer_title"] = _text(values.get("signer_title") or "CHỦ TỊCH", "chức vụ người ký",
                                "signer_title", max_len=100)
    return out


# --------------------------------------------------------------------------- postings

@service("clerk")
def create_posting(*, actor, meeting, first=False, **values):
    """Post the result of ``meeting``: dates (from, to), comment period, places, signer.
    ``first``: the clerk's screen showed no posting for it — one another PC made meanwhile
    refuses this one (StaleRecord naming it), never a second posting of the same list."""
    meeting = Meeting.get_by_id(meeting.id)
    made = (PublicPosting.select(PublicPosting.id).where(PublicPosting.meeting == meeting)
            .order_by(PublicPosting.id).scalar()) if first else None
    if made is not None:
        raise versioning.StaleRecord(versioning.stale_message(PublicPosting, made, 0))
    posting = PublicPosting.create(meeting=meeting, **_clean_posting(meeting, values))
    audit(actor, "create_posting", posting, new=snapshot(posting))
    return posting


@service("clerk")
def update_posting(*, actor, posting, **values):
    """Saved only over the version ``posting`` was read with (StaleRecord otherwise)."""
    caller, posting = posting, versioning.fresh_copy(posting)
    merged = {k: getattr(posting, k) for k in ("posted_from", "posted_to", "comments_until",
                                               "number", "signer_name", "signer_title")}
    merged["places"] = places_of(posting)
    merged.update(values)
    old = snapshot(posting)
    for key, value in _clean_posting(posting.meeting, merged).items():
        setattr(posting, key, value)
    posting.save()
    before, after = diff(old, snapshot(posting))
    if after:
        audit(actor, "update_posting", posting, old=before, new=after)
    caller.version = posting.version
    return posting


def places_of(posting):
    return json.loads(posting.places or "[]")


def postings(*, meeting=None, movement=None, year=None):
    query = (PublicPosting.select(PublicPosting, Meeting).join(Meeting)
             .order_by(PublicPosting.posted_from.desc(), PublicPosting.id.desc()))
    if meeting is not None:
        query = query.where(PublicPosting.meeting == meeting)
    if movement is not None:
        query = query.where(Meeting.movement == movement)
    if year is not None:
        query = query.where(Meeting.year == year)
    return list(query)


def posting_rows():
    """Every public list as plain rows (for ``list postings``)."""
    return [{"id": p.id, "uuid": p.uuid, "meeting_id": p.meeting_id, "year": p.meeting.year,
             "meeting_date": p.meeting.date.isoformat(), "posted_from": p.posted_from.isoformat(),
             "posted_to": p.posted_to.isoformat(),
             "comments_until": p.comments_until.isoformat(),
             "open_comments": PublicComment.select().where(
                 PublicComment.posting == p, PublicComment.state == OPEN).count()}
            for p in postings()]


def posted_tuples(meeting):
    """``posted_rows`` as tuples (``council.vote_fields()`` positions): the list's PDF and
    Word file read 21,932 rows without making a dict of each."""
    from .council import vote_fields, vote_tuples
    from .decision_lists import GROUPS
    kind_at, passed_at = vote_fields()["kind"], vote_fields()["passed"]
    by_kind = {}
    for row in vote_tuples(meeting):
        if row[passed_at]:
            by_kind.setdefault(row[kind_at], []).append(row)
    return [(heading, by_kind[kind]) for kind, heading in GROUPS if kind in by_kind]


def posted_rows(meeting):
    """The candidates the council passed at ``meeting``, grouped as the list is posted:
    [(heading, [row, …])] with I. Cá nhân, II. Tập thể, III. Hộ gia đình."""
    from .council import vote_fields
    names = list(vote_fields())
    out = []
    for heading, rows in posted_tuples(meeting):
        dicts = []
        for row in rows:
            r = dict(zip(names, row))
            r["warnings"] = list(r["warnings"])
            r["years"] = list(r["years"])
            dicts.append(r)
        out.append((heading, dicts))
    return out


# --------------------------------------------------------------------------- comments

def comment_date_warnings(posting, day):
    """Warnings (not errors) for a comment received on ``day`` outside the comment period."""
    if posting is None or day is None:
        return []
    if day < posting.posted_from:
        return [f"Ý kiến nhận ngày {vntext.format_date(day)}, trước khi niêm yết "
                f"(từ {vntext.format_date(posting.posted_from)})."]
    if day > posting.comments_until:
        return [f"Ý kiến nhận ngày {vntext.format_date(day)}, sau hạn nhận ý kiến "
                f"({vntext.format_date(posting.comments_until)})."]
    return []


def posting_for(candidate):
    """The newest posting of a meeting of the candidate's movement and year, or None."""
    return (PublicPosting.select().join(Meeting)
            .where(Meeting.movement == candidate.movement_id, Meeting.year == candidate.year)
            .order_by(PublicPosting.posted_from.desc(), PublicPosting.id.desc()).first())


def _refresh(candidate):
    from .candidates import refresh_warnings
    refresh_warnings(movement=candidate.movement_id, year=candidate.year)


@service("clerk")
def record_comment(*, actor, candidate, received_on, author, content, posting=None):
    """Record a comment about ``candidate``. A date outside the comment period is allowed
    (``comment_date_warnings`` says so); the candidate is warned about until it is resolved."""
    candidate = Candidate.get_by_id(candidate.id)
    day = vntext.form_date(received_on, label="ngày nhận ý kiến", field="received_on")
    if day > datetime.date.today():
        raise ValidationError(f"Ngày nhận ý kiến ({vntext.format_date(day)}) chưa tới.",
                              field="received_on")
    posting = posting if posting is not None else posting_for(candidate)
    comment = PublicComment.create(
        candidate=candidate, posting=posting, received_on=day,
        author=_text(author, "người hoặc nơi gửi ý kiến", "author", max_len=200),
        content=_text(content, "nội dung ý kiến", "content"))
    audit(actor, "record_comment", comment, new=snapshot(comment),
          reason="; ".join(comment_date_warnings(posting, day)) or None)
    _refresh(candidate)
    return comment


@service("clerk")
def resolve_comment(*, actor, comment, resolution, resolved_on=None):
    """Settle a comment; the note saying how (checked, answered, candidate removed …) is
    required. Refused (StaleRecord) when another PC changed it since ``comment`` was read."""
    versioning.check_versions(PublicComment, {comment.id: comment.version})
    caller, comment = comment, versioning.fresh_copy(comment)
    if comment.state == RESOLVED:
        raise ConflictError("Ý kiến này đã được giải quyết.")
    note = _text(resolution, "cách giải quyết ý kiến (đã xác minh, trả lời ra sao)",
                 "resolution")
    day = datetime.date.today() if resolved_on in (None, "") else \
        vntext.form_date(resolved_on, label="ngày giải quyết", field="resolved_on")
    if day < comment.received_on:
        raise ValidationError(f"Ngày giải quyết ({vntext.format_date(day)}) trước ngày nhận ý "
                              f"kiến ({vntext.format_date(comment.received_on)}).",
                              field="resolved_on")
    old = snapshot(comment)
    comment.state, comment.resolution, comment.resolved_on = RESOLVED, note, day
    comment.resolved_by = actor.username
    comment.save()
    before, after = diff(old, snapshot(comment))
    audit(actor, "resolve_comment", comment, old=before, new=after)
    _refresh(comment.candidate)
    caller.version = comment.version
    return comment


@service("clerk")
def reopen_comment(*, actor, comment, reason):
    """A settled comment comes back (new facts): the reason is required and audited."""
    versioning.check_versions(PublicComment, {comment.id: comment.version})
    caller, comment = comment, versioning.fresh_copy(comment)
    reason = _text(reason, "lý do mở lại ý kiến", "reason")
    if comment.state != RESOLVED:
        raise ConflictError("Ý kiến này chưa được giải quyết.")
    old = snapshot(comment)
    comment.state, comment.resolved_on, comment.resolved_by = OPEN, None, ""
    comment.resolution = ""
    comment.save()
    audit(actor, "reopen_comment", comment, old=old, new=snapshot(comment), reason=reason)
    _refresh(comment.candidate)
    caller.version = comment.version
    return comment


def comment_rows(*, movement, year):
    """Every comment about a candidate of ``movement``/``year``, newest first, as dicts."""
    from .award_history import subject_infos
    from .candidates import _key
    query = (PublicComment.select(PublicComment, Candidate, Title)
             .join(Candidate).join(Title)
             .where(Candidate.movement == movement, Candidate.year == year)
             .order_by(PublicComment.received_on.desc(), PublicComment.id.desc()))
    comments = list(query)
    keys = [_key(c.candidate.unit_id, c.candidate.person_id, c.candidate.household_id)
            for c in comments]
    infos = subject_infos(keys)
    rows = []
    for c, key in zip(comments, keys):
        rows.append({"id": c.id, "version": c.version, "candidate_id": c.candidate_id,
                     "name": infos.get(key, {}).get("name", "?"),
                     "title": c.candidate.title.name, "received_on": c.received_on,
                     "author": c.author, "content": c.content, "state": c.state,
                     "state_label": STATE_NAMES[c.state], "resolution": c.resolution,
                     "resolved_on": c.resolved_on,
                     "warnings": comment_date_warnings(c.posting, c.received_on)})
    return rows


def open_counts_for(*, movement, year):
    """{candidate id: unresolved comments} for the candidates of ``movement``/``year``."""
    return dict(PublicComment.select(PublicComment.candidate, fn.COUNT(PublicComment.id))
                .join(Candidate)
                .where(PublicComment.state == OPEN, Candidate.movement == movement,
                       Candidate.year == year)
                .group_by(PublicComment.candidate).tuples())


def candidate_warning(count):
    return f"Còn {count} ý kiến phản ánh khi công khai danh sách chưa được giải quyết."


def decision_warnings(decision):
    """Lines naming the recipients of ``decision`` whose candidate has unresolved comments
    (the award's own candidate; for a recipient added by hand, any candidate of the same
    subject and period)."""
    period = decision.period_year or decision.year
    opened = list(PublicComment.select(PublicComment.candidate, PublicComment.received_on,
                                       PublicComment.author, Candidate.unit, Candidate.person,
                                       Candidate.household, Candidate.year)
                  .join(Candidate).where(PublicComment.state == OPEN).tuples())
    if not opened:
        return []
    by_cand, by_subject = {}, {}
    for cand_id, day, author, unit, person, household, year in opened:
        by_cand.setdefault(cand_id, []).append((day, author))
        if year == period:
            key = (unit, person, household)
            by_subject.setdefault(key, []).append((day, author))
    lines = []
    for name, title, cand_id, unit, person, household in (
            Award.select(Award.display_name, Title.name, Award.candidate, Award.unit,
                         Award.person, Award.household)
            .join(Title).where(Award.decision == decision).order_by(Award.order).tuples()):
        found = by_cand.get(cand_id) if cand_id is not None else \
            by_subject.get((unit, person, household))
        if found:
            first = min(found)
            lines.append(f"{name} ({title}): {len(found)} ý kiến phản ánh chưa giải quyết "
                         f"(nhận ngày {vntext.format_date(first[0])}, của {first[1]}).")
    return lines
