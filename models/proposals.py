"""A unit's proposal list (danh sách đề nghị khen thưởng) → candidates of a movement and year.

``plan_proposals(lines, movement=, year=)`` matches every line against the catalogue and the
records and says what would happen, writing nothing. ``import_proposals`` does the same plan
inside one transaction and carries it out: people and households not yet in the records are
created (a clerk receiving a school's list expects its teachers to be added, and the preview
says so row by row), collectives must already exist (the commune's list of units is its
structure; a new unit is refused with a message saying where to add it), candidates are added
or restored, and — when asked — the whole list goes into a draft decision. Any problem in any
line refuses the whole list: nothing is half-imported.
"""
import re
from dataclasses import dataclass, field

from . import catalogue, vntext
from .entities import HOUSEHOLD, PERSON, SUBJECT_KINDS, UNIT, Candidate, Household, Person, \
    Unit
from .errors import NotFound, ValidationError
from .proposal_match import (Directory, TitleMatcher, gender_from_name, parse_kind,
                             strip_salutation)
from .fields import new_uuid
from .service import audit, service

NEW = "new"
SOURCE = "proposal"                # Candidate.source of rows that came from a proposal list
ADD, RESTORE, ALREADY = "add", "restore", "already"
ACTIONS = {ADD: "thêm", RESTORE: "đưa lại vào danh sách", ALREADY: "đã có trong danh sách"}
_SPLIT_TITLES = re.compile(r"\s*[;+]\s*")


@dataclass
class ProposalLine:
    """One row of a proposal list as read from the file (clean NFC text)."""
    number: int
    name: str = ""
    kind_text: str = ""             # "Phân loại" as written
    position: str = ""
    unit: str = ""                  # unit / village / address context as written
    title: str = ""                 # one or more titles, separated by ';' or '+'
    achievement: str = ""
    gender: str | None = None       # "nam" / "nu" when the list says
    birth_year: int | None = None
    section: str | None = None      # kind named by a heading row above ("I. CÁ NHÂN")


@dataclass
class PlanRow:
    """What one line would do: its subject (existing or new), titles and problems."""
    number: int
    kind: str | None = None
    name: str = ""
    subject: tuple | None = None    # (kind, id) of an existing subject
    new: dict | None = None         # fields of a subject to create
    titles: list = field(default_factory=list)     # [(Title, action, candidate id or None)]
    match: str = ""                 # shown in the preview: what the row matched
    problems: list = field(default_factory=list)   # [(field, message)]
    notes: list = field(default_factory=list)
    options: list = field(default_factory=list)    # [(key, label)] the clerk may choose from
    achievement: str = ""

    @property
    def ok(self):
        return not self.problems

    @property
    def status(self):
        if self.problems:
            return "problem"
        return "new" if self.new is not None else "found"


@dataclass
class Plan:
    movement: object
    year: int
    rows: list = field(default_factory=list)

    @property
    def problems(self):
        return [(r.number, f, m) for r in self.rows for f, m in r.problems]

    def count(self, action):
        return sum(1 for r in self.rows if r.ok for _t, a, _c in r.titles if a == action)

    @property
    def new_subjects(self):
        keys = {r.new["key"] for r in self.rows if r.ok and r.new is not None}
        return {kind: sum(1 for k in keys if k[1] == kind) for kind in (PERSON, HOUSEHOLD)}

    def describe(self):
        bad = sum(1 for r in self.rows if not r.ok)
        parts = [f"{len(self.rows)} dòng đề nghị"]
        if bad:
            parts.append(f"{bad} dòng có lỗi")
        parts.append(f"{self.count(ADD) + self.count(RESTORE)} đề nghị sẽ thêm")
        if self.count(ALREADY):
            parts.append(f"{self.count(ALREADY)} đã có trong danh sách")
        new = self.new_subjects
        if new[PERSON]:
            parts.append(f"{new[PERSON]} cá nhân mới sẽ được thêm vào dữ liệu")
        if new[HOUSEHOLD]:
            parts.append(f"{new[HOUSEHOLD]} hộ gia đình mới sẽ được thêm vào dữ liệu")
        return ", ".join(parts) + "."


