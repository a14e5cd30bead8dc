"""The province merges its communes (issue 20): files made by the real export and backup of two
demo communes, imported on both engines; tampered, older, foreign and broken files refused."""
import datetime
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter

import pytest

from models import db as dbmod
from models import province, province_query, settings, vntext
from models.entities import AuditLog, ProvAward, ProvCommune, ProvProposal, ProvSubject
from models.errors import ConflictError, UserError
from reports import province_files
from reports.upward_export import ManifestMismatch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
YEAR = 2025
COMMUNES = (("Xã Tân Lập", 18070, 2026), ("Xã Kỳ Sơn", 18073, 77))
PROVINCE = ("Tỉnh Hà Tĩnh", 42)


def _make_commune(folder, name, code, seed):
    """A demo commune with its official codes; its upward file (ZIP and folder) of YEAR and
    a full backup, all made by the program's own export and backup; expected figures."""
    from models import accounts, demo, statistics_forms, upward
    from reports import backup, upward_export
    path = os.path.join(folder, f"xa-{code}.sqlite3")
    dbmod.open_database(path)
    try:
        actor = accounts.batch_actor()
        settings.save_initial_settings(actor=actor, values={
            "commune_name": name, "commune_code": code, "province_name": PROVINCE[0],
            "province_code": PROVINCE[1], "place_name": name[3:], "chairman": "Nguyễn Văn A"})
        demo.load_demo(size="small", actor=actor, seed=seed, this_year=YEAR + 1)
        upfile = upward.file_for_year(actor=actor, year=YEAR)
        out = os.path.join(folder, str(code))
        os.makedirs(out)
        zipped = upward_export.export(upward_file=upfile, dest_dir=out, as_zip=True,
                                      name="ho-so", actor=actor)["path"]
        plain = upward_export.export(upward_file=upfile, dest_dir=out, name="ho-so",
                                     actor=actor)["path"]
        bak = backup.backup_to(os.path.join(out, "sao-luu.sqlite3"))
        form = statistics_forms.award_form(YEAR)
        expected = {c: form.value(c) for c in ("01", "02", "04", "05", "11", "12", "13")}
        return {"name": name, "code": str(code), "zip": zipped, "dir": plain, "backup": bak,
                "expected": expected}
    finally:
        dbmod.close_database()


