//! Hostile manifests: huge keys and lines, paths that are not regular files.

use assert_cmd::Command;

use super::root;

fn entraprov() -> Command {
    let mut c = Command::cargo_bin("entraprov").expect("binary");
    c.current_dir(root())
        .env_remove("NO_COLOR")
        .arg("--color")
        .arg("never");
    c
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(c: &mut Command) -> Out {
    let out = c.output().expect("run");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const HEAD: &str = "apiVersion: entraprov/v1\nkind: EnterpriseApp\nname: big\n";

/// A 70,000-character key, plain (a YAML syntax error: implicit keys stop at 1,024) and
/// explicit (`? key`, an unknown key whose label spans 70,000 characters): a diagnostic in
/// every format, never a panic, and the excerpt shows a window of the line.
#[test]
fn a_70000_character_key_gives_a_diagnostic_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let key = "k".repeat(70_000);
    for (name, text) in [
        ("plain.yaml", format!("{HEAD}{key}: 1\n")),
        ("explicit.yaml", format!("{HEAD}? {key}\n: 1\n")),
        (
            "value.yaml",
            format!("{HEAD}app: {{ displayName: \"{key}\", x: 1 }}\n"),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        for format in ["human", "json", "github"] {
            let r = run(entraprov()
                .arg("validate")
                .arg("--format")
                .arg(format)
                .arg(&path));
            assert_eq!(r.code, 1, "{name} {format}: {}", r.stderr);
            assert!(
                !r.stderr.contains("panicked"),
                "{name} {format}: {}",
                r.stderr
            );
            // JSON stays exact (the key is in the message and pointer); the others are cut.
            if format != "json" {
                let len = r.stdout.len() + r.stderr.len();
                assert!(len < 20_000, "{name} {format}: {len} bytes of output");
            }
        }
        let r = run(entraprov().arg("validate").arg(&path));
        let excerpt = format!("{}:4:", path.display());
        assert!(
            r.stdout.contains(&excerpt) || r.stderr.contains(&excerpt),
            "{name}: {}{}",
            r.stdout,
            r.stderr
        );
        assert!(
            r.stdout.contains('…') || r.stderr.contains('…'),
            "{name}: no window marker"
        );
    }
}

/// A named pipe given as a path fails at once in every format (nothing writes to it, so
/// opening it would block for ever); inside a directory it is skipped as before.
#[cfg(unix)]
#[test]
fn a_fifo_path_fails_in_under_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("p.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    for format in ["human", "json", "github"] {
        let started = std::time::Instant::now();
        let r = run(entraprov()
            .arg("validate")
            .arg("--format")
            .arg(format)
            .arg(&fifo)
            .timeout(std::time::Duration::from_secs(10)));
        let took = started.elapsed();
        assert_eq!(r.code, 1, "{format}: {}{}", r.stdout, r.stderr);
        assert!(
            took < std::time::Duration::from_secs(1),
            "{format}: took {took:?}"
        );
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(all.contains("E0030"), "{format}: {all}");
        assert!(all.contains("named pipe"), "{format}: {all}");
    }
    // `plan` reads manifests the same way: it fails before any sign-in.
    let started = std::time::Instant::now();
    let r = run(entraprov()
        .arg("plan")
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(10)));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert!(r.stderr.contains("E0030"), "{}", r.stderr);
}

/// A masked literal secret does not reveal its length: secrets of 3 and 60 characters show
/// the same excerpt (issue #13: one `*` per character).
#[test]
fn a_masked_secret_does_not_reveal_its_length() {
    use entraprov::manifest::load_str;
    use entraprov::manifest::report::{HumanStyle, render_human};
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/invalid/literal-secret.yaml")).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("secretToken:"))
        .unwrap()
        .to_owned();
    let indent = &line[..line.len() - line.trim_start().len()];
    let excerpt = |secret: &str| {
        let t = text.replace(&line, &format!("{indent}secretToken: {secret}"));
        let (_, diags) = load_str("literal-secret.yaml", &t);
        let out: String = diags
            .iter()
            .map(|d| render_human(d, HumanStyle::plain()))
            .collect();
        assert!(!out.contains(secret), "{out}");
        out.lines()
            .filter(|l| l.contains("secretToken"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let short = excerpt("abc");
    assert!(short.contains("secretToken: ********"), "{short}");
    assert_eq!(short, excerpt(&"x".repeat(60)));
}

/// `validate` with no path at a repository root does not walk into test fixtures (their
/// manifests are invalid on purpose); naming the fixture directory still reads it.
#[test]
fn the_default_walk_skips_test_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(root().join("examples/keeper-minimal.yaml")).unwrap();
    std::fs::write(dir.path().join("keeper.yaml"), good).unwrap();
    let fixtures = dir.path().join("tests/fixtures");
    std::fs::create_dir_all(&fixtures).unwrap();
    std::fs::write(fixtures.join("bad.yaml"), format!("{HEAD}app: 1\n")).unwrap();
    let mut c = Command::cargo_bin("entraprov").unwrap();
    let r = run(c
        .current_dir(dir.path())
        .args(["--color", "never", "validate"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("bad.yaml"), "{}", r.stdout);
    let mut c = Command::cargo_bin("entraprov").unwrap();
    let r = run(c
        .current_dir(dir.path())
        .args(["--color", "never", "validate", "tests/fixtures"]));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
}

/// Human and GitHub output show the first 100 diagnostics of a file and say how many more
/// there are; JSON lists them all (a 1 MiB file of unknown keys has 70,000).
#[test]
fn human_output_shows_the_first_hundred_diagnostics_of_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let keys: Vec<String> = (0..150).map(|i| format!("k{i}: 1")).collect();
    let path = dir.path().join("many.yaml");
    std::fs::write(
        &path,
        format!("{{ apiVersion: entraprov/v1, {} }}\n", keys.join(", ")),
    )
    .unwrap();
    let human = run(entraprov().arg("validate").arg(&path));
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("more diagnostic(s) in"),
        "{}",
        human.stdout
    );
    let codes = human
        .stdout
        .lines()
        .filter(|l| l.len() == 5 && l.starts_with('E'))
        .count();
    assert_eq!(codes, 100, "{}", human.stdout);
    let json = run(entraprov()
        .args(["validate", "--format", "json"])
        .arg(&path));
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(v["diagnostics"].as_array().unwrap().len() >= 150);
}
