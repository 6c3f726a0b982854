//! Properties of expression normalisation: whitespace outside literals never matters,
//! canonical forms are fixed points, and literal content always matters.

use entraprov::plan::expr::canonical;
use entraprov::plan::model::MappingValue;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum E {
    Attr(String),
    Str(String),
    Call(String, Vec<Option<E>>),
}

fn expr() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![
        "[a-zA-Z][a-zA-Z0-9]{0,8}".prop_map(E::Attr),
        "[ a-z\"\\\\,()]{0,6}".prop_map(E::Str),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        (
            prop::sample::select(vec!["Switch", "Join", "Replace", "ToLower", "IIF", "Mid"]),
            prop::collection::vec(prop::option::weighted(0.8, inner), 0..4),
        )
            .prop_map(|(n, args)| E::Call(n.to_owned(), args))
    })
}

/// Prints with the given whitespace inserted at every place outside literals.
fn print(e: &E, ws: &str) -> String {
    match e {
        E::Attr(a) => format!("[{a}]"),
        E::Str(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
        E::Call(n, args) => {
            let parts: Vec<String> = args
                .iter()
                .map(|a| {
                    a.as_ref()
                        .map_or(String::new(), |a| format!("{ws}{}{ws}", print(a, ws)))
                })
                .collect();
            format!("{n}({ws}{}{ws})", parts.join(","))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn whitespace_outside_literals_does_not_matter(e in expr(), ws in "[ \t\n]{0,3}") {
        prop_assert_eq!(canonical(&print(&e, "")), canonical(&print(&e, &ws)));
        prop_assert_eq!(
            MappingValue::from_expression(&print(&e, "")),
            MappingValue::from_expression(&print(&e, &ws))
        );
    }

    #[test]
    fn canonical_form_is_a_fixed_point(e in expr(), ws in "[ \t]{0,2}") {
        let once = canonical(&print(&e, &ws));
        prop_assert_eq!(canonical(&once), once.clone());
    }

    #[test]
    fn literal_content_matters(a in "[a-z ]{1,5}", b in "[a-z ]{1,5}") {
        prop_assume!(a != b);
        let ea = format!("Join(\"{a}\", [x])");
        let eb = format!("Join(\"{b}\", [x])");
        prop_assert_ne!(canonical(&ea), canonical(&eb));
    }
}
