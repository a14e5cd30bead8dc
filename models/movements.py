"""Movements (phong trào), their rounds (đợt) and the commune's targets (chỉ tiêu)."""
import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .entities import Movement, Registration, Round, Target
from .errors import ConflictError, NotFound, ValidationError
from .service import audit, audited_update, diff, service, snapshot
from . import vntext
from .target_text import (  # noqa: F401 - re-exported: callers use models.movements
    guess_direction, guess_group, parse_target_line, parse_target_lines, parse_value,
)

KINDS = {"regular": "Thường xuyên", "themed": "Theo chuyên đề"}
DIRECTIONS = {"higher": "Càng cao càng tốt", "lower": "Càng thấp càng tốt", "exact": "Đạt đúng"}
GROUPS = ["Kinh tế", "Văn hóa - xã hội", "Môi trường", "Quốc phòng - an ninh",
          "Xây dựng chính quyền", "Khác"]
MAX_SPAN = 10          # years a movement may cover
CENT = Decimal("0.01")


# --------------------------------------------------------------------------- helpers

def _date(value, label, field):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return vntext.parse_date(value, field=field)
    except ValidationError as err:
        raise ValidationError(f"{label}: {err}", field=field) from None


def _year(value, label, field):
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{label} '{value}' không phải là năm.", field=field) from None
    if not 2000 <= year <= 2100:
        raise ValidationError(f"{label} {year} không hợp lệ (từ 2000 đến 2100).", field=field)
    return year


def period_text(movement):
    if movement.year_from == movement.year_to:
        return f"năm {movement.year_from}"
    return f"giai đoạn {movement.year_from}–{movement.year_to}"


def period_bounds(movement):
    return datetime.date(movement.year_from, 1, 1), datetime.date(movement.year_to, 12, 31)


def check_in_period(movement, day, label, field):
    """Refuse a date outside the movement's period (years year_from..year_to)."""
    if day is None:
        return
    start, end = period_bounds(movement)
    if not start <= day <= end:
        raise ValidationError(
            f"{label} {vntext.format_date(day)} nằm ngoài thời gian của phong trào "
            f"'{movement.name}' ({period_text(movement)}). Hãy nhập ngày từ "
            f"{vntext.format_date(start)} đến {vntext.format_date(end)}.", field=field)


def year_in_period(movement, year):
    """``year`` (default: this year if inside the period) checked against the movement's period."""
    if year is None:
        this = datetime.date.today().year
        year = this if movement.year_from <= this <= movement.year_to else movement.year_from
    year = int(year)
    if not movement.year_from <= year <= movement.year_to:
        raise ValidationError(f"Năm {year} nằm ngoài thời gian của phong trào '{movement.name}' "
                              f"({period_text(movement)}).", field="year")
    return year


def get_movement(movement_id):
    found = Movement.get_or_none(Movement.id == movement_id)
    if found is None:
        raise NotFound(f"Không có phong trào số {movement_id}.")
    return found


# --------------------------------------------------------------------------- movements

