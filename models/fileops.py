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
