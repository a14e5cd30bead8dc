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
