"""What every table shares: the base models (one database, versioned saves), the subject
kinds and the subject CHECK constraint."""
import datetime

import peewee
from peewee import IntegerField

from .. import versioning
from ..db import db
from ..fields import EngineSQL

SUBJECT_CHECK = EngineSQL(
    sqlite="CHECK (((unit_id IS NOT NULL) + (person_id IS NOT NULL) + (household_id IS NOT "
           "NULL)) = 1)",
    postgresql="CHECK (num_nonnulls(unit_id, person_id, household_id) = 1)")

# Subject kinds, as stored in Title.subject_kind and used across the program.
PERSON, UNIT, HOUSEHOLD = "person", "unit", "household"
SUBJECT_KINDS = {PERSON: "Cá nhân", UNIT: "Tập thể", HOUSEHOLD: "Hộ gia đình"}


def now():
    return datetime.datetime.now().replace(microsecond=0)


class BaseModel(peewee.Model):
    class Meta:
        database = db
        legacy_table_names = False


class VersionedModel(BaseModel):
    """Edited in dialogs on several PCs: save() writes only over the version it loaded
    (issue 20, models/versioning.py); ``version`` added to old files by migration 11 (units,
    people, households, movements) and 15 (targets, registrations, criteria tables, council
    meetings, decisions — a decision's version also counts changes of its recipient list);
    by migration 16 to commitments, candidates, rounds, covenants, upward files, public
    postings and comments, reviews and exemplary models (a candidate's version also counts
    its votes, a registration's the actuals of its commitments, a model's its stages)."""
    version = IntegerField(default=1, constraints=[peewee.SQL("DEFAULT 1")])
    _pk_expr = versioning.pk_expr
    save = versioning.checked_save
    delete_instance = versioning.checked_delete
