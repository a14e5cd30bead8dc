"""Sudden and themed awards, initiatives (sáng kiến), discipline (kỷ luật) (issue 18)."""
import peewee
from peewee import DateField, DateTimeField, ForeignKeyField, IntegerField

from ..fields import EngineSQL, NfcCharField, NfcTextField, UUIDTextField
from .base import BaseModel, now
from .org import Person, Unit
from .movements import Round
from .decisions import Decision


# sudden and themed awards, initiatives (sáng kiến), discipline (kỷ luật)

class AwardOccasion(BaseModel):
    """What a sudden (đột xuất) or themed (chuyên đề) decision commends; regular decisions
    have none. For a sudden award: the day, place and act; for a themed one: the round whose
    review (sơ kết / tổng kết) it closes, if any."""
    decision = ForeignKeyField(Decision, unique=True, backref="occasions", on_delete="CASCADE")
    method = NfcCharField(max_length=10)                  # sudden | themed
    event_date = DateField(null=True)
    place = NfcCharField(max_length=300, default="")
    description = NfcTextField(default="")
    round = ForeignKeyField(Round, null=True, on_delete="RESTRICT")
    created_at = DateTimeField(default=now)


class Initiative(BaseModel):
    """Sáng kiến: authors, unit, field, effect and scope; recognised by a council's decision."""
    uuid = UUIDTextField()
    title = NfcCharField(max_length=500)
    title_key = NfcCharField(max_length=500, index=True)
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    date = DateField()                                    # submitted (applied from)
    area = NfcCharField(max_length=200, default="")       # lĩnh vực
    effect = NfcTextField(default="")                     # hiệu quả
    scope = NfcCharField(max_length=10, default="base")   # base | province | nation
    state = NfcCharField(max_length=10, default="pending")  # pending | recognised | rejected
    council = NfcCharField(max_length=200, default="")    # who recognised it
    decision_number = NfcCharField(max_length=60, default="")
    decision_date = DateField(null=True, index=True)
    note = NfcTextField(default="")
    created_at = DateTimeField(default=now)


class InitiativeAuthor(BaseModel):
    initiative = ForeignKeyField(Initiative, backref="authors", on_delete="CASCADE")
    person = ForeignKeyField(Person, on_delete="RESTRICT")
    order = IntegerField(default=0)

    class Meta:
        indexes = ((("initiative", "person"), True),)


class Discipline(BaseModel):
    """Kỷ luật of a person or a unit: form, decision number and date, period."""
    uuid = UUIDTextField()
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    form = NfcCharField(max_length=20)                    # models/discipline.FORMS
    number = NfcCharField(max_length=60, default="")
    date = DateField()
    start_date = DateField()
    end_date = DateField(null=True)                       # None: no end (e.g. dismissal)
    issuer = NfcCharField(max_length=200, default="")
    reason = NfcTextField(default="")
    created_at = DateTimeField(default=now)

    class Meta:
        constraints = [
            EngineSQL(sqlite="CHECK (((unit_id IS NOT NULL) + (person_id IS NOT NULL)) = 1)",
                      postgresql="CHECK (num_nonnulls(unit_id, person_id) = 1)"),
            peewee.Check("end_date IS NULL OR end_date >= start_date")]
