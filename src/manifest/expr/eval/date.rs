//! Date/time values as .NET represents them: 100-ns ticks since 0001-01-01 (UTC), the
//! general format `M/d/yyyy h:mm:ss tt` (CDate, DateAdd, Now), intervals of DateAdd and
//! DateDiff, and AD's FILETIME (100-ns ticks since 1601-01-01 UTC; DateFromNum, NumFromDate).

use crate::calendar::{civil_from_days, days_from_civil};

/// The day number of 1970-01-01 counted from 0001-01-01.
const UNIX_EPOCH_DAY: i64 = 719_162;

/// Ticks per second.
pub const TICKS_PER_SECOND: i64 = 10_000_000;
const TICKS_PER_DAY: i64 = 86_400 * TICKS_PER_SECOND;

/// A point in time, in ticks since 0001-01-01T00:00:00.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime {
    /// 100-ns ticks since 0001-01-01.
    pub ticks: i64,
}

/// Calendar fields of a [`DateTime`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Civil {
    /// Year (1–9999).
    pub year: i64,
    /// Month (1–12).
    pub month: i64,
    /// Day of the month (1–31).
    pub day: i64,
    /// Hour (0–23).
    pub hour: i64,
    /// Minute.
    pub minute: i64,
    /// Second.
    pub second: i64,
    /// Ticks within the second.
    pub fraction: i64,
}

/// Days in `month` of `year`.
pub fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl Civil {
    /// The instant, or `None` when a field is out of range.
    pub fn to_datetime(self) -> Option<DateTime> {
        let c = self;
        let ok = (1..=9999).contains(&c.year)
            && (1..=12).contains(&c.month)
            && (1..=days_in_month(c.year, c.month)).contains(&c.day)
            && (0..24).contains(&c.hour)
            && (0..60).contains(&c.minute)
            && (0..60).contains(&c.second);
        ok.then(|| DateTime {
            ticks: (days_from_civil(c.year, c.month, c.day) + UNIX_EPOCH_DAY) * TICKS_PER_DAY
                + ((c.hour * 60 + c.minute) * 60 + c.second) * TICKS_PER_SECOND
                + c.fraction,
        })
    }
}

impl DateTime {
    /// The calendar fields.
    pub fn civil(self) -> Civil {
        let days = self.ticks.div_euclid(TICKS_PER_DAY);
        let rest = self.ticks.rem_euclid(TICKS_PER_DAY);
        let (year, month, day) = civil_from_days(days - UNIX_EPOCH_DAY);
        let secs = rest / TICKS_PER_SECOND;
        Civil {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
            fraction: rest % TICKS_PER_SECOND,
        }
    }

    /// From Unix seconds.
    pub fn from_unix(secs: i64) -> DateTime {
        DateTime {
            ticks: (secs + 62_135_596_800) * TICKS_PER_SECOND,
        }
    }

    /// `M/d/yyyy h:mm:ss tt`, the documented output of CDate, DateAdd and Now.
    pub fn general(self) -> String {
        let c = self.civil();
        let (h12, tt) = match c.hour {
            0 => (12, "AM"),
            h @ 1..=11 => (h, "AM"),
            12 => (12, "PM"),
            h => (h - 12, "PM"),
        };
        format!(
            "{}/{}/{} {}:{:02}:{:02} {}",
            c.month, c.day, c.year, h12, c.minute, c.second, tt
        )
    }

    /// Adds `n` units of a DateAdd interval (`yyyy m d ww h n s`); `None` for another
    /// interval or a result out of range. Months keep the day, clamped to the month's end.
    pub fn add(self, interval: &str, n: i64) -> Option<DateTime> {
        let unit = match interval {
            "yyyy" => return self.add_months(n.checked_mul(12)?),
            "m" => return self.add_months(n),
            "ww" => 7 * TICKS_PER_DAY,
            "d" => TICKS_PER_DAY,
            "h" => 3600 * TICKS_PER_SECOND,
            "n" => 60 * TICKS_PER_SECOND,
            "s" => TICKS_PER_SECOND,
            _ => return None,
        };
        let ticks = self.ticks.checked_add(unit.checked_mul(n)?)?;
        let out = DateTime { ticks };
        (1..=9999).contains(&out.civil().year).then_some(out)
    }

    fn add_months(self, n: i64) -> Option<DateTime> {
        let mut c = self.civil();
        let total = c.year * 12 + (c.month - 1) + n;
        c.year = total.div_euclid(12);
        c.month = total.rem_euclid(12) + 1;
        c.day = c.day.min(days_in_month(c.year, c.month));
        c.to_datetime()
    }

    /// DateDiff: the number of `interval` boundaries crossed from `self` to `other`
    /// (positive when `other` is later), as VBA counts them: calendar years and months,
    /// Sunday-based weeks, midnights, whole hours, minutes and seconds.
    pub fn diff(self, interval: &str, other: DateTime) -> Option<i64> {
        let (a, b) = (self.civil(), other.civil());
        let floor = |t: i64, unit: i64| t.div_euclid(unit);
        Some(match interval {
            "yyyy" => b.year - a.year,
            "m" => (b.year * 12 + b.month) - (a.year * 12 + a.month),
            "d" => floor(other.ticks, TICKS_PER_DAY) - floor(self.ticks, TICKS_PER_DAY),
            // 0001-01-01 is a Monday: shifting by one day puts week starts on Sundays.
            "ww" => {
                let week = |t: i64| floor(t + TICKS_PER_DAY, 7 * TICKS_PER_DAY);
                week(other.ticks) - week(self.ticks)
            }
            "h" => {
                floor(other.ticks, 3600 * TICKS_PER_SECOND)
                    - floor(self.ticks, 3600 * TICKS_PER_SECOND)
            }
            "n" => {
                floor(other.ticks, 60 * TICKS_PER_SECOND) - floor(self.ticks, 60 * TICKS_PER_SECOND)
            }
            "s" => floor(other.ticks, TICKS_PER_SECOND) - floor(self.ticks, TICKS_PER_SECOND),
            _ => return None,
        })
    }

