"""Column types that enforce the data rules: NFC text, exact points, UUIDs."""
import os
import uuid
from decimal import Decimal, ROUND_HALF_UP

import peewee

from models import vntext

CENT = Decimal("0.01")


def _nfc(value):
    if isinstance(value, str):
        return vntext.nfc(value)          # NFC, and "Ð" look-alikes become "Đ"
    return value


class NfcCharField(peewee.CharField):
    """Short text stored in NFC whatever the keyboard sent."""

    def db_value(self, value):
        return super().db_value(_nfc(value))


class NfcTextField(peewee.TextField):
    """Long text stored in NFC."""

    def db_value(self, value):
        return super().db_value(_nfc(value))


def to_points(value):
    """Decimal with exactly two places, or None; floats go through str() to stay exact."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = str(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class PointsField(peewee.IntegerField):
    """Exact decimal with 2 places (points, percentages), stored as integer hundredths."""

    field_type = "INTEGER"

    def db_value(self, value):
        value = to_points(value)
        return None if value is None else int(value * 100)

    def python_value(self, value):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)


class MoneyField(peewee.IntegerField):
    """Whole đồng. 64-bit on every engine: SQLite's INTEGER already is (files made before
    keep their column type, so the schema check sees no change); on PostgreSQL it is
    ``bigint``, because ``integer`` stops at 2,147,483,647 đồng — less than the total of one
    decision of a 40,000-household commune (2,331,000,000 đồng in the 2× demo)."""

    field_type = "MONEY"

    def ddl_datatype(self, ctx):
        known = ctx.state.field_types if ctx else {}
        return peewee.SQL(known.get(self.field_type, "INTEGER"))


class DecimalTextField(peewee.TextField):
    """Exact decimal of any precision (coefficients, target values) stored as text."""

    def db_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, float):
            value = str(value)
        return format(Decimal(value).normalize(), "f")

    def python_value(self, value):
        return None if value is None else Decimal(value)


class EngineSQL(peewee.Node):
    """A piece of DDL with one spelling per engine (SQLite / PostgreSQL), chosen when the
    statement is built for a database: the same model class serves both."""

    def __init__(self, *, sqlite, postgresql):
        super().__init__()
        self.sqlite, self.postgresql = sqlite, postgresql

    def __sql__(self, ctx):
        return ctx.literal(self.postgresql if ctx.state.param == "%s" else self.sqlite)


def new_uuid():
    return str(uuid.uuid4())


def new_uuids(count):
    """``count`` fresh ``new_uuid()`` strings (random version 4, same spelling), from one
    read of the system's random source instead of one UUID object each."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = bytes(b & 0x0F | 0x40 for b in raw[6::16])      # version 4
    raw[8::16] = bytes(b & 0x3F | 0x80 for b in raw[8::16])      # RFC 4122 variant
    text = raw.hex()
    return [f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
            for h in (text[i:i + 32] for i in range(0, 32 * count, 32))]


class UUIDTextField(peewee.CharField):
    """Stable id that lets records from several communes merge without collisions."""

    def __init__(self, **kwargs):
        kwargs.setdefault("default", new_uuid)
        kwargs.setdefault("unique", True)
        kwargs.setdefault("max_length", 36)
        super().__init__(**kwargs)
