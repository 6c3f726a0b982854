//! Replace(source, oldValue, regexPattern, regexGroupName, replacementValue,
//! replacementAttributeName, template), with the five documented behaviours chosen by which
//! arguments are given. Case-sensitive. Regular expressions use .NET's named groups
//! (`(?<name>…)`) and `${name}` in the replacement.

use regex::Regex;

use super::{Call, Ev, R, Value};

const SOURCE: usize = 0;
const OLD: usize = 1;
const PATTERN: usize = 2;
const GROUP: usize = 3;
const NEW: usize = 4;
const ATTRIBUTE: usize = 5;
const TEMPLATE: usize = 6;

pub(super) fn replace(ev: &Ev, c: &Call) -> R {
    let has = |i| ev.given(c, i);
    let source = ev.arg(c, SOURCE)?;
    if has(PATTERN) {
        let re = regex(ev, c)?;
        let group = ev.text(c, GROUP)?;
        if has(GROUP) && has(ATTRIBUTE) {
            // The source if it has a value, else the group's match in the other attribute.
            if !source.is_null_or_empty() {
                return Ok(source);
            }
            let other = ev.text(c, ATTRIBUTE)?;
            return Ok(re
                .captures(&other)
                .and_then(|m| m.name(&group))
                .map_or(Value::Null, |m| Value::Str(m.as_str().to_owned())));
        }
        if has(NEW) {
            let new = ev.text(c, NEW)?;
            let s = source.text();
            if has(GROUP) {
                return Ok(Value::Str(replace_group(&re, &s, &group, &new)));
            }
            return Ok(Value::Str(re.replace_all(&s, new.as_str()).into_owned()));
        }
    }
    if has(OLD) {
        let old = ev.text(c, OLD)?;
        if has(TEMPLATE) {
            return Ok(Value::Str(
                ev.text(c, TEMPLATE)?.replace(&old, &source.text()),
            ));
        }
        if has(NEW) && !old.is_empty() {
            return Ok(Value::Str(source.text().replace(&old, &ev.text(c, NEW)?)));
        }
    }
    // Nothing to replace: the source as one string (a NULL source reads as "").
    Ok(Value::Str(source.text()))
}

fn regex(ev: &Ev, c: &Call) -> R<Regex> {
    let pattern = ev.text(c, PATTERN)?;
    Regex::new(&pattern).map_err(|e| {
        let first = e
            .to_string()
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .to_owned();
        ev.error(
            c,
            "E0903",
            format!("`Replace`: the regexPattern {pattern:?} is not supported: {first}"),
            Some("look-arounds and back-references are .NET features this evaluator does not have"),
        )
    })
}

/// Replaces, in every match, only the span of the named group.
fn replace_group(re: &Regex, s: &str, group: &str, new: &str) -> String {
    let mut out = String::new();
    let mut last = 0;
    for caps in re.captures_iter(s) {
        if let Some(m) = caps.name(group) {
            out.push_str(&s[last..m.start()]);
            out.push_str(new);
            last = m.end();
        }
    }
    out.push_str(&s[last..]);
    out
}
