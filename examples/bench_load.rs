//! Benchmark of manifest loading (issue 13, "Quadratic loading").
//!
//! ```text
//! cargo run --release --example bench_load -- [N…]        (default: 5000 10000 20000 70000)
//! ```
//!
//! For each N it loads (YAML → JSON + span map → schema → lints → typed manifest, what
//! `entraprov validate` does) a manifest whose `attributes` mapping has N keys written as one
//! flow mapping on a single line, and the same keys in block style, and prints one line each:
//!
//! `bench_load shape=flow-line keys=10000 bytes=… ms=… us_per_key=…`
//!
//! Then three 1 MiB files (the size limit) of other shapes: one flow mapping of unknown keys
//! on one line (one diagnostic per key), a flow sequence on one line, and one long string
//! value. Linear loading shows as a constant `us_per_key`; the target is under 1 s for any
//! 1 MiB manifest.

use std::time::Instant;

use entraprov::manifest::{MAX_FILE_BYTES, load_str};

const HEAD: &str = "apiVersion: entraprov/v1\nkind: EnterpriseApp\nname: bench\napp:\n  \
    displayName: Bench\n  templateId: 8adf8e6e-67b2-4cf2-a259-e3dc5476c621\n  connector: scim\n\
    provisioning:\n  enabled: false\n  credentials:\n    tenantUrl: https://scim.example.com/scim/v2\n    \
    secretToken: { fromEnv: SCIM_TOKEN }\n  mappings:\n    users:\n      attributes:";

fn flow_line(n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| format!("a{i}: {{ source: displayName }}"))
        .collect();
    format!("{HEAD} {{ {} }}\n", items.join(", "))
}

fn block(n: usize) -> String {
    let mut s = format!("{HEAD}\n");
    for i in 0..n {
        s.push_str(&format!("        a{i}: {{ source: displayName }}\n"));
    }
    s
}

/// Fills a 1 MiB file with `item(i)` joined by `sep` inside `open … close` after `prefix`.
fn mib(prefix: &str, open: &str, close: &str, sep: &str, item: impl Fn(usize) -> String) -> String {
    let budget = MAX_FILE_BYTES as usize - prefix.len() - open.len() - close.len() - 2;
    let mut body = String::new();
    let mut i = 0;
    loop {
        let next = item(i);
        if body.len() + sep.len() + next.len() > budget {
            break;
        }
        if i > 0 {
            body.push_str(sep);
        }
        body.push_str(&next);
        i += 1;
    }
    format!("{prefix}{open}{body}{close}\n")
}

fn time(shape: &str, keys: usize, text: &str) {
    let started = Instant::now();
    let (loaded, diags) = load_str("bench.yaml", text);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let per = if keys > 0 {
        ms * 1000.0 / keys as f64
    } else {
        0.0
    };
    println!(
        "bench_load shape={shape} keys={keys} bytes={} ms={ms:.0} us_per_key={per:.1} loaded={} diagnostics={}",
        text.len(),
        loaded.is_some(),
        diags.len()
    );
}

fn main() {
    let ns: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let ns = if ns.is_empty() {
        vec![5_000, 10_000, 20_000, 70_000]
    } else {
        ns
    };
    for &n in &ns {
        let text = flow_line(n);
        if text.len() as u64 <= MAX_FILE_BYTES * 4 {
            time("flow-line", n, &text);
        }
        time("block", n, &block(n));
    }
    let keys = mib("{ apiVersion: entraprov/v1, ", "", " }", ", ", |i| {
        format!("k{i}: {i}")
    });
    time(
        "1MiB-flow-unknown-keys",
        keys.matches(", k").count() + 1,
        &keys,
    );
    let seq = mib(
        "apiVersion: entraprov/v1\nkind: EnterpriseApp\nname: s\nx: ",
        "[",
        "]",
        ",",
        |i| i.to_string(),
    );
    time("1MiB-flow-sequence", seq.matches(',').count() + 1, &seq);
    let long = format!(
        "{HEAD} {{ a: {{ constant: \"{}\" }} }}\n",
        "x".repeat(MAX_FILE_BYTES as usize - HEAD.len() - 40)
    );
    time("1MiB-one-string", 1, &long);
}
