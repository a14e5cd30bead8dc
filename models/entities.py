"""The schema: every table of the program, without behaviour (rules live in the service modules).

The tables are defined by area in ``models/tables/``; this module is the one import point
(``from models.entities import Unit``) and ``ALL_MODELS`` keeps their creation order. A new
table goes into the area's module (or a new one) and into ``ALL_MODELS`` below.

Conventions
- Text columns are NFC (NfcCharField / NfcTextField); ``*_key`` columns hold the folded
  search key (``vntext.fold``) so accent-insensitive search works in SQL.
- Points are ``PointsField`` (exact, 2 places); money is integer đồng; coefficients and
  target values are ``DecimalTextField``.
- Records that leave the machine carry ``uuid`` beside the integer key.
- A subject (of a registration, score, candidate or award) is exactly one of unit, person,
  household: three nullable foreign keys and a CHECK constraint (``SUBJECT_CHECK``).
"""
# (the names a table appended below uses, as before the split)
import datetime  # noqa: F401

import peewee  # noqa: F401
from peewee import (BooleanField, DateField, DateTimeField, ForeignKeyField,  # noqa: F401
                    IntegerField)

from . import versioning  # noqa: F401
from .db import db  # noqa: F401
from .fields import (DecimalTextField, EngineSQL, NfcCharField, NfcTextField,  # noqa: F401
                     PointsField, UUIDTextField)
from .tables.base import (BaseModel, HOUSEHOLD, PERSON, SUBJECT_CHECK,  # noqa: F401
                          SUBJECT_KINDS, UNIT, VersionedModel, now)
from .tables.core import (AuditLog, BaseSalary, Setting, SignInFailure, Title,  # noqa: F401
                          UnitKind, User)
from .tables.org import Household, Person, Unit  # noqa: F401
from .tables.movements import (Commitment, Covenant, CovenantMember, Movement,  # noqa: F401
                               Registration, RegistrationTitle, Round, Target)
from .tables.scoring import Band, CriteriaSet, Criterion, Score, ScoreSheet  # noqa: F401
from .tables.decisions import Award, Candidate, Decision, Meeting, Vote  # noqa: F401
from .tables.certificates import CertTemplate, PrintLog, PrinterOffset  # noqa: F401
from .tables.upward import UpwardFile, UpwardProposal  # noqa: F401
from .tables.records import AwardOccasion, Discipline, Initiative, InitiativeAuthor  # noqa: F401
from .tables.public_list import PublicComment, PublicPosting  # noqa: F401
from .tables.doc_templates import DocTemplate  # noqa: F401
from .tables.exemplary import (ExemplaryModel, ISSUE_19_MODELS, ModelPublicity,  # noqa: F401
                               ModelReplication, ModelStage, PlanDeadline, Review)
from .tables.fund import BlankKind, BlankKindTemplate, BlankMove, BlankUse, FundEntry  # noqa: F401
from .tables.province import (ProvAward, ProvAwardCount, ProvCommune, ProvProposal,  # noqa: F401
                              ProvSubject)


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


ALL_MODELS += [PublicPosting, PublicComment]


ALL_MODELS.append(DocTemplate)


ALL_MODELS += ISSUE_19_MODELS


ALL_MODELS += [FundEntry, BlankKind, BlankKindTemplate, BlankMove, BlankUse]


PROVINCE_MODELS = [ProvCommune, ProvSubject, ProvAward, ProvProposal, ProvAwardCount]
ALL_MODELS += PROVINCE_MODELS
