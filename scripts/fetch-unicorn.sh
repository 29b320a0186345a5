#!/usr/bin/env bash
# Fetches Unicorn 2.1 (Debian's libunicorn2t64 .deb, which needs only glibc >= 2.34, so it runs on
# bookworm) and unpacks it into .deps/unicorn/ of the project — no root, no system change. The
# launcher (./jsgx) and scripts/test.sh then point the x86 engine at it through
# JSGX_UNICORN_LIBRARY; without it the engine uses the system's libunicorn2 (2.0.1 on bookworm),
# which runs store-heavy code ~10x slower (BENCHMARKS.md, ecall section).
# Idempotent; exits 0 without network when the library is already there.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest="$root/.deps/unicorn"
lib="$dest/usr/lib/x86_64-linux-gnu/libunicorn.so.2"
mirror=${JSGX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# The build measured in BENCHMARKS.md; if sid has moved on, its current 2.1.x is taken instead.
pinned_file=pool/main/u/unicorn-engine/libunicorn2t64_2.1.4-4_amd64.deb
pinned_sha256=80cf407cdc4a8450d1c1f924c232516bc3bf0604804aa1ae01c2594a88ed7724

if [ -f "$lib" ]; then
  echo "fetch-unicorn: $(cat "$dest/VERSION" 2>/dev/null || echo Unicorn) already in $dest"
  exit 0
fi
[ "$(uname -m)" = x86_64 ] || { echo "fetch-unicorn: only x86_64 hosts are supported" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

file=$pinned_file sha=$pinned_sha256
if ! curl -fsS -o "$tmp/u.deb" "$mirror/$file"; then
  echo "fetch-unicorn: $file is gone from the mirror; looking up sid's current libunicorn2t64" >&2
  curl -fsS -o "$tmp/Packages.xz" "$mirror/dists/sid/main/binary-amd64/Packages.xz"
  read -r file sha < <(xz -dc "$tmp/Packages.xz" | awk '
    /^Package: / { p = ($2 == "libunicorn2t64") }
    p && /^Version: / { v = $2 }
    p && /^Filename: / { f = $2 }
    p && /^SHA256: / { s = $2 }
    /^$/ { if (p && v ~ /^2\.1\./) { print f, s; exit } p = 0 }')
  [ -n "$file" ] || { echo "fetch-unicorn: no libunicorn2t64 2.1.x in sid" >&2; exit 1; }
  curl -fsS -o "$tmp/u.deb" "$mirror/$file"
fi
echo "$sha  $tmp/u.deb" | sha256sum -c --quiet - || { echo "fetch-unicorn: checksum mismatch for $file" >&2; exit 1; }
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
dpkg-deb -x "$tmp/u.deb" "$dest.tmp"
basename "$file" .deb > "$dest.tmp/VERSION"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "fetch-unicorn: $(cat "$dest/VERSION") unpacked into $dest"
