"""The commune's units, people and households."""
from peewee import BooleanField, DateTimeField, ForeignKeyField, IntegerField

from ..fields import NfcCharField, NfcTextField, UUIDTextField
from .base import VersionedModel, now
from .core import UnitKind


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