    /// Ticks of 1601-01-01, AD's FILETIME epoch.
    const FILETIME_EPOCH: i64 = 504_911_232_000_000_000;

    /// From AD's date format (FILETIME: 100-ns intervals since 1601-01-01 UTC).
    pub fn from_filetime(n: i64) -> Option<DateTime> {
        let ticks = n.checked_add(Self::FILETIME_EPOCH)?;
        let out = DateTime { ticks };
        (ticks >= 0 && out.civil().year <= 9999).then_some(out)
    }

    /// To AD's date format.
    pub fn filetime(self) -> i64 {
        self.ticks - Self::FILETIME_EPOCH
    }
}

/// Parses the date strings CDate, DateAdd, DateDiff and NumFromDate accept, converted to
/// UTC: ISO 8601 (`2009-06-15T01:45:30-07:00`, `2021-08-24`, `2020-03-16-07:00`,
/// `2020-12-31 23:59:59-08:00`, `…Z`) and the general format (`8/25/2021 5:41:18 PM`).
/// A date without an offset is taken as UTC.
pub fn parse(text: &str) -> Option<DateTime> {
    let t = text.trim();
    if t.contains('/') {
        return parse_general(t);
    }
    let (date, rest) = t.split_at(t.len().min(10));
    let mut f = date.split('-');
    let year = num(f.next()?, 4)?;
    let month = num(f.next()?, 2)?;
    let day = num(f.next()?, 2)?;
    let (time, offset) = split_offset(rest)?;
    let mut c = Civil {
        year,
        month,
        day,
        ..Civil::default()
    };
    if let Some(time) = time.strip_prefix(['T', ' ']) {
        time_of_day(time, &mut c)?;
    } else if !time.is_empty() {
        return None;
    }
    let dt = c.to_datetime()?;
    Some(DateTime {
        ticks: dt.ticks - offset * 60 * TICKS_PER_SECOND,
    })
}

/// `HH:mm[:ss[.fffffff]]` into `c`.
fn time_of_day(time: &str, c: &mut Civil) -> Option<()> {
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut p = hms.split(':');
    c.hour = num(p.next()?, 2)?;
    c.minute = num(p.next()?, 2)?;
    c.second = p.next().map_or(Some(0), |s| num(s, 2))?;
    if p.next().is_some() || frac.len() > 7 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    c.fraction = format!("{frac:0<7}").parse().ok()?;
    Some(())
}

/// Splits a trailing `Z`, `±HH:MM` or `±HHMM` off; the offset in minutes.
fn split_offset(rest: &str) -> Option<(&str, i64)> {
    if let Some(r) = rest.strip_suffix('Z') {
        return Some((r, 0));
    }
    let Some(i) = rest.rfind(['+', '-']) else {
        return Some((rest, 0));
    };
    let (body, off) = rest.split_at(i);
    let sign = if off.starts_with('-') { -1 } else { 1 };
    let digits: String = off[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 {
        return None;
    }
    let h = num(&digits[..2], 2)?;
    let m = num(&digits[2..], 2)?;
    (h < 15 && m < 60).then_some((body, sign * (h * 60 + m)))
}

/// `M/d/yyyy[ h:mm[:ss][ AM|PM]]`.
fn parse_general(t: &str) -> Option<DateTime> {
    let (date, time) = t.split_once(' ').unwrap_or((t, ""));
    let mut f = date.split('/');
    let mut c = Civil {
        month: f.next()?.parse().ok()?,
        day: f.next()?.parse().ok()?,
        year: num(f.next()?, 4)?,
        ..Civil::default()
    };
    let time = time.trim();
    if !time.is_empty() {
        let (clock, tt) = time.split_once(' ').unwrap_or((time, ""));
        let mut p = clock.split(':');
        c.hour = p.next()?.parse().ok()?;
        c.minute = p.next()?.parse().ok()?;
        c.second = p.next().map_or(Some(0), |s| s.parse().ok())?;
        match tt.to_ascii_uppercase().as_str() {
            "" => {}
            "AM" if (1..=12).contains(&c.hour) => c.hour %= 12,
            "PM" if (1..=12).contains(&c.hour) => c.hour = c.hour % 12 + 12,
            _ => return None,
        }
    }
    c.to_datetime()
}

/// Exactly `width` ASCII digits.
fn num(s: &str, width: usize) -> Option<i64> {
    (s.len() == width && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_civil_dates_and_the_unix_epoch() {
        let e = DateTime::from_unix(0).civil();
        assert_eq!((e.year, e.month, e.day), (1970, 1, 1));
        for s in ["2000-02-29", "1601-01-01", "9999-12-31", "0001-01-01"] {
            let d = parse(s).unwrap().civil();
            assert_eq!(format!("{:04}-{:02}-{:02}", d.year, d.month, d.day), s);
        }
        assert!(parse("2001-02-29").is_none());
    }

    #[test]
    fn month_arithmetic_clamps_to_the_month_end() {
        let d = parse("2021-01-31").unwrap().add("m", 1).unwrap();
        assert_eq!(d.general(), "2/28/2021 12:00:00 AM");
    }
}
