"""Candidates for the council (bình xét): built from the records, with eligibility warnings."""
import json
import math
from collections import defaultdict, namedtuple

from peewee import JOIN, fn

from . import catalogue, collation, exemplary, settings, versioning, vntext
from .award_history import (format_run, join_place, run_years, title_runs, title_years,
                            unit_places, units_by_id)
from .bulk import insert_rows, read_rows
from .candidate_records import record_checks
from .entities import (HOUSEHOLD, PERSON, SUBJECT_KINDS, UNIT, Award, Candidate, CriteriaSet,
                       Decision, Household, Movement, Person, Registration, RegistrationTitle,
                       ScoreSheet, Title, Vote)
from .errors import ConflictError, ValidationError
from .freeing import one_copy
from .service import audit, service, snapshot
from .subjects import display_name, subject_fields, subject_kind

# Catalogue codes the checks of DOMAIN.md §3 refer to (seeded defaults).
LDTT, CSTDCS, TTLDTT, TTLDXS = "LDTT", "CSTDCS", "TTLDTT", "TTLDXS"
SHARE_TITLES = (TTLDTT, TTLDXS)
EXCELLENT_BAND = "Xuất sắc"
CANDIDATE_STATES = ("submitted", "accepted")


def _sheets_by_unit(movement, year):
    """{unit_id: ScoreSheet} of the unit score sheets of this movement (or no movement) and year."""
    query = (ScoreSheet.select(ScoreSheet, CriteriaSet).join(CriteriaSet)
             .where(CriteriaSet.year == year, ScoreSheet.unit.is_null(False))
             .where((CriteriaSet.movement == movement) | CriteriaSet.movement.is_null()))
    out = {}
    for sheet in query:
        current = out.get(sheet.unit_id)
        # prefer the movement's own table over a general one, and a finalised sheet
        rank = (sheet.criteria_set.movement_id is not None, sheet.state == "finalised")
        if current is None or rank > current[0]:
            out[sheet.unit_id] = (rank, sheet)
    return {k: v[1] for k, v in out.items()}


def _qualifying_bands():
    return {vntext.fold(b) for b in (settings.get("qualifying_bands") or [])}


@service("clerk")
def build_candidates(*, actor, movement, year):
    """Add the candidates the records give for ``movement``/``year``; keep the clerk's edits.

    Units: a registration (submitted or accepted) for the title and a band among the
    setting ``qualifying_bands`` (or no score yet — then a warning says so). People and
    households: a registration for the title; their unit's result shows as a warning.
    Returns {"added": n, "dropped": n, "total": n}.
    """
    sheets = _sheets_by_unit(movement, year)
    good = _qualifying_bands()
    wanted = set()
    query = (RegistrationTitle.select(Registration.unit, Registration.person,
                                      Registration.household, RegistrationTitle.title)
             .join(Registration)
             .where(Registration.movement == movement, Registration.year == year,
                    Registration.round.is_null(),
                    Registration.state.in_(CANDIDATE_STATES)))
    for unit, person, household, title_id in query.tuples():
        kind, ident = _key(unit, person, household)
        if kind == UNIT:
            sheet = sheets.get(ident)
            if sheet is not None and sheet.band and vntext.fold(sheet.band) not in good:
                continue
        wanted.add((kind, ident, title_id))
    existing = {}
    for ident, unit, person, household, title_id, source, removed in (
            Candidate.select(Candidate.id, Candidate.unit, Candidate.person,
                             Candidate.household, Candidate.title, Candidate.source,
                             Candidate.removed)
            .where(Candidate.movement == movement, Candidate.year == year).tuples()):
        existing[_key(unit, person, household) + (title_id,)] = (ident, source, removed)
    rows = []
    for key in wanted:
        if key not in existing:
            kind, ident, title_id = key
            rows.append({"movement": movement.id, "year": year, "title": title_id,
                         "source": "auto", "unit": ident if kind == UNIT else None,
                         "person": ident if kind == PERSON else None,
                         "household": ident if kind == HOUSEHOLD else None,
                         "uuid": _uuid()})
    insert_rows(Candidate, rows)
    voted = {c for (c,) in Vote.select(Vote.candidate).join(Candidate)
             .where(Candidate.movement == movement, Candidate.year == year).tuples()}
    # a candidate named by an issued award stays (the database keeps issued awards as they are)
    voted |= {c for (c,) in Award.select(Award.candidate).join(Decision)
              .where(Award.candidate.is_null(False), Decision.state != "draft").tuples()}
    gone = [ident for key, (ident, source, removed) in existing.items()
            if source == "auto" and key not in wanted and not removed and ident not in voted]
    for start in range(0, len(gone), 500):
        Candidate.delete().where(Candidate.id.in_(gone[start:start + 500])).execute()
    dropped = len(gone)
    total = refresh_warnings(movement=movement, year=year)
    audit(actor, "build_candidates", "candidate", new={"movement": movement.id, "year": year,
                                                       "added": len(rows), "dropped": dropped})
    return {"added": len(rows), "dropped": dropped, "total": total}


