"""Council meetings, candidates, votes, decisions and their awards."""
import peewee
from peewee import (BooleanField, DateField, DateTimeField, ForeignKeyField,
                    IntegerField)

from ..fields import MoneyField, NfcCharField, NfcTextField, PointsField, UUIDTextField
from .base import BaseModel, SUBJECT_CHECK, VersionedModel, now
from .core import Title
from .org import Household, Person, Unit
from .movements import Movement


class Meeting(VersionedModel):
    """Council meeting (bình xét) for a movement and year."""
    uuid = UUIDTextField()
    movement = ForeignKeyField(Movement, null=True, on_delete="RESTRICT")
    year = IntegerField()
    date = DateField()
    place = NfcCharField(max_length=200, default="")
    chair = NfcCharField(max_length=200, default="")
    secretary = NfcCharField(max_length=200, default="")
    members_total = IntegerField()
    members_present = IntegerField()
    basis = NfcCharField(max_length=8, default="present")   # present | total
    threshold_pct = PointsField(default=50)
    secret = BooleanField(default=True)


class Candidate(VersionedModel):
    uuid = UUIDTextField()
    movement = ForeignKeyField(Movement, null=True, on_delete="RESTRICT")
    year = IntegerField(index=True)
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    household = ForeignKeyField(Household, null=True, on_delete="RESTRICT")
    title = ForeignKeyField(Title, on_delete="RESTRICT")
    source = NfcCharField(max_length=8, default="auto")    # auto | manual | proposal
    removed = BooleanField(default=False)
    reason = NfcTextField(default="")
    warnings = NfcTextField(default="")                    # JSON list of strings
    # "Thành tích" of a proposal list (import proposals): printed on the decision's list.
    # Declared last with a DDL default, so a file migrated by step 4 (ALTER TABLE … ADD
    # COLUMN) has exactly the columns a new file gets.
    achievement = NfcTextField(default="", constraints=[peewee.SQL("DEFAULT ''")])

    class Meta:
        constraints = [SUBJECT_CHECK]


class Vote(BaseModel):
    meeting = ForeignKeyField(Meeting, backref="votes", on_delete="CASCADE")
    candidate = ForeignKeyField(Candidate, backref="votes", on_delete="CASCADE")
    votes_for = IntegerField()
    votes_against = IntegerField(default=0)
    percent = PointsField()
    passed = BooleanField()

    class Meta:
        indexes = ((("meeting", "candidate"), True),)


class Decision(VersionedModel):
    """Quyết định khen thưởng: draft → issued (immutable) → corrected/revoked by a new one."""
    uuid = UUIDTextField()
    year = IntegerField()
    period_year = IntegerField(null=True)      # year of the results commended (history, pay once)
    seq = IntegerField(null=True)              # number within the year, given on issue or draft
    number = NfcCharField(max_length=60, default="")   # "12/QĐ-UBND"
    date = DateField()
    state = NfcCharField(max_length=10, default="draft")  # draft|issued|corrected|revoked
    kind = NfcCharField(max_length=10, default="award")   # award | amend | revoke
    amends = ForeignKeyField("self", null=True, backref="amendments", on_delete="RESTRICT")
    movement = ForeignKeyField(Movement, null=True, on_delete="RESTRICT")
    meeting = ForeignKeyField(Meeting, null=True, on_delete="SET NULL")
    about = NfcTextField(default="")           # "Về việc khen thưởng …"
    signer_name = NfcCharField(max_length=200, default="")
    signer_title = NfcCharField(max_length=100, default="CHỦ TỊCH")
    on_behalf = BooleanField(default=False)    # True: "TM. ỦY BAN NHÂN DÂN" (committee decision)
    bases = NfcTextField(default="")           # JSON list of "Căn cứ …" lines
    proposer = NfcTextField(default="")        # "Xét đề nghị của …"
    recipients = NfcTextField(default="")      # JSON list for "Nơi nhận:"
    reason = NfcTextField(default="")          # why an amending/revoking decision is made
    total = MoneyField(default=0)              # đồng
    issued_at = DateTimeField(null=True)
    issued_by = NfcCharField(max_length=60, default="")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("year", "seq"), True),)


class Award(BaseModel):
    """One recipient line of a decision, with its money and register number."""
    uuid = UUIDTextField()
    decision = ForeignKeyField(Decision, backref="awards", on_delete="CASCADE")
    order = IntegerField(default=0)
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    household = ForeignKeyField(Household, null=True, on_delete="RESTRICT")
    candidate = ForeignKeyField(Candidate, null=True, on_delete="SET NULL")
    title = ForeignKeyField(Title, on_delete="RESTRICT")
    display_name = NfcCharField(max_length=300)        # name as printed
    position = NfcCharField(max_length=200, default="")
    place = NfcCharField(max_length=300, default="")   # unit or address as printed
    achievement = NfcTextField(default="")
    amount = MoneyField(default=0)                     # đồng, 0 when not paid
    paid = BooleanField(default=True)                  # False when a higher title is paid
    register_year = IntegerField(null=True)
    register_no = IntegerField(null=True)
    note = NfcTextField(default="")

    class Meta:
        constraints = [SUBJECT_CHECK]
        indexes = ((("register_year", "register_no"), True),)
