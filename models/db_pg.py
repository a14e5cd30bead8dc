"""PostgreSQL: the office-server engine behind models/db.py (same models, same migrations).

What differs from SQLite, and only here:
- identity and schema version live in the table ``tdkt_schema`` (SQLite: PRAGMA
  application_id / user_version), which also holds a change counter for other PCs' pages;
- every write transaction takes one advisory lock first (``pg_advisory_xact_lock``), the
  server's BEGIN IMMEDIATE: writers queue in order, so the audit chain, decision numbers
  and register numbers are handed out one clerk at a time, exactly as on SQLite;
- the database must sort text by code point (``LC_COLLATE = C``), as SQLite does: the
  Vietnamese sort keys (models/collation.py) rely on it;
- a lost connection inside a transaction rolls back on the server and reaches the clerk as
  a DatabaseError saying nothing was saved;
- every write transaction NOTIFYs the channel ``tdkt_changes`` as it commits, naming the
  tables it changed (read from the server's own per-transaction statistics, so every write
  path counts: the builder, executemany, COPY). Other PCs LISTEN on a separate connection
  (``ChangeListener``) and refresh the pages showing those tables at once; the change
  counter stays for polling (the fallback while that connection is down).
"""
import functools
import logging
import urllib.parse
import uuid
from decimal import Decimal

import peewee

from .errors import ConflictError, DatabaseError

log = logging.getLogger(__name__)

SCHEMA_TABLE = "tdkt_schema"
WRITE_LOCK = 0x54444B54          # pg_advisory_xact_lock key: one writer at a time
MIGRATE_LOCK = 0x54444B55        # session lock while one PC creates or migrates the schema
LOCK_TIMEOUT = "15s"
GUARD_PREFIX = "tdkt: "
CHANNEL = "tdkt_changes"         # NOTIFY payload: "<origin>|table,table,…"
ORIGIN = uuid.uuid4().hex[:16]   # this process: its own notifications are not news to it
# The tables this transaction wrote, from the server's per-transaction counters (the
# functions behind pg_stat_xact_user_tables, on our schema's tables only: the view itself
# costs ~9 ms per commit, this ~2 ms).
NOTIFY_SQL = (
    "SELECT pg_notify(%s, %s || '|' || string_agg(c.relname, ',' ORDER BY c.relname)) "
    "FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
    f"AND c.relkind = 'r' AND c.relname <> '{SCHEMA_TABLE}' "
    "AND pg_stat_get_xact_tuples_inserted(c.oid) + pg_stat_get_xact_tuples_updated(c.oid) "
    "+ pg_stat_get_xact_tuples_deleted(c.oid) > 0 HAVING count(*) > 0")

BUSY_MESSAGE = ("Máy chủ dữ liệu đang bận ghi việc của máy khác quá lâu; việc vừa làm chưa "
                "được lưu. Hãy thử lại sau ít phút.")
LOST_MESSAGE = ("Mất kết nối tới máy chủ dữ liệu giữa chừng; việc vừa làm KHÔNG được lưu "
                "(máy chủ đã hủy cả giao dịch, không có gì lưu dở). Hãy kiểm tra mạng rồi "
                "làm lại.")


class ServerUnreachable(DatabaseError):
    """The server did not answer (network, server stopped): retry or use a local copy."""


class WrongPassword(DatabaseError):
    """The server refused the user name or password."""


class ConnectionLost(DatabaseError):
    """The connection broke during work; the server rolled the transaction back."""


def is_server_url(target):
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def describe_url(url):
    """'tdkt@host:5432/dbname' for messages and titles — never the password."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    host = parts.hostname or (query.get("host") or ["localhost"])[0]
    port = parts.port or (query.get("port") or ["5432"])[0]
    user = urllib.parse.unquote(parts.username or "")
    name = parts.path.lstrip("/")
    return f"{user + '@' if user else ''}{host}:{port}/{name}"


def make_url(*, host, port=5432, database, user):
    """A postgresql:// URL (no password) from the set-up form's fields."""
    quote = urllib.parse.quote
    return f"postgresql://{quote(user, safe='')}@{host}:{int(port)}/{quote(database, safe='')}"


