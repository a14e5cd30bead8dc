"""The yearly TĐKT statistics sent upward, in the layout of the Home Affairs forms.

Circular 18/2025/TT-BNV (08/10/2025) replaced the Home Affairs statistical reporting rules,
but its TĐKT forms could not be confirmed here; the forms follow Circular 02/2023/TT-BNV
(23/3/2023): biểu 0601.N/BNV-TĐKT "Số phong trào thi đua" and, for the awards, the rows and
codes of biểu 0603.N/BNV-TĐKT (by subject: tập thể — of which enterprises —, hộ gia đình,
cá nhân by group; by method: thường xuyên, chuyên đề, đột xuất) with the commune's own
titles and forms as columns. The awards are those the annual report counts (decisions in
force, by the year of the results) — the totals must agree with it.
"""
import datetime
from dataclasses import dataclass, field

from peewee import JOIN, fn

from . import award_method, statistics, vntext
from .bulk import read_rows
from .entities import (HOUSEHOLD, PERSON, UNIT, Award, Movement, Person, Round, Title,
                       Unit, UnitKind)

CIRCULAR = "Thông tư số 02/2023/TT-BNV ngày 23/3/2023 của Bộ trưởng Bộ Nội vụ"
DUE = "Ngày 15 tháng 12 năm báo cáo"
ENTERPRISE_KINDS = ("doanh_nghiep",)

# Individuals by group (rows 06–10 of biểu 0603.N), from the words of their position.
# Default data, not law: a commune has no ministry or province leaders (rows 06, 07).
BUSINESS_WORDS = ("doanh nhan", "chu doanh nghiep", "giam doc cong ty",
                  "chu tich hoi dong quan tri")
VILLAGE_WORDS = ("thon", "to dan pho", "chi bo", "chi hoi", "to truong", "to pho", "khu pho")
LEADER_WORDS = ("chu tich", "pho chu tich", "bi thu", "pho bi thu", "truong phong",
                "pho truong phong", "giam doc", "pho giam doc", "hieu truong", "pho hieu truong",
                "chanh van phong", "pho chanh van phong", "chi huy truong", "chi huy pho",
                "truong tram", "tram truong", "truong ban", "pho truong ban", "truong cong an",
                "pho truong cong an", "thu truong", "truong khoa", "pho truong khoa")
PERSON_GROUPS = (("06", "+ Lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên"),
                 ("07", "+ Lãnh đạo cấp vụ, sở, ngành và tương đương"),
                 ("08", "+ Doanh nhân"),
                 ("09", "+ Các cấp lãnh đạo khác từ phó phòng trở lên"),
                 ("10", "+ Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ "
                        "chiến đấu (công nhân, nông dân, …)"))


@dataclass
class FormRow:
    label: str
    code: str = ""              # mã số; "" for a heading row
    unit: str = ""              # đơn vị tính (biểu 0603.N)
    values: list = field(default_factory=list)   # [total, *columns]; [] for a heading
    bold: bool = False


@dataclass
class StatForm:
    number: str                 # "0601.N/BNV-TĐKT"
    title: str
    sheet: str                  # short name (sheet tab)
    basis: str                  # "Ban hành theo …"
    column_group: str           # heading over the columns 2…
    columns: list               # headers of the columns 2…
    total_header: str           # "Tổng số" with its formula, e.g. "1=(2+3+4)"
    rows: list                  # FormRow
    unit_note: str = ""         # "Đơn vị tính: Phong trào"
    has_unit_column: bool = False
    notes: list = field(default_factory=list)

    def value(self, code, column=0):
        for row in self.rows:
            if row.code == code:
                return row.values[column]
        raise KeyError(code)


@dataclass
class StatReport:
    year: int
    forms: list
    awards: int                 # the annual report's total for the year (the check)
    by_kind: dict


def person_group(position, unit_kind=None):
    """The code of an individual's row in biểu 0603.N ("08", "09" or "10")."""
    text = vntext.fold(position or "")
    if any(w in text for w in BUSINESS_WORDS) or (
            unit_kind in ENTERPRISE_KINDS and any(text.startswith(w) for w in LEADER_WORDS)):
        return "08"
    if any(w in text for w in VILLAGE_WORDS):
        return "10"
    if any(text.startswith(w) for w in LEADER_WORDS):
        return "09"
    return "10"