def _clean_movement(values, existing=None):
    out = {}
    if "name" in values:
        out["name"] = vntext.validate_name(values["name"], label="Tên phong trào", max_len=300,
                                           field="name")
        out["name_key"] = vntext.fold(out["name"])
    if "kind" in values:
        if values["kind"] not in KINDS:
            raise ValidationError("Loại phong trào phải là 'Thường xuyên' hoặc 'Theo chuyên đề'.",
                                  field="kind")
        out["kind"] = values["kind"]
    for key, label in (("year_from", "Năm bắt đầu"), ("year_to", "Năm kết thúc")):
        if key in values and values[key] not in (None, ""):
            out[key] = _year(values[key], label, key)
    for key, label, max_len in (("theme", "Chủ đề", 2000), ("slogan", "Khẩu hiệu", 1000),
                                ("doc_number", "Số văn bản phát động", 60),
                                ("doc_signer", "Người ký", 200),
                                ("description", "Nội dung", 20000),
                                ("achievement_text", "Thành tích mặc định", 2000)):
        if key in values:
            out[key] = vntext.validate_name(values[key] or "", label=label, max_len=max_len,
                                            required=False, field=key)
    if "doc_date" in values:
        out["doc_date"] = _date(values["doc_date"], "Ngày văn bản", "doc_date")
    if "parent" in values:
        out["parent"] = values["parent"]
    merged = {k: getattr(existing, k) for k in ("year_from", "year_to", "kind")} if existing \
        else {}
    merged.update({k: v for k, v in out.items() if k in ("year_from", "year_to", "kind")})
    if merged.get("year_from") is None:
        raise ValidationError("Hãy nhập năm bắt đầu của phong trào (ví dụ 2026).",
                              field="year_from")
    if merged.get("year_to") is None:
        merged["year_to"] = merged.get("year_from")
        out["year_to"] = merged["year_to"]
    if merged["year_to"] < merged["year_from"]:
        raise ValidationError(f"Năm kết thúc {merged['year_to']} trước năm bắt đầu "
                              f"{merged['year_from']}.", field="year_to")
    if merged["year_to"] - merged["year_from"] >= MAX_SPAN:
        raise ValidationError(f"Một phong trào kéo dài tối đa {MAX_SPAN} năm.", field="year_to")
    parent = out.get("parent", existing.parent if existing else None)
    if parent is not None:
        if existing is not None and parent.id == existing.id:
            raise ValidationError("Phong trào không thể nằm dưới chính nó.", field="parent")
        if parent.parent_id is not None:
            raise ValidationError("Phong trào chuyên đề chỉ đặt dưới một phong trào chính.",
                                  field="parent")
        if merged["year_from"] < parent.year_from or merged["year_to"] > parent.year_to:
            raise ValidationError(
                f"Thời gian của phong trào chuyên đề phải nằm trong thời gian của "
                f"'{parent.name}' ({period_text(parent)}).", field="year_from")
    doc_date = out.get("doc_date", existing.doc_date if existing else None)
    if doc_date is not None and not (merged["year_from"] - 1 <= doc_date.year
                                     <= merged["year_to"]):
        raise ValidationError(
            f"Ngày văn bản phát động {vntext.format_date(doc_date)} không khớp với thời gian "
            f"của phong trào ({merged['year_from']}–{merged['year_to']}).", field="doc_date")
    return out


@service("clerk")
def add_movement(*, actor, name, year_from, year_to=None, kind="regular", parent=None,
                 theme="", slogan="", doc_number="", doc_date=None, doc_signer="",
                 description="", achievement_text=""):
    values = _clean_movement(dict(
        name=name, year_from=year_from, year_to=year_to, kind=kind, parent=parent, theme=theme,
        slogan=slogan, doc_number=doc_number, doc_date=doc_date, doc_signer=doc_signer,
        description=description, achievement_text=achievement_text))
    if Movement.select().where((Movement.name_key == values["name_key"])
                               & (Movement.year_from == values["year_from"])).exists():
        raise ConflictError(f"Đã có phong trào '{values['name']}' bắt đầu năm "
                            f"{values['year_from']}.", field="name")
    movement = Movement.create(**values)
    audit(actor, "add_movement", movement, new=snapshot(movement))
    return movement


@service("clerk")
def update_movement(*, actor, movement, reason=None, **changes):
    old = snapshot(movement)
    values = _clean_movement(changes, existing=movement)
    for key, value in values.items():
        setattr(movement, key, value)
    start, end = period_bounds(movement)
    outside = movement.rounds.where((Round.start < start) | (Round.end > end)).count()
    if outside:
        raise ValidationError(f"Còn {outside} đợt thi đua nằm ngoài thời gian mới của phong "
                              "trào; hãy sửa các đợt trước.", field="year_from")
    movement.save()
    before, after = diff(old, snapshot(movement))
    if after:
        audit(actor, "update_movement", movement, old=before, new=after, reason=reason)
    return movement


