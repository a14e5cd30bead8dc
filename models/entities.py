"""The schema: every table of the program, without behaviour (rules live in the service modules).

Conventions
- Text columns are NFC (NfcCharField / NfcTextField); ``*_key`` columns hold the folded
  search key (``vntext.fold``) so accent-insensitive search works in SQL.
- Points are ``PointsField`` (exact, 2 places); money is integer đồng; coefficients and
  target values are ``DecimalTextField``.
- Records that leave the machine carry ``uuid`` beside the integer key.
- A subject (of a registration, score, candidate or award) is exactly one of unit, person,
  household: three nullable foreign keys and a CHECK constraint (``SUBJECT_CHECK``).
"""
import datetime

import peewee
from peewee import (BooleanField, DateField, DateTimeField, ForeignKeyField,
                    IntegerField)

from . import versioning
from .db import db
from .fields import (DecimalTextField, EngineSQL, NfcCharField, NfcTextField, PointsField,
                     UUIDTextField)

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


# --------------------------------------------------------------------------- core

class Setting(BaseModel):
    """Key → JSON value: commune, chairman, place name, numbering formats, options."""
    key = NfcCharField(primary_key=True, max_length=100)
    value = NfcTextField()


class User(BaseModel):
    username = NfcCharField(unique=True, max_length=60)
    full_name = NfcCharField(max_length=200)
    role = NfcCharField(max_length=10)  # viewer | clerk | leader
    password_hash = NfcCharField(max_length=300)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)


class AuditLog(BaseModel):
    """Every change by a user: who, when, what, old → new, reason."""
    at = DateTimeField(default=now, index=True)
    username = NfcCharField(max_length=60)
    action = NfcCharField(max_length=60)        # e.g. "register_unit"
    entity = NfcCharField(max_length=40)        # table name
    entity_id = IntegerField(null=True, index=True)
    old = NfcTextField(null=True)               # JSON
    new = NfcTextField(null=True)               # JSON
    reason = NfcTextField(null=True)
    # hash chain (models/audit_log.py): sha256 over the previous row's hash and this row
    prev_hash = NfcCharField(max_length=64, null=True)
    row_hash = NfcCharField(max_length=64, null=True)


class SignInFailure(BaseModel):
    """Failed sign-ins by name (known or not): the delay before the next try, the lock."""
    username = NfcCharField(primary_key=True, max_length=60)
    failures = IntegerField(default=0)
    last_at = DateTimeField(null=True)
    locked_until = DateTimeField(null=True)


class UnitKind(BaseModel):
    """Kinds of collective: thôn, tổ dân phố, cơ quan, trường học, … (editable)."""
    code = NfcCharField(unique=True, max_length=30)
    name = NfcCharField(max_length=100)
    is_bloc = BooleanField(default=False)       # cụm / khối thi đua
    is_village = BooleanField(default=False)    # thôn / tổ dân phố: households live here
    order = IntegerField(default=0)


class Title(BaseModel):
    """A title (danh hiệu) or form of commendation (hình thức) the catalogue knows."""
    uuid = UUIDTextField()
    code = NfcCharField(unique=True, max_length=30)
    name = NfcCharField(max_length=200)
    kind = NfcCharField(max_length=10, default="title")       # title | form
    subject_kind = NfcCharField(max_length=10)               # person | unit | household
    coefficient = DecimalTextField(null=True)                # × base salary; None = no money
    multiple = DecimalTextField(default="1")                 # e.g. 1.5 for household Giấy khen
    cash_only = BooleanField(default=False)
    conferred_by = NfcCharField(max_length=10, default="commune")  # commune | province
    unit_kinds = NfcCharField(max_length=200, default="")    # comma list of UnitKind.code; "" = any
    rank = IntegerField(default=0)                           # higher = higher title
    active = BooleanField(default=True)
    note = NfcTextField(default="")


class BaseSalary(BaseModel):
    """Mức lương cơ sở in force from a date (dated table, user adds new rows)."""
    effective_from = DateField(unique=True)
    amount = IntegerField()                                   # đồng
    legal_basis = NfcCharField(max_length=200, default="")


# --------------------------------------------------------------------------- organisation

