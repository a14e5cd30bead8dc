"""Blank stock (phôi): kinds of pre-printed blanks, receipts, use per print, spoilage, stock.

A kind (e.g. "Giấy khen của Chủ tịch UBND xã") is linked to the certificate templates that
print on it. Every sheet sent to a printer in blank mode uses one blank of its template's
kind (a ``BlankUse`` beside its print-log row, written in the same transaction by
``print_log.log_prints``); a reprint uses another. Spoilage is entered with a reason, either
among the blanks already used ("print": a misprint found later — the stock does not change
again) or from the cupboard ("stock": torn, wet — the stock goes down). Neither can exceed
what there is: used sheets for the first, blanks left for the second.
"""
import datetime
import re

from peewee import fn

from . import vntext
from .bulk import Prepared
from .entities import BlankKind, BlankKindTemplate, BlankMove, BlankUse, CertTemplate, PrintLog
from .errors import ConflictError, NotFound, ValidationError
from .service import audit, service, snapshot

STAGES = {"print": "hỏng khi in (trong số đã dùng)", "stock": "hỏng trong kho"}
MAX_QUANTITY = 1_000_000
_SERIAL = re.compile(r"^(.*?)(\d+)$")


# --------------------------------------------------------------------------- kinds

# The stock report's SELECTs, rendered to SQL once (bulk.Prepared).
_KINDS = Prepared(lambda: BlankKind.select().order_by(BlankKind.name))
_KIND_TEMPLATES = Prepared(lambda kind_id: CertTemplate.select(CertTemplate.name)
                           .join(BlankKindTemplate).where(BlankKindTemplate.kind == kind_id)
                           .order_by(CertTemplate.id).tuples())
_MOVES = Prepared(lambda: BlankMove.select(BlankMove.kind, BlankMove.move, BlankMove.stage,
                                           fn.SUM(BlankMove.quantity))
                  .group_by(BlankMove.kind, BlankMove.move, BlankMove.stage).tuples())
_USES = Prepared(lambda: BlankUse.select(BlankUse.kind, PrintLog.state, fn.COUNT(BlankUse.id))
                 .join(PrintLog).group_by(BlankUse.kind, PrintLog.state).tuples())
_USED_AWARDS = Prepared(lambda: BlankUse.select(BlankUse.kind,
                                                fn.COUNT(PrintLog.award.distinct()))
                        .join(PrintLog).group_by(BlankUse.kind).tuples())


def list_kinds(*, active_only=False):
    if not active_only:
        return _KINDS.objects()
    return list(BlankKind.select().where(BlankKind.active == True)  # noqa: E712
                .order_by(BlankKind.name))


def get_kind(kind):
    if isinstance(kind, BlankKind):
        return kind
    if isinstance(kind, int):
        found = BlankKind.get_or_none(BlankKind.id == kind)
    else:
        name = vntext.clean_text(kind)
        found = BlankKind.get_or_none(BlankKind.name == name)
        if found is None:       # accent- and case-insensitive, for the command line
            key = vntext.fold(name)
            found = next((k for k in BlankKind.select() if vntext.fold(k.name) == key), None)
    if found is None:
        names = ", ".join(f"«{k.name}»" for k in list_kinds()) or "(chưa có loại nào)"
        raise NotFound(f"Không có loại phôi «{kind}». Các loại hiện có: {names}.")
    return found


def kind_templates(kind):
    """Names of the templates printed on ``kind``."""
    return [name for (name,) in _KIND_TEMPLATES.objects(getattr(kind, "id", kind))]


