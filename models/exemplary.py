"""Exemplary models (điển hình tiên tiến) through four stages: discovered → nurtured →
summarised → replicated, each dated and audited; public introductions; where each stands.

A model is a person, a collective (unit), a household, or a named practice ("mô hình",
e.g. "Mô hình dân vận khéo") with an optional originator. Stages follow in order and never
go back in time: a stage dated before the one it follows is refused (a model replicated
before it was discovered). Replication is recorded per unit; the first one moves the model
to "replicated". A model waiting in one stage longer than the setting
``model_stuck_days`` (180 by default) is "stuck".
"""
import datetime

from peewee import JOIN, fn

from . import settings, versioning, vntext
from .entities import (HOUSEHOLD, PERSON, UNIT, ExemplaryModel, Household, ModelPublicity,
                       ModelReplication, ModelStage, Movement, Person, Unit)
from .errors import ConflictError, NotFound, ValidationError
from .movements import GROUPS
from .service import audit, audited_update, diff, service, snapshot
from .subjects import display_name, subject_kind

DISCOVERED, NURTURED, SUMMARISED, REPLICATED = ("discovered", "nurtured", "summarised",
                                                "replicated")
STAGES = (DISCOVERED, NURTURED, SUMMARISED, REPLICATED)
STAGE_NAMES = {DISCOVERED: "Phát hiện", NURTURED: "Bồi dưỡng", SUMMARISED: "Tổng kết",
               REPLICATED: "Nhân rộng"}
# what the text of each stage holds, as the dialogs ask for it
STAGE_CONTENT = {DISCOVERED: "Căn cứ, minh chứng", NURTURED: "Nội dung hỗ trợ, bồi dưỡng",
                 SUMMARISED: "Kết quả tổng kết"}
PRACTICE = "practice"
KINDS = {PERSON: "Cá nhân", UNIT: "Tập thể", HOUSEHOLD: "Hộ gia đình",
         PRACTICE: "Mô hình (cách làm)"}
CHANNELS = {"loudspeaker": "Loa truyền thanh", "website": "Trang thông tin điện tử",
            "conference": "Hội nghị", "other": "Hình thức khác"}
STUCK_DAYS = 180


def today():
    return datetime.date.today()


def stuck_days():
    """Days a model may wait in one stage before it is marked stuck (setting)."""
    try:
        days = int(settings.get("model_stuck_days") or STUCK_DAYS)
    except (TypeError, ValueError):
        days = STUCK_DAYS
    return max(days, 1)


def _date(value, label, field):
    if value in (None, ""):
        raise ValidationError(f"Hãy nhập {label.lower()}.", field=field)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return vntext.parse_date(value, field=field)
    except ValidationError as err:
        raise ValidationError(f"{label}: {err}", field=field) from None


def _text(value, label, field, *, max_len=4000, required=False):
    return vntext.validate_name(value or "", label=label, max_len=max_len, required=required,
                                field=field)


def _not_future(day, label, field, now=None):
    now = now or today()
    if day > now:
        raise ValidationError(f"{label} {vntext.format_date(day)} là ngày trong tương lai; "
                              "chỉ ghi việc đã diễn ra.", field=field)


def get_model(model_id):
    found = ExemplaryModel.get_or_none(ExemplaryModel.id == model_id)
    if found is None:
        raise NotFound(f"Không có mô hình điển hình số {model_id}.")
    return found


def _stage_rows(model):
    return {s.stage: s for s in ModelStage.select().where(ModelStage.model == model)}


def _first_replication(model):
    return (ModelReplication.select(fn.MIN(ModelReplication.date))
            .where(ModelReplication.model == model).scalar())


