"""Everything a file proposed upward says, as plain data with the UUID of every record: the
documents are built from it and it is written as ``du-lieu.json`` (a province merges the
communes' files by these UUIDs)."""
import datetime
import json
from collections import defaultdict

from . import settings, vntext
from .award_history import IN_FORCE, award_year, subject_infos, subject_key
from .entities import (HOUSEHOLD, PERSON, SUBJECT_KINDS, UNIT, Award, Decision, Title, Unit,
                       UnitKind)
from .subjects import subject_of
from .upward import _vote_of, counts_lines, file_texts, proposals, subject_texts

FORMAT = "tdkt-ho-so-de-nghi-cap-tren"
VERSION = 1


def _iso(d):
    return d.isoformat() if d else None


def commune_identity():
    """Who sends the file: names, official codes and the UUID of the commune's own unit."""
    values = settings.get_all()
    root = (Unit.select(Unit).join(UnitKind)
            .where(Unit.parent.is_null(), UnitKind.code == "xa").order_by(Unit.id).first())
    return {"name": values["commune_name"], "province": values["province_name"],
            "commune_code": values["commune_code"], "province_code": values["province_code"],
            "unit_uuid": root.uuid if root else None,
            "chairman": values["chairman"], "place_name": values["place_name"]}


def issuer_of(decision, commune):
    """Who issued a decision of this commune, as a list of titles received names it."""
    where = settings.sentence_name(commune["name"]) if commune["name"] else "xã"
    if decision.on_behalf:
        return f"Ủy ban nhân dân {where}"
    return f"Chủ tịch Ủy ban nhân dân {where}"


def awards_received(keys, commune):
    """{(kind, id): [award dicts, oldest first]} of awards in force from the register."""
    wanted = defaultdict(set)
    for kind, ident in keys:
        wanted[kind].add(ident)
    out = defaultdict(list)
    for kind, ids in wanted.items():
        field = getattr(Award, kind)
        query = (Award.select(Award, Decision, Title).join(Decision).switch(Award).join(Title)
                 .where(Decision.state == IN_FORCE, field.in_(list(ids)))
                 .order_by(award_year(), Decision.date, Award.id))
        for a in query:
            d = a.decision
            year = d.period_year or d.year
            out[subject_key(a)].append({
                "uuid": a.uuid, "year": year, "title": a.title.name,
                "title_code": a.title.code, "title_uuid": a.title.uuid,
                "title_kind": a.title.kind, "register_no": a.register_no,
                "decision": {"uuid": d.uuid, "number": d.number, "date": _iso(d.date),
                             "issuer": issuer_of(d, commune)},
                "text": (f"Quyết định số {d.number} ngày {vntext.format_date(d.date)} của "
                         f"{issuer_of(d, commune)}")})
    return out


def _subject(p, info):
    subject = subject_of(p)
    kind = subject_key(p)[0]
    out = {"uuid": subject.uuid, "name": info.get("name", ""), "place": info.get("place", ""),
           "position": info.get("position", ""), "gender": info.get("gender", ""),
           "birth_year": getattr(subject, "birth_year", None), "unit": None}
    if kind == PERSON and subject.unit_id:
        out["unit"] = {"uuid": subject.unit.uuid, "name": subject.unit.name,
                       "leader_name": subject.unit.leader_name}
    if kind == HOUSEHOLD:
        out["unit"] = {"uuid": subject.village.uuid, "name": subject.village.name,
                       "leader_name": subject.village.leader_name}
        out["address"] = subject.address
    if kind == UNIT:
        out["unit_kind"] = subject.kind.code
        out["leader_name"] = subject.leader_name
        out["address"] = subject.address
    return out


def file_data(upward_file):
    """The whole file as JSON-ready data (dates ISO, percentages as text)."""
    commune = commune_identity()
    items = proposals(upward_file)
    keys = [subject_key(p) for p in items]
    infos = subject_infos(keys)
    received = awards_received(keys, commune)
    meeting = upward_file.meeting if upward_file.meeting_id else None
    movement = upward_file.movement if upward_file.movement_id else None
    out_props = []
    for p, key in zip(items, keys):
        p.file = upward_file
        vote = _vote_of(p, meeting)
        out_props.append({
            "uuid": p.uuid, "order": p.order, "kind": key[0],
            "kind_label": SUBJECT_KINDS[key[0]],
            "title": {"uuid": p.title.uuid, "code": p.title.code, "name": p.title.name,
                      "kind": p.title.kind},
            "subject": _subject(p, infos.get(key, {})),
            "candidate_uuid": p.candidate.uuid if p.candidate_id else None,
            "vote": None if vote is None else {
                "candidate_uuid": vote.candidate.uuid, "votes_for": vote.votes_for,
                "votes_against": vote.votes_against,
                "percent": vntext.format_decimal(vote.percent, 2), "passed": bool(vote.passed)},
            "warnings": json.loads(p.warnings or "[]"),
            "texts": subject_texts(p),
            "awards": received.get(key, []),
        })
    order = {PERSON: 0, UNIT: 1, HOUSEHOLD: 2}
    out_props.sort(key=lambda r: (order[r["kind"]], r["order"]))
    return {
        "format": FORMAT, "version": VERSION,
        "created": datetime.datetime.now().replace(microsecond=0).isoformat(),
        "commune": commune,
        "file": {"uuid": upward_file.uuid, "year": upward_file.year,
                 "number": upward_file.number, "date": _iso(upward_file.date),
                 "signer_name": upward_file.signer_name,
                 "signer_title": upward_file.signer_title,
                 "on_behalf": bool(upward_file.on_behalf),
                 "texts": file_texts(upward_file), "counts": counts_lines(upward_file)},
        "movement": None if movement is None else {"uuid": movement.uuid,
                                                   "name": movement.name},
        "meeting": None if meeting is None else {
            "uuid": meeting.uuid, "id": meeting.id, "date": _iso(meeting.date),
            "place": meeting.place, "chair": meeting.chair, "secretary": meeting.secretary,
            "members_total": meeting.members_total, "members_present": meeting.members_present,
            "secret": bool(meeting.secret),
            "threshold_pct": vntext.format_decimal(meeting.threshold_pct)},
        "proposals": out_props,
    }
