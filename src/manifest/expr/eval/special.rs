//! Dates (CDate, DateAdd, DateDiff, DateFromNum, NumFromDate, FormatDateTime, Now), the
//! non-deterministic functions (Guid, RandomString, Now) and the ones that need the
//! directory (SelectUniqueValue, AppRoleAssignmentsComplex, SingleAppRoleAssignment,
//! AppRoleAssignments, DefaultDomain), plus Redact.

use rand::Rng;
use rand::seq::SliceRandom;

use super::{Call, Ev, R, Value, date, datefmt};

const INTERVALS: &[&str] = &["yyyy", "m", "d", "ww", "h", "n", "s"];
/// Special characters of Windows' password complexity reference (the page links it).
const SPECIAL: &str = "~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/";
const NONDETERMINISTIC: &str =
    "a different value on every evaluation; the value shown is one example";
const DIRECTORY: &str =
    "needs the directory at provisioning time; the value shown is an offline approximation";

pub(super) fn call(ev: &Ev, c: &Call) -> R<Option<Value>> {
    Ok(Some(match c.name {
        "Now" => {
            ev.note("I0901", c.name, NONDETERMINISTIC);
            Value::Date(ev.cx.now)
        }
        "CDate" => Value::Date(ev.date(c, 0, "expression")?),
        "DateAdd" => {
            let interval = interval(ev, c)?;
            let n = ev.int(c, 1, "value")?;
            let d = ev.date(c, 2, "dateTime")?;
            Value::Date(d.add(&interval, n).ok_or_else(|| {
                ev.error(
                    c,
                    "E0903",
                    "`DateAdd`: the result is out of range".into(),
                    None,
                )
            })?)
        }
        "DateDiff" => {
            let interval = interval(ev, c)?;
            let (a, b) = (ev.date(c, 1, "date1")?, ev.date(c, 2, "date2")?);
            Value::Str(a.diff(&interval, b).unwrap_or_default().to_string())
        }
        "DateFromNum" => {
            let n = ev.int(c, 0, "value")?;
            Value::Date(date::DateTime::from_filetime(n).ok_or_else(|| {
                ev.error(
                    c,
                    "E0903",
                    format!("`DateFromNum`: {n} is out of range"),
                    None,
                )
            })?)
        }
        "NumFromDate" => Value::Str(ev.date(c, 0, "value")?.filetime().to_string()),
        "FormatDateTime" => format_date_time(ev, c)?,
        "Guid" => {
            ev.note("I0901", c.name, NONDETERMINISTIC);
            let bytes: [u8; 16] = ev.rng.borrow_mut().random();
            Value::Str(
                uuid::Builder::from_random_bytes(bytes)
                    .into_uuid()
                    .to_string(),
            )
        }
        "RandomString" => {
            ev.note("I0901", c.name, NONDETERMINISTIC);
            random_string(ev, c)?
        }
        "Redact" => {
            ev.note(
                "I0902",
                c.name,
                "the app receives this value; provisioning logs show \"[Redact]\"",
            );
            ev.arg(c, 0)?
        }
        "SelectUniqueValue" => {
            ev.note("W0901", c.name, "the first rule whose value is unique in the target is used; uniqueness is checked at provisioning time, so the first non-empty rule is shown");
            let mut first = Value::Null;
            for i in 0..c.args.len() {
                let v = ev.arg(c, i)?;
                if !v.is_null_or_empty() {
                    first = v;
                    break;
                }
            }
            first
        }
        "AppRoleAssignmentsComplex" | "AppRoleAssignments" => {
            ev.note("W0901", c.name, DIRECTORY);
            match ev.arg(c, 0)? {
                Value::Null => Value::Null,
                v => Value::Multi(v.all()),
            }
        }
        "SingleAppRoleAssignment" => {
            ev.note("W0901", c.name, DIRECTORY);
            let v = ev.arg(c, 0)?.all();
            v.first().map_or(Value::Null, |s| Value::Str(s.clone()))
        }
        "DefaultDomain" => {
            ev.note(
                "W0901",
                c.name,
                "the tenant's default domain is read from the directory",
            );
            Value::Null
        }
        _ => return Ok(None),
    }))
}

fn interval(ev: &Ev, c: &Call) -> R<String> {
    let i = ev.text(c, 0)?;
    if INTERVALS.contains(&i.as_str()) {
        return Ok(i);
    }
    Err(ev.error(
        c,
        "E0903",
        format!(
            "`{}`: interval {i:?} is not one of yyyy, m, d, ww, h, n, s",
            c.name
        ),
        None,
    ))
}

/// FormatDateTime(source, dateTimeStyles, inputFormat, outputFormat). A NULL source gives
/// NULL. The wall-clock time is kept as written (an offset parsed with `zzz` is printed
/// again by `zzz`, not converted).
fn format_date_time(ev: &Ev, c: &Call) -> R {
    let source = ev.arg(c, 0)?;
    if source.is_null_or_empty() {
        return Ok(Value::Null);
    }
    let input = ev.text(c, 2)?;
    let output = ev.text(c, 3)?;
    let text = source.text();
    let parsed = match source {
        Value::Date(d) => Some(datefmt::Parsed {
            local: d,
            offset: Some(0),
        }),
        _ => datefmt::parse(&text, &input),
    };
    let p = parsed.ok_or_else(|| {
        ev.error(
            c,
            "E0903",
            format!("`FormatDateTime`: {text:?} does not match the inputFormat {input:?}"),
            Some(".NET custom date and time format strings, e.g. yyyy-MM-ddTHH:mm:ssK"),
        )
    })?;
    Ok(Value::Str(datefmt::format(p, &output)))
}

/// RandomString(Length, MinimumNumbers, MinimumSpecialCharacters, MinimumCapital,
/// MinimumLowerCase, CharactersToAvoid).
fn random_string(ev: &Ev, c: &Call) -> R {
    let len = ev.int(c, 0, "Length")?;
    let mins = [
        ev.int(c, 1, "MinimumNumbers")?,
        ev.int(c, 2, "MinimumSpecialCharacters")?,
        ev.int(c, 3, "MinimumCapital")?,
        ev.int(c, 4, "MinimumLowerCase")?,
    ];
    let avoid = ev.text(c, 5)?;
    if !(1..=256).contains(&len) || mins.iter().any(|m| *m < 0) || mins.iter().sum::<i64>() > len {
        return Err(ev.error(
            c,
            "E0903",
            format!(
                "`RandomString`: Length {len} must be 1–256 and at least the sum of the minimums"
            ),
            None,
        ));
    }
    let pools: Vec<Vec<char>> = [
        "0123456789",
        SPECIAL,
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "abcdefghijklmnopqrstuvwxyz",
    ]
    .iter()
    .map(|p| p.chars().filter(|ch| !avoid.contains(*ch)).collect())
    .collect();
    let mut rng = ev.rng.borrow_mut();
    let mut out = Vec::new();
    for (pool, min) in pools.iter().zip(mins) {
        if min > 0 && pool.is_empty() {
            return Err(ev.error(
                c,
                "E0903",
                "`RandomString`: CharactersToAvoid removes a required class".into(),
                None,
            ));
        }
        for _ in 0..min {
            out.push(pool[rng.random_range(0..pool.len())]);
        }
    }
    let all: Vec<char> = pools.concat();
    while (out.len() as i64) < len && !all.is_empty() {
        out.push(all[rng.random_range(0..all.len())]);
    }
    out.shuffle(&mut *rng);
    Ok(Value::Str(out.into_iter().collect()))
}
