"""Movements, rounds, targets, registrations, commitments and covenants."""
from peewee import (BooleanField, DateField, DateTimeField, ForeignKeyField,
                    IntegerField)

from ..fields import DecimalTextField, NfcCharField, NfcTextField, UUIDTextField
from .base import (BaseModel, HOUSEHOLD, PERSON, SUBJECT_CHECK, UNIT,
                   VersionedModel, now)
from .core import Title
from .org import Household, Person, Unit


class Movement(VersionedModel):
    """Phong trào thi đua: regular (yearly / multi-year) or themed, possibly under another."""
    uuid = UUIDTextField()
    name = NfcCharField(max_length=300)
    name_key = NfcCharField(max_length=300, index=True)
    kind = NfcCharField(max_length=10, default="regular")     # regular | themed
    parent = ForeignKeyField("self", null=True, backref="themed", on_delete="RESTRICT")
    year_from = IntegerField()
    year_to = IntegerField()
    theme = NfcTextField(default="")
    slogan = NfcTextField(default="")
    doc_number = NfcCharField(max_length=60, default="")
    doc_date = DateField(null=True)
    doc_signer = NfcCharField(max_length=200, default="")
    description = NfcTextField(default="")
    achievement_text = NfcTextField(default="")   # default "Đã có thành tích …" for decisions
    created_at = DateTimeField(default=now)


class Round(VersionedModel):
    """Đợt thi đua with its own dates and closing review (sơ kết / tổng kết)."""
    movement = ForeignKeyField(Movement, backref="rounds", on_delete="CASCADE")
    name = NfcCharField(max_length=200)
    start = DateField()
    end = DateField()
    review_name = NfcCharField(max_length=200, default="")
    review_date = DateField(null=True)
    # issue 18: the round takes its own registrations (đăng ký theo đợt); declared last so a
    # file migrated by step 7 (ALTER TABLE … ADD COLUMN) has the columns a new file gets
    own_registrations = BooleanField(default=False)


class Target(VersionedModel):
    """Chỉ tiêu of the commune for a movement (and its actual value during the year)."""
    uuid = UUIDTextField()
    movement = ForeignKeyField(Movement, backref="targets", on_delete="CASCADE")
    order = IntegerField(default=0)
    code = NfcCharField(max_length=20, default="")
    name = NfcTextField()
    measure = NfcCharField(max_length=60, default="")        # unit of measure: %, người, …
    value = DecimalTextField(null=True)
    value_text = NfcTextField(default="")                    # as written in the plan ("khoảng 9,48%")
    direction = NfcCharField(max_length=8, default="higher")  # higher | lower | exact
    group = NfcCharField(max_length=100, default="")
    actual = DecimalTextField(null=True)
    year = IntegerField(null=True)


class Registration(VersionedModel):
    """Đăng ký thi đua of one subject for one movement and year."""
    uuid = UUIDTextField()
    movement = ForeignKeyField(Movement, backref="registrations", on_delete="RESTRICT")
    year = IntegerField(index=True)
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    household = ForeignKeyField(Household, null=True, on_delete="RESTRICT")
    state = NfcCharField(max_length=10, default="draft")  # draft|submitted|accepted|returned
    return_reason = NfcTextField(default="")
    reg_date = DateField(null=True)
    signer = NfcCharField(max_length=200, default="")
    created_at = DateTimeField(default=now)
    # issue 18: a registration for one round (đợt) of the movement; None = the movement's year
    round = ForeignKeyField(Round, null=True, backref="registrations", on_delete="RESTRICT")

    class Meta:
        constraints = [SUBJECT_CHECK]
        indexes = ((("movement", "year", "unit", "person", "household"), True),)


# One registration per subject, movement and year (and one per subject and round): NULLs are
# distinct in a plain unique index, so each kind of subject gets its own partial unique
# indexes — one for the movement's year (no round), one for the rounds.
for _kind in (UNIT, PERSON, HOUSEHOLD):
    _col = getattr(Registration, _kind)
    Registration.add_index(Registration.index(
        Registration.movement, Registration.year, _col, unique=True,
        where=_col.is_null(False) & Registration.round.is_null()).safe(True))
    Registration.add_index(Registration.index(
        Registration.round, _col, unique=True,
        where=_col.is_null(False) & Registration.round.is_null(False)).safe(True))


class RegistrationTitle(BaseModel):
    registration = ForeignKeyField(Registration, backref="titles", on_delete="CASCADE")
    title = ForeignKeyField(Title, on_delete="RESTRICT")

    class Meta:
        indexes = ((("registration", "title"), True),)


class Commitment(VersionedModel):
    """A target the subject commits to, pre-filled from the commune's."""
    registration = ForeignKeyField(Registration, backref="commitments", on_delete="CASCADE")
    target = ForeignKeyField(Target, null=True, on_delete="SET NULL")
    name = NfcTextField()
    measure = NfcCharField(max_length=60, default="")
    value = DecimalTextField(null=True)
    direction = NfcCharField(max_length=8, default="higher")
    actual = DecimalTextField(null=True)


class Covenant(VersionedModel):
    """A bloc's year: head, deputy, covenant (giao ước) content and signing date."""
    uuid = UUIDTextField()
    bloc = ForeignKeyField(Unit, backref="covenants", on_delete="RESTRICT")
    movement = ForeignKeyField(Movement, null=True, on_delete="RESTRICT")
    year = IntegerField()
    head = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    deputy = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    content = NfcTextField(default="")
    signed_date = DateField(null=True)
    place = NfcCharField(max_length=200, default="")

    class Meta:
        indexes = ((("bloc", "year", "movement"), True),)


class CovenantMember(BaseModel):
    covenant = ForeignKeyField(Covenant, backref="members", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, on_delete="RESTRICT")
    signer = NfcCharField(max_length=200, default="")

    class Meta:
        indexes = ((("covenant", "unit"), True),)
