"""Pure scoring arithmetic (no database, no Qt): points parsing, totals, bands, ranks.

The GUI calls these for live recompute; ``models/scoring.py`` calls the same functions
before storing totals, so what the clerk sees while typing is what gets saved.

Conventions
- A table is a ``TableSpec``: its leaf criteria in display order (``Crit``), the bands
  (highest first), the declared content total, the bonus cap and the tie-break rules.
- Values of one sheet are a list aligned with ``spec.leaves``: ``Decimal`` or ``None``.
- Deductions are stored as negative points (−8); ``Crit.max_points`` of a deduction is the
  size of one deduction (8), positive.
"""
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

GROUP, MANUAL, PROPORTIONAL, YESNO, DEDUCTION, BONUS = (
    "group", "manual", "proportional", "yesno", "deduction", "bonus")
METHODS = {
    GROUP: "Nhóm", MANUAL: "Chấm tay", PROPORTIONAL: "Theo chỉ tiêu", YESNO: "Có/Không",
    DEDUCTION: "Điểm trừ", BONUS: "Điểm thưởng",
}
SCORED = (MANUAL, PROPORTIONAL, YESNO)          # count towards the content total and floors
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)

YES_WORDS = {"co", "c", "x", "dat", "yes", "y", "v", "✓", "✔"}
NO_WORDS = {"khong", "k", "ko", "khong dat", "no", "n", "-"}


class PointsError(ValueError):
    """A points value that breaks a rule; ``str(err)`` is the Vietnamese reason."""


@dataclass(frozen=True)
class Crit:
    id: int
    code: str
    text: str
    max_points: Decimal
    method: str
    group: str = ""                 # code of the top-level group ("" when none)
    direction: str = "higher"
    repeatable: bool = False
    target_id: int = None
    depth: int = 0


@dataclass(frozen=True)
class BandRule:
    name: str
    min_total: Decimal
    floor_pct: Decimal = None       # no scored criterion under this % of its max


@dataclass
class TableSpec:
    leaves: list                    # [Crit] in display order, groups excluded
    bands: list = field(default_factory=list)   # [BandRule], any order (sorted here)
    total_max: Decimal = Decimal(100)
    bonus_max: Decimal = ZERO       # 0 = no cap
    tie_break: list = field(default_factory=list)  # ["group:I", "group:II", "penalties"]
    groups: list = field(default_factory=list)  # [Crit] top-level groups, for labels

    def __post_init__(self):
        self.bands = sorted(self.bands, key=lambda b: b.min_total, reverse=True)
        self.index = {c.id: i for i, c in enumerate(self.leaves)}
        self.group_codes = []
        for c in self.leaves:
            if c.group not in self.group_codes:
                self.group_codes.append(c.group)
        gpos = {g: i for i, g in enumerate(self.group_codes)}
        # per leaf: (kind, group position, max, floor applies)
        self._plan = [(c.method, gpos[c.group], c.max_points) for c in self.leaves]
        self._tie = []
        for rule in self.tie_break:
            if rule.startswith("group:") and rule[6:] in gpos:
                self._tie.append(("group", gpos[rule[6:]]))
            elif rule in ("penalties", "deductions"):
                self._tie.append(("penalties", None))
            elif rule == "bonus":
                self._tie.append(("bonus", None))

    @property
    def max_possible(self):
        return self.total_max + self.bonus_max


@dataclass(frozen=True)
class SheetResult:
    total: Decimal                  # None when nothing is entered yet
    content: Decimal
    bonus: Decimal
    deduction: Decimal              # ≤ 0
    groups: tuple                   # subtotal per spec.group_codes
    band: str
    missing: int                    # scored criteria without a value


# --------------------------------------------------------------------------- points

def fmt_points(value, *, blank=""):
    """'8,5', '10', '-8', '0,25': Vietnamese decimal comma, no trailing zeros."""
    if value is None:
        return blank
    value = Decimal(value).quantize(CENT)
    text = format(value.normalize(), "f") if value != 0 else "0"
    return text.replace(".", ",")


def _fold(text):
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn").strip()


