"""Discipline (kỷ luật) of a person or a unit, and what it bars (read by the candidate checks).

Forms, mildest first, with a level used by the rules ("cảnh cáo trở lên"): the forms for
officials, civil servants and public employees (Law on Cadres and Civil Servants, Law on
Public Employees, Decree 112/2020/NĐ-CP) and dissolution for an organisation. Which levels
bar which titles is a setting (``discipline_person_min``, ``discipline_member_min``): local
rules differ, and every such check stays a warning the council can override with a reason.
"""
import datetime

from peewee import JOIN

from . import settings, vntext
from .entities import Discipline, Person, Unit
from .errors import NotFound, ValidationError
from .service import audit, audited_update, service, snapshot
from .subjects import display_name, subject_kind

FORMS = {                                  # code: (name, level)
    "khien_trach": ("Khiển trách", 1),
    "canh_cao": ("Cảnh cáo", 2),
    "ha_bac_luong": ("Hạ bậc lương", 3),
    "giang_chuc": ("Giáng chức", 4),
    "cach_chuc": ("Cách chức", 5),
    "bai_nhiem": ("Bãi nhiệm", 6),
    "buoc_thoi_viec": ("Buộc thôi việc", 7),
    "giai_tan": ("Giải tán", 8),
}
UNIT_FORMS = ("khien_trach", "canh_cao", "giai_tan")


def form_name(code):
    return FORMS.get(code, (code, 0))[0]


def level(code):
    return FORMS.get(code, ("", 0))[1]


def get_discipline(ident):
    item = Discipline.get_or_none(Discipline.id == ident)
    if item is None:
        raise NotFound(f"Không có quyết định kỷ luật mã {ident}.")
    return item


def _clean(subject, values):
    out = {}
    kind = subject_kind(subject)
    if kind not in ("person", "unit"):
        raise ValidationError("Kỷ luật ghi cho một cá nhân hoặc một tập thể.", field="subject")
    form = values.get("form")
    if form not in FORMS:
        raise ValidationError("Hãy chọn hình thức kỷ luật.", field="form")
    if kind == "unit" and form not in UNIT_FORMS:
        raise ValidationError(f"Hình thức '{form_name(form)}' chỉ áp dụng cho cá nhân; tập thể "
                              "bị khiển trách, cảnh cáo hoặc giải tán.", field="form")
    out["form"] = form
    out["number"] = vntext.validate_name(values.get("number") or "", label="Số quyết định",
                                         max_len=60, field="number")
    out["date"] = vntext.form_date(values.get("date"), label="ngày quyết định kỷ luật",
                                   field="date")
    if out["date"] > datetime.date.today():
        raise ValidationError("Ngày quyết định kỷ luật chưa tới; hãy sửa ngày.", field="date")
    out["start_date"] = vntext.form_date(values.get("start_date") or out["date"],
                                         label="ngày bắt đầu", field="start_date")
    out["end_date"] = vntext.form_date(values.get("end_date"), label="ngày kết thúc",
                                       field="end_date", required=False)
    if out["end_date"] is not None and out["end_date"] < out["start_date"]:
        raise ValidationError(
            f"Thời hạn kỷ luật kết thúc ({vntext.format_date(out['end_date'])}) trước khi bắt "
            f"đầu ({vntext.format_date(out['start_date'])}); hãy sửa ngày.", field="end_date")
    out["issuer"] = vntext.validate_name(values.get("issuer") or "", label="Cơ quan quyết định",
                                         max_len=200, required=False, field="issuer")
    out["reason"] = vntext.clean_text(values.get("reason") or "")
    out["unit"] = subject if kind == "unit" else None
    out["person"] = subject if kind == "person" else None
    return out


@service("clerk")
def record_discipline(*, actor, subject, form, number, date, start_date=None, end_date=None,
                      issuer="", reason=""):
    """Record a discipline decision for a person or a unit (period end ≥ start)."""
    values = _clean(subject, dict(form=form, number=number, date=date, start_date=start_date,
                                  end_date=end_date, issuer=issuer, reason=reason))
    item = Discipline.create(**values)
    audit(actor, "record_discipline", item, new=snapshot(item))
    return item


