"""The batch-command contract: exit codes, Vietnamese one-line errors, JSON output."""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, data_dir=None, env_extra=None):
    env = dict(os.environ)
    if data_dir is not None:
        env["TDKT_DATA_DIR"] = str(data_dir)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    path = folder / "demo.sqlite3"
    result = run("--db", path, "demo", "--size", "small", data_dir=folder)
    assert result.returncode == 0, result.stderr
    assert "Đã tạo dữ liệu mẫu" in result.stdout
    return path


def test_list_households_json_in_name_order_and_search(demo_db):
    result = run("--db", demo_db, "list", "households", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 800
    assert {"id", "uuid", "head_name", "gender", "village", "address", "active"} <= set(rows[0])
    from models import vntext
    keys = [vntext.name_sort_key(r["head_name"]) for r in rows]
    assert keys == sorted(keys)
    name = rows[0]["head_name"]
    found = json.loads(run("--db", demo_db, "list", "households", "--json", "--search",
                           vntext.fold(name)).stdout)
    assert found and all(vntext.fold(name) in vntext.fold(r["head_name"]) for r in found)


def test_list_units_and_people_plain(demo_db):
    result = run("--db", demo_db, "list", "units")
    assert result.returncode == 0 and "Xã Tân Lập" in result.stdout
    people = run("--db", demo_db, "list", "people", "--json")
    assert len(json.loads(people.stdout)) == 180


def test_demo_refuses_a_database_with_data(demo_db):
    result = run("--db", demo_db, "demo")
    assert result.returncode == 1
    assert "đã có dữ liệu" in result.stderr and "Traceback" not in result.stderr


def test_check_backup_restore_round_trip(demo_db, tmp_path):
    assert run("--db", demo_db, "check").returncode == 0
    copy = tmp_path / "copy.sqlite3"
    import shutil
    shutil.copy(demo_db, copy)
    dest = tmp_path / "usb" / "saoluu.sqlite3"
    result = run("--db", copy, "backup", dest, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert dest.exists()
    result = run("--db", copy, "restore", dest, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Bản sao lưu: Tệp sao lưu của Xã Tân Lập" in result.stdout   # says what it holds
    assert run("--db", copy, "check").returncode == 0


@pytest.mark.parametrize("content", [b"", b"garbage" * 50])
def test_bad_database_is_a_user_error(tmp_path, content):
    path = tmp_path / "bad.sqlite3"
    path.write_bytes(content)
    result = run("--db", path, "list", "units")
    assert result.returncode == 1
    assert result.stderr.startswith("Lỗi:") and "Traceback" not in result.stderr
    # an empty file is not quietly made a new database (issue 13): it is left as it was
    assert path.read_bytes() == content


def test_missing_database_is_a_user_error(tmp_path):
    result = run("--db", tmp_path / "none.sqlite3", "list", "units")
    assert result.returncode == 1 and "Không có tệp dữ liệu" in result.stderr


def test_restore_of_a_non_backup_is_refused(demo_db, tmp_path):
    fake = tmp_path / "fake.sqlite3"
    fake.write_text("không phải sao lưu")
    result = run("--db", demo_db, "restore", fake, data_dir=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_wrong_usage_exits_2(tmp_path):
    assert run("list", "nothing").returncode == 2
    assert run("export", "awards").returncode == 2   # --out missing
    result = run("--help")
    assert result.returncode == 0 and "demo" in result.stdout