# --------------------------------------------------------------------------- planning

def plan_proposals(lines, *, movement, year, proposer=None, choices=None):
    """The Plan of ``lines`` (ProposalLine) for ``movement``/``year``; writes nothing.

    ``proposer``: the unit that sent the list (context for rows without a unit, and the unit
    of new people/households). ``choices``: {line number: (kind, id) or (NEW,)} — the
    clerk's pick where a name matched several records or a namesake elsewhere.
    """
    directory, matcher = Directory(), TitleMatcher()
    choices = choices or {}
    existing = {}
    for ident, unit, person, household, title_id, removed in (
            Candidate.select(Candidate.id, Candidate.unit, Candidate.person,
                             Candidate.household, Candidate.title, Candidate.removed)
            .where(Candidate.movement == movement, Candidate.year == year).tuples()):
        kind, sid = ((UNIT, unit) if unit else (PERSON, person) if person
                     else (HOUSEHOLD, household))
        existing[(kind, sid, title_id)] = (ident, bool(removed))
    plan = Plan(movement=movement, year=year)
    seen = {}
    for line in lines:
        row = _plan_line(line, directory, matcher, proposer, choices.get(line.number))
        if row.kind is not None and row.ok:
            who = row.subject or row.new["key"]
            for i, (title, _action, _cid) in enumerate(row.titles):
                key = tuple(who) + (title.id,)
                if key in seen:
                    row.problems.append(("title", f"Trùng với dòng {seen[key]}: cùng đối tượng, "
                                                  f"cùng '{title.name}'; hãy xóa một dòng."))
                    continue
                seen[key] = line.number
                found = existing.get(key) if row.subject else None
                if found is None:
                    row.titles[i] = (title, ADD, None)
                else:
                    row.titles[i] = (title, RESTORE if found[1] else ALREADY, found[0])
        plan.rows.append(row)
    return plan


def _plan_line(line, directory, matcher, proposer, choice):
    row = PlanRow(number=line.number, achievement=line.achievement)
    kind = None
    if line.kind_text:
        kind = parse_kind(line.kind_text)
        if kind is None:
            row.problems.append(("kind", f"Phân loại '{line.kind_text}' không rõ; hãy ghi Cá "
                                         "nhân, Tập thể hoặc Hộ gia đình (hoặc CANHAN, TAPTHE, "
                                         "HOGIADINH)."))
    else:
        kind = line.section
    texts = [t for t in _SPLIT_TITLES.split(line.title or "") if t]
    if not texts:
        row.problems.append(("title", "Chưa ghi danh hiệu/hình thức đề nghị."))
    if not line.name:
        row.problems.append(("name", "Chưa ghi họ tên (hoặc tên tập thể, tên chủ hộ)."))
    if kind is None and not line.kind_text and texts:
        kinds = {t.subject_kind for t in matcher.candidates(texts[0])}
        if len(kinds) == 1:
            kind = kinds.pop()
    if kind is None and not row.problems:
        row.problems.append(("kind", "Không rõ là cá nhân, tập thể hay hộ gia đình; hãy thêm cột "
                                     "Phân loại, hoặc dòng tiêu đề nhóm (I. Cá nhân, II. Tập "
                                     "thể, III. Hộ gia đình) phía trên."))
    row.kind = kind
    for text in texts:
        title, why = matcher.find(text, kind)
        if title is None:
            row.problems.append(("title", why))
        else:
            row.titles.append((title, ADD, None))
    if kind is None or not line.name:
        return row
    name, hint = strip_salutation(line.name, kind)
    if name != line.name and kind != UNIT:
        # "Ông Văn Tùng" may be a family name Ông: a record with the whole name wins
        named = directory.people_named if kind == PERSON else directory.households_named
        if named(line.name) and not named(name):
            name, hint = line.name, None
    row.name = name
    resolve = {PERSON: _resolve_person, HOUSEHOLD: _resolve_household, UNIT: _resolve_unit}[kind]
    resolve(row, line, name, hint, directory, proposer, choice)
    if row.subject and kind == UNIT:
        unit = directory.units[row.subject[1]]
        for title, _a, _c in row.titles:
            if not catalogue.title_allows(title, subject_kind=UNIT, unit_kind_code=unit.kind.code):
                row.problems.append(("title", f"'{title.name}' không dành cho "
                                              f"{unit.kind.name.lower()} '{unit.name}' (theo "
                                              "danh mục)."))
    return row