@service("clerk")
def save_kind(*, actor, name, kind_id=None, note="", templates=(), active=True):
    """Create or change a kind of blank and the templates printed on it (a template moves
    here from another kind)."""
    name = vntext.validate_name(name, label="Tên loại phôi", max_len=200, field="name")
    key = vntext.fold(name)
    if any(vntext.fold(k.name) == key and k.id != kind_id for k in BlankKind.select()):
        raise ConflictError(f"Đã có loại phôi «{name}».", field="name")
    rows = {r.name: r.id for r in CertTemplate.select(CertTemplate.id, CertTemplate.name)}
    wanted = []
    for t in templates:
        t = vntext.clean_text(t)
        if t not in rows:
            raise NotFound(f"Không có mẫu giấy khen «{t}».")
        wanted.append(rows[t])
    if kind_id is None:
        kind = BlankKind.create(name=name, note=vntext.clean_text(note), active=bool(active))
        old = None
    else:
        kind = get_kind(int(kind_id))
        old = dict(snapshot(kind), templates=kind_templates(kind))
        kind.name, kind.note, kind.active = name, vntext.clean_text(note), bool(active)
        kind.save()
    BlankKindTemplate.delete().where((BlankKindTemplate.kind == kind)
                                     | BlankKindTemplate.template.in_(wanted)).execute()
    for template_id in wanted:
        BlankKindTemplate.create(kind=kind, template=template_id)
    audit(actor, "save_blank_kind", kind, old=old,
          new=dict(snapshot(kind), templates=kind_templates(kind)))
    return kind


def kinds_of_templates(names):
    """{template name: BlankKind or None} for ``names``."""
    names = list(names)
    found = dict(BlankKindTemplate.select(CertTemplate.name, BlankKindTemplate.kind)
                 .join(CertTemplate).where(CertTemplate.name.in_(names)).tuples()) \
        if names else {}
    kinds = {k.id: k for k in BlankKind.select().where(BlankKind.id.in_(list(found.values())))}
    return {n: kinds.get(found.get(n)) for n in names}


# --------------------------------------------------------------------------- moves

def _date(value):
    if value in (None, ""):
        return datetime.date.today()
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return vntext.parse_date(value, field="date")


def _quantity(value, label="Số tờ"):
    if isinstance(value, str):
        value = vntext.clean_text(value).replace(".", "")
        value = int(value) if value.isdigit() else None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError(f"{label} phải là số nguyên lớn hơn 0.", field="quantity")
    if value > MAX_QUANTITY:
        raise ValidationError(f"{label} quá lớn; hãy kiểm tra lại.", field="quantity")
    return value


def _serials(serial_from, serial_to):
    """(prefix, first, last) of a printed serial range, or None when not both given."""
    a, b = vntext.clean_text(serial_from), vntext.clean_text(serial_to)
    if not a and not b:
        return None
    if not (a and b):
        raise ValidationError("Hãy ghi cả số sêri đầu và số sêri cuối (hoặc để trống cả hai).",
                              field="serial_to" if a else "serial_from")
    ma, mb = _SERIAL.match(a), _SERIAL.match(b)
    if not ma or not mb or ma.group(1) != mb.group(1):
        raise ValidationError(f"Số sêri «{a}» – «{b}» phải cùng phần chữ đầu và kết thúc bằng "
                              "số (ví dụ GK-000101 đến GK-000600).", field="serial_to")
    first, last = int(ma.group(2)), int(mb.group(2))
    if last < first:
        raise ValidationError(f"Số sêri cuối «{b}» nhỏ hơn số sêri đầu «{a}».",
                              field="serial_to")
    return ma.group(1), first, last