class Unit(VersionedModel):
    """A collective in the tree: commune → blocs/clusters → units → sub-units."""
    uuid = UUIDTextField()
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    name = NfcCharField(max_length=200)
    name_key = NfcCharField(max_length=200, index=True)
    kind = ForeignKeyField(UnitKind, on_delete="RESTRICT")
    head = ForeignKeyField("self", null=True, on_delete="RESTRICT")    # bloc head (cụm trưởng)
    deputy = ForeignKeyField("self", null=True, on_delete="RESTRICT")  # bloc deputy
    address = NfcCharField(max_length=300, default="")
    leader_name = NfcCharField(max_length=200, default="")  # head of the unit, for signatures
    note = NfcTextField(default="")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)


class Person(VersionedModel):
    uuid = UUIDTextField()
    full_name = NfcCharField(max_length=200)
    name_key = NfcCharField(max_length=200, index=True)
    sort_key = NfcCharField(max_length=600, default="")   # collation.name_sort_string
    gender = NfcCharField(max_length=3)                       # nam | nu
    birth_year = IntegerField(null=True)
    position = NfcCharField(max_length=200, default="")
    unit = ForeignKeyField(Unit, null=True, backref="people", on_delete="RESTRICT")
    note = NfcTextField(default="")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)

    class Meta:
        # Covering index: the people list is read in name order without table look-ups.
        indexes = ((("sort_key", "id", "full_name", "name_key", "gender", "birth_year", "unit",
                     "position", "active"), False),)


class Household(VersionedModel):
    uuid = UUIDTextField()
    head_name = NfcCharField(max_length=200)
    name_key = NfcCharField(max_length=200, index=True)
    sort_key = NfcCharField(max_length=600, default="")   # collation.name_sort_string
    gender = NfcCharField(max_length=3)
    birth_year = IntegerField(null=True)
    village = ForeignKeyField(Unit, backref="households", on_delete="RESTRICT")  # thôn / TDP
    address = NfcCharField(max_length=300, default="")
    note = NfcTextField(default="")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)

    class Meta:
        # Covering index: 20,000 households are read in name order by one sequential scan.
        indexes = ((("sort_key", "id", "head_name", "name_key", "gender", "birth_year",
                     "village", "address", "active"), False),)


# --------------------------------------------------------------------------- movements

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


# --------------------------------------------------------------------------- scoring

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


# --------------------------------------------------------------------------- vote and decisions

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
    total = IntegerField(default=0)            # đồng
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
    amount = IntegerField(default=0)                   # đồng, 0 when not paid
    paid = BooleanField(default=True)                  # False when a higher title is paid
    register_year = IntegerField(null=True)
    register_no = IntegerField(null=True)
    note = NfcTextField(default="")

    class Meta:
        constraints = [SUBJECT_CHECK]
        indexes = ((("register_year", "register_no"), True),)


# --------------------------------------------------------------------------- certificates

class CertTemplate(BaseModel):
    """Certificate layout: paper size, fields and their boxes (JSON), optional blank scan."""
    name = NfcCharField(unique=True, max_length=100)
    data = NfcTextField()                      # JSON document, see reports/certificates
    background = peewee.BlobField(null=True)   # scanned blank, image bytes
    builtin = BooleanField(default=False)


class PrinterOffset(BaseModel):
    printer = NfcCharField(primary_key=True, max_length=200)
    dx_mm = PointsField(default=0)
    dy_mm = PointsField(default=0)


class PrintLog(BaseModel):
    at = DateTimeField(default=now)
    username = NfcCharField(max_length=60)
    award = ForeignKeyField(Award, on_delete="CASCADE")
    template = NfcCharField(max_length=100)
    target = NfcCharField(max_length=200)      # printer name or PDF path
    reprint = BooleanField(default=False)
    # pdf: saved to a file | sent: handed to the print queue, not yet confirmed |
    # printed: the clerk confirmed the sheet came out | spoiled: sent, but did not come out
    state = NfcCharField(max_length=10, default="printed")
    job = NfcCharField(max_length=60, default="")          # spooler job id, e.g. "HP-12"


# --------------------------------------------------------------------------- issue 17: proposals upward

