"""Finding the header row of a list and matching its columns to fields by Vietnamese names."""
import datetime
import functools

from .xlsx_cells import fold_header
from .xlsx_forms import gender_pair

MAX_HEADER_SCAN = 30          # the header row is looked for in the first rows only

# The folded names of the specs' columns: the same few hundred texts for every header cell
# of every row scanned (14,000 folds per import without it).
_folded_name = functools.lru_cache(maxsize=2048)(fold_header)


def _match_field(text, specs, taken):
    """The spec whose name matches the folded header ``text`` (exact first, then words)."""
    if not text:
        return None
    for spec in specs:
        if spec.field in taken:
            continue
        if any(text == _folded_name(n) for n in spec.names()):
            return spec
    best, best_len = None, 0
    padded = f" {text} "
    for spec in specs:
        if spec.field in taken:
            continue
        for n in spec.names():
            key = _folded_name(n)
            if key and f" {key} " in padded and len(key) > best_len:
                best, best_len = spec, len(key)
    return best


def _header_texts(row_values):
    return {col: fold_header(v) for col, (v, _style) in row_values.items()
            if isinstance(v, str)}


def _map_columns(texts, specs, taken=None):
    taken = dict(taken or {})
    for col in sorted(texts):
        spec = _match_field(texts[col], specs, taken)
        if spec is not None:
            taken[spec.field] = col
    return taken


def _is_numbering_row(values):
    """A row like '(1) (2) (3)' or '1 2 3' under the header: skipped."""
    if not values:
        return False
    for col, (v, _s) in values.items():
        text = str(v).strip().strip("()")
        if isinstance(v, float) and v.is_integer():
            text = str(int(v))
        if not text.isdigit() or int(text) > 100:
            return False
    return len(values) >= 2


def header_score(columns, specs):
    return len(columns) + sum(0.5 for s in specs if s.required and s.field in columns)


def _gender_field(specs):
    """(gender field, birth field) when specs have both, for the "Nam" / "Nữ" column pair."""
    gender = next((s.field for s in specs if s.kind == "gender"), None)
    birth = next((s.field for s in specs if s.kind in ("year", "date")), None)
    return (gender, birth) if gender and birth else None


def _find_header(rows, specs, merged):
    """(header_index_in_rows, header_rows, columns, header_texts, extra) or None.

    extra: {"pair": (col Nam, col Nữ, gender field, birth field) or None,
            "sub_texts": texts of the second header row (or {})}.
    """
    best = None
    for i, (idx, _hidden, values) in enumerate(rows[:MAX_HEADER_SCAN]):
        texts = _header_texts(values)
        columns = _map_columns(texts, specs)
        pair_fields = _gender_field(specs)
        if pair_fields and pair_fields[0] not in columns and gender_pair(texts):
            columns = dict(columns, **{pair_fields[0]: gender_pair(texts)[0]})
        score = header_score(columns, specs)
        if columns and (best is None or score > best[0]):
            best = (score, i, columns, texts)
    if best is None:
        return None
    _score, i, columns, texts = best
    header_rows = 1
    pair_fields = _gender_field(specs)
    pair = None
    sub_texts = {}
    # Two-level header: parent labels merged across columns, sub-labels on the next row.
    if i + 1 < len(rows) and rows[i + 1][0] == rows[i][0] + 1:
        next_values = rows[i + 1][2]
        parent_of = {}
        for (r1, c1, r2, c2) in merged:
            if r1 == rows[i][0] and c2 > c1:
                label = rows[i][2].get(c1, (None,))[0]
                for c in range(c1, c2 + 1):
                    parent_of[c] = fold_header(label)
        sub_texts = {}
        for col, (v, _s) in next_values.items():
            if isinstance(v, str):
                sub = fold_header(v)
                sub_texts[col] = sub
        if sub_texts and not _looks_like_data(next_values, columns, specs):
            more = dict(columns)
            for col in sorted(sub_texts):
                if col in more.values():
                    continue
                spec = _match_field(sub_texts[col], specs, more)
                if spec is None and col in parent_of:
                    spec = _match_field(f"{parent_of[col]} {sub_texts[col]}", specs, more)
                if spec is not None:
                    more[spec.field] = col
            # A column matched on the parent row only because the parent label (e.g.
            # "Chủ hộ") spans sub-columns: re-point it if a sub-column matched better.
            if pair_fields and pair_fields[0] not in columns and gender_pair({}, sub_texts):
                header_rows = 2
                columns = more
            elif len(more) > len(columns) or _is_numbering_row(next_values):
                columns = more
                header_rows = 2
            else:
                sub_texts = {}
    if pair_fields:
        found = gender_pair(texts, sub_texts if header_rows == 2 else None)
        gender_col = columns.get(pair_fields[0])
        if found and (gender_col is None or gender_col in found):
            pair = (found[0], found[1]) + pair_fields
            columns[pair_fields[0]] = found[0]
            columns[pair_fields[1]] = found[0]
    return i, header_rows, columns, texts, {"pair": pair, "sub_texts": sub_texts}


def _looks_like_data(values, columns, specs):
    """True if the row under the header already looks like data (a year in 'Năm sinh' …)."""
    kinds = {s.field: s.kind for s in specs}
    for fld, col in columns.items():
        v = values.get(col, (None,))[0]
        if v is None:
            continue
        if kinds.get(fld) in ("year", "int", "number", "money") and isinstance(v, (int, float)):
            return True
        if isinstance(v, (datetime.date, datetime.datetime)):
            return True
    return False
