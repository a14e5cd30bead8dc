"""The province merges its communes: rules of an import and the writer of a commune's rows.

A commune file (an upward file or a full backup, read by ``reports/province_files.py``)
arrives here as its identity (commune and province codes, when the file was made) and plain
row tuples. ``import_commune`` applies the rules — the file's province must be this
database's, an older file than the one already received is refused unless forced — and
``merge_rows`` writes: the commune's previous rows are deleted and the new ones inserted in
ONE transaction, so a re-import replaces, never duplicates, and a failure leaves the
previous rows as they were. Rows are keyed by the UUID the commune gave them; a UUID that
another commune already holds is refused, naming that commune.

Writing is the engine's fastest path: PostgreSQL ``COPY`` (psycopg2 ``copy_expert`` on the
transaction's own connection), SQLite one prepared ``executemany`` (models/bulk.py).
"""
import csv
import datetime
import io
import sqlite3

import peewee

from . import bulk, settings, vntext
from .db import db, is_server
from .entities import ProvAward, ProvAwardCount, ProvCommune, ProvProposal, ProvSubject, now
from .errors import ConflictError, UserError, ValidationError
from .service import audit, service

SOURCES = {"upward": "Hồ sơ đề nghị", "backup": "Bản sao lưu"}
# column order of the row tuples a reader produces (the commune id is put first on writing)
SUBJECT_FIELDS = ("uuid", "kind", "name", "name_key", "position", "gender", "birth_year",
                  "unit_name")
AWARD_FIELDS = ("uuid", "subject_uuid", "kind", "name", "stat_group", "method", "title_code",
                "title_name", "title_kind", "year", "decision_uuid", "decision_number",
                "decision_date", "issuer", "amount")
PROPOSAL_FIELDS = ("uuid", "file_uuid", "file_number", "year", "title_code", "title_name",
                   "subject_uuid", "subject_kind", "subject_name", "votes_for",
                   "votes_against", "vote_percent", "passed", "warnings", "received_at")
TABLES = (("subjects", ProvSubject, SUBJECT_FIELDS), ("awards", ProvAward, AWARD_FIELDS),
          ("proposals", ProvProposal, PROPOSAL_FIELDS))
BATCH = 5000


class OlderFile(ConflictError):
    """The file is older than the one already received from that commune (``force`` takes it)."""


def _when(value):
    return value.strftime("%H:%M ngày %d/%m/%Y") if value else "(không rõ)"


def own_province():
    """(code, name) of the province this database gathers, or (None, "") before the first."""
    return settings.get("province_code"), settings.get("province_name") or ""


def check_identity(identity, where):
    """The commune identity a file must carry before anything is merged."""
    name = identity.get("name") or "(chưa đặt tên xã)"
    if not identity.get("commune_code"):
        raise ValidationError(
            f"Tệp {where} của {name} không có mã xã: xã cần khai báo tỉnh và xã (trong Cài "
            "đặt hoặc lúc cài đặt chương trình) rồi xuất lại tệp.")
    if not identity.get("province_code"):
        raise ValidationError(
            f"Tệp {where} của {name} không có mã tỉnh: xã cần khai báo tỉnh trong Cài đặt "
            "rồi xuất lại tệp.")
    if not isinstance(identity.get("file_time"), datetime.datetime):
        raise ValidationError(f"Tệp {where} không ghi thời điểm lập; không so được với tệp "
                              "đã nhận. Hãy đề nghị xã xuất lại.")


