//! String and multi-valued functions. A NULL string argument reads as `""` except where the
//! page documents otherwise.

use base64::Engine;

use super::{Call, Ev, R, Value, diacritics, replace, special};

/// The function `c` if it is one of these (or of `special`); `None` otherwise.
pub(super) fn call(ev: &Ev, c: &Call) -> R<Option<Value>> {
    Ok(Some(match c.name {
        "Append" => Value::Str(ev.text(c, 0)? + &ev.text(c, 1)?),
        // Listed by Graph's schema/functions (prefix, source); not on the functions page.
        "Prepend" => Value::Str(ev.text(c, 0)? + &ev.text(c, 1)?),
        "ToLower" | "ToUpper" => case(ev, c)?,
        "StripSpaces" => Value::Str(ev.text(c, 0)?.replace(' ', "")),
        "NormalizeDiacritics" => Value::Str(diacritics::normalize(&ev.text(c, 0)?)),
        "Left" => left(ev, c)?,
        "Mid" => mid(ev, c)?,
        "Word" => word(ev, c)?,
        "InStr" => return instr(ev, c).map(Some),
        "PCase" => pcase(ev, c)?,
        "Join" => join(ev, c)?,
        "ConvertToBase64" => {
            let utf16: Vec<u8> = ev
                .text(c, 0)?
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect();
            Value::Str(base64::engine::general_purpose::STANDARD.encode(utf16))
        }
        "ConvertToUTF8Hex" => Value::Str(hex::encode_upper(ev.text(c, 0)?)),
        "Count" => Value::Str(ev.arg(c, 0)?.all().len().to_string()),
        "CStr" => match ev.arg(c, 0)? {
            Value::Null => Value::Null,
            v => Value::Str(v.text()),
        },
        "Item" => item(ev, c)?,
        "RemoveDuplicates" => match ev.arg(c, 0)? {
            Value::Multi(xs) => {
                let mut out: Vec<String> = Vec::new();
                for x in xs {
                    if !out.contains(&x) {
                        out.push(x);
                    }
                }
                Value::Multi(out)
            }
            v => v,
        },
        "Split" => match ev.arg(c, 0)? {
            Value::Null => Value::Null,
            v => {
                let (s, d) = (v.text(), ev.text(c, 1)?);
                if d.is_empty() {
                    Value::Multi(vec![s])
                } else {
                    Value::Multi(s.split(d.as_str()).map(str::to_owned).collect())
                }
            }
        },
        "Replace" => return replace::replace(ev, c).map(Some),
        _ => return special::call(ev, c),
    }))
}

/// ToLower/ToUpper with an optional culture; Turkish and Azeri case `i`/`I` as dotted and
/// dotless (`İ`, `ı`), every other culture like the invariant one.
fn case(ev: &Ev, c: &Call) -> R {
    let s = ev.text(c, 0)?;
    let culture = ev.text(c, 1)?.to_ascii_lowercase();
    let turkic = culture.starts_with("tr") || culture.starts_with("az");
    let upper = c.name == "ToUpper";
    Ok(Value::Str(match (turkic, upper) {
        (true, true) => s.replace('i', "İ").to_uppercase(),
        (true, false) => s.replace('I', "ı").replace('İ', "i").to_lowercase(),
        (false, true) => s.to_uppercase(),
        (false, false) => s.to_lowercase(),
    }))
}

/// Left: numChars 0 gives "", < 0 the whole string, NULL gives "" (documented).
fn left(ev: &Ev, c: &Call) -> R {
    let s = ev.text(c, 0)?;
    let n = ev.int(c, 1, "NumChars")?;
    Ok(Value::Str(if n < 0 {
        s
    } else {
        s.chars().take(n as usize).collect()
    }))
}

/// Mid: 1-based start; a length past the end stops at the end (documented).
fn mid(ev: &Ev, c: &Call) -> R {
    let s = ev.text(c, 0)?;
    let start = ev.int(c, 1, "start")?;
    let len = ev.int(c, 2, "length")?;
    if start < 1 || len < 0 {
        return Err(ev.error(
            c,
            "E0903",
            format!("`Mid`: start must be ≥ 1 and length ≥ 0 (got {start} and {len})"),
            Some("the first character has index 1"),
        ));
    }
    Ok(Value::Str(
        s.chars()
            .skip(start as usize - 1)
            .take(len as usize)
            .collect(),
    ))
}

