#!/usr/bin/env bash
# Packs one release archive the way scripts/gha/install.sh and `cargo binstall` expect:
#   dist/entraprov-<target>-v<version>.tar.gz   (.zip for Windows targets)
#   containing entraprov-<target>-v<version>/entraprov[.exe] plus README.md and the licences,
#   and dist/<archive>.sha256 holding "<sha256>  <archive>".
# Usage: package.sh TARGET VERSION BINARY [DIST_DIR]
# Used by .github/workflows/release.yml; tests/gha/release.rs runs it and installs the result.
set -euo pipefail

die() {
  echo "package.sh: $*" >&2
  exit 1
}

[ $# -ge 3 ] || die "usage: package.sh TARGET VERSION BINARY [DIST_DIR]"
target="$1"
version="${2#v}"
binary="$3"
dist="${4:-dist}"
root="$(cd "$(dirname "$0")/../.." && pwd)"

case "$target" in
  *-windows-*) ext=.exe; archive=zip ;;
  *) ext=""; archive=tar.gz ;;
esac
case "$version" in
  [0-9]*.[0-9]*.[0-9]*) ;;
  *) die "version '$version' is not MAJOR.MINOR.PATCH" ;;
esac
[ -f "$binary" ] || die "binary '$binary' does not exist"

name="entraprov-$target-v$version"
mkdir -p "$dist"
dist="$(cd "$dist" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/entraprov$ext"
chmod +x "$stage/$name/entraprov$ext"
cp "$root/README.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$stage/$name/"

out="$dist/$name.$archive"
rm -f "$out" "$out.sha256"
if [ "$archive" = zip ]; then
  if command -v 7z >/dev/null 2>&1; then
    (cd "$stage" && 7z a -tzip -bd "$out" "$name" >/dev/null)
  else
    (cd "$stage" && zip -qr "$out" "$name")
  fi
else
  tar -C "$stage" -czf "$out" "$name"
fi

if command -v sha256sum >/dev/null 2>&1; then
  sum=$(sha256sum "$out" | cut -d ' ' -f 1)
else
  sum=$(shasum -a 256 "$out" | cut -d ' ' -f 1)
fi
printf '%s  %s\n' "$sum" "$name.$archive" >"$out.sha256"
echo "$out"
