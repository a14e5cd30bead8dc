"""The audit log as the "Nhật ký" tab reads it, and its hash chain: the fast paths (tuples read
without peewee's conversion, repeated parts folded once, the JSON encoder made once) give
what the plain definitions give, on both engines."""
import datetime
import hashlib
import json

from models import audit_log, vntext
from models.db import db, is_server
from models.entities import AuditLog

ENTRIES = [
    dict(action="update_person", entity="person", entity_id=12,
         old={"full_name": "Nguyễn  Văn Đức", "active": True},
         new={"full_name": "Nguyễn Văn Đức", "active": False}, reason="sửa theo sổ hộ khẩu"),
    dict(action="vote", entity="candidate", entity_id=7, old={"yes": None, "no": None},
         new={"yes": 9, "no": 2}),
    dict(action="vote", entity="candidate", entity_id=8, old={"yes": None, "no": None},
         new={"yes": 9, "no": 2}),                       # the same texts: folded once
    dict(action="print_certificates", entity="award", entity_id=None, new="văn bản thường",
         reason="  in lại   tờ hỏng  "),
    dict(action="xoa_la", entity="bang_la", entity_id=-3, old=["a", {"b": [1, None]}],
         new="Σ cuối ΑΣ • – “trích”", reason=""),
    dict(action="add_unit", entity="unit", entity_id=0, old=None, new={"name": "Thôn Bắc"}),
]


def _log(database):
    audit_log.append_many(username="canbo", entries=ENTRIES)
    audit_log.append(username="lanhdao", action="set_setting", entity="settings",
                     new={"chairman": "Trần Thị Ánh"}, reason="bầu mới")


def _whole_key(r):
    """The search key as first defined: every shown part but the time, folded at once."""
    return vntext.fold(" ".join(str(r[k]) for k in (
        "username", "action", "action_name", "entity", "entity_name", "entity_id", "old", "new",
        "reason") if r[k] is not None))


def test_rows_are_what_peewee_reads_made_readable_with_whole_row_keys(database):
    _log(database)
    stored = list(AuditLog.select().order_by(AuditLog.id.desc()))
    rows = audit_log.audit_rows()
    assert [r["id"] for r in rows] == [a.id for a in stored]
    for r, a in zip(rows, stored):
        assert (r["at"], r["username"], r["action"], r["entity"], r["entity_id"]) == \
            (a.at, a.username, a.action, a.entity, a.entity_id)
        assert isinstance(r["at"], datetime.datetime)
        assert r["key"] == _whole_key(r)
        assert r["action_name"] == audit_log.action_label(a.action)
    by_id = {r["id"]: r for r in rows}
    vote = next(r for r in rows if r["entity_id"] == 8)
    assert vote["new"] == "yes: 9; no: 2" and vote["old"] == "yes: —; no: —"
    assert "nguyen van duc" in next(r for r in rows if r["entity_id"] == 12)["key"]
    # the page's tuples are the same rows in the table's column order
    table = audit_log.table_rows()
    assert [t[0] for t in table] == [r["id"] for r in rows]
    for t in table:
        r = by_id[t[0]]
        target = r["entity_name"] if r["entity_id"] is None else \
            f"{r['entity_name']} {r['entity_id']}"
        assert t == (r["id"], r["at"], r["username"], r["action_name"], target, r["old"],
                     r["new"], r["reason"], r["key"])
    assert any(t[4] == "người được khen" for t in table)        # no id: the name alone


def test_search_filters_and_limit_keep_their_meaning(database):
    _log(database)
    every = audit_log.audit_rows(limit=None)
    assert audit_log.audit_rows(limit=3) == every[:3]
    hits = [r for r in every if "9" in r["key"] and "yes" in r["key"]]
    assert len(hits) == 2
    assert audit_log.audit_rows(audit_log.AuditFilter(text="YES 9")) == hits
    assert audit_log.audit_rows(audit_log.AuditFilter(text="yes 9"), limit=1) == hits[:1]
    assert [r["reason"] for r in audit_log.audit_rows(audit_log.AuditFilter(text="Đức"))] == \
        ["sửa theo sổ hộ khẩu"]
    only = audit_log.audit_rows(audit_log.AuditFilter(username="lanhdao"))
    assert [r["action_name"] for r in only] == ["Đặt cài đặt"]
    assert audit_log.audit_rows(audit_log.AuditFilter(
        date_to=datetime.date.today() - datetime.timedelta(days=1))) == []


def test_chain_digest_is_sha256_of_the_json_dumps_text_and_tampering_is_found(database):
    tricky = [2 ** 70, 1.5, None, "nháy \" gạch \\ xuống\ndòng \u2028 \x00 😀 ", "x" * 300_000]
    expected = hashlib.sha256((audit_log.GENESIS + "\n" + json.dumps(
        tricky, ensure_ascii=False, separators=(",", ":"))).encode("utf-8")).hexdigest()
    assert audit_log.row_digest(audit_log.GENESIS, tricky) == expected
    assert audit_log.row_digest(audit_log.GENESIS, tuple(tricky)) == expected
    _log(database)
    audit_log.append(username="canbo", action="save_scores", entity="scores",
                     new={"ghi chú": "😀 " + "dài " * 50_000})
    result = audit_log.verify_chain()
    assert result.ok and result.rows == AuditLog.select().count() == len(ENTRIES) + 2
    # each stored hash is the plain definition's (the server gives "at" as a datetime)
    prev = audit_log.GENESIS
    for a in AuditLog.select().order_by(AuditLog.id):
        values = [a.id, str(a.at), a.username, a.action, a.entity, a.entity_id, a.old, a.new,
                  a.reason]
        text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        assert a.prev_hash == prev
        assert a.row_hash == hashlib.sha256((prev + "\n" + text).encode("utf-8")).hexdigest()
        prev = a.row_hash
    victim = AuditLog.select().order_by(AuditLog.id).offset(3).first()
    # a determined editor drops the guard first
    db.execute_sql("DROP TRIGGER tdkt_audit_update" + (" ON audit_log" if is_server() else ""))
    db.execute_sql("UPDATE audit_log SET reason = 'khác' WHERE id = " + str(victim.id))
    broken = audit_log.verify_chain()
    assert (broken.broken_id, broken.rows) == (victim.id, 3)
    assert broken.describe().startswith(f"Nhật ký bị sửa hoặc xóa từ dòng số {victim.id} ")
