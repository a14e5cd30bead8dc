"""The print log: which certificate went where, and whether the sheet really came out.

A row's ``state`` says what it means: ``pdf`` (saved to a file), ``sent`` (handed to the
print queue, not yet confirmed), ``printed`` (the clerk confirmed the sheet came out) or
``spoiled`` (sent, but the sheet did not come out right: to be reprinted). Reprints are
counted from confirmed rows only (pdf, printed).
"""
import unicodedata

from .bulk import insert_rows
from .entities import Award, PrintLog
from .errors import NotFound, ValidationError
from .service import audit, service

CONFIRMED = ("pdf", "printed")
STATES = {"pdf": "đã lưu PDF", "sent": "đã gửi tới hàng đợi in (chưa xác nhận)",
          "printed": "đã in ra giấy", "spoiled": "phôi hỏng / không ra giấy"}


def _nfc(text):
    return unicodedata.normalize("NFC", "" if text is None else str(text)).strip()


def printed_award_ids(award_ids):
    """The subset of ``award_ids`` already printed (or saved to PDF) at least once."""
    ids = list(award_ids)
    found = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        found.update(r[0] for r in PrintLog.select(PrintLog.award).where(
            PrintLog.award.in_(chunk) & PrintLog.state.in_(CONFIRMED)).distinct().tuples())
    return found


@service("clerk")
def log_prints(*, actor, awards, template, target, reprint=None, state="pdf", job="",
               on_blanks=False):
    """One PrintLog row per award, all in ``state`` (``pdf`` for a file, ``sent`` for a print
    queue); ``reprint=None`` decides it per award from the confirmed history. ``on_blanks``:
    the sheets went onto pre-printed blanks, one blank of the template's kind each
    (models/blanks). Returns the new rows' ids in the order of ``awards``."""
    if state not in STATES:
        raise ValidationError(f"Trạng thái sổ in '{state}' không hợp lệ.")
    ids = [a if isinstance(a, int) else a.id for a in awards]
    if not ids:
        return []
    known = set()
    for i in range(0, len(ids), 500):
        known.update(r[0] for r in Award.select(Award.id).where(Award.id.in_(ids[i:i + 500]))
                     .tuples())
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise NotFound(f"Không có giấy khen số {unknown[0]} để ghi sổ in.")
    before = printed_award_ids(ids) if reprint is None else set()
    name = _nfc(getattr(template, "name", template))
    target = _nfc(target)[:200]
    rows = [{"username": actor.username, "award": i, "template": name[:100], "target": target,
             "reprint": bool(reprint) if reprint is not None else i in before,
             "state": state, "job": _nfc(job)[:60]} for i in ids]
    first = PrintLog.select(PrintLog.id).order_by(PrintLog.id.desc()).limit(1).scalar() or 0
    insert_rows(PrintLog, rows)     # one prepared statement (peewee's INSERT text for 200
    #                                 rows was 0.1 s of a 0.8 s print run)
    new_ids = [r[0] for r in PrintLog.select(PrintLog.id).where(PrintLog.id > first)
               .order_by(PrintLog.id).tuples()]       # tuples: no model object per row
    blank_kind = None
    if on_blanks and state != "pdf":
        from .blanks import record_use
        blank_kind = record_use(new_ids, name)
    audit(actor, "print_certificates", "award", new={
        "count": len(ids), "template": name, "target": target, "state": state, "job": job,
        "reprints": sum(1 for r in rows if r["reprint"]), "first": ids[0], "last": ids[-1],
        **({"blank_kind": blank_kind.name} if blank_kind is not None else {})})
    return new_ids


@service("clerk")
def confirm_sheets(*, actor, log_ids, came_out):
    """The clerk counted the sheets of a batch: the first ``came_out`` rows (in print order)
    become ``printed``, the rest ``spoiled``. Only rows still ``sent`` are changed."""
    log_ids = list(log_ids)
    try:
        came_out = int(came_out)
    except (TypeError, ValueError):
        raise ValidationError(f"Số tờ đã in '{came_out}' không phải là số.") from None
    if not 0 <= came_out <= len(log_ids):
        raise ValidationError(f"Số tờ đã in ra phải từ 0 đến {len(log_ids)}.")
    rows = {r.id: r for r in PrintLog.select().where(PrintLog.id.in_(log_ids))}
    missing = [i for i in log_ids if i not in rows]
    if missing:
        raise NotFound(f"Không có dòng sổ in số {missing[0]}.")
    if any(r.state != "sent" for r in rows.values()):
        raise ValidationError("Đợt in này đã được xác nhận rồi.")
    good, bad = log_ids[:came_out], log_ids[came_out:]
    for chunk_ids, state in ((good, "printed"), (bad, "spoiled")):
        for i in range(0, len(chunk_ids), 500):
            PrintLog.update(state=state).where(PrintLog.id.in_(chunk_ids[i:i + 500])).execute()
    # a sheet confirmed now is a reprint when the award was confirmed before this batch
    earlier = {r.award_id for r in PrintLog.select(PrintLog.award).where(
        PrintLog.award.in_([rows[i].award_id for i in good]) & PrintLog.state.in_(CONFIRMED)
        & PrintLog.id.not_in(log_ids))}
    for i in good:
        if rows[i].reprint != (rows[i].award_id in earlier):
            PrintLog.update(reprint=rows[i].award_id in earlier).where(PrintLog.id == i).execute()
    audit(actor, "confirm_printed_sheets", "award", new={
        "sent": len(log_ids), "printed": len(good), "spoiled": len(bad)})
    return [rows[i].award_id for i in bad]


def spoiled_award_ids(decision_id):
    """Awards of a decision whose latest print-queue row is ``spoiled`` (need a reprint),
    in the decision's list order."""
    latest = {}
    q = (PrintLog.select(PrintLog.id, PrintLog.award, PrintLog.state).join(Award)
         .where((Award.decision == decision_id) & (PrintLog.state != "pdf"))
         .order_by(PrintLog.id).tuples())
    for _id, award_id, state in q:
        latest[award_id] = state
    order = (Award.select(Award.id).where(Award.decision == decision_id)
             .order_by(Award.order, Award.id).tuples())
    return [a for (a,) in order if latest.get(a) == "spoiled"]


def unconfirmed_log_ids(decision_id):
    """Rows of a decision still ``sent`` (a batch waiting for the clerk's count), in order."""
    return [r for (r,) in PrintLog.select(PrintLog.id).join(Award)
            .where((Award.decision == decision_id) & (PrintLog.state == "sent"))
            .order_by(PrintLog.id).tuples()]


def print_history(award):
    award_id = award if isinstance(award, int) else award.id
    return list(PrintLog.select().where(PrintLog.award == award_id).order_by(PrintLog.at))