def _original(exc):
    """The psycopg2 error behind a peewee wrapper (or the error itself)."""
    seen = exc
    for _ in range(5):
        if seen is None:
            break
        if type(seen).__module__.startswith("psycopg2"):
            return seen
        arg = seen.args[0] if getattr(seen, "args", None) else None
        if arg is not None and type(arg).__module__.startswith("psycopg2"):
            return arg
        seen = seen.__cause__ or seen.__context__
    return exc


def _primary(exc):
    diag = getattr(exc, "diag", None)
    text = getattr(diag, "message_primary", None) if diag is not None else None
    return text or str(exc).split("\n")[0]


def translate(exc, *, connection_closed=False):
    """Our UserError for a server error a clerk can meet, else None."""
    orig = _original(exc)
    code = getattr(orig, "pgcode", None)
    text = _primary(orig)
    if text.startswith(GUARD_PREFIX):
        return ConflictError(text[len(GUARD_PREFIX):])
    if code in ("55P03", "40P01"):               # lock timeout, deadlock
        return DatabaseError(BUSY_MESSAGE)
    if connection_closed or (code or "").startswith(("57P", "08")):
        return ConnectionLost(LOST_MESSAGE)
    return None


def load_driver():
    """Give peewee the psycopg2 driver it did not load at start-up (models/__init__.py)
    — what its own module does when psycopg2 is importable then."""
    if peewee.psycopg2 is not None:
        return
    import psycopg2
    from psycopg2 import extensions
    from psycopg2.extras import Json, register_uuid
    register_uuid()
    peewee.psycopg2, peewee.pg_extensions, peewee.Json_pg2 = psycopg2, extensions, Json
    peewee.pg_register_uuid = register_uuid
    adapter = peewee.Psycopg2Adapter
    adapter.txn_idle = extensions.TRANSACTION_STATUS_IDLE
    adapter.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
    adapter.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN


def _numeric(text, cursor):
    """A server ``numeric`` as SQLite gives it: an int when whole (a SUM of bigint money
    columns is numeric on PostgreSQL, an integer in SQLite), else an exact Decimal."""
    if text is None:
        return None
    if "." in text or "e" in text.lower() or "n" in text.lower():     # fraction, NaN
        return Decimal(text)
    return int(text)


@functools.lru_cache(maxsize=None)
def _whole_numeric():
    from psycopg2 import extensions
    return extensions.new_type((1700,), "TDKT_NUMERIC", _numeric)      # 1700: numeric