class UpwardFile(VersionedModel):
    """Hồ sơ đề nghị cấp trên khen thưởng: the chairman's tờ trình with its proposals."""
    uuid = UUIDTextField()
    year = IntegerField()                      # the year the achievements are for
    movement = ForeignKeyField(Movement, null=True, on_delete="RESTRICT")
    meeting = ForeignKeyField(Meeting, null=True, on_delete="SET NULL")   # the council's vote
    number = NfcCharField(max_length=60, default="")      # "15/TTr-UBND"
    date = DateField()
    signer_name = NfcCharField(max_length=200, default="")
    signer_title = NfcCharField(max_length=100, default="CHỦ TỊCH")
    on_behalf = BooleanField(default=False)    # "TM. ỦY BAN NHÂN DÂN" above the signer's title
    texts = NfcTextField(default="{}")         # JSON: the clerk's edits of the tờ trình
    state = NfcCharField(max_length=10, default="draft")  # draft | exported
    exported_at = DateTimeField(null=True)
    created_at = DateTimeField(default=now)


class UpwardProposal(BaseModel):
    """One person, collective or household proposed for a title the province confers."""
    uuid = UUIDTextField()
    file = ForeignKeyField(UpwardFile, backref="proposals", on_delete="CASCADE")
    order = IntegerField(default=0)
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    household = ForeignKeyField(Household, null=True, on_delete="RESTRICT")
    title = ForeignKeyField(Title, on_delete="RESTRICT")
    candidate = ForeignKeyField(Candidate, null=True, on_delete="SET NULL")
    texts = NfcTextField(default="{}")         # JSON: the clerk's edits of the báo cáo thành tích
    warnings = NfcTextField(default="[]")      # JSON list: missing years, no vote, …

    class Meta:
        constraints = [SUBJECT_CHECK]
# --------------------------------------------------------------------------- issue 18
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


ALL_MODELS = [
    Setting, User, AuditLog, SignInFailure, UnitKind, Title, BaseSalary,
    Unit, Person, Household,
    Movement, Round, Target, Registration, RegistrationTitle, Commitment, Covenant,
    CovenantMember,
    CriteriaSet, Criterion, Band, ScoreSheet, Score,
    Meeting, Candidate, Vote, Decision, Award,
    CertTemplate, PrinterOffset, PrintLog,
    UpwardFile, UpwardProposal,
    AwardOccasion, Initiative, InitiativeAuthor, Discipline,
]


# --------------------------------------------------------------------------- issue 17: public list

class PublicPosting(VersionedModel):
    """Danh sách công khai: the council's result posted for comment (where, from, to)."""
    uuid = UUIDTextField()
    meeting = ForeignKeyField(Meeting, backref="postings", on_delete="RESTRICT")
    posted_from = DateField()
    posted_to = DateField()
    comments_until = DateField()                # end of the comment period (≥ posted_from)
    places = NfcTextField(default="")           # JSON list: trụ sở UBND, nhà văn hóa thôn …
    number = NfcCharField(max_length=60, default="")   # "…/TB-UBND" when the office numbers it
    signer_name = NfcCharField(max_length=200, default="")
    signer_title = NfcCharField(max_length=100, default="CHỦ TỊCH")
    created_at = DateTimeField(default=now)


class PublicComment(VersionedModel):
    """Ý kiến phản ánh received about one candidate during (or after) the posting."""
    uuid = UUIDTextField()
    candidate = ForeignKeyField(Candidate, backref="comments", on_delete="RESTRICT")
    posting = ForeignKeyField(PublicPosting, null=True, backref="comments",
                              on_delete="SET NULL")
    received_on = DateField()
    author = NfcCharField(max_length=200)       # who: a person, "Ban công tác Mặt trận thôn …"
    content = NfcTextField()
    state = NfcCharField(max_length=10, default="open")   # open | resolved
    resolution = NfcTextField(default="")       # how it was settled (required to resolve)
    resolved_on = DateField(null=True)
    resolved_by = NfcCharField(max_length=60, default="")
    created_at = DateTimeField(default=now)


ALL_MODELS += [PublicPosting, PublicComment]


# ------------------------------------------------------------- issue 17: Word templates

class DocTemplate(BaseModel):
    """A commune's own Word template (.docx with {{placeholders}}) replacing the built-in
    layout of one document kind (see models/doc_templates.py)."""
    kind = NfcCharField(unique=True, max_length=20)        # decision | minutes | proposal
    file_name = NfcCharField(max_length=255)
    data = peewee.BlobField()
    sha256 = NfcCharField(max_length=64)
    uploaded_at = DateTimeField(default=now)
    uploaded_by = NfcCharField(max_length=60, default="")


