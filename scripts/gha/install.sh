#!/usr/bin/env bash
# Installs the entraprov binary for the GitHub Action and prints its path as the step output
# `binary`. Order:
#   1. INPUT_BINARY: a prebuilt binary (air-gapped runners, tests). Used as is.
#   2. The release archive for RUNNER_OS/RUNNER_ARCH, named the way cargo-binstall expects:
#        <base>/v<version>/entraprov-<target>-v<version>.<tar.gz|zip>  (+ .sha256)
#      <base> is ENTRAPROV_RELEASE_BASE_URL (a mirror) or
#      $GITHUB_SERVER_URL/<action repository>/releases/download. The SHA-256 must match.
#   3. cargo install --locked --path "$GITHUB_ACTION_PATH" (builds exactly the action's commit),
#      unless ENTRAPROV_INSTALL_FALLBACK=none.
# The action runs this script in two stages around actions/cache, so that a missing release
# costs one source build per action ref, not one per run:
#   INPUT_STAGE=download: steps 1 and 2 only; when neither gives a binary, the outputs
#     `build=true`, `build-dir` and `build-key` (runner OS/arch, action ref, hash of the
#     action's Cargo.toml, Cargo.lock and src/) tell the cache step what to restore.
#   INPUT_STAGE=build: reuses the binary in INPUT_BUILD_DIR when its stamp matches
#     INPUT_BUILD_KEY (a cache hit), else runs step 3 into INPUT_BUILD_DIR (saved by the cache).
#   Unset: all three steps in one go.
# Inputs (environment): INPUT_BINARY, INPUT_VERSION, INPUT_STAGE, INPUT_ACTION_REF,
# INPUT_BUILD_DIR, INPUT_BUILD_KEY, RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_ACTION_PATH,
# GITHUB_ACTION_REPOSITORY or ENTRAPROV_RELEASE_REPO, GITHUB_SERVER_URL, GITHUB_OUTPUT,
# GITHUB_PATH.
set -euo pipefail

die() {
  echo "::error title=entraprov install::$*"
  exit 1
}

# Appends `key=value` to $GITHUB_OUTPUT (single-line values only).
set_output() {
  case "$2" in *$'\n'* | *$'\r'*) die "output $1 contains a line break" ;; esac
  if [ -n "${GITHUB_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; fi
}

# Prints the Rust target triple for a runner OS/arch pair (RUNNER_OS / RUNNER_ARCH values).
target_triple() {
  case "$1/$2" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
  esac
}

