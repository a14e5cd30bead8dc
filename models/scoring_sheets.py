"""Score sheets (phiếu chấm điểm): saving points, the state machine, totals/bands/ranks.

States: draft → submitted → checked → finalised. Self points change only in a draft;
checked points only while submitted or checked; a finalised sheet does not change at all
(a leader may reopen it with a reason, audited). Totals, bands and ranks (within each bloc,
per table) are recomputed with ``scoring_calc`` after every change.
"""
import datetime
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from .db import db
from .entities import (AuditLog, Commitment, CriteriaSet, Criterion, Registration, Score,
                       ScoreSheet, Target, Unit, UnitKind)
from .errors import ConflictError, NotFound, ValidationError
from .scoring_calc import (GROUP, PROPORTIONAL, SCORED, Board, PointsError,
                           compute, deduction_count, effective, fmt_points,
                           parse_points as calc_parse, proportional_points, rank)
from .service import audit, service

__all__ = [
    "STATES", "DRAFT", "SUBMITTED", "CHECKED", "FINALISED", "GridData", "SheetRow",
    "load_grid", "save_scores", "save_grid_changes", "submit_sheet", "return_sheet",
    "check_sheet", "finalise_sheet", "finalise_checked", "reopen_sheet", "ensure_sheets",
    "eligible_units", "recompute_set", "sheets_for", "unit_results", "sheet_lines",
    "proportional_suggestions", "fill_proportional", "bloc_map", "sheet_of",
]

DRAFT, SUBMITTED, CHECKED, FINALISED = "draft", "submitted", "checked", "finalised"
STATES = {DRAFT: "Đang chấm", SUBMITTED: "Đã nộp", CHECKED: "Đã thẩm định",
          FINALISED: "Đã chốt"}


def _text(value, label, max_len=2000):
    value = " ".join(unicodedata.normalize("NFC", str(value or "")).split())
    if len(value) > max_len:
        raise ValidationError(f"{label} dài quá {max_len} ký tự.")
    return value


def _pts(v):
    """Stored integer hundredths → Decimal with 2 places."""
    return None if v is None else Decimal(v).scaleb(-2)


def _sort_key(text):
    try:
        from .vntext import text_sort_key
        return text_sort_key(text)
    except ImportError:  # vntext still landing: plain folded order
        folded = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
        return "".join(c for c in folded if unicodedata.category(c) != "Mn")


# --------------------------------------------------------------------------- units and blocs

def bloc_map():
    """{unit_id: (bloc_id, bloc_name)} — the nearest ancestor that is a bloc/cluster."""
    rows = db.execute_sql(
        "SELECT u.id, u.parent_id, u.name, k.is_bloc FROM unit u "
        "JOIN unit_kind k ON k.id = u.kind_id").fetchall()
    info = {r[0]: r for r in rows}
    out = {}
    for uid, parent, _name, _b in rows:
        node, seen = parent, set()
        while node is not None and node not in seen:
            seen.add(node)
            n = info.get(node)
            if n is None:
                node = None
                break
            if n[3]:
                break
            node = n[1]
        out[uid] = (node, info[node][2]) if node is not None else (None, "")
    return out


def _kind_family(kind):
    if kind is None:
        return None
    if kind.is_village:
        return "village"
    if kind.is_bloc:
        return "bloc"
    if kind.code == "xa":
        return "commune"
    return "other"


def eligible_units(cs):
    """Active units a table applies to: same family of kind (villages / offices, schools…)."""
    family = _kind_family(cs.unit_kind)
    units = Unit.select(Unit, UnitKind).join(UnitKind).where(Unit.active == True)  # noqa: E712
    out = [u for u in units if (_kind_family(u.kind) == family if family
                                else _kind_family(u.kind) in ("village", "other"))]
    return sorted(out, key=lambda u: _sort_key(u.name))


