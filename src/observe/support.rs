//! Checks the manifest's scoping-filter operators and expression functions against what
//! the provisioning job supports (`…/schema/filterOperators`, `…/schema/functions`).

use super::error::codes;
use super::pointer;
use super::read::JobData;
use crate::manifest::expr::parse_with_calls;
use crate::manifest::suggest::did_you_mean;
use crate::manifest::{Diagnostic, LoadedManifest, Operator, SourceKind};

/// Operator names compare case-insensitively, ignoring `_` and spaces.
fn op_key(name: &str) -> String {
    name.trim().to_ascii_uppercase().replace(['_', ' '], "")
}

/// How to show a job's operator: the manifest name when entraprov knows it.
fn op_display(graph_name: &str) -> String {
    Operator::from_graph_name(graph_name)
        .map_or_else(|| graph_name.to_owned(), |o| o.manifest_name().to_owned())
}

/// Every operator and function the manifest uses must be supported by the job.
pub(crate) fn check(loaded: &LoadedManifest, job: &JobData, diags: &mut Vec<Diagnostic>) {
    let Some(mappings) = loaded
        .manifest
        .provisioning
        .as_ref()
        .and_then(|p| p.mappings.as_ref())
    else {
        return;
    };
    let supported: Vec<String> = job.operators.iter().map(|o| op_key(&o.name)).collect();
    let mut listed: Vec<String> = job.operators.iter().map(|o| op_display(&o.name)).collect();
    listed.sort();
    let functions: Option<Vec<&str>> = job
        .functions
        .as_ref()
        .map(|fs| fs.iter().map(|f| f.name.as_str()).collect());
    for (label, m) in mappings.iter() {
        for (i, f) in m.scoping_filters.iter().flatten().enumerate() {
            for (j, c) in f.clauses.iter().enumerate() {
                if supported.contains(&op_key(c.operator.graph_name())) {
                    continue;
                }
                let d = loaded
                    .diagnostic(
                        codes::UNSUPPORTED_OPERATOR,
                        &pointer::operator(label, i, j),
                        format!(
                            "the provisioning job does not support the operator {}; it supports: {}",
                            c.operator.manifest_name(),
                            listed.join(", ")
                        ),
                    )
                    .help("pick a supported operator (the list comes from the job's schema/filterOperators)");
                diags.push(d);
            }
        }
        let Some(functions) = &functions else {
            continue;
        };
        for (target, a) in m.attributes.iter().flat_map(|a| a.iter()) {
            if let SourceKind::Expression(text) = &a.kind {
                check_functions(loaded, label, target, text, functions, diags);
            }
        }
    }
}

fn check_functions(
    loaded: &LoadedManifest,
    label: &str,
    target: &str,
    text: &str,
    functions: &[&str],
    diags: &mut Vec<Diagnostic>,
) {
    // Syntax errors were reported by the loader; nothing to check here.
    let Ok((_, calls)) = parse_with_calls(text) else {
        return;
    };
    let mut reported = Vec::new();
    for (name, _) in calls {
        if functions.contains(&name.as_str()) || reported.contains(&name) {
            continue;
        }
        let hint = match did_you_mean(&name, functions.iter().copied()) {
            Some(s) => format!("did you mean {s}? Function names are case-sensitive"),
            None => "the list comes from the job's schema/functions".to_owned(),
        };
        let d = loaded
            .diagnostic(
                codes::UNSUPPORTED_FUNCTION,
                &pointer::expression(label, target),
                format!("the provisioning job does not support the function {name}"),
            )
            .help(hint);
        diags.push(d);
        reported.push(name);
    }
}