def to_decimal(text):
    """Parse '8,5', '8.5', '1.000,5', '−8' into Decimal; raise PointsError otherwise."""
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(str(text))
    raw = unicodedata.normalize("NFC", str(text)).strip()
    s = raw.replace("\u2212", "-").replace("\u2013", "-").replace(" ", "").replace("\xa0", "")
    if s.startswith("+"):
        s = s[1:]
    if "," in s and "." in s:            # Vietnamese: 1.000,5
        s = s.replace(".", "").replace(",", ".")
    elif "," in s:
        if s.count(",") > 1:
            raise PointsError(f"'{raw}' không phải là số điểm.")
        s = s.replace(",", ".")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise PointsError(f"'{raw}' không phải là số điểm; hãy gõ một số, ví dụ 8 hoặc 8,5.")
    if not value.is_finite():
        raise PointsError(f"'{raw}' không phải là số điểm.")
    return value


def parse_points(text, crit):
    """The points value typed for ``crit`` as Decimal (2 places), None when blank.

    Raises PointsError with the Vietnamese reason when the value breaks the criterion's rule.
    """
    if text is None:
        return None
    if not isinstance(text, (Decimal, int, float)):
        text = str(text).strip()
        if text == "":
            return None
    where = f"Tiêu chí {crit.code}"
    mx = Decimal(crit.max_points)
    if crit.method == GROUP:
        raise PointsError(f"{crit.code} là nhóm tiêu chí; điểm nhóm được cộng tự động.")
    if crit.method == YESNO and isinstance(text, str):
        word = _fold(text)
        if word in YES_WORDS:
            return mx.quantize(CENT)
        if word in NO_WORDS:
            return ZERO
    value = to_decimal(text)
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise PointsError(
            f"{where}: điểm chỉ được có tối đa hai chữ số thập phân (ví dụ 8,25), "
            f"không phải '{text}'.")
    value = value.quantize(CENT)
    shown = fmt_points(value)
    if crit.method == DEDUCTION:
        if value > 0:
            raise PointsError(
                f"{where} là điểm trừ: hãy gõ số âm hoặc 0 (ví dụ -{fmt_points(mx)}), "
                f"không phải {shown}.")
        if crit.repeatable:
            if mx > 0 and (value % mx) != 0:
                raise PointsError(
                    f"{where} trừ {fmt_points(mx)} điểm mỗi lần: điểm phải là bội của "
                    f"-{fmt_points(mx)} (ví dụ -{fmt_points(mx * 2)} cho 2 lần).")
        elif value < -mx:
            raise PointsError(f"{where} trừ tối đa {fmt_points(mx)} điểm, không phải {shown}.")
        return value
    if value < 0:
        raise PointsError(f"{where}: điểm không được âm ({shown}).")
    if value > mx:
        raise PointsError(
            f"{where}: điểm {shown} vượt quá điểm tối đa {fmt_points(mx)}.")
    if crit.method == YESNO and value not in (0, mx):
        raise PointsError(
            f"{where} chấm Có/Không: chỉ được {fmt_points(mx)} (có) hoặc 0 (không).")
    return value


def deduction_count(value, crit):
    """How many occurrences a deduction value stands for (for the Score.count column)."""
    if value is None or crit.method != DEDUCTION or not crit.max_points:
        return 0
    return int((-value) / Decimal(crit.max_points)) if crit.repeatable else int(value < 0)


def proportional_points(max_points, target, actual, direction="higher"):
    """Points for a target's completion: actual/target × max, capped at max, 2 places.

    ``direction`` "lower" (lower is better, e.g. the poor-household rate): target/actual.
    "exact": full points at the target, less by the relative distance from it.
    Returns None when target or actual is missing.
    """
    if target is None or actual is None:
        return None
    mx, target, actual = Decimal(max_points), Decimal(target), Decimal(actual)
    if direction == "lower":
        if actual <= target:
            ratio = Decimal(1)
        else:
            ratio = target / actual if actual > 0 else Decimal(1)
    elif direction == "exact":
        if target == 0:
            ratio = Decimal(1) if actual == 0 else Decimal(0)
        else:
            ratio = 1 - abs(actual - target) / abs(target)
    else:
        if target <= 0:
            ratio = Decimal(1)
        else:
            ratio = actual / target
    ratio = max(Decimal(0), min(Decimal(1), ratio))
    return (mx * ratio).quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- totals