@service("clerk")
def ensure_sheets(*, actor, criteria_set, units=None):
    """Create a draft sheet for each unit that has none yet; returns how many were created."""
    units = eligible_units(criteria_set) if units is None else list(units)
    have = {s.unit_id for s in ScoreSheet.select(ScoreSheet.unit)
            .where(ScoreSheet.criteria_set == criteria_set)}
    new = [u for u in units if u.id not in have]
    for u in new:
        sheet = ScoreSheet.create(criteria_set=criteria_set, unit=u)
        audit(actor, "create_score_sheet", sheet, new={"unit": u.id,
                                                        "criteria_set": criteria_set.id})
    return len(new)


def sheet_of(criteria_set, unit):
    sheet = ScoreSheet.get_or_none((ScoreSheet.criteria_set == criteria_set)
                                   & (ScoreSheet.unit == unit))
    if sheet is None:
        raise NotFound(f"{unit.name} chưa có phiếu chấm điểm theo bảng '{criteria_set.name}'.")
    return sheet


# --------------------------------------------------------------------------- grid data

@dataclass
class SheetRow:
    sheet_id: int
    unit_id: int
    name: str
    bloc_id: int
    bloc_name: str
    state: str


@dataclass
class GridData:
    """Everything the grid shows for one table, loaded in three queries."""
    criteria_set_id: int
    spec: object
    rows: list
    self_values: list
    checked_values: list
    evidence: list = field(default_factory=list)   # per row {col: text}
    reasons: list = field(default_factory=list)    # per row {col: text}

    def values(self, mode):
        if mode == "self":
            return self.self_values
        return [effective(s, c) for s, c in zip(self.self_values, self.checked_values)]

    def board(self, mode):
        return Board(self.spec, [(r.sheet_id, r.bloc_id) for r in self.rows], self.values(mode))


def load_grid(cs, spec=None):
    from .scoring import spec_for
    spec = spec or spec_for(cs)
    blocs = bloc_map()
    sheets = db.execute_sql(
        "SELECT s.id, s.unit_id, u.name, s.state FROM score_sheet s "
        "JOIN unit u ON u.id = s.unit_id WHERE s.criteria_set_id = " + db.param, (cs.id,)).fetchall()
    rows = [SheetRow(sid, uid, name, *blocs.get(uid, (None, "")), state)
            for sid, uid, name, state in sheets]
    rows.sort(key=lambda r: (_sort_key(r.bloc_name), _sort_key(r.name)))
    pos = {r.sheet_id: i for i, r in enumerate(rows)}
    n = len(spec.leaves)
    self_v = [[None] * n for _ in rows]
    checked_v = [[None] * n for _ in rows]
    evidence = [{} for _ in rows]
    reasons = [{} for _ in rows]
    col = spec.index
    for sid, cid, sp, cp, ev, rs in db.execute_sql(
            "SELECT sc.sheet_id, sc.criterion_id, sc.self_points, sc.checked_points, "
            "sc.evidence, sc.reason FROM score sc JOIN score_sheet s ON s.id = sc.sheet_id "
            "WHERE s.criteria_set_id = " + db.param, (cs.id,)):
        r, c = pos.get(sid), col.get(cid)
        if r is None or c is None:
            continue
        self_v[r][c] = _pts(sp)
        checked_v[r][c] = _pts(cp)
        if ev:
            evidence[r][c] = ev
        if rs:
            reasons[r][c] = rs
    return GridData(cs.id, spec, rows, self_v, checked_v, evidence, reasons)


# --------------------------------------------------------------------------- recompute

