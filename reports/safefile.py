"""Writing files so that a crash or a pulled USB stick never leaves one that looks complete."""
import contextlib
import contextvars
import os
import tempfile

from models.errors import UserError
from .outpaths import check_output_path
from models.fileops import fsync_dir, os_error_message, remove_quietly  # noqa: F401


_STAGING = contextvars.ContextVar("staging", default=False)


@contextlib.contextmanager
def staging():
    """Files written by ``atomic_output`` inside this block are not fsynced: they go to a
    scratch folder and the caller copies them where they belong, syncs and reads back
    the copies (the file sent upward: 22 files, 42 fsyncs of scratch files saved)."""
    token = _STAGING.set(True)
    try:
        yield
    finally:
        _STAGING.reset(token)


@contextlib.contextmanager
def atomic_output(path, *, verify=None):
    """Yield a temporary path beside ``path``; on success fsync it, optionally
    ``verify(tmp_path)`` (raise to refuse), and rename it over ``path``.

    On any error the temporary file is removed and ``path`` is left as it was.
    """
    path = os.path.abspath(str(path))
    check_output_path(path)
    folder = os.path.dirname(path) or "."
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.splitext(path)[1], dir=folder)
        os.close(fd)
    except OSError as exc:
        raise UserError(os_error_message(exc, path)) from exc
    try:
        yield tmp
        durable = not _STAGING.get()
        if durable:
            with open(tmp, "rb+") as fh:
                fh.flush()
                os.fsync(fh.fileno())
        if verify is not None:
            verify(tmp)
        os.replace(tmp, path)
        if durable:
            fsync_dir(folder)
    except OSError as exc:
        remove_quietly(tmp)
        raise UserError(os_error_message(exc, path)) from exc
    except BaseException:
        remove_quietly(tmp)
        raise