# Prints the package version from the action's Cargo.toml (the version of this action ref).
action_version() {
  local manifest="${GITHUB_ACTION_PATH:-}/Cargo.toml"
  [ -f "$manifest" ] || return 1
  sed -n 's/^version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$manifest" | head -n 1
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

# The cache key of a source build: runner, action ref and a hash of the sources it builds.
build_key() {
  local src="${GITHUB_ACTION_PATH:-}" all hash ref
  [ -f "$src/Cargo.toml" ] || return 1
  local paths=() p
  for p in Cargo.toml Cargo.lock src; do if [ -e "$src/$p" ]; then paths+=("$p"); fi; done
  all=$(mktemp)
  (cd "$src" && find "${paths[@]}" -type f | LC_ALL=C sort \
    | while IFS= read -r f; do printf '%s\n' "$f"; cat "$f"; done) >"$all"
  hash=$(sha256_of "$all")
  rm -f "$all"
  ref=$(printf '%s' "${INPUT_ACTION_REF:-local}" | tr -c 'A-Za-z0-9._-' '_')
  echo "entraprov-build-v1-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-$ref-${hash:0:16}"
}

# curl restricted to https, except for a loopback mirror (tests).
fetch() {
  local proto='=https'
  case "$1" in http://127.0.0.1[:/]* | http://localhost[:/]*) proto='=http,https' ;; esac
  curl --fail --silent --show-error --location --proto "$proto" --retry 3 --retry-delay 2 \
    --output "$2" "$1"
}

# Downloads, verifies and unpacks the release archive into $1; prints the binary path.
install_release() {
  local dest="$1" version="$2" triple ext archive base name url dir expected actual
  triple=$(target_triple "${RUNNER_OS:-}" "${RUNNER_ARCH:-}") \
    || { echo "no prebuilt binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}" >&2; return 1; }
  ext=""; archive=tar.gz
  if [ "${RUNNER_OS:-}" = Windows ]; then ext=.exe; archive=zip; fi
  base="${ENTRAPROV_RELEASE_BASE_URL:-}"
  if [ -z "$base" ]; then
    local repo="${ENTRAPROV_RELEASE_REPO:-${GITHUB_ACTION_REPOSITORY:-}}"
    [ -n "$repo" ] || { echo "release repository unknown (local action)" >&2; return 1; }
    base="${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download"
  fi
  name="entraprov-$triple-v$version"
  url="$base/v$version/$name.$archive"
  dir=$(mktemp -d "$dest/download.XXXXXX")
  echo "downloading $url" >&2
  fetch "$url" "$dir/$name.$archive" || return 1
  fetch "$url.sha256" "$dir/$name.$archive.sha256" || return 1
  expected=$(tr -d '\r' <"$dir/$name.$archive.sha256" | awk 'NR == 1 { print tolower($1) }')
  actual=$(sha256_of "$dir/$name.$archive")
  if [ "$expected" != "$actual" ]; then
    echo "SHA-256 mismatch for $name.$archive: expected ${expected:-<empty>}, got $actual" >&2
    return 1
  fi
  if [ "$archive" = zip ]; then
    unzip -q -o "$dir/$name.$archive" -d "$dir"
  else
    tar -xzf "$dir/$name.$archive" -C "$dir"
  fi
  local found=""
  for candidate in "$dir/$name/entraprov$ext" "$dir/entraprov$ext"; do
    if [ -f "$candidate" ]; then found="$candidate"; break; fi
  done
  [ -n "$found" ] || { echo "archive $name.$archive has no entraprov$ext" >&2; return 1; }
  mkdir -p "$dest/bin"
  mv -f "$found" "$dest/bin/entraprov$ext"
  chmod +x "$dest/bin/entraprov$ext"
  rm -rf "$dir"
  echo "$dest/bin/entraprov$ext"
}

install_cargo() {
  local dest="$1"
  [ "${ENTRAPROV_INSTALL_FALLBACK:-cargo-install}" != none ] \
    || { echo "fallback to cargo install is disabled (ENTRAPROV_INSTALL_FALLBACK=none)" >&2; return 1; }
  [ -f "${GITHUB_ACTION_PATH:-}/Cargo.toml" ] || { echo "no Cargo.toml in GITHUB_ACTION_PATH" >&2; return 1; }
  command -v cargo >/dev/null 2>&1 || { echo "cargo is not installed" >&2; return 1; }
  echo "building entraprov with cargo install --locked --path $GITHUB_ACTION_PATH" >&2
  cargo install --locked --path "$GITHUB_ACTION_PATH" --root "$dest" --bin entraprov >&2 || return 1
  local ext=""
  if [ "${RUNNER_OS:-}" = Windows ]; then ext=.exe; fi
  echo "$dest/bin/entraprov$ext"
}

# INPUT_STAGE=build: the cached source build when its stamp matches the key, else a new one.
build_stage() {
  local dir="${INPUT_BUILD_DIR:-}" key="${INPUT_BUILD_KEY:-}" ext="" binary
  [ -n "$dir" ] && [ -n "$key" ] || die "INPUT_BUILD_DIR and INPUT_BUILD_KEY are required with INPUT_STAGE=build"
  if [ "${RUNNER_OS:-}" = Windows ]; then ext=.exe; fi
  binary="$dir/bin/entraprov$ext"
  if [ -x "$binary" ] && [ "$(cat "$dir/.build-key" 2>/dev/null)" = "$key" ] \
    && "$binary" --version >/dev/null 2>&1; then
    echo "using the cached source build ($key)"
  else
    rm -rf "$dir"
    mkdir -p "$dir"
    binary=$(install_cargo "$dir") || die "could not build entraprov with cargo install"
    printf '%s\n' "$key" >"$dir/.build-key"
  fi
  finish "$binary"
}

finish() {
  local binary="$1"
  "$binary" --version >/dev/null 2>&1 || die "'$binary' does not run (--version failed)"
  echo "using $("$binary" --version) at $binary"
  set_output binary "$binary"
  if [ -n "${GITHUB_PATH:-}" ]; then dirname "$binary" >>"$GITHUB_PATH"; fi
}

main() {
  local binary=""
  case "${INPUT_STAGE:-}" in
    "" | download) ;;
    build) build_stage; return ;;
    *) die "INPUT_STAGE must be download or build, not '${INPUT_STAGE}'" ;;
  esac
  if [ -n "${INPUT_BINARY:-}" ]; then
    [ -f "$INPUT_BINARY" ] && [ -x "$INPUT_BINARY" ] \
      || die "binary input '$INPUT_BINARY' is not an executable file"
    binary="$INPUT_BINARY"
  else
    local dest="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/entraprov" version="${INPUT_VERSION:-}"
    version="${version#v}"
    if [ -z "$version" ]; then version=$(action_version || true); fi
    mkdir -p "$dest"
    if [ -n "$version" ] && binary=$(install_release "$dest" "$version"); then
      :
    elif [ "${INPUT_STAGE:-}" = download ] && [ "${ENTRAPROV_INSTALL_FALLBACK:-cargo-install}" != none ]; then
      echo "::notice title=entraprov install::no release archive for version '${version:-unknown}'; building from source once per action ref (cached)"
      local key
      key=$(build_key) || die "no release archive and no Cargo.toml in GITHUB_ACTION_PATH to build from"
      set_output build true
      set_output build-dir "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/entraprov-build"
      set_output build-key "$key"
      return
    else
      echo "::warning title=entraprov install::no verified release binary for version '${version:-unknown}'; falling back to cargo install"
      binary=$(install_cargo "$dest") || die "could not install entraprov (download and cargo install both failed)"
    fi
  fi
  finish "$binary"
}

main "$@"
