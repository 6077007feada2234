"""Finding removable media and telling whether the medium is encrypted, on a fake sysfs."""

from __future__ import annotations

from pathlib import Path

from dpscan.scanner.usb import find_removable_mounts, media_encryption, read_mounts

MOUNTS = """\
/dev/sda2 / ext4 rw,relatime 0 0
/dev/sdb1 /media/ict/KINGSTON\\040STICK vfat rw,nosuid 0 0
/dev/mmcblk0p1 /media/ict/CAMERA exfat rw 0 0
/dev/mapper/luks-1234 /media/ict/SECURE ext4 rw 0 0
/dev/mapper/vg-home /home ext4 rw 0 0
//server/staff /mnt/staff cifs rw 0 0
"""


def _sysfs(tmp_path: Path) -> tuple[str, str]:
    proc = tmp_path / "mounts"
    proc.write_text(MOUNTS)
    block = tmp_path / "block"
    for disk, removable in (("sda", "0"), ("sdb", "1"), ("mmcblk0", "1"), ("sdc", "0")):
        (block / disk).mkdir(parents=True)
        (block / disk / "removable").write_text(removable + "\n")
    # sdc is a USB disk that says it is not removable (many do): the USB bus decides.
    usb_device = tmp_path / "devices" / "pci0000:00" / "usb2" / "2-1" / "host6"
    usb_device.mkdir(parents=True)
    (block / "sdc" / "device").symlink_to(usb_device)
    # An unlocked LUKS stick: dm-0 on sdc, its uuid says CRYPT.
    for dm, uuid, slave in (("luks-1234", "CRYPT-LUKS2-abcd-luks-1234", "sdc1"),
                            ("vg-home", "LVM-xyz", "sda3")):
        (block / dm / "dm").mkdir(parents=True)
        (block / dm / "dm" / "uuid").write_text(uuid + "\n")
        (block / dm / "slaves").mkdir()
        (block / dm / "slaves" / slave).mkdir()
    return str(proc), str(block)


def test_removable_mounts_found(tmp_path: Path) -> None:
    proc, block = _sysfs(tmp_path)
    found = find_removable_mounts(proc, block)
    assert [m.mountpoint for m in found] == [
        "/media/ict/KINGSTON STICK", "/media/ict/CAMERA", "/media/ict/SECURE"]


def test_mount_fields_are_unescaped(tmp_path: Path) -> None:
    proc, _ = _sysfs(tmp_path)
    assert any(m.mountpoint == "/media/ict/KINGSTON STICK" for m in read_mounts(proc))


def test_plain_stick_is_unencrypted_and_luks_is_encrypted(tmp_path: Path) -> None:
    proc, block = _sysfs(tmp_path)
    plain = media_encryption("/media/ict/KINGSTON STICK", proc, block)
    assert not plain.encrypted and "without a password" in plain.detail
    luks = media_encryption("/media/ict/SECURE", proc, block)
    assert luks.encrypted and "LUKS2" in luks.detail
    # A folder standing in for a stick sits on the root file system: not encrypted.
    assert not media_encryption("/srv/some/folder", proc, block).encrypted