def _check_order(model, stage, day, stages=None):
    """Refuse ``day`` for ``stage`` when it falls before an earlier stage or after a later
    one already recorded (a stage never goes back in time)."""
    stages = _stage_rows(model) if stages is None else stages
    dates = {s: row.date for s, row in stages.items()}
    first_rep = _first_replication(model)
    if first_rep is not None:
        dates[REPLICATED] = first_rep
    index = STAGES.index(stage)
    for earlier in STAGES[:index]:
        when = dates.get(earlier)
        if when is not None and day < when:
            raise ValidationError(
                f"Ngày {STAGE_NAMES[stage].lower()} {vntext.format_date(day)} trước ngày "
                f"{STAGE_NAMES[earlier].lower()} {vntext.format_date(when)} của mô hình "
                f"«{model.name}»: các khâu phải theo thứ tự phát hiện → bồi dưỡng → tổng kết → "
                "nhân rộng. Hãy sửa lại ngày.", field="date")
    for later in STAGES[index + 1:]:
        when = dates.get(later)
        if when is not None and day > when:
            raise ValidationError(
                f"Ngày {STAGE_NAMES[stage].lower()} {vntext.format_date(day)} sau ngày "
                f"{STAGE_NAMES[later].lower()} {vntext.format_date(when)} đã ghi của mô hình "
                f"«{model.name}». Hãy sửa lại ngày.", field="date")


def _still_current(model):
    """Refuse (StaleRecord, before anything is written) a stage recorded from a copy of the
    model read before another PC changed it or its stages (issue 20)."""
    versioning.check_versions(ExemplaryModel, {model.id: model.version})


def _refresh_stage(model):
    """Store the latest stage reached and its date on the model row."""
    stages = _stage_rows(model)
    first_rep = _first_replication(model)
    if first_rep is not None:
        model.stage, model.stage_date = REPLICATED, first_rep
    else:
        latest = max((s for s in stages), key=STAGES.index)
        model.stage, model.stage_date = latest, stages[latest].date
    model.save()


# --------------------------------------------------------------------------- models

def _originator(kind, originator):
    if kind not in KINDS:
        raise ValidationError("Loại điển hình phải là cá nhân, tập thể, hộ gia đình hoặc mô "
                              "hình.", field="kind")
    fields = {UNIT: None, PERSON: None, HOUSEHOLD: None}
    if originator is None:
        if kind != PRACTICE:
            raise ValidationError(f"Hãy chọn {KINDS[kind].lower()} là điển hình.",
                                  field="originator")
        return fields
    okind = subject_kind(originator)
    if kind != PRACTICE and okind != kind:
        raise ValidationError(f"Điển hình loại {KINDS[kind].lower()} phải gắn với một "
                              f"{KINDS[kind].lower()}.", field="originator")
    fields[okind] = originator
    return fields


def _clean_model(*, name, kind, originator, area, description):
    fields = _originator(kind, originator)
    if not vntext.clean_text(name or "") and originator is not None:
        name = display_name(originator)
    name = vntext.validate_name(name or "", label="Tên điển hình, mô hình", max_len=300,
                                field="name")
    area = _text(area, "Lĩnh vực", "area", max_len=100)
    return dict(name=name, name_key=vntext.fold(name), kind=kind, area=area,
                description=_text(description, "Mô tả", "description", max_len=20000),
                **fields)


@service("clerk")
def discover(*, actor, movement, name="", kind=PRACTICE, originator=None, area="", date,
             by_whom="", evidence="", description=""):
    """Record a newly discovered model (khâu phát hiện): by whom, when, on what evidence."""
    values = _clean_model(name=name, kind=kind, originator=originator, area=area,
                          description=description)
    day = _date(date, "Ngày phát hiện", "date")
    _not_future(day, "Ngày phát hiện", "date")
    if ExemplaryModel.select().where((ExemplaryModel.movement == movement)
                                     & (ExemplaryModel.name_key == values["name_key"])).exists():
        raise ConflictError(f"Phong trào '{movement.name}' đã có điển hình «{values['name']}».",
                            field="name")
    model = ExemplaryModel.create(movement=movement, stage=DISCOVERED, stage_date=day, **values)
    stage = ModelStage.create(model=model, stage=DISCOVERED, date=day,
                              by_whom=_text(by_whom, "Người phát hiện", "by_whom", max_len=200),
                              content=_text(evidence, "Căn cứ, minh chứng", "content"))
    audit(actor, "discover_model", model, new=dict(snapshot(model), by_whom=stage.by_whom,
                                                   evidence=stage.content))
    return model


