//! Canonical form of attribute-mapping expressions, for comparison.
//!
//! Graph may re-render an expression's whitespace (`", , )"` vs `",  )"`), so expressions
//! are compared by their parsed tree: the canonical form is the tree printed by
//! [`crate::manifest::expr`]'s `Display`. Text that does not parse (a function this parser
//! does not know the syntax of, say) falls back to [`whitespace_canonical`].

use crate::manifest::expr::{self as parser, Expr};

/// Canonical text of an expression: the printed parse tree, else [`whitespace_canonical`].
pub fn canonical(text: &str) -> String {
    match parser::parse(text) {
        Ok(tree) => tree.to_string(),
        Err(_) => whitespace_canonical(text),
    }
}

/// Canonical text without a parse: all whitespace outside string literals and
/// `[attribute]` names dropped, `", "` after every argument separator.
pub fn whitespace_canonical(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(c);
                copy_string_literal(&mut chars, &mut out);
            }
            '[' => {
                out.push(c);
                for c in chars.by_ref() {
                    out.push(c);
                    if c == ']' {
                        break;
                    }
                }
            }
            ',' => out.push_str(", "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    // ", " before a closing parenthesis or another comma keeps one space: `, , )`.
    out.trim_end().to_owned()
}

/// Copies the rest of a string literal (after its opening quote), honouring `\` escapes.
fn copy_string_literal(chars: &mut std::str::Chars<'_>, out: &mut String) {
    let mut escaped = false;
    for c in chars.by_ref() {
        out.push(c);
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            return;
        }
    }
}

/// What an expression is, after trimming.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Simple {
    /// Just an attribute: `[mail]`.
    Attribute(String),
    /// Just a string literal: `"8"` (unescaped).
    Literal(String),
    /// Anything else, in canonical form.
    Other(String),
}

/// Classifies an expression so that `[mail]` equals a `source: mail` mapping and `"x"`
/// equals a constant `x`.
pub fn classify(text: &str) -> Simple {
    match parser::parse(text) {
        Ok(Expr::Attribute(a)) => Simple::Attribute(a),
        Ok(Expr::Str(s)) => Simple::Literal(s),
        Ok(tree) => Simple::Other(tree.to_string()),
        Err(_) => classify_text(text),
    }
}

/// [`classify`] without a parse.
fn classify_text(text: &str) -> Simple {
    let t = text.trim();
    if let Some(inner) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']'))
        && !inner.contains(['[', ']'])
    {
        return Simple::Attribute(inner.to_owned());
    }
    if let Some(lit) = single_literal(t) {
        return Simple::Literal(lit);
    }
    Simple::Other(whitespace_canonical(t))
}

/// If `t` is exactly one string literal, its unescaped value.
fn single_literal(t: &str) -> Option<String> {
    let inner = t.strip_prefix('"')?;
    let mut value = String::new();
    let mut chars = inner.chars();
    let mut escaped = false;
    while let Some(c) = chars.next() {
        if escaped {
            value.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            return chars.as_str().is_empty().then_some(value);
        } else {
            value.push(c);
        }
    }
    None
}

/// Quotes a constant as an expression string literal (`\` and `"` escaped).
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_outside_quotes_is_normalised() {
        assert_eq!(
            canonical("Replace([preferredLanguage], \"-\", , , \"_\", , )"),
            canonical("Replace( [preferredLanguage],\"-\",  ,,\"_\",,)")
        );
    }

    #[test]
    fn whitespace_inside_quotes_and_brackets_is_kept() {
        assert_ne!(canonical("Join(\" \", [a])"), canonical("Join(\"\", [a])"));
        assert_eq!(canonical("[extension Attr]"), "[extension Attr]");
    }

    #[test]
    fn parsed_and_unparsed_canonical_forms_agree_on_common_expressions() {
        for e in [
            "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")",
            "Replace([preferredLanguage], \"-\", , , \"_\", , )",
            "Join(\" \", [givenName], [surname])",
        ] {
            assert_eq!(canonical(e), whitespace_canonical(e), "{e}");
        }
    }

    #[test]
    fn unparseable_text_falls_back_to_whitespace_form() {
        assert_eq!(canonical("Foo( [a] ,"), whitespace_canonical("Foo( [a] ,"));
        assert_eq!(classify_text(" [mail] "), Simple::Attribute("mail".into()));
    }

    #[test]
    fn escaped_quote_does_not_end_literal() {
        assert_eq!(
            canonical("Append(\"a\\\" ,b\",[x])"),
            "Append(\"a\\\" ,b\", [x])"
        );
    }

    #[test]
    fn classify_attribute_literal_and_function() {
        assert_eq!(classify(" [mail] "), Simple::Attribute("mail".into()));
        assert_eq!(classify("\"8\""), Simple::Literal("8".into()));
        assert_eq!(classify("\"a\\\"b\""), Simple::Literal("a\"b".into()));
        assert!(matches!(classify("\"a\" & \"b\""), Simple::Other(_)));
        assert!(matches!(classify("ToLower([mail])"), Simple::Other(_)));
    }

    #[test]
    fn quote_round_trips_through_classify() {
        let v = "say \"hi\" \\ there";
        assert_eq!(classify(&quote(v)), Simple::Literal(v.into()));
    }
}