@pytest.fixture(scope="module")
def communes(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("xa"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TDKT_DATA_DIR", os.path.join(folder, "data"))
        return [_make_commune(folder, *c) for c in COMMUNES]


def _import(path, clerk, **kw):
    return province_files.import_files([path], actor=clerk, **kw)[0]


def _counts():
    return (ProvSubject.select().count(), ProvAward.select().count(),
            ProvProposal.select().count())


def test_two_communes_merged_by_uuid_with_lookups_and_statistics(communes, database, clerk):
    a, b = communes
    first = _import(a["backup"], clerk)
    second = _import(b["backup"], clerk)
    assert not first["replaced"] and not second["replaced"]
    assert settings.get("province_code") == PROVINCE[1]      # taken from the first file
    rows = province_query.communes()
    assert [(r["name"], r["commune_code"], r["source"]) for r in rows] == [
        ("Xã Kỳ Sơn", "18073", "backup"), ("Xã Tân Lập", "18070", "backup")]
    assert _counts()[1] == first["counts"]["awards"] + second["counts"]["awards"] > 500
    assert ProvAward.select(ProvAward.uuid).distinct().count() == _counts()[1]
    # each commune's form is its own biểu 0603.N; the province's is their sum
    stats = province_query.statistics(YEAR)
    forms = dict(stats["communes"])
    for c in (a, b):
        assert {k: forms[c["name"]].value(k) for k in c["expected"]} == c["expected"]
    for code in ("01", "02", "04", "05", "11", "12", "13"):
        assert stats["total"].value(code) == a["expected"][code] + b["expected"][code]
    # a person found accent-insensitively, with titles and the commune
    someone = ProvSubject.get((ProvSubject.kind == "person")
                              & (ProvSubject.commune == second["commune"].id)
                              & ProvSubject.uuid.in_(ProvAward.select(ProvAward.subject_uuid)))
    found = province_query.lookup(someone.name_key.upper(), birth_year=someone.birth_year)
    me = [r for r in found if r["uuid"] == someone.uuid]
    assert me and me[0]["commune"] == "Xã Kỳ Sơn" and me[0]["awards"]
    assert province_query.lookup(someone.name, birth_year=1800) == []
    received = province_query.proposals(year=YEAR)
    assert {r["commune"] for r in received} == {"Xã Tân Lập", "Xã Kỳ Sơn"}
    assert province_query.proposals(commune="18073") == [r for r in received
                                                          if r["commune"] == "Xã Kỳ Sơn"]
    assert AuditLog.select().where(AuditLog.action == "province_import").count() == 2


def _first_by_name(text, limit, *, birth_year=None, kind=None):
    """What the look-up must find, worked out from every row in Python: the first ``limit``
    subjects in (folded name, id) order whose folded name contains ``text``."""
    key = vntext.fold(text)
    rows = sorted((s.name_key, s.id, s.uuid) for s in ProvSubject.select()
                  if key in s.name_key and birth_year in (None, s.birth_year)
                  and kind in (None, s.kind))
    return {uuid for _key, _id, uuid in rows[:limit]}


def test_lookup_shows_the_same_people_in_order_whichever_way_the_server_reads(
        communes, database, clerk, monkeypatch):
    """The look-up first tests the first rows of the name order (``WALK`` of them), else
    takes the trigram index's matches and sorts only them (province_query._first_matches).
    Either way the clerk sees the first ``limit`` names containing the text, people and
    households in Vietnamese name order, then collectives in theirs."""
    for c in communes:
        _import(c["backup"], clerk)
    people = [s for s in ProvSubject.select() if s.kind != "unit"]
    common = Counter(w for s in people for w in s.name_key.split()).most_common(1)[0][0]
    names = Counter(s.name_key for s in people)
    rare = next(s for s in people if names[s.name_key] == 1 and s.birth_year)
    born = next(s.birth_year for s in people if common in s.name_key and s.birth_year)
    shared = next(w for u in ProvSubject.select().where(ProvSubject.kind == "unit")
                  for w in u.name_key.split() if len(w) > 1
                  and any(w in s.name_key for s in people))      # in a unit's and a name
    limit = 7
    cases = [(common, {}), (rare.name.upper(), {}), (common, {"birth_year": born}),
             ("zzqx", {}), (common[:2], {}), (shared, {}), (common, {"kind": "household"}),
             (shared, {"kind": "unit"}), (common[:2], {"kind": "unit"}), ("%", {})]
    for text, kw in cases:
        seen = {}
        for walk in (3, 20_000):           # matches from the index / from the walk
            monkeypatch.setattr(province_query, "WALK", walk)
            found = province_query.lookup(text, limit=limit, **kw)
            seen[walk] = [(r["name"], r["kind"], r["commune"], r["uuid"]) for r in found]
        assert seen[3] == seen[20_000], (text, kw)
        assert {r[3] for r in seen[3]} == _first_by_name(text, limit, **kw), (text, kw)
        kinds = [r[1] == "unit" for r in seen[3]]
        assert kinds == sorted(kinds), (text, kw)          # people first, then collectives
        keys = [(is_unit, vntext.text_sort_key(name) if is_unit
                 else vntext.name_sort_key(name), commune)
                for (name, _k, commune, _u), is_unit in zip(seen[3], kinds)]
        assert keys == sorted(keys), (text, kw)
    assert len(province_query.lookup(common)) == province_query.LOOKUP_LIMIT
    assert [r["uuid"] for r in province_query.lookup(rare.name_key, birth_year=rare.birth_year)
            ] == [rare.uuid]
    mixed = {r["kind"] for r in province_query.lookup(shared)}
    assert "unit" in mixed and mixed - {"unit"}


def test_reimport_replaces_never_duplicates(communes, database, clerk):
    a = communes[0]
    first = _import(a["zip"], clerk)
    after_zip = _counts()
    again = _import(a["dir"], clerk)          # the same file as a folder: same rows again
    assert again["replaced"] and _counts() == after_zip
    assert after_zip == (first["counts"]["subjects"], first["counts"]["awards"],
                         first["counts"]["proposals"])
    full = _import(a["backup"], clerk)        # newer: the backup replaces the upward file
    assert full["replaced"] and ProvCommune.select().count() == 1
    assert _counts() == tuple(full["counts"][k] for k in ("subjects", "awards", "proposals"))
    assert ProvCommune.get().source == "backup"
    assert ProvSubject.select(ProvSubject.uuid).distinct().count() == _counts()[0]


def test_older_file_refused_with_both_dates_unless_forced(communes, database, clerk):
    a = communes[0]
    _import(a["zip"], clerk)
    # the province already holds a file of this commune made later than the backup
    ProvCommune.update(file_time=datetime.datetime(2099, 1, 1, 8, 0)).execute()
    before = _counts()
    with pytest.raises(ConflictError) as err:
        _import(a["backup"], clerk)
    text = str(err.value)
    assert "cũ hơn" in text and text.count(" ngày ") >= 2 and "ho-so" in text
    assert "01/01/2099" in text
    assert _counts() == before
    forced = _import(a["backup"], clerk, force=True)
    assert forced["replaced"] and _counts()[1] == forced["counts"]["awards"]
    assert ProvCommune.get().source == "backup"


def test_upward_file_adds_to_a_backup_never_shrinks_it(communes, database, clerk):
    """The province holds a commune's full backup; the commune's upward file arriving after
    it (or made before it) must not replace every award by the few proposed subjects': the
    backup's rows stay, the file's proposals replace those of the same file, and the
    statistics do not change."""
    a = communes[0]
    full = _import(a["backup"], clerk)
    before = _counts()
    stats_before = province_query.statistics(YEAR)["total"]
    ProvProposal.delete().execute()            # as if the backup predated the export
    added = _import(a["zip"], clerk)
    assert added["added"] and not added["replaced"]
    assert province.result_verb(added).startswith("Đã thêm hồ sơ đề nghị")
    assert _counts() == before == tuple(full["counts"][k]
                                        for k in ("subjects", "awards", "proposals"))
    assert ProvCommune.get().source == "backup"
    assert ProvCommune.get().proposals == before[2] > 0
    after = province_query.statistics(YEAR)["total"]
    for code in ("01", "02", "04", "05", "11", "12", "13"):
        assert after.value(code) == stats_before.value(code) == a["expected"][code]
    again = _import(a["dir"], clerk)           # the same file again: nothing doubles
    assert again["added"] and _counts() == before
    assert ProvProposal.select(ProvProposal.uuid).distinct().count() == before[2]
    assert AuditLog.select().where(AuditLog.action == "province_import").count() == 3


def test_file_of_another_province_refused(communes, database, leader, clerk):
    settings.update_settings(actor=leader, values={"province_code": 40,
                                                   "province_name": "Tỉnh Nghệ An"})
    with pytest.raises(ConflictError, match="thuộc Tỉnh Hà Tĩnh, không phải Tỉnh Nghệ An"):
        _import(communes[0]["backup"], clerk)
    assert _counts() == (0, 0, 0) and ProvCommune.select().count() == 0


def test_zip_rezipped_by_info_zip_accepted_and_tampered_refused(communes, database, clerk,
                                                                tmp_path):
    work = tmp_path / "unz"
    subprocess.run(["unzip", "-q", communes[0]["zip"], "-d", str(work)], check=True)
    good = tmp_path / "lai.zip"
    subprocess.run(["zip", "-q", "-r", str(good), "ho-so"], cwd=work, check=True)
    assert _import(str(good), clerk)["counts"]["proposals"] >= 1
    data = work / "ho-so" / "du-lieu.json"
    data.write_text(data.read_text(encoding="utf-8").replace('"year": 2025', '"year": 2024', 1),
                    encoding="utf-8")
    bad = tmp_path / "sua.zip"
    subprocess.run(["zip", "-q", "-r", str(bad), "ho-so"], cwd=work, check=True)
    before = _counts()
    with pytest.raises(ManifestMismatch, match="du-lieu.json"):
        _import(str(bad), clerk, force=True)
    assert _counts() == before
    (tmp_path / "rac.txt").write_text("không phải tệp của xã", encoding="utf-8")
    with pytest.raises(UserError, match="rac.txt không phải hồ sơ đề nghị"):
        _import(str(tmp_path / "rac.txt"), clerk)


def _older_schema_copy(src, dest):
    """The backup as version 9 of the program left it (before public lists, upward files,
    Word templates and the province tables)."""
    shutil.copyfile(src, dest)
    conn = sqlite3.connect(dest)
    for table in ("prov_proposal", "prov_award", "prov_subject", "prov_commune",
                  "doc_template", "upward_proposal", "upward_file", "public_comment",
                  "public_posting"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("PRAGMA user_version=9")
    conn.commit()
    conn.close()


def test_backup_of_an_older_version_migrated_on_a_copy(communes, database, clerk, tmp_path):
    old = str(tmp_path / "cu.sqlite3")
    _older_schema_copy(communes[1]["backup"], old)
    digest = hashlib.sha256(open(old, "rb").read()).hexdigest()
    result = _import(old, clerk)
    assert hashlib.sha256(open(old, "rb").read()).hexdigest() == digest   # never in place
    assert result["counts"]["awards"] == ProvAward.select().count() > 100
    assert result["counts"]["proposals"] == 0          # version 9 had no upward files
    stats = province_query.statistics(YEAR)
    assert stats["total"].value("01") == communes[1]["expected"]["01"]
    assert dbmod.current_path() != old


def test_a_bad_row_in_the_middle_rolls_everything_back(communes, database, clerk):
    a, b = communes
    _import(a["backup"], clerk)
    before = _counts()
    parsed = province_files.read_commune_file(b["backup"])
    awards = parsed["rows"]["awards"]
    middle = len(awards) // 2
    awards[middle] = awards[middle][:9] + (None,) + awards[middle][10:]   # year NOT NULL
    with pytest.raises(Exception):
        province.import_commune(actor=clerk, identity=parsed["identity"],
                                rows=parsed["rows"])
    assert _counts() == before and ProvCommune.select().count() == 1
    # a re-import of A that fails keeps A's earlier rows (the delete is rolled back too)
    again = province_files.read_commune_file(a["backup"])
    again["identity"]["file_time"] += datetime.timedelta(days=1)
    rows = again["rows"]["subjects"]
    rows[len(rows) // 2] = (rows[0][0],) + rows[len(rows) // 2][1:]     # the same UUID twice
    with pytest.raises(UserError, match="hai bản ghi cùng mã"):
        province.import_commune(actor=clerk, identity=again["identity"], rows=again["rows"])
    assert _counts() == before


def test_uuid_held_by_another_commune_names_it(communes, database, clerk):
    a, b = communes
    _import(a["backup"], clerk)
    before = _counts()
    parsed = province_files.read_commune_file(b["backup"])
    taken = ProvAward.select().first().uuid
    awards = parsed["rows"]["awards"]
    awards[5] = (taken,) + awards[5][1:]
    with pytest.raises(ConflictError, match="Xã Tân Lập"):
        province.import_commune(actor=clerk, identity=parsed["identity"],
                                rows=parsed["rows"])
    assert _counts() == before


def test_statistics_workbook(communes, database, clerk, tmp_path):
    from openpyxl import load_workbook
    from reports import province_xlsx
    for c in communes:
        _import(c["backup"], clerk)
    path = tmp_path / "thong-ke.xlsx"
    province_xlsx.write_statistics(str(path), year=YEAR)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Theo xã", "Toàn tỉnh", "Xã Kỳ Sơn", "Xã Tân Lập"]
    ws = wb["Theo xã"]
    lines = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[1]]
    assert [r[1] for r in lines] == ["Xã Kỳ Sơn", "Xã Tân Lập", "Toàn tỉnh"]
    assert lines[-1][2] == sum(c["expected"]["01"] for c in communes)
    with pytest.raises(UserError, match=".xlsx"):
        province_xlsx.write_statistics(str(tmp_path / "x.pdf"), year=YEAR)


def test_batch_commands(communes, tmp_path):
    import json
    db_file = str(tmp_path / "tinh.sqlite3")
    env = dict(os.environ, PYTHONIOENCODING="utf-8")

    def run(*args):
        return subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), "--db", db_file,
                               "province", *args], capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=300)
    done = run("import", communes[0]["backup"], communes[1]["zip"])
    assert done.returncode == 0, done.stderr
    assert "Đã nhận Xã Tân Lập (18070)" in done.stdout
    rows = json.loads(run("communes", "--json").stdout)
    assert [r["commune_code"] for r in rows] == ["18073", "18070"]
    proposals = json.loads(run("proposals", "--year", str(YEAR), "--json").stdout)
    assert {p["commune"] for p in proposals} == {"Xã Tân Lập", "Xã Kỳ Sơn"}
    name = proposals[0]["name"]
    found = json.loads(run("lookup", name.lower(), "--json").stdout)
    assert any(f["name"] == name for f in found)
    out = tmp_path / "tk.xlsx"
    stats = run("statistics", "--year", str(YEAR), "--out", str(out))
    assert stats.returncode == 0 and out.exists() and "Toàn tỉnh năm 2025" in stats.stdout
    missing = run("import", str(tmp_path / "khong-co.zip"))
    assert missing.returncode == 1 and "khong-co.zip" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_progress_goes_to_the_end_and_a_cancel_merges_nothing(communes, database, clerk):
    from models.errors import Cancelled
    a, b = communes
    seen = []
    province_files.import_files([a["backup"]], actor=clerk,
                                progress=lambda done, total: seen.append((done, total)) or True)
    assert seen == sorted(seen) and seen[0][0] < 500 and seen[-1] == (1000, 1000)
    before = _counts()
    with pytest.raises(Cancelled):         # the clerk cancels while the rows are written
        province_files.import_files([b["backup"]], actor=clerk,
                                    progress=lambda done, total: done <= 600)
    assert _counts() == before and ProvCommune.select().count() == 1


KILLED_IMPORT = """
import os, signal, sys
sys.path.insert(0, {root!r})
os.environ["TDKT_DATA_DIR"] = {data!r}
from models import db
from models.entities import User
from reports import province_files
db.open_database({target!r})

def progress(done, total):
    if done > 700:                       # in the middle of writing the awards
        os.kill(os.getpid(), signal.SIGKILL)
    return True

province_files.import_files([{path!r}], actor=User.get(User.username == "canbo"),
                            progress=progress)
"""


def test_a_process_killed_while_writing_leaves_nothing(communes, database, clerk, tmp_path):
    a, b = communes
    _import(a["backup"], clerk)
    before = _counts()
    script = KILLED_IMPORT.format(root=ROOT, data=str(tmp_path), target=dbmod.current_path(),
                                  path=b["backup"])
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == -9, done.stderr
    dbmod.close_database()                 # a fresh look at what the killed process left
    dbmod.open_database(dbmod_target(database))
    assert _counts() == before and ProvCommune.select().count() == 1


def dbmod_target(database):
    return database.url if dbmod.is_server(database) else database.database
