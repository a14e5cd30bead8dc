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
}
SKIP = {"name_key", "sort_key", "version"}
NOUNS = {"unit": "đơn vị", "person": "cá nhân", "household": "hộ gia đình",
         "movement": "phong trào"}


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


def _shown(value):
    from .audit_log import _pretty
    return "(trống)" if value in (None, "") else _pretty(json.dumps(value, ensure_ascii=False))


def stale_message(model, ident, expected):
    """'Trong lúc bạn sửa, … đã lưu …: Năm sinh: 1980 → 1981. Thay đổi của bạn chưa lưu…'"""
    from .entities import AuditLog
    table = model._meta.table_name
    noun = NOUNS.get(table, "bản ghi")
    current = model.select(model.version).where(model._meta.primary_key == ident).scalar()
    if current is None:
        return (f"Trong lúc bạn sửa, {noun} này đã bị xóa ở máy khác; thay đổi của bạn chưa "
                "được lưu.")
    rows = list(AuditLog.select().where(AuditLog.entity == table, AuditLog.entity_id == ident)
                .order_by(AuditLog.id.desc()).limit(max(1, min(current - expected, 5))))
    changes, who = [], []
    for row in reversed(rows):
        who.append(f"{row.username} lúc {row.at:%H:%M %d/%m/%Y}"
                   if hasattr(row.at, "strftime") else row.username)
        try:
            old, new = json.loads(row.old or "{}"), json.loads(row.new or "{}")
        except ValueError:
            continue
        if not isinstance(new, dict):
            continue
        for key, value in new.items():
            if key in SKIP:
                continue
            before = old.get(key) if isinstance(old, dict) else None
            changes.append(f"{LABELS.get(key, key)}: {_shown(before)} → {_shown(value)}")
    by = f" ({'; '.join(dict.fromkeys(who))})" if who else ""
    what = (": " + "; ".join(changes)) if changes else ""
    return (f"Trong lúc bạn sửa, {noun} này đã được lưu ở máy khác{by}{what}. Thay đổi của "
            "bạn CHƯA được lưu (không ghi đè việc của người khác). Hãy đóng hộp thoại, mở "
            "lại để xem bản mới rồi sửa tiếp.")