@service("clerk")
def update_discipline(*, actor, discipline, **changes):
    item = Discipline.get_by_id(discipline.id)
    current = dict(form=item.form, number=item.number, date=item.date,
                   start_date=item.start_date, end_date=item.end_date, issuer=item.issuer,
                   reason=item.reason)
    unknown = set(changes) - set(current)
    if unknown:
        raise ValidationError(f"Không sửa được trường {', '.join(sorted(unknown))}.")
    current.update(changes)
    subject = item.person if item.person_id else item.unit
    return audited_update(actor, "update_discipline", item, _clean(subject, current))


@service("clerk")
def delete_discipline(*, actor, discipline, reason):
    reason = vntext.clean_text(reason)
    if not reason:
        raise ValidationError("Hãy ghi lý do xóa quyết định kỷ luật.", field="reason")
    item = Discipline.get_by_id(discipline.id)
    old = snapshot(item)
    item.delete_instance()
    audit(actor, "delete_discipline", "discipline", entity_id=old["id"], old=old, reason=reason)


# --------------------------------------------------------------------------- look-ups

def touches_year(year):
    """Condition: the discipline's period touches ``year`` (or its decision is of that year)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (((Discipline.start_date <= last)
             & (Discipline.end_date.is_null() | (Discipline.end_date >= first)))
            | ((Discipline.date >= first) & (Discipline.date <= last)))


def in_year(year):
    return Discipline.select().where(touches_year(year))


def year_disciplines(year):
    """{('person'|'unit', id): [(level, text)]} of the disciplines touching ``year``."""
    out = {}
    for d in in_year(year):
        key = ("person", d.person_id) if d.person_id else ("unit", d.unit_id)
        out.setdefault(key, []).append((level(d.form), describe(d)))
    return out


def describe(d):
    """'cảnh cáo (Quyết định số 12/QĐ-UBND ngày 03/03/2026, từ 03/03/2026 đến 02/03/2027)'."""
    number = f"Quyết định số {d.number} " if d.number else "quyết định "
    period = f"từ {vntext.format_date(d.start_date)}"
    if d.end_date:
        period += f" đến {vntext.format_date(d.end_date)}"
    return (f"{form_name(d.form).lower()} ({number}ngày {vntext.format_date(d.date)}, "
            f"{period})")


def person_min_level():
    return level(settings.get("discipline_person_min") or "khien_trach") or 1


def member_min_level():
    return level(settings.get("discipline_member_min") or "canh_cao") or 2


def disciplines_of(subject, years=None):
    """A person's or unit's disciplines (in ``years``), oldest first, as dicts."""
    column = Discipline.person if subject_kind(subject) == "person" else Discipline.unit
    out = []
    for d in Discipline.select().where(column == subject).order_by(Discipline.date):
        span = set(range(d.start_date.year, (d.end_date or d.start_date).year + 1)) | {d.date.year}
        if years is not None and not span & set(years):
            continue
        out.append({"id": d.id, "form": form_name(d.form), "level": level(d.form),
                    "number": d.number, "date": d.date, "start_date": d.start_date,
                    "end_date": d.end_date, "text": describe(d)})
    return out


def discipline_rows(*, year=None, search=None):
    """Flat rows for the table and `list disciplines`."""
    query = (Discipline.select(Discipline, Person.full_name.alias("person_name"),
                               Unit.name.alias("unit_name"))
             .join(Person, JOIN.LEFT_OUTER, on=(Discipline.person == Person.id))
             .switch(Discipline)
             .join(Unit, JOIN.LEFT_OUTER, on=(Discipline.unit == Unit.id))
             .order_by(Discipline.date.desc(), Discipline.id.desc()))
    if year is not None:
        query = query.where(touches_year(year))
    rows = []
    for d in query.dicts():
        is_person = d["person"] is not None
        name = d["person_name"] if is_person else d["unit_name"]
        row = {"id": d["id"], "uuid": d["uuid"], "kind": "person" if is_person else "unit",
               "kind_label": "Cá nhân" if is_person else "Tập thể", "name": name,
               "subject_id": d["person"] if is_person else d["unit"],
               "form": d["form"], "form_label": form_name(d["form"]), "number": d["number"],
               "date": d["date"], "start_date": d["start_date"], "end_date": d["end_date"],
               "issuer": d["issuer"], "reason": d["reason"]}
        if search and vntext.fold(search) not in vntext.fold(
                f"{name} {row['form_label']} {d['number']} {d['reason']}"):
            continue
        rows.append(row)
    return rows


def subject_label(subject):
    return display_name(subject)
