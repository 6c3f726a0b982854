//! Small time helpers (no date crate): ISO 8601 UTC timestamps, durations, job intervals
//! and `--since` values.

use crate::calendar::{civil_from_days, days_from_civil};

use std::time::Duration;

/// Graph's "never" timestamps start with year 1.
pub fn is_never(iso: &str) -> bool {
    iso.starts_with("0001-")
}

/// Unix seconds of an ISO 8601 UTC timestamp (`2026-11-28T20:44:24Z`, fractions and a
/// `+00:00` offset accepted).
pub fn parse_iso(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// ISO 8601 UTC with seconds for Unix seconds.
pub fn format_iso(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Now, in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A short human duration: `45s`, `20m 12s`, `3h 5m`, `2d 4h`.
pub fn human_duration(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 if s % 60 == 0 => format!("{}m", s / 60),
        60..=3599 => format!("{}m {}s", s / 60, s % 60),
        3600..=86_399 if s % 3600 == 0 => format!("{}h", s / 3600),
        3600..=86_399 => format!("{}h {}m", s / 3600, (s % 3600) / 60),
        _ if s % 86_400 == 0 => format!("{}d", s / 86_400),
        _ => format!("{}d {}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// Seconds of an ISO 8601 duration such as `PT40M` or `P10675199DT2H48M5.4775807S`.
pub fn parse_iso_duration(s: &str) -> Option<i64> {
    let rest = s.strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut total = 0f64;
    for (part, units) in [
        (date, &[('D', 86_400f64), ('W', 604_800f64)][..]),
        (time, &[('H', 3600f64), ('M', 60f64), ('S', 1f64)][..]),
    ] {
        let mut num = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
                continue;
            }
            let (_, mult) = units.iter().find(|(u, _)| *u == c)?;
            total += num.parse::<f64>().ok()? * mult;
            num.clear();
        }
        if !num.is_empty() {
            return None;
        }
    }
    Some(total as i64)
}

/// The schedule interval for people: `runs every 40m`, or `not scheduled` for Graph's
/// "max" interval (a job that was never started).
pub fn interval_text(iso: &str) -> String {
    match parse_iso_duration(iso) {
        Some(s) if s > 100 * 365 * 86_400 => "not scheduled".into(),
        Some(s) => format!("runs every {}", human_duration(s)),
        None => iso.to_owned(),
    }
}

/// Parses `--since` / `--interval`: `250ms`, `90s`, `30m`, `24h`, `7d`, `2w`, or
/// combinations such as `1h30m`.
pub fn parse_since(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty duration".into());
    }
    let mut total_ms = 0u64;
    let mut chars = t.chars().peekable();
    let mut num = String::new();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let ms = match c {
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                1
            }
            's' => 1000,
            'm' => 60_000,
            'h' => 3_600_000,
            'd' => 86_400_000,
            'w' => 604_800_000,
            _ => {
                return Err(format!(
                    "unknown unit '{c}' in '{s}' (use ms, s, m, h, d or w, e.g. 24h)"
                ));
            }
        };
        let n: u64 = num
            .parse()
            .map_err(|_| format!("'{s}' is not a duration (e.g. 30m, 24h, 7d)"))?;
        total_ms = total_ms.saturating_add(n.saturating_mul(ms));
        num.clear();
    }
    if !num.is_empty() {
        return Err(format!("'{s}' needs a unit (e.g. {num}h)"));
    }
    Ok(Duration::from_millis(total_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_round_trips() {
        let t = parse_iso("2026-11-28T20:44:24Z").unwrap();
        assert_eq!(t, 1_795_898_664);
        assert_eq!(format_iso(t), "2026-11-28T20:44:24Z");
        assert_eq!(
            parse_iso("2024-02-29T00:00:00.1234567Z")
                .map(format_iso)
                .unwrap(),
            "2024-02-29T00:00:00Z"
        );
        assert!(parse_iso("yesterday").is_none());
    }

    #[test]
    fn durations_and_intervals() {
        assert_eq!(parse_iso_duration("PT40M"), Some(2400));
        assert_eq!(interval_text("PT40M"), "runs every 40m");
        assert_eq!(interval_text("P10675199DT2H48M5.4775807S"), "not scheduled");
        assert_eq!(human_duration(1212), "20m 12s");
        assert_eq!(parse_since("1h30m").unwrap().as_secs(), 5400);
        assert_eq!(parse_since("250ms").unwrap().as_millis(), 250);
        assert!(parse_since("24").is_err());
        assert!(parse_since("3x").is_err());
    }
}
