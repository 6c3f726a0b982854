//! The one function every untrusted string of `expr eval`, `preview` and `plan --impact`
//! passes through before it reaches a terminal, a PR comment or a log (attribute values,
//! UPNs, names from the tenant, expressions from the manifest).
//!
//! It replaces control characters (C0, DEL, C1: ANSI escape sequences, carriage returns),
//! bidirectional overrides and zero-width characters by visible `\u{…}` escapes. The project
//! is getting one shared escaping path (issue #13); when it lands, this function forwards
//! to it and nothing else changes.

/// `s` made safe to print: invisible and control characters become `\u{XXXX}`.
pub fn shown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_hazard(c) {
            out.push_str(&format!("\\u{{{:04X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// `s` for markdown: [`shown`], then markdown and HTML meta-characters escaped.
pub fn shown_markdown(s: &str) -> String {
    super::markdown::escape(&shown(s))
}

fn is_hazard(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_and_bidi_characters_become_visible() {
        assert_eq!(
            super::shown("a\u{1b}[31mb\r\n"),
            "a\\u{001B}[31mb\\u{000D}\\u{000A}"
        );
        assert_eq!(super::shown("x\u{202E}y"), "x\\u{202E}y");
        assert_eq!(super::shown("Zoë"), "Zoë");
        assert_eq!(super::shown_markdown("<b>|"), "&lt;b&gt;\\|");
    }
}
