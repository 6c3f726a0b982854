//! README.md as a new user follows it. The "Try it without a tenant" section is run exactly as
//! written: its first `sh` block (the simulator) is started, everything it prints is pasted into
//! a shell (bash runs the whole banner, so every line must be a comment or an `export`), and
//! each line of its second `sh` block runs in that shell in a copy of the examples, with the
//! built binary on PATH. Every command must exit 0. The simulator refuses outbound connections,
//! and a tenant URL that is not routed to loopback is refused, not called. The other `sh` blocks
//! (install, demo, test command) are checked for what they are: the commands CI runs.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const README: &str = include_str!("../README.md");

/// The `sh` fenced blocks of `section` (from its `## ` heading to the next), each a list of
/// command lines (comments after `  #` removed, blank lines dropped).
fn sh_blocks(section: &str) -> Vec<Vec<String>> {
    let start = README
        .find(&format!("\n## {section}\n"))
        .unwrap_or_else(|| panic!("README has no section {section:?}"));
    let body = &README[start + 4..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let mut blocks = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find("```sh\n") {
        let after = &rest[open + 6..];
        let close = after.find("```").expect("closed block");
        let lines = after[..close]
            .lines()
            .map(|l| l.split("  #").next().unwrap_or("").trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect();
        blocks.push(lines);
        rest = &after[close + 3..];
    }
    blocks
}

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_entraprov"))
        .parent()
        .expect("bin dir")
        .to_path_buf()
}

fn path_env() -> std::ffi::OsString {
    let mut paths = vec![bin_dir()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).expect("PATH")
}

/// A fresh "clone": the examples in a temp dir.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir(dir.path().join("examples")).expect("mkdir");
    for e in std::fs::read_dir(root.join("examples")).expect("examples") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "yaml") {
            std::fs::copy(&p, dir.path().join("examples").join(p.file_name().unwrap()))
                .expect("copy");
        }
    }
    dir
}

/// The simulator started with the README's command line; killed on drop.
struct Sim {
    child: Child,
    banner: String,
}

impl Sim {
    fn start(line: &str, cwd: &Path) -> Sim {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], "entraprov", "{line}");
        let mut child = Command::new("entraprov")
            .args(&words[1..])
            .current_dir(cwd)
            .env("PATH", path_env())
            .env_remove("ENTRAPROV_GRAPH_URL")
            .env_remove("ENTRAPROV_AUTHORITY_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sim serve starts");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        let mut banner = String::new();
        loop {
            let mut l = String::new();
            assert!(
                reader.read_line(&mut l).expect("read") > 0,
                "sim serve exited:\n{banner}"
            );
            banner.push_str(&l);
            if l.starts_with("# press Ctrl-C") {
                break;
            }
        }
        std::thread::spawn(move || for _ in reader.lines() {});
        Sim { child, banner }
    }

    fn stop(mut self) -> String {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let out = self.child.wait_with_output_stderr();
        std::mem::forget(self);
        out
    }
}

trait StderrOf {
    fn wait_with_output_stderr(&mut self) -> String;
}

