"""Criteria tables, bands, score sheets and scores."""
from peewee import (BooleanField, DateField, DateTimeField, ForeignKeyField,
                    IntegerField)

from ..fields import NfcCharField, NfcTextField, PointsField, UUIDTextField
from .base import BaseModel, SUBJECT_CHECK, VersionedModel, now
from .core import UnitKind
from .org import Household, Person, Unit
from .movements import Movement, Target


class CriteriaSet(VersionedModel):
    """Bảng tiêu chí: belongs to a movement/year and a kind of unit."""
    uuid = UUIDTextField()
    name = NfcCharField(max_length=300)
    movement = ForeignKeyField(Movement, null=True, on_delete="RESTRICT")
    year = IntegerField()
    unit_kind = ForeignKeyField(UnitKind, null=True, on_delete="RESTRICT")
    total_max = PointsField(default=100)       # declared content total (100 or 950)
    bonus_max = PointsField(default=0)         # cap on bonus points (10 or 50)
    tie_break = NfcTextField(default="")       # JSON list of rules, e.g. ["group:I","group:II","penalties"]
    copied_from = ForeignKeyField("self", null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=now)


class Criterion(BaseModel):
    criteria_set = ForeignKeyField(CriteriaSet, backref="criteria", on_delete="CASCADE")
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
    order = IntegerField(default=0)
    code = NfcCharField(max_length=20)
    text = NfcTextField()
    max_points = PointsField()                 # for deductions: the size of one deduction
    method = NfcCharField(max_length=12)       # group|manual|proportional|yesno|deduction|bonus
    target = ForeignKeyField(Target, null=True, on_delete="SET NULL")
    direction = NfcCharField(max_length=8, default="higher")
    repeatable = BooleanField(default=False)   # deduction per occurrence


class Band(BaseModel):
    criteria_set = ForeignKeyField(CriteriaSet, backref="bands", on_delete="CASCADE")
    order = IntegerField(default=0)
    name = NfcCharField(max_length=60)
    min_total = PointsField()
    floor_pct = PointsField(null=True)         # no criterion under this % of its max


class ScoreSheet(BaseModel):
    """Phiếu chấm điểm: one unit against one criteria table."""
    uuid = UUIDTextField()
    criteria_set = ForeignKeyField(CriteriaSet, backref="sheets", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    household = ForeignKeyField(Household, null=True, on_delete="RESTRICT")
    state = NfcCharField(max_length=10, default="draft")  # draft|submitted|checked|finalised
    self_total = PointsField(null=True)
    total = PointsField(null=True)
    band = NfcCharField(max_length=60, default="")
    rank = IntegerField(null=True)
    checker = NfcCharField(max_length=200, default="")   # the person who checked it
    checked_on = DateField(null=True)                     # the day it was checked
    updated_at = DateTimeField(default=now)

    class Meta:
        constraints = [SUBJECT_CHECK]
        indexes = ((("criteria_set", "unit", "person", "household"), True),)


class Score(BaseModel):
    sheet = ForeignKeyField(ScoreSheet, backref="scores", on_delete="CASCADE")
    criterion = ForeignKeyField(Criterion, on_delete="RESTRICT")
    self_points = PointsField(null=True)
    checked_points = PointsField(null=True)
    count = IntegerField(default=0)            # occurrences for repeatable deductions
    evidence = NfcTextField(default="")
    reason = NfcTextField(default="")

    class Meta:
        indexes = ((("sheet", "criterion"), True),)
