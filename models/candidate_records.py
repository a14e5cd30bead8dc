"""Candidate warnings read from the year's other records (issue 18): recognised initiatives and
excellent completion for "Chiến sĩ thi đua cơ sở", discipline of a person, of a unit and of a
unit's members. Warnings only: the council keeps a candidate with a reason, as for every check.

Rules (settings, DOMAIN.md §3; the law's wording differs by version and province):
- ``cstdcs_rule`` "and" (default): Chiến sĩ thi đua cơ sở needs excellent completion AND a
  recognised initiative; "or": either one.
- ``discipline_person_min`` (default "khien_trach"): a person disciplined at this form or
  above, in a period touching the year, is flagged for every title and form.
- a unit disciplined itself (any form) is flagged for every title and form;
  ``discipline_member_min`` (default "canh_cao"): the collective titles (Tập thể lao động tiên
  tiến / xuất sắc) are flagged when a member is disciplined at this form or above.
"""
from collections import defaultdict

from . import discipline, initiatives, settings, vntext
from .entities import PERSON, UNIT, CriteriaSet, Person, ScoreSheet

CSTDCS = "CSTDCS"
COLLECTIVE_CODES = ("TTLDTT", "TTLDXS")
EXCELLENT = "xuat sac"


def _person_bands(year, people):
    """{person id: band} of the people's own score sheets of ``year`` (if any)."""
    out = {}
    ids = sorted(people)
    for start in range(0, len(ids), 500):
        for pid, band in (ScoreSheet.select(ScoreSheet.person, ScoreSheet.band)
                          .join(CriteriaSet)
                          .where(CriteriaSet.year == year,
                                 ScoreSheet.person.in_(ids[start:start + 500])).tuples()):
            if band:
                out[pid] = band
    return out


class RecordChecks:
    def __init__(self, year, keys):
        self.year = year
        self.rule = settings.get("cstdcs_rule") or "and"
        people = {ident for kind, ident in keys if kind == PERSON}
        units = {ident for kind, ident in keys if kind == UNIT}
        self.initiatives = initiatives.recognised_people(year)
        self.bands = _person_bands(year, people)
        self.disciplined = discipline.year_disciplines(year)
        self.person_min = discipline.person_min_level()
        self.member_min = discipline.member_min_level()
        self.members = defaultdict(list)       # unit id → [(name, text)] of serious cases
        serious = [ident for (kind, ident), cases in self.disciplined.items()
                   if kind == PERSON and any(lv >= self.member_min for lv, _ in cases)]
        if units and serious:
            for pid, name, uid in (Person.select(Person.id, Person.full_name, Person.unit)
                                   .where(Person.id.in_(serious), Person.unit.in_(sorted(units)))
                                   .tuples()):
                texts = [t for lv, t in self.disciplined[(PERSON, pid)] if lv >= self.member_min]
                self.members[uid].append((name, texts[0]))

    def warnings(self, key, code):
        """Discipline first (the most serious), then the CSTĐCS standards."""
        out = self.discipline(key, code)
        if key[0] == PERSON and code == CSTDCS:
            out += self.cstdcs(key[1])
        return out

    def discipline(self, key, code):
        kind, ident = key
        year = self.year
        out = []
        if kind == PERSON:
            cases = [t for lv, t in self.disciplined.get(key, []) if lv >= self.person_min]
            if cases:
                out.append(f"Bị kỷ luật {cases[0]} trong năm {year}: không xét danh hiệu thi "
                           "đua, khen thưởng trong thời gian bị kỷ luật.")
        elif kind == UNIT:
            cases = [t for _, t in self.disciplined.get(key, [])]
            if cases:
                out.append(f"Tập thể bị kỷ luật {cases[0]} trong năm {year}.")
            if code in COLLECTIVE_CODES and self.members.get(ident):
                found = self.members[ident]
                names = ", ".join(n for n, _ in found[:3]) + ("…" if len(found) > 3 else "")
                level_name = discipline.form_name(
                    settings.get("discipline_member_min") or "canh_cao").lower()
                out.append(f"Có {len(found)} thành viên bị kỷ luật từ {level_name} trở lên năm "
                           f"{year} ({names}): danh hiệu tập thể cần không có trường hợp nào.")
        return out

    def cstdcs(self, ident):
        year = self.year
        has_init = ident in self.initiatives
        band = self.bands.get(ident)
        excellent = band is not None and vntext.fold(band) == EXCELLENT
        if self.rule == "or":
            if not has_init and not excellent:
                return [f"Chiến sĩ thi đua cơ sở cần hoàn thành xuất sắc nhiệm vụ hoặc có sáng "
                        f"kiến được công nhận; năm {year} chưa có cả hai."]
            return []
        out = []
        if band is None:
            out.append(f"Chưa có kết quả hoàn thành xuất sắc nhiệm vụ năm {year} (tiêu chuẩn "
                       "Chiến sĩ thi đua cơ sở).")
        elif not excellent:
            out.append(f"Kết quả đánh giá năm {year} chỉ là {band}; Chiến sĩ thi đua cơ sở cần "
                       "hoàn thành xuất sắc nhiệm vụ.")
        if not has_init:
            out.append(f"Chưa có sáng kiến được công nhận trong năm {year} (tiêu chuẩn Chiến sĩ "
                       "thi đua cơ sở).")
        return out


def record_checks(year, keys):
    return RecordChecks(year, keys)