@service("clerk")
def import_commune(*, actor, identity, rows, force=False, progress=None):
    """Merge one commune's file (``identity`` and ``rows`` from a reader) into this province
    database, in one transaction. Returns {"commune", "replaced", "counts", ...}."""
    where = identity.get("file_name") or "đã chọn"
    check_identity(identity, where)
    code, pname = own_province()
    if code in (None, ""):       # the first file received names the province
        new = {"province_code": identity["province_code"],
               "province_name": identity.get("province_name") or ""}
        for key, value in new.items():          # part of the import: a clerk's right too
            settings._store(key, value)
        audit(actor, "province_set", "setting", new=new,
              reason=f"Tỉnh của tệp xã gửi nhận đầu tiên ({where})")
    elif str(code) != str(identity["province_code"]):
        raise ConflictError(
            f"Tệp của {identity.get('name') or 'xã'} ({where}) thuộc "
            f"{identity.get('province_name') or 'tỉnh mã ' + str(identity['province_code'])}, "
            f"không phải {pname or 'tỉnh mã ' + str(code)} của cơ sở dữ liệu này. Hãy gửi tệp "
            "này cho tỉnh của xã đó.")
    old = ProvCommune.get_or_none(ProvCommune.commune_code == str(identity["commune_code"]))
    # an upward file adds to a commune whose full backup is here (merge_upward): nothing of
    # the backup is lost, so its date does not matter
    adding = old is not None and identity["source"] == "upward" and old.source == "backup"
    if old is not None and not adding and old.file_time > identity["file_time"] and not force:
        raise OlderFile(
            f"Tệp {where} của {identity.get('name')} lập lúc {_when(identity['file_time'])}, "
            f"cũ hơn tệp đã nhận ({old.file_name}, lập lúc {_when(old.file_time)}). Không nhận "
            "để khỏi ghi đè số liệu mới bằng số liệu cũ; nếu thật sự muốn thay, chọn 'Vẫn "
            "nhận tệp cũ' (dòng lệnh: --force).")
    before = None if old is None else {
        "file_name": old.file_name, "file_time": old.file_time, "file_sha256": old.file_sha256,
        "subjects": old.subjects, "awards": old.awards, "proposals": old.proposals}
    if adding:
        result = merge_upward(db.obj, old, rows, progress=progress)
    else:
        result = merge_rows(db.obj, identity, rows, actor=actor, progress=progress)
    commune = result["commune"]
    audit(actor, "province_import", commune, old=before, new={
        "file_name": commune.file_name, "source": commune.source,
        "file_time": commune.file_time, "file_sha256": commune.file_sha256,
        **result["counts"]}, reason="Vẫn nhận tệp cũ hơn" if force and before else
        "Thêm hồ sơ đề nghị vào số liệu của bản sao lưu" if adding else None)
    return {**result, "replaced": old is not None and not adding, "added": adding}


def result_verb(result):
    """How an import's outcome is told (GUI and batch alike)."""
    if result.get("added"):
        return "Đã thêm hồ sơ đề nghị vào số liệu của"
    return "Đã thay số liệu của" if result.get("replaced") else "Đã nhận"


def merge_upward(database, commune, rows, *, progress=None):
    """An upward file of a commune whose full backup is already merged: the backup's rows
    stay (they are fuller: every award, with its method); the file's proposals replace
    those of the same file (by file UUID), and subjects or awards the backup lacks (made
    after it) are added. One transaction. Returns {"commune", "counts"} (the file's)."""
    counts = {key: len(rows.get(key) or ()) for key, _model, _fields in TABLES}
    proposals = rows.get("proposals") or ()
    files = sorted({p[PROPOSAL_FIELDS.index("file_uuid")] for p in proposals})
    write = _copy_rows if is_server(database) else _insert_rows
    try:
        with database.atomic():
            for start in range(0, len(files), 500):
                ProvProposal.delete().where(
                    (ProvProposal.commune == commune.id)
                    & ProvProposal.file_uuid.in_(files[start:start + 500])).execute()
            for key, model, fields in TABLES:
                new = list(rows.get(key) or ())
                if key != "proposals":
                    have = set()
                    for start in range(0, len(new), 500):
                        have |= {u for (u,) in model.select(model.uuid).where(
                            (model.commune == commune.id)
                            & model.uuid.in_([r[0] for r in new[start:start + 500]])).tuples()}
                    new = [r for r in new if r[0] not in have]
                write(database, model, fields, commune.id, new, lambda n: None)
            _recount(commune)
    except (peewee.IntegrityError, sqlite3.IntegrityError) as exc:
        raise _conflict(exc, {"name": commune.name, "commune_code": commune.commune_code},
                        rows) from exc
    if progress is not None:
        progress(1, 1)
    return {"commune": ProvCommune.get_by_id(commune.id), "counts": counts}


