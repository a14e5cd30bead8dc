"""Rounds that take their own registrations, beside the movement's yearly ones; migration 7
on a file of schema 6 gives exactly the schema a new file gets."""
import datetime

import pytest

from models import candidates, movements, registrations, round_registrations
from models import db as dbmod
from models import schema_check
from models.entities import Registration
from models.errors import ConflictError, ValidationError
from tests.decision_fixtures import make_movement
from tests.helpers import make_org


def _round(leader, mv, name="Đợt 1", start=(2025, 1, 1), end=(2025, 6, 30)):
    return movements.add_round(actor=leader, movement=mv, name=name,
                               start=datetime.date(*start), end=datetime.date(*end),
                               review_name="Sơ kết", review_date=datetime.date(*end))


def test_round_registrations_live_beside_the_years(database, clerk, leader):
    org = make_org(clerk)
    an = org["people"][0]
    mv = make_movement()
    r1 = _round(leader, mv)
    with pytest.raises(ValidationError) as err:        # the round does not ask for them yet
        registrations.register(actor=clerk, movement=mv, subject=an, round=r1)
    assert err.value.field == "round"
    round_registrations.set_own_registrations(actor=clerk, round=r1, enabled=True)
    yearly = registrations.register(actor=clerk, movement=mv, subject=an, year=2025)
    of_round = registrations.register(actor=clerk, movement=mv, subject=an, round=r1)
    assert yearly.round_id is None and of_round.round_id == r1.id and of_round.year == 2025
    with pytest.raises(ConflictError):
        registrations.register(actor=clerk, movement=mv, subject=an, round=r1)
    with pytest.raises(ConflictError):
        registrations.register(actor=clerk, movement=mv, subject=an, year=2025)
    assert registrations.find_registration(mv, an, 2025).id == yearly.id
    assert registrations.find_registration(mv, an, 2025, r1).id == of_round.id
    # a round of another movement is refused
    other = _round(leader, make_movement(name="Phong trào khác"))
    with pytest.raises(ValidationError):
        registrations.register(actor=clerk, movement=mv, subject=an, round=other)
    # the year's candidates come from the yearly registrations only
    Registration.update(state="accepted").execute()
    candidates.build_candidates(actor=clerk, movement=mv, year=2025)
    assert candidates.candidate_rows(movement=mv, year=2025) == []   # no titles chosen
    assert [name for _, name in round_registrations.round_registrations(r1)] == ["Nguyễn Văn An"]
    # a round with registrations is neither closed to them nor deleted
    with pytest.raises(ConflictError):
        round_registrations.set_own_registrations(actor=clerk, round=r1, enabled=False)
    with pytest.raises(ConflictError):
        movements.delete_round(actor=clerk, round=r1)
    # bulk registration of the year still sees only the year's registrations
    preview = registrations.bulk_preview(movement=mv, year=2025, units=[org["office"]])
    assert preview["already"] == 1 and preview["people"] == 1


def test_migration_7_brings_a_schema_6_file_to_the_new_schema(tmp_path):
    path = str(tmp_path / "cu.sqlite3")
    dbmod.open_database(path)
    db = dbmod.db
    for table in ("award_occasion", "initiative_author", "initiative", "discipline"):
        db.execute_sql(f'DROP TABLE "{table}"')
    for kind in ("unit", "person", "household"):
        db.execute_sql(f'DROP INDEX "registration_movement_id_year_{kind}_id"')
        db.execute_sql(f'DROP INDEX "registration_round_id_{kind}_id"')
        db.execute_sql(f'CREATE UNIQUE INDEX "registration_movement_id_year_{kind}_id" ON '
                       f'"registration" ("movement_id", "year", "{kind}_id") WHERE '
                       f'("{kind}_id" IS NOT NULL)')
    db.execute_sql('DROP INDEX "registration_round_id"')
    # SQLite cannot drop a foreign-key column: rebuild the table as schema 6 made it
    sql = db.execute_sql("SELECT sql FROM sqlite_master WHERE name = 'registration'") \
        .fetchone()[0]
    old = (sql.replace(', "round_id" INTEGER', "")
           .replace(', FOREIGN KEY ("round_id") REFERENCES "round" ("id") ON DELETE RESTRICT', ""))
    assert "round_id" not in old
    indexes = [r[0] for r in db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'registration' "
        "AND sql IS NOT NULL").fetchall()]
    db.execute_sql("PRAGMA foreign_keys=OFF")
    db.execute_sql('DROP TABLE "registration"')
    db.execute_sql(old)
    for index in indexes:
        db.execute_sql(index)
    db.execute_sql("PRAGMA foreign_keys=ON")
    db.execute_sql('ALTER TABLE "round" DROP COLUMN own_registrations')
    db.execute_sql("PRAGMA user_version=6")
    assert schema_check.schema_problems(db.connection())          # not the new schema
    dbmod.close_database()
    dbmod.open_database(path)                                     # migrates and verifies
    try:
        assert db.execute_sql("PRAGMA user_version").fetchone()[0] == dbmod.SCHEMA_VERSION
        assert schema_check.schema_problems(db.connection()) == []
    finally:
        dbmod.close_database()