@service("clerk")
def delete_movement(*, actor, movement):
    n = Registration.select().where(Registration.movement == movement).count()
    if n:
        raise ConflictError(f"Không xóa được phong trào '{movement.name}' vì đã có {n} đăng ký "
                            "thi đua.")
    if movement.themed.count():
        raise ConflictError(f"Phong trào '{movement.name}' còn phong trào chuyên đề bên dưới; "
                            "hãy xóa chúng trước.")
    old = snapshot(movement)
    movement.delete_instance(recursive=False)
    audit(actor, "delete_movement", "movement", entity_id=old["id"], old=old)


def _shift(day, years):
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:          # 29/02
        return day.replace(year=day.year + years, day=28)


def _copy(actor, movement, shift, parent):
    values = {k: getattr(movement, k) for k in (
        "name", "name_key", "kind", "theme", "slogan", "description", "achievement_text")}
    new_name = re.sub(r"\b(20\d\d)\b", lambda m: str(int(m.group(1)) + shift), movement.name)
    values.update(name=new_name, name_key=vntext.fold(new_name), parent=parent,
                  year_from=movement.year_from + shift, year_to=movement.year_to + shift,
                  doc_number="", doc_date=None, doc_signer=movement.doc_signer)
    if Movement.select().where((Movement.name_key == values["name_key"])
                               & (Movement.year_from == values["year_from"])).exists():
        raise ConflictError(f"Đã có phong trào '{new_name}' năm {values['year_from']}.")
    copy = Movement.create(**values)
    for r in movement.rounds.order_by(Round.start):
        Round.create(movement=copy, name=r.name, start=_shift(r.start, shift),
                     end=_shift(r.end, shift), review_name=r.review_name,
                     review_date=_shift(r.review_date, shift))
    rows = [dict(movement=copy.id, order=t.order, code=t.code, name=t.name, measure=t.measure,
                 value=t.value, value_text=t.value_text, direction=t.direction, group=t.group,
                 year=(t.year + shift) if t.year else None)
            for t in movement.targets.order_by(Target.order)]
    for row in rows:
        Target.create(**row)
    audit(actor, "copy_movement", copy, new=snapshot(copy), reason=f"chép từ #{movement.id}")
    for child in movement.themed:
        _copy(actor, child, shift, copy)
    return copy


@service("clerk")
def copy_to_next_year(*, actor, movement):
    """A copy of the movement one period later: rounds moved, targets kept without actuals."""
    if movement.parent_id is not None:
        raise ValidationError("Hãy sao chép phong trào chính; các phong trào chuyên đề bên dưới "
                              "được chép theo.")
    shift = movement.year_to - movement.year_from + 1
    return _copy(actor, movement, shift, None)


def list_movements(*, search=None, year=None):
    query = Movement.select().order_by(Movement.year_from.desc(), Movement.id)
    if year is not None:
        query = query.where((Movement.year_from <= year) & (Movement.year_to >= year))
    if search:
        query = query.where(Movement.name_key.contains(vntext.search_key(search)))
    return list(query)


def movements_for_year(year):
    return list_movements(year=year)


def movement_rows(search=None):
    """JSON-friendly rows for `list movements`."""
    from peewee import fn
    targets = dict(Target.select(Target.movement, fn.COUNT(Target.id))
                   .group_by(Target.movement).tuples())
    regs = dict(Registration.select(Registration.movement, fn.COUNT(Registration.id))
                .group_by(Registration.movement).tuples())
    return [{"id": m.id, "uuid": m.uuid, "name": m.name, "kind": m.kind,
             "year_from": m.year_from, "year_to": m.year_to, "parent_id": m.parent_id,
             "doc_number": m.doc_number,
             "doc_date": m.doc_date.isoformat() if m.doc_date else None,
             "target_count": targets.get(m.id, 0), "registration_count": regs.get(m.id, 0)}
            for m in list_movements(search=search)]


# --------------------------------------------------------------------------- rounds

