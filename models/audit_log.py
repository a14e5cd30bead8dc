"""The audit log as a hash chain: writing a row, verifying the chain, reading it for the page.

Each row carries ``prev_hash`` (the previous row's ``row_hash``) and ``row_hash`` =
sha256(prev_hash + canonical JSON of the row as stored). Changing, deleting or inserting a
row in the middle breaks the chain at that row; ``verify_chain`` finds the first break.
The chain has no secret key: it shows careless or clumsy edits, and together with the
database's triggers (no UPDATE/DELETE of audit rows) makes forging take deliberate work.
"""
import datetime
import hashlib
import json
from dataclasses import dataclass

from .db import db
from .entities import AuditLog
from . import vntext
from .audit_fields import readable

GENESIS = "0" * 64
COLUMNS = ("id", "at", "username", "action", "entity", "entity_id", "old", "new", "reason")

VERBS = {"add": "Thêm", "update": "Sửa", "delete": "Xóa", "create": "Tạo", "remove": "Bỏ",
         "set": "Đặt", "copy": "Sao chép", "save": "Lưu", "record": "Ghi", "restore": "Lấy lại",
         "build": "Lập", "import": "Nhập từ Excel", "issue": "Ban hành", "bulk": "Đăng ký loạt",
         "print": "In", "demo": "Dữ liệu mẫu:"}
NOUNS = {"base_salary": "mức lương cơ sở", "candidate": "người được đề nghị",
         "candidates": "danh sách đề nghị", "household": "hộ gia đình", "households":
         "hộ gia đình", "movement": "phong trào", "person": "cá nhân", "people": "cá nhân",
         "recipient": "người được khen", "round": "đợt", "target": "chỉ tiêu", "targets":
         "chỉ tiêu", "unit": "đơn vị", "units": "đơn vị", "criteria_set": "bảng tiêu chí",
         "criteria": "bảng tiêu chí", "decision": "quyết định", "meeting": "cuộc họp",
         "score_sheet": "phiếu chấm điểm", "template": "mẫu giấy khen", "user": "tài khoản",
         "covenant": "giao ước thi đua", "registration": "đăng ký", "scores": "điểm",
         "vote": "kết quả bỏ phiếu", "actual": "kết quả thực hiện", "commitment_actual":
         "kết quả cam kết", "bloc_officers": "cụm trưởng, cụm phó", "printer_offset":
         "độ lệch máy in", "title": "danh hiệu", "settings": "cài đặt", "register":
         "đăng ký thi đua", "certificates": "giấy khen", "commitment_actuals": "kết quả cam kết",
         "decisions": "quyết định", "scoring": "chấm điểm", "state": "trạng thái",
         "setting": "cài đặt", "database": "dữ liệu", "score": "điểm", "base_salary_row":
         "mức lương cơ sở", "cert_template": "mẫu giấy khen", "award": "người được khen",
         "commitment": "cam kết", "criterion": "tiêu chí", "band": "mức xếp loại",
         "unit_kind": "loại đơn vị", "upward_file": "hồ sơ đề nghị cấp trên",
         "upward_proposal": "người trong hồ sơ đề nghị cấp trên",
         "award_occasion": "đợt khen thưởng đột xuất, chuyên đề", "initiative": "sáng kiến",
         "discipline": "kỷ luật", "public_posting": "niêm yết công khai",
         "public_comment": "ý kiến phản ánh", "doc_template": "mẫu văn bản Word",
         "exemplary_model": "mô hình điển hình", "model_replication": "nơi nhân rộng",
         "model_publicity": "tuyên truyền mô hình", "review": "báo cáo sơ kết, tổng kết",
         "plan_deadline": "mốc thời gian", "fund_entry": "khoản thu, chi của quỹ",
         "blank_kind": "loại phôi giấy khen", "blank_move": "nhập, xuất phôi",
         "blank_use": "phôi đã dùng", "prov_commune": "xã (cấp tỉnh)"}
