//! The action's source-build cache run by `act`: no `binary` input and no release archive (a
//! loopback release server answers 404), so the action builds from source once; a second run
//! restores the build from the cache and does not build again. `actions/cache` is replaced by
//! a local node action with the same restore (main) / save (post) split, backed by a directory;
//! `cargo` is a stand-in on PATH that "installs" the fake binary and logs that it ran.

use crate::act::{ActRepo, stdout};
use crate::scripts::{FAKE_BIN, write_exe};
use crate::tools::text;
use std::path::Path;
use wiremock::MockServer;

const WORKFLOW: &str = r#"name: act-cache
on: [push]
jobs:
  entraprov:
    runs-on: ubuntu-latest
    env:
      FAKE_LOG: __LOG__
    steps:
      - uses: actions/checkout@v5
      - run: echo "__FAKE_CARGO_DIR__" >> "$GITHUB_PATH"
      - id: ep
        uses: ./
        with:
          command: plan
          path: entra/app.yaml
          version: 0.0.1
      - run: echo "RESULT exitcode=$EXITCODE"
        env:
          EXITCODE: ${{ steps.ep.outputs.exitcode }}
"#;

/// `actions/cache` semantics in miniature: restore `path` from `$STUB_CACHE/<key>` (main),
/// save it there after the job when the key was a miss (post).
const CACHE_ACTION: &str = r#"name: cache stand-in
description: directory-backed stand-in for actions/cache in act tests
inputs:
  path: { required: true }
  key: { required: true }
runs:
  using: node20
  main: restore.js
  post: save.js
"#;
const RESTORE_JS: &str = r#"const fs = require('fs'), path = require('path');
const store = path.join(process.env.STUB_CACHE, process.env.INPUT_KEY);
if (fs.existsSync(store)) {
  fs.cpSync(store, process.env.INPUT_PATH, { recursive: true });
  console.log(`stub cache: restored ${process.env.INPUT_KEY}`);
} else {
  console.log(`stub cache: miss ${process.env.INPUT_KEY}`);
}
"#;
const SAVE_JS: &str = r#"const fs = require('fs'), path = require('path');
const store = path.join(process.env.STUB_CACHE, process.env.INPUT_KEY);
if (!fs.existsSync(store) && fs.existsSync(process.env.INPUT_PATH)) {
  fs.cpSync(process.env.INPUT_PATH, store, { recursive: true });
  console.log(`stub cache: saved ${process.env.INPUT_KEY}`);
}
"#;

/// A `cargo` that handles `cargo install … --root DIR`: writes the fake binary to DIR/bin.
const FAKE_CARGO: &str = r#"#!/usr/bin/env bash
echo "cargo $*" >>"$FAKE_LOG"
root=""
while [ $# -gt 0 ]; do if [ "$1" = --root ]; then root="$2"; fi; shift; done
mkdir -p "$root/bin" && cp "$FAKE_BIN_SRC" "$root/bin/entraprov" && chmod +x "$root/bin/entraprov"
"#;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn act_builds_from_source_once_and_restores_the_build_from_the_cache_next_time() {
    let releases = MockServer::start().await; // no release archive: 404
    let work = tempfile::tempdir().expect("tmp");
    let (cache, bins, log) = (
        work.path().join("cache"),
        work.path().join("bin"),
        work.path().join("log"),
    );
    std::fs::create_dir_all(&cache).expect("mkdir");
    std::fs::create_dir_all(&bins).expect("mkdir");
    write_exe(&bins.join("cargo"), FAKE_CARGO);
    let fake_bin = work.path().join("entraprov-fake");
    write_exe(&fake_bin, FAKE_BIN);
    let stub = work.path().join("cache-action");
    std::fs::create_dir_all(&stub).expect("mkdir");
    for (f, body) in [
        ("action.yml", CACHE_ACTION),
        ("restore.js", RESTORE_JS),
        ("save.js", SAVE_JS),
    ] {
        std::fs::write(stub.join(f), body).expect("stub");
    }
    let run = |n: usize| {
        let act = ActRepo::new();
        act.stub_remote_action("actions/cache@", &stub);
        let wf = WORKFLOW
            .replace("__LOG__", &log.display().to_string())
            .replace("__FAKE_CARGO_DIR__", &bins.display().to_string());
        act.write(".github/workflows/t.yml", &wf);
        act.write("entra/app.yaml", "apiVersion: entraprov/v1\n");
        let uri = releases.uri();
        let out = act.run(
            "push",
            &serde_json::json!({"ref": "refs/heads/main"}),
            &[],
            &[
                ("ENTRAPROV_RELEASE_BASE_URL", uri.as_str()),
                ("STUB_CACHE", &cache.display().to_string()),
                ("FAKE_BIN_SRC", &fake_bin.display().to_string()),
            ],
        );
        assert!(out.status.success(), "run {n}: {}", text(&out));
        stdout(&out)
    };
    let first = run(1);
    assert!(
        first.contains("stub cache: miss entraprov-build-v1-"),
        "{first}"
    );
    assert!(
        first.contains("stub cache: saved entraprov-build-v1-"),
        "{first}"
    );
    assert!(first.contains("RESULT exitcode=0"), "{first}");
    let built = read(&log).matches("cargo install --locked --path").count();
    assert_eq!(built, 1, "{}", read(&log));
    let second = run(2);
    assert!(
        second.contains("stub cache: restored entraprov-build-v1-"),
        "{second}"
    );
    assert!(second.contains("using the cached source build"), "{second}");
    assert!(second.contains("RESULT exitcode=0"), "{second}");
    let built = read(&log).matches("cargo install --locked --path").count();
    assert_eq!(
        built,
        1,
        "the second run did not build again: {}",
        read(&log)
    );
}
