"""Finding removable drives (USB sticks): Windows drive types, mounted media on Linux."""
import os
import shutil
import sys
from dataclasses import dataclass

DRIVE_REMOVABLE = 2
DRIVE_FIXED = 3
BUS_TYPE_USB = 7                     # STORAGE_BUS_TYPE.BusTypeUsb
SEM_FAILCRITICALERRORS = 0x0001      # no "There is no disk in the drive" box
SEM_NOOPENFILEERRORBOX = 0x8000
IOCTL_STORAGE_QUERY_PROPERTY = 0x2D1400
LINUX_ROOTS = ("/media", "/run/media", "/mnt")
PSEUDO_FS = {"proc", "sysfs", "devtmpfs", "devpts", "tmpfs", "cgroup", "cgroup2", "overlay",
             "securityfs", "debugfs", "tracefs", "mqueue", "hugetlbfs", "pstore", "bpf",
             "autofs", "configfs", "fusectl", "binfmt_misc", "nsfs", "squashfs", "ramfs"}


@dataclass
class Drive:
    path: str
    label: str
    free: int
    total: int = 0

    def __iter__(self):            # (path, label, free bytes), as the brief for callers says
        return iter((self.path, self.label, self.free))

    def describe(self):
        gb = self.free / 1024 ** 3
        free = f"{gb:.1f} GB".replace(".", ",") if gb >= 1 else f"{self.free // 1024 ** 2} MB"
        return f"{self.label} ({self.path}) — còn trống {free}"


def _usage(path):
    try:
        u = shutil.disk_usage(path)
        return u.free, u.total
    except OSError:
        return 0, 0


def offered(drive_type, bus_type, *, system_drive=False):
    """Whether a Windows drive is 'a USB' to the clerk: a removable drive (stick, card), or
    a fixed disk on the USB bus (a USB hard disk) that is not the Windows drive."""
    if drive_type == DRIVE_REMOVABLE:
        return True
    return drive_type == DRIVE_FIXED and bus_type == BUS_TYPE_USB and not system_drive


def _windows_bus_type(kernel32, letter):
    """STORAGE_BUS_TYPE of the disk behind ``letter`` (IOCTL_STORAGE_QUERY_PROPERTY, which
    needs no admin rights with zero access); None when it cannot be asked."""
    import ctypes
    from ctypes import wintypes
    kernel32.CreateFileW.restype = wintypes.HANDLE
    raw = kernel32.CreateFileW(f"\\\\.\\{letter}:", 0, 3, None, 3, 0, None)   # OPEN_EXISTING
    if raw in (None, wintypes.HANDLE(-1).value):
        return None
    handle = wintypes.HANDLE(raw)            # keep all 64 bits when passing it back
    try:
        query = (wintypes.DWORD * 3)(0, 0, 0)      # StorageDeviceProperty, standard query
        out = ctypes.create_string_buffer(1024)
        returned = wintypes.DWORD()
        if not kernel32.DeviceIoControl(handle, IOCTL_STORAGE_QUERY_PROPERTY, query,
                                        ctypes.sizeof(query), out, ctypes.sizeof(out),
                                        ctypes.byref(returned), None):
            return None
        # STORAGE_DEVICE_DESCRIPTOR: Version, Size (DWORD); 4 BYTEs; 4 offsets (DWORD);
        # then BusType (DWORD) at byte 28.
        return int.from_bytes(out.raw[28:32], "little")
    finally:
        kernel32.CloseHandle(handle)


def _windows_drives():
    import ctypes
    kernel32 = ctypes.windll.kernel32
    # An empty card-reader slot or a stick pulled midway must not pop up Windows' "There
    # is no disk in the drive" box while we ask: errors come back as return values instead.
    old_mode = ctypes.c_uint()
    kernel32.SetThreadErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX,
                                ctypes.byref(old_mode))
    try:
        system = (os.environ.get("SystemDrive") or "C:")[:1].upper()
        mask = kernel32.GetLogicalDrives()
        out = []
        for i in range(26):
            if not mask & (1 << i):
                continue
            letter = chr(65 + i)
            root = f"{letter}:\\"
            kind = kernel32.GetDriveTypeW(ctypes.c_wchar_p(root))
            if kind not in (DRIVE_REMOVABLE, DRIVE_FIXED):
                continue
            bus = _windows_bus_type(kernel32, letter) if kind == DRIVE_FIXED else None
            if not offered(kind, bus, system_drive=letter == system):
                continue
            name = ctypes.create_unicode_buffer(261)
            ok = kernel32.GetVolumeInformationW(ctypes.c_wchar_p(root), name, 261, None,
                                                None, None, None, 0)
            if not ok:
                continue                    # card reader slot with no card
            free, total = _usage(root)
            out.append(Drive(root, name.value or f"Ổ {root[:2]}", free, total))
        return out
    finally:
        kernel32.SetThreadErrorMode(old_mode.value, None)


def _unescape(field):
    """/proc/mounts writes spaces and tabs as octal escapes (\\040)."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and field[i + 1:i + 4].isdigit():
            out.append(chr(int(field[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def _linux_drives(mounts_file="/proc/mounts", roots=LINUX_ROOTS):
    try:
        with open(mounts_file, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return []
    out, seen = [], set()
    roots = tuple(os.path.abspath(r) for r in roots)
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        device, mount, fstype = _unescape(parts[0]), _unescape(parts[1]), parts[2]
        if fstype in PSEUDO_FS and not device.startswith("/dev/"):
            continue
        mount_abs = os.path.abspath(mount)
        if not any(mount_abs.startswith(r + os.sep) for r in roots):
            continue
        if mount_abs in seen or not os.path.isdir(mount_abs):
            continue
        seen.add(mount_abs)
        free, total = _usage(mount_abs)
        out.append(Drive(mount_abs, os.path.basename(mount_abs) or mount_abs, free, total))
    return out


def removable_drives(*, mounts_file="/proc/mounts", roots=LINUX_ROOTS):
    """Drives a clerk would call 'the USB': [Drive(path, label, free, total)]."""
    if sys.platform == "win32":
        try:
            return _windows_drives()
        except Exception:  # noqa: BLE001 - never let a drive probe break the page
            return []
    return _linux_drives(mounts_file, roots)
