//! A minimal LSP client: spawns `entraprov lsp --stdio`, frames JSON-RPC messages with
//! `Content-Length`, answers nothing (the server asks nothing), records every
//! `publishDiagnostics`, and applies `TextEdit`s the way an editor does (UTF-16 positions).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Every publishDiagnostics received, in order: (uri, version, diagnostics).
    pub published: Vec<(String, Option<i64>, Vec<Value>)>,
    /// The server's `initialize` result.
    pub init: Value,
}

pub fn uri(path: &Path) -> String {
    url::Url::from_file_path(path)
        .expect("absolute path")
        .to_string()
}

impl Client {
    /// Starts the server and initializes it with `options` as `initializationOptions`.
    pub fn start(options: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_entraprov"))
            .args(["lsp", "--stdio"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("entraprov lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut r) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let mut c = Client {
            child,
            stdin,
            rx,
            next_id: 1,
            published: Vec::new(),
            init: Value::Null,
        };
        let root = url::Url::from_directory_path(env!("CARGO_MANIFEST_DIR")).expect("root");
        c.init = c.request(
            "initialize",
            json!({
                "processId": std::process::id(), "rootUri": root.as_str(),
                "capabilities": { "textDocument": { "publishDiagnostics": { "relatedInformation": true } } },
                "initializationOptions": options,
            }),
        );
        c.notify("initialized", json!({}));
        c
    }

    fn send(&mut self, msg: Value) {
        let text = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{text}", text.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its result (panics on an error response).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let msg = self.next();
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                assert!(msg.get("error").is_none(), "{method} failed: {msg}");
                return msg["result"].clone();
            }
        }
    }

    fn next(&mut self) -> Value {
        let msg = match self.rx.recv_timeout(TIMEOUT) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in {TIMEOUT:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed stdout"),
        };
        if msg["method"] == "textDocument/publishDiagnostics" {
            let p = &msg["params"];
            let diags = p["diagnostics"].as_array().cloned().unwrap_or_default();
            self.published.push((
                p["uri"].as_str().unwrap_or("").to_owned(),
                p["version"].as_i64(),
                diags,
            ));
        }
        msg
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        let doc = json!({ "uri": uri, "languageId": "yaml", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": doc }));
    }

    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        let doc = json!({ "uri": uri, "version": version });
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": doc, "contentChanges": changes }),
        );
    }

    /// Waits for the diagnostics of `uri` published for `version` (or any version when
    /// `None`) and returns them.
    pub fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let start = self.published.len();
        let deadline = Instant::now() + TIMEOUT;
        let mut seen = start;
        loop {
            for (u, v, d) in &self.published[seen..] {
                if u == uri && (version.is_none() || *v == version) {
                    return d.clone();
                }
            }
            seen = self.published.len();
            assert!(
                Instant::now() < deadline,
                "no diagnostics for {uri} {version:?}"
            );
            self.next();
        }
    }

    pub fn hover(&mut self, uri: &str, pos: (u32, u32)) -> Value {
        self.request("textDocument/hover", position(uri, pos))
    }

    pub fn completion(&mut self, uri: &str, pos: (u32, u32)) -> Vec<Value> {
        let r = self.request("textDocument/completion", position(uri, pos));
        r.as_array()
            .cloned()
            .unwrap_or_else(|| r["items"].as_array().cloned().unwrap_or_default())
    }

    pub fn code_actions(&mut self, uri: &str, range: &Value) -> Vec<Value> {
        let params = json!({ "textDocument": { "uri": uri }, "range": range, "context": { "diagnostics": [] } });
        self.request("textDocument/codeAction", params)
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// `shutdown`, `exit`, and the server's exit status.
    pub fn shutdown(mut self) -> std::process::ExitStatus {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r, Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit after `exit`"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn position(uri: &str, (line, character): (u32, u32)) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// Byte offset of an LSP position (line, UTF-16 code unit) in `text`.
pub fn offset(text: &str, pos: &Value) -> usize {
    let (line, ch) = (
        pos["line"].as_u64().unwrap() as usize,
        pos["character"].as_u64().unwrap() as usize,
    );
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= ch || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// 1-based line and character column (what `validate` prints) of an LSP position.
pub fn line_col(text: &str, pos: &Value) -> (usize, usize) {
    let at = offset(text, pos);
    let line = pos["line"].as_u64().unwrap() as usize + 1;
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..at].chars().count() + 1)
}

/// Applies a code action's edits for `uri` to `text`, as an editor does.
pub fn apply(text: &str, action: &Value, uri: &str) -> String {
    let edits = action["edit"]["changes"][uri]
        .as_array()
        .expect("edits for the document");
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_owned();
    for (a, b, t) in spans {
        out.replace_range(a..b, t);
    }
    out
}
