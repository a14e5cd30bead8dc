"""Nhật ký's "Trước" and "Sau" in the clerk's words: the Vietnamese name of every field the
program records (the columns of every record kind, and the figures a bulk action logs), the
states and kinds a clerk chose shown as the program names them elsewhere, dates as
dd/mm/yyyy. The stored JSON is never changed (the log's hash chain covers it); only what the
page and the log's Excel export show.

    readable('{"state": "draft", "reg_date": "2022-01-15"}', "registration")
    → 'trạng thái: Nháp; ngày đăng ký: 15/01/2022'
"""
import json
import re

# field → its name in Nhật ký. Every column of models/entities.py and every key an action
# writes by hand (tests/test_audit_labels.py checks both).
FIELD_NAMES = {
    "about": "trích yếu", "achievement": "thành tích", "achievement_text": "câu thành tích",
    "action": "thao tác", "active": "đang dùng", "actual": "kết quả thực hiện",
    "added": "số đã thêm", "address": "địa chỉ", "already": "số đã có sẵn",
    "amends": "điều chỉnh quyết định", "amount": "số tiền", "area": "lĩnh vực",
    "assessment": "đánh giá", "authors": "tác giả", "at": "lúc", "author": "người gửi", "award": "người được khen",
    "awards": "số khen thưởng", "background": "ảnh nền", "band": "xếp loại",
    "bases": "các căn cứ", "basis": "cách tính tỷ lệ", "birth_year": "năm sinh",
    "blank_kind": "loại phôi", "bloc": "cụm, khối thi đua", "bonus_max": "điểm thưởng tối đa", "builtin": "mẫu có sẵn",
    "by": "người thực hiện", "by_whom": "người thực hiện", "candidate": "người được đề nghị",
    "cash_only": "chỉ tiền thưởng", "chair": "chủ trì", "chairman": "chủ tịch",
    "channel": "hình thức tuyên truyền", "checked_on": "ngày thẩm định",
    "checked_points": "điểm thẩm định", "checker": "người thẩm định", "code": "mã",
    "coefficient": "hệ số", "comments_until": "nhận ý kiến đến ngày", "commitments":
    "số cam kết", "commune": "xã", "commune_code": "mã xã", "commune_name": "tên xã",
    "conferred_by": "cấp tặng", "content": "nội dung", "converted_cells": "số ô đã chuyển",
    "copied_from": "sao chép từ", "council": "hội đồng", "count": "số lượng",
    "covenant": "giao ước", "created_at": "tạo lúc", "criteria": "số tiêu chí",
    "criteria_set": "bảng tiêu chí", "criterion": "tiêu chí", "data": "dữ liệu mẫu",
    "date": "ngày", "decision": "quyết định", "decision_date": "ngày quyết định",
    "decision_number": "số quyết định", "decision_uuid": "mã định danh quyết định",
    "decisions": "số quyết định", "deputy": "phó", "description": "mô tả",
    "detail": "chi tiết", "direction": "chiều", "display_name": "tên ghi trên giấy khen",
    "doc_date": "ngày văn bản", "doc_number": "số văn bản", "doc_signer": "người ký văn bản",
    "done_on": "xong ngày", "dropped": "số đã bỏ", "due": "hạn", "dx": "lệch ngang (mm)",
    "dx_mm": "lệch ngang (mm)", "dy": "lệch dọc (mm)", "dy_mm": "lệch dọc (mm)",
    "effect": "hiệu quả", "effective_from": "áp dụng từ ngày", "end": "đến ngày",
    "end_date": "đến ngày", "entity": "loại bản ghi", "entity_id": "số bản ghi",
    "entries": "số dòng", "event_date": "ngày sự kiện", "evidence": "minh chứng",
    "exported_at": "xuất lúc", "failures": "số lần sai", "file": "hồ sơ",
    "file_name": "tên tệp", "file_number": "số hồ sơ", "file_sha256": "mã kiểm tra tệp",
    "file_time": "thời điểm tệp", "file_uuid": "mã định danh hồ sơ", "file_year": "năm của tệp", "first": "từ mã số",
    "floor_pct": "tỷ lệ tối thiểu (%)", "form": "hình thức", "full_name": "họ và tên",
    "gender": "giới tính", "group": "nhóm", "head": "trưởng", "head_name": "chủ hộ",
    "household": "hộ gia đình", "households": "số hộ gia đình", "id": "mã số",
    "imported_at": "nhập lúc", "imported_by": "người nhập", "initiative": "sáng kiến",
    "is_bloc": "là cụm, khối", "is_village": "là thôn, tổ dân phố", "issued_at": "ban hành lúc",
    "issued_by": "người ban hành", "issuer": "cơ quan ban hành", "job": "lệnh in",
    "key": "khóa", "kind": "loại", "label": "tên mốc", "last": "đến mã số", "last_at": "lần cuối lúc",
    "leader_name": "người đứng đầu", "legal_basis": "căn cứ pháp lý", "lessons":
    "bài học kinh nghiệm", "locked_until": "khóa đến", "max_points": "điểm tối đa",
    "measure": "đơn vị tính", "meeting": "cuộc họp", "members": "thành viên",
    "members_present": "số thành viên có mặt", "members_total": "tổng số thành viên",
    "method": "phương thức", "min_total": "tổng điểm tối thiểu", "model": "mô hình",
    "move": "lần nhập, xuất", "movement": "phong trào", "multiple": "được khen nhiều lần",
    "name": "tên", "name_key": "tên (để tìm)", "new": "sau", "new_household_ids":
    "số của các hộ mới", "new_households": "số hộ mới", "new_people": "số cá nhân mới",
    "new_person_ids": "số của các cá nhân mới", "next_tasks": "nhiệm vụ tiếp theo",
    "note": "ghi chú", "number": "số", "old": "trước", "on_behalf": "ký thay (KT.)",
    "order": "thứ tự", "over_reason": "lý do chi vượt", "own_registrations":
    "đăng ký riêng cho đợt", "paid": "đã chi", "parent": "thuộc", "passed": "được thông qua",
    "password_hash": "mật khẩu (đã mã hóa)", "path": "tệp", "people": "số cá nhân",
    "percent": "tỷ lệ (%)", "period_end": "kỳ đến ngày", "period_start": "kỳ từ ngày",
    "period_year": "năm", "person": "cá nhân", "place": "nơi", "place_name": "địa danh",
    "places": "nơi niêm yết", "position": "chức vụ", "posted_from": "niêm yết từ ngày",
    "posted_to": "niêm yết đến ngày", "posting": "đợt niêm yết", "prev_hash": "mã dòng trước",
    "print_log": "lần in", "printed": "số đã in", "printer": "máy in",
    "proposals": "số đề nghị", "proposer": "cơ quan đề nghị", "province_code": "mã tỉnh",
    "province_name": "tên tỉnh", "quantity": "số lượng", "rank": "thứ bậc",
    "reason": "lý do", "received_at": "nhận lúc", "received_on": "nhận ngày",
    "recipients": "nơi nhận", "reg_date": "ngày đăng ký", "register_no": "số vào sổ",
    "register_year": "năm vào sổ", "registration": "đăng ký", "registrations": "số đăng ký",
    "removed": "đã bỏ khỏi danh sách", "repeatable": "được tính nhiều lần",
    "report_date": "ngày báo cáo", "reprint": "in lại", "reprints": "số in lại", "resolution": "cách giải quyết",
    "resolved_by": "người giải quyết", "resolved_on": "giải quyết ngày", "restored":
    "số đã lấy lại", "result": "kết quả", "return_reason": "lý do trả lại",
    "review_date": "ngày sơ kết, tổng kết", "review_name": "tên đợt sơ kết, tổng kết",
    "role": "vai trò", "round": "đợt", "row_hash": "mã dòng", "scope": "phạm vi áp dụng",
    "secret": "bỏ phiếu kín", "secretary": "thư ký", "self_points": "điểm tự chấm",
    "self_total": "tổng điểm tự chấm", "sent": "số đã gửi", "sent_date": "ngày gửi",
    "sent_to": "nơi gửi", "seq": "số thứ tự", "serial_from": "số sêri từ",
    "serial_to": "số sêri đến", "sha256": "mã kiểm tra", "sheet": "phiếu chấm điểm",
    "sheets": "số phiếu chấm điểm", "shortcomings": "tồn tại, hạn chế",
    "signed_date": "ngày ký", "signer": "người ký", "signer_name": "người ký",
    "signer_title": "chức vụ người ký", "size": "cỡ dữ liệu", "skipped_rows": "số dòng bỏ qua",
    "slogan": "khẩu hiệu", "snapshot": "số liệu chốt", "sort_key": "khóa sắp xếp",
    "source": "nguồn", "spoiled": "số phôi hỏng", "stage": "giai đoạn",
    "stage_date": "ngày của giai đoạn", "start": "từ ngày", "start_date": "từ ngày",
    "stat_group": "nhóm thống kê", "state": "trạng thái", "subject_kind": "đối tượng",
    "subject_name": "tên đối tượng", "subject_uuid": "mã định danh đối tượng",
    "subjects": "số đối tượng", "target": "chỉ tiêu", "template": "mẫu", "templates": "các mẫu", "text": "nội dung",
    "texts": "các đoạn văn", "theme": "chủ đề", "threshold_pct": "tỷ lệ phiếu cần đạt (%)",
    "tie_break": "cách xếp khi bằng điểm", "title": "danh hiệu", "title_code": "mã danh hiệu",
    "title_key": "tên (để tìm)", "title_kind": "loại danh hiệu", "title_name": "tên danh hiệu",
    "titles": "danh hiệu", "to_decision": "sang quyết định", "total": "tổng",
    "total_max": "tổng điểm tối đa", "unit": "đơn vị", "unit_kind": "loại đơn vị",
    "unit_kinds": "các loại đơn vị", "unit_name": "tên đơn vị",
    "unit_uuid": "mã định danh đơn vị", "updated_at": "sửa lúc", "uploaded_at": "tải lên lúc",
    "uploaded_by": "người tải lên", "username": "tài khoản", "uuid": "mã định danh",
    "value": "giá trị", "value_text": "giá trị (chữ)", "version": "phiên bản",
    "vice_chairmen": "các phó chủ tịch", "village": "thôn, tổ dân phố",
    "vote_percent": "tỷ lệ phiếu (%)", "votes_against": "số phiếu không đồng ý",
    "votes_for": "số phiếu đồng ý", "warnings": "cảnh báo", "year": "năm",
    "year_from": "từ năm", "year_to": "đến năm", "years": "các năm",
    # the commune's settings (models/settings.DEFAULTS)
    "setup_done": "đã cài đặt xong", "decision_suffix": "ký hiệu quyết định",
    "signer_on_behalf": "quyết định ký TM. Ủy ban",
    "multiples_before_rounding": "nhân hệ số trước khi làm tròn",
    "vote_basis": "tỷ lệ phiếu tính trên", "vote_threshold_pct": "tỷ lệ phiếu cần đạt (%)",
    "upward_years": "số năm liên tục để đề nghị cấp trên",
    "upward_rules": "điều kiện đề nghị cấp trên", "upward_recipient": "kính gửi (tờ trình)",
    "collective_ldtt_share": "tỷ lệ Lao động tiên tiến cho danh hiệu tập thể (%)",
    "title_caps": "giới hạn tỷ lệ danh hiệu", "of": "so với", "max_pct": "tỷ lệ tối đa (%)",
    "qualifying_bands": "xếp loại được đề nghị", "cstdcs_rule": "điều kiện Chiến sĩ thi đua cơ sở",
    "discipline_person_min": "mức kỷ luật cá nhân loại khỏi đề nghị",
    "discipline_member_min": "mức kỷ luật thành viên loại đơn vị khỏi đề nghị",
    "decision_bases": "căn cứ của quyết định", "decision_proposer": "xét đề nghị của",
    "decision_recipients": "nơi nhận quyết định", "model_stuck_days":
    "số ngày mô hình dừng ở một giai đoạn", "decision_executors": "thi hành quyết định",
}

