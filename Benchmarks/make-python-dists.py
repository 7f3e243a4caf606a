#!/usr/bin/env python3
"""Writes small, valid, deterministic Python distributions (wheels and sdists) for tests and benchmarks.

Usage:
  make-python-dists.py OUTDIR --project NAME [--versions N [--first K] | --version V ...]
                       [--tags TAG[,TAG...] ...] [--requires SPEC ...] [--summary TEXT]
                       [--payload BYTES] [--sdist] [--no-wheels] [--quiet]

  OUTDIR          created if missing; existing files of the same names are overwritten.
  --project NAME  the project name as written in METADATA's Name (e.g. "Bench-Pkg"). File names use the
                  normalized form (PEP 503 name with runs of -_. turned into "_", lower case: bench_pkg),
                  and so does the importable module: `import bench_pkg`.
  --versions N    versions 1.0.0, 1.0.1, ... (N of them; --first K starts at 1.0.K). Default: one version.
  --version V     an exact version (repeatable; PEP 440 public versions, written as given). Overrides --versions.
  --tags T        wheel tags, one wheel per tag per version (repeatable or comma-separated; default py3-none-any).
                  A compressed tag set such as py2.py3-none-any is one wheel with one Tag line per expansion.
  --requires S    a Requires-Dist line (repeatable), e.g. --requires 'other>=1.0'.
  --summary TEXT  the Summary field (default "Generated test distribution NAME").
  --payload B     adds <module>/_payload.bin of B deterministic pseudo-random (incompressible) bytes to every
                  wheel and sdist, for download benchmarks (default 0: no such file).
  --sdist         also write one sdist per version; --no-wheels writes only sdists.
  --quiet         print nothing (by default each written file's name is printed, one per line, in order).

What is written, for project NAME (normalized N, module N) and version V:
  N-V-<tag>.whl : N/__init__.py (__version__ = "V"), N/_payload.bin (with --payload),
                  N-V.dist-info/METADATA (Metadata-Version 2.1: Name, Version, Summary, Requires-Python >=3.8,
                  Description-Content-Type text/markdown, Requires-Dist..., a one-line description body),
                  N-V.dist-info/WHEEL (Root-Is-Purelib: true, Tag lines),
                  N-V.dist-info/RECORD (sha256=<urlsafe b64, no padding>,size; RECORD itself ",,").
  N-V.tar.gz    : PEP 625 sdist with one top directory N-V/ holding PKG-INFO (same fields as METADATA),
                  pyproject.toml, the module, and _backend.py: an in-tree PEP 517 backend (backend-path ["."],
                  requires = []) using only the standard library, so `pip install --no-index --find-links OUTDIR
                  NAME==V` builds and installs it offline, with build isolation on (the default) or off.

Output is byte-identical from run to run with the same arguments (fixed timestamps, owners, modes and order;
the deflate output depends only on the zlib in use). Standard library only; Python 3.8+.

Examples:
  make-python-dists.py out --project bench-pkg --versions 1000
  make-python-dists.py out --project demo --version 1.0 --version 2.0 --requires 'dep>=1' --sdist
  make-python-dists.py out --project demo --versions 250 --tags py3-none-any,cp311-cp311-manylinux_2_17_x86_64
"""
import argparse
import base64
import gzip
import hashlib
import io
import os
import random
import re
import sys
import tarfile
import zipfile

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
TAR_MTIME = 315532800  # 1980-01-01T00:00:00Z, the same instant as the zip entries
GENERATOR = "make-python-dists 1"


def normalize(name):
    """Wheel and sdist file-name form of a project name (PEP 503 normalization, '-' as '_')."""
    return re.sub(r"[-_.]+", "_", name).lower()


def record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def core_metadata(project, version, summary, requires):
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project}",
        f"Version: {version}",
        f"Summary: {summary}",
        "Requires-Python: >=3.8",
        "Description-Content-Type: text/markdown",
    ]
    lines += [f"Requires-Dist: {spec}" for spec in requires]
    body = f"# {project}\n\n{summary}.\n"
    return ("\n".join(lines) + "\n\n" + body).encode("utf-8")


