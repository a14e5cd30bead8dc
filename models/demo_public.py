"""Demo step (issue 17): the public list of each past year's council result, comments on
it (settled), and one open comment on a candidate of this year's draft decision."""
import datetime

from . import public_list
from .entities import Award, Candidate, Decision, Meeting

AUTHORS = ["Ông Trần Văn Tư, thôn {v}", "Bà Lê Thị Hằng, tổ dân phố {v}",
           "Ban công tác Mặt trận {v}"]


def build_public(ctx):
    actor = ctx.actor
    meetings = list(Meeting.select().where(Meeting.year.in_(ctx.years[:-1]))
                    .order_by(Meeting.date))
    for meeting in meetings:
        start = meeting.date + datetime.timedelta(days=1)
        posting = public_list.create_posting(
            actor=actor, meeting=meeting, posted_from=start,
            posted_to=start + datetime.timedelta(days=6),
            comments_until=start + datetime.timedelta(days=7))
        if meeting is not meetings[-1]:
            continue
        cands = list(Candidate.select().where(Candidate.movement == meeting.movement,
                                              Candidate.year == meeting.year,
                                              Candidate.person.is_null(False)).limit(2))
        for i, cand in enumerate(cands):
            comment = public_list.record_comment(
                actor=actor, candidate=cand, posting=posting,
                received_on=start + datetime.timedelta(days=2 + i),
                author=AUTHORS[i].format(v="Đông"),
                content="Đề nghị Hội đồng xem lại thời gian công tác trong năm của người này.")
            public_list.resolve_comment(
                actor=actor, comment=comment, resolved_on=posting.comments_until,
                resolution="Đã xác minh với đơn vị: đủ điều kiện; đã trả lời người gửi ý kiến.")
    # this year's draft made from the candidates (not a sudden or themed draft of issue 18)
    award = (Award.select().join(Decision)
             .where(Decision.state == "draft", Decision.year == ctx.this_year,
                    Award.candidate.is_null(False), Award.person.is_null(False))
             .order_by(Award.id).first())
    draft = award.decision if award is not None else None
    if award is not None:
        day = min(datetime.date.today(), draft.date) - datetime.timedelta(days=1)
        public_list.record_comment(
            actor=actor, candidate=award.candidate, received_on=day,
            author=AUTHORS[2].format(v="thôn Tây"),
            content="Phản ánh người này chưa hoàn thành nhiệm vụ được giao ở thôn.")