def _span_code(movement, rounds):
    """Row of biểu 0601.N for how long a movement runs."""
    if rounds:
        days = (max(r.end for r in rounds) - min(r.start for r in rounds)).days + 1
        if days < 360:
            return "06"
    years = movement.year_to - movement.year_from + 1
    return "07" if years <= 1 else "08" if years < 3 else "09" if years < 5 else "10"


def launched_in(year):
    """Movements the commune launched in ``year`` (the date of the launching plan, else the
    first year of the movement)."""
    out = []
    for m in Movement.select():
        launched = m.doc_date.year if m.doc_date else m.year_from
        if launched == year:
            out.append(m)
    return out


def movement_form(year):
    """Biểu 0601.N: the commune's movements are launched by an "office, organisation, unit"
    (column 4, row 05)."""
    movements = launched_in(year)
    rounds = {}
    for r in Round.select().where(Round.movement.in_([m.id for m in movements] or [0])):
        rounds.setdefault(r.movement_id, []).append(r)
    counts = {code: 0 for code in ("02", "03", "04", "05", "06", "07", "08", "09", "10", "11",
                                   "12")}
    for m in movements:
        counts["05"] += 1
        counts[_span_code(m, rounds.get(m.id))] += 1
        counts["11" if m.kind == "themed" else "12"] += 1

    def line(label, code, n, bold=False, level=3):
        cols = [0, 0, 0]
        cols[level - 2] = n
        return FormRow(label, code, values=[n] + cols, bold=bold)

    total = len(movements)
    rows = [line("Tổng số", "01", total, bold=True, level=4),
            FormRow("1. Chia theo phạm vi tổ chức thi đua", bold=True),
            line("- Toàn quốc", "02", counts["02"], level=2),
            line("- Bộ, ban, ngành, đoàn thể, địa phương", "03", counts["03"]),
            line("- Cụm, khối thi đua do Hội đồng Thi đua - Khen thưởng các cấp tổ chức", "04",
                 counts["04"], level=4),
            line("- Cơ quan, tổ chức, đơn vị", "05", counts["05"], level=4),
            FormRow("2. Chia theo thời hạn thi đua", bold=True)]
    for code, label in (("06", "- Dưới 1 năm"), ("07", "- 1 năm"),
                        ("08", "- Từ 1 năm đến dưới 3 năm"), ("09", "- Từ 3 năm đến dưới 5 năm"),
                        ("10", "- Từ 5 năm trở lên")):
        rows.append(line(label, code, counts[code], level=4))
    rows.append(FormRow("3. Chia theo phương thức tổ chức phong trào thi đua", bold=True))
    rows.append(line("- Thi đua theo chuyên đề", "11", counts["11"], level=4))
    rows.append(line("- Thi đua thường xuyên hàng năm", "12", counts["12"], level=4))
    return StatForm(
        number="0601.N/BNV-TĐKT", title="SỐ PHONG TRÀO THI ĐUA", sheet="0601.N",
        basis=f"Ban hành theo {CIRCULAR}",
        column_group="Số phong trào thi đua chia theo cấp chủ trì phát động thi đua",
        columns=["Cấp Trung ương (Hội đồng Thi đua - Khen thưởng Trung ương)",
                 "Cấp bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc "
                 "Trung ương", "Cơ quan, tổ chức, đơn vị"],
        total_header="Tổng số\n1=(2+3+4)", rows=rows, unit_note="Đơn vị tính: Phong trào",
        notes=["Phong trào do xã phát động trong năm báo cáo (theo ngày văn bản phát động; "
               "không có thì theo năm bắt đầu), tính ở cột 4 \"Cơ quan, tổ chức, đơn vị\"."])


def _columns(used):
    """Titles as columns: one per name (Giấy khen for people, units and households is one
    form), forms first, then titles by rank; every active commune title, and any other
    title awarded in the year (``used``: their ids)."""
    titles = [t for t in Title.select() if t.id in used or
              (t.active and t.conferred_by == "commune")]
    order = {k: i for i, k in enumerate(statistics.KIND_ORDER)}
    titles.sort(key=lambda t: (t.kind != "form", order.get(t.subject_kind, 9), -t.rank,
                               vntext.text_sort_key(t.name)))
    names, index = [], {}
    for t in titles:
        key = vntext.fold(t.name)
        if key not in index:
            index[key] = len(names)
            names.append(t.name)
        index[t.id] = index[key]
    return names, index