def _clean_round(movement, name, start, end, review_name, review_date):
    name = vntext.validate_name(name, label="Tên đợt", field="name")
    start = _date(start, "Ngày bắt đầu đợt", "start")
    end = _date(end, "Ngày kết thúc đợt", "end")
    if start is None or end is None:
        raise ValidationError("Hãy nhập ngày bắt đầu và ngày kết thúc của đợt.", field="start")
    check_in_period(movement, start, "Ngày bắt đầu đợt", "start")
    check_in_period(movement, end, "Ngày kết thúc đợt", "end")
    if end < start:
        raise ValidationError("Ngày kết thúc đợt phải sau ngày bắt đầu.", field="end")
    review_date = _date(review_date, "Ngày sơ kết/tổng kết", "review_date")
    if review_date is not None and not (start <= review_date
                                        <= datetime.date(movement.year_to + 1, 3, 31)):
        raise ValidationError("Ngày sơ kết/tổng kết phải sau ngày bắt đầu đợt và không quá "
                              f"31/03/{movement.year_to + 1}.", field="review_date")
    return dict(name=name, start=start, end=end, review_date=review_date,
                review_name=vntext.validate_name(review_name or "", label="Tên hội nghị",
                                                 required=False, field="review_name"))


@service("clerk")
def add_round(*, actor, movement, name, start, end, review_name="", review_date=None):
    values = _clean_round(movement, name, start, end, review_name, review_date)
    rnd = Round.create(movement=movement, **values)
    audit(actor, "add_round", rnd, new=snapshot(rnd))
    return rnd


@service("clerk")
def update_round(*, actor, round, **changes):
    old = snapshot(round)
    current = dict(name=round.name, start=round.start, end=round.end,
                   review_name=round.review_name, review_date=round.review_date)
    current.update(changes)
    for key, value in _clean_round(round.movement, **current).items():
        setattr(round, key, value)
    round.save()
    before, after = diff(old, snapshot(round))
    if after:
        audit(actor, "update_round", round, old=before, new=after)
    return round


@service("clerk")
def delete_round(*, actor, round):
    if Registration.select().where(Registration.round == round).exists():
        raise ConflictError(f"Đợt '{round.name}' đã có bản đăng ký riêng; hãy xóa các bản đăng "
                            "ký của đợt trước khi xóa đợt.")
    old = snapshot(round)
    round.delete_instance()
    audit(actor, "delete_round", "round", entity_id=old["id"], old=old)


# --------------------------------------------------------------------------- targets



def _clean_target(values):
    out = {}
    if "name" in values:
        out["name"] = vntext.validate_name(values["name"], label="Tên chỉ tiêu", max_len=1000,
                                           field="name")
    if "code" in values:
        out["code"] = vntext.validate_name(values["code"] or "", label="Số thứ tự", max_len=20,
                                           required=False, field="code")
    if "measure" in values:
        out["measure"] = vntext.validate_name(values["measure"] or "", label="Đơn vị tính",
                                              max_len=60, required=False, field="measure")
    if "group" in values:
        out["group"] = vntext.validate_name(values["group"] or "", label="Nhóm", max_len=100,
                                            required=False, field="group")
    if "value_text" in values:
        out["value_text"] = vntext.clean_text(values["value_text"] or "")
    for key, label in (("value", "Giá trị chỉ tiêu"), ("actual", "Kết quả thực hiện")):
        if key in values:
            out[key] = parse_value(values[key], label=label, field=key)
    if "direction" in values:
        if values["direction"] not in DIRECTIONS:
            raise ValidationError("Chiều đánh giá phải là: càng cao càng tốt, càng thấp càng tốt "
                                  "hoặc đạt đúng.", field="direction")
        out["direction"] = values["direction"]
    if "order" in values:
        out["order"] = int(values["order"] or 0)
    return out


