//! The untrusted strings of `expr eval`, `preview` and `plan --impact` (attribute values,
//! UPNs, names from the tenant, expressions from the manifest) reach terminals and PR
//! comments through these two functions, which forward to the project's one escaping path
//! ([`crate::text`], docs/escaping.md).

/// `s` made safe to print ([`crate::text::shown`]: control, bidi and invisible characters
/// escaped, very long values cut).
pub fn shown(s: &str) -> String {
    crate::text::shown(s).into_owned()
}

/// `s` for markdown: [`shown`], then markdown and HTML meta-characters escaped.
pub fn shown_markdown(s: &str) -> String {
    super::markdown::escape(&shown(s))
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_and_bidi_characters_become_visible() {
        assert_eq!(super::shown("a\u{1b}[31mb\r\n"), "a\\e[31mb\\r\\n");
        assert_eq!(super::shown("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(super::shown("Zoë"), "Zoë");
        assert_eq!(super::shown_markdown("<b>|"), "&lt;b&gt;\\|");
    }
}