def compute(spec, values):
    """SheetResult of one sheet's values (aligned with spec.leaves)."""
    groups = [ZERO] * len(spec.group_codes)
    content = bonus = deduction = ZERO
    missing = 0
    entered = False
    for (method, gi, _mx), v in zip(spec._plan, values):
        if v is None:
            if method in SCORED:
                missing += 1
            continue
        entered = True
        if method == BONUS:
            bonus += v
        elif method == DEDUCTION:
            deduction += v
        else:
            content += v
        groups[gi] += v
    if spec.bonus_max and bonus > spec.bonus_max:
        bonus = spec.bonus_max
    if not entered:
        return SheetResult(None, ZERO, ZERO, ZERO, tuple(groups), "", missing)
    total = content + bonus + deduction
    return SheetResult(total, content, bonus, deduction, tuple(groups),
                       band_for(spec, total, values), missing)


def band_for(spec, total, values):
    """Name of the highest band whose lower bound and per-criterion floor are met."""
    if total is None:
        return ""
    for band in spec.bands:
        if total < band.min_total:
            continue
        if band.floor_pct is not None and not floor_met(spec, values, band.floor_pct):
            continue
        return band.name
    return ""


def floor_met(spec, values, pct):
    for (method, _gi, mx), v in zip(spec._plan, values):
        if method in SCORED and mx > 0 and (v is None or v * HUNDRED < mx * pct):
            return False
    return True


def floor_failures(spec, values, pct):
    """Codes of scored criteria under ``pct`` % of their max (explains a missed band)."""
    return [c.code for c, v in zip(spec.leaves, values)
            if c.method in SCORED and c.max_points > 0
            and (v is None or v * HUNDRED < c.max_points * pct)]


def rank_key(spec, result):
    """Sort key: higher total first, then the tie-break rules in order."""
    key = [-(result.total if result.total is not None else Decimal("-1e9"))]
    for kind, gi in spec._tie:
        if kind == "group":
            key.append(-result.groups[gi])
        elif kind == "penalties":
            key.append(-result.deduction)
        elif kind == "bonus":
            key.append(-result.bonus)
    return tuple(key)


def rank(spec, results):
    """{key: rank} for results {key: SheetResult} of one bloc; ties share a rank (1, 2, 2, 4).

    Sheets with nothing entered get no rank (None).
    """
    scored = [(rank_key(spec, r), k) for k, r in results.items() if r.total is not None]
    scored.sort(key=lambda item: item[0])
    out = {k: None for k, r in results.items() if r.total is None}
    prev, prev_rank = None, 0
    for pos, (key, k) in enumerate(scored, start=1):
        if key != prev:
            prev, prev_rank = key, pos
        out[k] = prev_rank
    return out


def effective(self_values, checked_values):
    """The values that count: checked where given, else self."""
    return [c if c is not None else s for s, c in zip(self_values, checked_values)]


# --------------------------------------------------------------------------- board

class Board:
    """Rows of values for one table with results and ranks kept current cell by cell.

    ``rows`` is a list of (key, bloc_key); ``values`` a list of value lists. The GUI grid
    uses this for live totals, bands and ranks without touching the database.
    """

    def __init__(self, spec, rows, values):
        self.spec = spec
        self.keys = [k for k, _b in rows]
        self.blocs = [b for _k, b in rows]
        self.values = [list(v) for v in values]
        self.results = [compute(spec, v) for v in self.values]
        self.ranks = [None] * len(self.keys)
        self._members = {}
        for i, b in enumerate(self.blocs):
            self._members.setdefault(b, []).append(i)
        for b in self._members:
            self._rerank(b)

    def _rerank(self, bloc):
        members = self._members[bloc]
        ranks = rank(self.spec, {i: self.results[i] for i in members})
        changed = []
        for i in members:
            if self.ranks[i] != ranks[i]:
                self.ranks[i] = ranks[i]
                changed.append(i)
        return changed

    def set_value(self, row, col, value):
        """Change one cell; returns the rows whose result or rank changed."""
        return self.set_values([(row, col, value)])

    def set_values(self, cells):
        touched = set()
        for row, col, value in cells:
            self.values[row][col] = value
            touched.add(row)
        blocs = set()
        for row in touched:
            self.results[row] = compute(self.spec, self.values[row])
            blocs.add(self.blocs[row])
        changed = set(touched)
        for b in blocs:
            changed.update(self._rerank(b))
        return sorted(changed)

    def band_counts(self):
        counts = {b.name: 0 for b in self.spec.bands}
        for r in self.results:
            if r.band:
                counts[r.band] = counts.get(r.band, 0) + 1
        return counts
