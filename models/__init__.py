"""Rules of the program (no Qt). Importing it loads peewee without its PostgreSQL driver."""
import gc
import sys

import contextlib


@contextlib.contextmanager
def loading_quietly():
    """No pass of Python's collector while a block loads modules: their classes and
    functions live as long as the program, and passes over them while they are made free
    nothing. Frozen afterwards, so that no later collection walks them again either
    (gui/gc_policy.py says how collections run once the window is up)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


# peewee imports psycopg2 (and with it ssl) whenever it is installed, ~60-100 ms of every
# start, although only an office server (postgresql://) needs it. It is hidden while peewee
# loads; models/db_pg.load_driver() hands it to peewee before a server database is made.
if "peewee" not in sys.modules and "psycopg2" not in sys.modules:
    sys.modules["psycopg2"] = None            # "import psycopg2" fails inside peewee only
    try:
        with loading_quietly():
            import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg2"]
