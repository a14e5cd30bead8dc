"""The schema reference is read from the data folder's cache only when the same code built
it; anything else (another step, a damaged file) builds it again from the migrations."""
import json
import os

from models import db as dbmod
from models import migrations, paths, reference_cache, schema_check


def _steps():
    return tuple(sorted((n, fn) for n, fn in migrations.STEPS.items()
                        if n <= dbmod.SCHEMA_VERSION))


def _cache_file():
    return os.path.join(paths.data_dir(), reference_cache.FILE_NAME)


def test_cached_reference_is_exactly_the_built_one(data_dir):
    steps = _steps()
    built = schema_check._build(steps)
    reference_cache.save(steps, built)
    loaded = reference_cache.load(steps)
    assert loaded == built                         # tuples where describe() has tuples


def test_another_step_or_a_damaged_file_builds_again(data_dir):
    steps = _steps()
    reference_cache.save(steps, schema_check._build(steps))

    def step_other(database):            # a different step 1: another key
        return None
    changed = ((1, step_other),) + steps[1:]
    assert reference_cache.key_for(changed) != reference_cache.key_for(steps)
    assert reference_cache.load(changed) is None
    with open(_cache_file(), "w", encoding="utf-8") as fh:
        fh.write('{"key": "')                      # cut short
    assert reference_cache.load(steps) is None
    with open(_cache_file(), "w", encoding="utf-8") as fh:
        json.dump({"key": reference_cache.key_for(steps), "reference": {"unit": 5}}, fh)
    assert reference_cache.load(steps) is None


def test_a_planted_object_is_refused_with_the_cached_reference(database, data_dir,
                                                               monkeypatch):
    steps = _steps()
    reference_cache.save(steps, schema_check._build(steps))
    monkeypatch.setattr(schema_check, "_cache", {})  # the next check reads the file …
    monkeypatch.setattr(schema_check, "_build", None)  # … and builds nothing
    conn = dbmod.db.connection()
    assert schema_check.schema_problems(conn) == []
    conn.execute("CREATE TRIGGER planted AFTER INSERT ON unit BEGIN SELECT 1; END")
    assert any("planted" in p for p in schema_check.schema_problems(conn))


def test_a_changed_table_module_changes_the_key(tmp_path):
    """The tables live in models/tables/: a column changed there must not reuse the cache."""
    import shutil
    copy = tmp_path / "models"
    shutil.copytree(os.path.dirname(reference_cache.__file__), copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    before = reference_cache._models_code_digest(str(copy))
    assert before == reference_cache._models_code_digest(str(copy))
    with open(copy / "tables" / "org.py", "a", encoding="utf-8") as fh:
        fh.write("\n# a changed table\n")
    assert reference_cache._models_code_digest(str(copy)) != before


def _fresh_process_state(monkeypatch):
    """As a new start of the program: nothing built, read or found equal yet."""
    monkeypatch.setattr(schema_check, "_cache", {})
    monkeypatch.setattr(schema_check, "_matched", {})


def test_a_file_found_equal_is_not_described_again_until_its_schema_changes(
        tmp_path, data_dir, monkeypatch):
    import sqlite3
    import subprocess
    path = str(tmp_path / "xa.sqlite3")
    _fresh_process_state(monkeypatch)
    dbmod.open_database(path)                    # checked whole once: its mark is kept
    dbmod.close_database()
    with open(_cache_file(), encoding="utf-8") as fh:
        assert len(json.load(fh)["matched"]) == 1
    _fresh_process_state(monkeypatch)
    described = []
    real_describe = schema_check.describe
    monkeypatch.setattr(schema_check, "describe",
                        lambda conn: described.append(1) or real_describe(conn))
    dbmod.open_database(path)                    # the same schema: not described again
    dbmod.close_database()
    assert described == []
    # another program adds a column and a trigger: the schema's mark changes, the file
    # is described and refused
    subprocess.run(["sqlite3", path, "ALTER TABLE unit ADD COLUMN planted TEXT; "
                    "CREATE TRIGGER planted AFTER INSERT ON unit BEGIN SELECT 1; END;"],
                   check=True)
    _fresh_process_state(monkeypatch)
    conn = sqlite3.connect(path)
    problems = schema_check.schema_problems(conn)
    conn.close()
    assert described == [1]
    assert any("planted" in p and "trigger" in p for p in problems)
    assert any("unit" in p and "planted" in p and "cột" in p for p in problems)
    with open(_cache_file(), encoding="utf-8") as fh:
        assert len(json.load(fh)["matched"]) == 1     # a file with problems is not kept


def test_marks_of_another_reference_or_a_damaged_list_are_not_used(tmp_path, data_dir,
                                                                  monkeypatch):
    import sqlite3
    path = str(tmp_path / "xb.sqlite3")
    _fresh_process_state(monkeypatch)
    dbmod.open_database(path)
    dbmod.close_database()
    conn = sqlite3.connect(path)
    mark = schema_check.schema_mark(conn)
    assert schema_check.schema_mark(conn, partial=True) != mark
    with open(_cache_file(), encoding="utf-8") as fh:
        stored = json.load(fh)
    assert stored["matched"] == [mark]
    steps = _steps()
    with open(_cache_file(), "w", encoding="utf-8") as fh:
        json.dump(dict(stored, key="another"), fh)        # another program version's
    assert reference_cache.load_matched(steps) == []
    with open(_cache_file(), "w", encoding="utf-8") as fh:
        json.dump(dict(stored, matched={"x": 1}), fh)      # not a list of marks
    assert reference_cache.load_matched(steps) == []
    reference_cache.add_matched(steps, mark)               # a usable list again
    assert reference_cache.load_matched(steps) == [mark]
    for i in range(reference_cache.MATCHED_KEPT + 3):
        reference_cache.add_matched(steps, f"m{i}")
    kept = reference_cache.load_matched(steps)
    assert len(kept) == reference_cache.MATCHED_KEPT and kept[-1] == f"m{i}"
    conn.close()