# the same key meaning something else in one kind of record
FIELD_NAMES_FOR = {("award", "target"): "in ra", ("award", "state"): "trạng thái in",
                   ("award", "count"): "số giấy khen", ("print_log", "target"): "in ra"}

# the program's own bookkeeping: shown after what the clerk wrote
LAST = {"id": 1, "uuid": 2, "name_key": 3, "title_key": 3, "sort_key": 3, "created_at": 4,
        "updated_at": 5}

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$")
_value_names = None


def _value_names_by_field():
    """{(record kind, field): {stored value: its name}} — the names the program's pages
    use, read from the modules that define them (once, when first needed)."""
    global _value_names
    if _value_names is None:
        from . import (award_history, initiatives, movements, print_log, public_list,
                       registration_reads, reviews, service)
        _value_names = {
            ("registration", "state"): registration_reads.STATES,
            ("decision", "state"): award_history.STATE_NAMES,
            ("decision", "kind"): award_history.KIND_NAMES,
            ("initiative", "state"): initiatives.STATE_NAMES,
            ("public_comment", "state"): public_list.STATE_NAMES,
            ("review", "state"): reviews.STATES,
            ("review", "kind"): reviews.KINDS,
            ("movement", "kind"): movements.KINDS,
            ("user", "role"): service.ROLE_NAMES,
            ("print_log", "state"): print_log.STATES,
            ("award", "state"): print_log.STATES,          # print_certificates' record
        }
    return _value_names


