"""A private CUPS server for tests and benchmarks: its own cupsd on a unix socket, file queues.

    with CupsServer(folder) as cups:          # sets CUPS_SERVER for this process
        cups.add_queue("Q", "/tmp/out.ps")    # generic PostScript driver, A4, 12 pt margins
        ...                                    # print to "Q"; the job lands in /tmp/out.ps

Works as root (CI) and as a normal user: everything (spool, state, cache, logs, socket)
lives under ``folder``; nothing touches the system's CUPS.
"""
import os
import shutil
import signal
import subprocess
import time

GENERIC_PPD = "drv:///sample.drv/generic.ppd"
SAMPLE_DRV = "/usr/share/cups/drv/sample.drv"


def available():
    """'' when a private cupsd can run here, else why not (for pytest.skip)."""
    for tool in ("cupsd", "lpadmin", "lpstat", "gs"):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            return f"{tool} is not installed (scripts/setup-env.sh installs cups, ghostscript)"
    if not os.path.exists(SAMPLE_DRV):
        return f"{SAMPLE_DRV} missing (package cups-common)"
    return ""


def _tool(name):
    return shutil.which(name) or f"/usr/sbin/{name}"


class CupsServer:
    def __init__(self, folder):
        self.folder = os.path.abspath(folder)
        self.socket = os.path.join(self.folder, "cups.sock")
        self.proc = None
        self._old_env = None

    # ---- life cycle
    def start(self):
        f = self.folder
        dirs = {k: os.path.join(f, k) for k in ("spool", "state", "cache", "log", "ppd", "tmp")}
        for d in dirs.values():
            os.makedirs(d, exist_ok=True)
        os.chmod(dirs["spool"], 0o1777)
        os.chmod(dirs["tmp"], 0o1777)
        user, group, system_group = _accounts()
        os.chmod(f, 0o755)           # filters run as the unprivileged User and must get in
        conf = os.path.join(f, "cupsd.conf")
        files_conf = os.path.join(f, "cups-files.conf")
        with open(conf, "w") as fh:
            fh.write(f"""Listen {self.socket}
LogLevel warn
MaxJobs 0
PreserveJobHistory Yes
PreserveJobFiles Yes
Browsing No
BrowseLocalProtocols none
DefaultAuthType None
WebInterface No
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
    Allow all
  </Limit>
</Policy>
""")
        with open(files_conf, "w") as fh:
            fh.write(f"""FileDevice Yes
ServerRoot {f}
RequestRoot {dirs['spool']}
StateDir {dirs['state']}
CacheDir {dirs['cache']}
TempDir {dirs['tmp']}
ErrorLog {dirs['log']}/error_log
AccessLog {dirs['log']}/access_log
PageLog {dirs['log']}/page_log
User {user}
Group {group}
SystemGroup {system_group}
Sandboxing Relaxed
""")
        self.proc = subprocess.Popen([_tool("cupsd"), "-f", "-c", conf, "-s", files_conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        self._old_env = os.environ.get("CUPS_SERVER")
        os.environ["CUPS_SERVER"] = self.socket
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("cupsd stopped: " + self.proc.stderr.read().decode()[-2000:]
                                   + self.error_log())
            if os.path.exists(self.socket) and self.lpstat("-r").returncode == 0:
                return self
            time.sleep(0.1)
        raise RuntimeError("cupsd did not answer within 20 s\n" + self.error_log())

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.proc = None
        if self._old_env is None:
            os.environ.pop("CUPS_SERVER", None)
        else:
            os.environ["CUPS_SERVER"] = self._old_env
        shutil.rmtree(os.path.join(self.folder, "spool"), ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---- commands
    def run(self, *cmd, check=True):
        env = dict(os.environ, CUPS_SERVER=self.socket)
        r = subprocess.run([_tool(cmd[0]), *cmd[1:]], capture_output=True, text=True, env=env,
                           timeout=60)
        if check and r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {r.stderr or r.stdout}\n"
                               + self.error_log())
        return r

    def lpstat(self, *args):
        return self.run("lpstat", *args, check=False)

    def add_queue(self, name, out_path, *, page_size="A4"):
        """A PostScript queue printing into ``out_path`` (generic driver: 12 pt margins).

        The file is made here, empty: since Debian's security update cups 2.4.2-3+deb12u10
        (November 2026) the scheduler opens a ``file:`` device only if it exists
        (``open(path, O_WRONLY|O_EXCL)``, no O_CREAT — "the scheduler could not open the
        output file", every job stopped) and no longer empties it; older versions create
        and empty it themselves. A job then writes from the file's start: ``FileQueue.clear``
        empties it between jobs."""
        open(out_path, "ab").close()
        self.run("lpadmin", "-p", name, "-E", "-v", f"file:{out_path}", "-m", GENERIC_PPD,
                 "-o", f"PageSize={page_size}")
        self.run("cupsenable", name)
        self.run("cupsaccept", name)
        return name

    def remove_queue(self, name):
        self.run("lpadmin", "-x", name)

    def wait_idle(self, name, timeout=60):
        """Wait until ``name`` has no unfinished job; False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.lpstat("-o", name).stdout.strip():
                return True
            time.sleep(0.1)
        return False

    def spooled_size(self, job):
        """Bytes of the document the spooler holds for ``job`` ("Q-7"): what the program
        handed over (kept: PreserveJobFiles Yes)."""
        number = int(job.rsplit("-", 1)[1])
        path = os.path.join(self.folder, "spool", f"d{number:05d}-001")
        return os.path.getsize(path)

    def error_log(self):
        path = os.path.join(self.folder, "log", "error_log")
        try:
            with open(path, errors="replace") as fh:
                return fh.read()[-3000:]
        except OSError:
            return ""


_reserved = {}


def reserve():
    """A private folder and CUPS_SERVER=its socket for this process (called early, before
    anything asks CUPS); the server itself starts later, on first use."""
    if "folder" not in _reserved:
        import tempfile
        folder = tempfile.mkdtemp(prefix="tdkt-cups-")
        _reserved["folder"] = folder
        _reserved["server"] = CupsServer(folder)
        os.environ["CUPS_SERVER"] = _reserved["server"].socket
    return _reserved["server"]


def reserved():
    """True when this process has reserved its server's folder (``reserve``)."""
    return "server" in _reserved


def reserved_server():
    return reserve()


def release():
    """At the end of the run: the reserved server stopped and its folder removed."""
    server = _reserved.pop("server", None)
    _reserved.pop("folder", None)
    if server is not None:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


class FileQueue:
    """One queue of ``server`` printing into its own file; ``out`` is the job received."""
    count = 0

    def __init__(self, server, *, page_size="A4"):
        FileQueue.count += 1
        self.server = server
        self.name = f"TDKT-{os.getpid()}-{FileQueue.count}"
        self.out = os.path.join(server.folder, f"{self.name}.ps")
        server.add_queue(self.name, self.out, page_size=page_size)

    def received(self, timeout=60):
        """The job file once the spooler finished writing it (its size in bytes)."""
        self.server.wait_idle(self.name, timeout)
        return wait_for_file(self.out, timeout)

    def clear(self):
        """Empty the job file before the next job (the device file must exist: add_queue)."""
        open(self.out, "wb").close()

    def nothing_received(self):
        """True while no job has written to the queue's file since it was made or cleared."""
        return os.path.getsize(self.out) == 0

    def remove(self):
        if self.name in self.server.lpstat("-p").stdout:
            self.server.remove_queue(self.name)


def _accounts():
    """(User, Group, SystemGroup) for cupsd: as root it refuses User root, so filters run
    as ``lp`` (Debian's cups user); as a normal user everything runs as that user."""
    import grp
    import pwd
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("lp")
            return "lp", "lp", "root"
        except KeyError:
            return "nobody", "nogroup", "root"
    me = pwd.getpwuid(os.geteuid()).pw_name
    group = grp.getgrgid(os.getegid()).gr_name
    return me, group, group


def wait_for_file(path, timeout=60):
    """Wait until ``path`` exists and stops growing (the file device wrote the whole job)."""
    deadline = time.monotonic() + timeout
    last = -1
    while time.monotonic() < deadline:
        size = os.path.getsize(path) if os.path.exists(path) else -1
        if size > 0 and size == last:
            return size
        last = size
        time.sleep(0.2)
    raise TimeoutError(f"{path} was not written within {timeout} s")