@service("clerk")
def add_target(*, actor, movement, name, value=None, measure="", direction="higher", group="",
               code="", value_text="", order=None):
    values = _clean_target(dict(name=name, value=value, measure=measure, direction=direction,
                                group=group, code=code, value_text=value_text))
    if order is None:
        order = (movement.targets.count() + 1)
    target = Target.create(movement=movement, order=order, **values)
    audit(actor, "add_target", target, new=snapshot(target))
    return target


@service("clerk")
def add_targets(*, actor, movement, rows, replace=False):
    """Store confirmed parsed rows (from ``parse_target_lines`` or an Excel file) at once;
    with ``replace`` the movement's current targets are deleted first (same transaction)."""
    if replace:
        _delete_targets(actor, targets_of(movement))
    start = movement.targets.count()
    cleaned = []
    for i, row in enumerate(rows, 1):
        try:
            values = _clean_target({k: row.get(k) for k in (
                "name", "value", "measure", "direction", "group", "code", "value_text")
                if k in row})
        except ValidationError as err:
            raise ValidationError(f"Chỉ tiêu thứ {i}: {err}", field=err.field) from None
        values.setdefault("direction", "higher")
        cleaned.append(dict(values, movement=movement.id, order=start + i))
    for offset in range(0, len(cleaned), 500):
        Target.insert_many(cleaned[offset:offset + 500]).execute()
    audit(actor, "add_targets", movement, new={"count": len(cleaned)})
    return list(movement.targets.order_by(Target.order))[start:]


@service("clerk")
def update_target(*, actor, target, reason=None, **changes):
    return audited_update(actor, "update_target", target, _clean_target(changes),
                          reason=reason)


@service("clerk")
def set_actual(*, actor, target, actual, reason=None):
    """Enter the actual value reached during the year (None clears it)."""
    old = snapshot(target, ["actual"])
    target.actual = parse_value(actual, label="Kết quả thực hiện", field="actual")
    target.save()
    audit(actor, "set_actual", target, old=old, new=snapshot(target, ["actual"]), reason=reason)
    return target


@service("clerk")
def delete_target(*, actor, target):
    _delete_targets(actor, [target])


@service("clerk")
def delete_targets(*, actor, targets):
    """Delete several targets at once (all or none)."""
    _delete_targets(actor, targets)
    return len(targets)


def _delete_targets(actor, targets):
    for target in targets:
        old = snapshot(target)
        target.delete_instance()
        audit(actor, "delete_target", "target", entity_id=old["id"], old=old)


def targets_of(movement):
    return list(movement.targets.order_by(Target.order, Target.id))


@dataclass
class Completion:
    percent: object        # Decimal (2 places) or None
    achieved: object       # True / False / None (no data)

    @property
    def text(self):
        if self.achieved is None:
            return "Chưa có số liệu"
        pct = f"{vntext.format_decimal(self.percent.quantize(Decimal('0.1')))} %" if self.percent is not None else ""
        verdict = "Đạt" if self.achieved else "Chưa đạt"
        return f"{pct} – {verdict}" if pct else verdict


def completion(value, actual, direction="higher"):
    """How far ``actual`` reaches ``value``, direction-aware.

    higher: actual / value; lower (e.g. malnutrition rate): value / actual; exact: 100 % at
    the value, less by the relative distance. Percent is not capped (120 % means exceeded).
    """
    if value is None or actual is None:
        return Completion(None, None)
    value, actual = Decimal(value), Decimal(actual)
    if direction == "lower":
        achieved = actual <= value
        if actual <= 0:
            pct = None if value != 0 or actual < 0 else Decimal(100)
        else:
            pct = value / actual * 100
    elif direction == "exact":
        achieved = actual == value
        if value == 0:
            pct = Decimal(100) if actual == 0 else Decimal(0)
        else:
            pct = max(Decimal(0), 100 - abs(actual - value) / abs(value) * 100)
    else:
        achieved = actual >= value
        pct = None if value <= 0 else actual / value * 100
    if pct is not None:
        pct = pct.quantize(CENT, rounding=ROUND_HALF_UP)
    return Completion(pct, achieved)


def target_completion(target):
    return completion(target.value, target.actual, target.direction)
