//! deny.toml's licence `allow` list (checked by `cargo deny check` in CI) covers every
//! dependency's SPDX licence expression in the locked graph, evaluated here the way
//! cargo-deny does: `OR` needs one allowed side, `AND` both, `A WITH B` is allowed as a whole.

use crate::tools::{root, run, text};
use std::process::Command;

fn allow_list() -> Vec<String> {
    let src = std::fs::read_to_string(root().join("deny.toml")).expect("deny.toml");
    let start = src.find("allow = [").expect("licenses.allow") + "allow = [".len();
    let end = start + src[start..].find(']').expect("end of allow");
    src[start..end]
        .lines()
        .filter_map(|l| {
            let l = l.trim().trim_end_matches(',');
            l.strip_prefix('"')?.strip_suffix('"').map(str::to_owned)
        })
        .collect()
}

fn tokens(expr: &str) -> Vec<String> {
    expr.replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ")
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Recursive descent: or := and (OR and)*; and := atom (AND atom)*; atom := ( or ) | id [WITH id].
struct Eval<'a> {
    toks: Vec<String>,
    pos: usize,
    allow: &'a [String],
}

impl Eval<'_> {
    fn peek(&self) -> Option<&str> {
        self.toks.get(self.pos).map(String::as_str)
    }
    fn next(&mut self) -> String {
        self.pos += 1;
        self.toks.get(self.pos - 1).cloned().unwrap_or_default()
    }
    fn or(&mut self) -> bool {
        let mut ok = self.and();
        while self.peek() == Some("OR") {
            self.next();
            ok |= self.and();
        }
        ok
    }
    fn and(&mut self) -> bool {
        let mut ok = self.atom();
        while self.peek() == Some("AND") {
            self.next();
            ok &= self.atom();
        }
        ok
    }
    fn atom(&mut self) -> bool {
        let t = self.next();
        if t == "(" {
            let ok = self.or();
            assert_eq!(self.next(), ")", "unbalanced licence expression");
            return ok;
        }
        let id = if self.peek() == Some("WITH") {
            self.next();
            format!("{t} WITH {}", self.next())
        } else {
            t
        };
        self.allow.contains(&id)
    }
}

fn satisfied(expr: &str, allow: &[String]) -> bool {
    let mut e = Eval {
        toks: tokens(expr),
        pos: 0,
        allow,
    };
    let ok = e.or();
    assert_eq!(e.pos, e.toks.len(), "could not parse licence {expr:?}");
    ok
}

#[test]
fn the_evaluator_follows_spdx_precedence() {
    let allow = vec!["MIT".to_owned(), "ISC".to_owned()];
    assert!(satisfied("MIT OR GPL-3.0", &allow));
    assert!(!satisfied("MIT AND GPL-3.0", &allow));
    assert!(satisfied("GPL-3.0 AND BSD-3-Clause OR ISC", &allow));
    assert!(!satisfied("Apache-2.0 WITH LLVM-exception", &allow));
    assert!(satisfied("(GPL-2.0 OR MIT) AND ISC", &allow));
    assert!(satisfied("Apache-2.0/MIT", &allow));
}

#[test]
fn deny_toml_allows_every_licence_in_the_locked_dependency_graph() {
    let allow = allow_list();
    assert!(allow.iter().any(|a| a == "MIT"), "{allow:?}");
    let out = run(
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(["metadata", "--format-version", "1", "--locked"])
            .current_dir(root()),
    );
    assert!(out.status.success(), "{}", text(&out));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let packages = meta["packages"].as_array().expect("packages");
    assert!(packages.len() > 100, "{} packages", packages.len());
    let refused: Vec<String> = packages
        .iter()
        .filter_map(|p| {
            let name = p["name"].as_str().unwrap_or("?");
            match p["license"].as_str() {
                Some(l) if satisfied(l, &allow) => None,
                Some(l) => Some(format!("{name}: {l}")),
                None => Some(format!("{name}: no SPDX licence (license-file)")),
            }
        })
        .collect();
    assert!(refused.is_empty(), "not allowed by deny.toml: {refused:?}");
}
