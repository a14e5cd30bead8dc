"""The build files agree with each other and with the code: page registry, resources,
PyInstaller spec and Inno Setup script (which can only be compiled on Windows)."""
import ast
import os
import re

from PySide6.QtWidgets import QWidget

from gui import main_window
from resources import resource_path
from tests import frozen

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ISS = os.path.join(ROOT, "packaging", "thiduakhenthuong.iss")


def _iss():
    with open(ISS, encoding="utf-8-sig") as fh:
        return fh.read()


def test_every_page_module_is_registered_by_an_explicit_import():
    source = open(main_window.__file__, encoding="utf-8").read()
    assert "importlib" not in source and "import_module" not in source
    pages_dir = os.path.join(ROOT, "gui", "pages")
    page_modules = set()
    for name in os.listdir(pages_dir):
        if name.endswith(".py"):
            tree = ast.parse(open(os.path.join(pages_dir, name), encoding="utf-8").read())
            if any(isinstance(n, ast.ClassDef) and n.name.endswith("Page") for n in tree.body):
                page_modules.add(name[:-3])
    loaded = set()
    for key, label, load in main_window.PAGES:
        cls = load()
        assert issubclass(cls, QWidget) and label
        loaded.add(cls.__module__.rsplit(".", 1)[1])
    assert page_modules <= loaded, page_modules - loaded


def test_resources_are_found_through_the_one_helper_in_source_and_frozen(monkeypatch, tmp_path):
    assert os.path.isfile(resource_path("defaults", "catalogue.json"))
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert resource_path("defaults", "catalogue.json") == str(
        tmp_path / "resources" / "defaults" / "catalogue.json")


def test_spec_names_match_what_tests_and_installer_expect():
    spec = open(frozen.SPEC, encoding="utf-8").read()
    assert f'APP = "{frozen.APP}"' in spec and f'CONSOLE = "{frozen.CONSOLE}"' in spec
    for unused in ("numpy", "tkinter"):
        assert f'"{unused}"' in spec
    iss = _iss()
    assert f'#define AppFolder "{frozen.APP}"' in iss
    assert f'#define AppExe "{frozen.APP}.exe"' in iss


def test_installer_is_per_user_and_never_touches_the_data_folder():
    iss = _iss()
    setup = dict(re.findall(r"^(\w+)=(.*)$", iss.split("[Setup]")[1].split("\n[")[0], re.M))
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"].startswith("{autopf}")        # %LOCALAPPDATA%\Programs
    assert setup["MinVersion"] == "10.0.17763"                   # Windows 10 1809
    assert "x64" in setup["ArchitecturesAllowed"]
    sections = re.findall(r"^\[(\w+)\]", iss, re.M)
    assert "UninstallDelete" not in sections and "Dirs" not in sections
    assert "{userappdata}" not in iss.split("[Files]")[1].split("[Icons]")[0]
    icons = iss.split("[Icons]")[1].split("\n[")[0]
    assert '{autodesktop}\\{#AppName}' in icons and "{autoprograms}" in icons
    assert '#define AppName "Thi đua - Khen thưởng"' in iss
    assert "Gỡ cài đặt" in icons


def test_readme_build_commands_use_the_checked_in_files():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    assert "packaging\\thiduakhenthuong.spec" in readme
    assert "packaging\\thiduakhenthuong.iss" in readme
    assert "1809" in readme and "64" in readme