def _form_groups(year):
    """(decision, title, kind, unit, position, person's unit, count) of the awards of
    ``year`` — the rows ``statistics`` counts — grouped in SQL: a unit by itself, a person by
    position and work unit (what decides the person's row), households together."""
    keys = (Award.decision, Award.title, Award.unit, Award.unit.is_null(),
            Award.person.is_null(), Person.position, Person.unit)
    query = (Award.select(*keys, fn.COUNT(Award.id))
             .join(Person, JOIN.LEFT_OUTER, on=(Award.person == Person.id))
             .where(Award.decision.in_(statistics.decisions_in_force([year])))
             .group_by(*keys))
    return [(d, t, statistics.subject_kind(un, pn), u, pos, pu, int(n))
            for d, t, u, un, pn, pos, pu, n in read_rows(query)]


def award_form(year):
    """Biểu 0603.N as the commune uses it: its awards of ``year`` by subject and method."""
    groups = _form_groups(year)
    names, col_of = _columns({g[1] for g in groups})
    unit_kind = dict(Unit.select(Unit.id, UnitKind.code).join(UnitKind).tuples())
    methods = award_method.methods_by_decision(sorted({g[0] for g in groups}))
    method_code = {award_method.REGULAR: "11", award_method.THEMED: "12",
                   award_method.SUDDEN: "13"}
    codes = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13")
    table = {code: [0] * len(names) for code in codes}
    for decision, title, kind, unit, position, person_unit, n in groups:
        col = col_of[title]
        table["01"][col] += n
        if kind == UNIT:
            table["02"][col] += n
            if unit_kind.get(unit) in ENTERPRISE_KINDS:
                table["03"][col] += n
        elif kind == HOUSEHOLD:
            table["04"][col] += n
        else:
            table["05"][col] += n
            table[person_group(position, unit_kind.get(person_unit))][col] += n
        table[method_code[methods[decision]]][col] += n

    def line(label, code, unit="", bold=False):
        return FormRow(label, code, unit, [sum(table[code])] + table[code], bold)

    out = [line("Tổng số", "01", "Lượt", bold=True),
           FormRow("1. Chia theo đối tượng khen thưởng", bold=True),
           line("- Tập thể", "02", "Tập thể"),
           line("Trong đó: Doanh nghiệp", "03", "Doanh nghiệp"),
           line("- Hộ gia đình", "04", "Hộ"),
           line("- Cá nhân", "05", "Người")]
    out += [line(label, code, "Người") for code, label in PERSON_GROUPS]
    out.append(FormRow("2. Chia theo phương thức khen thưởng", bold=True))
    out += [line("- Thường xuyên", "11", "Lượt"), line("- Chuyên đề", "12", "Lượt"),
            line("- Đột xuất", "13", "Lượt")]
    return StatForm(
        number="0603.N/BNV-TĐKT", sheet="0603.N",
        title="SỐ LƯỢNG KHEN THƯỞNG CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ",
        basis=f"Theo mẫu biểu số 0603.N ban hành theo {CIRCULAR}, áp dụng cho khen thưởng "
              "cấp xã",
        column_group="Chia ra", columns=names, total_header="Tổng số\n1",
        rows=out, has_unit_column=True,
        notes=["Tính theo các quyết định khen thưởng đang có hiệu lực, theo năm của thành tích "
               "được khen (như Báo cáo tổng kết năm).",
               "Phương thức: quyết định theo phong trào thường xuyên là khen thường xuyên, theo "
               "phong trào chuyên đề là khen chuyên đề, không theo phong trào là khen đột xuất. "
               "Các phương thức đối ngoại, cống hiến, niên hạn, kháng chiến (mã 14–17 của biểu "
               "0603.N) không thuộc thẩm quyền cấp xã nên không có dòng.",
               "Cá nhân chia theo nhóm dựa vào chức vụ ghi trong hồ sơ (mặc định của chương "
               "trình, cần rà soát trước khi gửi)."])


def statistics_report(year):
    """Both forms for ``year`` with the annual report's totals they must agree with."""
    figures = statistics.year_figures(year)
    return StatReport(year=year, forms=[movement_form(year), award_form(year)],
                      awards=figures.awards, by_kind=dict(figures.by_kind))


def default_year():
    return statistics.latest_year() or datetime.date.today().year


KIND_CODES = {UNIT: "02", HOUSEHOLD: "04", PERSON: "05"}