def _context(directory, line, proposer):
    """(unit, why): the unit the line's 'Đơn vị' names (or the proposer when empty)."""
    if not line.unit:
        return proposer, None
    found = directory.find_units(line.unit, within=proposer)
    if not found:
        # "Giáo viên, Trường TH Tân Lập" or "Tổ Toán - Trường TH …": try the parts, last first
        for part in reversed(re.split(r"\s*(?:,|;| - | – )\s*", line.unit)):
            found = directory.find_units(part, within=proposer) if part else []
            if found:
                break
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, (f"Không có đơn vị/thôn '{line.unit}' trong dữ liệu; hãy sửa tên cho đúng "
                      "hoặc thêm đơn vị ở trang Đơn vị & cá nhân.")
    return None, (f"Có {len(found)} đơn vị tên '{line.unit}' ("
                  + "; ".join(directory.unit_full_label(u) for u in found) + "); hãy ghi rõ hơn.")


def _pick(pool, line, ctx_ids, index_unit):
    """Records of ``pool`` that fit the line: inside the context unit, same birth year, active."""
    fit = [r for r in pool if r[index_unit] in ctx_ids] if ctx_ids is not None else list(pool)
    if line.birth_year:
        same = [r for r in fit if r[4] == line.birth_year]
        fit = same or [r for r in fit if r[4] is None]
    active = [r for r in fit if r[5]]
    return active or fit


def _apply_choice(row, choice, options):
    """True when the clerk's choice decided the row (an existing record)."""
    if choice is None or tuple(choice) == (NEW,):
        return False
    labels = dict(options)
    if tuple(choice) not in labels:
        row.problems.append(("name", "Lựa chọn đối tượng cho dòng này không còn đúng; hãy chọn "
                                     "lại."))
        return True
    row.subject = tuple(choice)
    row.match = f"Đã chọn: {labels[tuple(choice)]}"
    return True


def _resolve_person(row, line, name, hint, d, proposer, choice):
    _resolve_named(row, line, name, hint, d, proposer, choice, kind=PERSON,
                   pool=d.people_named(name), label=d.person_label, noun="người")


def _resolve_household(row, line, name, hint, d, proposer, choice):
    _resolve_named(row, line, name, hint, d, proposer, choice, kind=HOUSEHOLD,
                   pool=d.households_named(name), label=d.household_label, noun="hộ")


