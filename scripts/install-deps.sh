#!/usr/bin/env bash
# Installs the Debian packages that building and testing artifactfs need, skipping those already present.
# Later work appends to PACKAGES (fuse3 libfuse3-dev, libgpgme-dev, ...); nothing else should need editing.
set -euo pipefail

PACKAGES=(
    libarchive-dev
    libcurl4-openssl-dev
    libsqlite3-dev
    curl
    zstd
    xz-utils
    bzip2
    zip
    pkg-config
    ca-certificates
    fuse3
    libfuse3-dev
    rsync
    samba
    smbclient
    nfs-ganesha
    nfs-ganesha-vfs
    libnfs-utils
    libgpgme-dev
    liblzma-dev
    gnupg
    gpgv
    apt-utils
    dpkg-dev
    reprepro
    python3-venv wrk nginx   # python-clients.sh's venv if python3 is Debian's; Benchmarks/pypi.sh (its nginx runs from a private config)
    radosgw ceph-mon ceph-osd python3 procps   # scripts/radosgw.sh: a one-node Ceph with RADOS Gateway (S3) for tests
    s3fs                     # the benchmark's s3fs mount to compare against
    chromium                 # the browse UI test renders pages with headless Chromium (--dump-dom)
)
# The benchmark's S3 client: Debian's awscli only where no `aws` is on PATH already (e.g. from pip).
command -v aws >/dev/null 2>&1 || PACKAGES+=(awscli)

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for package in "${PACKAGES[@]}"; do
    is_installed "$package" || missing+=("$package")
done

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "install-deps: missing Debian packages: ${missing[*]}" >&2
    echo "install-deps: not running as root and sudo is not available; install them as root and retry." >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
