"""Shared by the benchmarks: a large demo database built once per run, child processes."""
import functools
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


PREPARE = (
    "import sys; sys.path.insert(0, %r)\n"
    "from models import db\n"
    "from models.entities import User\n"
    "db.open_database(%r)\n"          # brings an older schema up to date
    "if not User.select().where(User.username == 'bench').exists():\n"
    "    User.create(username='bench', full_name='Bench', role='leader', password_hash='x')\n"
    "db.close_database()\n")


def chosen_db():
    """``run.py --db small|large|xlarge|FILE`` (env TDKT_BENCH_DB): the database every
    demo-based benchmark uses instead of the one it would pick, or None."""
    return os.environ.get("TDKT_BENCH_DB") or None


def db_label(path):
    """'large' for …/large.sqlite3: how results name the database they ran on."""
    return os.path.splitext(os.path.basename(path))[0]


_made_here = []      # folders this process made: removed when it ends


def temp_folder(prefix="tdkt-bench-"):
    """A scratch folder removed when this process ends (each run used to leave its
    folders in /tmp: demo copies of 200–400 MB, workbooks, imports)."""
    folder = tempfile.mkdtemp(prefix=prefix)
    if not _made_here:
        import atexit
        import shutil
        atexit.register(lambda: [shutil.rmtree(f, ignore_errors=True) for f in _made_here])
    _made_here.append(folder)
    return folder


def _bench_folder():
    """A folder for a demo copy, removed when this process ends unless TDKT_BENCH_KEEP is
    set (a caller that hands the file on)."""
    if os.environ.get("TDKT_BENCH_KEEP"):
        return tempfile.mkdtemp(prefix="tdkt-bench-")
    return temp_folder()


@functools.lru_cache(maxsize=4)
def demo_db(size="large"):
    """Path to a fresh demo database of ``size`` with a leader account 'bench'.

    ``TDKT_BENCH_DEMO_DIR=FOLDER`` reuses ``FOLDER/<size>.sqlite3`` made before (with the
    'bench' account): it is copied, so each run starts from the same file.
    ``TDKT_BENCH_DB`` (run.py --db) replaces ``size``: a size name, or an existing file
    (e.g. /work/perfdata/xlarge.sqlite3), which is copied — the original is never opened —
    then migrated and given the 'bench' account."""
    choice = chosen_db()
    if choice and os.path.isfile(choice):
        return _copy_of(choice)
    size = choice or size
    folder = _bench_folder()
    os.environ.setdefault("TDKT_DATA_DIR", folder)
    path = os.path.join(folder, f"{size}.sqlite3")
    made = os.path.join(os.environ.get("TDKT_BENCH_DEMO_DIR", ""), f"{size}.sqlite3")
    if os.environ.get("TDKT_BENCH_DEMO_DIR") and os.path.exists(made):
        import shutil
        shutil.copyfile(made, path)
        return path
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "from models import db, demo, accounts\n"
        "from models.entities import User\n"
        "db.open_database(%r)\n"
        "demo.load_demo(size=%r)\n"
        "User.create(username='bench', full_name='Bench', role='leader', password_hash='x')\n"
        "db.close_database()\n" % (ROOT, path, size))
    subprocess.run([sys.executable, "-c", code], check=True, env=child_env(folder))
    return path


def _copy_of(source):
    import shutil
    folder = _bench_folder()
    os.environ.setdefault("TDKT_DATA_DIR", folder)
    path = os.path.join(folder, os.path.basename(source))
    shutil.copyfile(source, path)
    subprocess.run([sys.executable, "-c", PREPARE % (ROOT, path)], check=True,
                   env=child_env(folder))
    return path


def child_env(data_dir=None):
    env = dict(os.environ)
    # A user's program runs from compiled bytecode: children compile once into a cache of
    # their own (not into the checkout), instead of from source at every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    uid = getattr(os, "getuid", int)()
    env.setdefault("PYTHONPYCACHEPREFIX",
                   os.path.join(tempfile.gettempdir(), f"tdkt-bench-pycache-{uid}"))
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = ROOT
    if data_dir:
        env["TDKT_DATA_DIR"] = data_dir
    return env


def run_child(code, *, data_dir=None):
    """Run Python ``code`` in a fresh process; it prints one JSON object as its last line."""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, env=child_env(data_dir or tempfile.gettempdir()))
    return json.loads(out.stdout.strip().splitlines()[-1])


SKIPPED_SQL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


def distinct_selects(statements):
    """The statements a product path ran (sqlite3's trace callback), as a bare baseline
    runs them: each kind of SELECT once — the same text with other numbers (one query per
    row, "N+1") counts once, so a floor never repeats the product's extra queries."""
    import re
    out, shapes = [], set()
    for sql in statements:
        if sql.lstrip().upper().startswith(SKIPPED_SQL):
            continue
        shape = re.sub(r"\b\d+\b", "?", sql)
        if shape not in shapes:
            shapes.add(shape)
            out.append(sql)
    return out
