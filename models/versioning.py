"""Optimistic version check for records clerks edit in dialogs, on several PCs at once.

A versioned row carries ``version`` (1 when made, +1 at every save). ``save()`` of a row
loaded earlier writes only while the stored version is still the one loaded
(``UPDATE … WHERE id = ? AND version = ?``); otherwise someone else saved it meanwhile and
the clerk gets a ``StaleRecord`` naming who changed what and when — never a silent
overwrite of their work. Runs inside the action's write transaction, so the check and the
write are one step on both engines.
"""
import json

import peewee

from .errors import ConflictError

# Vietnamese names of the fields a clerk sees in dialogs (others are shown as stored).
LABELS = {
    "name": "Tên", "full_name": "Họ và tên", "head_name": "Chủ hộ", "gender": "Giới tính",
    "birth_year": "Năm sinh", "position": "Chức vụ", "unit": "Đơn vị", "village": "Thôn",
    "address": "Địa chỉ", "note": "Ghi chú", "leader_name": "Người đứng đầu",
    "parent": "Trực thuộc", "kind": "Loại", "active": "Đang hoạt động", "theme": "Chủ đề",
    "slogan": "Khẩu hiệu", "year_from": "Từ năm", "year_to": "Đến năm",
    "doc_number": "Số văn bản", "doc_date": "Ngày văn bản", "doc_signer": "Người ký",
    "description": "Mô tả", "achievement_text": "Thành tích",
    # issue 20, migration 15: targets, registrations, criteria tables, meetings, decisions
    "measure": "Đơn vị tính", "value": "Giá trị", "value_text": "Giá trị", "group": "Nhóm",
    "direction": "Chiều đánh giá", "actual": "Kết quả thực hiện", "state": "Trạng thái",
    "return_reason": "Lý do trả lại", "reg_date": "Ngày đăng ký", "signer": "Người ký",
    "titles": "Danh hiệu đăng ký", "commitments": "Chỉ tiêu cam kết",
    "total_max": "Tổng điểm", "bonus_max": "Điểm thưởng tối đa",
    "tie_break": "Thứ tự ưu tiên khi bằng điểm", "criteria": "Các tiêu chí",
    "bands": "Mức xếp loại", "year": "Năm", "date": "Ngày", "place": "Địa điểm",
    "chair": "Chủ trì", "secretary": "Thư ký", "members_total": "Tổng số thành viên",
    "members_present": "Số thành viên có mặt", "basis": "Cách tính tỷ lệ",
    "threshold_pct": "Tỷ lệ đạt", "secret": "Bỏ phiếu kín", "number": "Số quyết định",
    "about": "Trích yếu", "signer_name": "Người ký", "signer_title": "Chức vụ người ký",
    "on_behalf": "Ký thay mặt", "bases": "Căn cứ", "proposer": "Xét đề nghị của",
    "recipients": "Nơi nhận", "reason": "Lý do", "period_year": "Năm thành tích",
    "display_name": "Tên người được khen", "achievement": "Thành tích", "title": "Hình thức",
    # issue 20, migration 16: commitments, candidates and votes, rounds, covenants, upward
    # files, public postings and comments, reviews, exemplary models
    "removed": "Đã bỏ khỏi danh sách", "votes_for": "Số phiếu đồng ý",
    "votes_against": "Số phiếu không đồng ý", "percent": "Tỷ lệ", "passed": "Kết quả",
    "start": "Từ ngày", "end": "Đến ngày", "review_name": "Tên hội nghị sơ/tổng kết",
    "review_date": "Ngày sơ/tổng kết", "own_registrations": "Đăng ký theo đợt",
    "head": "Cụm trưởng", "deputy": "Cụm phó", "content": "Nội dung",
    "signed_date": "Ngày ký", "members": "Thành viên", "texts": "Nội dung văn bản",
    "posted_from": "Niêm yết từ ngày", "posted_to": "Niêm yết đến ngày",
    "comments_until": "Nhận ý kiến đến ngày", "places": "Nơi niêm yết",
    "author": "Người phản ánh", "received_on": "Ngày nhận", "resolution": "Cách giải quyết",
    "resolved_on": "Ngày giải quyết", "report_date": "Ngày báo cáo",
    "assessment": "Đánh giá chung", "shortcomings": "Tồn tại, hạn chế",
    "lessons": "Bài học kinh nghiệm", "next_tasks": "Phương hướng, nhiệm vụ",
    "sent_date": "Ngày gửi", "sent_to": "Nơi nhận", "area": "Lĩnh vực", "stage": "Giai đoạn",
    "stage_date": "Ngày của giai đoạn", "by_whom": "Người thực hiện",
}
SKIP = {"name_key", "sort_key", "version", "id", "model"}
NOUNS = {"unit": "đơn vị", "person": "cá nhân", "household": "hộ gia đình",
         "movement": "phong trào", "target": "chỉ tiêu", "registration": "đăng ký thi đua",
         "criteria_set": "bảng tiêu chí", "meeting": "cuộc họp bình xét",
         "decision": "quyết định", "commitment": "chỉ tiêu cam kết",
         "candidate": "người được đề nghị", "round": "đợt thi đua", "covenant": "giao ước",
         "upward_file": "hồ sơ đề nghị cấp trên", "public_posting": "thông báo niêm yết",
         "public_comment": "ý kiến phản ánh", "review": "báo cáo sơ kết/tổng kết",
         "exemplary_model": "mô hình điển hình"}
