"""Files and proposals sent up to the district or province (issue 17)."""
from peewee import (BooleanField, DateField, DateTimeField, ForeignKeyField,
                    IntegerField)

from ..fields import NfcCharField, NfcTextField, UUIDTextField
from .base import BaseModel, SUBJECT_CHECK, VersionedModel, now
from .core import Title
from .org import Household, Person, Unit
from .movements import Movement
from .decisions import Candidate, Meeting


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
