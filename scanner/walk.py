"""Crawl the roots of a scan, yielding one entry per file and one error per unreadable folder.

The crawl only lists and lstat()s: it never opens a file, so it is cheap, and it
never follows a directory symlink unless asked (and then never into a loop).
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from dpscan.model.records import WalkError


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A file found by the crawl: where it is and what lstat() said of it.

    ``abspath`` is the str the OS gave us (undecodable bytes kept as surrogates, so the
    file can be opened again); ``relpath`` is the printable name for results.
    """

    root: str
    abspath: str
    relpath: str
    size: int
    mtime_ns: int
    inode: int
    device: int
    mode: int
    non_utf8_name: bool = False

    @property
    def is_regular(self) -> bool:
        """True for a regular file (not a FIFO, socket or device)."""
        return stat.S_ISREG(self.mode)


def printable_path(path: str) -> tuple[str, bool]:
    """Return ``path`` as valid Unicode text and whether it held undecodable bytes.

    POSIX names are bytes; Python keeps bytes that are not UTF-8 as lone surrogates,
    which JSON, HTML and Excel cannot carry.  They become ``\\xNN`` escapes instead.
    """
    try:
        path.encode("utf-8")
        return path, False
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogateescape")
        return raw.decode("utf-8", "backslashreplace"), True


def _relative(root: str, path: str) -> str:
    rel = os.path.relpath(path, root)
    return rel.replace(os.sep, "/") if os.sep != "/" else rel


def is_excluded(relpath: str, excludes: Iterable[str]) -> bool:
    """True when ``relpath`` (relative to its root, "/"-separated) or any folder above it
    matches one of the ``--exclude`` patterns, by its whole relative path or by its name.

    The crawl never enters an excluded folder; the catalogue asks the same question so that
    a file left out of a scan is not taken for a deleted one.
    """
    patterns = tuple(excludes)
    if not patterns:
        return False
    parts = relpath.split("/")
    for depth in range(1, len(parts) + 1):
        prefix, name = "/".join(parts[:depth]), parts[depth - 1]
        if any(fnmatch.fnmatch(prefix, pat) or fnmatch.fnmatch(name, pat) for pat in patterns):
            return True
    return False


def walk_root(
    root: str,
    *,
    follow_symlinks: bool = False,
    excludes: Iterable[str] = (),
) -> Iterator[FileEntry | WalkError]:
    """Yield every file under ``root`` (or ``root`` itself when it is a file) in sorted order.

    Folders that cannot be listed and entries that vanish are yielded as
    :class:`WalkError` records; the crawl carries on.  With ``follow_symlinks`` a
    symlinked folder is entered once at most (tracked by device and inode), so a
    link loop ends the descent instead of recursing forever.
    """
    excludes = tuple(excludes)
    root = os.path.abspath(root)
    display_root, _ = printable_path(root)
    try:
        root_stat = os.stat(root) if follow_symlinks else os.lstat(root)
    except OSError as exc:
        yield WalkError(root=display_root, path="", error=_describe(exc))
        return
    if not stat.S_ISDIR(root_stat.st_mode):
        # A single file given on the command line: its folder becomes the root.
        parent = os.path.dirname(root)
        display_parent, _ = printable_path(parent)
        yield _entry(parent, display_parent, root, os.path.basename(root), root_stat)
        return

    visited: set[tuple[int, int]] = {(root_stat.st_dev, root_stat.st_ino)}
    stack: list[str] = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield WalkError(
                root=display_root,
                path=printable_path(_relative(root, folder))[0],
                error=_describe(exc),
            )
            continue
        subfolders: list[str] = []
        for entry in entries:
            rel = _relative(root, entry.path)
            if excludes and is_excluded(rel, excludes):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISLNK(st.st_mode):
                    if not follow_symlinks:
                        continue
                    st = entry.stat(follow_symlinks=True)
            except FileNotFoundError:
                # Vanished between listing and stat (or a dangling link): not a file any more.
                if not entry.is_symlink():
                    yield WalkError(display_root, printable_path(rel)[0], "vanished during scan")
                continue
            except OSError as exc:
                yield WalkError(display_root, printable_path(rel)[0], _describe(exc))
                continue
            if stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key in visited:
                    continue  # a symlink loop or a second link to a folder already crawled
                visited.add(key)
                subfolders.append(entry.path)
            else:
                yield _entry(root, display_root, entry.path, rel, st)
        # Reverse so the stack pops folders in sorted order: results read top to bottom.
        stack.extend(reversed(subfolders))


def walk_roots(
    roots: Iterable[str], *, follow_symlinks: bool = False, excludes: Iterable[str] = ()
) -> Iterator[FileEntry | WalkError]:
    """Chain :func:`walk_root` over several roots."""
    excludes = tuple(excludes)
    for root in roots:
        yield from walk_root(root, follow_symlinks=follow_symlinks, excludes=excludes)


def _entry(root: str, display_root: str, path: str, rel: str, st: os.stat_result) -> FileEntry:
    relpath, non_utf8 = printable_path(rel)
    return FileEntry(
        root=display_root,
        abspath=path,
        relpath=relpath,
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        inode=st.st_ino,
        device=st.st_dev,
        mode=st.st_mode,
        non_utf8_name=non_utf8,
    )


def _describe(exc: OSError) -> str:
    reason = exc.strerror or exc.__class__.__name__
    return f"{reason} (errno {exc.errno})" if exc.errno else reason
