"""Word templates of documents (issue 17)."""
import peewee
from peewee import DateTimeField

from ..fields import NfcCharField
from .base import BaseModel, now


class DocTemplate(BaseModel):
    """A commune's own Word template (.docx with {{placeholders}}) replacing the built-in
    layout of one document kind (see models/doc_templates.py)."""
    kind = NfcCharField(unique=True, max_length=20)        # decision | minutes | proposal
    file_name = NfcCharField(max_length=255)
    data = peewee.BlobField()
    sha256 = NfcCharField(max_length=64)
    uploaded_at = DateTimeField(default=now)
    uploaded_by = NfcCharField(max_length=60, default="")
