//! Evaluates an `attributeMappingSource` tree against `parseExpression`'s
//! `testInputObject` (`{properties:[{key, value}]}`). Covers the common string
//! functions; others report that their evaluation is not simulated.

use serde_json::Value;

type Vals = Vec<String>;

fn input(obj: &Value, name: &str) -> Vals {
    for p in obj["properties"].as_array().into_iter().flatten() {
        if p["key"]
            .as_str()
            .is_some_and(|k| k.eq_ignore_ascii_case(name))
        {
            return match &p["value"] {
                Value::String(s) => vec![s.clone()],
                Value::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect(),
                Value::Bool(b) => vec![if *b { "True".into() } else { "False".into() }],
                Value::Number(n) => vec![n.to_string()],
                _ => vec![],
            };
        }
    }
    vec![]
}

fn first(v: &Vals) -> String {
    v.first().cloned().unwrap_or_default()
}

/// Evaluates `tree` on `obj`; the result is the list of output values.
pub fn evaluate(tree: &Value, obj: &Value) -> Result<Vals, String> {
    let name = tree["name"].as_str().unwrap_or_default();
    match tree["type"].as_str() {
        Some("Attribute") => return Ok(input(obj, name)),
        Some("Constant") => return Ok(vec![name.to_owned()]),
        _ => {}
    }
    let params: Vec<(&str, &Value)> = tree["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| (p["key"].as_str().unwrap_or_default(), &p["value"]))
        .collect();
    let arg = |k: &str| -> Result<Option<Vals>, String> {
        match params.iter().find(|(key, _)| *key == k) {
            Some((_, v)) => evaluate(v, obj).map(Some),
            None => Ok(None),
        }
    };
    let s =
        |k: &str| -> Result<String, String> { Ok(arg(k)?.map(|v| first(&v)).unwrap_or_default()) };
    let n = |k: &str| -> Result<usize, String> {
        s(k)?
            .trim()
            .parse::<usize>()
            .map_err(|_| format!("{name}: '{k}' must be a number"))
    };
    Ok(match name {
        "Append" => vec![s("source")? + &s("suffix")?],
        "ToLower" => vec![s("source")?.to_lowercase()],
        "ToUpper" => vec![s("source")?.to_uppercase()],
        "StripSpaces" => vec![s("source")?.replace(' ', "")],
        "Left" => vec![s("source")?.chars().take(n("numChars")?).collect()],
        "Mid" => {
            let start = n("start")?.max(1) - 1;
            vec![
                s("source")?
                    .chars()
                    .skip(start)
                    .take(n("length")?)
                    .collect(),
            ]
        }
        "Join" => {
            let sep = s("separator")?;
            let mut all = Vec::new();
            for (k, v) in &params {
                if *k == "source" {
                    all.extend(evaluate(v, obj)?);
                }
            }
            vec![all.join(&sep)]
        }
        "Replace" => {
            let old = s("oldValue")?;
            let new = s("replacementValue")?;
            let src = s("source")?;
            vec![if old.is_empty() {
                src
            } else {
                src.replace(&old, &new)
            }]
        }
        "Not" => vec![if s("source")?.eq_ignore_ascii_case("true") {
            "False".into()
        } else {
            "True".into()
        }],
        "IsNullOrEmpty" | "IsNull" => {
            vec![
                if arg("expression")?.is_none_or(|v| v.iter().all(String::is_empty)) {
                    "True".into()
                } else {
                    "False".into()
                },
            ]
        }
        "IsPresent" => vec![
            if arg("expression")?.is_some_and(|v| v.iter().any(|x| !x.is_empty())) {
                "True".into()
            } else {
                "False".into()
            },
        ],
        "Coalesce" => {
            for (k, v) in &params {
                if *k == "source" {
                    let r = evaluate(v, obj)?;
                    if r.iter().any(|x| !x.is_empty()) {
                        return Ok(r);
                    }
                }
            }
            vec![]
        }
        "Switch" => {
            let src = s("source")?;
            let keys: Vec<&Value> = params
                .iter()
                .filter(|(k, _)| *k == "key")
                .map(|(_, v)| *v)
                .collect();
            let vals: Vec<&Value> = params
                .iter()
                .filter(|(k, _)| *k == "value")
                .map(|(_, v)| *v)
                .collect();
            for (k, v) in keys.iter().zip(vals.iter()) {
                if first(&evaluate(k, obj)?) == src {
                    return evaluate(v, obj);
                }
            }
            arg("defaultValue")?.unwrap_or_default()
        }
        other => {
            return Err(format!(
                "Evaluation of '{other}' is not simulated; the expression was parsed."
            ));
        }
    })
}
