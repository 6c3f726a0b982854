//! .NET custom date and time format strings (invariant culture), for FormatDateTime:
//! `yyyy yy MMMM MMM MM M dddd ddd dd d HH H hh h mm m ss s f… F… tt t zzz zz z K`,
//! `'literal'`, `"literal"`, `\c`; every other character is a literal.

use super::date::{Civil, DateTime, TICKS_PER_SECOND};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// A run of one specifier letter and its length.
    Spec(char, usize),
    Lit(String),
}

fn tokens(format: &str) -> Vec<Tok> {
    let cs: Vec<char> = format.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        match c {
            'y' | 'M' | 'd' | 'H' | 'h' | 'm' | 's' | 'f' | 'F' | 't' | 'z' | 'K' => {
                let n = cs[i..].iter().take_while(|d| **d == c).count();
                out.push(Tok::Spec(c, n));
                i += n;
            }
            '\'' | '"' => {
                let end = cs[i + 1..]
                    .iter()
                    .position(|d| *d == c)
                    .map_or(cs.len(), |p| i + 1 + p);
                out.push(Tok::Lit(cs[i + 1..end].iter().collect()));
                i = end + 1;
            }
            '\\' => {
                out.push(Tok::Lit(
                    cs.get(i + 1).map(|d| d.to_string()).unwrap_or_default(),
                ));
                i += 2;
            }
            _ => {
                out.push(Tok::Lit(c.to_string()));
                i += 1;
            }
        }
    }
    out
}

/// A parsed date: the wall-clock fields as written, and the offset if one was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The wall-clock time as written.
    pub local: DateTime,
    /// The offset from UTC in minutes, when the format had `z`/`K`.
    pub offset: Option<i64>,
}

struct Cursor<'a> {
    s: &'a str,
}

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let n = self
            .s
            .bytes()
            .take(max)
            .take_while(u8::is_ascii_digit)
            .count();
        if n < min {
            return None;
        }
        let v = self.s[..n].parse().ok()?;
        self.s = &self.s[n..];
        Some(v)
    }

    fn word<'w>(&mut self, words: impl IntoIterator<Item = &'w str>) -> Option<usize> {
        for (i, w) in words.into_iter().enumerate() {
            if self.s.len() >= w.len() && self.s[..w.len()].eq_ignore_ascii_case(w) {
                self.s = &self.s[w.len()..];
                return Some(i);
            }
        }
        None
    }

    fn offset(&mut self, colon: bool) -> Option<i64> {
        let sign = match self.s.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        self.s = &self.s[1..];
        let h = self.digits(1, 2)?;
        let m = if colon && self.s.starts_with(':') {
            self.s = &self.s[1..];
            self.digits(2, 2)?
        } else {
            0
        };
        Some(sign * (h * 60 + m))
    }
}

/// Parses `text` with the .NET custom `format`; `None` when it does not match exactly.
pub fn parse(text: &str, format: &str) -> Option<Parsed> {
    let mut c = Civil {
        year: 1,
        month: 1,
        day: 1,
        ..Civil::default()
    };
    let (mut pm, mut offset) = (None, None);
    let mut cur = Cursor { s: text.trim() };
    for t in tokens(format) {
        match t {
            Tok::Lit(l) => cur.s = cur.s.strip_prefix(l.as_str())?,
            Tok::Spec(ch, n) => spec(&mut cur, ch, n, &mut c, &mut pm, &mut offset)?,
        }
    }
    if !cur.s.is_empty() {
        return None;
    }
    if let Some(pm) = pm {
        if !(1..=12).contains(&c.hour) {
            return None;
        }
        c.hour = c.hour % 12 + if pm { 12 } else { 0 };
    }
    Some(Parsed {
        local: c.to_datetime()?,
        offset,
    })
}

