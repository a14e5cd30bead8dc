"""Numbered schema migrations; each runs in one transaction (see db.run_migrations).

Step 1 creates the tables from the current entity definitions, so a later step that
adds a table, a column or an index must be idempotent (create only what is missing):
on a new file step 1 has already made it. Never edit a published step: add the next
number and set db.SCHEMA_VERSION to the highest number. Numbers may be missing (steps
land from parallel work); run_migrations runs the ones above the file's version in order.
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
                             "'%.pdf'")
    if "job" not in columns:
        database.execute_sql("ALTER TABLE print_log ADD COLUMN job VARCHAR(60) NOT NULL "
                             "DEFAULT ''")


STEPS = {1: step_1, 4: step_4, 5: step_5}
