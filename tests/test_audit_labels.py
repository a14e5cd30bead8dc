"""Nhật ký speaks Vietnamese: every action the program records, and every kind of record it
names, has a Vietnamese wording — a clerk reading the log (or its Excel export) never meets
an internal code such as "resolve_comment" or "public_comment"."""
import os
import re

from models import accounts, audit_log, demo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# audit() and the helpers that pass an action on to it, with the action written literally
CALL = re.compile(r'\b(?:audit|audit_many|_move|_set_active|audited_update)\('
                  r'(?:[^"()]|\([^()]*\))*?"([a-z]+(?:_[a-z]+)+)"(?:,\s*"([a-z_]+)")?')
# actions made from a name at run time
STAGES = ("discovered", "nurtured", "summarised", "replicated")
MADE = ([f"model_{s}" for s in STAGES] + [f"update_model_{s}" for s in STAGES]
        + [f"remove_model_{s}" for s in STAGES]
        + ["amend_decision_draft", "revoke_decision_draft", "corrected_by_decision",
           "revoked_by_decision"])


def _recorded():
    """(action, entity or None) of every audit call written with literal names."""
    found = set()
    for folder in ("models", "reports", "gui"):
        for base, _dirs, files in os.walk(os.path.join(ROOT, folder)):
            for name in files:
                if name.endswith(".py"):
                    with open(os.path.join(base, name), encoding="utf-8") as fh:
                        found |= {(a, e or None) for a, e in CALL.findall(fh.read())}
    return found


def test_every_recorded_action_and_record_kind_has_a_vietnamese_name():
    recorded = _recorded() | {(a, None) for a in MADE}
    assert len({a for a, _ in recorded}) > 100          # the scan finds the program's calls
    raw = sorted(a for a, _ in recorded if audit_log.action_label(a) == a)
    assert raw == [], f"actions shown as codes in Nhật ký: {raw}"
    nouns = sorted({e for _, e in recorded if e and e not in audit_log.NOUNS})
    assert nouns == [], f"record kinds shown as codes: {nouns}"


def test_the_demo_log_shows_no_internal_code(database):
    demo.load_demo(size="small", actor=accounts.batch_actor())
    rows = audit_log.table_rows()
    assert len(rows) > 100
    codes = re.compile(r"^[a-z]+(_[a-z]+)+\b")
    shown = {(r[3], r[4]) for r in rows}
    raw = sorted(s for s in shown if codes.match(s[0]) or codes.match(s[1] or ""))
    assert raw == [], raw