fn spec(
    cur: &mut Cursor<'_>,
    ch: char,
    n: usize,
    c: &mut Civil,
    pm: &mut Option<bool>,
    offset: &mut Option<i64>,
) -> Option<()> {
    let width = |n: usize| if n == 1 { (1, 2) } else { (n, n) };
    match (ch, n) {
        ('y', 2) => c.year = 2000 + cur.digits(2, 2)?,
        ('y', n) => c.year = cur.digits(n.max(1), n.max(4))?,
        ('M', 3) => c.month = cur.word(MONTHS.iter().map(|m| &m[..3]))? as i64 + 1,
        ('M', n) if n >= 4 => c.month = cur.word(MONTHS)? as i64 + 1,
        ('M', n) => c.month = cur.digits(width(n).0, width(n).1)?,
        ('d', 3) => drop(cur.word(DAYS.iter().map(|d| &d[..3]))?),
        ('d', n) if n >= 4 => drop(cur.word(DAYS)?),
        ('d', n) => c.day = cur.digits(width(n).0, width(n).1)?,
        ('H' | 'h', n) => c.hour = cur.digits(width(n).0, width(n).1)?,
        ('m', n) => c.minute = cur.digits(width(n).0, width(n).1)?,
        ('s', n) => c.second = cur.digits(width(n).0, width(n).1)?,
        ('f' | 'F', n) if n <= 7 => {
            let before = cur.s.len();
            let min = if ch == 'f' { n } else { 0 };
            let v = cur.digits(min, n).unwrap_or(0);
            let got = before - cur.s.len();
            c.fraction = v * 10_i64.pow((7 - got) as u32);
        }
        ('t', 1) => *pm = Some(cur.word(["A", "P"])? == 1),
        ('t', _) => *pm = Some(cur.word(["AM", "PM"])? == 1),
        ('z', n) => *offset = Some(cur.offset(n >= 3)?),
        ('K', _) => {
            if cur.s.starts_with('Z') {
                cur.s = &cur.s[1..];
                *offset = Some(0);
            } else if cur.s.starts_with(['+', '-']) {
                *offset = Some(cur.offset(true)?);
            }
        }
        _ => return None,
    }
    Some(())
}

/// Formats `p` with the .NET custom `format` (invariant culture).
pub fn format(p: Parsed, format: &str) -> String {
    let c = p.local.civil();
    let mut out = String::new();
    for t in tokens(format) {
        match t {
            Tok::Lit(l) => out.push_str(&l),
            Tok::Spec(ch, n) => out.push_str(&field(p, c, ch, n)),
        }
    }
    out
}

fn field(p: Parsed, c: Civil, ch: char, n: usize) -> String {
    let pad = |v: i64, n: usize| format!("{v:0n$}");
    let h12 = if c.hour % 12 == 0 { 12 } else { c.hour % 12 };
    let weekday = (p.local.ticks.div_euclid(86_400 * TICKS_PER_SECOND) + 1).rem_euclid(7);
    match (ch, n) {
        ('y', 2) => pad(c.year % 100, 2),
        ('y', 1) => (c.year % 100).to_string(),
        ('y', n) => pad(c.year, n),
        ('M', 3) => MONTHS[c.month as usize - 1][..3].to_string(),
        ('M', n) if n >= 4 => MONTHS[c.month as usize - 1].to_string(),
        ('M', n) => pad(c.month, n),
        ('d', 3) => DAYS[weekday as usize][..3].to_string(),
        ('d', n) if n >= 4 => DAYS[weekday as usize].to_string(),
        ('d', n) => pad(c.day, n),
        ('H', n) => pad(c.hour, n.min(2)),
        ('h', n) => pad(h12, n.min(2)),
        ('m', n) => pad(c.minute, n.min(2)),
        ('s', n) => pad(c.second, n.min(2)),
        ('f' | 'F', n) => {
            let digits = format!("{:07}", c.fraction);
            let s = &digits[..n.min(7)];
            if ch == 'F' {
                s.trim_end_matches('0').to_string()
            } else {
                s.to_string()
            }
        }
        ('t', 1) => (if c.hour < 12 { "A" } else { "P" }).into(),
        ('t', _) => (if c.hour < 12 { "AM" } else { "PM" }).into(),
        ('z' | 'K', n) => {
            let Some(off) = p.offset.or((ch == 'z').then_some(0)) else {
                return String::new();
            };
            let sign = if off < 0 { '-' } else { '+' };
            let (h, m) = (off.abs() / 60, off.abs() % 60);
            match (ch, n) {
                ('z', 1) => format!("{sign}{h}"),
                ('z', 2) => format!("{sign}{h:02}"),
                _ => format!("{sign}{h:02}:{m:02}"),
            }
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_the_documented_servicenow_example() {
        let p = parse("20150123105347.1Z", "yyyyMMddHHmmss.fZ").unwrap();
        assert_eq!(format(p, "yyyy-MM-dd"), "2015-01-23");
        assert_eq!(format(p, "HH:mm:ss.fff"), "10:53:47.100");
        assert!(parse("2015012310534.1Z", "yyyyMMddHHmmss.fZ").is_none());
    }

    #[test]
    fn twelve_hour_clock_names_and_offsets() {
        let p = parse("12/31/2020 11:05:00 PM", "M/d/yyyy hh:mm:ss tt").unwrap();
        assert_eq!(format(p, "yyyy-MM-ddTHH:mm"), "2020-12-31T23:05");
        assert_eq!(format(p, "dddd, MMMM d"), "Thursday, December 31");
        let z = parse("2020-12-31-08:00", "yyyy-MM-ddzzz").unwrap();
        assert_eq!(z.offset, Some(-480));
        assert_eq!(format(z, "yyyy-MM-dd zzz"), "2020-12-31 -08:00");
    }
}