impl StderrOf for Child {
    fn wait_with_output_stderr(&mut self) -> String {
        use std::io::Read;
        let _ = self.wait();
        let mut err = String::new();
        if let Some(mut e) = self.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        err
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `line` in bash after pasting the whole banner (errexit: a banner line that is not
/// valid shell, or a failing export, stops it).
fn in_shell(banner: &str, line: &str, cwd: &Path, extra: &[(&str, &str)]) -> Output {
    let script = format!("set -e\n{banner}\n{line}\n");
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-c", &script])
        .current_dir(cwd)
        .env("PATH", path_env())
        .env("NO_COLOR", "1")
        .env_remove("ENTRAPROV_ACCESS_TOKEN")
        .env_remove("GITHUB_ACTIONS");
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.output().expect("bash runs")
}

fn text(out: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn try_it_without_a_tenant_works_exactly_as_written_for_every_example() {
    let blocks = sh_blocks("Try it without a tenant");
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    assert_eq!(blocks[0].len(), 1, "one command starts the simulator");
    let commands = &blocks[1];
    for example in ["keeper.yaml", "keeper-minimal.yaml", "generic-scim.yaml"] {
        for verb in ["test-connection", "provision-on-demand"] {
            assert!(
                commands
                    .iter()
                    .any(|c| c.contains(verb) && c.contains(example)),
                "the README never runs {verb} for {example}"
            );
        }
    }
    for verb in ["plan", "apply", "status", "import"] {
        assert!(
            commands
                .iter()
                .any(|c| c.starts_with(&format!("entraprov {verb} ")))
        );
    }
    let dir = workdir();
    let sim = Sim::start(&blocks[0][0], dir.path());
    for line in sim.banner.lines() {
        assert!(
            line.starts_with("# ") || line.starts_with("export "),
            "not pasteable shell: {line:?}"
        );
    }
    for var in [
        "KEEPER_SCIM_TOKEN",
        "SCIM_DEMO_TOKEN",
        "AZURE_CLIENT_SECRET",
    ] {
        assert!(sim.banner.contains(&format!("\nexport {var}=")), "{var}");
    }
    assert!(sim.banner.contains("# outbound: refused"), "{}", sim.banner);
    for line in commands {
        let out = in_shell(&sim.banner, line, dir.path(), &[]);
        assert!(out.status.success(), "`{line}` failed:\n{}", text(&out));
    }
    for f in ["keeper-prod", "keeper-minimal", "scim-demo"] {
        let imported = dir.path().join(format!("{f}.imported.yaml"));
        assert!(imported.is_file(), "{f}: import wrote nothing");
    }
    // `--state FILE` keeps the tenant: after a restart the plan is still empty.
    let err = sim.stop();
    assert!(dir.path().join("playground.json").is_file(), "{err}");
    let again = Sim::start(&blocks[0][0], dir.path());
    let out = in_shell(
        &again.banner,
        "entraprov plan examples/ --detailed-exitcode",
        dir.path(),
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tenant_url_that_is_not_loopback_is_refused_by_the_simulator_not_called() {
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let blocks = sh_blocks("Try it without a tenant");
    let dir = workdir();
    let far = std::fs::read_to_string(dir.path().join("examples/generic-scim.yaml"))
        .expect("example")
        .replace(
            "https://scim.example.com/",
            "https://scim.far-away.example/",
        )
        .replace("name: scim-demo", "name: scim-far")
        .replace("displayName: SCIM demo", "displayName: SCIM far");
    std::fs::write(dir.path().join("far.yaml"), far).expect("write");
    // entraprov's own explanatory probe (not the simulator) is routed to this tripwire, so
    // that nothing in this test resolves or reaches the far host.
    let tripwire = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(401))
        .mount(&tripwire)
        .await;
    let sim = Sim::start(&blocks[0][0], dir.path());
    let routes = format!(
        "{},https://scim.far-away.example/={}/",
        sim.banner
            .lines()
            .find_map(|l| l.strip_prefix("export ENTRAPROV_SCIM_ROUTES="))
            .expect("routes"),
        tripwire.uri()
    );
    let line =
        format!("export ENTRAPROV_SCIM_ROUTES={routes}\nentraprov apply far.yaml --auto-approve");
    let out = in_shell(&sim.banner, &line, dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    assert!(
        all.contains("The simulator refused to connect to scim.far-away.example")
            && all.contains("--allow-outbound (nothing was sent)"),
        "{all}"
    );
    // Every request the tripwire saw is entraprov's probe (count=1), none the simulator's
    // validateCredentials query (a bare userName filter).
    for r in tripwire.received_requests().await.expect("recording") {
        let q = r.url.query().unwrap_or_default().to_owned();
        assert!(
            q.contains("count=1") || r.url.path().ends_with("ServiceProviderConfig"),
            "{q}"
        );
    }
    let err = sim.stop();
    assert!(
        err.contains("refused to connect to scim.far-away.example"),
        "sim serve says it refused: {err}"
    );
}

#[test]
fn the_install_and_first_commands_are_the_ones_ci_and_cargo_run() {
    let install = sh_blocks("Install");
    assert_eq!(install.len(), 2, "{install:?}");
    assert_eq!(install[0], ["cargo install --locked --path ."]);
    assert_eq!(
        install[1],
        ["cargo run --release -- demo", "scripts/test.sh"]
    );
    // `scripts/test.sh` is what CI runs; `demo` is the default-run binary's subcommand
    // (tests/demo.rs runs it); `cargo install --path .` installs the `entraprov` binary.
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    assert!(ci.contains("bash scripts/test.sh"), "{ci}");
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("Cargo.toml");
    assert!(manifest.contains("default-run = \"entraprov\""));
    assert!(manifest.contains("[package.metadata.binstall]"));
    let out = Command::new(env!("CARGO_BIN_EXE_entraprov"))
        .args(["demo", "--help"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out));
}

/// The inline commands of the README (`` `entraprov …` `` and `` `cargo run … --example …` ``).
fn inline_commands(prefix: &str) -> Vec<String> {
    README
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|c| c.starts_with(prefix))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_inline_commands_work_or_name_what_exists() {
    // `entraprov …` in prose: run exactly as written (the starter must also validate).
    let runnable: Vec<String> = inline_commands("entraprov ")
        .into_iter()
        // `sim serve` and `lsp` are servers (tests/sim and tests/lsp drive them).
        .filter(|c| c != "entraprov sim serve" && c != "entraprov lsp" && !c.contains('<'))
        .collect();
    assert!(runnable.contains(&"entraprov init --connector keeper".to_owned()));
    let dir = workdir();
    for c in &runnable {
        let out = in_shell("", c, dir.path(), &[]);
        assert!(out.status.success(), "`{c}`: {}", text(&out));
        if c.starts_with("entraprov init") {
            std::fs::write(dir.path().join("starter.yaml"), &out.stdout).expect("write");
            let v = in_shell("", "entraprov validate starter.yaml", dir.path(), &[]);
            assert!(v.status.success(), "{}", text(&v));
        }
    }
    // The benchmarks are release builds of the crate's examples: each one named exists.
    let benches = inline_commands("cargo run --release --example ");
    assert!(benches.len() >= 3, "{benches:?}");
    for b in benches {
        let name = b.split_whitespace().nth(4).expect("example name");
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("examples/{name}.rs"));
        assert!(file.is_file(), "{b}: no {}", file.display());
    }
}