def _uuid():
    from .fields import new_uuid
    return new_uuid()


@service("clerk")
def add_candidate(*, actor, movement, year, subject, title, reason):
    """The clerk adds a candidate by hand (reason required); restores a removed one."""
    reason = vntext.clean_text(reason)
    if not reason:
        raise ValidationError("Hãy ghi lý do thêm vào danh sách đề nghị.", field="reason")
    kind = subject_kind(subject)
    unit_kind = subject.kind.code if kind == UNIT else None
    if not catalogue.title_allows(title, subject_kind=kind, unit_kind_code=unit_kind):
        raise ValidationError(
            f"Danh hiệu/hình thức '{title.name}' không dành cho "
            f"{SUBJECT_KINDS[kind].lower()} '{display_name(subject)}'.", field="title")
    fields = subject_fields(subject)
    cand = (Candidate.select().where(Candidate.movement == movement, Candidate.year == year,
                                     Candidate.title == title)
            .where(getattr(Candidate, kind) == subject).first())
    if cand is not None and not cand.removed:
        raise ConflictError(f"'{display_name(subject)}' đã có trong danh sách đề nghị "
                            f"'{title.name}' năm {year}.")
    if cand is not None:
        old = snapshot(cand)
        cand.removed, cand.reason = False, reason
        cand.save()
        audit(actor, "restore_candidate", cand, old=old, new=snapshot(cand), reason=reason)
    else:
        cand = Candidate.create(movement=movement, year=year, title=title, source="manual",
                                reason=reason, **fields)
        audit(actor, "add_candidate", cand, new=snapshot(cand), reason=reason)
    refresh_warnings(movement=movement, year=year)
    return Candidate.get_by_id(cand.id)


@service("clerk")
def remove_candidate(*, actor, candidate, reason):
    """Take a candidate off the list (kept with its reason, so the record shows why)."""
    reason = _removal_reason(reason)
    # the row as stored, saved only over the version the clerk's list showed (StaleRecord)
    caller, candidate = candidate, versioning.fresh_copy(candidate)
    _take_off(actor, candidate, reason)
    refresh_warnings(movement=candidate.movement, year=candidate.year)
    versioning.follow(caller, candidate)
    return candidate


@service("clerk")
def remove_candidates(*, actor, ids, reason, progress=None, versions=None):
    """Take many candidates (ids) off the list in one transaction; the warnings of the list
    are recomputed once (each ``remove_candidate`` recomputes the whole list's). Those
    already removed are skipped. Returns how many were removed; ``progress(done, total)``
    returning False cancels. ``versions`` ({id: version} as the clerk's list showed them):
    a candidate another PC changed meanwhile refuses the whole batch (one query per 500)."""
    from .council import _candidate_name
    from .errors import Cancelled
    reason = _removal_reason(reason)
    if versions is not None:
        versioning.check_versions(Candidate, {i: versions[i] for i in ids if i in versions},
                                  name_of=_candidate_name)
    ids, lists, done = list(ids), set(), 0
    for start in range(0, len(ids), FEW_IDS):
        for cand in Candidate.select().where(Candidate.id.in_(ids[start:start + FEW_IDS])):
            lists.add((cand.movement_id, cand.year))
            if not cand.removed:
                _take_off(actor, cand, reason)
                done += 1
        if progress is not None and progress(min(start + FEW_IDS, len(ids)),
                                             len(ids)) is False:
            raise Cancelled()
    for movement, year in lists:
        refresh_warnings(movement=movement, year=year)
    return done


def _removal_reason(reason):
    reason = vntext.clean_text(reason)
    if not reason:
        raise ValidationError("Hãy ghi lý do đưa ra khỏi danh sách đề nghị.", field="reason")
    return reason


