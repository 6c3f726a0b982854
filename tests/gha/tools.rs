//! Shared helpers: locating the external tools, the crate root, and YAML → JSON.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The crate root (where `action.yml` lives).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `$ENTRAPROV_TOOLS_DIR`, default `<crate>/target/tools`.
pub fn tools_dir() -> PathBuf {
    std::env::var_os("ENTRAPROV_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/tools"))
}

/// Path of a tool below the tools dir; panics (fails the test) when it is missing.
pub fn tool(rel: &str) -> PathBuf {
    let path = tools_dir().join(rel);
    assert!(
        path.is_file(),
        "required test tool {} is missing; run scripts/test.sh to install it (ENTRAPROV_TOOLS_DIR={})",
        path.display(),
        tools_dir().display()
    );
    path
}

/// Runs a command in the crate root and returns its output (fails the test if it cannot start).
pub fn run(cmd: &mut Command) -> Output {
    cmd.current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// stdout + stderr of an output, for assertion messages.
pub fn text(out: &Output) -> String {
    format!(
        "status: {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Loads a YAML file (crate-relative) as JSON, for structural assertions.
pub fn yaml_file(rel: &str) -> serde_json::Value {
    use saphyr::LoadableYamlNode;
    let src = std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let docs = saphyr::YamlOwned::load_from_str(&src).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(docs.len(), 1, "{rel}: expected one YAML document");
    to_json(&docs[0])
}

fn to_json(y: &saphyr::YamlOwned) -> serde_json::Value {
    use saphyr::{ScalarOwned, YamlOwned};
    use serde_json::Value;
    match y {
        YamlOwned::Value(ScalarOwned::Null) => Value::Null,
        YamlOwned::Value(ScalarOwned::Boolean(b)) => Value::Bool(*b),
        YamlOwned::Value(ScalarOwned::Integer(i)) => Value::from(*i),
        YamlOwned::Value(ScalarOwned::FloatingPoint(f)) => Value::from(f.into_inner()),
        YamlOwned::Value(ScalarOwned::String(s)) => Value::String(s.clone()),
        YamlOwned::Representation(s, _, _) => Value::String(s.clone()),
        YamlOwned::Sequence(seq) => Value::Array(seq.iter().map(to_json).collect()),
        YamlOwned::Mapping(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = match to_json(k) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        YamlOwned::Tagged(_, inner) => to_json(inner),
        YamlOwned::Alias(_) | YamlOwned::BadValue => Value::Null,
    }
}

/// Parses a `$GITHUB_OUTPUT` file the way the runner does: `name=value` lines and
/// `name<<DELIMITER` … `DELIMITER` blocks. Panics on a malformed file.
pub fn parse_github_output(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.split('\n');
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        let heredoc = line.find("<<");
        let equals = line.find('=');
        match (heredoc, equals) {
            (Some(h), e) if e.is_none_or(|e| h < e) => {
                let (name, delim) = (&line[..h], &line[h + 2..]);
                let mut value = Vec::new();
                loop {
                    let l = lines
                        .next()
                        .unwrap_or_else(|| panic!("unterminated heredoc {delim} for {name}"));
                    if l == delim {
                        break;
                    }
                    value.push(l);
                }
                out.push((name.to_owned(), value.join("\n")));
            }
            (_, Some(e)) => out.push((line[..e].to_owned(), line[e + 1..].to_owned())),
            _ => panic!("malformed GITHUB_OUTPUT line {line:?}"),
        }
    }
    out
}

/// The last value of `name` in a parsed `$GITHUB_OUTPUT` (the runner keeps the last one).
pub fn output<'a>(outputs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    outputs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
