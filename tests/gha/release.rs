//! The release contract: `.github/workflows/release.yml` builds the five targets that
//! `scripts/gha/install.sh` downloads, `scripts/release/package.sh` packs archives that
//! install.sh installs (and that `cargo binstall`'s metadata names), the crate package holds
//! no tests, fixtures or target files, `cargo publish --dry-run` passes, and deny.toml's
//! licence list covers the dependency graph.

use crate::scripts::{FAKE_BIN, Runner, write_exe};
use crate::tools::{output, root, run, text, yaml_file};
use std::process::Command;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `(RUNNER_OS, RUNNER_ARCH, target)` as install.sh's `target_triple` maps them.
fn install_sh_targets() -> Vec<(String, String, String)> {
    let src = std::fs::read_to_string(root().join("scripts/gha/install.sh")).expect("install.sh");
    src.lines()
        .filter_map(|l| {
            let (pat, rest) = l.trim().split_once(") echo ")?;
            let (os, arch) = pat.split_once('/')?;
            let target = rest.trim().trim_end_matches(";;").trim();
            Some((os.into(), arch.into(), target.into()))
        })
        .collect()
}

#[test]
fn release_builds_exactly_the_targets_install_sh_downloads_with_static_musl_for_linux() {
    let targets: Vec<String> = install_sh_targets().into_iter().map(|t| t.2).collect();
    assert_eq!(targets.len(), 5, "{targets:?}");
    let w = yaml_file(".github/workflows/release.yml");
    let matrix: Vec<String> = w["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .expect("matrix")
        .iter()
        .map(|e| e["target"].as_str().expect("target").to_owned())
        .collect();
    assert_eq!(matrix, targets);
    assert!(
        targets
            .iter()
            .filter(|t| t.contains("linux"))
            .all(|t| t.ends_with("-linux-musl"))
    );
    let text = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    for needle in [
        "scripts/release/package.sh",
        "scripts/release/check-version.sh",
        "statically linked",
        "actions/attest-build-provenance@",
        "gh release create",
    ] {
        assert!(text.contains(needle), "release.yml lacks {needle}");
    }
    assert_eq!(w["on"]["push"]["tags"][0], "v[0-9]+.[0-9]+.[0-9]+");
}

#[test]
fn check_version_accepts_only_the_tag_of_the_cargo_version() {
    let script = root().join("scripts/release/check-version.sh");
    let version = env!("CARGO_PKG_VERSION");
    let ok = run(Command::new("bash").arg(&script).arg(format!("v{version}")));
    assert!(ok.status.success(), "{}", text(&ok));
    assert_eq!(String::from_utf8_lossy(&ok.stdout).trim(), version);
    let bad = run(Command::new("bash").arg(&script).arg("v99.0.0"));
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("does not match Cargo.toml version"));
}

/// Packs the fake binary for `target` with package.sh; returns (archive name, bytes, sha file).
fn pack(r: &Runner, target: &str, version: &str) -> (String, Vec<u8>, String) {
    let bin = r.path("entraprov-built");
    write_exe(&bin, FAKE_BIN);
    let dist = r.path("dist");
    let out = run(Command::new("bash")
        .arg(root().join("scripts/release/package.sh"))
        .args([target, version])
        .arg(&bin)
        .arg(&dist));
    assert!(out.status.success(), "{}", text(&out));
    let ext = if target.contains("windows") {
        "zip"
    } else {
        "tar.gz"
    };
    let name = format!("entraprov-{target}-v{version}.{ext}");
    let printed = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(printed, dist.join(&name).display().to_string());
    let bytes = std::fs::read(dist.join(&name)).expect("archive");
    let sha = std::fs::read_to_string(dist.join(format!("{name}.sha256"))).expect("sha256");
    (name, bytes, sha)
}

#[tokio::test(flavor = "multi_thread")]
async fn package_sh_archives_install_with_install_sh_for_every_runner() {
    let version = "1.4.2";
    for (os, arch, target) in install_sh_targets() {
        let r = Runner::new();
        let (name, bytes, sha) = pack(&r, &target, version);
        let sum = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        assert_eq!(sha, format!("{sum}  {name}\n"));
        let server = MockServer::start().await;
        for (p, body) in [
            (name.clone(), bytes),
            (format!("{name}.sha256"), sha.into()),
        ] {
            Mock::given(method("GET"))
                .and(path(format!("/v{version}/{p}")))
                .respond_with(ResponseTemplate::new(200).set_body_bytes(body))
                .mount(&server)
                .await;
        }
        let uri = server.uri();
        let out = r.run(
            "install.sh",
            &[
                ("ENTRAPROV_RELEASE_BASE_URL", uri.as_str()),
                ("RUNNER_OS", os.as_str()),
                ("RUNNER_ARCH", arch.as_str()),
                ("INPUT_VERSION", version),
                ("ENTRAPROV_INSTALL_FALLBACK", "none"),
            ],
        );
        assert!(out.status.success(), "{os}/{arch}: {}", text(&out));
        let exe = if os == "Windows" { ".exe" } else { "" };
        let installed = r.path(&format!("temp/entraprov/bin/entraprov{exe}"));
        assert!(installed.is_file(), "{os}/{arch}: {}", text(&out));
        assert_eq!(
            output(&r.outputs(), "binary"),
            Some(installed.display().to_string().as_str())
        );
    }
}