ACTION_NAMES = {
    "sign_in": "Đăng nhập", "sign_in_failed": "Đăng nhập sai", "sign_in_locked":
    "Tạm khóa đăng nhập", "sign_in_refused": "Đăng nhập bị từ chối",
    "change_password": "Đổi mật khẩu", "initial_settings": "Cài đặt ban đầu",
    "restore": "Khôi phục dữ liệu", "bulk_register": "Đăng ký thi đua hàng loạt",
    "demo_set_state": "Dữ liệu mẫu: đặt trạng thái", "load_demo": "Nạp dữ liệu mẫu", "register": "Đăng ký thi đua",
    "amend_decision_draft": "Lập dự thảo quyết định điều chỉnh",
    "revoke_decision_draft": "Lập dự thảo quyết định thu hồi",
    "corrected_by_decision": "Quyết định bị điều chỉnh", "revoked_by_decision":
    "Quyết định bị thu hồi",
    # issues 17-20: fund, blanks, special awards, initiatives, discipline, exemplary models,
    # reviews, public list, upward files, deadlines, rounds, Word templates, the province
    "add_deadline": "Thêm mốc thời gian", "delete_deadline": "Xóa mốc thời gian",
    "deadline_done": "Ghi mốc thời gian đã xong",
    "add_upward_from_votes": "Thêm vào hồ sơ đề nghị cấp trên từ kết quả bình xét",
    "add_upward_proposal": "Thêm người vào hồ sơ đề nghị cấp trên",
    "remove_upward_proposal": "Bỏ người khỏi hồ sơ đề nghị cấp trên",
    "create_upward_file": "Lập hồ sơ đề nghị cấp trên",
    "update_upward_file": "Sửa hồ sơ đề nghị cấp trên",
    "update_upward_texts": "Sửa nội dung hồ sơ đề nghị cấp trên",
    "delete_upward_file": "Xóa hồ sơ đề nghị cấp trên",
    "export_upward_file": "Xuất hồ sơ đề nghị cấp trên",
    "confirm_printed_sheets": "Xác nhận số tờ giấy khen đã in",
    "receive_blanks": "Nhận phôi giấy khen", "spoil_blanks": "Ghi phôi giấy khen hỏng",
    "save_blank_kind": "Lưu loại phôi giấy khen",
    "create_initiative": "Thêm sáng kiến", "update_initiative": "Sửa sáng kiến",
    "delete_initiative": "Xóa sáng kiến", "recognise_initiative": "Công nhận sáng kiến",
    "record_discipline": "Ghi kỷ luật", "delete_discipline": "Xóa kỷ luật",
    "record_sudden_award": "Ghi khen thưởng đột xuất",
    "update_sudden_award": "Sửa khen thưởng đột xuất",
    "record_themed_award": "Ghi khen thưởng theo chuyên đề",
    "discover_model": "Ghi phát hiện mô hình điển hình",
    "delete_model": "Xóa mô hình điển hình",
    "model_replicated": "Ghi nơi nhân rộng mô hình điển hình",
    "update_model_replication": "Sửa nơi nhân rộng mô hình điển hình",
    "remove_model_replication": "Bỏ nơi nhân rộng mô hình điển hình",
    "model_publicity": "Ghi tuyên truyền mô hình điển hình",
    "create_review": "Lập báo cáo sơ kết, tổng kết",
    "update_review": "Sửa báo cáo sơ kết, tổng kết",
    "delete_review": "Xóa báo cáo sơ kết, tổng kết",
    "send_review": "Gửi báo cáo sơ kết, tổng kết",
    "reopen_review": "Mở lại báo cáo sơ kết, tổng kết để sửa",
    "create_posting": "Niêm yết công khai danh sách",
    "update_posting": "Sửa niêm yết công khai",
    "record_comment": "Ghi ý kiến phản ánh", "resolve_comment": "Giải quyết ý kiến phản ánh",
    "reopen_comment": "Mở lại ý kiến phản ánh",
    "round_registrations": "Bật/tắt đăng ký riêng của đợt",
    "doc_template_save": "Lưu mẫu văn bản Word", "doc_template_remove": "Bỏ mẫu văn bản Word",
    "fund_add_entry": "Ghi khoản thu, chi của quỹ thi đua, khen thưởng",
    "fund_update_entry": "Sửa khoản thu, chi của quỹ",
    "fund_delete_entry": "Xóa khoản thu, chi của quỹ",
    "fund_decision_entry": "Ghi khoản chi quỹ theo quyết định",
    "import_proposals": "Nhập danh sách đề nghị từ Excel",
    "province_import": "Tỉnh: nhận tệp của xã", "province_set": "Tỉnh: ghi tỉnh của cơ sở dữ liệu",
    "submit_registration": "Gửi đăng ký thi đua", "accept_registration": "Nhận đăng ký thi đua",
    "return_registration": "Trả lại đăng ký thi đua",
    "reopen_registration": "Mở lại đăng ký thi đua để sửa",
    "submit_sheet": "Gửi phiếu chấm điểm", "check_sheet": "Duyệt phiếu chấm điểm",
    "return_sheet": "Trả lại phiếu chấm điểm", "finalise_sheet": "Chốt phiếu chấm điểm",
    "reopen_sheet": "Mở lại phiếu chấm điểm",
    "set_unit_active": "Đổi trạng thái hoạt động của đơn vị",
    "set_person_active": "Đổi trạng thái theo dõi của cá nhân",
    "set_household_active": "Đổi trạng thái theo dõi của hộ gia đình",
    "update_deadline": "Sửa mốc thời gian", "update_model": "Sửa mô hình điển hình",
    "demo_fund": "Dữ liệu mẫu: quỹ thi đua, khen thưởng",
}
# the stages of an exemplary model (models/exemplary.py: f"model_{stage}" and its undo/edit)
for _stage, _name in (("discovered", "phát hiện"), ("nurtured", "bồi dưỡng"),
                      ("summarised", "tổng kết"), ("replicated", "nhân rộng")):
    ACTION_NAMES.setdefault(f"model_{_stage}", f"Ghi giai đoạn {_name} của mô hình điển hình")
    ACTION_NAMES[f"update_model_{_stage}"] = f"Sửa giai đoạn {_name} của mô hình điển hình"
    ACTION_NAMES[f"remove_model_{_stage}"] = f"Bỏ giai đoạn {_name} của mô hình điển hình"


