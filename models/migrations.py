"""Numbered schema migrations; each runs in one transaction (see db.run_migrations).

Step 1 creates the tables from the current entity definitions, so a later step that
adds a table, a column or an index must be idempotent (create only what is missing):
on a new file step 1 has already made it. Never edit a published step: add the next
number and set db.SCHEMA_VERSION to the highest number. Numbers may be missing and may
land out of order (parallel work): a database records the steps it has run (setting
"schema_steps") and run_migrations runs every known step it lacks, in number order.
"""
import datetime
import json

from resources import resource_path


def load_defaults():
    with open(resource_path("defaults", "catalogue.json"), encoding="utf-8") as fh:
        return json.load(fh)


def step_1(database):
    from . import entities as e
    database.create_tables(e.ALL_MODELS)
    data = load_defaults()
    for kind in data["unit_kinds"]:
        e.UnitKind.create(**kind)
    for title in data["titles"]:
        e.Title.create(**title)
    for row in data["base_salaries"]:
        e.BaseSalary.create(
            effective_from=datetime.date.fromisoformat(row["effective_from"]),
            amount=row["amount"], legal_basis=row["legal_basis"])


def step_2(database):
    """Sign-in tracking, the audit hash chain (backfilled for existing rows), the guards."""
    from . import audit_log, guards
    from . import entities as e
    database.create_tables([e.SignInFailure], safe=True)
    table = e.AuditLog._meta.table_name
    have = {c.name for c in database.get_columns(table)}
    for name in ("prev_hash", "row_hash"):
        if name not in have:
            database.execute_sql(f"ALTER TABLE {table} ADD COLUMN {name} VARCHAR(64)")
    for name in ("tdkt_audit_update", "tdkt_audit_delete"):   # a re-run may find them
        guards.drop_trigger(database, name)
    audit_log.backfill(database)
    guards.create_triggers(database)


OLD_DECREE_152_BASIS = ("Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một "
                        "số điều của Luật Thi đua, khen thưởng")


def step_3(database):
    """The law in force today: base-salary rows a file lacks (2,530,000 đ from 01/07/2026,
    and any earlier default row), added by date — a date the file already has is the user's
    row and stays as it is; the first citation of Decree 152/2025 gets its date where the
    clerk kept the default wording; score sheets get the day they were checked (from the
    audit log); drafts of the old default signer form become the chairman's."""
    from . import entities as e
    have = {row.effective_from for row in e.BaseSalary.select(e.BaseSalary.effective_from)}
    for row in load_defaults()["base_salaries"]:
        day = datetime.date.fromisoformat(row["effective_from"])
        if day not in have:
            e.BaseSalary.create(effective_from=day, amount=row["amount"],
                                legal_basis=row["legal_basis"])
    table = e.ScoreSheet._meta.table_name
    if "checked_on" not in {c.name for c in database.get_columns(table)}:
        database.execute_sql(f"ALTER TABLE {table} ADD COLUMN checked_on DATE")
        checked = (e.AuditLog.select(e.AuditLog.entity_id, e.AuditLog.at)
                   .where(e.AuditLog.action == "check_sheet", e.AuditLog.entity == table)
                   .order_by(e.AuditLog.at).tuples())
        for sheet_id, at in checked:   # the day of the last check, from the audit log
            day = at.date() if hasattr(at, "date") else datetime.date.fromisoformat(str(at)[:10])
            e.ScoreSheet.update(checked_on=day).where(e.ScoreSheet.id == sheet_id).execute()
    _move_builtin_signers(e)
    _chairman_drafts(e)
    stored = e.Setting.get_or_none(e.Setting.key == "decision_bases")
    if stored is not None:
        lines = json.loads(stored.value)
        if isinstance(lines, list) and OLD_DECREE_152_BASIS in lines:
            lines = [line.replace("152/2025/NĐ-CP của", "152/2025/NĐ-CP ngày 14 tháng 6 năm "
                                  "2025 của") if line == OLD_DECREE_152_BASIS else line
                     for line in lines]
            stored.value = json.dumps(lines, ensure_ascii=False)
            stored.save()


