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

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_near_misses_only() {
        let keys = ["displayName", "gallery", "templateId", "appId", "connector"];
        assert_eq!(did_you_mean("galery", keys), Some("gallery"));
        assert_eq!(did_you_mean("DisplayName", keys), Some("displayName"));
        assert_eq!(did_you_mean("templateID", keys), Some("templateId"));
        assert_eq!(did_you_mean("owner", keys), None);
    }
}
