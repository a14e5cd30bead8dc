"""Writing files so that a crash or a pulled USB stick never leaves one that looks complete."""
import contextlib
import errno
import os
import tempfile

from models.errors import UserError


def os_error_message(exc, path):
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


@contextlib.contextmanager
def atomic_output(path, *, verify=None):
    """Yield a temporary path beside ``path``; on success fsync it, optionally
    ``verify(tmp_path)`` (raise to refuse), and rename it over ``path``.

    On any error the temporary file is removed and ``path`` is left as it was.
    """
    path = os.path.abspath(str(path))
    folder = os.path.dirname(path) or "."
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.splitext(path)[1], dir=folder)
        os.close(fd)
    except OSError as exc:
        raise UserError(os_error_message(exc, path)) from exc
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            fh.flush()
            os.fsync(fh.fileno())
        if verify is not None:
            verify(tmp)
        os.replace(tmp, path)
        fsync_dir(folder)
    except OSError as exc:
        _remove(tmp)
        raise UserError(os_error_message(exc, path)) from exc
    except BaseException:
        _remove(tmp)
        raise


def _remove(path):
    try:
        os.remove(path)
    except OSError:
        pass