def payload_bytes(size, seed):
    if size <= 0:
        return b""
    rng = random.Random(seed)  # deterministic for a given seed
    return rng.getrandbits(size * 8).to_bytes(size, "little")


def module_files(module, version, payload):
    files = [(f"{module}/__init__.py", f'"""Generated test module."""\n__version__ = "{version}"\n'.encode())]
    if payload:
        files.append((f"{module}/_payload.bin", payload))
    return files


def expand_tags(tag):
    """py2.py3-none-any -> [py2-none-any, py3-none-any] (compressed tag sets, as in wheel file names)."""
    parts = tag.split("-")
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"bad wheel tag {tag!r}: expected python-abi-platform")
    py, abi, plat = (p.split(".") for p in parts)
    return [f"{a}-{b}-{c}" for a in py for b in abi for c in plat]


def zip_bytes(entries):
    """A deterministic zip archive of (name, bytes) entries, in the given order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is honoured
            info.external_attr = (0o100644 << 16)
            zf.writestr(info, data)
    return buf.getvalue()


def wheel_bytes(project, version, tag, summary, requires, payload):
    norm = normalize(project)
    dist_info = f"{norm}-{version}.dist-info"
    wheel_text = "Wheel-Version: 1.0\nGenerator: " + GENERATOR + "\nRoot-Is-Purelib: true\n"
    wheel_text += "".join(f"Tag: {t}\n" for t in expand_tags(tag))
    files = module_files(norm, version, payload)
    files.append((f"{dist_info}/METADATA", core_metadata(project, version, summary, requires)))
    files.append((f"{dist_info}/WHEEL", wheel_text.encode()))
    record = "".join(f"{name},{record_hash(data)},{len(data)}\n" for name, data in files)
    record += f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode()))
    return zip_bytes(files)


# The in-tree build backend shipped in every sdist (PEP 517, standard library only). It builds a wheel with
# the same layout as the wheels above from the sdist's PKG-INFO and module directory.
BACKEND = r'''"""In-tree PEP 517 build backend of a generated test sdist (standard library only)."""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

_DATE = (1980, 1, 1, 0, 0, 0)
_HERE = os.path.dirname(os.path.abspath(__file__))


def _metadata():
    with open(os.path.join(_HERE, "PKG-INFO"), "rb") as f:
        data = f.read()
    headers = data.decode("utf-8").split("\n\n", 1)[0]
    fields = dict(line.split(": ", 1) for line in headers.splitlines() if ": " in line)
    return data, fields["Name"], fields["Version"]


def _norm(name):
    return re.sub(r"[-_.]+", "_", name).lower()


def _hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def _dist_info_files():
    metadata, name, version = _metadata()
    wheel = b"Wheel-Version: 1.0\nGenerator: in-tree backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    return _norm(name), version, [("METADATA", metadata), ("WHEEL", wheel)]


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    norm, version, files = _dist_info_files()
    dist_info = f"{norm}-{version}.dist-info"
    os.makedirs(os.path.join(metadata_directory, dist_info), exist_ok=True)
    for name, data in files:
        with open(os.path.join(metadata_directory, dist_info, name), "wb") as f:
            f.write(data)
    return dist_info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    norm, version, meta = _dist_info_files()
    dist_info = f"{norm}-{version}.dist-info"
    files = []
    module_dir = os.path.join(_HERE, norm)
    for root, dirs, names in os.walk(module_dir):
        dirs.sort()
        for n in sorted(names):
            if n.endswith(".pyc"):
                continue
            path = os.path.join(root, n)
            with open(path, "rb") as f:
                files.append((os.path.relpath(path, _HERE).replace(os.sep, "/"), f.read()))
    files += [(f"{dist_info}/{n}", d) for n, d in meta]
    record = "".join(f"{n},{_hash(d)},{len(d)}\n" for n, d in files) + f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode()))
    filename = f"{norm}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as zf:
        for n, d in files:
            info = zipfile.ZipInfo(n, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, d)
    return filename


def build_sdist(sdist_directory, config_settings=None):
    _, name, version = _metadata()
    top = f"{_norm(name)}-{version}"
    filename = top + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as tf:
        for root, dirs, names in os.walk(_HERE):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for n in sorted(names):
                path = os.path.join(root, n)
                tf.add(path, arcname=top + "/" + os.path.relpath(path, _HERE).replace(os.sep, "/"), recursive=False)
    return filename
'''


def pyproject(project, version, requires):
    deps = ", ".join('"' + spec.replace("\\", "\\\\").replace('"', '\\"') + '"' for spec in requires)
    return (
        "[build-system]\n"
        "requires = []\n"
        'build-backend = "_backend"\n'
        'backend-path = ["."]\n'
        "\n"
        "[project]\n"
        f'name = "{project}"\n'
        f'version = "{version}"\n'
        'requires-python = ">=3.8"\n'
        f"dependencies = [{deps}]\n"
    ).encode()


def sdist_bytes(project, version, summary, requires, payload):
    norm = normalize(project)
    top = f"{norm}-{version}"
    files = [
        ("PKG-INFO", core_metadata(project, version, summary, requires)),
        ("pyproject.toml", pyproject(project, version, requires)),
        ("_backend.py", BACKEND.encode()),
    ] + module_files(norm, version, payload)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        dirs = sorted({top} | {f"{top}/{os.path.dirname(n)}" for n, _ in files if os.path.dirname(n)})
        for d in dirs:
            info = tarfile.TarInfo(d)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            _fix(info)
            tf.addfile(info)
        for name, data in files:
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size, info.mode = len(data), 0o644
            _fix(info)
            tf.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def _fix(info):
    info.mtime = TAR_MTIME
    info.uid = info.gid = 0
    info.uname = info.gname = ""


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Write valid, deterministic wheels and sdists (see the module docstring for the layout).")
    p.add_argument("outdir")
    p.add_argument("--project", required=True)
    p.add_argument("--versions", type=int, default=1, metavar="N")
    p.add_argument("--first", type=int, default=0, metavar="K")
    p.add_argument("--version", action="append", default=[], dest="exact", metavar="V")
    p.add_argument("--tags", action="append", default=[], metavar="TAG[,TAG...]")
    p.add_argument("--requires", action="append", default=[], metavar="SPEC")
    p.add_argument("--summary")
    p.add_argument("--payload", type=int, default=0, metavar="BYTES")
    p.add_argument("--sdist", action="store_true")
    p.add_argument("--no-wheels", action="store_true")
    p.add_argument("--quiet", "-q", action="store_true")
    a = p.parse_args(argv)
    if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", a.project):
        p.error(f"--project {a.project!r} is not a valid project name")
    if a.versions < 1 or a.first < 0 or a.payload < 0:
        p.error("--versions must be >= 1, --first and --payload >= 0")
    for v in a.exact:
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?", v):
            p.error(f"--version {v!r}: use a normalized PEP 440 public version (e.g. 1.2.3, 2.0rc1, 1.0.post1)")
    a.tags = [t.strip() for group in (a.tags or ["py3-none-any"]) for t in group.split(",") if t.strip()]
    try:
        for t in a.tags:
            expand_tags(t)
    except ValueError as e:
        p.error(str(e))
    if a.no_wheels and not a.sdist:
        a.sdist = True
    return a


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    versions = a.exact or [f"1.0.{a.first + i}" for i in range(a.versions)]
    summary = a.summary if a.summary is not None else f"Generated test distribution {a.project}"
    norm = normalize(a.project)
    os.makedirs(a.outdir, exist_ok=True)
    out = sys.stdout
    for version in versions:
        payload = payload_bytes(a.payload, f"{norm}-{version}")
        outputs = []
        if not a.no_wheels:
            for tag in a.tags:
                outputs.append((f"{norm}-{version}-{tag}.whl",
                                wheel_bytes(a.project, version, tag, summary, a.requires, payload)))
        if a.sdist:
            outputs.append((f"{norm}-{version}.tar.gz", sdist_bytes(a.project, version, summary, a.requires, payload)))
        for name, data in outputs:
            tmp = os.path.join(a.outdir, "." + name + ".tmp")
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, os.path.join(a.outdir, name))
            if not a.quiet:
                out.write(name + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