def recompute_set(cs, spec=None):
    """Store self total, total, band and rank of every sheet of a table (ranks per bloc)."""
    grid = load_grid(cs, spec)
    spec = grid.spec
    self_res = [compute(spec, v) for v in grid.self_values]
    eff_res = [compute(spec, v) for v in grid.values("checked")]
    groups = {}
    for i, row in enumerate(grid.rows):
        groups.setdefault(row.bloc_id, {})[i] = eff_res[i]
    ranks = {}
    for members in groups.values():
        ranks.update(rank(spec, members))
    current = {s.id: s for s in ScoreSheet.select(
        ScoreSheet.id, ScoreSheet.state, ScoreSheet.self_total, ScoreSheet.total,
        ScoreSheet.band, ScoreSheet.rank).where(ScoreSheet.criteria_set == cs)}
    for i, row in enumerate(grid.rows):
        s = current[row.sheet_id]
        # A finalised sheet's scores cannot change, so neither can its total; its rank is
        # what was announced when it was finalised, also when a reopened sheet of the same
        # bloc changes later (issue 13).
        frozen = s.state == FINALISED and s.rank is not None
        new = (self_res[i].total, eff_res[i].total, eff_res[i].band,
               s.rank if frozen else ranks.get(i))
        if (s.self_total, s.total, s.band, s.rank) != new:
            ScoreSheet.update(self_total=new[0], total=new[1], band=new[2], rank=new[3]).where(
                ScoreSheet.id == s.id).execute()
    return grid


# --------------------------------------------------------------------------- saving

def _fresh(sheet):
    fresh = ScoreSheet.get_or_none(ScoreSheet.id == getattr(sheet, "id", sheet))
    if fresh is None:
        raise NotFound("Phiếu chấm điểm không còn trong dữ liệu.")
    return fresh


def _unit_name(sheet):
    return sheet.unit.name if sheet.unit_id else "đối tượng"


def _apply(actor, sheet, changes, crits):
    """Apply one sheet's changes; returns (old, new) dicts for the audit row."""
    existing = {s.criterion_id: s for s in Score.select().where(Score.sheet == sheet)}
    if isinstance(changes, dict):
        changes = [{"criterion": k, **v} for k, v in changes.items()]
    old_log, new_log = {}, {}
    for change in changes:
        cid = change["criterion"]
        cid = getattr(cid, "id", cid)
        crit = crits.get(cid)
        if crit is None:
            raise NotFound(f"Tiêu chí số {cid} không thuộc bảng của phiếu này.")
        if crit.method == GROUP:
            raise ValidationError(f"{crit.code} là nhóm tiêu chí; không chấm trực tiếp.")
        score = existing.get(cid) or Score(sheet=sheet, criterion=cid)
        before = (score.self_points, score.checked_points, score.evidence, score.reason)
        where = f"{_unit_name(sheet)}, tiêu chí {crit.code}"
        _check_unchanged(sheet, score, change.get("was") or {}, where)
        if "self_points" in change:
            if sheet.state != DRAFT:
                raise ConflictError(
                    f"{where}: phiếu {STATES[sheet.state].lower()}, không sửa được điểm tự "
                    "chấm. Hãy trả lại phiếu để đơn vị chấm lại.")
            score.self_points = _parse(change["self_points"], crit, where)
        if "checked_points" in change:
            if sheet.state not in (SUBMITTED, CHECKED):
                raise ConflictError(
                    f"{where}: chỉ thẩm định được phiếu đã nộp (phiếu đang ở trạng thái "
                    f"'{STATES[sheet.state]}').")
            score.checked_points = _parse(change["checked_points"], crit, where)
        if "evidence" in change:
            score.evidence = _text(change["evidence"], "Minh chứng")
        if "reason" in change:
            score.reason = _text(change["reason"], "Lý do")
        _require_reason(score, crit, where)
        value = score.checked_points if score.checked_points is not None else score.self_points
        score.count = deduction_count(value, crit)
        after = (score.self_points, score.checked_points, score.evidence, score.reason)
        if after != before:
            score.save()
            existing[cid] = score
            keys = ("self", "checked", "evidence", "reason")
            old_log[crit.code] = {k: v for k, v, w in zip(keys, before, after) if v != w}
            new_log[crit.code] = {k: w for k, v, w in zip(keys, before, after) if v != w}
    return old_log, new_log