def _resolve_named(row, line, name, hint, d, proposer, choice, *, kind, pool, label, noun):
    ctx, why = _context(d, line, proposer)
    fit = _pick(pool, line, d.subtree(ctx) if ctx is not None else None, 3)
    if ctx is None and why:          # a unit was written but not found: match by name only
        fit = _pick(pool, line, None, 3)
    options = [((kind, r[0]), label(r)) for r in (fit if len(fit) > 1 else pool)]
    if ctx is not None and not why:
        options.append(((NEW,), f"Thêm {SUBJECT_KINDS[kind].lower()} mới '{name}' vào "
                                f"{ctx.name}"))
    # offered only where a choice means something: several namesakes, or one elsewhere
    worth = len(pool) > 1 or (pool and len(fit) != 1) or choice is not None
    row.options = options if worth and len(options) > 1 else []
    if _apply_choice(row, choice, options):
        return
    if choice is None and len(fit) == 1:
        r = fit[0]
        row.subject = (kind, r[0])
        row.match = label(r)
        if why:
            row.notes.append(why.split(";")[0] + "; đã khớp theo tên.")
        return
    if choice is None and len(fit) > 1:
        row.problems.append(("name", f"Có {len(fit)} {noun} tên '{name}': "
                                     + "; ".join(label(r) for r in fit)
                                     + ". Hãy ghi thêm năm sinh hoặc đơn vị, hoặc chọn đúng đối "
                                     "tượng khi xem trước."))
        return
    # a new subject
    if ctx is None:
        row.problems.append(("unit", why or (
            f"Chưa có '{name}' trong dữ liệu; để thêm mới cần biết "
            + ("đơn vị" if kind == PERSON else "thôn/tổ dân phố")
            + ": hãy ghi cột Đơn vị hoặc chọn đơn vị gửi danh sách.")))
        return
    if kind == HOUSEHOLD and not ctx.kind.is_village:
        row.problems.append(("unit", f"Chưa có hộ '{name}' trong dữ liệu; hộ mới phải thuộc một "
                                     f"thôn/tổ dân phố, '{ctx.name}' không phải thôn/tổ dân phố."))
        return
    gender, guessed = line.gender or hint, False
    if gender is None:
        gender, guessed = gender_from_name(name), True
    if gender is None:
        row.problems.append(("name", f"Chưa có '{name}' trong dữ liệu; để thêm mới cần giới tính: "
                                     "hãy thêm cột Giới tính (Nam/Nữ) hoặc ghi 'Ông'/'Bà' trước "
                                     "tên."))
        return
    row.new = {"kind": kind, "name": name, "gender": gender, "birth_year": line.birth_year,
               "unit": ctx, "position": line.position if kind == PERSON else "",
               "key": (NEW, kind, vntext.fold(name), ctx.id, line.birth_year)}
    row.match = (f"Mới: sẽ thêm {SUBJECT_KINDS[kind].lower()} vào {ctx.name}")
    if guessed:
        row.notes.append("Giới tính đoán theo tên đệm ("
                         + ("'Thị' → Nữ" if gender == "nu" else "'Văn' → Nam")
                         + "); hãy kiểm tra.")
    if pool:
        row.notes.append("Có " + noun + " cùng tên ở nơi khác: "
                         + "; ".join(label(r) for r in pool[:3])
                         + ". Nếu là cùng một đối tượng, hãy chọn khi xem trước.")


def _resolve_unit(row, line, name, hint, d, proposer, choice):
    ctx, why = _context(d, line, proposer)
    found = d.find_units(name, within=ctx)
    options = [((UNIT, u.id), d.unit_full_label(u)) for u in found]
    row.options = options if len(options) > 1 else []
    if _apply_choice(row, choice, options):
        return
    if len(found) == 1:
        row.subject = (UNIT, found[0].id)
        row.match = d.unit_full_label(found[0])
    elif found:
        row.problems.append(("name", f"Có {len(found)} đơn vị tên '{name}': "
                                     + "; ".join(label for _k, label in options)
                                     + ". Hãy ghi rõ đơn vị cấp trên ở cột Đơn vị, hoặc chọn khi "
                                     "xem trước."))
    else:
        row.problems.append(("name", f"Chưa có đơn vị '{name}' trong dữ liệu. Tập thể phải có sẵn "
                                     "trong danh sách đơn vị: hãy thêm ở trang Đơn vị & cá nhân "
                                     "(hoặc nhập danh sách đơn vị) rồi nhập lại danh sách đề "
                                     "nghị."))


# --------------------------------------------------------------------------- import

@dataclass
class ProposalResult:
    added: int = 0
    restored: int = 0
    already: int = 0
    new_people: int = 0
    new_households: int = 0
    to_decision: int = 0
    candidate_ids: list = field(default_factory=list)

    def summary(self, *, movement, year, decision_label=None):
        text = (f"Đã thêm {self.added + self.restored} đề nghị vào danh sách bình xét của "
                f"'{movement.name}' năm {year}")
        extra = []
        if self.already:
            extra.append(f"{self.already} đề nghị đã có từ trước")
        if self.new_people:
            extra.append(f"thêm {self.new_people} cá nhân mới vào dữ liệu")
        if self.new_households:
            extra.append(f"thêm {self.new_households} hộ gia đình mới vào dữ liệu")
        if decision_label:
            extra.append(f"{self.to_decision} dòng vào dự thảo {decision_label}")
        return text + (" (" + "; ".join(extra) + ")" if extra else "") + "."


def _where(number, fld):
    return f"Dòng {number}"


