"""Reading what a commune sends the province: an upward file (folder or ZIP, checked against
its SHA-256 manifest first) or a full backup (.sqlite3, checked for integrity and schema) —
turned into the commune's identity and plain row tuples for ``models.province``.

The parsing (file → rows) is kept apart from the writing (``province.merge_rows``) so the
writing can be timed alone. A backup of an older version is migrated on a temporary copy
through the program's own migrations; the received file is never changed.
"""
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import threading

import peewee

from models import db as dbmod
from models import province, vntext
from models.award_history import IN_FORCE
from models.award_method import OCCASION_METHODS, REGULAR, SUDDEN, THEMED
from models.entities import (HOUSEHOLD, PERSON, UNIT, AuditLog, Award, AwardOccasion, Candidate,
                             Decision, Household, Movement, Person, Setting, Title, Unit,
                             UnitKind, UpwardFile, UpwardProposal, Vote)
from models.errors import DatabaseError, UserError
from models.statistics_forms import ENTERPRISE_KINDS, person_group
from models.upward_data import issuer_of

from . import upward_export
from .backup import readable

_swap_lock = threading.Lock()


def _sha256(path):
    return upward_export.sha256_of(path)


def _group(kind, position="", unit_kind=None):
    """The biểu 0603.N row an award of this subject counts in (02 03 04 08 09 10)."""
    if kind == UNIT:
        return "03" if unit_kind in ENTERPRISE_KINDS else "02"
    if kind == HOUSEHOLD:
        return "04"
    return person_group(position, unit_kind)


def _date(value):
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _text(value):
    return vntext.nfc(value) if isinstance(value, str) else ("" if value is None else
                                                              str(value))