/// Word: words are separated by any of the delimiter characters; a number < 1, a NULL
/// string or too few words give "" (documented).
fn word(ev: &Ev, c: &Call) -> R {
    let s = ev.text(c, 0)?;
    let n = ev.int(c, 1, "WordNumber")?;
    let delims: Vec<char> = ev.text(c, 2)?.chars().collect();
    if n < 1 {
        return Ok(Value::Str(String::new()));
    }
    let w = s
        .split(|ch| delims.contains(&ch))
        .filter(|w| !w.is_empty())
        .nth(n as usize - 1);
    Ok(Value::Str(w.unwrap_or_default().to_owned()))
}

/// InStr: the 1-based position of value2 in value1 from `start` (default 1), 0 when absent;
/// `vbBinaryCompare` (default) is case-sensitive, `vbTextCompare` is not. NULL when a string
/// is NULL (as VBA does).
fn instr(ev: &Ev, c: &Call) -> R {
    let (hay, needle) = (ev.arg(c, 0)?, ev.arg(c, 1)?);
    if hay == Value::Null || needle == Value::Null {
        return Ok(Value::Null);
    }
    let start = if ev.given(c, 2) {
        ev.int(c, 2, "start")?
    } else {
        1
    };
    let text = match ev.text(c, 3)?.as_str() {
        "" | "vbBinaryCompare" | "0" => false,
        "vbTextCompare" | "1" => true,
        other => {
            return Err(ev.error(
                c,
                "E0903",
                format!(
                    "`InStr`: compareType must be vbBinaryCompare or vbTextCompare, not {other:?}"
                ),
                None,
            ));
        }
    };
    if start < 1 {
        return Err(ev.error(
            c,
            "E0903",
            format!("`InStr`: start must be ≥ 1, not {start}"),
            None,
        ));
    }
    let fold = |s: String| if text { s.to_lowercase() } else { s };
    let hay: Vec<char> = fold(hay.text()).chars().collect();
    let needle: Vec<char> = fold(needle.text()).chars().collect();
    let from = start as usize - 1;
    let found = (from..=hay.len().saturating_sub(needle.len()))
        .find(|&i| i + needle.len() <= hay.len() && hay[i..i + needle.len()] == needle[..]);
    Ok(Value::Str(found.map_or(0, |i| i + 1).to_string()))
}

/// PCase: lower-case everything, then upper-case the first letter of each word. Without
/// wordSeparators a word is a run of letters, digits and combining marks (ToTitleCase's
/// separators are every other category); with them, only those characters separate.
fn pcase(ev: &Ev, c: &Call) -> R {
    let s = ev.text(c, 0)?;
    let seps: Option<Vec<char>> = ev
        .given(c, 1)
        .then(|| ev.text(c, 1))
        .transpose()?
        .map(|t| t.chars().collect());
    let is_sep = |ch: char| match &seps {
        Some(v) => v.contains(&ch),
        None => !(ch.is_alphanumeric() || ('\u{0300}'..='\u{036F}').contains(&ch)),
    };
    let mut out = String::with_capacity(s.len());
    let mut at_start = true;
    for ch in s.chars() {
        if is_sep(ch) {
            out.push(ch);
            at_start = true;
        } else if at_start {
            out.extend(ch.to_uppercase());
            at_start = false;
        } else {
            out.extend(ch.to_lowercase());
        }
    }
    Ok(Value::Str(out))
}

/// Join: every value of every source (multi-valued ones contribute each value), empty and
/// NULL values left out — the page's `Join(", ", "", [surname], [givenName])` gives
/// `Doe, John`.
fn join(ev: &Ev, c: &Call) -> R {
    let sep = ev.text(c, 0)?;
    let mut parts = Vec::new();
    for i in 1..c.args.len() {
        parts.extend(ev.arg(c, i)?.all().into_iter().filter(|s| !s.is_empty()));
    }
    Ok(Value::Str(parts.join(&sep)))
}

/// Item: 1-based (the page: "Index 0 shouldn't be used"); past the end is NULL.
fn item(ev: &Ev, c: &Call) -> R {
    let values = ev.arg(c, 0)?.all();
    let i = ev.int(c, 1, "index")?;
    if i < 1 {
        return Err(ev.error(
            c,
            "E0903",
            format!("`Item`: index {i} — indexes start at 1"),
            Some("Item([proxyAddresses], 1) is the first value"),
        ));
    }
    Ok(values
        .get(i as usize - 1)
        .map_or(Value::Null, |s| Value::Str(s.clone())))
}
