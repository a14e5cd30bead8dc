"""Nhật ký speaks Vietnamese: every action the program records, and every kind of record it
names, has a Vietnamese wording — a clerk reading the log (or its Excel export) never meets
an internal code such as "resolve_comment" or "public_comment"."""
import os
import re

from models import accounts, audit_log, demo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# audit() and the helpers that pass an action on to it, with the action written literally
CALL = re.compile(r'\b(?:audit|audit_many|_move|_set_active|audited_update)\('
                  r'(?:[^"()]|\([^()]*\))*?"([a-z]+(?:_[a-z]+)+)"(?:,\s*"([a-z_]+)")?')
# actions made from a name at run time
STAGES = ("discovered", "nurtured", "summarised", "replicated")
MADE = ([f"model_{s}" for s in STAGES] + [f"update_model_{s}" for s in STAGES]
        + [f"remove_model_{s}" for s in STAGES]
        + ["amend_decision_draft", "revoke_decision_draft", "corrected_by_decision",
           "revoked_by_decision"])


def _recorded():
    """(action, entity or None) of every audit call written with literal names."""
    found = set()
    for folder in ("models", "reports", "gui"):
        for base, _dirs, files in os.walk(os.path.join(ROOT, folder)):
            for name in files:
                if name.endswith(".py"):
                    with open(os.path.join(base, name), encoding="utf-8") as fh:
                        found |= {(a, e or None) for a, e in CALL.findall(fh.read())}
    return found


def test_every_recorded_action_and_record_kind_has_a_vietnamese_name():
    recorded = _recorded() | {(a, None) for a in MADE}
    assert len({a for a, _ in recorded}) > 100          # the scan finds the program's calls
    raw = sorted(a for a, _ in recorded if audit_log.action_label(a) == a)
    assert raw == [], f"actions shown as codes in Nhật ký: {raw}"
    nouns = sorted({e for _, e in recorded if e and e not in audit_log.NOUNS})
    assert nouns == [], f"record kinds shown as codes: {nouns}"


def test_the_demo_log_shows_no_internal_code(database):
    demo.load_demo(size="small", actor=accounts.batch_actor())
    rows = audit_log.table_rows()
    assert len(rows) > 100
    codes = re.compile(r"^[a-z]+(_[a-z]+)+\b")
    shown = {(r[3], r[4]) for r in rows}
    raw = sorted(s for s in shown if codes.match(s[0]) or codes.match(s[1] or ""))
    assert raw == [], raw


# "Trước" and "Sau": the fields of what changed, in the clerk's words
KEY = re.compile(r'"([a-z]+(?:_[a-z]+)*)":')
LITERAL = re.compile(r'\b(?:old|new)=\{([^{}]*)\}', re.S)


def _written_keys():
    """Every column of every record kind, and every key an audit call writes literally."""
    import inspect

    import peewee

    from models import entities, settings
    keys = set(settings.DEFAULTS)
    for _name, model in inspect.getmembers(entities, inspect.isclass):
        if issubclass(model, peewee.Model) and hasattr(model, "_meta"):
            keys |= {f.name for f in model._meta.sorted_fields}
    for folder in ("models", "reports", "gui"):
        for base, _dirs, files in os.walk(os.path.join(ROOT, folder)):
            for name in files:
                if name.endswith(".py"):
                    with open(os.path.join(base, name), encoding="utf-8") as fh:
                        for m in LITERAL.finditer(fh.read()):
                            keys |= set(KEY.findall(m.group(1)))
    return keys


def test_every_recorded_field_has_a_vietnamese_name():
    from models import audit_fields
    keys = _written_keys()
    assert {"state", "reg_date", "households", "new_person_ids"} <= keys   # the scan works
    raw = sorted(k for k in keys if audit_fields.field_name(k) == k)
    assert raw == [], f"fields shown as codes in Nhật ký: {raw}"


def test_before_and_after_read_as_the_pages_name_things():
    from models import audit_fields
    shown = audit_fields.readable(
        '{"state": "returned", "return_reason": "Thiếu chữ ký", "reg_date": "2026-01-15", '
        '"created_at": "2026-11-30T06:41:00", "on_behalf": false, "unit": null}',
        "registration")
    assert shown == ("trạng thái: Trả lại; lý do trả lại: Thiếu chữ ký; ngày đăng ký: "
                     "15/01/2026; ký thay (KT.): không; đơn vị: —; tạo lúc: 06:41 30/11/2026")
    # a state is named by the record kind it belongs to; an unknown value stays as stored
    assert audit_fields.readable('{"state": "draft"}', "decision") == "trạng thái: Dự thảo"
    assert audit_fields.readable('{"state": "draft"}', "registration") == "trạng thái: Nháp"
    assert audit_fields.readable('{"state": "odd"}', "registration") == "trạng thái: odd"
    assert audit_fields.readable("not json", "registration") == "not json"
    # the program's bookkeeping comes after what the clerk wrote
    assert audit_fields.readable('{"id": 3, "uuid": "7e49", "name": "Thôn Đông", "active": true}',
                                 "unit") == "tên: Thôn Đông; đang dùng: có; mã số: 3; mã định danh: 7e49"
    assert audit_fields.readable("", "registration") == ""


def test_the_demo_log_before_and_after_show_no_field_code(database):
    import json
    demo.load_demo(size="small", actor=accounts.batch_actor())
    rows = audit_log.table_rows()
    stored = [(r.old, r.new) for r in audit_log.AuditLog.select(audit_log.AuditLog.old,
                                                                audit_log.AuditLog.new)]
    keys = set()
    for pair in stored:
        for text in pair:
            try:
                value = json.loads(text) if text else None
            except ValueError:
                continue
            if isinstance(value, dict):
                keys |= set(value)
    assert len(keys) > 40                                   # the demo logs many fields
    code = re.compile(r"(?:^|; )([a-z]+(?:_[a-z]+)*): ")
    raw = sorted({m for r in rows for text in (r[5], r[6]) for m in code.findall(text)})
    assert raw == [], f"Trước/Sau show field codes: {raw}"
    # the registrations' state as the Đăng ký page names it
    assert any("trạng thái: Nháp" in r[6] for r in rows)