# Changes of rows that belong to a versioned record and bump its version (a decision's
# recipient list, a candidate's votes, a registration's commitment actuals; a model's
# stages are audited as changes of the model itself):
# {record table: ((child table, the child's key to the record in its audit), …)}
CHILDREN = {"decision": (("award", "decision"),), "candidate": (("vote", "candidate"),),
            "registration": (("commitment", "registration"),)}


class StaleRecord(ConflictError):
    """Another clerk saved the record after this one was loaded; nothing was written."""


def pk_expr(self):
    """The row's key, and while saving the version it was loaded with."""
    expr = peewee.Model._pk_expr(self)
    expected = getattr(self, "_expected_version", None)
    if expected is not None:
        expr = expr & (type(self).version == expected)
    return expr


def checked_save(self, force_insert=False, only=None):
    """save() that writes only over the version this instance was loaded with."""
    updating = self._pk is not None and not force_insert
    if not updating:
        return peewee.Model.save(self, force_insert=force_insert, only=only)
    expected = self.version or 1
    self._expected_version = expected
    self.version = expected + 1
    if only is not None:
        only = list(only) + [type(self).version]
    try:
        rows = peewee.Model.save(self, only=only)
    except BaseException:
        self.version = expected
        raise
    finally:
        self._expected_version = None
    if rows == 0:
        self.version = expected
        raise StaleRecord(stale_message(type(self), self._pk, expected))
    return rows


def fresh_copy(instance):
    """The row as stored now, carrying the version ``instance`` was loaded with: services
    that re-read a record (so a failed earlier call leaves no half-changed object behind)
    still save only over what the clerk saw. A row deleted meanwhile is a StaleRecord."""
    model = type(instance)
    fresh = model.get_or_none(model._meta.primary_key == instance._pk)
    if fresh is None:
        raise StaleRecord(stale_message(model, instance._pk, instance.version or 1))
    if instance.version is not None:
        fresh.version = instance.version
    return fresh


def follow(caller, saved):
    """The caller's object now holds what its own save wrote (fields and version), as if it
    had been saved itself — for services that save a ``fresh_copy``."""
    if caller is not saved:
        caller.__data__.update(saved.__data__)
        caller._dirty.clear()


def touch(instance):
    """Count a change made through rows that belong to the record (a decision's recipient
    list) as a change of the record: checked like a save of it."""
    return instance.save(only=[])


def bump(model, ids):
    """Count a change made through rows that belong to these records (votes of candidates,
    actuals of a registration's commitments) as a change of each record, in one statement
    whatever their number: an editor holding an older copy of one of them is refused."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), 500):
        (model.update(version=model.version + 1)
         .where(model._meta.primary_key.in_(ids[start:start + 500])).execute())


def check_versions(model, seen, name_of=None):
    """A batch saved from one list (votes for many candidates, actuals of several
    commitments): every row must still be at the version the list was read with
    (``seen``: {id: version}). One query per 500 rows, not one per row; the first
    conflicting rows are named and nothing of the batch is written."""
    ids = sorted(seen)
    stale = []
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        stored = dict(model.select(model._meta.primary_key, model.version)
                      .where(model._meta.primary_key.in_(part)).tuples())
        stale += [i for i in part if stored.get(i) != (seen[i] or 1)]
    if not stale:
        return
    first = stale[0]
    names = [name_of(i) for i in stale[:3]] if name_of else []
    text = stale_message(model, first, seen[first] or 1)
    if names:
        more = f" và {len(stale) - len(names)} dòng khác" if len(stale) > len(names) else ""
        text = (f"{len(stale)} dòng đã được sửa ở máy khác trong lúc bạn nhập "
                f"({'; '.join(names)}{more}); cả lần nhập này CHƯA được lưu. Dòng đầu tiên — "
                + text)
    raise StaleRecord(text)


def checked_delete(self, recursive=False, delete_nullable=False):
    """delete_instance() that deletes only the version this instance was loaded with."""
    self._expected_version = self.version or 1
    try:
        rows = peewee.Model.delete_instance(self, recursive=recursive,
                                            delete_nullable=delete_nullable)
    finally:
        self._expected_version = None
    if rows == 0:
        raise StaleRecord(stale_message(type(self), self._pk, self.version or 1,
                                        deleting=True))
    return rows


def _label(key):
    """A field's name in a dialog: the dialog's own word, else Nhật ký's (never the code)."""
    label = LABELS.get(key)
    if label is None:
        from .audit_fields import field_name
        label = field_name(key)
        label = label[:1].upper() + label[1:]
    return label


