#!/usr/bin/env python3
"""Writes the hostile-input corpus: malformed .debs, wheels, sdists and tarballs, and hostile upload names.

Usage: make-hostile-corpus.py OUTDIR

Writes the files into OUTDIR and OUTDIR/manifest.tsv, one line per case:
    case-id <TAB> upload path (percent-encoded, under the server root) <TAB> file <TAB> expected HTTP status
    <TAB> text the answer must contain (case-insensitive; empty: any non-empty reason)
Every file is deterministic. Bombs are small on disk and huge once decompressed. Nothing here is valid: every
case must be refused with a clear reason and leave the repository as it was.
"""
import gzip
import io
import lzma
import os
import struct
import sys
import tarfile
import zipfile

OUT = sys.argv[1] if len(sys.argv) > 1 else sys.exit(__doc__)
os.makedirs(OUT, exist_ok=True)
cases = []


# What the error must say, for the cases that do not give it at their call: the words a user needs to see what
# is wrong with the file (the test compares case-insensitively, as a substring of the answer).
REASONS = {
    "tar-empty": "unrecognized archive format",
    "tar-truncated": "truncated",
    "tar-wrong-magic": "unrecognized archive format",
    "tar-zip-named-tgz": "the content is zip",
    "tar-xz-truncated": "not a valid package",
    "tar-bz2-garbage": "unrecognized archive format",
    "tar-zst-garbage": "zstd",
    "tar-nested-then-truncated": "truncated",
    "tar-absurd-size": "not a valid package",
    "name-control-char": "control character",
    "name-not-utf8": "percent-encoding",
    "name-dotdot": "'..' are not allowed",
    "name-encoded-traversal": "in a path segment",
    "name-backslash": "in a path segment",
    "name-nul": "control character",
    "name-too-long": "invalid filename",
    "name-no-version": "version starting with a digit",
    "name-hidden": "must not start with '.'",
    "name-reserved": "read-only",
    "deb-empty": "not an ar archive",
    "deb-wrong-magic": "not an ar archive",
    "deb-no-debian-binary": "not debian-binary",
    "deb-format-3": "unsupported debian package format",
    "deb-no-control": "expected a control.tar member",
    "deb-no-package-field": "no package field",
    "deb-duplicate-field": "duplicate field",
    "deb-control-chars": "control character",
    "deb-not-utf8": "not valid utf-8",
    "deb-bad-version": "invalid debian version",
    "deb-epoch-not-number": "epoch",
    "deb-architecture-traversal": "invalid debian architecture",
    "deb-data-truncated": "truncated",
    "deb-absurd-member-size": "larger than",
    "deb-100mb-control": "larger than 1 mib",
    "deb-control-traversal": "'..' component",
    "whl-empty": "must be a zip archive",
    "whl-wrong-magic": "must be a zip archive",
    "whl-bad-filename": "invalid wheel file name",
    "whl-100mb-metadata": "larger than 8 mib",
    "whl-metadata-not-utf8": "not valid utf-8",
    "whl-metadata-control-chars": "control character",
    "whl-metadata-duplicate-name": "more than once",
    "whl-no-metadata": "has no",
    "whl-zip-bomb": "decompresses to more than",
    "whl-version-mismatch": "metadata says",
    "sdist-no-pkg-info": "has no",
}


def case(case_id, path, data, status=400, reason=""):
    """Records one upload of `data` (bytes) to `path`; the answer must contain `reason` (or REASONS[case_id])."""
    name = case_id + ".bin"
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    reason = reason or REASONS.get(case_id, "")
    if not reason:
        sys.exit(f"{case_id}: no expected reason (give reason= or add it to REASONS)")
    cases.append((case_id, path, name, str(status), reason))


# --- building blocks --------------------------------------------------------------------------------------------