def _take_off(actor, candidate, reason):
    if candidate.removed:
        raise ConflictError("Đối tượng này đã được đưa ra khỏi danh sách.")
    old = snapshot(candidate)
    candidate.removed, candidate.reason = True, reason
    candidate.save()
    audit(actor, "remove_candidate", candidate, old=old, new=snapshot(candidate), reason=reason)


# --------------------------------------------------------------------------- warnings

def _key(unit, person, household):
    if unit is not None:
        return (UNIT, unit)
    if person is not None:
        return (PERSON, person)
    return (HOUSEHOLD, household)


CandRecord = namedtuple("CandRecord", "id key title_id code title_name conferred_by removed "
                                      "warnings")


def candidate_records(*, movement, year):
    """Light records of the candidates (tuples, no model objects: 20,000 load in a blink)."""
    query = (Candidate.select(Candidate.id, Candidate.unit, Candidate.person,
                              Candidate.household, Candidate.title, Title.code, Title.name,
                              Title.conferred_by, Candidate.removed, Candidate.warnings)
             .join(Title).where(Candidate.movement == movement, Candidate.year == year))
    return [CandRecord(i, _key(u, p, h), t, code, name, conferred, bool(removed), warnings)
            for i, u, p, h, t, code, name, conferred, removed, warnings in query.tuples()]


def refresh_warnings(*, movement, year):
    """Recompute and store the warnings of every candidate of ``movement``/``year``."""
    cands = candidate_records(movement=movement, year=year)
    warnings = compute_warnings(cands, movement=movement, year=year)
    changed = []
    for cand in cands:
        text = json.dumps(warnings.get(cand.id, []), ensure_ascii=False)
        if text != cand.warnings:
            changed.append((text, cand.id))
    if changed:
        from .db import execute_many
        execute_many(
            f"UPDATE {Candidate._meta.table_name} SET warnings = ? WHERE id = ?", changed)
    return len(cands)