def _check_unchanged(sheet, score, was, where):
    """The cell as the clerk saw it must still be what is stored: another PC's score
    typed meanwhile is never silently overwritten (``was``: {field: value loaded}; the
    evidence and reason notes as text)."""
    for name, seen in was.items():
        stored = getattr(score, name)
        if name in NOTES:
            if _text(seen, NOTES[name]) == (stored or ""):
                continue
            raise ConflictError(
                f"{where}: {NOTES[name].lower()} vừa được sửa trên máy khác{_who(sheet)} (nay "
                f"là «{stored or 'trống'}», khi bạn mở thì là «{_text(seen, '') or 'trống'}»)."
                " Ghi chú của bạn CHƯA được lưu và vẫn còn trong ô nhập — hãy xem lại rồi "
                "lưu lại.")
        if (None if seen in (None, "") else Decimal(str(seen))) == stored:
            continue
        who = _who(sheet)
        raise ConflictError(
            f"{where}: điểm vừa được sửa trên máy khác{who} (nay là "
            f"{'trống' if stored is None else fmt_points(stored)}, khi bạn nhập thì là "
            f"{'trống' if seen in (None, '') else fmt_points(Decimal(str(seen)))}). Chưa lưu "
            "các ô vừa nhập của lần này; bảng nạp lại điểm mới nhất — hãy xem lại rồi nhập lại.")


NOTES = {"evidence": "Minh chứng", "reason": "Lý do"}


def _who(sheet):
    last = (AuditLog.select(AuditLog.username, AuditLog.at)
            .where((AuditLog.entity == "score_sheet") & (AuditLog.entity_id == sheet.id))
            .order_by(AuditLog.id.desc()).first())
    return f" bởi {last.username} lúc {last.at:%H:%M ngày %d/%m/%Y}" if last else ""


def _parse(value, crit, where):
    try:
        return calc_parse(value, crit)
    except PointsError as err:
        raise ValidationError(f"{_unit_name_prefix(where)}{err}", field="points")


def _unit_name_prefix(where):
    return where.split(", tiêu chí")[0] + ": "


def _require_reason(score, crit, where):
    if (score.checked_points is not None and score.self_points is not None
            and score.checked_points != score.self_points and not score.reason):
        raise ValidationError(
            f"{where}: điểm thẩm định {fmt_points(score.checked_points)} khác điểm tự chấm "
            f"{fmt_points(score.self_points)}; hãy ghi lý do thay đổi.", field="reason")


def _crits(cs_id):
    return {c.id: c for c in Criterion.select().where(Criterion.criteria_set == cs_id)}


@service("clerk")
def save_scores(*, actor, sheet, changes):
    """Save changed cells of one sheet in one transaction, then recompute totals and ranks.

    ``changes``: [{"criterion": id, "self_points"?, "checked_points"?, "evidence"?,
    "reason"?, "was"?}] (points as typed text or Decimal; None or "" clears; ``was``:
    {field: value the clerk saw} — refused when the stored value changed meanwhile).
    """
    sheet = _fresh(sheet)
    _refuse_finalised(sheet)
    old, new = _apply(actor, sheet, changes, _crits(sheet.criteria_set_id))
    if new:
        ScoreSheet.update(updated_at=datetime.datetime.now().replace(microsecond=0)).where(
            ScoreSheet.id == sheet.id).execute()
        audit(actor, "save_scores", sheet, old=old, new=new)
        recompute_set(sheet.criteria_set)
    return _fresh(sheet)


@service("clerk")
def save_grid_changes(*, actor, changes):
    """Changes of many sheets (a pasted block) in ONE transaction: {sheet_id: [change]}."""
    touched = set()
    crits = {}
    for sheet_id, sheet_changes in changes.items():
        sheet = _fresh(sheet_id)
        _refuse_finalised(sheet)
        if sheet.criteria_set_id not in crits:
            crits[sheet.criteria_set_id] = _crits(sheet.criteria_set_id)
        old, new = _apply(actor, sheet, sheet_changes, crits[sheet.criteria_set_id])
        if new:
            audit(actor, "save_scores", sheet, old=old, new=new)
            touched.add(sheet.criteria_set_id)
    for cs_id in touched:
        recompute_set(CriteriaSet.get_by_id(cs_id))
    return len(touched)


