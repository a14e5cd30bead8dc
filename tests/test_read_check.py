"""``main.py list`` checks the tables it read (their pages, their indexes, their value rules)
before it prints, instead of the whole file (models/read_check.py): damage in what it read
is refused with one line and nothing printed; damage elsewhere is left to opening for work,
``check`` and the GUI's start-up check; a file to migrate is still checked whole first."""
import json
import shutil
import subprocess

import pytest

import main
from models import collation, migrations, vntext
from models import db as dbmod
from models.entities import Household, Person, Unit, UnitKind
from models.errors import DatabaseError

SQLITE = shutil.which("sqlite3")


@pytest.fixture
def commune(tmp_path):
    """An SQLite file of 1,500 households and 1,500 people (several pages each), closed."""
    path = str(tmp_path / "xa.sqlite3")
    dbmod.open_database(path)
    village = Unit.create(name="Thôn Đông Hòa", name_key="thon dong hoa",
                          kind=UnitKind.get(UnitKind.code == "thon"))
    names = [f"Nguyễn Văn Hộ {i}" for i in range(1500)]
    Household.insert_many([dict(head_name=n, name_key=vntext.fold(n),
                                sort_key=collation.name_sort_string(n), gender="nam",
                                village=village, address=f"Số {i}, Thôn Đông Hòa")
                           for i, n in enumerate(names)]).execute()
    Person.insert_many([dict(full_name=n.replace("Hộ", "Người"), name_key="x", gender="nu")
                        for n in names]).execute()
    dbmod.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    dbmod.close_database()
    return path


def damage(path, name, pagetype="leaf"):
    """Overwrite two pages of table or index ``name`` (found with SQLite's dbstat)."""
    pages = subprocess.run(
        [SQLITE, path, f"SELECT pageno FROM dbstat WHERE name = '{name}' "
         f"AND pagetype = '{pagetype}' ORDER BY pageno"],
        check=True, capture_output=True, text=True).stdout.split()
    assert len(pages) >= 3, pages
    with open(path, "r+b") as fh:
        for page in pages[len(pages) // 2:len(pages) // 2 + 2]:
            fh.seek((int(page) - 1) * 4096)
            fh.write(b"\x5a" * 4096)


def run(capsys, *argv):
    capsys.readouterr()
    code = main.run_command(list(argv))
    out, err = capsys.readouterr()
    return code, out, err.strip().splitlines()


pytestmark = pytest.mark.skipif(SQLITE is None, reason="sqlite3 command-line program missing")


def test_damage_in_an_index_the_list_does_not_use_is_refused(commune, capsys):
    """The read itself goes through the table, not this index, and meets no error: the check
    of the table with its indexes finds the damage, and nothing is printed."""
    code, out, _ = run(capsys, "--db", commune, "list", "households", "--json")
    assert code == 0 and len(json.loads(out)) == 1500
    damage(commune, "household_name_key")
    code, out, err = run(capsys, "--db", commune, "list", "households", "--json")
    assert code == 1 and out == ""
    assert len(err) == 1 and err[0].startswith("Lỗi: Tệp dữ liệu") and "bị hỏng" in err[0]


def test_damage_in_the_rows_read_is_refused_with_the_same_line(commune, capsys):
    damage(commune, "household")
    code, out, err = run(capsys, "--db", commune, "list", "households")
    assert code == 1 and out == ""
    assert len(err) == 1 and "bị hỏng" in err[0] and "khôi phục" in err[0]


def test_damage_elsewhere_is_found_by_opening_for_work_and_check(commune, capsys):
    before = run(capsys, "--db", commune, "list", "households", "--json")[1]
    damage(commune, "person")
    code, out, _ = run(capsys, "--db", commune, "list", "households", "--json")
    assert code == 0 and out == before
    code, out, err = run(capsys, "--db", commune, "list", "people")
    assert code == 1 and out == "" and "bị hỏng" in err[0]
    with pytest.raises(DatabaseError, match="bị hỏng"):
        dbmod.open_database(commune)
    assert run(capsys, "--db", commune, "check")[0] == 1


def test_a_forged_value_in_what_the_list_reads_is_refused(commune, capsys):
    subprocess.run([SQLITE, commune], input=(
        "INSERT INTO decision (uuid, year, seq, number, date, state, kind, about, signer_name, "
        "signer_title, on_behalf, bases, proposer, recipients, reason, total, issued_by, "
        "created_at) VALUES ('u1', 2025, 1, '1/QĐ-UBND', '2025-12-20', 'hacked', 'award', "
        "'Về việc', 'A', 'Chủ tịch', 0, '', '', '', '', 0, '', '2025-12-20 08:00:00');"),
        text=True, check=True, capture_output=True)
    code, out, err = run(capsys, "--db", commune, "list", "decisions")
    assert code == 1 and out == ""
    assert "trạng thái quyết định không hợp lệ" in err[0]
    assert run(capsys, "--db", commune, "list", "households")[0] == 0


def test_a_file_to_migrate_is_checked_whole_first(commune, capsys, monkeypatch):
    damage(commune, "person")
    before = open(commune, "rb").read()
    monkeypatch.setitem(migrations.STEPS, dbmod.SCHEMA_VERSION + 1, lambda database: None)
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", dbmod.SCHEMA_VERSION + 1)
    code, out, err = run(capsys, "--db", commune, "list", "households")
    assert code == 1 and out == "" and "bị hỏng" in err[0]
    assert open(commune, "rb").read() == before
