"""Crawl the roots of a scan, yielding one entry per file and one error per unreadable folder.

The crawl only lists and lstat()s: it never opens a file, so it is cheap, and it
never follows a directory symlink unless asked (and then never into a loop).  The one
exception is the root: a root given as a symlink is crawled as what it leads to.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from dpscan.model.records import WalkError
from dpscan.scanner.fileio import FileIdentity, open_folder, this_host

# Folders are listed through a descriptor opened with O_NOATIME (fileio.open_folder), so a
# scan leaves folders' access times as they were; where scandir cannot take a descriptor
# (Windows) they are listed by path.
_LIST_BY_FD = os.scandir in os.supports_fd


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
    # The machine that listed the file: device numbers mean something only there.
    host: str = field(default_factory=this_host)

    @property
    def is_regular(self) -> bool:
        """True for a regular file (not a FIFO, socket or device)."""
        return stat.S_ISREG(self.mode)

    @property
    def identity(self) -> FileIdentity:
        """The file the crawl saw, which the read must find at ``abspath``."""
        return FileIdentity(device=self.device, inode=self.inode, host=self.host)


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
    parts = relpath.split("/")
    return bool(patterns) and any(
        _matches("/".join(parts[:depth]), parts[depth - 1], patterns)
        for depth in range(1, len(parts) + 1))


def _matches(relpath: str, name: str, patterns: tuple[str, ...]) -> bool:
    """One level of :func:`is_excluded`: ``relpath`` itself, by whole path or by name."""
    return any(fnmatch.fnmatch(relpath, pat) or fnmatch.fnmatch(name, pat) for pat in patterns)


def root_target(root: str) -> str | None:
    """Where ``root`` leads when it is itself a symbolic link (``/mnt/staff`` -> the real
    folder or file), printable; None when it is not a link.  The crawl scans the target but
    keeps the root as the user named it in every record."""
    path = os.path.abspath(root)
    if not os.path.islink(path):
        return None
    return printable_path(os.path.realpath(path))[0]


# SQLite keeps a catalogue's journal and shared memory beside it, named after it.
_CATALOGUE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def scan_outputs(
    *,
    out: str | os.PathLike[str] | None = None,
    catalogue: str | os.PathLike[str] | None = None,
    key: str | os.PathLike[str] | None = None,
    log: str | os.PathLike[str] | None = None,
) -> tuple[str, ...]:
    """The absolute paths a scan writes (reports folder, catalogue with its SQLite
    companions, index key, --log file): what :attr:`ScanConfig.skip_paths` lists so the
    crawl skips them.  The log names the files with personal data, so it would be a finding
    itself, and watch would read it again after every line it writes."""
    paths = [out, key, log, *(f"{os.fspath(catalogue)}{suffix}"
                              for suffix in _CATALOGUE_COMPANIONS if catalogue is not None)]
    return tuple(os.path.abspath(p) for p in paths if p is not None)


@dataclass(frozen=True, slots=True, kw_only=True)
class SkipList:
    """Paths the crawl never lists: the scan's own outputs (reports folder, catalogue, index
    key).  Known by identity when they exist (a relative or linked path matches too) and by
    their folder's identity and name, so a file made during the scan (a catalogue's -wal) is
    skipped as well."""

    identities: frozenset[tuple[int, int]] = frozenset()
    names: frozenset[tuple[int, int, str]] = frozenset()

    @classmethod
    def of(cls, paths: Iterable[str]) -> SkipList:
        """The skip list of ``paths`` (absolute or relative to the current folder)."""
        identities: set[tuple[int, int]] = set()
        names: set[tuple[int, int, str]] = set()
        for given in paths:
            path = os.path.abspath(given)
            with contextlib.suppress(OSError):
                st = os.stat(path)
                identities.add((st.st_dev, st.st_ino))
            with contextlib.suppress(OSError):
                parent = os.stat(os.path.dirname(path))
                names.add((parent.st_dev, parent.st_ino, os.path.basename(path)))
        return cls(identities=frozenset(identities), names=frozenset(names))

    def holds(self, folder: os.stat_result, name: str, st: os.stat_result | None) -> bool:
        """True when ``name`` (with lstat ``st``; None: not there) in ``folder`` is one of
        the skipped paths."""
        return ((st is not None and (st.st_dev, st.st_ino) in self.identities)
                or (folder.st_dev, folder.st_ino, name) in self.names)

    def holds_path(self, path: str) -> bool:
        """True when ``path`` is one of the skipped paths or inside one (for ``watch``,
        which hears of single paths rather than listing folders)."""
        path = os.path.abspath(path)
        while (parent := os.path.dirname(path)) != path:
            try:
                folder = os.stat(parent)
            except OSError:
                folder = None
            try:
                st: os.stat_result | None = os.lstat(path)
            except OSError:
                st = None
            if folder is not None and self.holds(folder, os.path.basename(path), st):
                return True
            path = parent
        return False


def walk_root(
    root: str,
    *,
    follow_symlinks: bool = False,
    excludes: Iterable[str] = (),
    skip: Iterable[str] = (),
) -> Iterator[FileEntry | WalkError]:
    """Yield every file under ``root`` (or ``root`` itself when it is a file) in sorted order.

    A root that is itself a symlink is crawled as the folder (or read as the file) it leads
    to, under the name the user gave it.  Folders that cannot be listed and entries that
    vanish are yielded as :class:`WalkError` records; the crawl carries on.  With
    ``follow_symlinks`` a symlinked folder is entered once at most (tracked by device and
    inode), so a link loop ends the descent instead of recursing forever.  The paths in
    ``skip`` (the scan's own outputs) are never listed.
    """
    excludes = tuple(excludes)
    skipped = SkipList.of(skip)
    root = os.path.abspath(root)
    display_root, _ = printable_path(root)
    try:
        link_stat = os.lstat(root)
        root_stat = os.stat(root) if stat.S_ISLNK(link_stat.st_mode) else link_stat
    except OSError as exc:
        yield WalkError(root=display_root, path="", error=_describe(exc))
        return
    if not stat.S_ISDIR(root_stat.st_mode):
        # A single file given on the command line: its folder becomes the root.  A symlink
        # to a file is read as that file, by its real path (reads never follow a link).
        parent = os.path.dirname(root)
        display_parent, _ = printable_path(parent)
        path = os.path.realpath(root) if stat.S_ISLNK(link_stat.st_mode) else root
        yield file_entry(display_parent, path, os.path.basename(root), root_stat)
        return

    visited: set[tuple[int, int]] = {(root_stat.st_dev, root_stat.st_ino)}
    stack: list[str] = [root]
    while stack:
        folder = stack.pop()
        # The root may be a link (a share mounted through one); below it a folder is a link
        # only when following links, so one swapped for a link since it was listed is refused.
        follow = follow_symlinks or folder == root
        try:
            fd = open_folder(folder, follow_symlinks=follow) if _LIST_BY_FD else None
        except OSError as exc:
            yield _folder_error(root, display_root, folder, exc)
            continue
        try:
            try:
                folder_stat = os.fstat(fd) if fd is not None else os.stat(folder)
                with os.scandir(fd if fd is not None else folder) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as exc:
                yield _folder_error(root, display_root, folder, exc)
                continue
            subfolders: list[str] = []
            for entry in entries:
                # scandir(fd) gives bare names: the path is the folder's and the name.
                path = os.path.join(folder, entry.name)
                rel = _relative(root, path)
                # Only this level: the folders above were checked on the way down.
                if excludes and _matches(rel, entry.name, excludes):
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                    target = path
                    if stat.S_ISLNK(st.st_mode):
                        if not follow_symlinks:
                            continue
                        st = entry.stat(follow_symlinks=True)
                        # Read a linked file by its real path: reads never follow a link.
                        target = os.path.realpath(path)
                    if skipped.holds(folder_stat, entry.name, st):
                        continue
                except FileNotFoundError:
                    # Vanished between listing and stat (or a dangling link): not a file any
                    # more.
                    if not entry.is_symlink():
                        yield WalkError(display_root, printable_path(rel)[0],
                                        "vanished during scan")
                    continue
                except OSError as exc:
                    yield WalkError(display_root, printable_path(rel)[0], _describe(exc))
                    continue
                if stat.S_ISDIR(st.st_mode):
                    key = (st.st_dev, st.st_ino)
                    if key in visited:
                        continue  # a symlink loop or a second link to a folder already crawled
                    visited.add(key)
                    subfolders.append(path)
                else:
                    yield file_entry(display_root, target, rel, st)
        finally:
            if fd is not None:
                os.close(fd)
        # Reverse so the stack pops folders in sorted order: results read top to bottom.
        stack.extend(reversed(subfolders))


def walk_roots(
    roots: Iterable[str],
    *,
    follow_symlinks: bool = False,
    excludes: Iterable[str] = (),
    skip: Iterable[str] = (),
) -> Iterator[FileEntry | WalkError]:
    """Chain :func:`walk_root` over several roots."""
    excludes, skip = tuple(excludes), tuple(skip)
    for root in roots:
        yield from walk_root(root, follow_symlinks=follow_symlinks, excludes=excludes,
                             skip=skip)


def _folder_error(root: str, display_root: str, folder: str, exc: OSError) -> WalkError:
    return WalkError(root=display_root, path=printable_path(_relative(root, folder))[0],
                     error=_describe(exc))


def file_entry(display_root: str, path: str, rel: str, st: os.stat_result) -> FileEntry:
    """The entry of the file at ``path`` (``rel`` below the root shown as ``display_root``)
    with its lstat ``st``: for the crawl, and for watch's single paths."""
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