def _recount(commune):
    """The commune's row counts and its prov_award_count rows, from what it now holds."""
    from peewee import fn
    a = ProvAward
    ProvAwardCount.delete().where(ProvAwardCount.commune == commune.id).execute()
    grouped = (a.select(a.commune, a.year, a.stat_group, a.method, a.title_name, a.title_kind,
                        fn.COUNT(a.id), fn.COALESCE(fn.SUM(a.amount), 0))
               .where(a.commune == commune.id)
               .group_by(a.commune, a.year, a.stat_group, a.method, a.title_name, a.title_kind))
    ProvAwardCount.insert_from(grouped, [
        ProvAwardCount.commune, ProvAwardCount.year, ProvAwardCount.stat_group,
        ProvAwardCount.method, ProvAwardCount.title_name, ProvAwardCount.title_kind,
        ProvAwardCount.awards, ProvAwardCount.amount]).execute()
    ProvCommune.update(
        subjects=ProvSubject.select().where(ProvSubject.commune == commune.id).count(),
        awards=ProvAward.select().where(ProvAward.commune == commune.id).count(),
        proposals=ProvProposal.select().where(ProvProposal.commune == commune.id).count(),
    ).where(ProvCommune.id == commune.id).execute()


def merge_rows(database, identity, rows, *, actor=None, progress=None):
    """Write one commune: its ``prov_commune`` row and ``rows`` ({"subjects", "awards",
    "proposals"}: tuples in the ``*_FIELDS`` order), replacing whatever the commune had,
    in ONE transaction (the caller's, or its own). The writing alone: no rule is checked
    here, so a benchmark can time it. Returns {"commune", "counts"}."""
    counts = {key: len(rows.get(key) or ()) for key, _model, _fields in TABLES}
    total = sum(counts.values()) or 1
    done = [0]

    def step(n):
        done[0] += n
        if progress is not None and progress(done[0], total) is False:
            from .errors import Cancelled
            raise Cancelled()

    try:
        with database.atomic():
            commune = _write(database, identity, rows, counts, actor, step)
    except (peewee.IntegrityError, sqlite3.IntegrityError) as exc:   # rolled back (a savepoint inside a caller's)
        raise _conflict(exc, identity, rows) from exc
    return {"commune": commune, "counts": counts}


def _write(database, identity, rows, counts, actor, step):
    """The commune row, its old rows deleted, the new ones written."""
    commune = ProvCommune.get_or_none(
        ProvCommune.commune_code == str(identity["commune_code"]))
    values = {
        "name": identity.get("name") or "", "province_code": str(identity["province_code"]),
        "province_name": identity.get("province_name") or "",
        "unit_uuid": identity.get("unit_uuid") or "", "source": identity["source"],
        "file_name": identity.get("file_name") or "",
        "file_sha256": identity.get("file_sha256") or "",
        "file_time": identity["file_time"], "file_year": identity.get("file_year"),
        "imported_at": now(), "imported_by": actor.username if actor else "",
        **counts}
    if commune is None:
        commune = ProvCommune.create(commune_code=str(identity["commune_code"]), **values)
    else:
        for model in (ProvAwardCount, ProvProposal, ProvAward, ProvSubject):
            model.delete().where(model.commune == commune.id).execute()
        ProvCommune.update(**values).where(ProvCommune.id == commune.id).execute()
        commune = ProvCommune.get_by_id(commune.id)
    write = _copy_rows if is_server(database) else _insert_rows
    for key, model, fields in TABLES:
        write(database, model, fields, commune.id, rows.get(key) or (), step)
    write(database, ProvAwardCount, COUNT_FIELDS, commune.id,
          award_counts(rows.get("awards") or ()), lambda n: None)
    return commune


COUNT_FIELDS = ("year", "stat_group", "method", "title_name", "title_kind", "awards", "amount")
_AWARD_INDEX = {f: AWARD_FIELDS.index(f) for f in ("year", "stat_group", "method",
                                                   "title_name", "title_kind", "amount")}


