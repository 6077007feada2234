"""Removable media: find mounted USB sticks, tell whether the medium is encrypted, and
give the short verdict someone holding a returned stick needs.

Linux: a block device is removable when ``/sys/block/<dev>/removable`` is 1 (or it
hangs off the USB bus); its partitions' mount points come from ``/proc/mounts``.
Windows: drive letters whose type is DRIVE_REMOVABLE.  A medium counts as encrypted
when it is mounted through a decrypting layer (dm-crypt/LUKS, BitLocker via dislocker,
VeraCrypt); one that reads without a password is unencrypted media.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dpscan.model.ids import Protection, Status
from dpscan.model.records import ScanResult
from dpscan.model.wording import counted
from dpscan.reports._summary import people_in


@dataclass(frozen=True, slots=True)
class Mount:
    """A mounted removable medium."""

    device: str
    mountpoint: str
    fstype: str


@dataclass(frozen=True, slots=True)
class MediaEncryption:
    """Whether the medium itself is encrypted, and how dpscan knows."""

    encrypted: bool
    detail: str


def _unescape_mount_field(field: str) -> str:
    # /proc/mounts writes space, tab, newline and backslash as octal escapes.
    return (field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
            .replace("\\134", "\\"))


def read_mounts(proc_mounts: str = "/proc/mounts") -> list[Mount]:
    """Every mount in ``proc_mounts`` (device, mount point, file system type)."""
    mounts = []
    try:
        with open(proc_mounts, encoding="utf-8", errors="surrogateescape") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) >= 3:
                    mounts.append(Mount(_unescape_mount_field(parts[0]),
                                        _unescape_mount_field(parts[1]), parts[2]))
    except OSError:
        return []
    return mounts


def removable_block_devices(sys_block: str = "/sys/block") -> set[str]:
    """Names of removable whole-disk devices (``sdb``, ``mmcblk0`` ...)."""
    found: set[str] = set()
    try:
        names = os.listdir(sys_block)
    except OSError:
        return found
    for name in names:
        base = Path(sys_block) / name
        try:
            removable = (base / "removable").read_text().strip() == "1"
        except OSError:
            removable = False
        try:
            on_usb = "/usb" in os.path.realpath(base / "device")
        except OSError:
            on_usb = False
        if removable or on_usb:
            found.add(name)
    return found


def _disk_of(device: str, disks: Iterable[str]) -> str | None:
    name = os.path.basename(os.path.realpath(device)) if device.startswith("/dev/") else ""
    for disk in disks:
        if name == disk or (name.startswith(disk) and name[len(disk):].lstrip("p").isdigit()):
            return disk
    return None


def find_removable_mounts(proc_mounts: str = "/proc/mounts",
                          sys_block: str = "/sys/block") -> list[Mount]:
    """Mounted file systems on removable media, in mount order."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return _windows_removable_drives()
    disks = removable_block_devices(sys_block)
    found = []
    for mount in read_mounts(proc_mounts):
        if _disk_of(mount.device, disks) is not None:
            found.append(mount)
        elif mount.device.startswith("/dev/mapper/") or mount.device.startswith("/dev/dm-"):
            # An unlocked encrypted stick mounts through device-mapper: see whether the
            # mapping sits on a removable disk.
            if _mapper_on_removable(mount.device, disks, sys_block):
                found.append(mount)
    return found


def _dm_name(device: str) -> str:
    return os.path.basename(os.path.realpath(device))


def _mapper_on_removable(device: str, disks: set[str], sys_block: str) -> bool:
    slaves = Path(sys_block) / _dm_name(device) / "slaves"
    try:
        return any(_disk_of("/dev/" + s, disks) for s in os.listdir(slaves))
    except OSError:
        return False