@service("clerk")
def receive(*, actor, kind, quantity=None, date=None, serial_from="", serial_to="",
            doc_number="", note=""):
    """Blanks received. With a serial range the quantity follows from it (or must match)."""
    kind = get_kind(kind)
    date = _date(date)
    if date > datetime.date.today():
        raise ValidationError("Ngày nhận phôi không được sau hôm nay.", field="date")
    serials = _serials(serial_from, serial_to)
    if serials is not None:
        span = serials[2] - serials[1] + 1
        if quantity in (None, ""):
            quantity = span
        elif _quantity(quantity) != span:
            raise ValidationError(f"Dải sêri {serial_from} – {serial_to} có {span} tờ, khác số "
                                  f"lượng {quantity} đã ghi.", field="quantity")
        for other in BlankMove.select().where(BlankMove.kind == kind,
                                              BlankMove.move == "receipt",
                                              BlankMove.serial_from != ""):
            o = _serials(other.serial_from, other.serial_to)
            if o and o[0] == serials[0] and o[1] <= serials[2] and serials[1] <= o[2]:
                raise ConflictError(f"Dải sêri {serial_from} – {serial_to} trùng với lần nhận "
                                    f"ngày {vntext.format_date(other.date)} ({other.serial_from}"
                                    f" – {other.serial_to}).", field="serial_from")
    move = BlankMove.create(kind=kind, move="receipt", date=date,
                            quantity=_quantity(quantity, "Số tờ phôi nhận"),
                            serial_from=vntext.clean_text(serial_from)[:60],
                            serial_to=vntext.clean_text(serial_to)[:60],
                            doc_number=vntext.clean_text(doc_number)[:100],
                            reason=vntext.clean_text(note), username=actor.username)
    audit(actor, "receive_blanks", move, new=snapshot(move))
    return move


@service("clerk")
def spoil(*, actor, kind, quantity, reason, stage="stock", date=None):
    """Blanks spoiled, with the reason: among the used ones (``print``) or in the cupboard
    (``stock``). Never more than were used, or than are left."""
    kind = get_kind(kind)
    if stage not in STAGES:
        raise ValidationError(f"Nơi hỏng '{stage}' không hợp lệ (print hoặc stock).",
                              field="stage")
    quantity = _quantity(quantity, "Số tờ phôi hỏng")
    reason = vntext.clean_text(reason)
    if not reason:
        raise ValidationError("Hãy ghi lý do phôi hỏng.", field="reason")
    date = _date(date)
    if date > datetime.date.today():
        raise ValidationError("Ngày ghi phôi hỏng không được sau hôm nay.", field="date")
    s = stock_of(kind)
    if stage == "print":
        room = s["used"] - s["spoiled_print"]
        if quantity > room:
            raise ValidationError(
                f"Loại phôi «{kind.name}» mới dùng {vntext.format_int(s['used'])} tờ khi in, "
                f"trong đó {vntext.format_int(s['spoiled_print'])} tờ đã ghi hỏng: chỉ còn "
                f"{vntext.format_int(room)} tờ có thể ghi hỏng khi in, không ghi "
                f"{vntext.format_int(quantity)} tờ được. Phôi hỏng chưa qua máy in hãy ghi là "
                "«hỏng trong kho».", field="quantity")
    elif quantity > s["left"]:
        raise ValidationError(
            f"Kho chỉ còn {vntext.format_int(s['left'])} tờ phôi «{kind.name}»: không ghi hỏng "
            f"{vntext.format_int(quantity)} tờ được. Hãy kiểm tra số phôi đã nhận.",
            field="quantity")
    move = BlankMove.create(kind=kind, move="spoiled", stage=stage, date=date,
                            quantity=quantity, reason=reason, username=actor.username)
    audit(actor, "spoil_blanks", move, new=snapshot(move), reason=reason)
    return move


def record_use(log_ids, template_name):
    """One blank of the template's kind per print-log row (inside log_prints' transaction).
    Returns the kind, or None when the template is not linked to any kind."""
    kind = kinds_of_templates([template_name]).get(template_name)
    if kind is None or not log_ids:
        return kind
    rows = [{"print_log": i, "kind": kind.id} for i in log_ids]
    for start in range(0, len(rows), 500):
        BlankUse.insert_many(rows[start:start + 500]).execute()
    return kind


# --------------------------------------------------------------------------- stock

def _moves_by_kind():
    out = {}
    for kind_id, move, stage, total in _MOVES.objects():
        out[(kind_id, move, stage)] = int(total or 0)
    return out


def _uses_by_kind():
    """{kind id: used, reprints (sheets beyond the first of a certificate), spoiled (the
    print log's sheets that did not come out right)}."""
    out = {}
    for kind_id, state, n in _USES.objects():
        d = out.setdefault(kind_id, {"used": 0, "reprints": 0, "spoiled": 0})
        d["used"] += n
        d["spoiled"] += n if state == "spoiled" else 0
    for kind_id, awards in _USED_AWARDS.objects():
        out[kind_id]["reprints"] = out[kind_id]["used"] - awards
    return out


