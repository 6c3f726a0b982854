//! Loading manifests from files and directories: read → YAML → schema → lints → typed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::diag::Diagnostic;
use super::lint::{LintCx, semantic, structural};
use super::schema_errors::{self, locate};
use super::span::{ByteSpan, SourceFile, SpanMap};
use super::types::Manifest;
use super::yaml;

mod files;

pub use files::is_manifest_text;
use files::{collect_yaml, decode, path_diag, read_limited, read_manifest_candidate};

/// Files larger than this are refused.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A manifest that loaded without errors (it may have warnings).
#[derive(Debug)]
pub struct LoadedManifest {
    /// The file: path, display name and text.
    pub file: Arc<SourceFile>,
    /// The typed manifest.
    pub manifest: Manifest,
    /// The manifest as JSON (as validated against the schema).
    pub value: Value,
    /// JSON pointer → spans of keys and values.
    pub spans: SpanMap,
}

impl LoadedManifest {
    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.file.path
    }

    /// The file's text.
    pub fn source(&self) -> &str {
        &self.file.text
    }

    /// Byte span of the value at `pointer` (or of its nearest ancestor).
    pub fn span_of(&self, pointer: &str) -> Option<ByteSpan> {
        self.spans.nearest(pointer).map(|s| s.value.clone())
    }

    /// Byte span of the key of `pointer`, when it is a mapping value.
    pub fn key_span_of(&self, pointer: &str) -> Option<ByteSpan> {
        self.spans.get(pointer).and_then(|s| s.key.clone())
    }

    /// 1-based line and column of the value at `pointer`.
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        self.span_of(pointer).map(|s| self.file.line_col(s.start))
    }

    /// `keeper.yaml:14:14` for the value at `pointer`.
    pub fn location(&self, pointer: &str) -> String {
        match self.locate(pointer) {
            Some((l, c)) => format!("{}:{l}:{c}", self.file.name),
            None => self.file.name.clone(),
        }
    }

    /// A diagnostic located at the value of `pointer` (first line of a collection), for later
    /// stages: `manifest.diagnostic("E0301", "/assignments/principals/0/group", "unknown group")`.
    /// The severity follows the code's first letter.
    pub fn diagnostic(
        &self,
        code: &'static str,
        pointer: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(code, message)
            .in_file(&self.file)
            .at_span(locate(&self.file, &self.spans, pointer, false))
            .pointer(pointer)
    }
}

/// Status of one file, for summaries.
#[derive(Debug, Clone)]
pub struct FileStatus {
    /// Display name of the file.
    pub name: String,
    /// The manifest `name`, when it could be read.
    pub manifest_name: Option<String>,
    /// Error count.
    pub errors: usize,
    /// Warning count.
    pub warnings: usize,
}

/// Result of [`load_paths`]: the manifests that loaded and every diagnostic.
#[derive(Debug, Default)]
pub struct LoadOutcome {
    /// Manifests without errors, in path order.
    pub manifests: Vec<LoadedManifest>,
    /// All diagnostics, file by file, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// One entry per file examined.
    pub files: Vec<FileStatus>,
}

impl LoadOutcome {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        use super::diag::Severity;
        let n = |d: &&Diagnostic| d.severity == Severity::Warning;
        self.diagnostics.iter().filter(n).count()
    }
}

/// Loads files and directories. A directory contributes every `*.yaml`/`*.yml` below it
/// whose `apiVersion` is `entraprov/v1` (hidden, `target`, `node_modules` and test-fixture
/// directories below it are skipped); a file named explicitly is always validated.
/// `name`s must be unique across everything loaded.
pub fn load_paths(paths: &[PathBuf]) -> LoadOutcome {
    let mut out = LoadOutcome::default();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            collect_yaml(path, &mut found);
            found.sort();
            let mut any = false;
            for f in found {
                if let Some(text) = read_manifest_candidate(&f) {
                    any = true;
                    load_file(&f, Ok(text), &mut out);
                }
            }
            if !any {
                out.diagnostics.push(
                    path_diag(
                        path,
                        "E0024",
                        format!("no manifests found in {}", path.display()),
                    )
                    .help("a manifest is a *.yaml or *.yml file with `apiVersion: entraprov/v1`"),
                );
            }
        } else {
            load_file(path, read_limited(path), &mut out);
        }
    }
    duplicate_names(&mut out);
    out
}

/// Loads one manifest from text (for tests and tools); `name` is used in messages.
pub fn load_str(name: &str, text: &str) -> (Option<LoadedManifest>, Vec<Diagnostic>) {
    load_bytes(name, text.as_bytes().to_vec())
}

/// Loads one manifest from a file's bytes, exactly as [`load_paths`] would after reading it
/// (byte order mark, NUL bytes and invalid UTF-8 included); `name` is used in messages.
pub fn load_bytes(name: &str, bytes: Vec<u8>) -> (Option<LoadedManifest>, Vec<Diagnostic>) {
    let mut out = LoadOutcome::default();
    load_file(Path::new(name), Ok(bytes), &mut out);
    (out.manifests.pop(), out.diagnostics)
}