def _refuse_finalised(sheet):
    if sheet.state == FINALISED:
        raise ConflictError(
            f"Phiếu chấm điểm của {_unit_name(sheet)} đã chốt, không sửa được. "
            "Lãnh đạo có thể mở lại phiếu (ghi rõ lý do).")


# --------------------------------------------------------------------------- state machine

def _move(actor, sheet, allowed_from, to, action, reason=None):
    sheet = _fresh(sheet)
    if sheet.state not in allowed_from:
        raise ConflictError(
            f"Phiếu của {_unit_name(sheet)} đang ở trạng thái '{STATES[sheet.state]}', "
            f"không chuyển sang '{STATES[to]}' được.")
    old = sheet.state
    sheet.state = to
    sheet.updated_at = datetime.datetime.now().replace(microsecond=0)
    sheet.save()
    audit(actor, action, sheet, old={"state": old}, new={"state": to}, reason=reason)
    return sheet


def _scores(sheet):
    return {s.criterion_id: s for s in Score.select().where(Score.sheet == sheet)}


@service("clerk")
def submit_sheet(*, actor, sheet):
    """Draft → submitted: every scored criterion needs a self score (bonus/deduction may be
    blank = 0)."""
    sheet = _fresh(sheet)
    scores = _scores(sheet)
    missing = [c.code for c in _crits(sheet.criteria_set_id).values()
               if c.method in SCORED and (scores.get(c.id) is None
                                          or scores[c.id].self_points is None)]
    if missing and sheet.state == DRAFT:
        raise ValidationError(
            f"{_unit_name(sheet)} chưa tự chấm {len(missing)} tiêu chí: "
            f"{', '.join(sorted(missing)[:10])}. Hãy chấm đủ rồi nộp.", details=missing)
    return _move(actor, sheet, (DRAFT,), SUBMITTED, "submit_sheet")


@service("clerk")
def return_sheet(*, actor, sheet, reason):
    """Submitted/checked → draft so the unit can correct its self scores."""
    reason = _text(reason, "Lý do")
    if not reason:
        raise ValidationError("Hãy ghi lý do trả lại phiếu.", field="reason")
    return _move(actor, sheet, (SUBMITTED, CHECKED), DRAFT, "return_sheet", reason)


@service("clerk")
def check_sheet(*, actor, sheet, checker=""):
    """Submitted → checked: criteria without a checked score take the self score."""
    sheet = _fresh(sheet)
    if sheet.state != SUBMITTED:
        return _move(actor, sheet, (SUBMITTED,), CHECKED, "check_sheet")
    crits = _crits(sheet.criteria_set_id)
    for s in _scores(sheet).values():
        _require_reason(s, crits[s.criterion_id], f"{_unit_name(sheet)}, tiêu chí "
                        f"{crits[s.criterion_id].code}")
        if s.checked_points is None and s.self_points is not None:
            s.checked_points = s.self_points
            s.save()
    sheet.checker = _text(checker, "Người thẩm định", 200) or sheet.checker
    sheet.checked_on = datetime.date.today()
    sheet.save()
    moved = _move(actor, sheet, (SUBMITTED,), CHECKED, "check_sheet")
    recompute_set(sheet.criteria_set)
    return moved


@service("leader")
def finalise_sheet(*, actor, sheet):
    sheet = _move(actor, sheet, (CHECKED,), FINALISED, "finalise_sheet")
    recompute_set(sheet.criteria_set)
    return _fresh(sheet)


@service("leader")
def finalise_checked(*, actor, criteria_set):
    """Finalise every checked sheet of a table; returns how many."""
    sheets = list(ScoreSheet.select().where((ScoreSheet.criteria_set == criteria_set)
                                            & (ScoreSheet.state == CHECKED)))
    for s in sheets:
        _move(actor, s, (CHECKED,), FINALISED, "finalise_sheet")
    recompute_set(criteria_set)
    return len(sheets)


@service("leader")
def reopen_sheet(*, actor, sheet, reason):
    """Finalised → checked, only with a reason (kept in the audit log)."""
    reason = _text(reason, "Lý do")
    if not reason:
        raise ValidationError("Mở lại phiếu đã chốt cần ghi rõ lý do.", field="reason")
    return _move(actor, sheet, (FINALISED,), CHECKED, "reopen_sheet", reason)