@service("clerk")
def update_model(*, actor, model, reason=None, **changes):
    """Change the name, kind/originator, field, movement or description of a model."""
    current = dict(name=model.name, kind=model.kind, area=model.area,
                   description=model.description,
                   originator=model.unit or model.person or model.household)
    current.update({k: v for k, v in changes.items() if k in current})
    values = _clean_model(**current)
    if "movement" in changes:
        values["movement"] = changes["movement"]
    return audited_update(actor, "update_model", model, values, reason=reason)


@service("clerk")
def delete_model(*, actor, model, reason):
    reason = vntext.clean_text(reason or "")
    if not reason:
        raise ValidationError("Hãy ghi lý do xóa mô hình điển hình.", field="reason")
    old = snapshot(model)
    model.delete_instance(recursive=True)
    audit(actor, "delete_model", "exemplary_model", entity_id=old["id"], old=old, reason=reason)


@service("clerk")
def record_stage(*, actor, model, stage, date, by_whom="", content="", reason=None):
    """Record (or correct) the nurtured or summarised stage, or correct the discovery.

    The stage before it must be recorded, and its date must not fall before the earlier
    stages nor after a later one."""
    if stage not in (DISCOVERED, NURTURED, SUMMARISED):
        raise ValidationError("Khâu nhân rộng được ghi theo từng đơn vị nhân rộng.",
                              field="stage")
    _still_current(model)
    day = _date(date, f"Ngày {STAGE_NAMES[stage].lower()}", "date")
    _not_future(day, f"Ngày {STAGE_NAMES[stage].lower()}", "date")
    stages = _stage_rows(model)
    previous = STAGES[STAGES.index(stage) - 1] if stage != DISCOVERED else None
    if previous is not None and previous not in stages:
        raise ValidationError(f"Mô hình «{model.name}» chưa qua khâu "
                              f"{STAGE_NAMES[previous].lower()}; hãy ghi khâu đó trước.",
                              field="stage")
    _check_order(model, stage, day, stages)
    by_whom = _text(by_whom, "Người thực hiện", "by_whom", max_len=200)
    content = _text(content, STAGE_CONTENT[stage], "content")
    row = stages.get(stage)
    if row is None:
        row = ModelStage.create(model=model, stage=stage, date=day, by_whom=by_whom,
                                content=content)
        audit(actor, f"model_{stage}", model, new=snapshot(row), reason=reason)
    else:
        old = snapshot(row)
        row.date, row.by_whom, row.content = day, by_whom, content
        row.save()
        before, after = diff(old, snapshot(row))
        if after:
            audit(actor, f"update_model_{stage}", model, old=before, new=after, reason=reason)
    _refresh_stage(model)
    return row


@service("clerk")
def remove_stage(*, actor, model, stage, reason):
    """Undo the latest recorded stage (a mistaken entry), with a reason."""
    reason = vntext.clean_text(reason or "")
    if not reason:
        raise ValidationError("Hãy ghi lý do bỏ khâu đã ghi.", field="reason")
    if stage == DISCOVERED:
        raise ValidationError("Không bỏ được khâu phát hiện; hãy xóa cả mô hình nếu ghi nhầm.",
                              field="stage")
    _still_current(model)
    stages = _stage_rows(model)
    later = [s for s in STAGES[STAGES.index(stage) + 1:] if s in stages]
    if later or (ModelReplication.select().where(ModelReplication.model == model).exists()):
        raise ConflictError(f"Mô hình «{model.name}» đã qua khâu sau; hãy bỏ khâu sau trước.")
    row = stages.get(stage)
    if row is None:
        raise NotFound(f"Mô hình «{model.name}» chưa có khâu {STAGE_NAMES[stage].lower()}.")
    old = snapshot(row)
    row.delete_instance()
    audit(actor, f"remove_model_{stage}", model, old=old, reason=reason)
    _refresh_stage(model)


