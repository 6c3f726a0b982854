use super::*;

#[test]
fn parses_switch_with_empty_arguments_and_prints_canonically() {
    let e = parse(r#"Switch([IsSoftDeleted],  , "False",   "True", "True", "False")"#).unwrap();
    assert_eq!(
        e.to_string(),
        r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#
    );
    let again = parse(&e.to_string()).unwrap();
    assert_eq!(again, e);
}

#[test]
fn whitespace_differences_compare_equal_but_arguments_do_not() {
    let a = parse(r#"Replace([preferredLanguage], "-", , , "_", , )"#).unwrap();
    let b = parse(r#"Replace([preferredLanguage],"-",,,"_",,)"#).unwrap();
    assert_eq!(a, b);
    let c = parse(r#"Replace([preferredLanguage], "-", , , "+", , )"#).unwrap();
    assert_ne!(a, c);
}

#[test]
fn strings_escape_quotes_and_backslashes() {
    let e = parse(r#"Join("\"", [a], "\\")"#).unwrap();
    assert_eq!(
        e,
        Expr::Call {
            name: "Join".into(),
            args: vec![
                Some(Expr::Str("\"".into())),
                Some(Expr::Attribute("a".into())),
                Some(Expr::Str("\\".into())),
            ],
        }
    );
    assert_eq!(e.to_string(), r#"Join("\"", [a], "\\")"#);
}

#[test]
fn iif_comparison_and_numbers() {
    let e = parse(r#"IIF([country]="FR", Mid([a], 1, 8), [b])"#).unwrap();
    assert_eq!(
        e.to_string(),
        r#"IIF([country] = "FR", Mid([a], 1, 8), [b])"#
    );
}

#[test]
fn syntax_errors_are_located() {
    let cases = [
        ("ToLower([mail]", "unclosed `(` of `ToLower`", 7..8),
        (
            "ToLower([mail)",
            "unclosed `[`: the attribute name has no closing `]`",
            8..9,
        ),
        (
            r#"Join(", [a])"#,
            "unclosed string: missing the closing `\"`",
            5..6,
        ),
        (
            "ToLower([mail]))",
            "unexpected `)`: there is no `(` left to close",
            15..16,
        ),
        (
            "mail",
            "`mail` is not a function call, an attribute or a string",
            0..4,
        ),
        ("  ", "the expression is empty", 0..0),
        ("Join([a] [b])", "expected `,` or `)` here", 9..12),
    ];
    for (text, message, at) in cases {
        let e = parse(text).unwrap_err();
        assert_eq!((e.message.as_str(), e.at.clone()), (message, at), "{text}");
    }
}

#[test]
fn unknown_functions_are_found_with_suggestions() {
    let problems = check("tolower(Joinn(\",\", [a]))");
    assert_eq!(
        problems,
        vec![
            ExprProblem::UnknownFunction {
                name: "tolower".into(),
                at: 0..7,
                suggestion: Some("ToLower"),
            },
            ExprProblem::UnknownFunction {
                name: "Joinn".into(),
                at: 8..13,
                suggestion: Some("Join"),
            },
        ]
    );
    assert!(check(r#"SingleAppRoleAssignment([appRoleAssignments])"#).is_empty());
}

mod properties {
    use super::super::*;
    use proptest::prelude::*;

    fn leaf() -> impl Strategy<Value = Expr> {
        prop_oneof![
            "[a-zA-Z_][a-zA-Z0-9_.]{0,10}".prop_map(Expr::Attribute),
            "[^\n\r]{0,12}".prop_map(Expr::Str),
            "-?[0-9]{1,5}".prop_map(Expr::Number),
        ]
    }

    fn expr() -> impl Strategy<Value = Expr> {
        leaf().prop_recursive(4, 32, 5, |inner| {
            let call = (
                prop::sample::select(FUNCTIONS),
                prop::collection::vec(prop::option::weighted(0.8, inner.clone()), 0..5),
            )
                .prop_filter("`F()` has no arguments, not one empty one", |(_, a)| {
                    a.len() != 1 || a[0].is_some()
                })
                .prop_map(|(name, args)| Expr::Call {
                    name: name.to_string(),
                    args,
                });
            let eq = (leaf(), leaf()).prop_map(|(l, r)| Expr::Equals(Box::new(l), Box::new(r)));
            prop_oneof![3 => call, 1 => eq]
        })
    }

    proptest! {
        #[test]
        fn canonical_text_parses_back_to_the_same_tree(e in expr()) {
            let text = e.to_string();
            let parsed = parse(&text);
            prop_assert_eq!(parsed.as_ref(), Ok(&e), "{}", text);
            // Random argument counts: only E0902/E0905 call problems may be reported (issue
            // #17 made `check` report arity), never a syntax or unknown-function problem.
            prop_assert!(check(&text).iter().all(|p| matches!(p, ExprProblem::Call(_))), "{}", text);
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
            let _ = check(&text);
        }
    }
}
