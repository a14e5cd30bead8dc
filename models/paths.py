"""Where the program keeps its files (same folders Qt's AppDataLocation would choose)."""
import os
import sys

APP_NAME = "ThiDuaKhenThuong"


def data_dir():
    """The user's data folder; TDKT_DATA_DIR overrides it (tests, portable installs)."""
    override = os.environ.get("TDKT_DATA_DIR")
    if override:
        path = override
    elif sys.platform == "win32":
        path = os.path.join(os.environ.get("APPDATA") or os.path.expanduser("~"), APP_NAME)
    elif sys.platform == "darwin":
        path = os.path.expanduser(f"~/Library/Application Support/{APP_NAME}")
    else:
        base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
        path = os.path.join(base, APP_NAME)
    os.makedirs(path, exist_ok=True)
    return path


def default_db_path():
    return os.path.join(data_dir(), MAIN_FILE_NAME)


DEMO_FILE_NAME = "du-lieu-mau.sqlite3"
MAIN_FILE_NAME = "thiduakhenthuong.sqlite3"


def demo_db_path(main_path):
    """The demo data file beside the commune's own file (never the commune's file)."""
    return os.path.join(os.path.dirname(os.path.abspath(main_path)), DEMO_FILE_NAME)


def is_demo_path(path):
    return os.path.basename(str(path)) == DEMO_FILE_NAME


def main_db_path_for(demo_path):
    """The commune's own file to go back to from the demo file beside it."""
    return os.path.join(os.path.dirname(os.path.abspath(demo_path)), MAIN_FILE_NAME)


def log_dir():
    path = os.path.join(data_dir(), "logs")
    os.makedirs(path, exist_ok=True)
    return path


def backup_dir():
    path = os.path.join(data_dir(), "backups")
    os.makedirs(path, exist_ok=True)
    return path
