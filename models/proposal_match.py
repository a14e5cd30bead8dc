"""Matching the rows of a proposal list to the catalogue and the records, accent-insensitively.

A unit's "danh sách đề nghị khen thưởng" names its subjects and titles the way people write
them: "LĐTT", "CSTĐCS", "Giấy khen Chủ tịch UBND xã", "Hộ ông Phạm Văn Dũng", "Trường TH Tân
Lập". Everything here compares folded keys (``vntext.fold``: no accents, no case, đ → d) and
never writes.
"""
import re
from collections import defaultdict

from . import vntext
from .entities import HOUSEHOLD, PERSON, SUBJECT_KINDS, UNIT, Household, Person, Title, Unit, \
    UnitKind

# --------------------------------------------------------------------------- kinds of subject

_KIND_KEYS = {
    PERSON: ("canhan", "cn", "nguoi", "cacanhan"),
    UNIT: ("tapthe", "tt", "donvi", "tapthedonvi", "coquandonvi", "cactapthe", "tapthecoquan"),
    HOUSEHOLD: ("hogiadinh", "hgd", "ho", "giadinh", "hogd", "cachogiadinh", "hodan"),
}
KIND_BY_KEY = {key: kind for kind, keys in _KIND_KEYS.items() for key in keys}
_ENUMERATOR = re.compile(r"^(phan\s+)?([ivx]+|[a-e]|\d{1,2})(\s*[.):/-]+\s*|\s+)")
_SECTION_WORDS = re.compile(r"^(danh sach|de nghi|khen thuong|doi voi)\s+")


def _compact(text):
    return re.sub(r"[^0-9a-z]", "", vntext.fold(text))


def parse_kind(text):
    """'Cá nhân' / 'CANHAN' / 'Tập thể' / 'HGĐ' … → PERSON / UNIT / HOUSEHOLD, else None."""
    return KIND_BY_KEY.get(_compact(text)) if text else None


def section_kind(text):
    """The kind a heading row names ("I. CÁ NHÂN", "B - Tập thể", "III. Hộ gia đình"), or None."""
    if not text:
        return None
    key = re.sub(r"[^0-9a-z.):/ -]", " ", vntext.fold(text)).strip()
    key = _ENUMERATOR.sub("", key)
    for _ in range(2):
        key = _SECTION_WORDS.sub("", key)
    kind = KIND_BY_KEY.get(_compact(key))
    # "tt" or "cn" alone is a column code, not a heading
    return kind if kind and len(_compact(key)) > 2 else None


# --------------------------------------------------------------------------- titles

_TITLE_ABBREV = {"ubnd": "uy ban nhan dan", "ct": "chu tich", "tdp": "to dan pho",
                 "gk": "giay khen", "ld": "lao dong", "tdkt": "thi dua khen thuong",
                 "hgd": "ho gia dinh", "gd": "gia dinh", "vh": "van hoa"}
_TITLE_LEAD = re.compile(r"^(de nghi |tang |danh hieu |hinh thuc |khen thuong )+")
_TITLE_YEAR = re.compile(r"\s+nam\s+\d{4}$|\s+\d{4}$")
# Everyday names of the seeded titles (codes of resources/defaults/catalogue.json).
TITLE_SYNONYMS = {
    "TDPVH": ("thon van hoa", "to dan pho van hoa", "khu dan cu van hoa", "thon to dan pho van hoa",
              "khu pho van hoa", "ap van hoa", "ban van hoa", "xom van hoa", "lang van hoa"),
    "GDVH": ("gia dinh van hoa", "ho gia dinh van hoa", "gia dinh van hoa tieu bieu"),
    "CSTDCS": ("chien si thi dua", "chien si thi dua co so"),
    "GK_CN": ("giay khen",), "GK_TT": ("giay khen",), "GK_HGD": ("giay khen",),
}


def title_key(text):
    """Folded words with abbreviations spelled out, 'của', 'đề nghị', 'danh hiệu' and a
    trailing year dropped: 'Đề nghị Giấy khen của CT UBND xã' → 'giay khen chu tich uy ban
    nhan dan xa'."""
    words = re.sub(r"[^0-9a-z]+", " ", vntext.fold(text)).split()
    words = [_TITLE_ABBREV.get(w, w) for w in words if w != "cua"]
    key = _TITLE_LEAD.sub("", " ".join(words) + " ").strip()
    return _TITLE_YEAR.sub("", key)


