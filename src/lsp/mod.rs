//! `entraprov lsp`: a language server for manifests over stdio (rust-analyzer's `lsp-server`
//! transport, `lsp-types` messages).
//!
//! Offline only: it reads the text the editor sends and the committed schema, never a file,
//! an environment variable or the network. Diagnostics are exactly `validate`'s
//! ([`diagnostics`]), published on open and after each change once the document has been
//! quiet for the debounce delay; hover ([`hover`]), completion ([`completion`]) and quick
//! fixes ([`actions`]) work from the same pipeline and the same schema.
//!
//! Documents served: those that set `apiVersion: entraprov/…`, those named like the
//! schema's catalog patterns (`*.entraprov.yaml`, `…/entraprov/*.yaml`), or every document
//! with the initialization option `allDocuments: true` (what `validate FILE` does for a file
//! named on its command line). Other YAML is left to other servers (yaml-language-server).

pub mod actions;
pub mod completion;
pub mod cursor;
pub mod diagnostics;
pub mod hover;
pub mod names;
pub mod schema_nav;
pub mod text;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, Completion, HoverRequest, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    HoverProviderCapability, PositionEncodingKind, PublishDiagnosticsParams, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, Uri,
};
use serde_json::{Value, json};

use crate::connector::{self, Connector};
use crate::manifest::{self, App, YamlDoc};
use text::Document;

/// Debounce delay after a change when the client does not set `debounceMs`.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(100);

/// An error that ends the server (the transport failed).
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Serves one client on stdin/stdout until `exit`.
pub fn serve_stdio() -> Result<(), Error> {
    let (connection, io) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    io.join()?;
    Ok(())
}

/// Serves one client on a connection until `exit` (or the connection closes).
pub fn serve(connection: &Connection) -> Result<(), Error> {
    let (id, params) = connection.initialize_start()?;
    let caps = serde_json::to_value(capabilities())?;
    let result = json!({
        "capabilities": caps,
        "serverInfo": { "name": "entraprov", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result)?;
    let mut server = Server::new(connection, &params);
    loop {
        server.publish_due();
        let msg = match server.next_due() {
            Some(at) => match connection
                .receiver
                .recv_timeout(at.saturating_duration_since(Instant::now()))
            {
                Ok(m) => m,
                Err(e) if e.is_timeout() => continue,
                Err(_) => return Ok(()),
            },
            None => match connection.receiver.recv() {
                Ok(m) => m,
                Err(_) => return Ok(()),
            },
        };
        match msg {
            Message::Request(req) => {
                if connection.handle_shutdown(&req)? {
                    return Ok(());
                }
                let resp = server.request(req);
                server.send(resp.into());
            }
            Message::Notification(n) if n.method == "exit" => return Ok(()),
            Message::Notification(n) => server.notification(n),
            Message::Response(_) => {}
        }
    }
}

/// What the server announces.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some([":", " ", "[", "(", ","].map(String::from).to_vec()),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

struct Server<'a> {
    connection: &'a Connection,
    docs: HashMap<String, Document>,
    /// Documents whose diagnostics are due, and when.
    due: HashMap<String, Instant>,
    debounce: Duration,
    all_documents: bool,
}

impl<'a> Server<'a> {
    fn new(connection: &'a Connection, params: &Value) -> Self {
        let options = &params["initializationOptions"];
        let debounce = options["debounceMs"]
            .as_u64()
            .map_or(DEFAULT_DEBOUNCE, Duration::from_millis);
        Server {
            connection,
            docs: HashMap::new(),
            due: HashMap::new(),
            debounce,
            all_documents: options["allDocuments"].as_bool() == Some(true),
        }
    }

    fn send(&self, msg: Message) {
        // A client that went away ends the loop on the next receive.
        let _ = self.connection.sender.send(msg);
    }

    fn next_due(&self) -> Option<Instant> {
        self.due.values().min().copied()
    }

    fn publish_due(&mut self) {
        let now = Instant::now();
        let ready: Vec<String> = self
            .due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in ready {
            self.due.remove(&uri);
            self.publish(&uri);
        }
    }

    /// Whether a document is a manifest this server answers for.
    fn serves(&self, doc: &Document) -> bool {
        if self.all_documents || manifest::is_manifest_text(&doc.text) {
            return true;
        }
        let path = doc.uri.path().as_str();
        let name = path.rsplit('/').next().unwrap_or("");
        let dir = path.rsplit('/').nth(1).unwrap_or("");
        let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        yaml && (name.contains(".entraprov.") || dir == "entraprov")
    }

    fn publish(&self, uri: &str) {
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        let diagnostics = if self.serves(doc) {
            diagnostics::validate(doc)
                .iter()
                .map(|d| diagnostics::to_lsp(d, doc))
                .collect()
        } else {
            Vec::new()
        };
        self.clear(doc.uri.clone(), diagnostics, Some(doc.version));
    }

    fn clear(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(PublishDiagnostics::METHOD.to_owned(), params).into());
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                {
                    let d = p.text_document;
                    let key = d.uri.as_str().to_owned();
                    self.docs
                        .insert(key.clone(), Document::new(d.uri, d.version, d.text));
                    self.publish(&key);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) {
                    let key = p.text_document.uri.as_str().to_owned();
                    if let Some(doc) = self.docs.get_mut(&key) {
                        doc.apply(p.text_document.version, p.content_changes);
                        self.due.insert(key, Instant::now() + self.debounce);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                {
                    let key = p.text_document.uri.as_str().to_owned();
                    self.docs.remove(&key);
                    self.due.remove(&key);
                    self.clear(p.text_document.uri, Vec::new(), None);
                }
            }
            _ => {}
        }
    }

    fn request(&mut self, req: Request) -> Response {
        match req.method.as_str() {
            HoverRequest::METHOD => self.answer::<HoverRequest>(req, |s, p| {
                let pos = p.text_document_position_params;
                let doc = s.served(&pos.text_document.uri)?;
                let yaml = yaml_of(doc)?;
                let connector = connector_for(doc, Some(&yaml));
                hover::hover(doc, &yaml, connector, doc.offset(pos.position))
            }),
            Completion::METHOD => self.answer::<Completion>(req, |s, p| {
                let pos = p.text_document_position;
                let doc = s.served(&pos.text_document.uri)?;
                let connector = connector_for(doc, yaml_of(doc).as_ref());
                let items = completion::complete(doc, connector, doc.offset(pos.position));
                Some(lsp_types::CompletionResponse::Array(items))
            }),
            CodeActionRequest::METHOD => self.answer::<CodeActionRequest>(req, |s, p| {
                let doc = s.served(&p.text_document.uri)?;
                let analysis = diagnostics::analyze(doc);
                let connector = connector_for(doc, analysis.yaml.as_ref());
                Some(actions::actions(doc, &analysis, connector, p.range))
            }),
            _ => Response::new_err(
                req.id,
                ErrorCode::MethodNotFound as i32,
                format!("entraprov lsp does not handle {}", req.method),
            ),
        }
    }

    fn served(&self, uri: &Uri) -> Option<&Document> {
        self.docs.get(uri.as_str()).filter(|d| self.serves(d))
    }

    fn answer<R: lsp_types::request::Request>(
        &self,
        req: Request,
        f: impl FnOnce(&Self, R::Params) -> R::Result,
    ) -> Response {
        match serde_json::from_value::<R::Params>(req.params) {
            Ok(p) => Response::new_ok(req.id, f(self, p)),
            Err(e) => Response::new_err(req.id, ErrorCode::InvalidParams as i32, e.to_string()),
        }
    }
}

