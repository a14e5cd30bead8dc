"""The database's own guards (SQLite triggers made by migration 2), beside the rules in models/.

Whoever opens the file with another tool still cannot change or delete an issued decision,
its awards, or an audit row. The program's own paths keep working: a draft changes freely
and becomes issued; an issued decision changes only its state, to "corrected" or "revoked",
and only once an amending or revoking decision that refers to it has been issued.
Column lists are frozen here as of schema 2 (a later column gets a later migration).
"""
from .db import GUARD_PREFIX


def is_pg(database):
    return getattr(database, "engine", "sqlite") == "postgresql"

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
    if is_pg(database):
        return _create_pg(database)
    have = {r[0] for r in database.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()}
    for name in TRIGGERS:
        if name not in have:
            database.execute_sql(trigger_sql(name))


def missing_triggers(database):
    """Names of our guards that are absent or not what this version made."""
    if is_pg(database):
        return _missing_pg(database)
    have = dict(database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    return sorted(name for name in TRIGGERS if have.get(name) != trigger_sql(name))


def trigger_names():
    """The names of the triggers this version creates (anything else in a file is foreign)."""
    return set(TRIGGERS)


def drop_trigger(database, name):
    """DROP TRIGGER IF EXISTS on either engine (PostgreSQL names the table too)."""
    if is_pg(database):
        database.execute_sql(f"DROP TRIGGER IF EXISTS {name} ON {PG_TABLES[name]}")
    else:
        database.execute_sql(f"DROP TRIGGER IF EXISTS {name}")


# ---------------------------------------------------------------- PostgreSQL (plpgsql)
# The same seven guards, same names and messages; one function per trigger. The messages
# are raised as integrity_constraint_violation, so they reach the clerk as ConflictErrors.

PG_TABLES = {"tdkt_decision_update": "decision", "tdkt_decision_delete": "decision",
             "tdkt_award_insert": "award", "tdkt_award_update": "award",
             "tdkt_award_delete": "award", "tdkt_audit_update": "audit_log",
             "tdkt_audit_delete": "audit_log"}
_PG_EVENTS = {"tdkt_decision_update": "UPDATE", "tdkt_decision_delete": "DELETE",
              "tdkt_award_insert": "INSERT", "tdkt_award_update": "UPDATE",
              "tdkt_award_delete": "DELETE", "tdkt_audit_update": "UPDATE",
              "tdkt_audit_delete": "DELETE"}


def _pg_changed(columns):
    return " OR ".join(f'NEW."{c}" IS DISTINCT FROM OLD."{c}"' for c in columns)


def _pg_not_draft(ref):
    return f"(SELECT state FROM decision WHERE id = {ref}) IS DISTINCT FROM 'draft'"


def _pg_raise(message):
    return (f"RAISE EXCEPTION USING MESSAGE = {_quote(message)}, "
            "ERRCODE = 'integrity_constraint_violation';")


PG_CONDITIONS = {
    "tdkt_decision_update": f"""OLD.state <> 'draft' AND (
            {_pg_changed(DECISION_COLUMNS)}
            OR (NEW.state IS DISTINCT FROM OLD.state AND NOT (
                OLD.state = 'issued' AND NEW.state IN ('corrected', 'revoked')
                AND EXISTS (SELECT 1 FROM decision AS d WHERE d.amends_id = OLD.id
                            AND d.state = 'issued'
                            AND d.kind = CASE NEW.state WHEN 'revoked' THEN 'revoke'
                                                        ELSE 'amend' END))))""",
    "tdkt_decision_delete": "OLD.state <> 'draft'",
    "tdkt_award_insert": _pg_not_draft("NEW.decision_id"),
    "tdkt_award_update": f"""({_pg_not_draft("OLD.decision_id")}
            OR {_pg_not_draft("NEW.decision_id")}) AND ({_pg_changed(AWARD_COLUMNS)})""",
    "tdkt_award_delete": _pg_not_draft("OLD.decision_id"),
    "tdkt_audit_update": "TRUE",
    "tdkt_audit_delete": "TRUE",
}
_PG_MESSAGES = {"tdkt_decision_update": ISSUED_DECISION, "tdkt_decision_delete": ISSUED_DECISION,
                "tdkt_award_insert": ISSUED_AWARD, "tdkt_award_update": ISSUED_AWARD,
                "tdkt_award_delete": ISSUED_AWARD, "tdkt_audit_update": AUDIT_ROW,
                "tdkt_audit_delete": AUDIT_ROW}


def pg_function_body(name):
    result = "OLD" if _PG_EVENTS[name] == "DELETE" else "NEW"
    return (f"\nBEGIN\n  IF {PG_CONDITIONS[name]} THEN\n    {_pg_raise(_PG_MESSAGES[name])}\n"
            f"  END IF;\n  RETURN {result};\nEND\n")


def _create_pg(database):
    have = set(_pg_triggers(database))
    for name in TRIGGERS:
        if name in have:
            continue
        database.execute_sql(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $body${pg_function_body(name)}$body$")
        database.execute_sql(
            f"CREATE TRIGGER {name} BEFORE {_PG_EVENTS[name]} ON {PG_TABLES[name]} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()")


def _pg_triggers(database):
    """{trigger name: (table, function source)} of the user triggers in this database."""
    rows = database.execute_sql(
        "SELECT t.tgname, c.relname, p.proname, p.prosrc FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal AND n.nspname = current_schema()").fetchall()
    return {name: (table, fn, src) for name, table, fn, src in rows}


def _missing_pg(database):
    have = _pg_triggers(database)
    return sorted(name for name in TRIGGERS
                  if have.get(name) != (PG_TABLES[name], name, pg_function_body(name)))


def foreign_pg_triggers(database):
    """Triggers on our tables that this version did not make (names)."""
    return sorted(set(_pg_triggers(database)) - set(TRIGGERS))