def _initials(name):
    return "".join(w[0] for w in re.sub(r"[^0-9a-z]+", " ", vntext.fold(name)).split())


class TitleMatcher:
    """Finds catalogue titles by name, code, initials or everyday synonym."""

    def __init__(self, titles=None):
        self.titles = list(titles if titles is not None else Title.select())
        self.exact = defaultdict(list)      # key → titles
        self.names = []                     # (name key, title) for prefix matches
        for t in self.titles:
            key = title_key(t.name)
            self.names.append((key, t))
            for k in {key, _initials(t.name), _compact(t.code), title_key(t.code)}:
                if k:
                    self.exact[k].append(t)
            for syn in TITLE_SYNONYMS.get(t.code, ()):
                self.exact[syn].append(t)

    def candidates(self, text):
        """Every title ``text`` may mean (for any kind of subject)."""
        key = title_key(text)
        found = list(self.exact.get(key, ()))
        if not found:
            found = list(self.exact.get(_compact(text), ()))
        if not found and len(key.split()) >= 2:
            found = [t for k, t in self.names
                     if k.startswith(key + " ") or key.startswith(k + " ")]
        seen, out = set(), []
        for t in found:
            if t.id not in seen:
                seen.add(t.id)
                out.append(t)
        return out

    def find(self, text, kind):
        """(title, None) or (None, Vietnamese reason). ``kind`` may be None (then the title
        decides it, when it exists for one kind of subject only)."""
        found = self.candidates(text)
        if not found:
            names = sorted({t.name for t in self.titles if t.active})
            return None, (f"Không có danh hiệu/hình thức '{text}' trong danh mục; hãy ghi một "
                          "trong: " + "; ".join(names) + " (hoặc viết tắt như LĐTT, CSTĐCS, "
                          "GĐVH).")
        if kind is None:
            kinds = {t.subject_kind for t in found}
            if len(kinds) > 1:
                return None, (f"'{text}' dùng cho cả " + ", ".join(
                    SUBJECT_KINDS[k].lower() for k in sorted(kinds)) + "; hãy ghi cột Phân "
                    "loại (Cá nhân, Tập thể, Hộ gia đình).")
            kind = kinds.pop()
        fitting = [t for t in found if t.subject_kind == kind]
        if not fitting:
            kinds = sorted({SUBJECT_KINDS[t.subject_kind].lower() for t in found})
            return None, (f"'{found[0].name}' không dành cho {SUBJECT_KINDS[kind].lower()} "
                          f"(chỉ dành cho {', '.join(kinds)}); hãy sửa danh hiệu hoặc phân "
                          "loại của dòng này.")
        active = [t for t in fitting if t.active] or fitting
        title = max(active, key=lambda t: t.rank)
        if not title.active:
            return None, f"Danh hiệu/hình thức '{title.name}' đã ngừng dùng trong danh mục."
        return title, None


# --------------------------------------------------------------------------- names

_UNIT_ABBREV = {"thcs": "trung hoc co so", "thpt": "trung hoc pho thong",
                "mn": "mam non", "tyt": "tram y te", "htx": "hop tac xa",
                "ubnd": "uy ban nhan dan", "tdp": "to dan pho", "mttq": "mat tran to quoc",
                "ccb": "cuu chien binh", "hlhpn": "hoi lien hiep phu nu"}
_PLACE_PREFIX = re.compile(r"^(thon|to dan pho|to|khu pho|khu dan cu|ap|ban|xom|khu|lang)\s+")
_PERSON_PREFIX = re.compile(r"^(ong|ba|anh|chi|dong chi|d/c)\s+")
_HOUSE_PREFIX = re.compile(r"^((ho gia dinh|gia dinh|ho|chu ho)\s+((ong|ba)\s+)?|(ong|ba)\s+)")
_UNIT_PREFIX = re.compile(r"^tap the\s+")