def _chairman_drafts(e):
    """Drafts made with the old default (a committee decision, "TM. ỦY BAN NHÂN DÂN") become
    the chairman's (Law 06/2022 Art. 80), unless the clerk chose the committee form — in the
    settings or on that draft. Issued decisions never change."""
    stored = e.Setting.get_or_none(e.Setting.key == "signer_on_behalf")
    if stored is not None and json.loads(stored.value):
        return
    chosen = set()
    for ident, new in (e.AuditLog.select(e.AuditLog.entity_id, e.AuditLog.new)
                       .where(e.AuditLog.action == "update_decision").tuples()):
        if new and "on_behalf" in json.loads(new):
            chosen.add(ident)
    query = e.Decision.update(on_behalf=False).where(e.Decision.state == "draft",
                                                      e.Decision.on_behalf == True)  # noqa: E712
    if chosen:
        query = query.where(e.Decision.id.not_in(sorted(chosen)))
    query.execute()


def _move_builtin_signers(e):
    """Built-in certificate layouts still at the old signing positions get ≈ 35 mm for the
    signature; a layout the clerk has moved keeps its positions."""
    from .templates import OLD_SIGNER_Y, SIGNER_Y
    for row in e.CertTemplate.select().where(e.CertTemplate.builtin == True):  # noqa: E712
        data = json.loads(row.data)
        fields = {f.get("key"): f for f in data.get("fields", [])}
        if all(k in fields and fields[k].get("y") == y for k, y in OLD_SIGNER_Y.items()):
            for key, y in SIGNER_Y.items():
                fields[key]["y"] = y
            fields["signer_title"]["h"] = 12
            row.data = json.dumps(data, ensure_ascii=False, indent=1)
            row.save()


def step_4(database):
    """Candidate.achievement: the "Thành tích" a unit's proposal list gives (import proposals)."""
    columns = {c.name for c in database.get_columns("candidate")}
    if "achievement" not in columns:
        database.execute_sql(
            "ALTER TABLE candidate ADD COLUMN achievement TEXT NOT NULL DEFAULT ''")


def step_5(database):
    """Print log states (pdf / sent / printed / spoiled) and the spooler's job id."""
    columns = {c.name for c in database.get_columns("print_log")}
    if "state" not in columns:
        database.execute_sql("ALTER TABLE print_log ADD COLUMN state VARCHAR(10) NOT NULL "
                             "DEFAULT 'printed'")
        # old rows whose target is a file were PDF saves, not sheets out of a printer
        database.execute_sql("UPDATE print_log SET state = 'pdf' WHERE lower(target) LIKE "
                             + database.param, ("%.pdf",))
    if "job" not in columns:
        database.execute_sql("ALTER TABLE print_log ADD COLUMN job VARCHAR(60) NOT NULL "
                             "DEFAULT ''")


STEPS = {1: step_1, 2: step_2, 3: step_3, 4: step_4, 5: step_5}


def step_6(database):
    """Recompute the stored search and sort keys: fold() now maps the look-alike "Ð"
    (U+00D0) to d, and the sort strings compare hyphenated names syllable by syllable.
    Idempotent: only rows whose key differs are written."""
    from . import collation, vntext
    param = database.param
    for table, name, keys in (
            ("unit", "name", ("name_key",)),
            ("movement", "name", ("name_key",)),
            ("person", "full_name", ("name_key", "sort_key")),
            ("household", "head_name", ("name_key", "sort_key"))):
        cursor = database.execute_sql(f"SELECT id, {name}, {', '.join(keys)} FROM {table}")
        changes = []
        for row_id, text, *old in cursor.fetchall():
            new = [vntext.fold(text), collation.name_sort_string(text)][:len(keys)]
            if list(old) != new:
                changes.append((*new, row_id))
        if changes:
            sets = ", ".join(f"{key} = {param}" for key in keys)
            database.cursor().executemany(
                f"UPDATE {table} SET {sets} WHERE id = {param}", changes)