ALL_MODELS.append(DocTemplate)


# --------------------------------------------------------------------------- issue 19:
# exemplary models (điển hình tiên tiến), periodic reviews (sơ kết / tổng kết), plan deadlines

class ExemplaryModel(VersionedModel):
    """Điển hình tiên tiến: a person, collective, household or a named practice ("mô hình")
    moving through discovered → nurtured → summarised → replicated (models/exemplary.py).
    ``stage``/``stage_date`` repeat the latest stage row so lists and "stuck" need no join."""
    uuid = UUIDTextField()
    name = NfcCharField(max_length=300)
    name_key = NfcCharField(max_length=300, index=True)
    kind = NfcCharField(max_length=10)                       # person | unit | household | practice
    movement = ForeignKeyField(Movement, backref="exemplary_models", on_delete="RESTRICT")
    area = NfcCharField(max_length=100, default="")          # lĩnh vực (movements.GROUPS)
    # the originator (người/đơn vị khởi xướng): exactly one for a subject, at most one for
    # a practice
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    household = ForeignKeyField(Household, null=True, on_delete="RESTRICT")
    description = NfcTextField(default="")
    stage = NfcCharField(max_length=12, default="discovered")
    stage_date = DateField()
    created_at = DateTimeField(default=now)

    class Meta:
        constraints = [EngineSQL(      # one spelling per engine (issue 20)
            sqlite="CHECK (((unit_id IS NOT NULL) + (person_id IS NOT NULL) + "
                   "(household_id IS NOT NULL)) <= 1)",
            postgresql="CHECK (num_nonnulls(unit_id, person_id, household_id) <= 1)")]


class ModelStage(BaseModel):
    """One stage of a model: when, by whom, and what (evidence / support / results)."""
    model = ForeignKeyField(ExemplaryModel, backref="stages", on_delete="CASCADE")
    stage = NfcCharField(max_length=12)                      # discovered | nurtured | summarised
    date = DateField()
    by_whom = NfcCharField(max_length=200, default="")
    content = NfcTextField(default="")

    class Meta:
        indexes = ((("model", "stage"), True),)


class ModelReplication(BaseModel):
    """Nhân rộng: a unit that took the model up, from a date, with its results there."""
    model = ForeignKeyField(ExemplaryModel, backref="replications", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, on_delete="RESTRICT")
    date = DateField()
    result = NfcTextField(default="")

    class Meta:
        indexes = ((("model", "unit"), True),)


class ModelPublicity(BaseModel):
    """Giới thiệu, tuyên truyền: where (loa truyền thanh, trang thông tin, hội nghị) and when."""
    model = ForeignKeyField(ExemplaryModel, backref="publicity", on_delete="CASCADE")
    channel = NfcCharField(max_length=12)    # loudspeaker | website | conference | other
    date = DateField()
    detail = NfcTextField(default="")


class Review(VersionedModel):
    """Báo cáo sơ kết / tổng kết of a movement: figures come from the records when it is
    shown or exported; the clerk's own text is kept here; ``snapshot`` freezes the figures
    (JSON) when the report is sent."""
    uuid = UUIDTextField()
    movement = ForeignKeyField(Movement, backref="reviews", on_delete="RESTRICT")
    round = ForeignKeyField(Round, null=True, backref="reviews", on_delete="RESTRICT")
    kind = NfcCharField(max_length=10)                       # so_ket | tong_ket | giai_doan
    year = IntegerField(null=True)
    period_start = DateField()
    period_end = DateField()
    number = NfcCharField(max_length=60, default="")         # "45/BC-UBND"
    report_date = DateField(null=True)
    assessment = NfcTextField(default="")                    # đánh giá chung
    shortcomings = NfcTextField(default="")                  # tồn tại, hạn chế
    lessons = NfcTextField(default="")                       # bài học kinh nghiệm
    next_tasks = NfcTextField(default="")                    # phương hướng, nhiệm vụ
    state = NfcCharField(max_length=10, default="drafted")   # drafted | sent
    sent_date = DateField(null=True)
    sent_to = NfcCharField(max_length=300, default="")
    snapshot = NfcTextField(default="")
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)