def tar_bytes(members, compression="gz"):
    """members: (TarInfo-like dict, bytes or None). compression: gz, xz, bz2 or ''."""
    buffer = io.BytesIO()
    mode = "w:" + compression if compression else "w"
    with tarfile.open(fileobj=buffer, mode=mode, format=tarfile.GNU_FORMAT) as tar:
        for spec, data in members:
            info = tarfile.TarInfo(spec["name"])
            info.mtime = 1_700_000_000
            info.type = spec.get("type", tarfile.REGTYPE)
            info.linkname = spec.get("linkname", "")
            info.mode = spec.get("mode", 0o644)
            if data is not None:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)
    return buffer.getvalue()


def zip_bytes(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = compression
            z.writestr(info, data)
    return buffer.getvalue()


def ar_bytes(members):
    """A Debian-style ar archive; members: (name, bytes[, declared size])."""
    out = bytearray(b"!<arch>\n")
    for member in members:
        name, data = member[0], member[1]
        size = member[2] if len(member) > 2 else len(data)
        header = f"{name:<16}{1700000000:<12}{0:<6}{0:<6}{'100644':<8}{size:<10}`\n".encode()
        out += header + data
        if len(data) % 2:
            out += b"\n"
    return bytes(out)


def control_tar(control_text, compression="gz", extra=()):
    data = control_text if isinstance(control_text, bytes) else control_text.encode()
    return tar_bytes([({"name": "./control"}, data)] + list(extra), compression)


GOOD_CONTROL = "Package: hostile\nVersion: 1.0\nArchitecture: amd64\nMaintainer: t <t@example.com>\nDescription: x\n y\n"
DATA_TAR = tar_bytes([({"name": "./usr/share/doc/hostile/README"}, b"hello\n")], "gz")


def deb(control=GOOD_CONTROL, debian_binary=b"2.0\n", data=DATA_TAR, control_member=None, members=None):
    if members is None:
        members = [("debian-binary", debian_binary),
                   ("control.tar.gz", control_member if control_member is not None else control_tar(control)),
                   ("data.tar.gz", data)]
    return ar_bytes(members)


def apt(name):
    return "apt/h/pool/stable/main/" + name


METADATA = "Metadata-Version: 2.1\nName: hostile\nVersion: 1.0\n\n"
WHEEL = "Wheel-Version: 1.0\nGenerator: corpus\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def wheel(metadata=METADATA, extra=(), wheel_text=WHEEL, dist_info="hostile-1.0.dist-info"):
    members = [("hostile/__init__.py", b"")] + list(extra)
    members += [(dist_info + "/METADATA", metadata.encode() if isinstance(metadata, str) else metadata),
                (dist_info + "/WHEEL", wheel_text.encode()), (dist_info + "/RECORD", b"")]
    return zip_bytes(members)


WHEEL_NAME = "hostile-1.0-py3-none-any.whl"


def pypi(name):
    return "pypi/h/" + name


def tar(name):
    return "tar/h/" + name


GOOD_TARBALL = tar_bytes([({"name": "hostile-1.0/README"}, b"x\n")])
ZEROS_1M = b"\0" * (1 << 20)  # written 512 times below, streamed through gzip

# --- tarballs ---------------------------------------------------------------------------------------------------

case("tar-empty", tar("hostile-1.0.tar.gz"), b"")
case("tar-truncated", tar("hostile-1.0.tar.gz"), GOOD_TARBALL[: len(GOOD_TARBALL) // 2])
case("tar-wrong-magic", tar("hostile-1.0.tar.gz"), b"MZ\x90\0" + bytes(range(256)) * 4)
case("tar-zip-named-tgz", tar("hostile-1.0.tgz"), zip_bytes([("a", b"b")]))
case("tar-xz-truncated", tar("hostile-1.0.tar.xz"), tar_bytes([({"name": "a"}, os.urandom(0) + b"x" * 5000)], "xz")[:100])
case("tar-bz2-garbage", tar("hostile-1.0.tar.bz2"), b"BZh9" + b"\x17" * 500)
case("tar-zst-garbage", tar("hostile-1.0.tar.zst"), b"\x28\xb5\x2f\xfd" + b"\x01" * 500)
case("tar-dotdot-entry", tar("hostile-1.0.tar.gz"), tar_bytes([({"name": "../../etc/cron.d/evil"}, b"* * * * * root id\n")]), reason="..")
case("tar-absolute-entry", tar("hostile-1.0.tar.gz"), tar_bytes([({"name": "/etc/passwd"}, b"root::0:0::/:/bin/sh\n")]), reason="absolute")
case("tar-symlink-absolute", tar("hostile-1.0.tar.gz"),
     tar_bytes([({"name": "hostile-1.0/passwd", "type": tarfile.SYMTYPE, "linkname": "/etc/passwd"}, None)]), reason="link")
case("tar-symlink-escapes", tar("hostile-1.0.tar.gz"),
     tar_bytes([({"name": "hostile-1.0/up", "type": tarfile.SYMTYPE, "linkname": "../../.."}, None)]), reason="link")
# Each link alone stays inside (d/a -> .. is the root; d/a/b -> .. is d/a's parent as written), but once an
# extractor follows the first, b lands at the root and points above it; then a file is written through b.
case("tar-symlink-chain", tar("hostile-1.0.tar.gz"),
     tar_bytes([({"name": "d/a", "type": tarfile.SYMTYPE, "linkname": ".."}, None),
                ({"name": "d/a/b", "type": tarfile.SYMTYPE, "linkname": ".."}, None),
                ({"name": "d/a/b/evil"}, b"outside\n")]), reason="through its own symbolic link")
case("sdist-write-through-symlink", pypi("hostile-1.0.tar.gz"),
     tar_bytes([({"name": "hostile-1.0/PKG-INFO"}, METADATA.encode()),
                ({"name": "hostile-1.0/up", "type": tarfile.SYMTYPE, "linkname": "."}, None),
                ({"name": "hostile-1.0/up/setup.py"}, b"")]), reason="through its own symbolic link")
case("tar-hardlink-escapes", tar("hostile-1.0.tar.gz"),
     tar_bytes([({"name": "hostile-1.0/shadow", "type": tarfile.LNKTYPE, "linkname": "../../etc/shadow"}, None)]), reason="link")
case("tar-device-node", tar("hostile-1.0.tar.gz"),
     tar_bytes([({"name": "hostile-1.0/sda", "type": tarfile.BLKTYPE, "mode": 0o660}, None)]), reason="device")
case("tar-fifo", tar("hostile-1.0.tar.gz"), tar_bytes([({"name": "hostile-1.0/pipe", "type": tarfile.FIFOTYPE}, None)]), reason="fifo")
bomb = io.BytesIO()
with gzip.GzipFile(fileobj=bomb, mode="wb", compresslevel=9, mtime=0) as g:
    header = tarfile.TarInfo("bomb.bin")
    header.size = 512 << 20
    g.write(header.tobuf(format=tarfile.GNU_FORMAT))
    for _ in range(512):
        g.write(ZEROS_1M)
case("tar-gzip-bomb", tar("hostile-1.0.tar.gz"), bomb.getvalue(), reason="decompresses to more than")
nested = GOOD_TARBALL
for level in range(4):
    nested = tar_bytes([({"name": f"level{level}.tar.gz"}, nested)])
case("tar-nested-then-truncated", tar("hostile-1.0.tar.gz"), nested[:-40])
absurd = bytearray(tar_bytes([({"name": "hostile-1.0/big"}, b"x" * 10)], ""))
absurd[124:136] = b"77777777777\0"  # a declared size of 8 GiB in a 10-byte archive
case("tar-absurd-size", tar("hostile-1.0.tar.gz"), gzip.compress(bytes(absurd), mtime=0))
case("tar-no-entries", tar("hostile-1.0.tar.gz"), tar_bytes([]), reason="no entries")

# --- upload names (any format: the name is checked first) ------------------------------------------------------

case("name-control-char", "tar/h/host%01ile-1.0.tar.gz", GOOD_TARBALL)
case("name-not-utf8", "tar/h/host%FFile-1.0.tar.gz", GOOD_TARBALL)
case("name-dotdot", "tar/h/%2e%2e", GOOD_TARBALL)
case("name-encoded-traversal", "tar/h/%2e%2e%2f%2e%2e%2fescape-1.0.tar.gz", GOOD_TARBALL)
case("name-backslash", "tar/h/..%5c..%5cescape-1.0.tar.gz", GOOD_TARBALL)
case("name-nul", "tar/h/hostile%00-1.0.tar.gz", GOOD_TARBALL)
case("name-too-long", "tar/h/" + "h" * 300 + "-1.0.tar.gz", GOOD_TARBALL)
case("name-no-version", "tar/h/hostile.tar.gz", GOOD_TARBALL)
case("name-hidden", "tar/h/.hostile-1.0.tar.gz", GOOD_TARBALL)
case("name-reserved", "tar/h/SHA256SUMS", b"0" * 64 + b"  x\n", status=403)

# --- .deb -------------------------------------------------------------------------------------------------------

NAME = "hostile_1.0_amd64.deb"
case("deb-empty", apt(NAME), b"")
case("deb-wrong-magic", apt(NAME), b"PK\x03\x04" + b"\0" * 100)
case("deb-no-debian-binary", apt(NAME), deb(members=[("control.tar.gz", control_tar(GOOD_CONTROL)), ("data.tar.gz", DATA_TAR)]))
case("deb-format-3", apt(NAME), deb(debian_binary=b"3.0\n"))
case("deb-no-control", apt(NAME), deb(members=[("debian-binary", b"2.0\n"), ("data.tar.gz", DATA_TAR)]))
case("deb-no-package-field", apt(NAME), deb(control="Version: 1.0\nArchitecture: amd64\nDescription: x\n"))
case("deb-duplicate-field", apt(NAME), deb(control="Package: hostile\nPackage: other\nVersion: 1.0\nArchitecture: amd64\nDescription: x\n"))
case("deb-control-chars", apt(NAME), deb(control="Package: hostile\nVersion: 1.0\nArchitecture: amd64\nDescription: x\x1b[31m\n"))
case("deb-not-utf8", apt(NAME), deb(control=b"Package: hostile\nVersion: 1.0\nArchitecture: amd64\nMaintainer: \xff\xfe\nDescription: x\n"))
case("deb-bad-version", apt("hostile_1.0 beta_amd64.deb".replace(" ", "%20")),
     deb(control=GOOD_CONTROL.replace("Version: 1.0", "Version: 1.0 beta")))
case("deb-epoch-not-number", apt(NAME), deb(control=GOOD_CONTROL.replace("Version: 1.0", "Version: x:1.0")))
case("deb-architecture-traversal", apt(NAME), deb(control=GOOD_CONTROL.replace("Architecture: amd64", "Architecture: ../../x")))
case("deb-data-truncated", apt(NAME), deb(data=DATA_TAR[: len(DATA_TAR) // 2]))
case("deb-absurd-member-size", apt(NAME),
     ar_bytes([("debian-binary", b"2.0\n"), ("control.tar.gz", control_tar(GOOD_CONTROL), 9_999_999_999)]))
huge_control = GOOD_CONTROL + "X-Padding: " + "p" * (100 << 20) + "\n"
case("deb-100mb-control", apt(NAME), deb(control=huge_control))
case("deb-control-traversal", apt(NAME),
     deb(control_member=tar_bytes([({"name": "./control"}, GOOD_CONTROL.encode()), ({"name": "../../etc/evil"}, b"x")])))

# --- wheels and sdists ------------------------------------------------------------------------------------------

case("whl-empty", pypi(WHEEL_NAME), b"")
case("whl-wrong-magic", pypi(WHEEL_NAME), b"\x1f\x8b" + b"\0" * 200)
case("whl-bad-filename", pypi("hostile.whl"), wheel())
case("whl-dotdot-entry", pypi(WHEEL_NAME), wheel(extra=[("../../evil.pth", b"import os")]), reason="..")
case("whl-absolute-entry", pypi(WHEEL_NAME), wheel(extra=[("/usr/lib/evil.pth", b"import os")]), reason="absolute")
case("whl-100mb-metadata", pypi(WHEEL_NAME), wheel(metadata=METADATA + "X" * (100 << 20)))
case("whl-metadata-not-utf8", pypi(WHEEL_NAME), wheel(metadata=b"Metadata-Version: 2.1\nName: hostile\nVersion: 1.0\nSummary: \xff\n"))
case("whl-metadata-control-chars", pypi(WHEEL_NAME), wheel(metadata="Metadata-Version: 2.1\nName: host\x07ile\nVersion: 1.0\n"))
case("whl-metadata-duplicate-name", pypi(WHEEL_NAME), wheel(metadata="Metadata-Version: 2.1\nName: hostile\nName: other\nVersion: 1.0\n"))
case("whl-no-metadata", pypi(WHEEL_NAME), zip_bytes([("hostile/__init__.py", b""), ("hostile-1.0.dist-info/WHEEL", WHEEL.encode())]))
case("whl-zip-bomb", pypi(WHEEL_NAME), wheel(extra=[("hostile/zeros.bin", b"\0" * (600 << 20))]), reason="")
case("whl-version-mismatch", pypi(WHEEL_NAME), wheel(metadata=METADATA.replace("Version: 1.0", "Version: 2.0")))
case("sdist-no-pkg-info", pypi("hostile-1.0.tar.gz"), tar_bytes([({"name": "hostile-1.0/setup.py"}, b"")]))
case("sdist-symlink-escapes", pypi("hostile-1.0.tar.gz"),
     tar_bytes([({"name": "hostile-1.0/PKG-INFO"}, METADATA.encode()),
                ({"name": "hostile-1.0/link", "type": tarfile.SYMTYPE, "linkname": "/etc/passwd"}, None)]), reason="link")
case("sdist-dotdot-entry", pypi("hostile-1.0.tar.gz"),
     tar_bytes([({"name": "hostile-1.0/PKG-INFO"}, METADATA.encode()), ({"name": "hostile-1.0/../../x"}, b"x")]), reason="..")

# --- issue 14, archives: names under the C locale, link chains in every format, header bombs -------------------

def zip_with_links(members):
    """A zip whose (name, data, symlink) members may be symbolic links (Unix external attributes, as Info-ZIP writes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, symlink in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = (0o120777 if symlink else 0o100644) << 16
            z.writestr(info, data)
    return buffer.getvalue()


def links(*pairs, prefix=""):
    return [({"name": prefix + name, "type": tarfile.SYMTYPE, "linkname": target}, None) for name, target in pairs]


def pax_header(size):
    """A ustar header of type 'x' (pax extended header) declaring `size` bytes."""
    header = tarfile.TarInfo("PaxHeader")
    header.type, header.size, header.mtime = tarfile.XHDTYPE, size, 0
    return header.tobuf(format=tarfile.USTAR_FORMAT)


CHAIN = (("d/l1", ".."), ("d/l2", "l1/.."))  # each link stays inside; l2 leaves the root once l1 is followed
UTF8_DOTDOT = "../../../../tmp/\u00e9.txt"  # the server's C locale used to hide this name from the policy
case("zip-utf8-dotdot", tar("hostile-1.0.zip"), zip_bytes([("hostile-1.0/README", b"x"), (UTF8_DOTDOT, b"x")]),
     reason="'..' component")
case("whl-utf8-dotdot", pypi(WHEEL_NAME), wheel(extra=[(UTF8_DOTDOT, b"x")]), reason="'..' component")
case("zip-backslash-dotdot", tar("hostile-1.0.zip"), zip_bytes([("hostile-1.0\\..\\..\\x", b"x")]),
     reason="'..' component")
case("tar-name-not-utf8", tar("hostile-1.0.tar.gz"),
     tar_bytes([({"name": "hostile-1.0/caf\udce9"}, b"x")]),  # tarfile writes the lone byte 0xE9 (Latin-1 é)
     reason="not valid utf-8")
case("tar-link-chain", tar("hostile-1.0.tar.gz"), tar_bytes(links(*CHAIN)), reason="outside")
case("tar-link-chain-reversed", tar("hostile-1.0.tar.gz"), tar_bytes(links(*reversed(CHAIN))), reason="outside")
case("tar-hardlink-through-symlink", tar("hostile-1.0.tar.gz"),
     tar_bytes(links(("d/up", "..")) + [({"name": "d/h", "type": tarfile.LNKTYPE, "linkname": "d/up/x"}, None)]),
     reason="through its own symbolic link")
case("sdist-link-chain-reversed", pypi("hostile-1.0.tar.gz"),
     tar_bytes([({"name": "hostile-1.0/PKG-INFO"}, METADATA.encode())]
               + links(("l2", "l1/.."), ("l1", ".."), prefix="hostile-1.0/")),
     reason="outside")
case("whl-symlink-chain", pypi(WHEEL_NAME),
     zip_with_links([("hostile/l2", b"l1/..", True), ("hostile/l1", b"..", True), ("hostile/__init__.py", b"", False),
                     ("hostile-1.0.dist-info/METADATA", METADATA.encode(), False),
                     ("hostile-1.0.dist-info/WHEEL", WHEEL.encode(), False)]), reason="outside")
case("deb-control-link-chain", apt(NAME),
     deb(control_member=tar_bytes([({"name": "./control"}, GOOD_CONTROL.encode())] + links(*CHAIN, prefix="./"))),
     reason="outside")
# 2,000,000 empty entries in 180 KB: one xz stream of 10,000 headers, repeated (xz streams may be concatenated).
empty = tarfile.TarInfo("hostile-1.0/e")
empty.mtime = 0
case("tar-header-flood", tar("hostile-1.0.tar.xz"), lzma.compress(empty.tobuf(format=tarfile.GNU_FORMAT) * 10_000) * 200,
     reason="decompresses to more than")
# Four chained pax headers of 900 KB each: libarchive reads them all into memory before returning the entry.
record = b"comment=" + b"x" * 900_000 + b"\n"
record = str(len(record) + 8).encode() + b" " + record
case("tar-pax-chain", tar("hostile-1.0.tar.gz"),
     gzip.compress((pax_header(len(record)) + record + b"\0" * (-len(record) % 512)) * 4
                   + tarfile.TarInfo("hostile-1.0/f").tobuf(format=tarfile.USTAR_FORMAT) + b"\0" * 1024, mtime=0),
     reason="larger than")
# A GNU sparse 1.0 map of 10 million blocks (40 MB) in a few KB (again concatenated xz streams): libarchive
# allocated 525 MB reading it, inside one call.
sparse = tarfile.TarInfo("hostile-1.0/GNUSparseFile.0/f")
sparse.size = 9 + 4 * 10_000_000 + 7  # "10000000\n", the pairs, padding to 512
sparse.pax_headers = {"GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": "f", "GNU.sparse.realsize": "0"}
case("tar-sparse-map", tar("hostile-1.0.tar.xz"),
     lzma.compress(sparse.tobuf(format=tarfile.PAX_FORMAT) + b"10000000\n") + lzma.compress(b"0\n0\n" * 250_000) * 40
     + lzma.compress(b"\0" * (7 + 1024)), reason="larger than")

with open(os.path.join(OUT, "manifest.tsv"), "w") as f:
    for row in cases:
        f.write("\t".join(row) + "\n")
print(len(cases))
