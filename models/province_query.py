"""Province look-ups over the merged communes: the communes received, a person's (unit's,
household's) titles in any commune, the statistics forms across communes, and the proposals
received for provincial titles. Read-only; plain dicts and ``statistics_forms`` forms."""
import re
from collections import defaultdict

from . import award_method, vntext
from .entities import (SUBJECT_KINDS, ProvAward, ProvAwardCount, ProvCommune, ProvProposal,
                       ProvSubject)
from .province import SOURCES
from .statistics_forms import CIRCULAR, PERSON_GROUPS, FormRow, StatForm

LOOKUP_LIMIT = 200


def communes():
    """Every commune received, by name, with its file and counts."""
    out = []
    for c in ProvCommune.select().order_by(ProvCommune.name, ProvCommune.commune_code):
        out.append({"id": c.id, "commune_code": c.commune_code, "name": c.name,
                    "province_code": c.province_code, "source": c.source,
                    "source_name": SOURCES.get(c.source, c.source), "file_name": c.file_name,
                    "file_time": c.file_time, "file_year": c.file_year,
                    "file_sha256": c.file_sha256, "subjects": c.subjects, "awards": c.awards,
                    "proposals": c.proposals, "imported_at": c.imported_at,
                    "imported_by": c.imported_by})
    out.sort(key=lambda r: vntext.text_sort_key(r["name"]))
    return out


def has_data():
    return ProvCommune.select().exists()


def lookup(text, *, birth_year=None, kind=None, limit=LOOKUP_LIMIT):
    """Subjects whose name contains ``text`` (accent-insensitive), in any commune, each with
    its titles (awards in force, oldest first) and the proposals received for it."""
    key = vntext.fold(text or "").strip()
    if not key:
        return []
    ids = _first_matches(key, birth_year=birth_year, kind=kind, limit=limit)
    subjects = list(ProvSubject.select(ProvSubject, ProvCommune.name.alias("commune_name"))
                    .join(ProvCommune).where(ProvSubject.id.in_(ids))
                    .order_by(ProvSubject.name_key, ProvSubject.id).dicts()) if ids else []
    uuids = [s["uuid"] for s in subjects]
    awards, proposals = defaultdict(list), defaultdict(list)
    for start in range(0, len(uuids), 500):
        chunk = uuids[start:start + 500]
        for a in (ProvAward.select().where(ProvAward.subject_uuid.in_(chunk))
                  .order_by(ProvAward.year, ProvAward.decision_date, ProvAward.id).dicts()):
            awards[a["subject_uuid"]].append(
                {"year": a["year"], "title": a["title_name"], "title_code": a["title_code"],
                 "decision_number": a["decision_number"], "decision_date": a["decision_date"],
                 "issuer": a["issuer"], "amount": a["amount"], "uuid": a["uuid"]})
        for p in (ProvProposal.select().where(ProvProposal.subject_uuid.in_(chunk))
                  .order_by(ProvProposal.year, ProvProposal.id).dicts()):
            proposals[p["subject_uuid"]].append(
                {"year": p["year"], "title": p["title_name"], "passed": p["passed"],
                 "file_number": p["file_number"], "uuid": p["uuid"]})
    out = []
    for s in subjects:
        out.append({"uuid": s["uuid"], "kind": s["kind"], "kind_name": SUBJECT_KINDS[s["kind"]],
                    "name": s["name"], "birth_year": s["birth_year"], "gender": s["gender"],
                    "position": s["position"], "unit_name": s["unit_name"],
                    "commune": s["commune_name"], "awards": awards.get(s["uuid"], []),
                    "proposals": proposals.get(s["uuid"], [])})
    # People and households in name order (given name first), then collectives in text
    # order: the two keys do not compare with each other (a text found in both kinds, such
    # as "an", raised TypeError here).
    out.sort(key=lambda r: (True, vntext.text_sort_key(r["name"]), r["commune"])
             if r["kind"] == "unit" else
             (False, vntext.name_sort_key(r["name"]), r["commune"]))
    return out


# Rows of the name order tested before asking the trigram index: read from the index
# (name_key, id, kind, birth_year) alone, 6-9 ms at 100 communes (45 ms through the table).
WALK = 20_000
# What pg_trgm can take from "%text%": three letters or digits in a row, or a word padded
# by a boundary inside the text (" b" gives "  b", "ab " gives "ab "). Without them the
# trigram index would hand over every row.
_HAS_TRIGRAM = re.compile(r"[a-z0-9]{3}|[^a-z0-9][a-z0-9]|[a-z0-9]{2}[^a-z0-9]")


