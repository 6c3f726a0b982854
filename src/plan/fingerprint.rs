//! The secret-token fingerprint rule (DESIGN.md §4) and the app's identity tag.
//!
//! The token cannot be read back (Graph masks it as `*`), so its fingerprint — the first 12
//! hex characters of SHA-256 over `<service principal id>:<token>` — is kept in a tag
//! `entraprov:token-sha256=<hex>` on the service principal.

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::ids::ServicePrincipalId;

use super::model::TokenState;

/// Prefix of the token fingerprint tag.
pub const TOKEN_TAG_PREFIX: &str = "entraprov:token-sha256=";

/// Prefix of the identity tag `entraprov:<name>`.
pub const NAME_TAG_PREFIX: &str = "entraprov:";

/// Number of hex characters kept in the fingerprint.
pub const FINGERPRINT_LEN: usize = 12;

/// Fingerprint of a token for a service principal: first 12 hex of
/// SHA-256(`<sp id>:<token>`). The salt makes the same token differ across apps.
pub fn token_fingerprint(sp: &ServicePrincipalId, token: &SecretString) -> String {
    let mut hasher = Sha256::new();
    hasher.update(sp.as_str().as_bytes());
    hasher.update(b":");
    hasher.update(token.expose_secret().as_bytes());
    let digest = hasher.finalize();
    let mut hex = hex::encode(digest);
    hex.truncate(FINGERPRINT_LEN);
    hex
}

/// The tag that records a fingerprint.
pub fn token_tag(fingerprint: &str) -> String {
    format!("{TOKEN_TAG_PREFIX}{fingerprint}")
}

/// The identity tag of a manifest name.
pub fn name_tag(name: &str) -> String {
    format!("{NAME_TAG_PREFIX}{name}")
}

/// The fingerprint recorded in a set of tags, if any (and well-formed).
pub fn fingerprint_from_tags<'a>(tags: impl IntoIterator<Item = &'a String>) -> Option<String> {
    tags.into_iter().find_map(|t| {
        let fp = t.strip_prefix(TOKEN_TAG_PREFIX)?;
        let ok = fp.len() == FINGERPRINT_LEN && fp.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| fp.to_ascii_lowercase())
    })
}

/// What is known about the stored token, from whether `SecretToken` is present in the
/// secrets (masked or not) and the service principal's tags. A tag without a stored token
/// means the token is absent.
pub fn token_state<'a>(
    token_present: bool,
    tags: impl IntoIterator<Item = &'a String>,
) -> TokenState {
    if !token_present {
        return TokenState::Absent;
    }
    match fingerprint_from_tags(tags) {
        Some(fingerprint) => TokenState::Known { fingerprint },
        None => TokenState::Unknown,
    }
}

/// A short form for display (first 6 characters), as in `fingerprint 3f9a1c → 77b2e0`.
pub fn short(fingerprint: &str) -> &str {
    fingerprint.get(..6).unwrap_or(fingerprint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_12_hex_of_sha256_over_sp_colon_token() {
        let fp = token_fingerprint(&"sp-1".into(), &SecretString::from("tok"));
        // sha256("sp-1:tok")
        let full = hex::encode(Sha256::digest(b"sp-1:tok"));
        assert_eq!(fp, full[..12]);
        assert_eq!(fp.len(), 12);
    }

    #[test]
    fn fingerprint_depends_on_service_principal() {
        let t = SecretString::from("tok");
        assert_ne!(
            token_fingerprint(&"a".into(), &t),
            token_fingerprint(&"b".into(), &t)
        );
    }

    #[test]
    fn tag_round_trip_and_malformed_tags_ignored() {
        let tags = vec![
            "entraprov:keeper".to_owned(),
            "entraprov:token-sha256=zz".to_owned(),
            token_tag("ABCDEF012345"),
        ];
        assert_eq!(
            fingerprint_from_tags(&tags).as_deref(),
            Some("abcdef012345")
        );
        assert_eq!(token_state(false, &tags), TokenState::Absent);
        assert_eq!(token_state(true, &tags[..1]), TokenState::Unknown);
    }
}