def read_commune_file(path, *, progress=None):
    """{"identity", "rows", "kind"} of the commune file at ``path`` (folder, .zip or
    .sqlite3); raises UserError naming the file when it is not one or does not check.
    ``progress(fraction)`` (0…1) is told as the reading goes; False cancels."""
    report = _reporter(progress)
    path = os.path.abspath(str(path))
    if not os.path.exists(path):
        raise UserError(f"Không tìm thấy {path}. Hãy chọn lại thư mục hồ sơ, tệp ZIP hoặc "
                        "tệp sao lưu (.sqlite3) xã gửi.")
    if not os.path.isdir(path):
        try:
            with open(path, "rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise UserError(f"Không đọc được {path}: {exc.strerror or exc}") from exc
        if head == dbmod.SQLITE_MAGIC:
            return read_backup(path, report=report)
        if not head.startswith(b"PK"):
            raise UserError(
                f"{os.path.basename(path)} không phải hồ sơ đề nghị (thư mục hoặc ZIP có "
                "manifest-sha256.txt) hay bản sao lưu (.sqlite3) của phần mềm Thi đua - Khen "
                "thưởng. Hãy chọn đúng tệp xã gửi.")
    return read_upward(path, report=report)


def _reporter(progress):
    def report(fraction):
        if progress is not None and progress(fraction) is False:
            from models.errors import Cancelled
            raise Cancelled()
    return report


# --------------------------------------------------------------------------- upward files

def read_upward(path, *, report=lambda fraction: None):
    """An upward folder or ZIP: the manifest is checked first (ManifestMismatch names the
    changed, missing or added file), then du-lieu.json becomes rows."""
    checked = upward_export.verify(path)
    report(0.8)
    data = checked["data"]
    name = os.path.basename(path.rstrip(os.sep))
    digest = (_sha256(path) if os.path.isfile(path)
              else _sha256(os.path.join(path, upward_export.MANIFEST)))
    try:
        return upward_rows(data, file_name=name, sha256=digest)
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(f"{upward_export.DATA} trong {name} thiếu hoặc sai mục ({exc}); tệp "
                        "không do chương trình xuất. Hãy đề nghị xã xuất lại.") from exc


def upward_rows(data, *, file_name="", sha256=""):
    """du-lieu.json (docs/UPWARD.md) → identity and rows."""
    c, f = data["commune"], data["file"]
    identity = {"commune_code": c.get("commune_code"), "name": _text(c.get("name")),
                "province_code": c.get("province_code"),
                "province_name": _text(c.get("province")),
                "unit_uuid": c.get("unit_uuid") or "", "source": "upward",
                "file_name": file_name, "file_sha256": sha256,
                "file_time": datetime.datetime.fromisoformat(data["created"]),
                "file_year": int(f["year"])}
    subjects, awards, proposals = {}, {}, []
    received = identity["file_time"]
    for p in data["proposals"]:
        s, kind = p["subject"], p["kind"]
        sname = _text(s.get("name"))
        unit = s.get("unit") or {}
        subjects.setdefault(s["uuid"], (
            s["uuid"], kind, sname, vntext.fold(sname), _text(s.get("position")),
            _text(s.get("gender")), s.get("birth_year"), _text(unit.get("name"))))
        group = _group(kind, s.get("position") or "", s.get("unit_kind"))
        for a in p.get("awards") or ():
            d = a.get("decision") or {}
            awards.setdefault(a["uuid"], (
                a["uuid"], s["uuid"], kind, sname, group, "", a.get("title_code") or "",
                _text(a.get("title")), a.get("title_kind") or "title", int(a["year"]),
                d.get("uuid") or "", _text(d.get("number")), _date(d.get("date")),
                _text(d.get("issuer")), 0))
        vote = p.get("vote") or {}
        title = p["title"]
        proposals.append((
            p["uuid"], f.get("uuid") or "", _text(f.get("number")), int(f["year"]),
            title.get("code") or "", _text(title.get("name")), s["uuid"], kind, sname,
            vote.get("votes_for"), vote.get("votes_against"), vote.get("percent") or "",
            vote.get("passed"), "\n".join(_text(w) for w in p.get("warnings") or ()),
            received))
    return {"kind": "upward", "identity": identity,
            "rows": {"subjects": list(subjects.values()), "awards": list(awards.values()),
                     "proposals": proposals}}


# --------------------------------------------------------------------------- backups

def read_backup(path, *, report=lambda fraction: None):
    """A full backup: integrity and schema checked; an older version is migrated on a
    temporary copy (never in place); then every subject, award in force and proposal sent."""
    name = os.path.basename(path)
    with readable(path) as local:
        try:
            version = dbmod.verify_database_file(local)
        except DatabaseError as err:
            raise type(err)(f"Tệp sao lưu {name}: {err}".replace(local, path)) from None
        digest = _sha256(local)
        report(0.1)
        folder = tempfile.mkdtemp(prefix="tdkt-tinh-")
        try:
            copy = os.path.join(folder, "ban-sao.sqlite3")
            if _missing_steps(local, version):
                shutil.copyfile(local, copy)
                _migrate_copy(copy, version, name)
                report(0.6)
                source = copy
            else:
                source = local
            database = peewee.SqliteDatabase(f"file:{source}?mode=ro", uri=True)
            try:
                database.connect()
                result = backup_rows(database, file_name=name, sha256=digest,
                                     mtime=os.path.getmtime(path))
            except sqlite3.Error as exc:
                raise DatabaseError(f"Tệp sao lưu {name} không đọc được: {exc}") from exc
            finally:
                database.close()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return result


def _missing_steps(path, version):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dbmod.migration_plan(version, dbmod.stored_steps_sqlite(conn))
    finally:
        conn.close()


def _migrate_copy(copy, version, name):
    """The program's own migrations on ``copy`` (the models point at it meanwhile)."""
    from models.entities import ALL_MODELS
    with _swap_lock:
        database = dbmod.Database(copy, pragmas={"foreign_keys": 1})
        old = dbmod.db.obj
        try:
            with database.bind_ctx(ALL_MODELS):
                database.connect()
                dbmod.db.initialize(database)
                dbmod.run_migrations(database, copy, version)
        except UserError:
            raise
        except Exception as exc:                              # noqa: BLE001
            raise DatabaseError(f"Không nâng cấp được bản sao của tệp sao lưu {name} (cấu "
                                f"trúc {version}): {exc}") from exc
        finally:
            dbmod.db.initialize(old)
            database.close()


def _rows(database, query):
    return database.execute(query).fetchall()


def _identity(database):
    values = {}
    for key, value in _rows(database, Setting.select(Setting.key, Setting.value).where(
            Setting.key.in_(["commune_code", "commune_name", "province_code",
                             "province_name"]))):
        values[key] = json.loads(value)
    root = _rows(database, Unit.select(Unit.uuid).join(UnitKind)
                 .where(Unit.parent.is_null(), UnitKind.code == "xa").order_by(Unit.id)
                 .limit(1))
    stamp = _rows(database, AuditLog.select(peewee.fn.MAX(AuditLog.at)))
    return values, root[0][0] if root else "", stamp[0][0] if stamp else None


def backup_rows(database, *, file_name="", sha256="", mtime=None):
    """Every subject, award in force and proposal sent, read from an open backup copy."""
    values, unit_uuid, stamp = _identity(database)
    when = (datetime.datetime.fromisoformat(str(stamp)[:19]) if stamp else
            datetime.datetime.fromtimestamp(mtime or 0).replace(microsecond=0))
    identity = {"commune_code": values.get("commune_code"),
                "name": values.get("commune_name") or "",
                "province_code": values.get("province_code"),
                "province_name": values.get("province_name") or "",
                "unit_uuid": unit_uuid, "source": "backup", "file_name": file_name,
                "file_sha256": sha256, "file_time": when, "file_year": None}
    kinds = dict(_rows(database, UnitKind.select(UnitKind.id, UnitKind.code)))
    units = {}
    for ident, uuid, name, parent, kind in _rows(database, Unit.select(
            Unit.id, Unit.uuid, Unit.name, Unit.parent, Unit.kind)):
        units[ident] = (uuid, name, parent, kinds.get(kind))
    subjects, keys = [], {}
    for ident, (uuid, name, parent, kind) in units.items():
        keys[(UNIT, ident)] = (uuid, name, "", kind)
        subjects.append((uuid, UNIT, name, vntext.fold(name), "", "", None,
                         units[parent][1] if parent in units else ""))
    for ident, uuid, name, gender, born, position, unit in _rows(database, Person.select(
            Person.id, Person.uuid, Person.full_name, Person.gender, Person.birth_year,
            Person.position, Person.unit)):
        u = units.get(unit)
        keys[(PERSON, ident)] = (uuid, name, position, u[3] if u else None)
        subjects.append((uuid, PERSON, name, vntext.fold(name), position, gender, born,
                         u[1] if u else ""))
    for ident, uuid, name, gender, born, village in _rows(database, Household.select(
            Household.id, Household.uuid, Household.head_name, Household.gender,
            Household.birth_year, Household.village)):
        keys[(HOUSEHOLD, ident)] = (uuid, name, "", None)
        subjects.append((uuid, HOUSEHOLD, name, vntext.fold(name), "", gender, born,
                         units[village][1] if village in units else ""))
    titles = {i: (c, n, k) for i, c, n, k in _rows(database, Title.select(
        Title.id, Title.code, Title.name, Title.kind))}
    awards = _awards(database, identity, keys, titles)
    proposals = _proposals(database, keys, titles, when)
    return {"kind": "backup", "identity": identity,
            "rows": {"subjects": subjects, "awards": awards, "proposals": proposals}}


class _Decision:
    def __init__(self, on_behalf):
        self.on_behalf = on_behalf


def _awards(database, identity, keys, titles):
    """Awards of decisions in force, with their method (models/award_method.py's rule: an
    occasion says sudden/themed, else no movement → sudden, a themed movement → themed)."""
    themed = {i for (i,) in _rows(database, Movement.select(Movement.id)
                                  .where(Movement.kind == "themed"))}
    occasions = dict(_rows(database, AwardOccasion.select(AwardOccasion.decision,
                                                          AwardOccasion.method)))
    commune = {"name": identity["name"]}
    decisions = {}
    for ident, uuid, number, date, year, period, behalf, movement in _rows(
            database, Decision.select(Decision.id, Decision.uuid, Decision.number,
                                      Decision.date, Decision.year, Decision.period_year,
                                      Decision.on_behalf, Decision.movement)
            .where(Decision.state == IN_FORCE)):
        method = (OCCASION_METHODS[occasions[ident]] if ident in occasions
                  else SUDDEN if movement is None else THEMED if movement in themed
                  else REGULAR)
        decisions[ident] = (uuid, number, _date(date), period or year,
                            issuer_of(_Decision(bool(behalf)), commune), method)
    out = []
    for uuid, decision, unit, person, household, title, name, amount in _rows(
            database, Award.select(Award.uuid, Award.decision, Award.unit, Award.person,
                                   Award.household, Award.title, Award.display_name,
                                   Award.amount).join(Decision)
            .where(Decision.state == IN_FORCE).order_by(Award.id)):
        kind, ident = ((UNIT, unit) if unit is not None else (PERSON, person)
                       if person is not None else (HOUSEHOLD, household))
        s_uuid, s_name, position, unit_kind = keys[(kind, ident)]
        d = decisions[decision]
        code, tname, tkind = titles[title]
        out.append((uuid, s_uuid, kind, name or s_name, _group(kind, position, unit_kind),
                    d[5], code, tname, tkind, d[3], d[0], d[1], d[2], d[4], amount or 0))
    return out


def _proposals(database, keys, titles, when):
    """Proposals of the files the commune has exported (sent) upward."""
    votes = {}
    for meeting, title, unit, person, household, vf, va, pct, passed in _rows(
            database, Vote.select(Vote.meeting, Candidate.title, Candidate.unit,
                                  Candidate.person, Candidate.household, Vote.votes_for,
                                  Vote.votes_against, Vote.percent, Vote.passed)
            .join(Candidate)):
        votes[(meeting, title, unit, person, household)] = (
            vf, va, vntext.format_decimal(Vote.percent.python_value(pct), 2),
            bool(passed))
    out = []
    for row in _rows(database, UpwardProposal.select(
            UpwardProposal.uuid, UpwardFile.uuid, UpwardFile.number, UpwardFile.year,
            UpwardProposal.title, UpwardProposal.unit, UpwardProposal.person,
            UpwardProposal.household, UpwardProposal.warnings, UpwardFile.meeting,
            UpwardFile.exported_at).join(UpwardFile)
            .where(UpwardFile.state == "exported").order_by(UpwardProposal.id)):
        uuid, f_uuid, number, year, title, unit, person, household, warns, meeting, at = row
        kind, ident = ((UNIT, unit) if unit is not None else (PERSON, person)
                       if person is not None else (HOUSEHOLD, household))
        s_uuid, s_name, _position, _kind = keys[(kind, ident)]
        vote = votes.get((meeting, title, unit, person, household), (None, None, "", None))
        code, tname, _tkind = titles[title]
        out.append((uuid, f_uuid, number, year, code, tname, s_uuid, kind, s_name, *vote,
                    "\n".join(json.loads(warns or "[]")),
                    datetime.datetime.fromisoformat(str(at)[:19]) if at else when))
    return out


# --------------------------------------------------------------------------- the action

def import_files(paths, *, actor, force=False, progress=None):
    """Read and merge each file in turn (each in its own transaction); returns one result
    per file. The first file that cannot be read or merged stops the run with its error;
    files merged before it stay merged."""
    out = []
    total = len(paths)
    for i, path in enumerate(paths):
        def read(fraction, i=i):           # reading: the first half of a file's share
            return True if progress is None else progress(
                i * 1000 + int(500 * fraction), total * 1000)

        def step(done, all_rows, i=i):      # writing: the second half
            if progress is None:
                return True
            return progress(i * 1000 + 500 + int(500 * done / max(all_rows, 1)), total * 1000)
        parsed = read_commune_file(path, progress=read)
        result = province.import_commune(actor=actor, identity=parsed["identity"],
                                         rows=parsed["rows"], force=force, progress=step)
        out.append({**result, "path": path, "kind": parsed["kind"]})
    return out