#[test]
fn binstall_metadata_names_the_release_archives_and_the_binary_inside() {
    let manifest: toml_like::Table =
        toml_like::parse(&std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml"));
    let get = |k: &str| {
        manifest
            .get(k)
            .unwrap_or_else(|| panic!("Cargo.toml lacks {k}"))
            .clone()
    };
    let repo = get("package.repository");
    let fill = |template: &str, target: &str, suffix: &str| {
        template
            .replace("{ repo }", &repo)
            .replace("{ version }", "1.4.2")
            .replace("{ name }", "entraprov")
            .replace("{ target }", target)
            .replace("{ archive-suffix }", suffix)
            .replace("{ bin }", "entraprov")
            .replace("{ binary-ext }", if suffix == ".zip" { ".exe" } else { "" })
    };
    let url = get("package.metadata.binstall.pkg-url");
    let bin_dir = get("package.metadata.binstall.bin-dir");
    assert_eq!(get("package.metadata.binstall.pkg-fmt"), "tgz");
    assert_eq!(
        get("package.metadata.binstall.overrides.x86_64-pc-windows-msvc.pkg-fmt"),
        "zip"
    );
    for (_, _, target) in install_sh_targets() {
        let suffix = if target.contains("windows") {
            ".zip"
        } else {
            ".tar.gz"
        };
        // The URL install.sh fetches from the GitHub release of the action's repository.
        let expected = format!("{repo}/releases/download/v1.4.2/entraprov-{target}-v1.4.2{suffix}");
        assert_eq!(fill(&url, &target, suffix), expected);
        let r = Runner::new();
        let (name, _, _) = pack(&r, &target, "1.4.2");
        let listing = list_archive(&r.path("dist").join(&name));
        let inside = fill(&bin_dir, &target, suffix);
        assert!(listing.contains(&inside), "{inside} not in {listing:?}");
    }
}

fn list_archive(p: &std::path::Path) -> Vec<String> {
    let zip = p.extension().is_some_and(|e| e == "zip");
    let out = if zip {
        run(Command::new("unzip").arg("-Z1").arg(p))
    } else {
        run(Command::new("tar").arg("-tzf").arg(p))
    };
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Just enough TOML for Cargo.toml's `key = "string"` lines under `[table]` headers.
mod toml_like {
    pub type Table = std::collections::HashMap<String, String>;
    pub fn parse(src: &str) -> Table {
        let mut table = String::new();
        let mut out = Table::new();
        for line in src.lines().map(str::trim) {
            if let Some(h) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                table = h.to_owned();
            } else if let Some((k, v)) = line.split_once(" = ")
                && let Some(v) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"'))
            {
                out.insert(format!("{table}.{}", k.trim()), v.to_owned());
            }
        }
        out
    }
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(root());
    c
}

#[test]
fn the_crate_package_holds_sources_docs_and_licences_only() {
    let out = run(cargo().args(["package", "--list", "--locked", "--allow-dirty"]));
    assert!(out.status.success(), "{}", text(&out));
    let files: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    let allowed = |f: &str| {
        (f.starts_with("src/") && f.ends_with(".rs"))
            || (f.starts_with("docs/") && f.ends_with(".md") && !f[5..].contains('/'))
            || (f.starts_with("examples/") && f.ends_with(".yaml") && !f[9..].contains('/'))
            || [
                ".cargo_vcs_info.json",
                "Cargo.toml",
                "Cargo.toml.orig",
                "Cargo.lock",
                "README.md",
                "ARCHITECTURE.md",
                "LICENSE-MIT",
                "LICENSE-APACHE",
                "schemas/entraprov.schema.json",
            ]
            .contains(&f)
    };
    let unexpected: Vec<&String> = files.iter().filter(|f| !allowed(f)).collect();
    assert!(unexpected.is_empty(), "not for the crate: {unexpected:?}");
    // What the build needs (include_str!) and what the licence field promises.
    for needed in [
        "src/main.rs",
        "src/lib.rs",
        "schemas/entraprov.schema.json",
        "examples/keeper.yaml",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "README.md",
    ] {
        assert!(files.iter().any(|f| f == needed), "package lacks {needed}");
    }
    // The only warnings are the test, example and bench targets left out on purpose.
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        if let Some(w) = line.strip_prefix("warning: ") {
            assert!(
                w.starts_with("ignoring test `")
                    || w.starts_with("ignoring example `")
                    || w.starts_with("ignoring bench `"),
                "cargo package warns: {line}"
            );
        }
    }
}

#[test]
fn cargo_publish_dry_run_passes() {
    // `--no-verify`: the verification build is CI's `package` job (`cargo publish --dry-run`);
    // here the registry index is consulted for the dependency versions.
    let out = run(cargo().args([
        "publish",
        "--dry-run",
        "--no-verify",
        "--allow-dirty",
        "--locked",
    ]));
    assert!(out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Packaged "), "{stderr}");
    assert!(
        stderr.contains("aborting upload due to dry run"),
        "{stderr}"
    );
}
