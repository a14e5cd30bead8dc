"""Certificate templates, printer offsets and the print log."""
import peewee
from peewee import BooleanField, DateTimeField, ForeignKeyField

from ..fields import NfcCharField, NfcTextField, PointsField
from .base import BaseModel, now
from .decisions import Award


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
