//! Masking values in source excerpts: a literal secret (or any value that may be one) is
//! shown as a fixed `********`, whatever its length, so an excerpt reveals neither the value
//! nor how long it is. The shown text therefore has its own offsets; [`to_shown`] converts.

use super::ByteSpan;

/// What a masked value is shown as.
pub const MASK: &str = "********";

/// The value after `secretToken:` on each line, unless it is a `{ fromEnv/fromFile }`
/// mapping (so no excerpt, even of a file that does not parse, shows a literal token).
pub fn literal_secrets(text: &str) -> Vec<ByteSpan> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let Some(i) = line.find("secretToken") else {
            continue;
        };
        let after = &line[i + "secretToken".len()..];
        let rest = after.trim_start_matches(['"', '\'']).trim_start();
        let Some(value) = rest.strip_prefix(':') else {
            continue;
        };
        let v = value.trim_start();
        let start = line.len() - v.len();
        let body = v.trim_end_matches(['\n', '\r']);
        if body.is_empty() || body.starts_with(['{', '#', '|', '>', '&', '*']) {
            continue;
        }
        out.push(at + start..at + start + body.len());
    }
    out
}

/// `span` of `text` cut into segments that hold no line break.
pub fn segments(text: &str, span: &ByteSpan) -> Vec<ByteSpan> {
    let Some(part) = text.get(span.clone()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut at = span.start;
    for piece in part.split_inclusive('\n') {
        let body = piece.trim_end_matches(['\n', '\r']);
        if !body.is_empty() {
            out.push(at..at + body.len());
        }
        at += piece.len();
    }
    out
}

/// Sorted, with overlapping segments merged.
pub fn normalise(mut masks: Vec<ByteSpan>) -> Vec<ByteSpan> {
    masks.sort_by_key(|m| m.start);
    let mut out: Vec<ByteSpan> = Vec::new();
    for m in masks {
        match out.last_mut() {
            Some(last) if m.start <= last.end => last.end = last.end.max(m.end),
            _ => out.push(m),
        }
    }
    out
}

/// `text` with every mask replaced by [`MASK`].
pub fn shown(text: &str, masks: &[ByteSpan]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for m in masks {
        out.push_str(&text[at..m.start]);
        out.push_str(MASK);
        at = m.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The shown offset of a byte offset of the original text (inside a mask: clamped to it).
pub fn to_shown(masks: &[ByteSpan], offset: usize) -> usize {
    let mut delta: isize = 0;
    for m in masks {
        if offset >= m.end {
            delta += MASK.len() as isize - m.len() as isize;
        } else if offset > m.start {
            let inside = (offset - m.start).min(MASK.len());
            return (m.start as isize + delta) as usize + inside;
        } else {
            break;
        }
    }
    (offset as isize + delta) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mask_hides_the_length_and_offsets_follow() {
        let text = "a: 1\nsecretToken: abcdefghijklmnop   # c\nb: 2\n";
        let masks = literal_secrets(text);
        let shown = shown(text, &masks);
        // The rest of the line (a comment too) is masked, as before.
        assert_eq!(shown, "a: 1\nsecretToken: ********\nb: 2\n");
        let b = text.find("b: 2").unwrap();
        assert_eq!(&shown[to_shown(&masks, b)..], "b: 2\n");
        let short = "secretToken: ab\n";
        assert_eq!(
            self::shown(short, &literal_secrets(short)),
            "secretToken: ********\n"
        );
    }
}
