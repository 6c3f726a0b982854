//! "Did you mean …?" suggestions.

/// The candidate closest to `word`, if it is close enough to be a likely typo (or differs
/// only in case).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        if c.to_lowercase() == lower {
            return Some(c);
        }
        let score = strsim::jaro_winkler(&lower, &c.to_lowercase());
        let distance = strsim::damerau_levenshtein(&lower, &c.to_lowercase());
        let close = score >= 0.85 || distance <= 2.min(word.chars().count() / 3 + 1);
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Up to `n` candidates close to `word`, closest first (same case-folded text, a shared
/// prefix or suffix of four letters, or a Jaro-Winkler similarity of at least 0.8).
pub fn close_matches<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let lower = word.to_lowercase();
    let mut scored: Vec<(f64, &'a str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let cl = c.to_lowercase();
            let score = strsim::jaro_winkler(&lower, &cl);
            let tail = |s: &str| s.chars().rev().take(4).collect::<String>();
            let shared = lower.len() >= 4
                && cl.len() >= 4
                && (cl.starts_with(&lower[..4]) || tail(&cl) == tail(&lower));
            (cl == lower || score >= 0.8 || shared).then_some((score, c))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// The candidates an attribute name is compared with, and the part of each that is
/// compared: for a SCIM URN name (`urn:…:User:costCenter`), only the names of the same
/// schema, by their last segment (the shared prefix would make every URN look alike).
fn attribute_keys<'n, 'a>(
    name: &'n str,
    candidates: &[&'a str],
) -> (&'n str, Vec<(&'a str, &'a str)>) {
    match name.rsplit_once(':') {
        Some((prefix, leaf)) => {
            let same: Vec<(&'a str, &'a str)> = candidates
                .iter()
                .filter_map(|c| match c.rsplit_once(':') {
                    Some((p, l)) if p.eq_ignore_ascii_case(prefix) => Some((l, *c)),
                    _ => None,
                })
                .collect();
            (leaf, same)
        }
        None => (name, candidates.iter().map(|c| (*c, *c)).collect()),
    }
}

/// [`did_you_mean`] for attribute names (SCIM URNs compared by their last segment).
pub fn did_you_mean_attribute<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let (word, keys) = attribute_keys(name, candidates);
    let hit = did_you_mean(word, keys.iter().map(|(k, _)| *k))?;
    keys.iter().find(|(k, _)| *k == hit).map(|(_, c)| *c)
}

/// [`close_matches`] for attribute names (SCIM URNs compared by their last segment).
pub fn close_attribute_matches<'a>(name: &str, candidates: &[&'a str], n: usize) -> Vec<&'a str> {
    let (word, keys) = attribute_keys(name, candidates);
    close_matches(word, keys.iter().map(|(k, _)| *k), n)
        .into_iter()
        .filter_map(|hit| keys.iter().find(|(k, _)| *k == hit).map(|(_, c)| *c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{close_matches, did_you_mean, did_you_mean_attribute};

    #[test]
    fn urn_attributes_compare_by_their_last_segment() {
        let e = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:";
        let names = [
            format!("{e}department"),
            format!("{e}costCenter"),
            "userName".into(),
        ];
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(
            did_you_mean_attribute(&format!("{e}costcenter"), &names),
            Some(names[1])
        );
        assert_eq!(
            did_you_mean_attribute(&format!("{e}costCentre2"), &names[..1]),
            None
        );
    }

    #[test]
    fn close_matches_are_ordered_by_similarity() {
        let names = ["nickName", "name.givenName", "userName", "active"];
        assert_eq!(close_matches("nickname", names, 3)[0], "nickName");
        assert!(!close_matches("nickname", names, 3).contains(&"active"));
    }

    #[test]
    fn suggests_near_misses_only() {
        let keys = ["displayName", "gallery", "templateId", "appId", "connector"];
        assert_eq!(did_you_mean("galery", keys), Some("gallery"));
        assert_eq!(did_you_mean("DisplayName", keys), Some("displayName"));
        assert_eq!(did_you_mean("templateID", keys), Some("templateId"));
        assert_eq!(did_you_mean("owner", keys), None);
    }
}