def _shown(value):
    from .audit_fields import readable
    return "(trống)" if value in (None, "") else readable(json.dumps(value, ensure_ascii=False))


def _named(model, key, value):
    """A link shown by the name of what it points to (Cụm trưởng: Thôn Đông Hòa, not 3)."""
    field = model._meta.fields.get(key)
    if isinstance(field, peewee.ForeignKeyField) and isinstance(value, int):
        rel = field.rel_model
        for name in ("name", "full_name", "head_name"):
            if name in rel._meta.fields:
                found = (rel.select(getattr(rel, name))
                         .where(rel._meta.primary_key == value).scalar())
                if found:
                    return _shown(found)
    return _shown(value)


def _load(text):
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _audit_rows(model, ident, count):
    """The newest ``count`` audit rows of the record and of the rows belonging to it."""
    from .entities import ALL_MODELS, AuditLog
    table = model._meta.table_name
    rows = list(AuditLog.select().where(AuditLog.entity == table, AuditLog.entity_id == ident)
                .order_by(AuditLog.id.desc()).limit(count))
    for child_table, key in CHILDREN.get(table, ()):
        child = next(m for m in ALL_MODELS if m._meta.table_name == child_table)
        ids = {i for (i,) in child.select(child._meta.primary_key)
               .where(getattr(child, key) == ident).tuples()}
        recent = (AuditLog.select().where(AuditLog.entity == child_table)
                  .order_by(AuditLog.id.desc()).limit(200))
        rows += [row for row in recent if row.entity_id in ids
                 or _load(row.old).get(key) == ident or _load(row.new).get(key) == ident]
    rows.sort(key=lambda row: row.id, reverse=True)
    return rows[:count]


def stale_message(model, ident, expected, *, deleting=False):
    """'Trong lúc bạn sửa, … đã lưu …: Năm sinh: 1980 → 1981. Thay đổi của bạn chưa lưu…'"""
    from .audit_log import action_label
    table = model._meta.table_name
    noun = NOUNS.get(table, "bản ghi")
    current = model.select(model.version).where(model._meta.primary_key == ident).scalar()
    if current is None:
        return (f"Trong lúc bạn sửa, {noun} này đã bị xóa ở máy khác; thay đổi của bạn chưa "
                "được lưu.")
    changes, who = [], []
    for row in reversed(_audit_rows(model, ident, max(1, min(current - expected, 5)))):
        who.append(f"{row.username} lúc {row.at:%H:%M %d/%m/%Y}"
                   if hasattr(row.at, "strftime") else row.username)
        old, new = _load(row.old), _load(row.new)
        if row.entity != table:          # a row belonging to the record (a recipient, a vote)
            name = new.get("display_name") or old.get("display_name") or ""
            if not name:                 # a vote, an actual: what it became
                name = ", ".join(f"{LABELS.get(k, k)} {_shown(v)}" for k, v in new.items()
                                 if k in LABELS and k not in SKIP and old.get(k) != v)
            changes.append(f"{action_label(row.action)}{': ' + name if name else ''}")
            continue
        for key, value in new.items():
            if key in SKIP or (key in old and old[key] == value):
                continue
            changes.append(f"{_label(key)}: {_named(model, key, old.get(key))} → "
                           f"{_named(model, key, value)}")
    by = f" ({'; '.join(dict.fromkeys(who))})" if who else ""
    what = (": " + "; ".join(changes)) if changes else ""
    if deleting:
        return (f"Trong lúc bạn xem, {noun} này đã được sửa ở máy khác{by}{what}. Chưa xóa "
                f"{noun} này: hãy xem lại bản mới rồi mới quyết định xóa.")
    return (f"Trong lúc bạn sửa, {noun} này đã được lưu ở máy khác{by}{what}. Thay đổi của "
            "bạn CHƯA được lưu (không ghi đè việc của người khác). Hãy đóng hộp thoại, mở "
            "lại để xem bản mới rồi sửa tiếp.")
