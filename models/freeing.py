"""Memory of big reads: temporary structures freed a piece at a time, and repeated values
kept once.

Freeing a container frees what it holds in one C call: the last reference to a dict of
100,000 subjects' histories (dicts of lists) going away walks and frees every object in it
without once letting another thread run Python. On a reading thread that held the window
for 0.18 s (perf sched trace of "Đề nghị cấp trên" on the 40,000-household demo: the GUI
thread woke 1,241 times for Python's GIL while the reader freed ``title_years()``). Emptied
here in a Python loop, the same work lets the GUI thread in between pieces.
"""

PIECE = 256          # entries freed between two chances for another thread


def free_gradually(*containers):
    """Empty each dict, list or set a piece at a time (what they hold goes with them unless
    something else still refers to it). Anything else is left as it is."""
    for box in containers:
        if isinstance(box, dict):
            pop = box.popitem
            while box:
                for _ in range(min(PIECE, len(box))):
                    pop()
        elif isinstance(box, list):
            while box:
                del box[-PIECE:]
        elif isinstance(box, set):
            pop = box.pop
            while box:
                for _ in range(min(PIECE, len(box))):
                    pop()


def one_copy():
    """``share(value)`` → the first value equal to it that ``share`` was given. Every value
    a database cursor returns is a new object: a list of 40,000 rows holds as many copies of
    the same place, title or state; rows that keep ``share(value)`` hold one (Đăng ký's rows
    on the 40,000-household demo: 36 → 16 MB). For one read: what it keeps lives as long as
    ``share`` does."""
    shared = {}
    setdefault = shared.setdefault
    return lambda value: setdefault(value, value)
