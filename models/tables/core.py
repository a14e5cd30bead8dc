"""Settings, accounts, the audit log and the catalogues (unit kinds, titles, base salaries)."""
from peewee import BooleanField, DateField, DateTimeField, IntegerField

from ..fields import DecimalTextField, MoneyField, NfcCharField, NfcTextField, UUIDTextField
from .base import BaseModel, now


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
    amount = MoneyField()                                     # đồng
    legal_basis = NfcCharField(max_length=200, default="")
