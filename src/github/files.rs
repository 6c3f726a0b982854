//! The runner's file commands: `$GITHUB_OUTPUT` (step outputs) and `$GITHUB_STEP_SUMMARY`.

use std::io::Write;
use std::path::Path;

use super::GithubError;

/// The runner refuses a step summary over 1 MiB; we stay under it with room for the note.
pub const SUMMARY_LIMIT: usize = 1024 * 1024;

/// Appends `text` to `path` (created if missing).
pub(crate) fn append(path: &Path, text: &str) -> Result<(), GithubError> {
    let io = |source| GithubError::Io {
        path: path.to_owned(),
        source,
    };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io)?;
    f.write_all(text.as_bytes()).map_err(io)?;
    f.flush().map_err(io)
}

/// Writes `text` to `path`, replacing it.
pub(crate) fn replace(path: &Path, text: &str) -> Result<(), GithubError> {
    std::fs::write(path, text).map_err(|source| GithubError::Io {
        path: path.to_owned(),
        source,
    })
}

/// The markdown to append to a step summary that already holds `existing` bytes: the whole
/// `markdown`, or as much of it as fits under [`SUMMARY_LIMIT`] (cut at a line break, with an
/// open code fence closed) followed by a note saying it was truncated.
pub fn fit_summary(markdown: &str, existing: usize) -> String {
    const NOTE: &str = "\n\n> **Note:** this summary was truncated at GitHub's 1 MiB limit. \
                        Run `entraprov plan` locally, or use the `plan-file` output, for the full plan.\n";
    let mut text = String::with_capacity(markdown.len() + 1);
    text.push_str(markdown);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let room = SUMMARY_LIMIT.saturating_sub(existing);
    if text.len() <= room {
        return text;
    }
    let budget = room.saturating_sub(NOTE.len() + 8);
    let mut cut = floor_char_boundary(&text, budget);
    if let Some(nl) = text[..cut].rfind('\n') {
        cut = nl + 1;
    }
    let mut out = text[..cut].to_owned();
    if open_fence(&out) {
        out.push_str("```\n");
    }
    out.push_str(NOTE);
    out
}

/// Whether a markdown text ends inside a fenced code block (an odd number of ``` lines).
pub(crate) fn open_fence(text: &str) -> bool {
    text.lines()
        .filter(|l| l.trim_start().starts_with("```"))
        .count()
        % 2
        == 1
}

/// The largest char boundary ≤ `i`.
pub(crate) fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Formats step outputs in the runner's heredoc form, `name<<DELIM\nvalue\nDELIM\n`, with a
/// fresh random delimiter per output (`ghadelimiter_<uuid>`, as `@actions/core` does). Refuses
/// a name or value that contains the delimiter, and names the runner cannot parse.
pub fn format_outputs(outputs: &[(&str, &str)]) -> Result<String, GithubError> {
    let mut text = String::new();
    for (name, value) in outputs {
        if name.is_empty() || name.contains(['\n', '\r', '=']) || name.contains("<<") {
            return Err(GithubError::InvalidOutputName {
                name: (*name).to_owned(),
            });
        }
        let delimiter = format!("ghadelimiter_{}", uuid::Uuid::new_v4());
        if name.contains(&delimiter) || value.contains(&delimiter) {
            return Err(GithubError::DelimiterCollision {
                name: (*name).to_owned(),
            });
        }
        text.push_str(&format!("{name}<<{delimiter}\n{value}\n{delimiter}\n"));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_use_a_fresh_random_delimiter_each() {
        let text = format_outputs(&[("a", "1"), ("b", "two\nlines")]).expect("valid");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 7);
        let d1 = lines[0].strip_prefix("a<<").expect("heredoc");
        let d2 = lines[3].strip_prefix("b<<").expect("heredoc");
        assert!(d1.starts_with("ghadelimiter_") && d1.len() == "ghadelimiter_".len() + 36);
        assert_ne!(d1, d2);
        assert_eq!(&lines[1..3], ["1", d1]);
        assert_eq!(&lines[4..7], ["two", "lines", d2]);
    }

    #[test]
    fn output_names_the_runner_cannot_parse_are_refused() {
        for bad in ["", "a=b", "a\nb", "a<<b"] {
            let err = format_outputs(&[(bad, "v")]).expect_err("refused");
            assert!(
                matches!(err, GithubError::InvalidOutputName { .. }),
                "{bad:?}: {err}"
            );
        }
    }

    #[test]
    fn a_short_summary_is_kept_whole_with_a_final_newline() {
        assert_eq!(fit_summary("# Plan", 0), "# Plan\n");
    }

    #[test]
    fn a_long_summary_is_cut_at_a_line_under_the_limit_and_its_fence_closed() {
        let line = "    + assignment[user:ü@contoso.com → User]\n";
        let md = format!("# Plan\n```diff\n{}```\n", line.repeat(40_000));
        let existing = 1000;
        let out = fit_summary(&md, existing);
        assert!(out.len() + existing <= SUMMARY_LIMIT, "{}", out.len());
        assert!(
            out.len() + existing > SUMMARY_LIMIT - 4096,
            "uses the room it has"
        );
        assert!(!open_fence(&out), "code fence closed");
        assert!(out.ends_with("for the full plan.\n"));
        let (body, _) = out.rsplit_once("```\n").expect("closing fence");
        assert!(body.ends_with("User]\n"), "cut at a line break");
    }
}