/// The document's YAML and spans, when it parses.
fn yaml_of(doc: &Document) -> Option<YamlDoc> {
    let name = diagnostics::file_name(&doc.uri);
    let file = std::sync::Arc::new(manifest::SourceFile::new(name.into(), doc.text.clone()));
    manifest::yaml::convert(&file).ok()
}

/// The connector of the document's app (`connector`, `gallery`, `templateId`), read from
/// the YAML when it parses, else from `key: value` lines (a half-typed document).
fn connector_for(doc: &Document, yaml: Option<&YamlDoc>) -> &'static Connector {
    let field = |k: &str| -> Option<String> {
        if let Some(y) = yaml {
            return y.value.get("app")?.get(k)?.as_str().map(String::from);
        }
        doc.text.lines().find_map(|l| {
            let v = l.trim().strip_prefix(k)?.strip_prefix(':')?;
            Some(
                v.split(" #")
                    .next()?
                    .trim()
                    .trim_matches(['"', '\''])
                    .to_owned(),
            )
        })
    };
    let app = App {
        display_name: String::new(),
        gallery: field("gallery"),
        template_id: field("templateId").and_then(|t| serde_json::from_value(json!(t)).ok()),
        app_id: None,
        connector: field("connector").and_then(|c| serde_json::from_value(json!(c)).ok()),
    };
    connector::for_app(&app)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// Completion, hover and quick fixes at every character of every example and fixture
    /// (half of them broken on purpose) answer without panicking.
    #[test]
    fn every_position_of_every_example_and_fixture_answers() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [
            "examples",
            "tests/fixtures/invalid",
            "tests/fixtures/valid",
            "tests/lsp/invalid",
        ] {
            for e in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
                if e.path().extension().is_some_and(|x| x == "yaml") {
                    files.push(e.path());
                }
            }
        }
        assert!(files.len() > 70);
        for f in files {
            let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
            let uri = Uri::from_str(&format!("file://{}", f.display())).unwrap();
            let doc = Document::new(uri, 1, text);
            let analysis = diagnostics::analyze(&doc);
            let connector = connector_for(&doc, analysis.yaml.as_ref());
            for (offset, _) in doc.text.char_indices().chain([(doc.text.len(), ' ')]) {
                completion::complete(&doc, connector, offset);
                if let Some(y) = &analysis.yaml {
                    hover::hover(&doc, y, connector, offset);
                }
            }
            let all =
                lsp_types::Range::new(lsp_types::Position::new(0, 0), doc.position(doc.text.len()));
            actions::actions(&doc, &analysis, connector, all);
        }
    }
}
