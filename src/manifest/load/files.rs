//! Finding manifest files in directories, reading them (size-limited) and decoding
//! them as UTF-8 text.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::MAX_FILE_BYTES;
use crate::manifest::diag::Diagnostic;
use crate::manifest::span::SourceFile;

/// Entries a directory walk never enters (besides hidden ones): build output, packages,
/// and test fixtures, whose manifests are invalid on purpose (`validate` at a repository
/// root walked into `tests/fixtures`). A directory named explicitly is always read.
const SKIPPED_DIRS: &[&str] = &[
    "target",
    "node_modules",
    "fixtures",
    "testdata",
    "__fixtures__",
];

pub(super) fn collect_yaml(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let hidden = name.starts_with('.') || SKIPPED_DIRS.contains(&name);
        if hidden {
            continue;
        }
        // Symlinked directories are not followed (no cycles); symlinked files are.
        let is_real_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if is_real_dir {
            collect_yaml(&p, found);
        } else if p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            found.push(p);
        }
    }
}

/// A file found in a directory is a manifest when it sets `apiVersion` to `entraprov/…`
/// (a cheap textual check before parsing; block or flow style, quoted or not).
pub(super) fn read_manifest_candidate(path: &Path) -> Option<Vec<u8>> {
    let bytes = read_limited(path).ok()?;
    is_manifest_text(&String::from_utf8_lossy(&bytes)).then_some(bytes)
}

/// Whether a text sets `apiVersion` to `entraprov/…` (the check that picks manifests out of
/// a directory, and the documents the language server serves).
pub fn is_manifest_text(text: &str) -> bool {
    static API_VERSION: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    API_VERSION
        .get_or_init(|| {
            regex::Regex::new(r#"(?m)(^|[{,\s])["']?apiVersion["']?\s*:\s*["']?entraprov/"#).ok()
        })
        .as_ref()
        .is_some_and(|re| re.is_match(text))
}

/// A diagnostic about a path as a whole (no source excerpt), naming the path.
pub(super) fn path_diag(path: &Path, code: &'static str, message: String) -> Diagnostic {
    let file = Arc::new(SourceFile::new(path.to_path_buf(), String::new()));
    Diagnostic::new(code, message).in_file(&file)
}

pub(super) fn read_limited(path: &Path) -> Result<Vec<u8>, Box<Diagnostic>> {
    let name = path.display();
    let help = "check the path; `entraprov validate` takes manifest files or directories";
    let cannot =
        |e: std::io::Error| path_diag(path, "E0010", format!("cannot read {name}: {e}")).help(help);
    // Only regular files: opening a FIFO would block until a writer comes.
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(Box::new(not_regular(path, &meta.file_type())));
    }
    let file = crate::files::open_regular(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Box::new(
            path_diag(path, "E0011", format!("{name} is larger than 1 MiB"))
                .help("a manifest describes one app and is a few KiB; split it or check that this is the right file"),
        ));
    }
    Ok(bytes)
}

/// E0030: the path is a FIFO, socket, device or directory given where a file is expected.
fn not_regular(path: &Path, t: &std::fs::FileType) -> Diagnostic {
    let what = crate::files::kind_of(t);
    path_diag(
        path,
        "E0030",
        format!("{} is {what}, not a regular file", path.display()),
    )
    .help("give the path of a manifest file (or a directory of them); entraprov reads only regular files")
}

pub(super) fn decode(path: &Path, bytes: Vec<u8>) -> Result<Arc<SourceFile>, Box<Diagnostic>> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        return Err(not_text(
            path,
            &bytes,
            i,
            "a binary file (it contains NUL bytes)",
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Arc::new(SourceFile::new(path.to_path_buf(), text))),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Err(not_text(path, e.as_bytes(), at, "not valid UTF-8"))
        }
    }
}

fn not_text(path: &Path, bytes: &[u8], at: usize, what: &str) -> Box<Diagnostic> {
    let prefix = String::from_utf8_lossy(&bytes[..at]).replace('\0', " ");
    let file = Arc::new(SourceFile::new(path.to_path_buf(), prefix));
    let end = file.text.len();
    let start = file.text[..end].rfind('\n').map_or(0, |i| i + 1);
    let span = if start < end { start..end } else { end..end };
    Box::new(
        Diagnostic::new("E0012", format!("{} is {what}", path.display()))
            .in_file(&file)
            .at(span, "the first undecodable byte follows this")
            .help("manifests are UTF-8 YAML text; re-save the file as UTF-8"),
    )
}
