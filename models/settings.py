"""Commune settings (name, chairman, place name, numbering…): JSON values by key, audited."""
import json
from dataclasses import dataclass, field

from .bulk import Prepared
from .entities import Setting
from .service import audit, service
from . import vntext

DEFAULTS = {
    "setup_done": False,
    "province_code": None,
    "province_name": "",
    "commune_code": None,
    "commune_name": "",          # "Xã Tân Lập"
    "chairman": "",
    "vice_chairmen": [],
    "place_name": "",            # "Tân Lập" in date lines
    "decision_suffix": "QĐ-UBND",
    "signer_on_behalf": False,   # True: a decision of the committee "TM. ỦY BAN NHÂN DÂN";
    #                              default: the chairman's own (Law 06/2022 Art. 80)
    "multiples_before_rounding": True,  # coef × multiple × base, then round up (DOMAIN.md §4);
    #                                     False: round the individual amount, × multiple, round up
    "vote_basis": "present",     # council vote percentage of members "present" or "total"
    "vote_threshold_pct": 50,    # a candidate passes with at least this percentage
    "upward_years": 2,           # consecutive years of titles for a proposal upward
    # per provincial title: consecutive years needed and the titles/forms that count for
    # them (catalogue codes; [] = any title). Defaults after Law 06/2022 (unverified under
    # Decree 152/2025): editable data, never a rule in code.
    "upward_rules": {"CSTD_TINH": {"years": 3, "titles": ["CSTDCS"]},
                     "BKT_CN": {"years": 2, "titles": ["LDTT", "CSTDCS"]},
                     "BKT_TT": {"years": 2, "titles": ["TTLDTT", "TTLDXS", "TDPVH"]},
                     "BKT_HGD": {"years": 2, "titles": ["GDVH"]},
                     "TTLDXS": {"years": 1, "titles": ["TTLDTT", "TTLDXS"]},
                     "CTD_TINH": {"years": 2, "titles": ["TTLDXS"]},
                     "XPTB": {"years": 1, "titles": []}},
    "upward_recipient": "",      # "Chủ tịch Ủy ban nhân dân tỉnh …" (Kính gửi of the tờ trình)
    "collective_ldtt_share": 70,  # % of members "Lao động tiên tiến" for collective titles
    "title_caps": {},            # {"CSTDCS": {"of": "LDTT", "max_pct": 15}}: share caps, none by default
    "qualifying_bands": ["Xuất sắc", "Tốt"],
    # issue 18 (models/candidate_records.py): "and" | "or" — Chiến sĩ thi đua cơ sở needs
    # excellent completion and/or a recognised initiative; discipline levels that bar titles
    "cstdcs_rule": "and",
    "discipline_person_min": "khien_trach",
    "discipline_member_min": "canh_cao",  # unit bands that make a registered unit a candidate
    "decision_bases": ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025", "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022", "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết một số điều của Luật Thi đua, khen thưởng", "Căn cứ Thông tư số 15/2025/TT-BNV của Bộ trưởng Bộ Nội vụ hướng dẫn thi hành công tác thi đua, khen thưởng"],
    "decision_proposer": "Xét đề nghị của Hội đồng Thi đua - Khen thưởng xã",
    "decision_recipients": ["Như Điều 3", "TT Đảng ủy, TT HĐND xã (b/c)", "Chủ tịch, các Phó Chủ tịch UBND xã", "Lưu: VT"],
    "model_stuck_days": 180,     # an exemplary model waiting longer in one stage is "stuck"
    "decision_executors": "Chánh Văn phòng HĐND và UBND xã, bộ phận Tài chính - Kế toán",
}

TEXT_KEYS = {"province_name", "commune_name", "chairman", "place_name", "decision_suffix"}


def get(key, default=None):
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return DEFAULTS.get(key, default) if default is None else default
    return json.loads(row.value)


_ALL = Prepared(lambda: Setting.select(Setting.key, Setting.value).tuples())   # once


def get_all():
    values = dict(DEFAULTS)
    for key, value in _ALL.objects():
        values[key] = json.loads(value)
    return values


def _store(key, value):
    Setting.insert(key=key, value=json.dumps(value, ensure_ascii=False)).on_conflict(
        conflict_target=[Setting.key], preserve=[Setting.value]).execute()


def _clean(key, value):
    if key in TEXT_KEYS:
        return vntext.clean_text(value)
    if key == "vice_chairmen":
        return [vntext.clean_text(v) for v in value if vntext.clean_text(v)]
    return value


@service("leader")
def update_settings(*, actor, values, reason=None):
    """Change several settings in one audited step."""
    old_all = get_all()
    old, new = {}, {}
    for key, value in values.items():
        value = _clean(key, value)
        if old_all.get(key) != value:
            old[key], new[key] = old_all.get(key), value
            _store(key, value)
    if new:
        audit(actor, "update_settings", "setting", old=old, new=new, reason=reason)
    return get_all()


@service("leader")
def save_initial_settings(*, actor, values):
    """The wizard's and the demo's settings: every given key stored (even at its default)."""
    old_all = get_all()
    old, new = {}, {}
    for key, value in values.items():
        value = _clean(key, value)
        _store(key, value)
        if old_all.get(key) != value:
            old[key], new[key] = old_all.get(key), value
    if new:
        audit(actor, "initial_settings", "setting", old=old, new=new)


@dataclass
class Commune:
    name: str = ""
    province: str = ""
    chairman: str = ""
    vice_chairmen: list = field(default_factory=list)
    place_name: str = ""
    decision_suffix: str = "QĐ-UBND"
    on_behalf: bool = False

    @property
    def upper_name(self):
        """'XÃ TÂN LẬP' for headings."""
        return self.name.upper()

    @property
    def in_sentence(self):
        """'xã Tân Lập' for use inside a sentence ("… của Ủy ban nhân dân xã Tân Lập")."""
        return sentence_name(self.name)

    @property
    def issuer(self):
        """'ỦY BAN NHÂN DÂN XÃ TÂN LẬP' style heading."""
        return f"ỦY BAN NHÂN DÂN {self.name.upper()}".strip()


_UNIT_WORDS = ("xã", "phường", "đặc khu", "thị trấn", "thôn", "tổ dân phố", "khối", "tổ")


def sentence_name(name):
    """An administrative name as written inside a sentence: its kind word in lower case
    ('Xã Tân Lập' → 'xã Tân Lập', 'Phường Hà Huy Tập' → 'phường Hà Huy Tập')."""
    name = vntext.clean_text(name)
    low = name.lower()
    for word in _UNIT_WORDS:
        if low.startswith(word + " "):
            return word + name[len(word):]
    return name


def commune():
    v = get_all()
    return Commune(name=v["commune_name"], province=v["province_name"], chairman=v["chairman"],
                   vice_chairmen=list(v["vice_chairmen"]), place_name=v["place_name"],
                   decision_suffix=v["decision_suffix"] or "QĐ-UBND",
                   on_behalf=bool(v["signer_on_behalf"]))