@service("clerk")
def record_replication(*, actor, model, unit, date, result=""):
    """A unit takes the model up (khâu nhân rộng): from ``date``, with its results there."""
    _still_current(model)
    stages = _stage_rows(model)
    if SUMMARISED not in stages:
        raise ValidationError(f"Mô hình «{model.name}» chưa được tổng kết; hãy ghi khâu tổng "
                              "kết trước khi nhân rộng.", field="stage")
    day = _date(date, "Ngày nhân rộng", "date")
    _not_future(day, "Ngày nhân rộng", "date")
    for earlier in (DISCOVERED, NURTURED, SUMMARISED):
        when = stages[earlier].date if earlier in stages else None
        if when is not None and day < when:
            raise ValidationError(
                f"Ngày nhân rộng {vntext.format_date(day)} tại {unit.name} trước ngày "
                f"{STAGE_NAMES[earlier].lower()} {vntext.format_date(when)} của mô hình "
                f"«{model.name}»: không thể nhân rộng trước khi "
                f"{STAGE_NAMES[earlier].lower()}. Hãy sửa lại ngày.", field="date")
    result = _text(result, "Kết quả tại đơn vị", "result")
    row = ModelReplication.get_or_none((ModelReplication.model == model)
                                       & (ModelReplication.unit == unit))
    if row is None:
        row = ModelReplication.create(model=model, unit=unit, date=day, result=result)
        audit(actor, "model_replicated", model, new=snapshot(row))
    else:
        old = snapshot(row)
        row.date, row.result = day, result
        row.save()
        before, after = diff(old, snapshot(row))
        if after:
            audit(actor, "update_model_replication", model, old=before, new=after)
    _refresh_stage(model)
    return row


@service("clerk")
def remove_replication(*, actor, replication, reason):
    reason = vntext.clean_text(reason or "")
    if not reason:
        raise ValidationError("Hãy ghi lý do bỏ đơn vị nhân rộng.", field="reason")
    model = replication.model
    old = snapshot(replication)
    replication.delete_instance()
    audit(actor, "remove_model_replication", model, old=old, reason=reason)
    _refresh_stage(model)


@service("clerk")
def record_publicity(*, actor, model, channel, date, detail=""):
    """The model was introduced publicly: on the loudspeakers, the website, at a meeting."""
    if channel not in CHANNELS:
        raise ValidationError("Hình thức giới thiệu phải là: " + ", ".join(CHANNELS.values())
                              + ".", field="channel")
    day = _date(date, "Ngày giới thiệu", "date")
    _not_future(day, "Ngày giới thiệu", "date")
    discovered = _stage_rows(model)[DISCOVERED].date
    if day < discovered:
        raise ValidationError(f"Ngày giới thiệu {vntext.format_date(day)} trước ngày phát hiện "
                              f"{vntext.format_date(discovered)} của mô hình «{model.name}».",
                              field="date")
    row = ModelPublicity.create(model=model, channel=channel, date=day,
                                detail=_text(detail, "Nơi, nội dung giới thiệu", "detail"))
    audit(actor, "model_publicity", model, new=snapshot(row))
    return row


# --------------------------------------------------------------------------- look-ups

def _origin_names(rows):
    """{model_id: originator name} for model rows (tuples of id, unit, person, household)."""
    unit_ids = {u for _, u, _, _ in rows if u}
    person_ids = {p for _, _, p, _ in rows if p}
    house_ids = {h for _, _, _, h in rows if h}
    units = dict(Unit.select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids)).tuples()) \
        if unit_ids else {}
    people = dict(Person.select(Person.id, Person.full_name)
                  .where(Person.id.in_(person_ids)).tuples()) if person_ids else {}
    houses = dict(Household.select(Household.id, Household.head_name)
                  .where(Household.id.in_(house_ids)).tuples()) if house_ids else {}
    return {i: units.get(u) or people.get(p) or houses.get(h) or "" for i, u, p, h in rows}


def is_stuck(stage, stage_date, *, on=None, days=None):
    if stage == REPLICATED or stage_date is None:
        return False
    on = on or today()
    return (on - stage_date).days > (days or stuck_days())