def award_counts(awards):
    """The ``prov_award_count`` rows of a commune's award tuples: (year, group, method,
    title name, title kind, awards, amount) — what the province statistics read."""
    i = _AWARD_INDEX
    out = {}
    for a in awards:
        key = (a[i["year"]], a[i["stat_group"]], a[i["method"]], a[i["title_name"]],
               a[i["title_kind"]])
        n, money = out.get(key, (0, 0))
        out[key] = (n + 1, money + (a[i["amount"]] or 0))
    return [(*key, n, money) for key, (n, money) in out.items()]


# --------------------------------------------------------------------------- writers

def _insert_rows(database, model, fields, commune_id, rows, step):
    columns = [model._meta.fields["commune"]] + [model._meta.fields[f] for f in fields]
    sql = bulk.insert_sql(model, columns)
    cursor = database.cursor()
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        cursor.executemany(sql, [(commune_id, *map(_sqlite_value, r)) for r in chunk])
        step(len(chunk))


def _sqlite_value(value):
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _copy_rows(database, model, fields, commune_id, rows, step):
    """COPY ``rows`` into the table, inside the open transaction (rolled back with it).

    CSV written by the csv module (C speed): an unquoted empty field is NULL, so the text
    columns (never NULL here) are FORCE_NOT_NULL and read it as ''."""
    if not rows:
        return
    names = [model._meta.fields[f].column_name for f in ("commune", *fields)]
    text = [model._meta.fields[f].column_name for f in fields
            if isinstance(model._meta.fields[f], (peewee.CharField, peewee.TextField))]
    sql = (f'COPY "{model._meta.table_name}" ({", ".join(chr(34) + n + chr(34) for n in names)})'
           f' FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ('
           f'{", ".join(chr(34) + n + chr(34) for n in text)}))')
    cursor = database.cursor()
    for start in range(0, len(rows), BATCH * 4):
        chunk = rows[start:start + BATCH * 4]
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows((commune_id, *r) for r in chunk)
        buf.seek(0)
        try:
            cursor.copy_expert(sql, buf)
        except Exception as exc:                              # noqa: BLE001
            if getattr(exc, "pgcode", None) == "23505":       # unique violation
                raise peewee.IntegrityError(str(exc)) from exc
            err = database._wrap(_raise, exc)
            raise err from exc
        step(len(chunk))


def _raise(exc):
    raise exc


def _conflict(exc, identity, rows):
    """A UserError naming the commune that already holds one of the file's UUIDs."""
    name = identity.get("name") or "xã"
    for key, _model, _fields in TABLES:
        seen = set()
        for r in rows.get(key) or ():
            if r[0] in seen:
                return ValidationError(
                    f"Tệp của {name} có hai bản ghi cùng mã {r[0]}; tệp hỏng hoặc bị sửa. "
                    "Hãy đề nghị xã xuất lại.")
            seen.add(r[0])
    code = str(identity["commune_code"])
    clash = {}
    for key, _model, _fields in TABLES:
        for uuid, (other, other_code) in owner_of(r[0] for r in rows.get(key) or ()).items():
            if other_code != code:
                clash.setdefault(other, uuid)
    if clash:
        other, uuid = next(iter(clash.items()))
        return ConflictError(
            f"Tệp của {name} có bản ghi trùng mã (UUID {uuid}) với dữ liệu đã nhận của "
            f"{other}. Có thể dữ liệu của xã này được chép từ dữ liệu của {other}; hãy kiểm "
            "tra lại với hai xã trước khi nhận. Chưa nhận gì từ tệp này.")
    return UserError(f"Tệp của {name} có dữ liệu không ghi được ({str(exc)[:200]}); chưa "
                     "nhận gì từ tệp này. Hãy đề nghị xã xuất lại.")


def owner_of(uuids):
    """{uuid: (commune name, commune code)} for those of ``uuids`` already merged."""
    out = {}
    uuids = list(uuids)
    for _key, model, _fields in TABLES:
        for start in range(0, len(uuids), 500):
            query = (model.select(model.uuid, ProvCommune.name, ProvCommune.commune_code)
                     .join(ProvCommune).where(model.uuid.in_(uuids[start:start + 500]))
                     .tuples())
            out.update({u: (n, c) for u, n, c in query})
    return out


def fold_name(text):
    return vntext.fold(text or "")