# --------------------------------------------------------------------------- proportional

def proportional_suggestions(sheet):
    """{criterion_id: points} for proportional criteria whose target has numbers: the unit's
    own commitment for the target when it registered with a value and an actual, else the
    commune's target."""
    cs = sheet.criteria_set
    crits = [c for c in _crits(cs.id).values() if c.method == PROPORTIONAL and c.target_id]
    if not crits:
        return {}
    own = {}
    if sheet.unit_id and cs.movement_id:
        reg = Registration.get_or_none((Registration.movement == cs.movement_id)
                                       & (Registration.year == cs.year)
                                       & (Registration.unit == sheet.unit_id))
        if reg is not None:
            own = {c.target_id: c for c in Commitment.select().where(
                Commitment.registration == reg) if c.target_id}
    targets = {t.id: t for t in Target.select().where(
        Target.id.in_([c.target_id for c in crits]))}
    out = {}
    for c in crits:
        for src in (own.get(c.target_id), targets.get(c.target_id)):
            pts = None if src is None else proportional_points(c.max_points, src.value,
                                                               src.actual, c.direction)
            if pts is not None:
                out[c.id] = pts
                break
    return out


@service("clerk")
def fill_proportional(*, actor, sheet):
    """Fill blank proportional scores from target completion (self in a draft, checked
    otherwise); returns how many cells were filled."""
    sheet = _fresh(sheet)
    _refuse_finalised(sheet)
    key = "self_points" if sheet.state == DRAFT else "checked_points"
    have = _scores(sheet)
    changes = [{"criterion": cid, key: pts} for cid, pts in
               proportional_suggestions(sheet).items()
               if have.get(cid) is None or getattr(have[cid], key) is None]
    if changes:
        save_scores(actor=actor, sheet=sheet, changes=changes)
    return len(changes)


# --------------------------------------------------------------------------- for others

def sheets_for(year, *, finalised_only=False):
    """Unit score sheets of the tables of ``year`` (with unit and table loaded)."""
    query = (ScoreSheet.select(ScoreSheet, CriteriaSet, Unit)
             .join(CriteriaSet).switch(ScoreSheet).join(Unit)
             .where(CriteriaSet.year == year))
    if finalised_only:
        query = query.where(ScoreSheet.state == FINALISED)
    return list(query)


def unit_results(year):
    """{unit_id: (total, band, rank)} for ``year``; a finalised sheet wins over others."""
    out = {}
    for s in sorted(sheets_for(year), key=lambda s: (s.state == FINALISED, -s.id)):
        out[s.unit_id] = (s.total, s.band, s.rank)
    return out


def sheet_lines(sheet):
    """Rows of a sheet in tree order for documents:
    [(criterion, depth, self, checked, evidence, reason)], groups with their subtotals."""
    from .scoring import ordered_criteria
    scores = _scores(sheet)
    tree = ordered_criteria(sheet.criteria_set)
    parent_of = {c.id: c.parent_id for c, _d in tree}
    sums = {}
    for c, _depth in tree:
        s = scores.get(c.id)
        if s is None or c.method == GROUP:
            continue
        values = (s.self_points,
                  s.checked_points if s.checked_points is not None else s.self_points)
        node = parent_of.get(c.id)
        while node is not None:
            acc = sums.setdefault(node, [None, None])
            for i, v in enumerate(values):
                if v is not None:
                    acc[i] = (acc[i] or Decimal(0)) + v
            node = parent_of.get(node)
    out = []
    for c, depth in tree:
        if c.method == GROUP:
            sv, cv = sums.get(c.id, [None, None])
            out.append((c, depth, sv, cv, "", ""))
        else:
            s = scores.get(c.id)
            out.append((c, depth, s.self_points if s else None,
                        s.checked_points if s else None,
                        s.evidence if s else "", s.reason if s else ""))
    return out

