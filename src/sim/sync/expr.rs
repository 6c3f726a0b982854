//! The attribute-mapping expression language (graph-api.md §5.4–§5.5): a parser that
//! builds the `attributeMappingSource` tree, a canonical renderer, a tree validator for
//! schema PUTs and an evaluator for `parseExpression`'s `testInputObject`.
//!
//! Grammar: `[attribute]`, `"string"` (backslash escapes `\` and `"`), numbers (become
//! constants), `Function(arg, , arg)` with empty optional arguments, and `a = b`
//! comparisons (for `IIF` conditions; represented as a function node named `Equals`).

use serde_json::{Value, json};

use crate::sim::sync::catalog;

/// A syntax or semantic error with its 0-based character position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Character offset.
    pub pos: usize,
    /// What is wrong.
    pub message: String,
}

struct P<'a> {
    cs: Vec<char>,
    pos: usize,
    src: &'a str,
}

fn err<T>(pos: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        pos,
        message: message.into(),
    })
}

/// Builds a tree node.
pub fn node(kind: &str, name: &str, params: Vec<(String, Value)>) -> Value {
    let parameters: Vec<Value> = params
        .into_iter()
        .map(|(k, v)| json!({"key": k, "value": v}))
        .collect();
    let mut v = json!({"type": kind, "name": name, "expression": "", "parameters": parameters});
    v["expression"] = Value::String(render(&v));
    v
}

