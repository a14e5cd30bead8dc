"""Small file operations shared by the database backup and the safe file writer."""
import errno
import os


def os_error_message(exc, path):
    """A Vietnamese explanation of an OSError met while writing ``path``."""
    if exc.errno == errno.ENOSPC:
        return f"Ổ đĩa đầy, không ghi được {path}. Hãy giải phóng chỗ trống hoặc chọn ổ khác."
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (f"Không ghi được {path}: ổ đĩa chỉ đọc, tệp đang mở trong chương trình khác "
                "hoặc không có quyền ghi. Hãy đóng tệp, mở khóa chống ghi của USB hoặc chọn "
                "thư mục khác.")
    if exc.errno == errno.ENOENT:
        return f"Không có thư mục để ghi {path}. Hãy chọn thư mục khác."
    return f"Không ghi được {path}: {exc.strerror or exc}"


def fsync_dir(folder):
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory fsync)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_quietly(path):
    try:
        os.remove(path)
    except OSError:
        pass


TEMP_PREFIX = ".tmp-"


def temp_prefix():
    """Prefix of our temporary files: ``.tmp-<pid>-``, so a later start can tell the files
    of a killed process from those of one still running."""
    return f"{TEMP_PREFIX}{os.getpid()}-"


def _pid_alive(pid):
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return False        # Windows refuses to remove a file another process holds open
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale_temps(folder):
    """Remove the ``.tmp-<pid>-*.tdkt*`` files that a killed backup, restore or creation
    left in ``folder`` (never those of a process still running)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed = []
    for name in names:
        if not name.startswith(TEMP_PREFIX) or ".tdkt" not in name:
            continue
        pid = name[len(TEMP_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and _pid_alive(int(pid)):
            continue
        try:
            os.remove(os.path.join(folder, name))
            removed.append(name)
        except OSError:
            pass
    return removed


def hard_link(path, name):
    """Give ``path`` the second name ``name``; False where the file system has no links
    (FAT/exFAT, some network shares) or ``name`` exists."""
    try:
        os.link(path, name)
    except (OSError, NotImplementedError, AttributeError):
        return False
    return True


def same_file(a, b):
    """True when ``a`` and ``b`` name the same file (False if either is missing)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
