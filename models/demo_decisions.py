"""Demo step: council meetings and issued decisions of past years (register numbers, money),
and one draft decision for this year."""
import datetime

from . import candidates, council, decisions, settings
from .entities import BaseSalary, Candidate, Movement, Title, Vote
from .bulk import insert_rows
from .service import audit

# Earlier base salaries, so decisions of past years get the money of their date.
PAST_SALARIES = [
    (datetime.date(2019, 7, 1), 1_490_000, "Nghị định 38/2019/NĐ-CP"),
    (datetime.date(2023, 7, 1), 1_800_000, "Nghị định 24/2023/NĐ-CP"),
]
MEMBERS_TOTAL = 11


def _salaries():
    for day, amount, basis in PAST_SALARIES:
        if not BaseSalary.select().where(BaseSalary.effective_from == day).exists():
            BaseSalary.create(effective_from=day, amount=amount, legal_basis=basis)


def _movement(ctx, year):
    movement = ctx.extra.get("movements", {}).get(year)
    if movement is None:
        movement = (Movement.select().where(Movement.kind == "regular", Movement.year_from <= year,
                                            Movement.year_to >= year).first())
    return movement


def _votes(ctx, meeting, cands):
    """Votes for every candidate (a few fall short), written in bulk."""
    rng = ctx.rng
    rows = []
    present = meeting.members_present
    for cand in cands:
        short = rng.random() < 0.04
        votes_for = rng.randint(2, present // 2) if short else rng.randint(present - 2, present)
        against = rng.randint(0, present - votes_for)
        percent, passed = council.vote_outcome(
            votes_for, members_total=meeting.members_total, members_present=present,
            basis=meeting.basis, threshold_pct=meeting.threshold_pct)
        rows.append({"meeting": meeting.id, "candidate": cand.id, "votes_for": votes_for,
                     "votes_against": against, "percent": percent, "passed": passed})
    insert_rows(Vote, rows)


def _year(ctx, year, chairman, vice):
    movement = _movement(ctx, year)
    if movement is None:
        return 0
    actor = ctx.actor
    candidates.build_candidates(actor=actor, movement=movement, year=year)
    cands = list(Candidate.select(Candidate, Title).join(Title)
                 .where(Candidate.movement == movement, Candidate.year == year,
                        Candidate.removed == False))  # noqa: E712
    if year == ctx.this_year:
        # this year: the council has not met yet; a draft with people and collectives
        draft = decisions.create_draft(actor=actor, date=datetime.date(year, 12, 20),
                                       movement=movement, period_year=year,
                                       signer_name=chairman)
        people = [c for c in cands if c.person_id is not None][:30]
        units = [c for c in cands if c.unit_id is not None][:8]
        families = [c for c in cands if c.household_id is not None
                    and c.title.code != "GDVH"][:5]
        picked = people + units + families
        decisions.add_candidates(actor=actor, decision=draft, candidates=picked)
        return 1
    present = MEMBERS_TOTAL - ctx.rng.randint(0, 2)
    meeting = council.create_meeting(
        actor=actor, movement=movement, year=year, date=datetime.date(year, 12, 10),
        place="Hội trường Ủy ban nhân dân xã", chair=chairman, secretary="Lê Thị Hoa",
        members_total=MEMBERS_TOTAL, members_present=present, secret=True)
    _votes(ctx, meeting, cands)
    passed = council.passed_records(meeting)
    recognised = [c for c in passed if c.code == "GDVH"]
    commended = [c for c in passed if c.code != "GDVH"]
    seq = ctx.rng.randint(150, 260)
    main = decisions.create_draft(actor=actor, date=datetime.date(year, 12, 20),
                                  movement=movement, meeting=meeting, period_year=year,
                                  number=seq, signer_name=chairman)
    decisions.add_candidates(actor=actor, decision=main, candidates=commended)
    decisions.issue_decision(actor=actor, decision=main)
    made = 1
    if recognised:
        families = decisions.create_draft(
            actor=actor, date=datetime.date(year, 12, 22), movement=movement, meeting=meeting,
            period_year=year, number=seq + 3, signer_name=vice or chairman,
            signer_title="PHÓ CHỦ TỊCH" if vice else "CHỦ TỊCH",
            about=f"Về việc công nhận danh hiệu \"Gia đình văn hóa\" năm {year}")
        decisions.add_candidates(actor=actor, decision=families, candidates=recognised)
        decisions.issue_decision(actor=actor, decision=families)
        made += 1
    return made


def build_decisions(ctx):
    """Meetings, votes and decisions for every demo year (past: issued; this year: a draft)."""
    _salaries()
    chairman = settings.get("chairman") or "Nguyễn Văn Hùng"
    vices = settings.get("vice_chairmen") or []
    made = 0
    for index, year in enumerate(ctx.years):
        made += _year(ctx, year, chairman, vices[0] if vices else "")
        ctx.report("Bình xét, quyết định", index + 1, len(ctx.years))
    audit(ctx.actor, "demo_decisions", "decision", new={"decisions": made})