def _first_matches(key, *, birth_year, kind, limit):
    """Ids of the first ``limit`` subjects in (name_key, id) order whose key contains
    ``key`` (and of ``birth_year``, ``kind``); the three ways below find the same rows.

    Left to itself the server walked the name index in order testing each row, betting the
    matches spread evenly; but a name's words cluster in that order (every "Vũ Văn …"
    after 2 million others), so "vu van" read 2.2 million rows (3.2 s at 100 communes) and
    "van hung" 256,000 (0.35-0.8 s). So: (1) the first ``WALK`` rows of the name order are
    tested, enough when matches are dense: their first ``limit`` matches are the first of
    all; (2) otherwise the trigram index gives the matches and only they are sorted
    (ordering by ``name_key || ''``, an expression no index provides, keeps the server from
    walking; under the C collation the server requires it orders exactly like the column);
    (3) a text the trigram index cannot narrow ("vu" while the clerk is still typing) walks
    the whole name order from the index alone until ``limit`` matches (testing
    ``name_key || ''`` keeps the server off the trigram index, which would hand over every
    row: "vu" 3.8 s before, 0.4 s)."""
    s = ProvSubject

    def matching(cols, name_key):
        cond = name_key.contains(key)
        if birth_year:
            cond &= cols.birth_year == int(birth_year)
        if kind:
            cond &= cols.kind == kind
        return cond

    def ids(query):
        return [i for (i,) in query.limit(limit).tuples()]
    if not _HAS_TRIGRAM.search(key):
        return ids(s.select(s.id).where(matching(s, s.name_key.concat("")))
                   .order_by(s.name_key, s.id))
    walk = (s.select(s.id, s.name_key, s.birth_year, s.kind).order_by(s.name_key, s.id)
            .limit(WALK).alias("walk"))
    found = ids(s.select(walk.c.id).from_(walk).where(matching(walk.c, walk.c.name_key))
                .order_by(walk.c.name_key, walk.c.id))
    if len(found) < limit:
        found = ids(s.select(s.id).where(matching(s, s.name_key))
                    .order_by(s.name_key.concat(""), s.id))
    return found


def proposals(*, year=None, commune=None, title=None):
    """Proposals received for provincial titles (filters: year, commune id/code, title
    code or name), by commune then year."""
    query = (ProvProposal.select(ProvProposal, ProvCommune.name.alias("commune_name"),
                                 ProvCommune.commune_code.alias("commune_code"))
             .join(ProvCommune))
    if year:
        query = query.where(ProvProposal.year == int(year))
    if commune:
        query = query.where((ProvCommune.commune_code == str(commune))
                            | (ProvCommune.id == (int(commune) if str(commune).isdigit()
                                                  else -1)))
    if title:
        query = query.where((ProvProposal.title_code == title)
                            | (ProvProposal.title_name == title))
    out = []
    for p in query.order_by(ProvCommune.name, ProvProposal.year, ProvProposal.id).dicts():
        out.append({"uuid": p["uuid"], "commune": p["commune_name"],
                    "commune_code": p["commune_code"], "year": p["year"],
                    "file_number": p["file_number"], "title": p["title_name"],
                    "title_code": p["title_code"], "kind": p["subject_kind"],
                    "kind_name": SUBJECT_KINDS.get(p["subject_kind"], p["subject_kind"]),
                    "name": p["subject_name"], "votes_for": p["votes_for"],
                    "votes_against": p["votes_against"], "vote_percent": p["vote_percent"],
                    "passed": p["passed"], "received_at": p["received_at"],
                    "warnings": [w for w in (p["warnings"] or "").split("\n") if w]})
    out.sort(key=lambda r: (vntext.text_sort_key(r["commune"]), r["year"]))
    return out


def proposal_titles():
    return sorted({n for (n,) in ProvProposal.select(ProvProposal.title_name).distinct()
                   .tuples()}, key=vntext.text_sort_key)


def award_years():
    return sorted({y for (y,) in ProvAwardCount.select(ProvAwardCount.year).distinct()
                   .tuples()},
                  reverse=True)


# --------------------------------------------------------------------------- statistics

METHOD_CODES = {award_method.REGULAR: "11", award_method.THEMED: "12",
                award_method.SUDDEN: "13"}


