"""The office server this PC uses ("Dùng máy chủ dữ liệu trong cơ quan"), remembered per PC.

Host, port, database and user are kept in ``server.json`` in the data folder. The password
never is: it goes to the operating system's keyring (Windows Credential Manager, macOS
Keychain, Secret Service) when the clerk ticks "Ghi nhớ mật khẩu", otherwise it is asked at
every start. Where no keyring works, remembering is refused with a message.
"""
import json
import os

from . import db_pg, paths
from .errors import UserError, ValidationError

FILE_NAME = "server.json"
KEYRING_SERVICE = "ThiDuaKhenThuong"


def _file():
    return os.path.join(paths.data_dir(), FILE_NAME)


def clean_choice(*, host, port, database, user):
    """The form's fields, checked: a dict, or ValidationError naming the field."""
    host, database, user = (host or "").strip(), (database or "").strip(), (user or "").strip()
    if not host:
        raise ValidationError("Hãy nhập địa chỉ máy chủ (tên máy hoặc địa chỉ IP).",
                              field="host")
    try:
        port = int(str(port).strip() or 5432)
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise ValidationError("Cổng phải là một số từ 1 đến 65535 (thường là 5432).",
                              field="port")
    if not database:
        raise ValidationError("Hãy nhập tên cơ sở dữ liệu.", field="database")
    if not user:
        raise ValidationError("Hãy nhập tên đăng nhập máy chủ.", field="user")
    return {"host": host, "port": port, "database": database, "user": user}


def url_of(choice):
    return db_pg.make_url(**{k: choice[k] for k in ("host", "port", "database", "user")})


def load():
    """The remembered choice, or None (this PC works on its own file)."""
    try:
        with open(_file(), encoding="utf-8") as fh:
            data = json.load(fh)
        return clean_choice(**{k: data.get(k) for k in ("host", "port", "database", "user")})
    except (OSError, ValueError, TypeError, UserError):
        return None


def save(choice):
    from . import fileops
    fields = clean_choice(**{k: choice.get(k) for k in ("host", "port", "database", "user")})
    data = json.dumps(fields, ensure_ascii=False, indent=1)          # never the password
    tmp = _file() + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, _file())
    fileops.fsync_dir(os.path.dirname(_file()))


def forget():
    """Back to this PC's own file (the remembered password is removed too)."""
    choice = load()
    if choice is not None:
        forget_password(url_of(choice))
    try:
        os.remove(_file())
    except OSError:
        pass


def _account(url):
    return db_pg.describe_url(url)


def stored_password(url):
    """The password kept in the OS keyring for ``url``, or None."""
    try:
        import keyring
        return keyring.get_password(KEYRING_SERVICE, _account(url))
    except Exception:  # noqa: BLE001 - no keyring on this PC: the password is asked
        return None


def remember_password(url, password):
    try:
        import keyring
        keyring.set_password(KEYRING_SERVICE, _account(url), password)
    except Exception as exc:  # noqa: BLE001 - every backend error means the same to a clerk
        raise UserError(
            "Máy này không có kho mật khẩu của hệ điều hành nên không ghi nhớ được mật "
            "khẩu; chương trình sẽ hỏi mật khẩu mỗi lần mở.") from exc


def forget_password(url):
    try:
        import keyring
        keyring.delete_password(KEYRING_SERVICE, _account(url))
    except Exception:  # noqa: BLE001 - nothing stored: nothing to forget
        pass


def test_connection(url, password):
    """Connect once (no schema work); raises the same DatabaseErrors opening would."""
    database = db_pg.open_connection(url, password=password)
    try:
        db_pg.check_collation(database)
    finally:
        database.close()