def compute_warnings(cands, *, movement, year):
    """{candidate_id: [warning, …]} for ``CandRecord``s, from the records (DOMAIN.md §3);
    warnings never block."""
    active = [c for c in cands if not c.removed]
    sheets = _sheets_by_unit(movement, year)
    share_pct = int(settings.get("collective_ldtt_share") or 70)
    ldtt_people = {c.key[1] for c in active if c.code == LDTT and c.key[0] == PERSON}
    runs = title_runs(year=year, subjects=_listed(movement, year) if len(cands) <= FEW_IDS
                      else None)
    ldtt_people |= {ident for (kind, ident) in title_years(codes=[LDTT], year=year)
                    if kind == PERSON}
    regs = {}        # plain tuples (read_rows): 20,000 rows through peewee's converters ~1 s
    for unit, person, household, state in read_rows(
            Registration.select(Registration.unit, Registration.person, Registration.household,
                                Registration.state)
            .where(Registration.movement == movement, Registration.year == year,
                   Registration.round.is_null())):
        regs[_key(unit, person, household)] = state
    members = defaultdict(int)
    members_ldtt = defaultdict(int)
    for pid, uid in read_rows(Person.select(Person.id, Person.unit)
                              .where(Person.active == True)):  # noqa: E712
        if uid is not None:
            members[uid] += 1
            if pid in ldtt_people:
                members_ldtt[uid] += 1
    counts = defaultdict(int)
    for c in active:
        counts[c.code] += 1
    caps = settings.get("title_caps") or {}
    needed_years = int(settings.get("upward_years") or 2)
    unit_of = _subject_units(movement, year)
    good_bands = _qualifying_bands()
    band_keys, excellent = {}, vntext.fold(EXCELLENT_BAND)

    def band_key(band):                  # a few bands over 20,000 candidates: fold once each
        if band not in band_keys:
            band_keys[band] = vntext.fold(band)
        return band_keys[band]
    from .public_list import candidate_warning, open_counts_for
    commented = open_counts_for(movement=movement, year=year)
    model_notes = exemplary.notes_for({c.key for c in cands}, year=year)  # positive notes
    extra = record_checks(year, [c.key for c in cands])
    out = {}
    for c in cands:
        w = []
        kind, ident = c.key
        code = c.code
        state = regs.get(c.key)
        if state is None:
            w.append(f"Chưa đăng ký thi đua năm {year}.")
        elif state != "accepted":
            w.append("Bản đăng ký thi đua chưa được duyệt.")
        unit_id = unit_of.get(c.key)
        sheet = sheets.get(unit_id) if unit_id else None
        owner = "Đơn vị" if kind == UNIT else ("Đơn vị công tác" if kind == PERSON else "Thôn/tổ")
        if kind == UNIT or unit_id:
            if sheet is None or not sheet.band:
                w.append(f"{owner} chưa có kết quả chấm điểm, xếp loại năm {year}.")
            else:
                if sheet.state != "finalised":
                    w.append(f"Kết quả chấm điểm của {owner.lower()} chưa được chốt.")
                if kind != UNIT and band_key(sheet.band) not in good_bands:
                    w.append(f"{owner} chỉ xếp loại {sheet.band}.")
                if code == TTLDXS and band_key(sheet.band) != excellent:
                    w.append(f"Danh hiệu này cần xếp loại {EXCELLENT_BAND}; đơn vị xếp loại "
                             f"{sheet.band}.")
        if code in SHARE_TITLES and kind == UNIT:
            total, good = members[ident], members_ldtt[ident]
            if total == 0:
                w.append(f"Chưa có danh sách thành viên để kiểm tra tỷ lệ {share_pct} % "
                         "đạt Lao động tiên tiến.")
            elif good * 100 < share_pct * total:
                w.append(f"Chỉ {good}/{total} thành viên ({_pct(good, total)} %) đạt Lao động "
                         f"tiên tiến; cần từ {share_pct} % trở lên.")
        if code == CSTDCS and kind == PERSON and ident not in ldtt_people:
            w.append(f"Chưa có danh hiệu Lao động tiên tiến năm {year} (điều kiện của Chiến sĩ "
                     "thi đua cơ sở).")
        w[:0] = extra.discipline(c.key, code)          # issue 18: most serious first
        if kind == PERSON and code == CSTDCS:
            w += extra.cstdcs(ident)
        cap = caps.get(code) if code else None
        if cap and not c.removed:
            base = counts.get(cap.get("of"), 0)
            limit = math.floor(base * float(cap.get("max_pct", 0)) / 100)
            if counts[code] > limit:
                w.append(f"Số đề nghị '{c.title_name}' ({counts[code]}) vượt giới hạn "
                         f"{cap.get('max_pct')} % của {base} (tối đa {limit}).")
        if c.conferred_by != "commune":
            run = run_years(runs.get(c.key))
            if len(run) < needed_years:
                w.append(f"Đề nghị cấp trên: mới có danh hiệu {format_run(run).lower()}; "
                         f"thường cần {needed_years} năm liên tục.")
        if commented.get(c.id):
            w.append(candidate_warning(commented[c.id]))
        w.extend(model_notes.get(c.key, []))
        out[c.id] = w
    return out


def _subject_units(movement, year):
    """{subject key: its unit (a unit itself, a person's unit, a household's village)} of
    the listed candidates, in one joined query."""
    query = (Candidate.select(Candidate.unit, Candidate.person, Candidate.household,
                              Person.unit, Household.village)
             .join(Person, JOIN.LEFT_OUTER).switch(Candidate)
             .join(Household, JOIN.LEFT_OUTER)
             .where(Candidate.movement == movement, Candidate.year == year))
    out = {}
    for unit, person, household, person_unit, village in read_rows(query):
        key = _key(unit, person, household)
        out[key] = unit if unit is not None else person_unit if person is not None else village
    return out


def _pct(part, whole):
    return vntext.format_decimal(round(100 * part / whole, 1))


# --------------------------------------------------------------------------- look-ups

def candidates(*, movement, year, include_removed=True):
    query = (Candidate.select(Candidate, Title).join(Title)
             .where(Candidate.movement == movement, Candidate.year == year))
    if not include_removed:
        query = query.where(Candidate.removed == False)  # noqa: E712
    return list(query)


def _listed(movement, year):
    """The candidates of ``movement``/``year`` (a query: others join or filter it)."""
    return Candidate.select().where(Candidate.movement == movement, Candidate.year == year)


FEW_IDS = 500          # up to this many ids go to SQL as an IN list; more are filtered here


