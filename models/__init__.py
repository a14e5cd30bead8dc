"""Rules of the program (no Qt). Importing it loads peewee without its PostgreSQL driver."""
import gc
import sys

# peewee imports psycopg2 (and with it ssl) whenever it is installed, ~60-100 ms of every
# start, although only an office server (postgresql://) needs it. It is hidden while peewee
# loads; models/db_pg.load_driver() hands it to peewee before a server database is made.
# Python's collector is off while it loads: its classes and functions live as long as the
# program, and passes over them while they are made free nothing (gui/gc_policy.py).
if "peewee" not in sys.modules and "psycopg2" not in sys.modules:
    sys.modules["psycopg2"] = None            # "import psycopg2" fails inside peewee only
    _collecting = gc.isenabled()
    gc.disable()
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg2"]
        gc.freeze()           # nor later: they stay out of every collection
        if _collecting:
            gc.enable()
