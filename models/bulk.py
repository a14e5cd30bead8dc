"""Many rows at SQLite's own speed, on either engine: reading plain tuples and writing with
one prepared statement.

peewee spends most of a bulk write building INSERT text (``insert_many`` renders every
value) and most of a long read converting each value through its field; for tens of
thousands of rows these two helpers skip that work. SQL comes from peewee's query builder or
names taken from the model, and the parameter mark from the database (``?`` on SQLite,
``%s`` on PostgreSQL), so both engines run the same code.
"""
import peewee
from peewee import OP, SQL, Expression, NodeList, Value

from . import vntext
from .db import db
from .fields import MoneyField, NfcCharField, NfcTextField


def read_rows(query):
    """The rows of a peewee ``query`` as plain tuples, values as the driver returns them
    (SQLite: dates as ISO text, booleans as 0/1)."""
    return db.execute(query).fetchall()


class Prepared:
    """A query rendered to SQL once per engine and run again with new values.

    ``build(*values)`` makes a peewee query whose SQL text is the same for any values and
    whose parameters are exactly ``values``, in order (checked at the first call: a query
    that does not keep to it is rendered at each call). A search run at each keystroke
    spent a third of its Python in peewee rendering the same SELECTs."""

    def __init__(self, build):
        self.build = build
        self.texts = {}

    def rows(self, *values):
        """``read_rows(build(*values))``."""
        database = db.obj
        sql = self.texts.get(type(database))
        if sql is None:
            sql, params = database.get_sql_context().sql(self.build(*values)).query()
            if list(params) != list(values):
                return database.execute_sql(sql, params).fetchall()
            self.texts[type(database)] = sql
        return database.execute_sql(sql, values).fetchall()

    def objects(self, *values):
        """``list(build(*values))``: what iterating the query gives (model instances with
        their joined models, or tuples/dicts when the query asks for them), its SQL text
        rendered once. Building a query costs little; rendering it (peewee's aliases and
        quoting) cost 1-2 ms per SELECT, most of a small report's reading."""
        query = self.build(*values)
        database = db.obj
        sql = self.texts.get(type(database))
        if sql is None:
            sql, params = database.get_sql_context().sql(query).query()
            if list(params) != list(values):
                return list(query)
            self.texts[type(database)] = sql
        return list(query._get_cursor_wrapper(database.execute_sql(sql, values)))


def like_pattern(text):
    """The LIKE pattern of ``field.contains(text)`` with every wildcard and the escape
    character escaped, for ``contains``."""
    return "%" + text.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%"


def contains(field, pattern):
    """``field.contains(text)`` for ``pattern = like_pattern(text)``: always with ESCAPE
    (peewee adds it only when the text has a wildcard), so the SQL text is the same for
    any text (case-insensitive on the server, like ``contains``)."""
    return Expression(field, OP.ILIKE, NodeList((Value(pattern, converter=False),
                                                 SQL("ESCAPE '\\'"))))


STREAM_BATCH = 2000


def stream_rows(query, *, batch=None):
    """The rows of a peewee ``query`` as plain tuples, ``batch`` at a time from the cursor:
    a long read (a register of 170,000 awards to Excel) never holds all its rows."""
    cursor = db.execute(query)
    try:
        while True:
            rows = cursor.fetchmany(batch or STREAM_BATCH)
            if not rows:
                return
            yield from rows
    finally:
        cursor.close()


def param():
    """The open database's parameter mark: ``?`` on SQLite, ``%s`` on a server."""
    return getattr(db.obj, "param", "?") if db.obj is not None else "?"


def _quote(name):
    marks = getattr(db.obj, "quote", '""') if db.obj is not None else '""'
    return f"{marks[0]}{name}{marks[1]}"


def insert_sql(model, fields):
    """``INSERT INTO table (columns) VALUES (?, …)`` for ``fields`` of ``model``."""
    columns = ", ".join(_quote(f.column_name) for f in fields)
    marks = ", ".join([param()] * len(fields))
    return f"INSERT INTO {_quote(model._meta.table_name)} ({columns}) VALUES ({marks})"


def insert_rows(model, rows, *, progress=None, batch=2000):
    """INSERT ``rows`` (dicts by field name; missing fields take their defaults) with one
    prepared statement, in the caller's transaction. ``progress(done, total)`` is called
    per batch; returning False stops (the caller raises ``Cancelled``). Returns how many
    rows were written."""
    if not rows:
        return 0
    fields = [f for f in model._meta.sorted_fields if not f.primary_key]
    defaults = {}
    for f in fields:
        if f.default is not None and not callable(f.default):
            defaults[f.name] = f.db_value(f.default)

    def value(f, row):
        if f.name in row:
            return f.db_value(row[f.name])
        if f.name in defaults:
            return defaults[f.name]
        return f.db_value(f.default() if callable(f.default) else None)

    sql = insert_sql(model, fields)
    written = 0
    for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        db.cursor().executemany(sql, [tuple(value(f, r) for f in fields) for r in chunk])
        written += len(chunk)
        if progress is not None and progress(written, len(rows)) is False:
            return written
    return written


def update_rows(model, columns, rows):
    """``UPDATE table SET col = ?, … WHERE id = ?`` for each tuple in ``rows`` (the values
    of ``columns`` in order, then the id), one prepared statement."""
    if not rows:
        return
    p = param()
    sets = ", ".join(f"{_quote(model._meta.fields[c].column_name)} = {p}" for c in columns)
    sql = (f"UPDATE {_quote(model._meta.table_name)} SET {sets} "
           f"WHERE {_quote(model._meta.primary_key.column_name)} = {p}")
    db.cursor().executemany(sql, list(rows))


def column_db_values(field, values):
    """``[field.db_value(v) for v in values]``, the same values, without a Python call per
    value that is already in its stored form: text already NFC without look-alike letters
    (``vntext.nfc`` would return it unchanged), ints for integer and foreign-key columns.
    An import of 20,000 rows spent a second normalising text it had just normalised."""
    kind = _stored_form(field)
    if kind == "nfc":
        stored = vntext.is_stored_form
        return [v if type(v) is str and stored(v) else field.db_value(v) for v in values]
    if kind == "str":
        return [v if type(v) is str else field.db_value(v) for v in values]
    if kind == "int":
        return [v if type(v) is int or v is None else field.db_value(v) for v in values]
    db_value = field.db_value
    return [db_value(v) for v in values]


def _stored_form(field):
    """"nfc", "str" or "int" when ``field.db_value`` returns such a value unchanged."""
    if isinstance(field, peewee.ForeignKeyField):
        if type(field).db_value is not peewee.ForeignKeyField.db_value:
            return None
        field = field.rel_field
    kind = type(field)
    if kind in (NfcCharField, NfcTextField):
        return "nfc"
    if kind.db_value is not peewee.Field.db_value:
        return None
    if isinstance(field, peewee._StringField) and kind.adapt is peewee._StringField.adapt:
        return "str"
    if kind in (peewee.IntegerField, peewee.BigIntegerField, peewee.AutoField,
                peewee.BigAutoField, MoneyField):
        return "int"
    return None