def media_encryption(mountpoint: str, proc_mounts: str = "/proc/mounts",
                     sys_block: str = "/sys/block") -> MediaEncryption:
    """Whether the medium mounted at ``mountpoint`` is encrypted as a whole."""
    target = os.path.realpath(mountpoint)
    best: Mount | None = None
    for mount in read_mounts(proc_mounts):
        if (target == mount.mountpoint or target.startswith(mount.mountpoint.rstrip("/") + "/")
                or mount.mountpoint == "/"):
            if best is None or len(mount.mountpoint) > len(best.mountpoint):
                best = mount
    if best is None:
        return MediaEncryption(False, "mounted and readable without a password")
    if best.device.startswith("/dev/mapper/") or best.device.startswith("/dev/dm-"):
        uuid_file = Path(sys_block) / _dm_name(best.device) / "dm" / "uuid"
        try:
            uuid = uuid_file.read_text().strip()
        except OSError:
            uuid = ""
        if uuid.startswith("CRYPT-"):
            return MediaEncryption(True, f"encrypted volume ({uuid.split('-')[1]}) unlocked "
                                         "with a password")
    if "dislocker" in best.device or best.fstype == "fuse.dislocker":
        return MediaEncryption(True, "BitLocker To Go volume unlocked with a password")
    if "veracrypt" in best.device.lower():
        return MediaEncryption(True, "VeraCrypt volume unlocked with a password")
    return MediaEncryption(False, "mounted and readable without a password")


def _windows_removable_drives() -> list[Mount]:  # pragma: no cover - Windows only
    import ctypes
    import string

    drive_removable = 2
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    bitmask = kernel32.GetLogicalDrives()
    found = []
    for index, letter in enumerate(string.ascii_uppercase):
        if bitmask & (1 << index):
            root = f"{letter}:\\"
            if kernel32.GetDriveTypeW(root) == drive_removable:
                found.append(Mount(root, root, "removable"))
    return found


def usb_verdict(mountpoint: str, result: ScanResult, encryption: MediaEncryption) -> str:
    """The short verdict printed after a USB scan.

    Files are the stick's own (an archive counts once, with what is inside it); people are
    distinct where the scan can tell, else "up to N" (see :func:`people_in`)."""
    files = [f for f in result.files if f.container is None]
    personal = [f for f in files if f.holds_personal_data]
    special = [f for f in personal if f.special_categories or f.members_special_categories]
    encrypted_files = sum(1 for f in files if f.protection == Protection.ENCRYPTED)
    unprotected = [f for f in personal if f.protection != Protection.ENCRYPTED]
    lines = [f"USB {mountpoint}: {counted(len(files), 'file')}"]
    if personal:
        people = people_in(result.files)
        lines.append(f"  {len(personal)} hold personal data about {people}"
                     + ("" if people.counted else
                        f" (at least {people.at_least}; the same person may be in several)"))
    else:
        lines.append("  no personal data found")
    if special:
        categories = sorted({c for f in special
                             for c in (*f.special_categories, *f.members_special_categories)})
        lines.append(f"  {len(special)} hold special category data ({', '.join(categories)})")
    lines.append(f"  medium: {'ENCRYPTED' if encryption.encrypted else 'NOT ENCRYPTED'}"
                 f" ({encryption.detail}); {counted(encrypted_files, 'file')} individually "
                 "encrypted")
    if personal and not encryption.encrypted and unprotected:
        lines.append(f"  VERDICT: POLICY BREACH: {counted(len(unprotected), 'file')} with "
                     "personal data "
                     "on unencrypted removable media. Encrypt the stick or remove them.")
    elif personal:
        lines.append("  VERDICT: personal data is on this stick but encrypted: check it is "
                     "still needed.")
    elif result.scan.errors or not result.scan.complete:
        # Never a plain "clean" for a stick dpscan could not read whole.
        lines.append("  VERDICT: no personal data found in what could be read; the rest was "
                     "not checked: open it by hand.")
    else:
        lines.append("  VERDICT: no personal data found.")
    if not result.scan.complete:
        lines.append("  WARNING: the scan did not finish (stick removed?): the verdict is partial.")
    unread_files = sum(1 for f in result.files if f.status == Status.ERROR)
    unread_folders = len(result.scan.walk_errors)
    if unread_files:
        lines.append(f"  {counted(unread_files, 'file')} could not be read: see the report.")
    if unread_folders:
        lines.append(f"  {counted(unread_folders, 'folder')} could not be listed: see the "
                     "report.")
    return "\n".join(lines)


__all__ = [
    "MediaEncryption",
    "Mount",
    "find_removable_mounts",
    "media_encryption",
    "read_mounts",
    "removable_block_devices",
    "usb_verdict",
]