def _canonical_json():
    """``json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))`` as a function
    whose encoder is made once: ``json.dumps`` makes a new one at each call, which was half
    of the chain check's time (33,553 rows: 0.24 s of 0.48 s). Same C encoder, same text."""
    def dumps(values):
        return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))
    try:
        from json.encoder import c_make_encoder, encode_basestring
    except ImportError:
        return dumps
    if c_make_encoder is None:
        return dumps
    encode = c_make_encoder(None, json.JSONEncoder().default, encode_basestring, None, ":", ",",
                            False, False, True)
    join = "".join                  # the text in chunks (a list in 3.11, a tuple later)
    if join(encode([0, "ă", None], 0)) != '[0,"ă",null]':
        return dumps
    return lambda values: join(encode(values, 0))


_canonical = _canonical_json()


def row_digest(prev_hash, values):
    """sha256 hex of ``prev_hash`` + the canonical JSON of the stored column values."""
    return hashlib.sha256((prev_hash + "\n" + _canonical(values)).encode("utf-8")).hexdigest()


def _last():
    row = db.execute_sql(
        f"SELECT id, row_hash FROM {AuditLog._meta.table_name} ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return (row[0], row[1] or GENESIS) if row else (0, GENESIS)


def _json(value):
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def append(*, username, action, entity, entity_id=None, old=None, new=None, reason=None):
    """Write one chained row (in the caller's transaction, or one of its own).

    ``old``/``new``: JSON text, or a value that is written as JSON.
    """
    fields = AuditLog._meta.fields
    old, new = _json(old), _json(new)
    at = str(datetime.datetime.now())
    with db.atomic():
        last_id, prev = _last()
        values = [last_id + 1, at] + [
            fields[name].db_value(value) for name, value in (
                ("username", username), ("action", action), ("entity", entity),
                ("entity_id", entity_id), ("old", old), ("new", new), ("reason", reason))]
        row = dict(zip(COLUMNS, values))
        row.update(prev_hash=prev, row_hash=row_digest(prev, values))
        AuditLog.insert(row).execute()
    return row["id"]


def append_many(*, username, entries):
    """Write many chained rows at once (in the caller's transaction): ``entries`` are dicts
    with action, entity, entity_id, old, new, reason like ``append``'s arguments. One
    prepared INSERT for all (a vote on 13,000 candidates logs each vote)."""
    if not entries:
        return
    from .bulk import insert_sql
    fields = AuditLog._meta.fields
    at = str(datetime.datetime.now())
    names = ("username", "action", "entity", "entity_id", "old", "new", "reason")
    with db.atomic():
        last_id, prev = _last()
        rows = []
        for n, e in enumerate(entries, 1):
            given = {"username": username, **e}
            values = [last_id + n, at] + [
                fields[name].db_value(_json(given.get(name)) if name in ("old", "new")
                                      else given.get(name)) for name in names]
            digest = row_digest(prev, values)
            rows.append(tuple(values) + (prev, digest))
            prev = digest
        columns = [fields[c] for c in COLUMNS] + [fields["prev_hash"], fields["row_hash"]]
        db.cursor().executemany(insert_sql(AuditLog, columns), rows)


def _stored(values):
    """Column values as the hash saw them: a server returns the time as a datetime, SQLite
    as the text str(datetime) wrote."""
    return [str(v) if isinstance(v, datetime.datetime) else v for v in values]


def backfill(database):
    """Chain rows written before the chain existed (migration 2); returns how many."""
    table = AuditLog._meta.table_name
    rows = database.execute_sql(
        f"SELECT {', '.join(COLUMNS)}, row_hash FROM {table} ORDER BY id").fetchall()
    prev, updates = GENESIS, []
    for row in rows:
        digest = row[-1]
        if digest is None:
            digest = row_digest(prev, _stored(row[:-1]))
            updates.append((prev, digest, row[0]))
        prev = digest
    if updates:
        p = database.param
        database.cursor().executemany(
            f"UPDATE {table} SET prev_hash = {p}, row_hash = {p} WHERE id = {p}", updates)
    return len(updates)


@dataclass
class ChainResult:
    rows: int
    broken_id: int | None = None
    broken_at: str | None = None
    problem: str = ""

    @property
    def ok(self):
        return self.broken_id is None

    def describe(self):
        if self.ok:
            return f"Nhật ký nguyên vẹn: {vntext.format_int(self.rows)} dòng, chuỗi mã kiểm tra khớp."
        return (f"Nhật ký bị sửa hoặc xóa từ dòng số {self.broken_id} (ghi lúc "
                f"{_when(self.broken_at)}): {self.problem}.")


def _when(text):
    try:
        return datetime.datetime.fromisoformat(str(text)).strftime("%H:%M:%S ngày %d/%m/%Y")
    except ValueError:
        return str(text)


def verify_chain():
    """Walk the whole log in id order; the first row whose hash does not follow is reported."""
    table = AuditLog._meta.table_name
    cursor = db.execute_sql(
        f"SELECT {', '.join(COLUMNS)}, prev_hash, row_hash FROM {table} ORDER BY id")
    prev, count = GENESIS, 0
    canonical, sha256, moment = _canonical, hashlib.sha256, datetime.datetime
    for row in cursor:
        # row_digest inlined (a function call per row is a tenth of the walk); only "at" can
        # come back as a datetime (a server's timestamp column): _stored for that row only
        values, prev_hash, digest = row[:-2], row[-2], row[-1]
        if isinstance(values[1], moment):
            values = _stored(values)
        if prev_hash != prev:
            problem = ("dòng trước nó đã bị xóa hoặc sửa" if prev_hash else
                       "dòng không có mã kiểm tra (được chèn ngoài chương trình)")
            return ChainResult(count, row[0], row[1], problem)
        if digest != sha256((prev + "\n" + canonical(values)).encode("utf-8")).hexdigest():
            return ChainResult(count, row[0], row[1], "nội dung dòng không khớp mã kiểm tra")
        prev, count = digest, count + 1
    return ChainResult(count)


# --------------------------------------------------------------------------- reading

@dataclass
class AuditFilter:
    username: str = ""
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    text: str = ""


def action_label(action):
    """'Thêm đơn vị' for add_unit; the code itself when no wording is known."""
    if action in ACTION_NAMES:
        return ACTION_NAMES[action]
    verb, _, noun = (action or "").partition("_")
    if verb in VERBS and noun in NOUNS:
        return f"{VERBS[verb]} {NOUNS[noun]}"
    return action


def usernames():
    return [u for (u,) in AuditLog.select(AuditLog.username).distinct()
            .order_by(AuditLog.username).tuples()]


def actions():
    return [a for (a,) in AuditLog.select(AuditLog.action).distinct()
            .order_by(AuditLog.action).tuples()]


def audit_rows(flt=None, *, limit=20000):
    """Newest first: dicts with when, who, action, entity, id, old, new, reason."""
    return [{"id": ident, "at": at, "username": user, "action": action, "action_name": name,
             "entity": entity, "entity_id": entity_id, "entity_name": noun, "old": old,
             "new": new, "reason": reason, "key": key}
            for ident, at, user, action, name, entity, noun, entity_id, old, new, reason, key
            in _read(flt, limit)]


def table_rows(flt=None, *, limit=20000):
    """The rows of the page's table, newest first, as tuples (no dict per row): (id, at,
    username, action name, target, old, new, reason, folded search key); ``target`` is the
    entity's name and id ("đơn vị 12")."""
    return [(ident, at, user, name, noun if entity_id is None else f"{noun} {entity_id}",
             old, new, reason, key)
            for ident, at, user, _action, name, _entity, noun, entity_id, old, new, reason, key
            in _read(flt, limit)]


def _read(flt, limit):
    """(id, at, username, action, action name, entity, entity name, entity_id, old, new,
    reason, key) tuples newest first: the values as peewee's fields give them, ``old``/``new``
    made readable, ``key`` the fold of all but ``at`` for the search.

    Read from the cursor without peewee's per-value conversion, and what repeats over
    thousands of rows worked out once: the time of a batch (one per append_many), the
    wording and folded text of a user's action on an entity, the readable and folded text of
    an old/new/reason (a vote's {"yes": 9, "no": 2}). The key is the same text as folding the
    whole row at once: fold(a + " " + b) is fold(a) + " " + fold(b) (fold works a character
    at a time and only collapses whitespace)."""
    flt = flt or AuditFilter()
    query = AuditLog.select(AuditLog.id, AuditLog.at, AuditLog.username, AuditLog.action,
                            AuditLog.entity, AuditLog.entity_id, AuditLog.old, AuditLog.new,
                            AuditLog.reason)
    if flt.username:
        query = query.where(AuditLog.username == flt.username)
    if flt.action:
        query = query.where(AuditLog.action == flt.action)
    if flt.date_from:
        query = query.where(AuditLog.at >= datetime.datetime.combine(flt.date_from,
                                                                     datetime.time()))
    if flt.date_to:
        query = query.where(AuditLog.at < datetime.datetime.combine(
            flt.date_to + datetime.timedelta(days=1), datetime.time()))
    words = vntext.fold(flt.text or "")[:200].split()
    query = query.order_by(AuditLog.id.desc())
    if limit and not words:
        query = query.limit(limit)
    fold, as_time, as_id = vntext.fold, AuditLog.at.python_value, AuditLog.entity_id.python_value
    times, heads, tails = {}, {}, {}
    rows = []
    for ident, at, user, action, entity, entity_id, old, new, reason in db.execute(query):
        when = times.get(at)
        if when is None:
            when = times[at] = as_time(at)
        if entity_id is not None and type(entity_id) is not int:
            entity_id = as_id(entity_id)
        head = heads.get((user, action, entity))
        if head is None:
            name, noun = action_label(action), NOUNS.get(entity, entity)
            head = heads[(user, action, entity)] = (name, noun, fold(" ".join(
                str(v) for v in (user, action, name, entity, noun) if v is not None)))
        tail = tails.get((entity, old, new, reason))
        if tail is None:
            shown = (readable(old, entity), readable(new, entity), reason or "")
            tail = tails[(entity, old, new, reason)] = shown + (fold(" ".join(shown)),)
        parts = (head[2], tail[3]) if entity_id is None else (head[2], str(entity_id), tail[3])
        key = " ".join(p for p in parts if p)
        if words and not all(w in key for w in words):
            continue
        rows.append((ident, when, user, action, head[0], entity, head[1], entity_id)
                    + tail[:3] + (key,))
        if limit and len(rows) >= limit:
            break
    return rows
