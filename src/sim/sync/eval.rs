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

fn bool_text(b: bool) -> String {
    if b { "True" } else { "False" }.into()
}

/// One function call node: its name, its parameters and the input object.
struct Call<'a> {
    name: &'a str,
    params: Vec<(&'a str, &'a Value)>,
    obj: &'a Value,
}

impl<'a> Call<'a> {
    fn new(tree: &'a Value, obj: &'a Value) -> Self {
        let params = tree["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| (p["key"].as_str().unwrap_or_default(), &p["value"]))
            .collect();
        Call {
            name: tree["name"].as_str().unwrap_or_default(),
            params,
            obj,
        }
    }

    /// The evaluated parameter `k`, if present.
    fn arg(&self, k: &str) -> Result<Option<Vals>, String> {
        match self.params.iter().find(|(key, _)| *key == k) {
            Some((_, v)) => evaluate(v, self.obj).map(Some),
            None => Ok(None),
        }
    }

    /// The first value of parameter `k`, or "".
    fn s(&self, k: &str) -> Result<String, String> {
        Ok(self.arg(k)?.map(|v| first(&v)).unwrap_or_default())
    }

    /// Parameter `k` as a number.
    fn n(&self, k: &str) -> Result<usize, String> {
        let name = self.name;
        self.s(k)?
            .trim()
            .parse::<usize>()
            .map_err(|_| format!("{name}: '{k}' must be a number"))
    }

    /// All parameters named `k`, unevaluated, in order.
    fn all(&self, k: &str) -> Vec<&'a Value> {
        self.params
            .iter()
            .filter(|(key, _)| *key == k)
            .map(|(_, v)| *v)
            .collect()
    }
}

/// Evaluates `tree` on `obj`; the result is the list of output values.
pub fn evaluate(tree: &Value, obj: &Value) -> Result<Vals, String> {
    let name = tree["name"].as_str().unwrap_or_default();
    match tree["type"].as_str() {
        Some("Attribute") => return Ok(input(obj, name)),
        Some("Constant") => return Ok(vec![name.to_owned()]),
        _ => {}
    }
    let call = Call::new(tree, obj);
    if let Some(v) = string_fn(&call)? {
        return Ok(v);
    }
    if let Some(v) = logic_fn(&call)? {
        return Ok(v);
    }
    Err(format!(
        "Evaluation of '{name}' is not simulated; the expression was parsed."
    ))
}

/// The string functions (Append, ToLower, …, Replace); `None` if `c` is not one.
fn string_fn(c: &Call) -> Result<Option<Vals>, String> {
    Ok(Some(match c.name {
        "Append" => vec![c.s("source")? + &c.s("suffix")?],
        "ToLower" => vec![c.s("source")?.to_lowercase()],
        "ToUpper" => vec![c.s("source")?.to_uppercase()],
        "StripSpaces" => vec![c.s("source")?.replace(' ', "")],
        "Left" => vec![c.s("source")?.chars().take(c.n("numChars")?).collect()],
        "Mid" => {
            let start = c.n("start")?.max(1) - 1;
            let src = c.s("source")?;
            vec![src.chars().skip(start).take(c.n("length")?).collect()]
        }
        "Join" => {
            let sep = c.s("separator")?;
            let mut all = Vec::new();
            for v in c.all("source") {
                // entra-docs: Join(", ", "", [surname], [givenName]) gives "Doe, John".
                all.extend(evaluate(v, c.obj)?.into_iter().filter(|x| !x.is_empty()));
            }
            vec![all.join(&sep)]
        }
        "Prepend" => vec![c.s("prefix")? + &c.s("source")?],
        "Replace" => {
            let old = c.s("Find")?;
            let new = c.s("Replacement")?;
            let src = c.s("source")?;
            vec![if old.is_empty() {
                src
            } else {
                src.replace(&old, &new)
            }]
        }
        _ => return Ok(None),
    }))
}

/// The logical and choice functions (Not, IsNull…, Coalesce, Switch); `None`
/// if `c` is not one.
fn logic_fn(c: &Call) -> Result<Option<Vals>, String> {
    Ok(Some(match c.name {
        "Not" => vec![bool_text(
            !c.s("source")?.trim().eq_ignore_ascii_case("true"),
        )],
        "IsNothing" => vec![bool_text(
            c.arg("source")?
                .is_none_or(|v| v.iter().all(String::is_empty)),
        )],
        "IsNullOrEmpty" => vec![bool_text(
            c.arg("expression")?
                .is_none_or(|v| v.iter().all(String::is_empty)),
        )],
        // entra-docs: "For an attribute, a Null is expressed by the absence of the
        // attribute" — an empty string is not NULL.
        "IsNull" => vec![bool_text(c.arg("expression")?.is_none_or(|v| v.is_empty()))],
        "IsPresent" => vec![bool_text(
            c.arg("expression")?
                .is_some_and(|v| v.iter().any(|x| !x.is_empty())),
        )],
        "Coalesce" => {
            for v in c.all("source") {
                // entra-docs: "the first source value that isn't NULL" ("" is a value).
                let r = evaluate(v, c.obj)?;
                if !r.is_empty() {
                    return Ok(Some(r));
                }
            }
            vec![]
        }
        "Switch" => {
            let src = c.s("source")?;
            let pairs = c.all("switchValue");
            for (k, v) in pairs.iter().step_by(2).zip(pairs.iter().skip(1).step_by(2)) {
                if first(&evaluate(k, c.obj)?) == src {
                    return evaluate(v, c.obj).map(Some);
                }
            }
            c.arg("defaultValue")?.unwrap_or_default()
        }
        _ => return Ok(None),
    }))
}
