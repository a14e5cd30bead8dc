"""Page "Tra cứu" (a subject's history): the search run at each keystroke, and
``main.py list households --json``, on the demo database against bare sqlite3.

    python tests/perf/bench_lookup.py [--quick] [--db large]

Lookup. Product: ``award_history.search_subjects(text, limit=200)`` (what the page's
background search calls) for every prefix of real names typed without marks ("nguyen van
h…", "thon …"), names taken from the database. Baseline: for each prefix, the bare SELECTs
of the same rows through sqlite3 — units (with their parent), people (with their unit),
households (with their village) whose folded name contains the typed text, 200 each —
fetched as tuples. Goal ≤ 2× per keystroke.

List. Product: ``main.py list households --json`` in a fresh process (as a script calls
it). Baseline: a fresh Python process running ``sqlite3`` (the same SELECT of the same
columns, in the same order) and ``json.dumps`` of the same dicts. Goal ≤ 1.5×.
Interleaved runs, the median of the per-pair ratios.
"""
import os
import sqlite3
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

GOAL_LOOKUP = 2.0
GOAL_LIST = 1.5

BARE_SEARCH = (
    ("SELECT u.id, u.name, u.kind_id, p.name FROM unit u LEFT JOIN unit p "
     "ON p.id = u.parent_id WHERE u.name_key LIKE ? LIMIT ?"),
    ("SELECT p.id, p.full_name, p.gender, u.name FROM person p LEFT JOIN unit u "
     "ON u.id = p.unit_id WHERE p.name_key LIKE ? LIMIT ?"),
    ("SELECT h.id, h.head_name, h.address, u.name FROM household h LEFT JOIN unit u "
     "ON u.id = h.village_id WHERE h.name_key LIKE ? LIMIT ?"),
)

BARE_LIST = r"""
import json, sqlite3, sys
conn = sqlite3.connect(%(db)r)
gender = {"nam": "Nam", "nu": "Nữ"}
rows = conn.execute("SELECT h.id, h.uuid, h.head_name, h.gender, h.birth_year, u.name, "
                    "h.address, h.active FROM household h JOIN unit u ON u.id = h.village_id "
                    "ORDER BY h.sort_key").fetchall()
out = [{"id": i, "uuid": u, "head_name": n, "gender": gender.get(g, g), "birth_year": y,
        "village": v, "address": a, "active": bool(act)}
       for i, u, n, g, y, v, a, act in rows]
sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
"""


def typed_texts(conn, n=4):
    """Texts a clerk types: the folded full names of a few households and people (varied
    lengths), and a village name."""
    names = [r[0] for r in conn.execute(
        "SELECT name_key FROM household WHERE id % 997 = 1 ORDER BY id LIMIT ?", (n,))]
    names += [r[0] for r in conn.execute(
        "SELECT name_key FROM person WHERE id % 101 = 1 ORDER BY id LIMIT 2")]
    names += [r[0] for r in conn.execute(
        "SELECT name_key FROM unit WHERE name_key LIKE 'thon%' LIMIT 1")]
    return [" ".join(name.split()[:4]) for name in names if name]


def keystrokes(texts):
    return [t[:i] for t in texts for i in range(1, len(t) + 1) if t[:i].strip()]


def bare_search(db_path, prefixes, limit=200):
    conn = sqlite3.connect(db_path)
    got = 0
    for text in prefixes:
        pattern = f"%{text.strip()}%"
        for sql in BARE_SEARCH:
            got += len(conn.execute(sql, (pattern, limit)).fetchall())
    conn.close()
    return got


def _python(code_or_args, env):
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    out = subprocess.run([sys.executable] + args, check=True, capture_output=True, env=env)
    return len(out.stdout)


def run(quick=False):
    from models import award_history, vntext
    from models import db as dbmod
    from tests.perf.common import child_env, db_label, demo_db, temp_folder
    from tests.perf.run import Result, interleaved, pairs_for
    path = demo_db("small" if quick else "large")
    conn = sqlite3.connect(path)
    texts = typed_texts(conn)
    conn.close()
    prefixes = keystrokes([vntext.fold(t) for t in texts])
    results = []
    dbmod.open_database(path)
    try:
        def product():
            return sum(len(award_history.search_subjects(t, limit=200)) for t in prefixes)
        product()                                   # warm-up
        ratio, prod, base = interleaved(product, lambda: bare_search(path, prefixes),
                                        pairs=pairs_for(quick, 5))
    finally:
        dbmod.close_database()
    per_key = prod / len(prefixes) * 1000
    results.append(Result(f"'Tra cứu' search per keystroke ({db_label(path)} db)", ratio, "×",
                          f"≤ {GOAL_LOOKUP:g}×", ratio <= GOAL_LOOKUP,
                          f"{per_key:.0f} ms a keystroke ({len(prefixes)} keystrokes of "
                          f"{len(texts)} names), bare SELECTs {base / len(prefixes) * 1000:.0f}"
                          " ms"))

    folder = temp_folder("tdkt-bench-list-")
    env = child_env(folder)
    main_args = [os.path.join(ROOT, "main.py"), "--db", path, "list", "households", "--json"]
    product_bytes = _python(main_args, env)             # warm-up (bytecode cache)
    bare_bytes = _python(BARE_LIST % {"db": path}, env)
    ratio, prod, base = interleaved(lambda: _python(main_args, env),
                                    lambda: _python(BARE_LIST % {"db": path}, env),
                                    pairs=pairs_for(quick, 5))
    results.append(Result(f"list households --json ({db_label(path)} db)", ratio, "×",
                          f"≤ {GOAL_LIST:g}×", ratio <= GOAL_LIST,
                          f"product {prod:.2f} s ({product_bytes / 1e6:.1f} MB out), "
                          f"python + sqlite3 + json.dumps {base:.2f} s "
                          f"({bare_bytes / 1e6:.1f} MB)"))
    return results


if __name__ == "__main__":
    from tests.perf.run import main_for
    main_for(__file__)
