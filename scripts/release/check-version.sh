#!/usr/bin/env bash
# Fails unless the release tag (argument, e.g. v0.1.0) names the version in Cargo.toml, so a
# release never ships archives whose names disagree with what install.sh and binstall fetch.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tag="${1:?usage: check-version.sh TAG}"
version=$(sed -n 's/^version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$root/Cargo.toml" | head -n 1)
if [ "$tag" != "v$version" ]; then
  echo "::error title=release::tag $tag does not match Cargo.toml version $version (expected v$version)"
  exit 1
fi
echo "$version"