STEPS[6] = step_6


def step_8(database):
    """Issue 18: the reward-fund ledger and the blank stock (phôi). Tables a file lacks are
    created; issued decisions get their fund entries (total, an amendment's difference, a
    revocation's recovery) so the ledger starts complete. Idempotent."""
    from . import entities as e
    from . import fund
    database.create_tables([e.FundEntry, e.BlankKind, e.BlankKindTemplate, e.BlankMove,
                            e.BlankUse], safe=True)
    fund.backfill_decisions()


STEPS[8] = step_8


def step_10(database):
    """Issue 17: the public list (danh sách công khai) and the comments received on it."""
    from . import entities as e
    database.create_tables([e.PublicPosting, e.PublicComment], safe=True)


STEPS[10] = step_10


def step_11(database):
    """Optimistic version check (issue 20): ``version`` on the records clerks edit in
    dialogs, so a second PC's save over an older copy is refused, not silently lost."""
    for table in ("unit", "person", "household", "movement"):
        if "version" not in {c.name for c in database.get_columns(table)}:
            database.execute_sql(
                f"ALTER TABLE {table} ADD COLUMN version INTEGER NOT NULL DEFAULT 1")


STEPS[11] = step_11


def step_12(database):
    """Issue 17: the files proposed upward (hồ sơ đề nghị cấp trên) and their proposals, and
    the titles and forms the province confers that the default catalogue now lists (added
    by code where the file lacks them; a code the clerk already has stays as it is)."""
    from . import entities as e
    database.create_tables([e.UpwardFile, e.UpwardProposal], safe=True)
    have = {code for (code,) in e.Title.select(e.Title.code).tuples()}
    for title in load_defaults()["titles"]:
        if title["code"] not in have and title.get("conferred_by") == "province":
            e.Title.create(**title)


STEPS[12] = step_12


def step_13(database):
    """Issue 17: the commune's own Word templates (created only where missing)."""
    from . import entities as e
    database.create_tables([e.DocTemplate], safe=True)


STEPS[13] = step_13


def step_9(database):
    """Issue 19: exemplary models with their stages, replications and publicity; periodic
    reviews (sơ kết / tổng kết) with the clerk's text; deadlines a plan sets. Idempotent:
    on a new file step 1 has made these tables already."""
    from . import entities as e
    database.create_tables(e.ISSUE_19_MODELS, safe=True)


STEPS[9] = step_9


def step_7(database):
    """Issue 18: sudden/themed award occasions, initiatives and their authors, discipline,
    rounds that take their own registrations (Round.own_registrations, Registration.round)
    and the registration unique indexes that tell a round's registration from the year's."""
    import peewee
    from . import entities as e
    database.create_tables([e.AwardOccasion, e.Initiative, e.InitiativeAuthor, e.Discipline],
                           safe=True)
    sqlite = isinstance(database, peewee.SqliteDatabase)
    if "own_registrations" not in {c.name for c in database.get_columns("round")}:
        kind = "INTEGER" if sqlite else "BOOLEAN"
        false = "0" if sqlite else "FALSE"
        database.execute_sql(f'ALTER TABLE "round" ADD COLUMN own_registrations {kind} '
                             f"NOT NULL DEFAULT {false}")
    if "round_id" not in {c.name for c in database.get_columns("registration")}:
        database.execute_sql('ALTER TABLE "registration" ADD COLUMN round_id INTEGER '
                             'REFERENCES "round" ("id") ON DELETE RESTRICT')
    # the per-subject unique indexes now leave round registrations out: same names, new
    # condition — drop them and let the model create every missing index
    wanted = {f"registration_movement_id_year_{kind}_id"
              for kind in ("unit", "person", "household")}
    for index in database.get_indexes("registration"):
        if index.name in wanted and "round_id" not in (index.sql or ""):
            database.execute_sql(f'DROP INDEX IF EXISTS "{index.name}"')
    e.Registration._schema.create_indexes(safe=True)


STEPS[7] = step_7


