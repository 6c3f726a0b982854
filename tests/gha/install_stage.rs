//! The action's two install stages around `actions/cache`: `download` (binary input or release
//! archive, else the cache key of a source build) and `build` (the cached build when its stamp
//! matches, else `cargo install`).

use crate::scripts::{FAKE_BIN, Runner, write_exe};
use crate::tools::{output, text};
use wiremock::MockServer;

/// A minimal action checkout: Cargo.toml (version 1.2.3), Cargo.lock, src/main.rs.
fn action_dir(r: &Runner) -> String {
    let dir = r.path("action");
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"entraprov\"\nversion = \"1.2.3\"\n",
    )
    .expect("write");
    std::fs::write(dir.join("Cargo.lock"), "version = 4\n").expect("write");
    std::fs::write(dir.join("src/main.rs"), "fn main() {}\n").expect("write");
    dir.display().to_string()
}

fn download(r: &Runner, base: &str, action: &str, fallback: &str) -> std::process::Output {
    r.run(
        "install.sh",
        &[
            ("INPUT_STAGE", "download"),
            ("INPUT_ACTION_REF", "v1.2.3"),
            ("ENTRAPROV_RELEASE_BASE_URL", base),
            ("RUNNER_OS", "Linux"),
            ("RUNNER_ARCH", "X64"),
            ("GITHUB_ACTION_PATH", action),
            ("ENTRAPROV_INSTALL_FALLBACK", fallback),
        ],
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn download_stage_without_a_release_asks_for_a_cached_source_build() {
    let server = MockServer::start().await; // 404 for every archive
    let r = Runner::new();
    let action = action_dir(&r);
    let out = download(&r, &server.uri(), &action, "cargo-install");
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("::notice title=entraprov install::no release archive for version '1.2.3'"),
        "{stdout}"
    );
    let outputs = r.outputs();
    assert_eq!(output(&outputs, "build"), Some("true"));
    assert_eq!(output(&outputs, "binary"), None);
    let dir = output(&outputs, "build-dir").expect("build-dir");
    assert_eq!(dir, r.path("temp/entraprov-build").display().to_string());
    let key = output(&outputs, "build-key").expect("build-key").to_owned();
    let hash = key
        .strip_prefix("entraprov-build-v1-Linux-X64-v1.2.3-")
        .unwrap_or_else(|| panic!("{key}"));
    assert!(
        hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{key}"
    );
    // The key follows the sources: a changed file is a new key, the same tree the same key.
    let again = Runner::new();
    let same = download(&again, &server.uri(), &action, "cargo-install");
    assert!(same.status.success(), "{}", text(&same));
    assert_eq!(output(&again.outputs(), "build-key"), Some(key.as_str()));
    std::fs::write(r.path("action/src/main.rs"), "fn main() { println!(); }\n").expect("edit");
    let changed = Runner::new();
    let out = download(&changed, &server.uri(), &action, "cargo-install");
    assert!(out.status.success(), "{}", text(&out));
    let new_key = output(&changed.outputs(), "build-key")
        .expect("key")
        .to_owned();
    assert_ne!(new_key, key);
}

#[tokio::test(flavor = "multi_thread")]
async fn download_stage_with_fallback_none_fails_instead() {
    let server = MockServer::start().await;
    let r = Runner::new();
    let action = action_dir(&r);
    let out = download(&r, &server.uri(), &action, "none");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(output(&r.outputs(), "build"), None);
}

fn build(r: &Runner, dir: &str, key: &str) -> std::process::Output {
    r.run(
        "install.sh",
        &[
            ("INPUT_STAGE", "build"),
            ("INPUT_BUILD_DIR", dir),
            ("INPUT_BUILD_KEY", key),
            ("RUNNER_OS", "Linux"),
            ("ENTRAPROV_INSTALL_FALLBACK", "none"),
        ],
    )
}

#[test]
fn build_stage_reuses_a_cached_build_whose_stamp_matches_and_rebuilds_otherwise() {
    let r = Runner::new();
    let dir = r.path("temp/entraprov-build");
    std::fs::create_dir_all(dir.join("bin")).expect("mkdir");
    write_exe(&dir.join("bin/entraprov"), FAKE_BIN);
    std::fs::write(dir.join(".build-key"), "key-a\n").expect("stamp");
    let d = dir.display().to_string();
    // A cache hit: no build (cargo install is disabled, so one would fail).
    let out = build(&r, &d, "key-a");
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("using the cached source build (key-a)"),
        "{stdout}"
    );
    assert!(stdout.contains("using entraprov 9.9.9"), "{stdout}");
    let bin = dir.join("bin/entraprov").display().to_string();
    assert_eq!(output(&r.outputs(), "binary"), Some(bin.as_str()));
    // A stale stamp: the old build is dropped and a new one is attempted.
    let r2 = Runner::new();
    let out = build(&r2, &d, "key-b");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    assert!(
        all.contains("could not build entraprov with cargo install"),
        "{all}"
    );
    assert!(!dir.join("bin/entraprov").exists(), "stale build kept");
    assert_eq!(output(&r2.outputs(), "binary"), None);
}
