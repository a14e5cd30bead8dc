"""The database's own guards (SQLite triggers made by migration 2), beside the rules in models/.

Whoever opens the file with another tool still cannot change or delete an issued decision,
its awards, or an audit row. The program's own paths keep working: a draft changes freely
and becomes issued; an issued decision changes only its state, to "corrected" or "revoked",
and only once an amending or revoking decision that refers to it has been issued.
Column lists are frozen here as of schema 2 (a later column gets a later migration).
"""
from .db import GUARD_PREFIX

DECISION_COLUMNS = (
    "id", "uuid", "year", "period_year", "seq", "number", "date", "kind", "amends_id",
    "movement_id", "meeting_id", "about", "signer_name", "signer_title", "on_behalf",
    "bases", "proposer", "recipients", "reason", "total", "issued_at", "issued_by",
    "created_at")
AWARD_COLUMNS = (
    "id", "uuid", "decision_id", "order", "unit_id", "person_id", "household_id",
    "candidate_id", "title_id", "display_name", "position", "place", "achievement", "amount",
    "paid", "register_year", "register_no", "note")

ISSUED_DECISION = (f"{GUARD_PREFIX}Quyết định đã ban hành không sửa hay xóa được; muốn sửa "
                   "hoặc hủy, hãy lập quyết định điều chỉnh hoặc thu hồi.")
ISSUED_AWARD = (f"{GUARD_PREFIX}Danh sách khen thưởng của quyết định đã ban hành không sửa "
                "được; hãy lập quyết định điều chỉnh.")
AUDIT_ROW = f"{GUARD_PREFIX}Nhật ký không sửa hay xóa được."


def _changed(columns):
    return " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in columns)


def _not_draft(ref):
    return f"(SELECT state FROM decision WHERE id = {ref}) IS NOT 'draft'"


def _quote(message):
    return "'" + message.replace("'", "''") + "'"


TRIGGERS = {
    "tdkt_decision_update": f"""
        BEFORE UPDATE ON decision
        WHEN OLD.state <> 'draft' AND (
            {_changed(DECISION_COLUMNS)}
            OR (NEW.state IS NOT OLD.state AND NOT (
                OLD.state = 'issued' AND NEW.state IN ('corrected', 'revoked')
                AND EXISTS (SELECT 1 FROM decision AS d WHERE d.amends_id = OLD.id
                            AND d.state = 'issued'
                            AND d.kind = CASE NEW.state WHEN 'revoked' THEN 'revoke'
                                                        ELSE 'amend' END))))
        BEGIN SELECT RAISE(ABORT, {_quote(ISSUED_DECISION)}); END""",
    "tdkt_decision_delete": f"""
        BEFORE DELETE ON decision WHEN OLD.state <> 'draft'
        BEGIN SELECT RAISE(ABORT, {_quote(ISSUED_DECISION)}); END""",
    "tdkt_award_insert": f"""
        BEFORE INSERT ON award WHEN {_not_draft("NEW.decision_id")}
        BEGIN SELECT RAISE(ABORT, {_quote(ISSUED_AWARD)}); END""",
    "tdkt_award_update": f"""
        BEFORE UPDATE ON award
        WHEN ({_not_draft("OLD.decision_id")} OR {_not_draft("NEW.decision_id")})
             AND ({_changed(AWARD_COLUMNS)})
        BEGIN SELECT RAISE(ABORT, {_quote(ISSUED_AWARD)}); END""",
    "tdkt_award_delete": f"""
        BEFORE DELETE ON award WHEN {_not_draft("OLD.decision_id")}
        BEGIN SELECT RAISE(ABORT, {_quote(ISSUED_AWARD)}); END""",
    "tdkt_audit_update": f"""
        BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, {_quote(AUDIT_ROW)}); END""",
    "tdkt_audit_delete": f"""
        BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, {_quote(AUDIT_ROW)}); END""",
}


def trigger_sql(name):
    """The CREATE statement of one guard, exactly as sqlite_master keeps it."""
    return f"CREATE TRIGGER {name} {TRIGGERS[name].strip()}"


def create_triggers(database):
    """Create every guard that is missing (idempotent)."""
    have = {r[0] for r in database.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()}
    for name in TRIGGERS:
        if name not in have:
            database.execute_sql(trigger_sql(name))


def missing_triggers(database):
    """Names of our guards that are absent or not what this version made."""
    have = dict(database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    return sorted(name for name in TRIGGERS if have.get(name) != trigger_sql(name))


def trigger_names():
    """The names of the triggers this version creates (anything else in a file is foreign)."""
    return set(TRIGGERS)
