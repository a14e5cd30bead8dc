"""The public list of proposed awards and its comments (issue 17)."""
from peewee import DateField, DateTimeField, ForeignKeyField

from ..fields import NfcCharField, NfcTextField, UUIDTextField
from .base import VersionedModel, now
from .decisions import Candidate, Meeting


class PublicPosting(VersionedModel):
    """Danh sách công khai: the council's result posted for comment (where, from, to)."""
    uuid = UUIDTextField()
    meeting = ForeignKeyField(Meeting, backref="postings", on_delete="RESTRICT")
    posted_from = DateField()
    posted_to = DateField()
    comments_until = DateField()                # end of the comment period (≥ posted_from)
    places = NfcTextField(default="")           # JSON list: trụ sở UBND, nhà văn hóa thôn …
    number = NfcCharField(max_length=60, default="")   # "…/TB-UBND" when the office numbers it
    signer_name = NfcCharField(max_length=200, default="")
    signer_title = NfcCharField(max_length=100, default="CHỦ TỊCH")
    created_at = DateTimeField(default=now)


class PublicComment(VersionedModel):
    """Ý kiến phản ánh received about one candidate during (or after) the posting."""
    uuid = UUIDTextField()
    candidate = ForeignKeyField(Candidate, backref="comments", on_delete="RESTRICT")
    posting = ForeignKeyField(PublicPosting, null=True, backref="comments",
                              on_delete="SET NULL")
    received_on = DateField()
    author = NfcCharField(max_length=200)       # who: a person, "Ban công tác Mặt trận thôn …"
    content = NfcTextField()
    state = NfcCharField(max_length=10, default="open")   # open | resolved
    resolution = NfcTextField(default="")       # how it was settled (required to resolve)
    resolved_on = DateField(null=True)
    resolved_by = NfcCharField(max_length=60, default="")
    created_at = DateTimeField(default=now)
