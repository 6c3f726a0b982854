//! `scripts/gha/install.sh` with a fake runner environment and a loopback release server
//! (wiremock) serving cargo-binstall-named archives and their `.sha256` files.

use crate::scripts::{FAKE_BIN, Runner, fake_bin, write_exe};
use crate::tools::{output, text};
use sha2::{Digest, Sha256};
use std::process::Command;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn install_uses_the_binary_input_and_adds_it_to_the_path() {
    let r = Runner::new();
    let bin = fake_bin(&r);
    let out = r.run("install.sh", &[("INPUT_BINARY", &bin)]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(output(&r.outputs(), "binary"), Some(bin.as_str()));
    assert_eq!(
        r.read("path").trim(),
        r.path("").display().to_string().trim_end_matches('/')
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("entraprov 9.9.9"));
}

#[test]
fn install_rejects_a_binary_input_that_is_not_executable() {
    let r = Runner::new();
    let p = r.path("not-exec");
    std::fs::write(&p, "x").expect("write");
    let out = r.run("install.sh", &[("INPUT_BINARY", &p.display().to_string())]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("::error title=entraprov install::"));
    assert!(r.outputs().is_empty());
}

/// A release archive laid out the cargo-binstall way, containing the fake binary.
fn release_archive(r: &Runner, triple: &str, version: &str) -> Vec<u8> {
    let name = format!("entraprov-{triple}-v{version}");
    let stage = r.path("stage");
    std::fs::create_dir_all(stage.join(&name)).expect("mkdir");
    write_exe(&stage.join(&name).join("entraprov"), FAKE_BIN);
    let archive = r.path("archive.tar.gz");
    let out = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(&stage)
        .arg(&name)
        .output()
        .expect("tar");
    assert!(out.status.success(), "{}", text(&out));
    std::fs::read(archive).expect("archive")
}

async fn release_server(asset: &str, archive: Vec<u8>, sha256: String) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/{asset}")))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(archive))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/{asset}.sha256")))
        .respond_with(ResponseTemplate::new(200).set_body_string(sha256))
        .mount(&server)
        .await;
    server
}

fn install_env<'a>(base: &'a str, os: &'a str, arch: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("ENTRAPROV_RELEASE_BASE_URL", base),
        ("RUNNER_OS", os),
        ("RUNNER_ARCH", arch),
        ("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR")),
        ("ENTRAPROV_INSTALL_FALLBACK", "none"),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn install_downloads_the_release_for_the_action_version_and_verifies_its_sha256() {
    let r = Runner::new();
    let version = env!("CARGO_PKG_VERSION");
    let triple = "x86_64-unknown-linux-musl";
    let archive = release_archive(&r, triple, version);
    let sum = format!(
        "{}  entraprov-{triple}-v{version}.tar.gz\n",
        hex::encode(Sha256::digest(&archive))
    );
    let asset = format!("v{version}/entraprov-{triple}-v{version}.tar.gz");
    let server = release_server(&asset, archive, sum).await;
    let out = r.run("install.sh", &install_env(&server.uri(), "Linux", "X64"));
    assert!(out.status.success(), "{}", text(&out));
    let installed = r.path("temp/entraprov/bin/entraprov");
    assert!(installed.is_file());
    assert_eq!(
        output(&r.outputs(), "binary"),
        Some(installed.display().to_string().as_str())
    );
    assert_eq!(
        r.read("path").trim(),
        r.path("temp/entraprov/bin").display().to_string()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn install_refuses_an_archive_whose_sha256_does_not_match() {
    let r = Runner::new();
    let triple = "aarch64-apple-darwin";
    let archive = release_archive(&r, triple, "1.2.3");
    let wrong = hex::encode(Sha256::digest(b"something else"));
    let asset = format!("v1.2.3/entraprov-{triple}-v1.2.3.tar.gz");
    let server = release_server(&asset, archive, wrong.clone()).await;
    let uri = server.uri();
    let mut env = install_env(&uri, "macOS", "ARM64");
    env.push(("INPUT_VERSION", "v1.2.3"));
    let out = r.run("install.sh", &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "SHA-256 mismatch for entraprov-{triple}-v1.2.3.tar.gz: expected {wrong}"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("ENTRAPROV_INSTALL_FALLBACK=none"),
        "{stderr}"
    );
    assert!(!r.path("temp/entraprov/bin/entraprov").exists());
    assert!(r.outputs().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn install_maps_runner_os_and_arch_to_cargo_binstall_asset_names() {
    let server = MockServer::start().await; // answers 404 to everything
    let cases = [
        ("Linux", "X64", "x86_64-unknown-linux-musl", "tar.gz"),
        ("Linux", "ARM64", "aarch64-unknown-linux-musl", "tar.gz"),
        ("macOS", "X64", "x86_64-apple-darwin", "tar.gz"),
        ("macOS", "ARM64", "aarch64-apple-darwin", "tar.gz"),
        ("Windows", "X64", "x86_64-pc-windows-msvc", "zip"),
    ];
    let uri = server.uri();
    for (os, arch, _, _) in cases {
        let r = Runner::new();
        let mut env = install_env(&uri, os, arch);
        env.push(("INPUT_VERSION", "0.9.0"));
        let out = r.run("install.sh", &env);
        assert_eq!(out.status.code(), Some(1), "{os}/{arch}: {}", text(&out));
    }
    let requested: Vec<String> = server
        .received_requests()
        .await
        .expect("recording")
        .iter()
        .map(|q| q.url.path().to_owned())
        .collect();
    let expected: Vec<String> = cases
        .iter()
        .map(|(_, _, t, ext)| format!("/v0.9.0/entraprov-{t}-v0.9.0.{ext}"))
        .collect();
    assert_eq!(requested, expected);
}

#[test]
fn install_without_a_prebuilt_for_the_runner_and_no_fallback_fails_clearly() {
    let r = Runner::new();
    let out = r.run(
        "install.sh",
        &[
            ("RUNNER_OS", "Linux"),
            ("RUNNER_ARCH", "ARM"),
            ("INPUT_VERSION", "1.0.0"),
            ("ENTRAPROV_INSTALL_FALLBACK", "none"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    assert!(all.contains("no prebuilt binary for Linux/ARM"), "{all}");
    assert!(
        all.contains(
            "::warning title=entraprov install::no verified release binary for version '1.0.0'"
        ),
        "{all}"
    );
}
