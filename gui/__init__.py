"""PySide6 widgets: pages, dialogs, table models. Importing this package applies the Qt fixes below."""
import os
import sys


def _make_bools_immortal():
    """Work around PySide6 6.12.0: ``SignalInstance.emit()`` drops one reference to ``True``
    on every call. Python < 3.12 counts references to ``True``, so after some thousands of
    emits (progress of a long task, data-changed notices) it aborts with 'bool_dealloc'.
    Python 3.12+ makes ``True``/``False`` immortal; do the same here by giving them a
    reference count no program can use up. Harmless with a PySide6 that has no such bug.
    ``None`` too: every call of a void method (``QPainter.setPen``, ``translate``…) drops
    one reference to ``None``; printing a few hundred pages makes tens of thousands.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes
    for obj in (True, False, None):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


_make_bools_immortal()


# package → whether its modules use PySide6: ours, and the data layer's library
KNOWN_PACKAGES = {"gui": True, "models": False, "reports": False, "resources": False,
                  "peewee": False, "playhouse": False}


def skip_source_scan_of_our_modules():
    """After PySide6 is loaded, its import hook (``shibokensupport.feature``, for ``from
    __feature__ import …``) reads the whole source file of every module imported for the
    first time (or imported again, e.g. peewee or datetime by a module loaded later) and looks
    for the word "PySide6" in it: 20-40 ms for the modules of start-up (issue 15). It is
    told the answer for ours (a module under gui/ uses PySide6, one under models/ or
    reports/ never does: tests/test_layers.py), peewee's and the standard library's (never),
    without reading them; none uses ``__feature__``, so either answer selects no feature. Any other module is scanned as before; a PySide6 without this hook is left
    alone."""
    feature = sys.modules.get("shibokensupport.feature")
    scan = getattr(feature, "_mod_uses_pyside", None)
    if scan is None or getattr(scan, "ours_known", False):
        return

    stdlib = os.path.dirname(os.__file__) + os.sep

    def uses_pyside(module):
        package = getattr(module, "__name__", "").partition(".")[0]
        if package in KNOWN_PACKAGES:
            return KNOWN_PACKAGES[package]
        origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
        if origin.startswith(stdlib) and "-packages" not in origin[len(stdlib):]:
            return False        # site-packages may lie inside the standard library's folder
        return scan(module)
    uses_pyside.ours_known = True
    feature._mod_uses_pyside = uses_pyside