class PgDatabase(peewee.PostgresqlDatabase):
    """PostgreSQL whose write transactions queue on one advisory lock (see module doc)."""

    engine = "postgresql"
    # money (models/fields.MoneyField): bigint, as SQLite's INTEGER is 64-bit
    field_types = {**peewee.PostgresqlDatabase.field_types, "MONEY": "BIGINT"}

    def __init__(self, url, **kwargs):
        load_driver()
        kwargs.setdefault("connect_timeout", 5)
        kwargs.setdefault("keepalives", 1)
        kwargs.setdefault("keepalives_idle", 10)
        kwargs.setdefault("keepalives_interval", 5)
        kwargs.setdefault("keepalives_count", 3)
        kwargs.setdefault("application_name", "thiduakhenthuong")
        super().__init__(url, **kwargs)
        self.url = url
        self.has_schema_table = False
        self.snapshot = False        # begin() without the write lock (consistent backups)

    def connect(self, reuse_if_open=False):
        try:
            return super().connect(reuse_if_open)
        except DatabaseError:
            raise
        except Exception as exc:                              # noqa: BLE001
            raise connect_error(exc, self.url) from exc

    def _initialize_connection(self, conn):
        from psycopg2 import extensions
        extensions.register_type(_whole_numeric(), conn)
        with conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
            cur.execute("SET client_encoding = 'UTF8'")

    def _closed(self):
        conn = self._state.conn
        return conn is not None and conn.closed != 0

    def cursor(self, *args, **kwargs):
        if self._closed():
            if self.transaction_depth():
                raise ConnectionLost(LOST_MESSAGE)
            self._state.reset()          # reconnect for the next piece of work
        return super().cursor(*args, **kwargs)

    def _wrap(self, call, *args):
        try:
            return call(*args)
        except DatabaseError:
            raise
        except Exception as exc:                              # noqa: BLE001
            err = translate(exc, connection_closed=self._closed())
            if err is None:
                raise
            raise err from exc

    def begin(self, isolation_level=None):
        self._wrap(super().begin, isolation_level)
        if isolation_level is None and not self.snapshot:
            self._wrap(super().execute_sql, "SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            if self.has_schema_table:
                self._wrap(super().execute_sql,
                           f"UPDATE {SCHEMA_TABLE} SET changes = changes + 1")

    def commit(self):
        if self.has_schema_table and not self.snapshot:
            # delivered by the server only if this commit succeeds (NOTIFY is transactional)
            self._wrap(super().execute_sql, NOTIFY_SQL, (CHANNEL, ORIGIN))
        return self._wrap(super().commit)

    def rollback(self):
        if self._closed() or self.is_closed():
            return                       # the server already rolled back with the connection
        try:
            super().rollback()
        except peewee.InterfaceError:
            if not self._closed():
                raise

    def execute_sql(self, sql, params=None):
        try:
            return self._wrap(super().execute_sql, sql, params)
        except ConnectionLost:
            # The connection died while idle (server restarted, network back after a
            # drop): a read outside a transaction is sent once more on a new connection
            # (cursor() reconnects), so a page reloading later is not an error.
            if self.transaction_depth() or not sql.lstrip()[:6].upper() == "SELECT":
                raise
            return self._wrap(super().execute_sql, sql, params)

    def close(self):
        if self._closed():
            self._state.reset()
            return True
        return super().close()


def connect_error(exc, url):
    """A Vietnamese DatabaseError for a failed connection to ``url``."""
    where = describe_url(url)
    text = str(_original(exc)).lower()
    if "password" in text and ("authentication failed" in text or "no password" in text):
        return WrongPassword(
            f"Máy chủ dữ liệu {where} từ chối tên đăng nhập hoặc mật khẩu. Hãy nhập lại "
            "mật khẩu (hỏi người quản trị máy chủ nếu quên).")
    if "does not exist" in text and "database" in text:
        return DatabaseError(
            f"Trên máy chủ chưa có cơ sở dữ liệu {where}. Hãy kiểm tra tên cơ sở dữ liệu "
            "hoặc nhờ người quản trị tạo (xem README, mục máy chủ dữ liệu).")
    if "role" in text and "does not exist" in text:
        return WrongPassword(
            f"Máy chủ dữ liệu {where} không có tài khoản này. Hãy kiểm tra tên đăng nhập.")
    return ServerUnreachable(
        f"Không kết nối được máy chủ dữ liệu {where} (máy chủ tắt, sai địa chỉ hoặc mất "
        "mạng). Hãy kiểm tra mạng rồi thử lại, hoặc làm việc trên bản sao trong máy ở "
        "chế độ chỉ xem.")


_passwords = {}          # this process only: reopening after a restore asks nothing again


def remembered_password(url):
    return _passwords.get(url)


def open_connection(url, *, password=None):
    kwargs = {"password": password} if password else {}
    database = PgDatabase(url, **kwargs)
    database.connect()
    if password:
        _passwords[url] = password
    return database


def check_collation(database):
    collate = database.execute_sql("SHOW lc_collate").fetchone()[0]
    encoding = database.execute_sql("SHOW server_encoding").fetchone()[0]
    if collate not in ("C", "POSIX") or encoding.upper() not in ("UTF8", "UTF-8"):
        raise DatabaseError(
            f"Cơ sở dữ liệu {describe_url(database.url)} được tạo với bảng mã {encoding}, "
            f"thứ tự chữ {collate}; phần mềm cần UTF8 và thứ tự C để sắp xếp tên tiếng Việt "
            "đúng. Hãy tạo lại: createdb -T template0 -E UTF8 --locale=C TÊN.")


def read_identity(database):
    """(application_id, version) or None when the database has none of our tables;
    raises DatabaseError when it holds someone else's tables."""
    tables = set(database.get_tables())
    if not tables:
        return None
    if SCHEMA_TABLE not in tables:
        raise DatabaseError(
            f"Cơ sở dữ liệu {describe_url(database.url)} đã có bảng của một chương trình "
            "khác. Hãy dùng một cơ sở dữ liệu trống riêng cho phần mềm Thi đua - Khen thưởng.")
    row = database.execute_sql(f"SELECT application_id, version FROM {SCHEMA_TABLE}").fetchone()
    return (row[0], row[1]) if row else (0, 0)


def record_version(database, application_id, number):
    database.execute_sql(
        f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (application_id INTEGER NOT NULL, "
        "version INTEGER NOT NULL, changes BIGINT NOT NULL DEFAULT 0)")
    if database.execute_sql(f"UPDATE {SCHEMA_TABLE} SET application_id = %s, version = %s",
                            (application_id, number)).rowcount == 0:
        database.execute_sql(f"INSERT INTO {SCHEMA_TABLE} (application_id, version) "
                             "VALUES (%s, %s)", (application_id, number))
    database.has_schema_table = True


def execute_many(database, sql, rows):
    from psycopg2.extras import execute_batch
    database._wrap(execute_batch, database.cursor(), sql, list(rows), 500)


def change_counter(database):
    return database.execute_sql(f"SELECT changes FROM {SCHEMA_TABLE}").fetchone()[0]


def migrate_lock(database, take=True):
    fn = "pg_advisory_lock" if take else "pg_advisory_unlock"
    database.execute_sql(f"SELECT {fn}(%s)", (MIGRATE_LOCK,))


def reset_sequences(database, models):
    """After rows were copied with their ids: every id sequence continues above them."""
    for model in models:
        pk = model._meta.primary_key
        if not isinstance(pk, peewee.AutoField):
            continue
        table = model._meta.table_name
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), "
            f"COALESCE((SELECT max({pk.column_name}) FROM \"{table}\"), 0) + 1, false)",
            (f'"{table}"', pk.column_name))


