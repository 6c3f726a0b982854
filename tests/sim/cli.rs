//! `entraprov sim serve`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

struct Kill(std::process::Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn sim_serve_prints_the_url_first_then_credentials_and_env_as_pasteable_shell() {
    let child = Command::new(env!("CARGO_BIN_EXE_entraprov"))
        .args(["sim", "serve", "--port", "0", "--users", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut child = Kill(child);
    let mut reader = BufReader::new(child.0.stdout.take().unwrap());
    let mut banner = String::new();
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "sim serve exited early:\n{banner}"
        );
        banner.push_str(&line);
        if line.starts_with("# press Ctrl-C") {
            break;
        }
    }
    // Every line is shell (the banner is pasted or eval'ed whole): a comment or an export.
    for line in banner.lines() {
        assert!(
            line.starts_with("# ") || line.starts_with("export "),
            "{line:?}"
        );
    }
    let first = banner.lines().next().unwrap();
    assert!(
        first.starts_with("# entraprov simulator listening on http://127.0.0.1:"),
        "{first}"
    );
    let url = first
        .trim_start_matches("# entraprov simulator listening on ")
        .to_owned();
    let body = std::net::TcpStream::connect(url.trim_start_matches("http://")).is_ok();
    assert!(body, "the server accepts connections at {url}");
    insta::with_settings!({snapshot_path => "../snapshots", filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT")]}, {
        insta::assert_snapshot!("sim_serve_banner", banner);
    });
}

#[test]
fn sim_serve_rejects_a_bad_fault_spec() {
    let out = Command::new(env!("CARGO_BIN_EXE_entraprov"))
        .args(["--color", "never", "sim", "serve", "--faults", "throttle=2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid fault spec item `throttle=2`"),
        "{err}"
    );
    assert!(
        err.contains("probability must be a number between 0 and 1"),
        "{err}"
    );
}

#[test]
fn sim_serve_help_documents_every_flag_and_default() {
    let out = Command::new(env!("CARGO_BIN_EXE_entraprov"))
        .args(["sim", "serve", "--help"])
        .env("COLUMNS", "100")
        .env_remove("ENTRAPROV_CLOUD")
        .env_remove("ENTRAPROV_GRAPH_URL")
        .env_remove("ENTRAPROV_AUTHORITY_URL")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    insta::with_settings!({snapshot_path => "../snapshots"}, {
        insta::assert_snapshot!("sim_serve_help", help);
    });
}