def problem_lines(plan, locate=None):
    locate = locate or _where
    return [f"{locate(n, f)}: {m}" for n, f, m in plan.problems]


def _check_decision(decision, movement, year):
    if decision.state != "draft":
        raise ValidationError("Chỉ thêm được vào quyết định đang là dự thảo.")
    if decision.movement_id is not None and decision.movement_id != movement.id:
        raise ValidationError("Dự thảo quyết định đã chọn thuộc phong trào khác; hãy chọn dự "
                              "thảo của phong trào này.")
    period = decision.period_year or decision.year
    if period != year:
        raise ValidationError(f"Dự thảo quyết định khen thưởng cho năm {period}, còn danh sách "
                              f"đề nghị là năm {year}; hãy chọn cho đúng.")


@service("clerk")
def import_proposals(*, actor, lines, movement, year, proposer=None, choices=None,
                     decision=None, source="", locate=None):
    """Plan ``lines`` and, when no line has a problem, carry the plan out in this transaction.

    Raises ValidationError (details: one line per problem, located by ``locate(number,
    field)``) and writes nothing otherwise. Returns a ProposalResult.
    """
    if decision is not None:
        _check_decision(decision, movement, year)
    plan = plan_proposals(lines, movement=movement, year=year, proposer=proposer,
                          choices=choices)
    problems = plan.problems
    if problems:
        bad = len({n for n, _f, _m in problems})
        raise ValidationError(
            f"Danh sách đề nghị có {len(problems)} lỗi ở {bad} dòng; chưa nhập gì. Hãy sửa tệp "
            "(hoặc chọn đối tượng khi xem trước) rồi nhập lại.",
            details=problem_lines(plan, locate))
    if not plan.rows:
        raise ValidationError("Danh sách không có dòng đề nghị nào; chưa nhập gì.")
    result = ProposalResult()
    created = {}
    where = f" ({source})" if source else ""
    to_add, wanted = [], []
    for row in plan.rows:
        if row.new is not None:
            key = row.new["key"]
            if key not in created:
                created[key] = _new_subject_row(row.new)
            kind, ident = row.kind, key
        else:
            kind, ident = row.subject
        reason = f"Theo danh sách đề nghị{where}, dòng {row.number}."
        for title, action, cand_id in row.titles:
            wanted.append((kind, ident, title.id))
            if action == ADD:
                to_add.append({"uuid": new_uuid(), "movement": movement.id, "year": year,
                               "title": title.id, "source": SOURCE, "reason": reason,
                               "achievement": row.achievement, "unit": None, "person": None,
                               "household": None, kind: ident})
            elif action == RESTORE:
                cand = Candidate.get_by_id(cand_id)
                cand.removed, cand.reason = False, reason
                if row.achievement:
                    cand.achievement = row.achievement
                cand.save()
                result.restored += 1
            else:
                result.already += 1
    new_ids = _store_subjects(created)
    for rec in to_add:
        for kind in (PERSON, HOUSEHOLD):
            if isinstance(rec[kind], tuple):
                rec[kind] = new_ids[rec[kind]]
    wanted = [(k, new_ids[i] if isinstance(i, tuple) else i, t) for k, i, t in wanted]
    _bulk_insert(Candidate, to_add)
    result.added = len(to_add)
    ids = {}
    for ident, unit, person, household, title_id in (
            Candidate.select(Candidate.id, Candidate.unit, Candidate.person,
                             Candidate.household, Candidate.title)
            .where(Candidate.movement == movement, Candidate.year == year).tuples()):
        kind, sid = ((UNIT, unit) if unit else (PERSON, person) if person
                     else (HOUSEHOLD, household))
        ids[(kind, sid, title_id)] = ident
    result.candidate_ids = [ids[k] for k in wanted]
    by_kind = {PERSON: [], HOUSEHOLD: []}
    for key, ident in new_ids.items():
        by_kind[key[1]].append(ident)
    result.new_people, result.new_households = len(by_kind[PERSON]), len(by_kind[HOUSEHOLD])
    from .candidates import refresh_warnings
    refresh_warnings(movement=movement, year=year)
    if decision is not None:
        from .decisions import add_candidates
        chosen = list(Candidate.select().where(Candidate.id.in_(result.candidate_ids)))
        result.to_decision = add_candidates(actor=actor, decision=decision, candidates=chosen)
    audit(actor, "import_proposals", "candidate", new={
        "source": source, "movement": movement.id, "year": year,
        "proposer": proposer.id if proposer is not None else None,
        "decision": decision.id if decision is not None else None,
        "added": result.added, "restored": result.restored, "already": result.already,
        "new_people": result.new_people, "new_households": result.new_households,
        "to_decision": result.to_decision, "new_person_ids": by_kind[PERSON],
        "new_household_ids": by_kind[HOUSEHOLD]})
    return result