def field_name(key):
    return FIELD_NAMES.get(key, key)


def readable(text, entity=None):
    """'a: 1; b: x' in the clerk's words from the stored JSON (plain text when it is not
    JSON)."""
    if not text:
        return ""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if isinstance(value, dict):
        return _pairs(value, entity)
    return _value(value)


def _pairs(mapping, entity):
    values, names, orders = _for_entity(entity)
    given = tuple(mapping)
    keys = orders.get(given)
    if keys is None:         # the program's bookkeeping last; the rest keep their order
        keys = orders[given] = sorted(given, key=lambda k: LAST.get(k, 0))
    parts = []
    for key in keys:
        v = mapping[key]
        named = values.get(key)
        if named is not None and v.__class__ is str:
            v = named.get(v, v)
        parts.append(f"{names.get(key, key)}: {_value(v)}")
    return "; ".join(parts)


_entities = {}


def _for_entity(entity):
    """({field: {value: name}}, {field: name}, {keys as given: keys as shown}) of one kind
    of record, worked out once."""
    found = _entities.get(entity)
    if found is None:
        by_field = _value_names_by_field() if entity else {}
        found = _entities[entity] = (
            {f: names for (e, f), names in by_field.items() if e == entity},
            dict(FIELD_NAMES, **{f: name for (e, f), name in FIELD_NAMES_FOR.items()
                                 if e == entity}), {})
    return found


def _value(v):
    if v.__class__ is str and v:
        if len(v) < 10 or v[4:5] != "-":            # most text: not a date
            return v
        m = _ISO_DATE.match(v)
        if m:
            return f"{m[3]}/{m[2]}/{m[1]}"
        m = _ISO_TIME.match(v)
        if m:
            return f"{m[4]}:{m[5]} {m[3]}/{m[2]}/{m[1]}"
        return v
    if isinstance(v, list):
        return ", ".join(_value(x) for x in v)
    if isinstance(v, dict):
        return "{" + _pairs(v, None) + "}"
    if v is None or v == "":
        return "—"
    if v is True:
        return "có"
    if v is False:
        return "không"
    return str(v)
