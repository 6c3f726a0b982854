//! Scalar resolution (YAML 1.2 core schema) and tag checks of the [`Builder`].

use std::borrow::Cow;

use saphyr::{ScalarOwned, ScalarStyle, Tag};
use saphyr_parser::Span;
use serde_json::{Number, Value};

use super::Builder;
use crate::manifest::span::ByteSpan;

impl<'a> Builder<'a> {
    /// Resolves a scalar with the YAML 1.2 core schema; a value that does not match
    /// its tag, or is infinite/NaN, is claimed as a problem and kept as text.
    pub(super) fn scalar(
        &mut self,
        text: Cow<'a, str>,
        style: ScalarStyle,
        tag: Option<Cow<'a, Tag>>,
        ptr: &str,
        at: &ByteSpan,
    ) -> Value {
        if let Some(t) = tag.as_deref().filter(|t| !t.is_yaml_core_schema()) {
            self.custom_tag(t, at.clone(), ptr);
        }
        let raw = text.to_string();
        let parsed = ScalarOwned::parse_from_cow_and_metadata(text, style, tag.as_ref());
        match parsed {
            None => {
                let d = self
                    .diag("E0021", "the value does not match its YAML tag")
                    .at(at.clone(), "tagged value")
                    .help("remove the `!!` tag, or quote the value");
                self.claim(ptr, d);
                Value::String(raw)
            }
            Some(ScalarOwned::Null) => Value::Null,
            Some(ScalarOwned::Boolean(b)) => Value::Bool(b),
            Some(ScalarOwned::Integer(i)) => Value::Number(i.into()),
            Some(ScalarOwned::String(s)) => Value::String(s),
            Some(ScalarOwned::FloatingPoint(f)) => match Number::from_f64(f.into_inner()) {
                Some(n) => Value::Number(n),
                None => {
                    let d = self
                        .diag("E0019", format!("`{raw}` (infinity or NaN) is not allowed"))
                        .at(at.clone(), "not a finite number")
                        .help("JSON Schema has no infinity or NaN; use a number, or quote the value if you meant a string");
                    self.claim(ptr, d);
                    Value::String(raw)
                }
            },
        }
    }

    /// Claims a custom (non core-schema) tag as a problem.
    pub(super) fn custom_tag(&mut self, tag: &Tag, at: ByteSpan, ptr: &str) {
        let d = self
            .diag("E0021", format!("custom YAML tag `{tag}` is not supported"))
            .at(at, "tagged node")
            .help("remove the tag; manifests use plain YAML values only");
        self.claim(ptr, d);
    }

    /// Claims a custom tag on a sequence or mapping.
    pub(super) fn check_collection_tag(&mut self, tag: Option<&Tag>, span: Span, ptr: &str) {
        if let Some(t) = tag.filter(|t| !t.is_yaml_core_schema()) {
            let at = self.bytes(span);
            self.custom_tag(t, at.start..at.start + 1, ptr);
        }
    }
}
