#!/usr/bin/env bash
# Runs entraprov for the GitHub Action: validate (annotations on the manifest), then plan,
# apply or drift (a plan that keeps one GitHub issue per manifest open while the tenant differs
# from it, and closes it when the drift is gone). The binary itself writes the markdown to $GITHUB_STEP_SUMMARY (and a copy to
# $ENTRAPROV_SUMMARY_FILE) and creates or updates the sticky pull-request comment; this script
# only checks the inputs, exports them, and maps exit codes to step outputs.
# Inputs (environment): ENTRAPROV_BIN (from install.sh), INPUT_COMMAND, INPUT_PATH,
# INPUT_TENANT_ID, INPUT_CLIENT_ID, INPUT_CLOUD, INPUT_COMMENT, INPUT_GITHUB_TOKEN,
# INPUT_WORKING_DIRECTORY, RUNNER_TEMP, GITHUB_OUTPUT.
# Outputs: exitcode, has-changes (plan, drift), plan-file (plan, drift), summary-file.
set -euo pipefail

die() {
  echo "::error title=entraprov::$*"
  set_output exitcode 1
  exit 1
}

# Appends `key=value` to $GITHUB_OUTPUT (single-line values only).
set_output() {
  case "$2" in *$'\n'* | *$'\r'*) echo "::error title=entraprov::output $1 contains a line break"; exit 1 ;; esac
  if [ -n "${GITHUB_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; fi
}

# Checks the inputs and exports what the binary reads.
prepare() {
  bin="${ENTRAPROV_BIN:-}"
  if [ -z "$bin" ]; then bin=$(command -v entraprov) || die "entraprov is not installed (run install.sh first)"; fi
  command="${INPUT_COMMAND:-plan}"
  case "$command" in plan | apply | drift) ;; *) die "input command must be 'plan', 'apply' or 'drift', not '$command'" ;; esac
  path="${INPUT_PATH:-}"
  [ -n "$path" ] || die "input path is required (a manifest file or directory)"
  cd "${INPUT_WORKING_DIRECTORY:-.}" || die "working-directory '${INPUT_WORKING_DIRECTORY:-}' does not exist"
  [ -e "$path" ] || die "path '$path' does not exist in $(pwd)"
  # The public cloud is the default: exporting nothing keeps ENTRAPROV_GRAPH_URL /
  # ENTRAPROV_AUTHORITY_URL (GitHub Enterprise proxies, tests) in charge.
  case "${INPUT_CLOUD:-public}" in
    public | global | "") ;;
    usgov | usgov-dod | china) export ENTRAPROV_CLOUD="$INPUT_CLOUD" ;;
    *) die "input cloud must be public, usgov, usgov-dod or china, not '$INPUT_CLOUD'" ;;
  esac
  if [ -n "${INPUT_TENANT_ID:-}" ]; then export AZURE_TENANT_ID="$INPUT_TENANT_ID"; fi
  if [ -n "${INPUT_CLIENT_ID:-}" ]; then export AZURE_CLIENT_ID="$INPUT_CLIENT_ID"; fi
  case "${INPUT_COMMENT:-true}" in
    true | false) ;;
    *) die "input comment must be 'true' or 'false', not '$INPUT_COMMENT'" ;;
  esac
  if [ "$command" = drift ]; then
    # The drift issue is the check's result: no pull-request comment, the token is needed.
    export ENTRAPROV_GITHUB_DRIFT=true ENTRAPROV_GITHUB_COMMENT=false
    if [ -n "${INPUT_GITHUB_TOKEN:-}" ]; then export GITHUB_TOKEN="$INPUT_GITHUB_TOKEN"; fi
  else
    export ENTRAPROV_GITHUB_DRIFT=false
  fi
  case "$command/${INPUT_COMMENT:-true}" in
    drift/*) ;;
    */true)
      export ENTRAPROV_GITHUB_COMMENT=true
      if [ -n "${INPUT_GITHUB_TOKEN:-}" ]; then export GITHUB_TOKEN="$INPUT_GITHUB_TOKEN"; fi
      ;;
    */false) export ENTRAPROV_GITHUB_COMMENT=false ;;
  esac
  local work="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/entraprov"
  mkdir -p "$work"
  run_dir=$(mktemp -d "$work/run.XXXXXX")
  export ENTRAPROV_SUMMARY_FILE="$run_dir/summary.md"
}

# Without GitHub OIDC and without any other credential, sign-in will fail: say why first.
oidc_hint() {
  local other="${ENTRAPROV_ACCESS_TOKEN:-}${AZURE_CLIENT_SECRET:-}${AZURE_CLIENT_CERTIFICATE_PATH:-}${AZURE_FEDERATED_TOKEN_FILE:-}"
  if [ -z "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] && [ -z "$other" ]; then
    echo "::warning title=entraprov::no GitHub OIDC token in this job: give it 'permissions: id-token: write'. Pull requests from forks never get one (see 'Pull requests from forks' in docs/github-action.md)."
  fi
}

main() {
  prepare
  local code=0
  "$bin" validate --format github "$path" || code=$?
  if [ "$code" -ne 0 ]; then
    set_output exitcode "$code"
    set_output has-changes false
    echo "::error title=entraprov::the manifest has errors (see the annotations above)"
    exit 1
  fi
  oidc_hint
  if [ "$command" = plan ] || [ "$command" = drift ]; then
    local plan_file="$run_dir/plan.json"
    "$bin" plan "$path" --out "$plan_file" --detailed-exitcode || code=$?
    set_output exitcode "$code"
    if [ "$code" -eq 2 ]; then set_output has-changes true; else set_output has-changes false; fi
    if [ -f "$plan_file" ]; then set_output plan-file "$plan_file"; fi
  else
    "$bin" apply "$path" --auto-approve || code=$?
    set_output exitcode "$code"
  fi
  if [ -f "$ENTRAPROV_SUMMARY_FILE" ]; then set_output summary-file "$ENTRAPROV_SUMMARY_FILE"; fi
  # plan, drift: 0 (no changes) and 2 (changes) are both success; anything else fails the step.
  if [ "$code" -eq 0 ] || { [ "$command" != apply ] && [ "$code" -eq 2 ]; }; then exit 0; fi
  exit "$code"
}

main "$@"
