//! Reading files that a user names (manifests, secret files, saved plans, token and
//! certificate files): only regular files. A named pipe would block until a writer comes and
//! a device may never end, so their type is checked before they are opened.

use std::io::{Error, ErrorKind, Read};
use std::path::Path;

/// What a file type is, in words, when it is not a regular file.
pub fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Opens `path` for reading when it is a regular file (checked before opening and again on
/// the open file); otherwise an `InvalidInput` error naming what it is.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let not_regular = |t: &std::fs::FileType| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", kind_of(t)),
        )
    };
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    Ok(file)
}

/// Reads a regular file whole.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_regular(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads a regular file as UTF-8 text.
pub fn read_regular_string(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read_regular(path)?).map_err(|e| Error::new(ErrorKind::InvalidData, e))
}
