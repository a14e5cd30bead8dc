"""Exemplary models, periodic reviews (sơ kết / tổng kết) and plan deadlines (issue 19)."""
from peewee import DateField, DateTimeField, ForeignKeyField, IntegerField

from ..fields import EngineSQL, NfcCharField, NfcTextField, UUIDTextField
from .base import BaseModel, VersionedModel, now
from .org import Household, Person, Unit
from .movements import Movement, Round


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
