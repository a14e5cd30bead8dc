"""The two questions a print run asks CUPS around every job — which jobs does a queue hold,
and is the queue enabled and accepting — asked through libcups in this process.

Each answer costs ~0.5–5 ms instead of ~20 ms for an ``lpstat`` process (a second or more
on a loaded machine: fork, exec, a new connection to cupsd). Where libcups is missing
(Windows) or a call fails, every function returns None and the caller asks ``lpstat`` as
before (gui/printing.py), so the answer never depends on this module being usable.
libcups reads CUPS_SERVER like lpstat does; the structures below are those of cups.h
(``cups_job_t``, ``cups_dest_t``, ``cups_option_t``), unchanged since CUPS 1.1.
"""
import ctypes
import ctypes.util

_WHICHJOBS_ALL = -1
_lib = []               # [] not tried yet; [None] not available; [CDLL]


class _Job(ctypes.Structure):
    _fields_ = [("id", ctypes.c_int), ("dest", ctypes.c_char_p), ("title", ctypes.c_char_p),
                ("user", ctypes.c_char_p), ("format", ctypes.c_char_p),
                ("state", ctypes.c_int), ("size", ctypes.c_int), ("priority", ctypes.c_int),
                ("completed_time", ctypes.c_long), ("creation_time", ctypes.c_long),
                ("processing_time", ctypes.c_long)]


class _Option(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("value", ctypes.c_char_p)]


class _Dest(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("instance", ctypes.c_char_p),
                ("is_default", ctypes.c_int), ("num_options", ctypes.c_int),
                ("options", ctypes.POINTER(_Option))]


def _libcups():
    if not _lib:
        lib = None
        try:
            path = ctypes.util.find_library("cups")
            if path:
                lib = ctypes.CDLL(path)
                lib.cupsGetJobs.argtypes = [ctypes.POINTER(ctypes.POINTER(_Job)),
                                            ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
                lib.cupsGetJobs.restype = ctypes.c_int
                lib.cupsFreeJobs.argtypes = [ctypes.c_int, ctypes.POINTER(_Job)]
                lib.cupsGetNamedDest.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                                 ctypes.c_char_p]
                lib.cupsGetNamedDest.restype = ctypes.POINTER(_Dest)
                lib.cupsFreeDests.argtypes = [ctypes.c_int, ctypes.POINTER(_Dest)]
                lib.cupsLastError.restype = ctypes.c_int
        except (OSError, AttributeError):
            lib = None
        _lib.append(lib)
    return _lib[0]


def jobs(name):
    """Ids (``NAME-12``) of every job ``name`` holds or held, as ``lpstat -W all -o NAME``
    lists them; None when libcups cannot tell."""
    lib = _libcups()
    if lib is None:
        return None
    found = ctypes.POINTER(_Job)()
    count = lib.cupsGetJobs(ctypes.byref(found), name.encode(), 0, _WHICHJOBS_ALL)
    try:
        if count < 0 or (count == 0 and lib.cupsLastError() > 0xFF):   # an IPP error
            return None
        return {f"{found[i].dest.decode()}-{found[i].id}" for i in range(count)}
    finally:
        if count > 0:
            lib.cupsFreeJobs(count, found)


def queue_fine(name):
    """True when ``name`` exists, is enabled (idle or printing) and accepts jobs; False when
    it does not (the caller asks lpstat what is wrong, for the clerk's message); None when
    libcups cannot tell."""
    lib = _libcups()
    if lib is None:
        return None
    dest = lib.cupsGetNamedDest(None, name.encode(), None)
    if not dest:
        return False
    try:
        options = {dest[0].options[i].name: dest[0].options[i].value
                   for i in range(dest[0].num_options)}
    finally:
        lib.cupsFreeDests(1, dest)
    return (options.get(b"printer-state") in (b"3", b"4")
            and options.get(b"printer-is-accepting-jobs") == b"true")