def unit_key(name):
    """'Trường TH Tân Lập' and 'Trường Tiểu học Tân Lập' give the same key; 'Thôn' dropped."""
    words = re.sub(r"[^0-9a-z]+", " ", vntext.fold(name)).split()
    out = []
    for i, w in enumerate(words):
        if w == "th" and i and words[i - 1] == "truong":
            out.append("tieu hoc")
        else:
            out.append(_UNIT_ABBREV.get(w, w))
    return _PLACE_PREFIX.sub("", " ".join(out)).strip()


def strip_salutation(name, kind):
    """(name without 'Ông'/'Bà'/'Hộ ông'/'Tập thể', gender hint 'nam'/'nu' or None)."""
    folded = vntext.fold(name)
    pattern = {PERSON: _PERSON_PREFIX, HOUSEHOLD: _HOUSE_PREFIX, UNIT: _UNIT_PREFIX}.get(kind)
    if pattern is None:
        return name, None
    m = pattern.match(folded)
    if not m:
        return name, None
    words = len(m.group(0).split())
    rest = " ".join(name.split()[words:])
    hint = None
    said = m.group(0).split()
    if "ong" in said:
        hint = "nam"
    elif "ba" in said:
        hint = "nu"
    return (rest, hint) if len(rest.split()) >= 2 else (name, None)


def gender_from_name(name):
    """'nu' for a middle name 'Thị', 'nam' for 'Văn', else None (a guess the preview shows)."""
    words = vntext.fold(name).split()
    middle = words[1:-1]
    if "thi" in middle:
        return "nu"
    if "van" in middle:
        return "nam"
    return None


# --------------------------------------------------------------------------- the records

class Directory:
    """Existing units, people and households, indexed by folded names (read once)."""

    def __init__(self):
        self.units = {u.id: u for u in Unit.select(Unit, UnitKind).join(UnitKind)}
        self.unit_exact, self.unit_loose = defaultdict(list), defaultdict(list)
        self.children = defaultdict(list)
        for u in self.units.values():
            self.unit_exact[vntext.fold(u.name)].append(u)
            self.unit_loose[unit_key(u.name)].append(u)
            self.children[u.parent_id].append(u.id)
        self.people = defaultdict(list)
        for row in Person.select(Person.id, Person.full_name, Person.name_key, Person.unit,
                                 Person.birth_year, Person.active).tuples():
            self.people[row[2]].append(row)
        self.households = defaultdict(list)
        for row in Household.select(Household.id, Household.head_name, Household.name_key,
                                    Household.village, Household.birth_year,
                                    Household.active).tuples():
            self.households[row[2]].append(row)

    def find_units(self, text, within=None):
        """Units named ``text`` (exact folded name, else without 'Thôn'/abbreviations),
        inside ``within``'s subtree first when given."""
        found = self.unit_exact.get(vntext.fold(text)) or self.unit_loose.get(unit_key(text)) \
            or []
        if within is not None and len(found) > 1:
            inside = [u for u in found if u.id in self.subtree(within)]
            found = inside or found
        active = [u for u in found if u.active]
        return active or found

    def subtree(self, unit):
        ids, stack = set(), [unit.id]
        while stack:
            uid = stack.pop()
            if uid not in ids:
                ids.add(uid)
                stack.extend(self.children.get(uid, ()))
        return ids

    def unit_label(self, unit_id):
        u = self.units.get(unit_id)
        return u.name if u is not None else "không thuộc đơn vị nào"

    def people_named(self, name):
        return self.people.get(vntext.fold(name), [])

    def households_named(self, name):
        return self.households.get(vntext.fold(name), [])

    def person_label(self, row):
        ident, name, _key, unit_id, year, _active = row
        return f"{name} ({self.unit_label(unit_id)}" + (f", sinh {year})" if year else ")")

    def household_label(self, row):
        ident, name, _key, village_id, year, _active = row
        return f"Hộ {name} ({self.unit_label(village_id)}" + (f", sinh {year})" if year else ")")

    def unit_full_label(self, unit):
        parent = self.units.get(unit.parent_id)
        return f"{unit.name} ({unit.kind.name}" + (f", thuộc {parent.name})" if parent else ")")
