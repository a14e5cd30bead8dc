"""The reward fund and the certificate blanks (issue 18)."""
import peewee
from peewee import (BooleanField, DateField, DateTimeField, ForeignKeyField,
                    IntegerField)

from ..fields import MoneyField, NfcCharField, NfcTextField, UUIDTextField
from .base import BaseModel, now
from .decisions import Decision
from .certificates import CertTemplate, PrintLog


class FundEntry(BaseModel):
    """Sổ quỹ thi đua, khen thưởng: one receipt or payment. A decision's own entry (its
    total, an amendment's difference, a revocation's recovery) is made when it is issued."""
    uuid = UUIDTextField()
    date = DateField()
    year = IntegerField(index=True)
    direction = NfcCharField(max_length=8)      # receipt | payment
    kind = NfcCharField(max_length=12)          # budget|contribution|recovery|other_in|decision|other_out
    amount = MoneyField()                       # đồng, > 0
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