def step_14(database):
    """Issue 20: the province's merge of its communes' files (created only where missing)."""
    import peewee
    from . import entities as e
    database.create_tables(e.PROVINCE_MODELS, safe=True)
    if not isinstance(database, peewee.SqliteDatabase):
        _name_trigram_index(database)


def _name_trigram_index(database):
    """PostgreSQL: a trigram index, so the province look-up's "name contains" (ILIKE '%…%')
    over millions of subjects does not read them all (0.3 s instead of 1.8 s at 100
    communes). Skipped, the look-up still right but slower, where the server lacks the
    pg_trgm extension (contrib) or the right to add it."""
    import peewee
    try:
        with database.atomic():
            database.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            database.execute_sql('CREATE INDEX IF NOT EXISTS "prov_subject_name_trgm" ON '
                                 '"prov_subject" USING gin ("name_key" gin_trgm_ops)')
    except peewee.DatabaseError:
        pass


STEPS[14] = step_14


def step_15(database):
    """Issue 20, several clerks at once: ``version`` on the other records two clerks edit at
    the same time (targets, registrations, criteria tables, council meetings, decisions), so
    a save or delete over an older copy is refused like for units and people (step 11)."""
    for table in ("target", "registration", "criteria_set", "meeting", "decision"):
        if "version" not in {c.name for c in database.get_columns(table)}:
            database.execute_sql(
                f'ALTER TABLE "{table}" ADD COLUMN version INTEGER NOT NULL DEFAULT 1')


STEPS[15] = step_15


def step_16(database):
    """Issue 20, several clerks at once (second part): ``version`` on commitments (their
    actuals), council candidates (removal, reasons, votes), rounds, covenants, upward files,
    public postings and comments, reviews and exemplary models."""
    for table in ("commitment", "candidate", "round", "covenant", "upward_file",
                  "public_posting", "public_comment", "review", "exemplary_model"):
        if "version" not in {c.name for c in database.get_columns(table)}:
            database.execute_sql(
                f'ALTER TABLE "{table}" ADD COLUMN version INTEGER NOT NULL DEFAULT 1')


STEPS[16] = step_16


def step_17(database):
    """Issue 20, province look-up by name and birth year: an index on the birth year. The
    name's trigram index matches every "Thị Hoa" of the province (about 5 % of 2 million
    subjects); without this index each match's table page was read only to test the year
    (272 ms against 71 ms without a year); with it the server combines both (74 ms)."""
    database.execute_sql('CREATE INDEX IF NOT EXISTS "prov_subject_birth_year" ON '
                         '"prov_subject" ("birth_year")')


STEPS[17] = step_17


def step_18(database):
    """Issue 15, the province look-up: the name order (name, id) with the kind and birth
    year, so the look-up's first step reads the first rows of the name order from this index
    alone (8 ms for 20,000 rows at 100 communes, 45 ms through the table)."""
    database.execute_sql(
        'CREATE INDEX IF NOT EXISTS "prov_subject_name_key_id_kind_birth_year" ON '
        '"prov_subject" ("name_key", "id", "kind", "birth_year")')


STEPS[18] = step_18


def step_19(database):
    """Issue 15, the 2× demo on a server: money is ``bigint`` on PostgreSQL. ``integer``
    stops at 2,147,483,647 đồng, less than one decision's total for a 40,000-household
    commune; such a save or move to the server failed. SQLite's INTEGER is 64-bit already:
    nothing changes in a file (its declared column types stay as they were)."""
    import peewee
    from . import entities as e
    from .fields import MoneyField
    if isinstance(database, peewee.SqliteDatabase):
        return
    money = [(model._meta.table_name, field.column_name) for model in e.ALL_MODELS
             for field in model._meta.sorted_fields if isinstance(field, MoneyField)]
    for table, column in money:
        kind = database.execute_sql(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = %s AND column_name = %s",
            (table, column)).fetchone()
        if kind and kind[0] == "integer":
            database.execute_sql(
                f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE BIGINT')


STEPS[19] = step_19