def draft_decisions_for(movement, year):
    """Draft award decisions a proposal list of ``movement``/``year`` may go into."""
    from peewee import fn

    from .entities import Decision
    return list(Decision.select()
                .where(Decision.state == "draft", Decision.kind == "award",
                       fn.COALESCE(Decision.period_year, Decision.year) == year,
                       (Decision.movement == movement) | Decision.movement.is_null())
                .order_by(Decision.date.desc(), Decision.id.desc()))


def batch_targets(*, movement_id, year=None, unit_name=None, decision_id=None):
    """(movement, year, proposer unit or None, decision or None) from a batch command's
    arguments; NotFound / ValidationError in Vietnamese when one is wrong."""
    from .entities import Decision, Movement
    movement = Movement.get_or_none(Movement.id == movement_id)
    if movement is None:
        raise NotFound(f"Không có phong trào số {movement_id}; xem danh sách bằng lệnh: "
                       "main.py list movements")
    if year is None:
        if movement.year_from != movement.year_to:
            raise ValidationError(f"Phong trào '{movement.name}' kéo dài từ {movement.year_from} "
                                  f"đến {movement.year_to}; hãy ghi năm bình xét: --year NĂM")
        year = movement.year_from
    unit = None
    if unit_name:
        found = Directory().find_units(vntext.clean_text(unit_name))
        if not found:
            raise NotFound(f"Không có đơn vị '{unit_name}'; xem danh sách bằng lệnh: main.py "
                           "list units")
        if len(found) > 1:
            raise ValidationError(f"Có {len(found)} đơn vị tên '{unit_name}'; hãy ghi tên đầy "
                                  "đủ hơn.")
        unit = found[0]
    decision = None
    if decision_id is not None:
        decision = Decision.get_or_none(Decision.id == decision_id)
        if decision is None:
            raise NotFound(f"Không có quyết định số {decision_id}; xem danh sách bằng lệnh: "
                           "main.py list decisions")
    return movement, year, unit, decision


def _new_subject_row(new):
    """The row of a new person or household (names already checked by the reader)."""
    from .collation import name_sort_string
    name = vntext.validate_name(new["name"], label="Họ và tên")
    row = dict(uuid=new_uuid(), name_key=vntext.fold(name), sort_key=name_sort_string(name),
               gender=new["gender"], birth_year=new["birth_year"])
    if new["kind"] == PERSON:
        row.update(full_name=name, position=new["position"], unit=new["unit"].id)
    else:
        row.update(head_name=name, village=new["unit"].id)
    return row


def _store_subjects(created):
    """Insert the new people and households in batches; {new key: id}."""
    out = {}
    for kind, model in ((PERSON, Person), (HOUSEHOLD, Household)):
        keys = [k for k in created if k[1] == kind]
        rows = [created[k] for k in keys]
        _bulk_insert(model, rows)
        by_uuid = {}
        uuids = [r["uuid"] for r in rows]
        for start in range(0, len(uuids), 500):
            by_uuid.update(model.select(model.uuid, model.id)
                           .where(model.uuid.in_(uuids[start:start + 500])).tuples())
        out.update({k: by_uuid[r["uuid"]] for k, r in zip(keys, rows)})
    return out


def _bulk_insert(model, rows):
    """INSERT ``rows`` with one prepared statement (``models.bulk``)."""
    from .bulk import insert_rows
    insert_rows(model, rows)