class PlanDeadline(BaseModel):
    """A date a plan sets (registration deadline, report to the upper level, …); the round
    review dates come from Round. Shown on "Tổng quan" (models/deadlines.py)."""
    movement = ForeignKeyField(Movement, backref="deadlines", on_delete="CASCADE")
    kind = NfcCharField(max_length=12)                       # registration | report | other
    label = NfcCharField(max_length=300)
    due = DateField()
    done_on = DateField(null=True)


ISSUE_19_MODELS = [ExemplaryModel, ModelStage, ModelReplication, ModelPublicity, Review,
                   PlanDeadline]
ALL_MODELS += ISSUE_19_MODELS


# --------------------------------------------------------------------------- issue 18: fund, blanks

class FundEntry(BaseModel):
    """Sổ quỹ thi đua, khen thưởng: one receipt or payment. A decision's own entry (its
    total, an amendment's difference, a revocation's recovery) is made when it is issued."""
    uuid = UUIDTextField()
    date = DateField()
    year = IntegerField(index=True)
    direction = NfcCharField(max_length=8)      # receipt | payment
    kind = NfcCharField(max_length=12)          # budget|contribution|recovery|other_in|decision|other_out
    amount = IntegerField()                     # đồng, > 0
    decision = ForeignKeyField(Decision, null=True, unique=True, on_delete="RESTRICT")
    content = NfcTextField(default="")          # "Ngân sách xã cấp năm 2026"
    doc_number = NfcCharField(max_length=100, default="")   # chứng từ: số
    doc_date = DateField(null=True)                          # chứng từ: ngày
    note = NfcTextField(default="")
    over_reason = NfcTextField(default="")      # why a payment beyond the balance was allowed
    username = NfcCharField(max_length=60, default="")
    created_at = DateTimeField(default=now)

    class Meta:
        constraints = [peewee.Check("amount > 0")]


class BlankKind(BaseModel):
    """A kind of pre-printed blank (phôi), e.g. "Giấy khen của Chủ tịch UBND xã"."""
    name = NfcCharField(unique=True, max_length=200)
    note = NfcTextField(default="")
    active = BooleanField(default=True)


class BlankKindTemplate(BaseModel):
    """Which certificate templates print on which blank (a template uses one kind)."""
    kind = ForeignKeyField(BlankKind, backref="templates", on_delete="CASCADE")
    template = ForeignKeyField(CertTemplate, unique=True, on_delete="CASCADE")


class BlankMove(BaseModel):
    """Blanks received (with their serial range) or spoiled (with the reason)."""
    kind = ForeignKeyField(BlankKind, backref="moves", on_delete="RESTRICT")
    move = NfcCharField(max_length=10)          # receipt | spoiled
    stage = NfcCharField(max_length=10, default="")   # spoiled: print (among used) | stock
    date = DateField()
    quantity = IntegerField()
    serial_from = NfcCharField(max_length=60, default="")
    serial_to = NfcCharField(max_length=60, default="")
    doc_number = NfcCharField(max_length=100, default="")
    reason = NfcTextField(default="")
    username = NfcCharField(max_length=60, default="")
    created_at = DateTimeField(default=now)

    class Meta:
        constraints = [peewee.Check("quantity > 0")]


class BlankUse(BaseModel):
    """One blank used by one sheet sent to the printer (a print-log row in blank mode)."""
    print_log = ForeignKeyField(PrintLog, unique=True, on_delete="CASCADE")
    kind = ForeignKeyField(BlankKind, backref="uses", on_delete="RESTRICT")


ALL_MODELS += [FundEntry, BlankKind, BlankKindTemplate, BlankMove, BlankUse]


# --------------------------------------------------------------------------- issue 20: province merge
# The province's TĐKT office merges the files its communes send (upward files, full
# backups) into one database: one row per commune and the commune's subjects, awards and
# proposals, each by the UUID the commune gave it (models/province.py). Award rows carry
# what the statistics forms group by (year, statistics group, method, title); their counts
# per commune are written with them (prov_award_count), so a province statistics query reads
# a few hundred rows however many awards the communes hold.