# ------------------------------------------------------------------ LISTEN (other PCs' saves)

class ChangeListener:
    """A separate connection LISTENing on ``CHANNEL``. No Qt here: the GUI watches
    ``fileno()`` (a socket notifier) and calls ``poll()`` when it is readable; ``poll()``
    never blocks. A broken connection (server restarted, network gone) raises
    ConnectionLost from ``poll()``; the caller opens a new listener later."""

    def __init__(self, conn):
        self.conn = conn

    @classmethod
    def open(cls, database):
        """Connect like ``database`` (same URL, password, keepalives) and LISTEN. Blocks up
        to the connect timeout: call it off the GUI thread."""
        import psycopg2
        params = dict(database.connect_params)
        params["application_name"] = "thiduakhenthuong-listen"
        try:
            conn = psycopg2.connect(dsn=database.url, **params)
        except Exception as exc:                              # noqa: BLE001
            raise connect_error(exc, database.url) from exc
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f"LISTEN {CHANNEL}")
        return cls(conn)

    def fileno(self):
        return self.conn.fileno()

    def poll(self):
        """[(origin, {table, …})] of the commits announced since the last call."""
        import psycopg2
        if self.conn.closed:
            raise ConnectionLost(LOST_MESSAGE)
        try:
            self.conn.poll()
        except psycopg2.Error as exc:
            self.close()
            raise ConnectionLost(LOST_MESSAGE) from exc
        out = []
        while self.conn.notifies:
            note = self.conn.notifies.pop(0)
            origin, _, tables = note.payload.partition("|")
            out.append((origin, set(filter(None, tables.split(",")))))
        return out

    def close(self):
        try:
            self.conn.close()
        except Exception:                                     # noqa: BLE001
            pass


def tables_changed_by_others(changes):
    """The tables named by notifications from other processes (other PCs)."""
    return set().union(*(tables for origin, tables in changes if origin != ORIGIN))
