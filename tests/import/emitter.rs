//! The emitter's output reads back, through the manifest's own YAML loader, as exactly the
//! value it was given: whatever the strings contain.

use std::path::PathBuf;
use std::sync::Arc;

use entraprov::import::emit::{Layout, to_yaml};
use entraprov::manifest::{SourceFile, yaml};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,16}",
        "[a-z]{1,8}",
        prop::sample::select(vec![
            "no",
            "True",
            "null",
            "~",
            "1e3",
            "0x1f",
            ".inf",
            "2024-01-01",
            "-",
            "- x",
            "a: b",
            "a #b",
            "#x",
            "'q'",
            "\"d\"",
            "x\ny",
            "tab\there",
            "[x]",
            "{y}",
            "@z",
            "&a",
            "*b",
            "!t",
            "|",
            ">",
            "%",
            "`",
            "<<",
            " lead",
            "trail ",
            "12:30",
            "+1",
            "ünï ✓",
            "a\u{2028}b",
            "\u{85}x",
            "\u{feff}bom",
            "x\u{7f}",
            "é\r\n",
            "\\",
            "?",
            "? x",
            ": y",
            "x:",
        ])
        .prop_map(str::to_owned),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::String),
        any::<bool>().prop_map(Value::Bool),
        any::<u32>().prop_map(Value::from),
    ]
}

fn node() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((text(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn emitted_yaml_reads_back_as_the_same_value(
        entries in prop::collection::vec((text(), node()), 1..5),
        comment in text(),
    ) {
        let value = Value::Object(entries.into_iter().collect());
        let mut layout = Layout::default();
        if let Some(k) = value.as_object().and_then(|m| m.keys().next()) {
            let ptr = entraprov::manifest::span::push_segment("", k);
            layout.comment_after(&ptr, comment.replace('\n', " "));
            layout.comment_before(&ptr, comment);
        }
        let text = to_yaml(&value, &["header".into()], &layout);
        let file = Arc::new(SourceFile::new(PathBuf::from("t.yaml"), text.clone()));
        let doc = yaml::convert(&file).map_err(|d| TestCaseError::fail(format!("{text}\n{d:?}")))?;
        prop_assert!(doc.problems.is_empty(), "{}\n{:?}", text, doc.problems);
        prop_assert_eq!(&doc.value, &value, "{}", text);
    }
}
