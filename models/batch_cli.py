"""What every batch command of ``main.py`` shares: usage errors, progress on a terminal,
opening the database, the acting user, printing rows (no Qt: commands run without a window).
"""
import os
import sys

from .errors import UserError

PASSWORD_ENV = "TDKT_PASSWORD"


class UsageError(Exception):
    """Wrong use of a command that argparse cannot see (exit code 2)."""


class TerminalProgress:
    """Progress on stderr when it is a terminal; silent otherwise."""

    def __init__(self, label):
        self.label = label
        self.tty = sys.stderr.isatty()

    def __call__(self, done, total):
        if self.tty and total:
            sys.stderr.write(f"\r{self.label}: {done}/{total} ({100 * done // total}%)")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()
        return True


def open_db(path, *, must_exist=True, **options):
    from .db import open_database
    from .db_pg import is_server_url
    if must_exist and not is_server_url(path) and not os.path.exists(path):
        raise UserError(f"Không có tệp dữ liệu {path}. Hãy chạy chương trình một lần "
                        "hoặc dùng lệnh demo để tạo.")
    return open_database(path, **options)


def acting_user(args):
    """The actor of a data-changing command (call after opening the database).

    While the file has no account (a fresh or demo file): the built-in leader. Otherwise
    ``--user`` and its password (from TDKT_PASSWORD, else asked on the terminal), checked
    by the same sign-in as the window's, delays and lock included.
    """
    import getpass
    from . import accounts
    if not accounts.has_users():
        if args.user:
            raise UserError(f"Tệp dữ liệu chưa có tài khoản nào (kể cả {args.user}); "
                            "hãy bỏ --user hoặc tạo tài khoản trong chương trình.")
        return accounts.batch_actor()
    if not args.user:
        raise UserError("Tệp dữ liệu đã có tài khoản: lệnh thay đổi dữ liệu cần "
                        f"--user TÊN_ĐĂNG_NHẬP (mật khẩu hỏi trên màn hình, hoặc đặt biến "
                        f"môi trường {PASSWORD_ENV} khi chạy bằng tệp lệnh).")
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise UserError(f"Không hỏi được mật khẩu (không có màn hình nhập); hãy đặt biến "
                            f"môi trường {PASSWORD_ENV}.")
        password = getpass.getpass(f"Mật khẩu của {args.user}: ")
    return accounts.authenticate(args.user, password)


def print_json(rows):
    from . import json_text
    sys.stdout.write(json_text.dumps(rows) + "\n")   # json.dumps(…, indent=1), faster


def print_table(rows, columns):
    for row in rows:
        sys.stdout.write("\t".join("" if row.get(c) is None else str(row.get(c))
                                   for c in columns) + "\n")