def model_rows(*, movement=None, stage=None, stuck_only=False, search=None, on=None):
    """Rows for the models list: where each model stands, since when, stuck or not."""
    on = on or today()
    days = stuck_days()
    query = (ExemplaryModel.select(ExemplaryModel, Movement.id, Movement.name)
             .join(Movement).order_by(ExemplaryModel.stage_date.desc(), ExemplaryModel.id))
    if movement is not None:
        query = query.where((ExemplaryModel.movement == movement)
                            | (Movement.parent == movement))
    if stage:
        query = query.where(ExemplaryModel.stage == stage)
    if search:
        query = query.where(ExemplaryModel.name_key.contains(vntext.search_key(search)))
    models = list(query)
    ids = [m.id for m in models]
    reps = {}
    pubs = {}
    if ids:
        for mid, n in (ModelReplication.select(ModelReplication.model,
                                               fn.COUNT(ModelReplication.id))
                       .where(ModelReplication.model.in_(ids))
                       .group_by(ModelReplication.model).tuples()):
            reps[mid] = n
        for mid, n in (ModelPublicity.select(ModelPublicity.model, fn.COUNT(ModelPublicity.id))
                       .where(ModelPublicity.model.in_(ids))
                       .group_by(ModelPublicity.model).tuples()):
            pubs[mid] = n
    origins = _origin_names([(m.id, m.unit_id, m.person_id, m.household_id) for m in models])
    rows = []
    for m in models:
        stuck = is_stuck(m.stage, m.stage_date, on=on, days=days)
        if stuck_only and not stuck:
            continue
        rows.append({
            "id": m.id, "uuid": m.uuid, "name": m.name, "kind": m.kind,
            "kind_label": KINDS.get(m.kind, m.kind), "area": m.area,
            "movement_id": m.movement_id, "movement": m.movement.name,
            "originator": origins.get(m.id, ""), "stage": m.stage,
            "stage_label": STAGE_NAMES[m.stage], "stage_date": m.stage_date,
            "days_in_stage": (on - m.stage_date).days, "stuck": stuck,
            "replications": reps.get(m.id, 0), "publicity": pubs.get(m.id, 0),
        })
    return rows


def stuck_models(*, on=None, movement=None):
    return model_rows(movement=movement, stuck_only=True, on=on)


def model_detail(model):
    """Everything about one model: its stages, replications and public introductions."""
    stages = _stage_rows(model)
    return {
        "model": model,
        "originator": (display_name(model.unit or model.person or model.household)
                       if (model.unit_id or model.person_id or model.household_id) else ""),
        "stages": [{"stage": s, "label": STAGE_NAMES[s], "date": stages[s].date,
                    "by_whom": stages[s].by_whom, "content": stages[s].content}
                   for s in STAGES if s in stages],
        "replications": [{"id": r.id, "unit": r.unit.name, "unit_id": r.unit_id,
                          "date": r.date, "result": r.result}
                         for r in model.replications.order_by(ModelReplication.date)],
        "publicity": [{"id": p.id, "channel": p.channel, "channel_label": CHANNELS[p.channel],
                       "date": p.date, "detail": p.detail}
                      for p in model.publicity.order_by(ModelPublicity.date)],
    }


def replications_by_unit(*, movement=None):
    """[{unit, unit_id, models: [(model name, date, result)]}] in unit name order: which
    units have replicated which models."""
    query = (ModelReplication.select(ModelReplication.unit, Unit.name, ExemplaryModel.name,
                                     ModelReplication.date, ModelReplication.result)
             .join(Unit).switch(ModelReplication).join(ExemplaryModel))
    if movement is not None:
        query = query.where(ExemplaryModel.movement == movement)
    out = {}
    for unit_id, unit, name, day, result in query.tuples():
        entry = out.setdefault(unit_id, {"unit_id": unit_id, "unit": unit, "models": []})
        entry["models"].append((name, day, result))
    rows = sorted(out.values(), key=lambda e: vntext.text_sort_key(e["unit"]))
    for row in rows:
        row["models"].sort(key=lambda m: m[1])
    return rows


def stage_at(model_id_dates, day):
    """The stage reached by ``day`` from {stage: date}; None when not yet discovered."""
    reached = [s for s in STAGES if model_id_dates.get(s) and model_id_dates[s] <= day]
    return reached[-1] if reached else None