def vote_results(*, movement, year, ids=None):
    """{candidate id: (votes for, percent, passed)} of each candidate's latest vote at a
    meeting of ``movement``/``year``; ``ids``: only these candidates (after a vote on them)."""
    query = (Vote.select(Vote.candidate, Vote.votes_for, Vote.percent, Vote.passed)
             .join(Candidate).where(Candidate.movement == movement, Candidate.year == year)
             .order_by(Vote.id))
    wanted = None
    if ids is not None:
        ids = list(ids)
        if len(ids) <= FEW_IDS:
            query = query.where(Candidate.id.in_(ids))
        else:
            wanted = set(ids)
    to_percent, percents, out = Vote.percent.python_value, {}, {}
    for cand_id, votes_for, pct, passed in read_rows(query):
        if wanted is not None and cand_id not in wanted:
            continue
        if pct not in percents:           # a meeting's percentages repeat: convert once each
            percents[pct] = to_percent(pct)
        out[cand_id] = (votes_for, percents[pct], bool(passed))
    return out


def candidate_versions(*, movement, year):
    """{candidate id: version} of ``movement``/``year`` (a list refreshed after votes keeps
    saving only over what it shows: issue 20)."""
    return dict(read_rows(Candidate.select(Candidate.id, Candidate.version)
                          .where(Candidate.movement == movement, Candidate.year == year)))


ROW_FIELDS = ("id", "kind", "kind_label", "subject_id", "name", "name_key", "place", "title",
              "title_id", "source", "removed", "reason", "warnings", "years", "years_text",
              "votes_for", "percent", "passed", "version")
ROW = {name: i for i, name in enumerate(ROW_FIELDS)}   # positions in ``candidate_tuples``


def candidate_rows(*, movement, year, include_removed=True, ids=None, history=True,
                   votes=True):
    """Rows for the candidates table as dicts (keys ``ROW_FIELDS``): name, place, title,
    warnings (a list), years, vote result — ``candidate_tuples`` made dicts."""
    warnings = ROW["warnings"]
    out = []
    for row in candidate_tuples(movement=movement, year=year, include_removed=include_removed,
                                ids=ids, history=history, votes=votes):
        r = dict(zip(ROW_FIELDS, row))
        r["warnings"] = list(row[warnings])
        r["years"] = list(row[ROW["years"]])
        out.append(r)
    return out


TABLE_FIELDS = ("id", "kind_label", "name", "place", "title", "warnings_text", "years_text",
                "votes_for", "percent", "passed", "active", "reason", "version")


