//! The JSON pointer → span map: nested maps, lists, quoted keys, escaping, non-ASCII text.

use std::sync::Arc;

use entraprov::manifest::span::{SourceFile, push_segment};
use entraprov::manifest::yaml::{YamlDoc, convert};
use proptest::prelude::*;

fn parse(text: &str) -> (Arc<SourceFile>, YamlDoc) {
    let file = Arc::new(SourceFile::new("t.yaml".into(), text.to_string()));
    let doc = convert(&file).unwrap_or_else(|d| panic!("{:?}", d));
    (file, doc)
}

fn key_text<'a>(file: &'a SourceFile, doc: &YamlDoc, ptr: &str) -> &'a str {
    let s = doc
        .spans
        .get(ptr)
        .unwrap_or_else(|| panic!("no span for {ptr}"));
    &file.text[s.key.clone().expect("key span")]
}

fn value_text<'a>(file: &'a SourceFile, doc: &YamlDoc, ptr: &str) -> &'a str {
    let s = doc
        .spans
        .get(ptr)
        .unwrap_or_else(|| panic!("no span for {ptr}"));
    &file.text[s.value.clone()]
}

#[test]
fn pointers_map_to_keys_and_values_in_nested_maps_lists_and_quoted_keys() {
    let text = r#"name: Zoë ünïcødé
provisioning:
  mappings:
    users:
      attributes:
        'emails[type eq "work"].value': { source: mail }
        "a/b~c": { constant: "x" }
        name.givenName:
          source: givenName
  list:
    - first
    - { k: v }
    -   - nested
"#;
    let (file, doc) = parse(text);
    let attrs = "/provisioning/mappings/users/attributes";
    let email = push_segment(attrs, r#"emails[type eq "work"].value"#);
    assert_eq!(
        key_text(&file, &doc, &email),
        r#"'emails[type eq "work"].value'"#
    );
    assert_eq!(value_text(&file, &doc, &email), "{ source: mail }");
    assert_eq!(value_text(&file, &doc, &format!("{email}/source")), "mail");
    let odd = format!("{attrs}/a~1b~0c");
    assert_eq!(key_text(&file, &doc, &odd), r#""a/b~c""#);
    assert_eq!(
        value_text(&file, &doc, &format!("{odd}/constant")),
        r#""x""#
    );
    let given = push_segment(attrs, "name.givenName");
    assert_eq!(key_text(&file, &doc, &given), "name.givenName");
    assert_eq!(
        value_text(&file, &doc, &format!("{given}/source")),
        "givenName"
    );
    assert_eq!(value_text(&file, &doc, "/name"), "Zoë ünïcødé");
    assert_eq!(value_text(&file, &doc, "/provisioning/list/0"), "first");
    assert_eq!(value_text(&file, &doc, "/provisioning/list/1/k"), "v");
    assert_eq!(value_text(&file, &doc, "/provisioning/list/2/0"), "nested");
    // Line/column of a value after multi-byte characters counts characters.
    let s = doc.spans.get(&format!("{given}/source")).unwrap();
    assert_eq!(file.line_col(s.value.start), (9, 19));
}

fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

proptest! {
    #[test]
    fn every_key_and_value_is_found_by_its_escaped_pointer(
        entries in prop::collection::btree_map("[a-zA-Z0-9 ._/~\\[\\]\"'üé€-]{1,12}", "[a-zA-Z0-9 é€]{0,10}", 1..8),
        prefix in "[a-zA-Zä ]{0,6}",
    ) {
        let mut text = format!("head: {}\nroot:\n  items:\n    -\n", single_quoted(&prefix));
        for (k, v) in &entries {
            text.push_str(&format!("      {}: {}\n", single_quoted(k), single_quoted(v)));
        }
        let (file, doc) = parse(&text);
        for (k, v) in &entries {
            let ptr = push_segment("/root/items/0", k);
            prop_assert_eq!(key_text(&file, &doc, &ptr), single_quoted(k));
            prop_assert_eq!(value_text(&file, &doc, &ptr), single_quoted(v));
            prop_assert_eq!(doc.value.pointer(&ptr).and_then(|x| x.as_str()), Some(v.as_str()));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn arbitrary_yaml_like_input_never_panics_and_every_error_is_coded(
        text in "[a-zA-Z:{}\\[\\],&*!|>'\"#\\- \n\t.0-9~%@`üé€\u{feff}]{0,160}",
    ) {
        let (m, diags) = entraprov::manifest::load_str("fuzz.yaml", &text);
        if m.is_none() {
            prop_assert!(diags.iter().any(|d| d.is_error()));
        }
        for d in &diags {
            prop_assert!(d.code.len() == 5, "{}", d.code);
            if let (Some(f), Some(s)) = (&d.file, &d.span) {
                prop_assert!(f.text.is_char_boundary(s.start) && f.text.is_char_boundary(s.end));
                prop_assert!(s.start <= s.end && s.end <= f.text.len());
            }
            let style = entraprov::manifest::report::HumanStyle::plain();
            prop_assert!(!entraprov::manifest::report::render_human(d, style).is_empty());
        }
    }
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark_keep_spans_exact() {
    let (file, doc) = parse("a: 1\r\nb:\r\n  - x\r\n  - 'y z'\r\n");
    assert_eq!(value_text(&file, &doc, "/b/0"), "x");
    assert_eq!(value_text(&file, &doc, "/b/1"), "'y z'");
    assert_eq!(
        file.line_col(doc.spans.get("/b/1").unwrap().value.start),
        (4, 5)
    );
    let text = "\u{feff}apiVersion: entraprov/v1\nkind: EnterpriseApp\nname: bom\napp: { displayName: x, templateId: 8adf8e6e-67b2-4cf2-a259-e3dc5476c621 }\n";
    let (m, diags) = entraprov::manifest::load_str("bom.yaml", text);
    assert!(diags.is_empty() && m.is_some(), "{diags:?}");
}

proptest! {
    #[test]
    fn expression_diagnostics_point_inside_the_expression_on_char_boundaries(
        expr in "[A-Za-z(),\\[\\]\" üé€\\\\=0-9]{0,40}",
    ) {
        let text = format!(
            "apiVersion: entraprov/v1\nkind: EnterpriseApp\nname: x\napp: {{ displayName: x, templateId: 8adf8e6e-67b2-4cf2-a259-e3dc5476c621 }}\nprovisioning:\n  mappings:\n    users:\n      attributes:\n        userName: {{ source: userPrincipalName, matchingPriority: 1 }}\n        title: {{ expression: {} }}\n",
            single_quoted(&expr)
        );
        let (_, diags) = entraprov::manifest::load_str("e.yaml", &text);
        for d in diags.iter().filter(|d| d.code == "E0113" || d.code == "E0114") {
            let (f, s) = (d.file.as_ref().unwrap(), d.span.clone().unwrap());
            prop_assert!(f.text.is_char_boundary(s.start) && f.text.is_char_boundary(s.end));
            prop_assert!(s.start >= text.find("expression: ").unwrap());
            let style = entraprov::manifest::report::HumanStyle::plain();
            prop_assert!(!entraprov::manifest::report::render_human(d, style).is_empty());
        }
    }
}