class ProvCommune(BaseModel):
    """A commune whose file the province has received; re-importing replaces its rows."""
    commune_code = NfcCharField(unique=True, max_length=20)
    name = NfcCharField(max_length=200)
    province_code = NfcCharField(max_length=20, default="")
    province_name = NfcCharField(max_length=200, default="")
    unit_uuid = NfcCharField(max_length=36, default="")     # the commune's own unit
    source = NfcCharField(max_length=8)                     # upward | backup
    file_name = NfcCharField(max_length=300, default="")
    file_sha256 = NfcCharField(max_length=64, default="")
    file_time = DateTimeField()              # when the commune made the file (data as of)
    file_year = IntegerField(null=True)      # an upward file's year
    subjects = IntegerField(default=0)
    awards = IntegerField(default=0)
    proposals = IntegerField(default=0)
    imported_at = DateTimeField(default=now)
    imported_by = NfcCharField(max_length=60, default="")


class ProvSubject(BaseModel):
    """A person, collective or household of a commune (name folded for search)."""
    uuid = NfcCharField(unique=True, max_length=36)
    commune = ForeignKeyField(ProvCommune, on_delete="CASCADE")
    kind = NfcCharField(max_length=10)                      # person | unit | household
    name = NfcCharField(max_length=300)
    name_key = NfcCharField(max_length=300, index=True)
    position = NfcCharField(max_length=200, default="")
    gender = NfcCharField(max_length=10, default="")
    birth_year = IntegerField(null=True)
    unit_name = NfcCharField(max_length=300, default="")    # person: unit; household: village


class ProvAward(BaseModel):
    """An award in force in a commune, with what the statistics forms count it by."""
    uuid = NfcCharField(unique=True, max_length=36)
    commune = ForeignKeyField(ProvCommune, on_delete="CASCADE", index=False)
    subject_uuid = NfcCharField(max_length=36, index=True)
    kind = NfcCharField(max_length=10)                      # person | unit | household
    name = NfcCharField(max_length=300, default="")         # as printed in the decision
    stat_group = NfcCharField(max_length=2)                 # biểu 0603.N row: 02 03 04 08 09 10
    method = NfcCharField(max_length=12, default="")        # award_method; "" when not told
    title_code = NfcCharField(max_length=30, default="")
    title_name = NfcCharField(max_length=300)
    title_kind = NfcCharField(max_length=10, default="title")   # title | form
    year = IntegerField()
    decision_uuid = NfcCharField(max_length=36, default="")
    decision_number = NfcCharField(max_length=60, default="")
    decision_date = DateField(null=True)
    issuer = NfcCharField(max_length=300, default="")
    amount = IntegerField(default=0)                        # đồng

    class Meta:
        indexes = ((("year", "commune"), False), (("commune", "year"), False))


class ProvProposal(BaseModel):
    """A proposal for a provincial title received in a commune's file."""
    uuid = NfcCharField(unique=True, max_length=36)
    commune = ForeignKeyField(ProvCommune, on_delete="CASCADE")
    file_uuid = NfcCharField(max_length=36, default="")
    file_number = NfcCharField(max_length=60, default="")
    year = IntegerField(index=True)
    title_code = NfcCharField(max_length=30, default="")
    title_name = NfcCharField(max_length=300)
    subject_uuid = NfcCharField(max_length=36, index=True)
    subject_kind = NfcCharField(max_length=10)
    subject_name = NfcCharField(max_length=300)
    votes_for = IntegerField(null=True)
    votes_against = IntegerField(null=True)
    vote_percent = NfcCharField(max_length=12, default="")
    passed = BooleanField(null=True)
    warnings = NfcTextField(default="")                     # one warning a line
    received_at = DateTimeField(default=now)


class ProvAwardCount(BaseModel):
    """The awards of a commune counted by what the statistics forms group by, written with
    the commune's rows (issue 20, scale): a province statistics query reads ~600 rows a year
    instead of grouping ~2,000,000 awards."""
    commune = ForeignKeyField(ProvCommune, on_delete="CASCADE", index=False)
    year = IntegerField()
    stat_group = NfcCharField(max_length=2)
    method = NfcCharField(max_length=12, default="")
    title_name = NfcCharField(max_length=300)
    title_kind = NfcCharField(max_length=10, default="title")
    awards = IntegerField()
    amount = peewee.BigIntegerField(default=0)              # đồng

    class Meta:
        indexes = ((("year", "commune"), False), (("commune", "year"), False))


PROVINCE_MODELS = [ProvCommune, ProvSubject, ProvAward, ProvProposal, ProvAwardCount]
ALL_MODELS += PROVINCE_MODELS