def _row(kind, moves, uses):
    u = uses.get(kind.id, {"used": 0, "reprints": 0, "spoiled": 0})
    received = moves.get((kind.id, "receipt", ""), 0)
    spoiled_stock = moves.get((kind.id, "spoiled", "stock"), 0)
    spoiled_print = moves.get((kind.id, "spoiled", "print"), 0) + u["spoiled"]
    return {"id": kind.id, "name": kind.name, "kind": kind, "active": kind.active,
            "received": received, "used": u["used"], "reprints": u["reprints"],
            "spoiled_print": spoiled_print, "spoiled_stock": spoiled_stock,
            "left": received - u["used"] - spoiled_stock, "templates": kind_templates(kind)}


def stock_rows():
    """Per kind: received, used (sheets sent to a printer), reprints among them, spoiled
    when printing (the print log's spoiled sheets and those entered), spoiled in stock, left."""
    moves, uses = _moves_by_kind(), _uses_by_kind()
    return [_row(k, moves, uses) for k in list_kinds()]


def stock_of(kind):
    kind = get_kind(kind)
    return _row(kind, _moves_by_kind(), _uses_by_kind())


def needs(counts_by_template):
    """Blanks a print run needs: {template name: sheets} → (rows, unlinked template names),
    rows = [{"kind", "need", "left", "short"}] (short > 0 when the stock is not enough)."""
    kinds = kinds_of_templates(counts_by_template)
    per_kind, unlinked = {}, []
    for name, count in counts_by_template.items():
        kind = kinds.get(name)
        if kind is None:
            unlinked.append(name)
            continue
        per_kind.setdefault(kind.id, [kind, 0])[1] += count
    moves, uses = _moves_by_kind(), _uses_by_kind()
    rows = []
    for kind, need in per_kind.values():
        left = _row(kind, moves, uses)["left"]
        rows.append({"kind": kind.name, "need": need, "left": left,
                     "short": max(0, need - left)})
    return rows, sorted(unlinked)


def needs_for_rows(cert_rows, award_ids=None, template_name=None):
    """``needs`` of a run over certificate rows (``templates.certificate_rows``: row[0] the
    award id, row[7] the template chosen for it), limited to ``award_ids`` when given."""
    wanted = None if award_ids is None else set(award_ids)
    counts = {}
    for row in cert_rows:
        if wanted is None or row[0] in wanted:
            name = template_name or row[7]
            counts[name] = counts.get(name, 0) + 1
    return needs(counts)


def shortage_text(rows, unlinked=()):
    """Lines for the print dialog / command line: shortages first, then unlinked templates."""
    lines = [f"Cần {vntext.format_int(r['need'])} tờ phôi «{r['kind']}» nhưng kho chỉ còn "
             f"{vntext.format_int(max(r['left'], 0))} tờ (thiếu {vntext.format_int(r['short'])})."
             for r in rows if r["short"]]
    lines += [f"Mẫu «{name}» chưa gắn với loại phôi nào: số phôi dùng sẽ không được trừ kho."
              for name in unlinked]
    return lines


def move_rows(kind=None):
    """Receipts and spoilage, newest first (for the page's history table)."""
    query = (BlankMove.select(BlankMove, BlankKind).join(BlankKind)
             .order_by(BlankMove.date.desc(), BlankMove.id.desc()))
    if kind is not None:
        query = query.where(BlankMove.kind == get_kind(kind))
    return [{"id": m.id, "date": m.date, "kind": m.kind.name,
             "move": "Nhận" if m.move == "receipt" else "Hỏng",
             "stage": STAGES.get(m.stage, ""), "quantity": m.quantity,
             "serials": f"{m.serial_from} – {m.serial_to}" if m.serial_from else "",
             "doc_number": m.doc_number, "reason": m.reason} for m in query]
