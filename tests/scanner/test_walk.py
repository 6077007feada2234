"""The crawl: order, symlink loops, unreadable folders, odd names, excludes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dpscan.model.records import WalkError
from dpscan.scanner import walk
from dpscan.scanner.walk import FileEntry, printable_path, walk_root


def _files(items: list[FileEntry | WalkError]) -> list[str]:
    return [i.relpath for i in items if isinstance(i, FileEntry)]


def test_walk_lists_every_file_in_sorted_order(tmp_path: Path) -> None:
    for rel in ["b/2.txt", "b/1.txt", "a.txt", "c/d/e/f.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    items = list(walk_root(str(tmp_path)))
    assert _files(items) == ["a.txt", "b/1.txt", "b/2.txt", "c/d/e/f.txt"]
    entry = items[0]
    assert isinstance(entry, FileEntry)
    assert entry.root == str(tmp_path) and entry.size == 1 and entry.is_regular


def test_walk_single_file_root_uses_its_folder(tmp_path: Path) -> None:
    target = tmp_path / "one.txt"
    target.write_text("hello")
    (entry,) = list(walk_root(str(target)))
    assert isinstance(entry, FileEntry)
    assert (entry.root, entry.relpath) == (str(tmp_path), "one.txt")


def test_symlink_loop_is_not_followed_forever(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f.txt").write_text("x")
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    assert _files(list(walk_root(str(tmp_path)))) == ["a/f.txt"]
    # Following links still visits each folder once.
    assert _files(list(walk_root(str(tmp_path), follow_symlinks=True))) == ["a/f.txt"]


def test_followed_symlink_to_outside_folder_is_crawled_once(tmp_path: Path) -> None:
    share, other = tmp_path / "share", tmp_path / "other"
    share.mkdir()
    other.mkdir()
    (other / "o.txt").write_text("x")
    os.symlink(other, share / "link1")
    os.symlink(other, share / "link2")
    assert _files(list(walk_root(str(share)))) == []
    assert _files(list(walk_root(str(share), follow_symlinks=True))) == ["link1/o.txt"]


def test_unlistable_folder_is_a_walk_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "ok.txt").write_text("x")
    real_open_folder = walk.open_folder

    def open_folder(path: str, **options: bool) -> int:  # root bypasses permission bits
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", path)
        return real_open_folder(path, **options)

    monkeypatch.setattr(walk, "open_folder", open_folder)
    items = list(walk_root(str(tmp_path)))
    errors = [i for i in items if isinstance(i, WalkError)]
    assert _files(items) == ["ok.txt"]
    assert [(e.path, e.error) for e in errors] == [("locked", "Permission denied (errno 13)")]


def test_non_utf8_name_is_escaped_and_still_openable(tmp_path: Path) -> None:
    raw = os.fsencode(str(tmp_path)) + b"/caf\xe9.txt"
    with open(raw, "wb") as handle:
        handle.write(b"x")
    (entry,) = list(walk_root(str(tmp_path)))
    assert isinstance(entry, FileEntry)
    assert entry.relpath == "caf\\xe9.txt" and entry.non_utf8_name
    entry.relpath.encode("utf-8")  # printable everywhere
    with open(entry.abspath, "rb") as handle:  # the raw name is kept for reading
        assert handle.read() == b"x"


def test_printable_path_keeps_valid_unicode() -> None:
    assert printable_path("Année 6/élève.docx") == ("Année 6/élève.docx", False)


def test_excludes_match_names_and_relative_paths(tmp_path: Path) -> None:
    for rel in ["keep.txt", "~$lock.docx", "Thumbs.db", "tmp/x.txt", "b/tmp/y.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    items = walk_root(str(tmp_path), excludes=["~$*", "Thumbs.db", "tmp"])
    assert _files(list(items)) == ["keep.txt"]


def test_fifo_is_listed_as_non_regular(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (entry,) = list(walk_root(str(tmp_path)))
    assert isinstance(entry, FileEntry) and not entry.is_regular


def test_missing_root_is_a_walk_error(tmp_path: Path) -> None:
    (error,) = list(walk_root(str(tmp_path / "nope")))
    assert isinstance(error, WalkError) and "No such file" in error.error