def candidate_tuples(*, movement, year, include_removed=True, ids=None, history=True,
                     votes=True, table=False, like=None):
    """Rows for the candidates table as tuples of ``ROW_FIELDS`` (warnings and years as
    tuples, shared by rows that have the same).

    One joined query read as plain tuples (names and places from the joined person or
    household), the years in a row from ``title_runs`` (one row per subject), in list order:
    people, units, then households, each kept before removed, by name. SQLite orders people
    and households by their stored collation strings (``collation.name_sort_string``):
    sorting 20,000 Python name keys held the GIL — and so the window — for 0.2–0.5 s.
    ``ids``: only these candidates (the rows an action changed). ``history=False``: no
    award history read (no years) and ``votes=False``: no latest vote read (``vote_rows``
    puts its meeting's own votes in place) — the minutes and the public list print neither.
    ``table``: ``(rows, name keys)`` instead, the rows as the page's table shows them
    (``TABLE_FIELDS``: warnings joined by " • ", active = not removed), made here once rather
    than re-packed from these tuples (21,858 rows: ~0.05 s on the way to the screen); a row
    equal to one of ``like`` (the rows on screen) is that one: a list read again to compare
    does not hold a second copy of every unchanged row (40,000 households: ~15 MB)."""
    listed = _listed(movement, year)
    ids = None if ids is None else list(ids)
    wanted = None
    query = (Candidate.select(Candidate.id, Candidate.unit, Candidate.person,
                              Candidate.household, Candidate.title, Title.name,
                              Candidate.source, Candidate.removed, Candidate.reason,
                              Candidate.warnings, Candidate.version, Person.full_name,
                              Person.unit,
                              Household.head_name, Household.address, Household.village,
                              fn.COALESCE(Person.sort_key, Household.sort_key),
                              fn.COALESCE(Person.name_key, Household.name_key))
             .join(Title).switch(Candidate)
             .join(Person, JOIN.LEFT_OUTER).switch(Candidate)
             .join(Household, JOIN.LEFT_OUTER)
             .where(Candidate.movement == movement, Candidate.year == year)
             .order_by(Candidate.removed,
                       fn.COALESCE(Person.sort_key, Household.sort_key), Candidate.id))
    if not include_removed:
        query = query.where(Candidate.removed == False)  # noqa: E712
    if ids is not None and len(ids) <= FEW_IDS:
        query = query.where(Candidate.id.in_(ids))
        listed = listed.where(Candidate.id.in_(ids))
    elif ids is not None:
        wanted = set(ids)
    found = read_rows(query)
    runs = (title_runs(year=year, subjects=listed if len(found) <= FEW_IDS else None)
            if history else {})
    votes = vote_results(movement=movement, year=year, ids=ids) if votes else {}
    units = units_by_id()
    places = unit_places(units)
    village_places, parsed, years_of = {}, {}, {}     # repeated values: work once each
    labels = {kind: SUBJECT_KINDS[kind] for kind in (PERSON, UNIT, HOUSEHOLD)}
    no_vote = (None, None, None)
    buckets = {PERSON: [], UNIT: [], HOUSEHOLD: []}
    names = {PERSON: [], UNIT: [], HOUSEHOLD: []}     # table: the rows' name keys
    joined = {}                                         # table: warnings text → joined
    same = {row[0]: row for row in like} if table and like else None
    unsorted = set()                    # kinds with a row whose stored sort key is missing
    # each raw row (its sort key, warnings text, a new copy of the title) is released once
    # used, not held beside the rows made from it; titles are kept once for all rows
    # (a page reads the list again while it still shows the old one)
    found.reverse()
    one_title = one_copy()
    while found:
        (ident, unit, person, household, title_id, title, source, removed, reason, warnings,
         version, full_name, person_unit, head_name, address, village, sort_key,
         name_key) = found.pop()
        title = one_title(title)
        if wanted is not None and ident not in wanted:
            continue
        if unit is not None:
            kind, subject = UNIT, unit
            name = units[unit].name if unit in units else "?"
            name_key = units[unit].name_key if unit in units else None
            place = places.get(unit, "")
        elif person is not None:
            kind, subject, name = PERSON, person, full_name or "?"
            place = units[person_unit].name if person_unit in units else ""
        else:
            kind, subject, name = HOUSEHOLD, household, head_name or "?"
            place = village_places.get((address, village))
            if place is None:
                place = village_places[(address, village)] = join_place(
                    address, units[village].name if village in units else "")
        if unit is None and not sort_key:
            unsorted.add(kind)
        if warnings not in parsed:
            parsed[warnings] = tuple(json.loads(warnings or "[]"))
        span = runs.get((kind, subject))
        run = years_of.get(span)
        if run is None:
            years = tuple(run_years(span))
            run = years_of[span] = (years, format_run(years) if years else "")
        vote = votes.get(ident, no_vote)
        if table:
            text = joined.get(warnings)
            if text is None:
                text = joined[warnings] = " • ".join(parsed[warnings])
            row = ((ident, labels[kind], name, place, title, text, run[1]) + vote
                   + (not removed, reason, version))
            if same is not None and same.get(ident) == row:
                row = same[ident]
            buckets[kind].append(row)
            names[kind].append(name_key or vntext.fold(name))
            continue
        buckets[kind].append((
            ident, kind, labels[kind], subject, name, name_key or vntext.fold(name), place,
            title, title_id, source, bool(removed), reason, parsed[warnings]) + run + vote
            + (version,))
    # table rows hold "active" (not removed) where the others hold "removed"
    name_at, removed_at = ((TABLE_FIELDS.index("name"), TABLE_FIELDS.index("active")) if table
                           else (ROW["name"], ROW["removed"]))
    for kind in unsorted | {UNIT}:     # units (dozens) have no stored key; old rows neither
        rows = buckets[kind]
        keys = {name: collation.name_sort_string(name)
                for name in {r[name_at] for r in rows}}
        if table:                      # active (True) first as not removed; names follow
            order = sorted(range(len(rows)),
                           key=lambda i: (not rows[i][removed_at], keys[rows[i][name_at]]))
            buckets[kind] = [rows[i] for i in order]
            names[kind] = [names[kind][i] for i in order]
        else:
            rows.sort(key=lambda r: (r[removed_at], keys[r[name_at]]))
    listed_rows = buckets[PERSON] + buckets[UNIT] + buckets[HOUSEHOLD]
    if table:
        return listed_rows, names[PERSON] + names[UNIT] + names[HOUSEHOLD]
    return listed_rows


def movements_for(year):
    """Movements that cover ``year`` (for choosers)."""
    return list(Movement.select().where(Movement.year_from <= year, Movement.year_to >= year)
                .order_by(Movement.kind, Movement.name))