def stage_history(movement_ids):
    """{model_id: {stage: date}} for the models of these movements (replicated = first)."""
    out = {}
    query = (ModelStage.select(ModelStage.model, ModelStage.stage, ModelStage.date)
             .join(ExemplaryModel).where(ExemplaryModel.movement.in_(movement_ids)))
    for mid, stage, day in query.tuples():
        out.setdefault(mid, {})[stage] = day
    reps = (ModelReplication.select(ModelReplication.model, fn.MIN(ModelReplication.date))
            .join(ExemplaryModel).where(ExemplaryModel.movement.in_(movement_ids))
            .group_by(ModelReplication.model))
    for mid, day in reps.tuples():
        out.setdefault(mid, {})[REPLICATED] = day
    return out


def models_of(subject):
    """The models a unit, person or household originated or (a unit) replicated — for
    achievement reports and candidate notes: [{model_id, name, role, role_label, stage,
    stage_label, date, movement, replicated_units}]."""
    kind = subject_kind(subject)
    out = []
    originated = (ExemplaryModel.select(ExemplaryModel, Movement.id, Movement.name).join(Movement)
                  .where(getattr(ExemplaryModel, kind) == subject)
                  .order_by(ExemplaryModel.stage_date))
    for m in originated:
        first = ModelStage.get_or_none((ModelStage.model == m) & (ModelStage.stage == DISCOVERED))
        units = (ModelReplication.select(fn.COUNT(ModelReplication.id))
                 .where(ModelReplication.model == m).scalar()) or 0
        out.append({"model_id": m.id, "name": m.name, "role": "originator",
                    "role_label": "Khởi xướng", "stage": m.stage,
                    "stage_label": STAGE_NAMES[m.stage],
                    "date": first.date if first else m.stage_date,
                    "movement": m.movement.name, "replicated_units": units})
    if kind == UNIT:
        query = (ModelReplication.select(ModelReplication, ExemplaryModel, Movement.id,
                                         Movement.name)
                 .join(ExemplaryModel).join(Movement, JOIN.INNER)
                 .where(ModelReplication.unit == subject).order_by(ModelReplication.date))
        for r in query:
            m = r.model
            out.append({"model_id": m.id, "name": m.name, "role": "replicator",
                        "role_label": "Nhân rộng", "stage": m.stage,
                        "stage_label": STAGE_NAMES[m.stage], "date": r.date,
                        "movement": m.movement.name, "result": r.result,
                        "replicated_units": None})
    return out


def notes_for(keys, *, year):
    """{(kind, id): [positive note, …]} for candidate lists: originators of models discovered
    up to ``year`` and units that replicated a model by then. Notes, never blocks."""
    end = datetime.date(year, 12, 31)
    out = {}
    by_kind = {}
    for kind, ident in keys:
        by_kind.setdefault(kind, set()).add(ident)
    for kind, ids in by_kind.items():
        col = getattr(ExemplaryModel, kind)
        # models are few, candidates thousands: every originator's models are read and
        # matched here (an IN list of 20,000 households is no query to send)
        query = (ExemplaryModel.select(col, ExemplaryModel.name, ExemplaryModel.stage)
                 .join(ModelStage).where(col.is_null(False), ModelStage.stage == DISCOVERED,
                                         ModelStage.date <= end))
        for ident, name, stage in query.tuples():
            if ident not in ids:
                continue
            who = "Người" if kind == PERSON else "Đơn vị" if kind == UNIT else "Hộ"
            out.setdefault((kind, ident), []).append(
                f"Ghi nhận: {who} khởi xướng mô hình «{name}» "
                f"(khâu {STAGE_NAMES[stage].lower()}).")
    unit_ids = by_kind.get(UNIT, set())
    if unit_ids:
        query = (ModelReplication.select(ModelReplication.unit, ExemplaryModel.name)
                 .join(ExemplaryModel).where(ModelReplication.date <= end))
        for ident, name in query.tuples():
            if ident not in unit_ids:
                continue
            out.setdefault((UNIT, ident), []).append(
                f"Ghi nhận: Đơn vị đã nhân rộng mô hình «{name}».")
    return out


def fields():
    """Choices for the field of a model (lĩnh vực)."""
    return list(GROUPS)
