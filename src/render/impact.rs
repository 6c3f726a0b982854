//! `plan --impact` lines: under each change that can deprovision, how many users leave the
//! scope and the first names (up to [`NAMES_SHOWN`], then "and N more"). UPNs pass through
//! [`shown`] (they come from the tenant).

use super::untrusted::shown;
use crate::plan::Plan;
use crate::plan::change::Change;
use crate::plan::impact::Impact;

/// Names listed before "and N more".
pub const NAMES_SHOWN: usize = 20;

/// The impact of `c`, when `plan --impact` computed one.
pub fn of<'a>(plan: &'a Plan, c: &Change) -> Option<&'a Impact> {
    plan.impacts.iter().find(|i| i.address == c.address)
}

/// `deprovisions 37 users (…): alice@…, … and 17 more`.
pub fn line(i: &Impact) -> String {
    let n = i.users.len();
    if n == 0 {
        return "takes no user out of scope".into();
    }
    let noun = if n == 1 { "user" } else { "users" };
    let head = if i.effect.starts_with("leave the scope") {
        format!("{n} {noun} {}", i.effect)
    } else {
        format!("deprovisions {n} {noun} ({})", i.effect)
    };
    format!("{head}: {}", names(&i.users))
}

/// The first names, then "and N more".
pub fn names(users: &[String]) -> String {
    let mut s: Vec<String> = users.iter().take(NAMES_SHOWN).map(|u| shown(u)).collect();
    if users.len() > NAMES_SHOWN {
        let more = users.len() - NAMES_SHOWN;
        let last = s.pop().unwrap_or_default();
        s.push(format!("{last} and {more} more"));
    }
    s.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::change::Address;

    #[test]
    fn twenty_names_then_and_n_more() {
        let users: Vec<String> = (0..37).map(|i| format!("u{i:02}@contoso.com")).collect();
        let i = Impact {
            address: Address::State,
            users,
            effect: "disabled".into(),
        };
        let l = line(&i);
        assert!(
            l.starts_with("deprovisions 37 users (disabled): u00@contoso.com, "),
            "{l}"
        );
        assert!(l.ends_with("u19@contoso.com and 17 more"), "{l}");
        assert_eq!(l.matches("@contoso.com").count(), 20);
        let one = Impact {
            address: Address::State,
            users: vec!["x\u{1b}@c".into()],
            effect: "leave the scope; kept".into(),
        };
        assert_eq!(line(&one), "1 user leave the scope; kept: x\\e@c");
    }
}
