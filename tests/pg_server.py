"""A private PostgreSQL server for tests and benchmarks: its own cluster in a temp folder.

    server = PgServer(folder).start()      # initdb + pg_ctl start, unix socket in ``folder``
    url = server.create_database("t1")     # postgresql://tdkt@/t1?host=FOLDER&port=PORT
    server.stop()

Works as root (CI: initdb refuses root, so the cluster runs as ``nobody``) and as a normal
user. Nothing touches the machine's own PostgreSQL: own data folder, own socket, own port.
The superuser ``tdkt`` signs in over the socket without a password ("trust"); TCP on
127.0.0.1 asks for a password (scram), for the wrong-password tests.
"""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import time

SUPERUSER = "tdkt"


def bin_dir():
    """The folder with initdb/pg_ctl (newest Debian version first), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return os.path.dirname(found[-1])
    tool = shutil.which("initdb")
    return os.path.dirname(tool) if tool else None


def available():
    """'' when a private server can run here, else why not (for pytest.skip)."""
    folder = bin_dir()
    if folder is None:
        return ("PostgreSQL server binaries (initdb, pg_ctl) are not installed: "
                "scripts/setup-env.sh installs the Debian package postgresql for the tests")
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        return "psycopg2 is not installed (pip install -e .[test])"
    return ""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, folder):
        self.folder = os.path.abspath(folder)
        self.data = os.path.join(self.folder, "data")
        self.log = os.path.join(self.folder, "server.log")
        self.port = None
        self.bin = bin_dir()
        self._as_user = []
        self._counter = 0
        self.temporary = False      # True: stop() removes the folder

    def _run(self, *args, check=True):
        cmd = self._as_user + [os.path.join(self.bin, args[0]), *args[1:]]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}\n"
                               + self.log_text())
        return result

    def log_text(self):
        try:
            with open(self.log, encoding="utf-8", errors="replace") as fh:
                return fh.read()[-3000:]
        except OSError:
            return ""

    # ---- life cycle
    def start(self):
        os.makedirs(self.folder, exist_ok=True)
        if os.geteuid() == 0:            # initdb refuses root: run the cluster as nobody
            owner = pwd.getpwnam("nobody")
            os.chmod(self.folder, 0o755)
            for path in (self.folder,):
                os.chown(path, owner.pw_uid, owner.pw_gid)
            self._as_user = ["runuser", "-u", "nobody", "--"]
            # the parent folders must let nobody in
            parent = os.path.dirname(self.folder)
            while parent not in ("/", ""):
                mode = os.stat(parent).st_mode
                if not mode & 0o001:
                    os.chmod(parent, mode | 0o001)
                parent = os.path.dirname(parent)
        self.port = _free_port()
        self._run("initdb", "-D", self.data, "-U", SUPERUSER, "-E", "UTF8", "--locale=C",
                  "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync")
        with open(os.path.join(self.data, "postgresql.auto.conf"), "a") as fh:
            fh.write(f"port = {self.port}\n"
                     f"unix_socket_directories = '{self.folder}'\n"
                     "listen_addresses = '127.0.0.1'\n"
                     "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                     "max_connections = 60\nshared_buffers = 32MB\n")
        if self._as_user:
            open(self.log, "a").close()
            owner = pwd.getpwnam("nobody")
            os.chown(self.log, owner.pw_uid, owner.pw_gid)
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start")
        return self

    def stop(self):
        if self.port is not None and os.path.isdir(self.data):
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)
        if self.temporary:          # a session's cluster (~230 MB) is not left in /tmp
            import shutil
            shutil.rmtree(self.folder, ignore_errors=True)

    def restart(self):
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start")

    def pause(self):
        """Stop the server (it comes back with restart())."""
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    # ---- databases
    def url(self, dbname, user=SUPERUSER):
        return f"postgresql://{user}@/{dbname}?host={self.folder}&port={self.port}"

    def tcp_url(self, dbname, user, password=None):
        auth = f"{user}:{password}" if password is not None else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{dbname}"

    def admin(self):
        """A psycopg2 connection to the maintenance database, in autocommit mode."""
        import psycopg2
        conn = psycopg2.connect(dbname="postgres", user=SUPERUSER, host=self.folder,
                                port=self.port)
        conn.autocommit = True
        return conn

    def sql(self, statement, params=None):
        conn = self.admin()
        try:
            with conn.cursor() as cur:
                cur.execute(statement, params)
                return cur.fetchall() if cur.description else None
        finally:
            conn.close()

    def new_name(self, prefix="t"):
        self._counter += 1
        return f"{prefix}{os.getpid()}_{self._counter}"

    def create_database(self, name=None, template=None):
        name = name or self.new_name()
        tmpl = f" TEMPLATE {template}" if template else " TEMPLATE template0"
        for attempt in range(50):   # a template still in use by a closing session: wait
            try:
                self.sql(f"CREATE DATABASE {name}{tmpl}")
                break
            except Exception as exc:                       # noqa: BLE001
                if "being accessed" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.1)
        return self.url(name)

    def drop_database(self, name):
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# Service-level test modules that run on both engines (the `database` fixture is
# parametrised: [sqlite] and [pg]). GUI, PDF-rendering and file-format tests stay on SQLite:
# they test layers above models/, which do not know the engine.
BOTH_ENGINES = {
    "test_accounts", "test_candidates", "test_council", "test_decisions", "test_guards",
    "test_law_money", "test_movements", "test_org", "test_proposals", "test_registrations",
    "test_rewards", "test_scoring", "test_signin", "test_year_map", "test_importer",
    "test_collation", "test_pg", "test_province", "test_concurrent_edits", "test_audit_rows",
    "test_concurrent_lists",
    # the services of issues 17-19 (fund, blanks, special awards, initiatives and discipline,
    # exemplary models, reviews, public list, upward file, deadlines, round registrations)
    "test_blanks", "test_deadlines", "test_exemplary", "test_fund",
    "test_initiatives_discipline", "test_public_list", "test_reviews",
    "test_round_registrations", "test_special_awards", "test_upward", "test_lookup_search",
    # what the documents and exports read
    "test_statistics_report", "test_exports", "test_export_stream", "test_cert_awards",
    "test_templates", "test_certificates", "test_registration_docs", "test_score_docs",
    "test_upward_export", "test_upward_docx", "test_docx_documents", "test_decision_pdf",
}


def runs_on_both(module_name):
    return module_name.rsplit(".", 1)[-1] in BOTH_ENGINES


TEMPLATE = "tdkt_template"


def start_session_server():
    """Start the shared server and build the template database (the real migrations)."""
    import tempfile
    from models import db as dbmod
    server = PgServer(tempfile.mkdtemp(prefix="tdkt-pg-"))
    server.temporary = True
    server.start()
    server.create_database(TEMPLATE)
    dbmod.open_database(server.url(TEMPLATE))
    dbmod.close_database()
    return server
