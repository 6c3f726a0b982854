//! OData query building: string literals, percent-encoding of query values and path
//! segments, and `in (…)` filters split into chunks Graph accepts.

/// How many values one `in (…)` filter carries (Graph's limit on `in` is 15).
pub const IN_CHUNK: usize = 15;

/// An OData string literal: wrapped in `'` with any `'` doubled. Not URL-encoded.
pub fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// `field eq 'value'` with the literal quoted.
pub fn eq(field: &str, value: &str) -> String {
    format!("{field} eq {}", literal(value))
}

/// `field in ('a','b',…)` filters, at most [`IN_CHUNK`] values each, in input order.
pub fn in_filters<S: AsRef<str>>(field: &str, values: &[S]) -> Vec<String> {
    values
        .chunks(IN_CHUNK)
        .map(|chunk| {
            let list: Vec<String> = chunk.iter().map(|v| literal(v.as_ref())).collect();
            format!("{field} in ({})", list.join(","))
        })
        .collect()
}

/// Percent-encodes a query-string value: everything except RFC 3986 unreserved characters,
/// so `&`, `#`, `$`, `+`, `'`, `%`, spaces and non-ASCII never change the query's meaning.
pub fn encode_value(value: &str) -> String {
    encode(value, |b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// Percent-encodes one path segment (a UPN such as `a#EXT#@b` or an opaque id).
pub fn encode_segment(value: &str) -> String {
    encode(value, |b| {
        b.is_ascii_alphanumeric() || b"-._~@!$'()*+,;=:".contains(&b)
    })
}

fn encode(value: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Builder for the query part of a Graph URL (`?$filter=…&$select=…`).
#[derive(Debug, Default, Clone)]
pub struct Query {
    parts: Vec<String>,
}

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `$filter` (the expression is encoded here; pass it raw).
    pub fn filter(mut self, expr: &str) -> Self {
        self.parts.push(format!("$filter={}", encode_value(expr)));
        self
    }

    /// Adds `$select` of the given properties.
    pub fn select(mut self, fields: &[&str]) -> Self {
        self.parts
            .push(format!("$select={}", encode_value(&fields.join(","))));
        self
    }

    /// Adds `$orderby` (e.g. `activityDateTime desc`).
    pub fn orderby(mut self, expr: &str) -> Self {
        self.parts.push(format!("$orderby={}", encode_value(expr)));
        self
    }

    /// Adds `$top`.
    pub fn top(mut self, n: u32) -> Self {
        self.parts.push(format!("$top={n}"));
        self
    }

    /// Appends the query to a path: `path?…` (or the path alone when empty).
    pub fn to_path(&self, path: &str) -> String {
        if self.parts.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", self.parts.join("&"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_doubles_single_quotes() {
        assert_eq!(literal("O'Brien's"), "'O''Brien''s'");
    }

    #[test]
    fn encode_value_escapes_reserved_characters() {
        assert_eq!(
            encode_value("displayName eq 'A & B #1 $x+y'"),
            "displayName%20eq%20%27A%20%26%20B%20%231%20%24x%2By%27"
        );
    }

    #[test]
    fn keeper_template_filter_encodes_ampersand() {
        let q = Query::new()
            .filter(&eq(
                "displayName",
                "Keeper Password Manager & Digital Vault",
            ))
            .to_path("/applicationTemplates");
        assert_eq!(
            q,
            "/applicationTemplates?$filter=displayName%20eq%20%27Keeper%20Password%20Manager%20%26%20Digital%20Vault%27"
        );
    }

    #[test]
    fn in_filters_chunk_by_fifteen() {
        let names: Vec<String> = (0..31).map(|i| format!("g{i}")).collect();
        let filters = in_filters("displayName", &names);
        assert_eq!(filters.len(), 3);
        assert!(filters[0].starts_with("displayName in ('g0','g1',"));
        assert!(filters[0].ends_with("'g14')"));
        assert_eq!(filters[2], "displayName in ('g30')");
    }

    #[test]
    fn segment_encoding_keeps_at_and_escapes_hash() {
        assert_eq!(
            encode_segment("bob_contoso.com#EXT#@fab.onmicrosoft.com"),
            "bob_contoso.com%23EXT%23@fab.onmicrosoft.com"
        );
    }
}
