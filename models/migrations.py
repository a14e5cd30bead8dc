"""Numbered schema migrations; each runs in one transaction (see db.run_migrations).

Until the first release, step 1 creates the current schema. After a release, never edit
a published step: add the next number and raise db.SCHEMA_VERSION.
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


STEPS = {1: step_1}
