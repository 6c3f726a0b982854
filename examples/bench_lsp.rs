//! Benchmark of `entraprov lsp` (issue 19, "Latency"): how long after a change the editor
//! has the diagnostics of `examples/keeper.yaml`.
//!
//! ```text
//! cargo run --release --example bench_lsp -- [CHANGES]        (default: 200)
//! ```
//!
//! Runs the server on an in-memory connection (the stdio transport's two threads are left
//! out; they copy bytes), opens the example, then sends CHANGES `didChange` notifications one
//! at a time, alternating the real text and a variant with one edited line (a new display
//! name), with the debounce delay set to 0 (`debounceMs`), and times each from sending the
//! change to receiving its `publishDiagnostics` (the whole `validate` pipeline: YAML, JSON
//! Schema, lints, connector lints, conversion to LSP). Prints
//!
//! `bench_lsp file=examples/keeper.yaml changes=… median_ms=… p95_ms=… max_ms=… target_ms=20 ok|MISSED`
//!
//! The target is the median under 20 ms. In an editor the default 100 ms debounce comes on
//! top, by design: the server waits for the typing to pause.

use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

const TARGET_MS: f64 = 20.0;

fn main() {
    let changes: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/keeper.yaml");
    let text = std::fs::read_to_string(&path).expect("examples/keeper.yaml");
    let edited = text.replace(
        "displayName: Keeper (prod)",
        "displayName: Keeper (production)",
    );
    assert_ne!(text, edited, "the variant must differ");
    let uri = url::Url::from_file_path(&path).expect("path").to_string();

    let (server, client) = Connection::memory();
    let thread =
        std::thread::spawn(move || entraprov::lsp::serve(&server).map_err(|e| e.to_string()));
    let init = json!({ "capabilities": {}, "initializationOptions": { "debounceMs": 0 } });
    send_request(&client, 1, "initialize", init);
    wait(&client, |m| matches!(m, Message::Response(_)));
    notify(&client, "initialized", json!({}));
    let doc = json!({ "uri": uri, "languageId": "yaml", "version": 1, "text": text });
    notify(
        &client,
        "textDocument/didOpen",
        json!({ "textDocument": doc }),
    );
    published(&client, 1);

    let mut times = Vec::with_capacity(changes);
    for i in 0..changes {
        let version = i as i64 + 2;
        let body = if i % 2 == 0 { &edited } else { &text };
        let start = Instant::now();
        let params = json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "text": body }],
        });
        notify(&client, "textDocument/didChange", params);
        published(&client, version);
        times.push(start.elapsed());
    }
    send_request(&client, 2, "shutdown", Value::Null);
    wait(&client, |m| matches!(m, Message::Response(_)));
    notify(&client, "exit", Value::Null);
    thread.join().expect("server thread").expect("server");

    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(times[times.len() / 2]);
    let p95 = ms(times[(times.len() * 95 / 100).min(times.len() - 1)]);
    let max = ms(times[times.len() - 1]);
    let verdict = if median < TARGET_MS { "ok" } else { "MISSED" };
    println!(
        "bench_lsp file=examples/keeper.yaml changes={changes} median_ms={median:.2} p95_ms={p95:.2} max_ms={max:.2} target_ms={TARGET_MS} {verdict}"
    );
}

fn send_request(c: &Connection, id: i32, method: &str, params: Value) {
    let req = Request::new(RequestId::from(id), method.to_owned(), params);
    c.sender.send(req.into()).expect("send");
}

fn notify(c: &Connection, method: &str, params: Value) {
    c.sender
        .send(Notification::new(method.to_owned(), params).into())
        .expect("send");
}

fn wait(c: &Connection, done: impl Fn(&Message) -> bool) -> Message {
    loop {
        let m = c
            .receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers");
        if done(&m) {
            return m;
        }
    }
}

/// Waits for the diagnostics published for `version`.
fn published(c: &Connection, version: i64) {
    wait(c, |m| match m {
        Message::Notification(n) => {
            n.method == "textDocument/publishDiagnostics" && n.params["version"] == json!(version)
        }
        _ => false,
    });
}