impl P<'_> {
    fn ws(&mut self) {
        while self.cs.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn expr(&mut self) -> Result<Value, ParseError> {
        let left = self.primary()?;
        self.ws();
        if self.cs.get(self.pos) == Some(&'=') {
            self.pos += 1;
            let right = self.primary()?;
            return Ok(node(
                "Function",
                "Equals",
                vec![("source".into(), left), ("value".into(), right)],
            ));
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Value, ParseError> {
        self.ws();
        let start = self.pos;
        match self.cs.get(self.pos).copied() {
            None => err(start, "unexpected end of expression"),
            Some('[') => {
                let close = self.cs[start..].iter().position(|c| *c == ']');
                let Some(close) = close else {
                    return err(start, "unterminated attribute: missing ']'");
                };
                let name: String = self.cs[start + 1..start + close].iter().collect();
                if name.trim().is_empty() {
                    return err(start, "empty attribute name");
                }
                self.pos = start + close + 1;
                Ok(node("Attribute", &name, vec![]))
            }
            Some('"') => {
                let mut s = String::new();
                self.pos += 1;
                loop {
                    match self.cs.get(self.pos).copied() {
                        None => return err(start, "unterminated string constant"),
                        Some('\\') => {
                            match self.cs.get(self.pos + 1).copied() {
                                Some(c @ ('\\' | '"')) => s.push(c),
                                Some(c) => {
                                    s.push('\\');
                                    s.push(c);
                                }
                                None => return err(self.pos, "unterminated string constant"),
                            }
                            self.pos += 2;
                        }
                        Some('"') => {
                            self.pos += 1;
                            break;
                        }
                        Some(c) => {
                            s.push(c);
                            self.pos += 1;
                        }
                    }
                }
                Ok(node("Constant", &s, vec![]))
            }
            Some(c) if c.is_ascii_digit() || c == '-' => {
                self.pos += 1;
                while self
                    .cs
                    .get(self.pos)
                    .is_some_and(|c| c.is_ascii_digit() || *c == '.')
                {
                    self.pos += 1;
                }
                let n: String = self.cs[start..self.pos].iter().collect();
                Ok(node("Constant", &n, vec![]))
            }
            Some(c) if c.is_ascii_alphabetic() => self.call(start),
            Some(c) => err(start, format!("unexpected character '{c}'")),
        }
    }

    fn call(&mut self, start: usize) -> Result<Value, ParseError> {
        while self
            .cs
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            self.pos += 1;
        }
        let name: String = self.cs[start..self.pos].iter().collect();
        self.ws();
        if self.cs.get(self.pos) != Some(&'(') {
            return err(
                self.pos,
                format!("expected '(' after function name '{name}'"),
            );
        }
        let Some(defs) = catalog::function(&name) else {
            return err(
                start,
                format!("unknown function '{name}' (function names are case-sensitive)"),
            );
        };
        self.pos += 1;
        let mut args: Vec<Option<Value>> = Vec::new();
        self.ws();
        if self.cs.get(self.pos) == Some(&')') {
            self.pos += 1;
        } else {
            loop {
                self.ws();
                let arg = match self.cs.get(self.pos) {
                    Some(',') | Some(')') => None,
                    _ => Some(self.expr()?),
                };
                args.push(arg);
                self.ws();
                match self.cs.get(self.pos) {
                    Some(',') => self.pos += 1,
                    Some(')') => {
                        self.pos += 1;
                        break;
                    }
                    None => return err(self.pos, format!("missing ')' to close {name}(")),
                    Some(c) => {
                        return err(
                            self.pos,
                            format!("expected ',' or ')' in {name}(…), found '{c}'"),
                        );
                    }
                }
            }
        }
        let written = args.len();
        let params = bind(&name, defs, args).map_err(|m| ParseError {
            pos: start,
            message: m,
        })?;
        let _ = self.src;
        let mut n = node("Function", &name, params);
        n["x-written"] = json!(written);
        n["expression"] = Value::String(render(&n));
        if let Some(o) = n.as_object_mut() {
            o.remove("x-written");
        }
        Ok(n)
    }
}

/// Maps positional arguments to parameter names.
fn bind(
    name: &str,
    defs: &[catalog::Param],
    args: Vec<Option<Value>>,
) -> Result<Vec<(String, Value)>, String> {
    let mut out = Vec::new();
    for (i, arg) in args.into_iter().enumerate() {
        let key = if i < defs.len() {
            defs[i].0
        } else if defs.last().is_some_and(|d| d.2) {
            defs[defs.len() - 1].0
        } else {
            return Err(format!(
                "too many arguments for {name}: it takes {}",
                defs.len()
            ));
        };
        if let Some(v) = arg {
            out.push((key.to_owned(), v));
        }
    }
    for (p, required, _) in defs {
        if *required && !out.iter().any(|(k, _)| k == p) {
            return Err(format!("{name} requires the parameter '{p}'"));
        }
    }
    Ok(out)
}

/// Parses an expression into an `attributeMappingSource` tree.
pub fn parse(src: &str) -> Result<Value, ParseError> {
    if src.chars().count() > 10_000 {
        return err(10_000, "expression longer than 10,000 characters");
    }
    let mut p = P {
        cs: src.chars().collect(),
        pos: 0,
        src,
    };
    let v = p.expr()?;
    p.ws();
    if p.pos < p.cs.len() {
        return err(
            p.pos,
            format!(
                "unexpected '{}' after the end of the expression",
                p.cs[p.pos]
            ),
        );
    }
    Ok(v)
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Renders a tree in canonical form (constants always quoted, `", "` separators,
/// trailing omitted arguments dropped).
pub fn render(v: &Value) -> String {
    let name = v["name"].as_str().unwrap_or_default();
    let params: Vec<(&str, &Value)> = v["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| (p["key"].as_str().unwrap_or_default(), &p["value"]))
        .collect();
    match v["type"].as_str() {
        Some("Attribute") => format!("[{name}]"),
        Some("Constant") => quote(name),
        _ if name == "Equals" && params.len() == 2 => {
            format!("{}={}", render(params[0].1), render(params[1].1))
        }
        _ => {
            let defs = catalog::function(name).unwrap_or(&[]);
            let mut slots: Vec<String> = Vec::new();
            for (p, _, multi) in defs {
                let mut hits = params
                    .iter()
                    .filter(|(k, _)| k == p)
                    .map(|(_, x)| render(x));
                if *multi {
                    slots.extend(hits);
                } else {
                    slots.push(hits.next().unwrap_or_default());
                }
            }
            // Trailing empty arguments are kept when the caller wrote them (the documented
            // parseExpression example answers `Replace(…, "_", , )` for `Replace(…, "_", ,  )`);
            // a tree alone does not say how many there were.
            let written = v["x-written"].as_u64().unwrap_or(0) as usize;
            while slots.len() > written && slots.last().is_some_and(String::is_empty) {
                slots.pop();
            }
            format!("{name}({})", slots.join(", "))
        }
    }
}

/// Checks a tree sent in a schema PUT; returns the first problem.
pub fn validate(v: &Value, attribute_ok: &dyn Fn(&str) -> bool) -> Result<(), String> {
    let name = v["name"].as_str().ok_or("source.name is missing")?;
    let params = v["parameters"].as_array().cloned().unwrap_or_default();
    match v["type"].as_str() {
        Some("Attribute") if attribute_ok(name) => Ok(()),
        Some("Attribute") => Err(format!(
            "source attribute '{name}' does not exist in the source directory"
        )),
        Some("Constant") => Ok(()),
        Some("Function") => {
            if name != "Equals" && catalog::function(name).is_none() {
                return Err(format!("unknown function '{name}'"));
            }
            let defs = catalog::function(name)
                .unwrap_or(&[("source", true, false), ("value", true, false)]);
            for p in &params {
                let key = p["key"].as_str().unwrap_or_default();
                if !defs.iter().any(|(d, _, _)| *d == key) {
                    return Err(format!("function '{name}' has no parameter '{key}'"));
                }
                validate(&p["value"], attribute_ok)?;
            }
            Ok(())
        }
        other => Err(format!(
            "source.type must be Attribute, Constant or Function, not {other:?}"
        )),
    }
}

/// Re-renders every `expression` in a tree (the server stores canonical expressions).
pub fn canonicalise(v: &mut Value) {
    let params = v.get_mut("parameters").and_then(Value::as_array_mut);
    for p in params.into_iter().flatten() {
        if let Some(inner) = p.get_mut("value") {
            canonicalise(inner);
        }
    }
    if v.is_object() {
        // The given text wins when it says the same as the tree (so trailing empty
        // arguments survive a round trip); otherwise the tree is rendered.
        let given = v["expression"]
            .as_str()
            .and_then(|e| parse(e).ok())
            .filter(|t| same_tree(t, v));
        let e = match given {
            Some(t) => t["expression"].clone(),
            None => Value::String(render(v)),
        };
        v["expression"] = e;
    }
}

/// Whether two trees have the same types, names and parameters (expressions ignored).
fn same_tree(a: &Value, b: &Value) -> bool {
    let params = |v: &Value| v["parameters"].as_array().cloned().unwrap_or_default();
    let (pa, pb) = (params(a), params(b));
    a["type"] == b["type"]
        && a["name"] == b["name"]
        && pa.len() == pb.len()
        && pa
            .iter()
            .zip(&pb)
            .all(|(x, y)| x["key"] == y["key"] && same_tree(&x["value"], &y["value"]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_calls_with_omitted_arguments() {
        let t = parse(r#"Replace([preferredLanguage], "-", , , "_", , )"#).unwrap();
        assert_eq!(t["type"], "Function");
        let keys: Vec<&str> = t["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["source", "Find", "Replacement"]);
        // The documented parseExpression example keeps the trailing empty arguments.
        assert_eq!(
            t["expression"],
            r#"Replace([preferredLanguage], "-", , , "_", , )"#
        );
        let s = parse(r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#).unwrap();
        assert_eq!(
            s["expression"],
            r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#
        );
    }

    #[test]
    fn reports_syntax_errors_with_positions() {
        assert_eq!(parse("Mid([x], 1").unwrap_err().pos, 10);
        assert!(
            parse("toLower([x])")
                .unwrap_err()
                .message
                .contains("unknown function")
        );
        assert!(parse("\"open").is_err());
        assert!(parse("Mid([x], 1)").unwrap_err().message.contains("length"));
        assert!(parse("[a] [b]").is_err());
    }
}
