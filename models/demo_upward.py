"""Demo step: last year's file proposed upward — the council's secret ballot on provincial
titles and a draft file with what the records say (some without the years they need)."""
import datetime

from . import council, upward
from .award_history import IN_FORCE, award_year
from .entities import Award, Candidate, Decision, Meeting, Title

PICKS = (("CSTDCS", "CSTD_TINH", 2), ("TDPVH", "BKT_TT", 1), ("TTLDTT", "BKT_TT", 1),
         ("TTLDTT", "TTLDXS", 1))


def _holders(code, year, count, taken):
    query = (Award.select(Award.unit, Award.person).join(Decision).switch(Award).join(Title)
             .where(Decision.state == IN_FORCE, Title.code == code, award_year() == year)
             .order_by(Award.id))
    out = []
    for unit, person in query.tuples():
        if (unit, person) not in taken and len(out) < count:
            out.append((unit, person))
    return out


def build_upward(ctx):
    year = ctx.this_year - 1
    meeting = (Meeting.select().where(Meeting.year == year)
               .order_by(Meeting.date.desc()).first())
    if meeting is None:
        return
    taken = set()
    for source, target, count in PICKS:
        title = Title.get_or_none(Title.code == target)
        if title is None:
            continue
        for unit, person in _holders(source, year, count, taken):
            taken.add((unit, person))
            cand = Candidate.create(movement=meeting.movement, year=year, title=title,
                                    unit=unit, person=person, source="manual",
                                    reason="Đề nghị cấp tỉnh khen thưởng")
            council.record_vote(actor=ctx.actor, meeting=meeting, candidate=cand,
                                votes_for=meeting.members_present - ctx.rng.randint(0, 1))
    f = upward.create_file(actor=ctx.actor, year=year, meeting=meeting,
                           date=meeting.date + datetime.timedelta(days=5))
    upward.add_passed_candidates(actor=ctx.actor, upward_file=f)
