"""The province's merged commune files (issue 20)."""
import peewee
from peewee import (BooleanField, DateField, DateTimeField, ForeignKeyField,
                    IntegerField)

from ..fields import MoneyField, NfcCharField, NfcTextField
from .base import BaseModel, now


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
    birth_year = IntegerField(null=True, index=True)        # look-up by name and birth year
    unit_name = NfcCharField(max_length=300, default="")    # person: unit; household: village

    class Meta:
        # The look-up's name order with what it filters by: its first rows are read from
        # the index alone (province_query._first_matches; migration 18 on older files).
        indexes = ((("name_key", "id", "kind", "birth_year"), False),)


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
    amount = MoneyField(default=0)                          # đồng

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