def award_counts(year):
    """(commune id, group, method, title name, title kind, count, money) of ``year``, read
    from the counts written with each commune's rows (``province.award_counts``): a few
    hundred rows a year however many awards the communes hold."""
    c = ProvAwardCount
    return list(c.select(c.commune, c.stat_group, c.method, c.title_name, c.title_kind,
                         c.awards, c.amount).where(c.year == int(year)).tuples())


def _form(year, counts, columns, name):
    index = {vntext.fold(n): i for i, n in enumerate(columns)}
    codes = ("01", "02", "03", "04", "05", "08", "09", "10", "11", "12", "13", "00")
    table = {c: [0] * len(columns) for c in codes}
    for _commune, group, method, title, _kind, n, _money in counts:
        col = index[vntext.fold(title)]
        table["01"][col] += n
        table[group][col] += n
        if group == "03":
            table["02"][col] += n
        if group in ("08", "09", "10"):
            table["05"][col] += n
        table[METHOD_CODES.get(method, "00")][col] += n

    def line(label, code, unit="", bold=False):
        return FormRow(label, code, unit, [sum(table[code])] + table[code], bold)

    rows = [line("Tổng số", "01", "Lượt", bold=True),
            FormRow("1. Chia theo đối tượng khen thưởng", bold=True),
            line("- Tập thể", "02", "Tập thể"),
            line("Trong đó: Doanh nghiệp", "03", "Doanh nghiệp"),
            line("- Hộ gia đình", "04", "Hộ"),
            line("- Cá nhân", "05", "Người")]
    rows += [line(label, code, "Người") for code, label in PERSON_GROUPS
             if code in ("08", "09", "10")]
    rows.append(FormRow("2. Chia theo phương thức khen thưởng", bold=True))
    rows += [line("- Thường xuyên", "11", "Lượt"), line("- Chuyên đề", "12", "Lượt"),
             line("- Đột xuất", "13", "Lượt")]
    notes = ["Tổng hợp từ tệp các xã gửi (bản sao lưu, hồ sơ đề nghị): khen thưởng của Chủ "
             "tịch UBND xã đang có hiệu lực, theo năm của thành tích được khen."]
    unknown = sum(table["00"])
    if unknown:
        rows.append(FormRow("- Chưa rõ phương thức (từ hồ sơ đề nghị)", "", "Lượt",
                            [unknown] + table["00"]))
        notes.append(f"{unknown} lượt lấy từ hồ sơ đề nghị cấp trên (không ghi phương thức "
                     "khen thưởng); nhận bản sao lưu của xã để có đủ số liệu.")
    return StatForm(
        number="0603.N/BNV-TĐKT", sheet=name[:31],
        title=f"SỐ LƯỢNG KHEN THƯỞNG CẤP XÃ — {name.upper()}",
        basis=f"Theo mẫu biểu số 0603.N ban hành theo {CIRCULAR}, tổng hợp khen thưởng cấp xã",
        column_group="Chia ra", columns=list(columns), total_header="Tổng số\n1",
        rows=rows, has_unit_column=True, notes=notes)


def statistics(year):
    """{"year", "total": StatForm (every commune), "communes": [(name, StatForm)],
    "by_commune": [{"commune", "awards", "amount", "persons", "units", "households"}]}."""
    counts = award_counts(year)
    names = {c.id: c.name for c in ProvCommune.select(ProvCommune.id, ProvCommune.name)}
    columns, seen = [], set()
    for kind in ("form", "title"):
        for _c, _g, _m, title, tkind, _n, _a in sorted(counts, key=lambda r: r[3]):
            if (tkind == "form") == (kind == "form") and vntext.fold(title) not in seen:
                seen.add(vntext.fold(title))
                columns.append(title)
    per = defaultdict(list)
    for row in counts:
        per[row[0]].append(row)
    by_commune = []
    for cid in sorted(per, key=lambda i: vntext.text_sort_key(names.get(i, ""))):
        rows = per[cid]
        by_commune.append({
            "commune": names.get(cid, ""), "awards": sum(r[5] for r in rows),
            "amount": sum(r[6] or 0 for r in rows),
            "units": sum(r[5] for r in rows if r[1] in ("02", "03")),
            "households": sum(r[5] for r in rows if r[1] == "04"),
            "persons": sum(r[5] for r in rows if r[1] in ("08", "09", "10"))})
    return {"year": int(year), "total": _form(year, counts, columns, "Toàn tỉnh"),
            "communes": [(names[cid], _form(year, per[cid], columns, names[cid]))
                         for cid in sorted(per, key=lambda i: vntext.text_sort_key(
                             names.get(i, "")))],
            "by_commune": by_commune}