fn load_file(path: &Path, bytes: Result<Vec<u8>, Box<Diagnostic>>, out: &mut LoadOutcome) {
    let start = out.diagnostics.len();
    let mut manifest_name = None;
    match bytes.and_then(|b| decode(path, b)) {
        Err(d) => out.diagnostics.push(*d),
        Ok(file) => {
            let (loaded, diags, name) = load_source(&file);
            manifest_name = name;
            out.diagnostics.extend(diags);
            if let Some(m) = loaded {
                out.manifests.push(m);
            }
        }
    }
    let mine = &mut out.diagnostics[start..];
    mine.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    let errors = mine.iter().filter(|d| d.is_error()).count();
    let warnings = mine
        .iter()
        .filter(|d| d.severity == super::diag::Severity::Warning)
        .count();
    out.files.push(FileStatus {
        name: path.to_string_lossy().replace('\\', "/"),
        manifest_name,
        errors,
        warnings,
    });
}

/// The pipeline for one decoded file.
/// The manifest (when it has no errors), every diagnostic, and the `name` when readable.
fn load_source(
    file: &Arc<SourceFile>,
) -> (Option<LoadedManifest>, Vec<Diagnostic>, Option<String>) {
    let mut sensitive = Vec::new();
    let mut name = None;
    let (loaded, mut diags) = run_pipeline(file, &mut sensitive, &mut name);
    if !sensitive.is_empty() {
        let masked = Arc::new(file.with_masked(&sensitive));
        for d in &mut diags {
            if d.file.as_ref().is_some_and(|f| Arc::ptr_eq(f, file)) {
                d.file = Some(Arc::clone(&masked));
            }
        }
    }
    (loaded, diags, name)
}

fn run_pipeline(
    file: &Arc<SourceFile>,
    sensitive: &mut Vec<ByteSpan>,
    name: &mut Option<String>,
) -> (Option<LoadedManifest>, Vec<Diagnostic>) {
    let doc = match yaml::convert(file) {
        Ok(doc) => doc,
        Err(diags) => return (None, diags),
    };
    let mut cx = LintCx::new(file, &doc.spans);
    structural::run(&doc.value, &mut cx);
    sensitive.append(&mut cx.sensitive);
    *name = doc
        .value
        .get("name")
        .and_then(Value::as_str)
        .map(String::from);
    let mut claimed = doc.claimed.clone();
    claimed.extend(cx.claimed.iter().cloned());
    let schema_cx = schema_errors::Ctx {
        file,
        spans: &doc.spans,
        schema: super::schema::schema_value(),
        claimed: &claimed,
    };
    let mut diags = doc.problems;
    diags.extend(schema_errors::check(&doc.value, &schema_cx));
    diags.append(&mut cx.out);
    if diags.iter().any(Diagnostic::is_error) {
        return (None, diags);
    }
    let manifest: Manifest = match serde_path_to_error::deserialize(&doc.value) {
        Ok(m) => m,
        Err(e) => {
            let ptr = path_to_pointer(e.path());
            let d = Diagnostic::new("E0056", format!("invalid value: {}", e.inner()))
                .in_file(file)
                .at(locate(file, &doc.spans, &ptr, false), "here")
                .pointer(ptr);
            diags.push(d);
            return (None, diags);
        }
    };
    semantic::run(&manifest, &mut cx);
    diags.append(&mut cx.out);
    if diags.iter().any(Diagnostic::is_error) {
        return (None, diags);
    }
    let loaded = LoadedManifest {
        file: Arc::clone(file),
        manifest,
        value: doc.value,
        spans: doc.spans,
    };
    (Some(loaded), diags)
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut p = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => p.push_str(&format!("/{index}")),
            Segment::Map { key } => p = super::span::push_segment(&p, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    p
}

fn duplicate_names(out: &mut LoadOutcome) {
    let mut extra = Vec::new();
    let mut bad = Vec::new();
    for (i, m) in out.manifests.iter().enumerate() {
        let first = out.manifests[..i]
            .iter()
            .find(|o| o.manifest.name == m.manifest.name);
        if let Some(first) = first {
            let d = m
                .diagnostic(
                    "E0110",
                    "/name",
                    format!(
                        "name `{}` is already used by {}",
                        m.manifest.name,
                        first.location("/name")
                    ),
                )
                .help("each manifest manages one app and needs its own `name`");
            extra.push(d);
            bad.push(i);
        }
    }
    for i in bad.iter().rev() {
        let m = out.manifests.remove(*i);
        if let Some(f) = out.files.iter_mut().find(|f| f.name == m.file.name) {
            f.errors += 1;
        }
    }
    out.diagnostics.extend(extra);
}
