"""PySide6 widgets: pages, dialogs, table models. Importing this package applies the Qt fixes below."""
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
