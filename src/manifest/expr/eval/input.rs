//! The source object an expression is evaluated against: Entra source attribute names
//! (`[surname]`, `[mobile]`, `[extensionAttribute3]`, `[objectId]`) and the Microsoft Graph
//! user properties they are read from.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::Value;

/// Entra source attributes whose Graph property has another name (entra-docs
/// `customize-application-attributes.md` lists the source attributes; Graph's `user`
/// resource names the properties). Any other attribute is read from the property of the
/// same name.
const RENAMED: &[(&str, &str)] = &[
    ("objectId", "id"),
    ("mobile", "mobilePhone"),
    ("telephoneNumber", "businessPhones"),
    ("facsimileTelephoneNumber", "faxNumber"),
    ("physicalDeliveryOfficeName", "officeLocation"),
];

/// Graph `user` properties that Entra's user source attributes are read from under the
/// same name (Graph's `user` resource). Names outside this list, `RENAMED`, the extension
/// attributes and directory extensions (`extension_<appId>_<name>`) are not `$select`ed:
/// Graph refuses a `$select` of a property it does not know, so they read as missing.
const GRAPH_USER_PROPERTIES: &[&str] = &[
    "accountEnabled",
    "ageGroup",
    "businessPhones",
    "city",
    "companyName",
    "consentProvidedForMinor",
    "country",
    "createdDateTime",
    "department",
    "displayName",
    "employeeHireDate",
    "employeeId",
    "employeeLeaveDateTime",
    "employeeType",
    "externalUserState",
    "faxNumber",
    "givenName",
    "id",
    "jobTitle",
    "legalAgeGroupClassification",
    "mail",
    "mailNickname",
    "mobilePhone",
    "officeLocation",
    "onPremisesDistinguishedName",
    "onPremisesDomainName",
    "onPremisesImmutableId",
    "onPremisesSamAccountName",
    "onPremisesSecurityIdentifier",
    "onPremisesSyncEnabled",
    "onPremisesUserPrincipalName",
    "otherMails",
    "passwordPolicies",
    "postalCode",
    "preferredDataLocation",
    "preferredLanguage",
    "proxyAddresses",
    "showInAddressList",
    "state",
    "streetAddress",
    "surname",
    "usageLocation",
    "userPrincipalName",
    "userType",
];

/// Attributes computed by the provisioning service, not read from Graph.
const COMPUTED: &[&str] = &["IsSoftDeleted"];

/// Attributes only the directory knows (app role assignments, the manager reference).
pub const DIRECTORY_ONLY: &[&str] = &["appRoleAssignments", "manager"];

/// One user's source attributes, looked up case-insensitively.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attributes {
    by_name: BTreeMap<String, (String, Value)>,
}

impl Attributes {
    /// An empty object (every attribute is missing).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets an attribute.
    pub fn set(&mut self, name: &str, value: Value) {
        self.by_name
            .insert(name.to_ascii_lowercase(), (name.to_owned(), value));
    }

    /// The value of `[name]`; `Value::Null` when the attribute is absent.
    pub fn get(&self, name: &str) -> Value {
        self.by_name
            .get(&name.to_ascii_lowercase())
            .map_or(Value::Null, |(_, v)| v.clone())
    }

    /// Whether the attribute is present (even empty).
    pub fn has(&self, name: &str) -> bool {
        self.by_name.contains_key(&name.to_ascii_lowercase())
    }

    /// Reads a Graph `user` object (or a user file with Entra attribute names): Graph
    /// properties are renamed to Entra's source attribute names, `onPremisesExtensionAttributes`
    /// becomes `extensionAttribute1…15`, and `IsSoftDeleted` is `False` for a user Graph
    /// returns (deleted users are not listed under `/users`) unless the input says otherwise.
    pub fn from_user_json(obj: &Json) -> Attributes {
        let mut a = Attributes::new();
        let Some(map) = obj.as_object() else {
            return a;
        };
        for (k, v) in map {
            if k == "onPremisesExtensionAttributes" {
                for (ek, ev) in v.as_object().into_iter().flatten() {
                    a.set(ek, json_value(ev));
                }
                continue;
            }
            if k.starts_with("@odata") {
                continue;
            }
            let name = RENAMED
                .iter()
                .find(|(_, graph)| graph == k)
                .map_or(k.as_str(), |(entra, _)| entra);
            let value = match (name, v) {
                // Entra's telephoneNumber is the first business phone.
                ("telephoneNumber", Json::Array(xs)) => xs.first().map_or(Value::Null, json_value),
                _ => json_value(v),
            };
            a.set(name, value);
        }
        if !a.has("IsSoftDeleted") {
            a.set("IsSoftDeleted", Value::Str("False".into()));
        }
        a
    }

    /// Names and values, in name order (for display).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.by_name.values().map(|(n, v)| (n.as_str(), v))
    }
}

/// A JSON value as an expression value: strings as they are, booleans as `True`/`False`
/// (.NET's spelling), numbers as written, arrays as multi-valued attributes, `null` as
/// missing, objects (references such as `manager`) by their `id`.
pub fn json_value(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::String(s) => Value::Str(s.clone()),
        Json::Bool(b) => Value::Str(if *b { "True" } else { "False" }.into()),
        Json::Number(n) => Value::Str(n.to_string()),
        Json::Array(xs) => Value::Multi(
            xs.iter()
                .filter_map(|x| match json_value(x) {
                    Value::Str(s) => Some(s),
                    _ => None,
                })
                .collect(),
        ),
        Json::Object(o) => o
            .get("id")
            .and_then(Json::as_str)
            .map_or(Value::Null, |s| Value::Str(s.to_owned())),
    }
}

/// The Graph `$select` that reads `attributes` (Entra names) of a user: renamed
/// properties, `onPremisesExtensionAttributes` for extension attributes, nothing for
/// computed or directory-only ones; always `id` and `userPrincipalName`.
pub fn graph_select<'a>(attributes: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = vec!["id".into(), "userPrincipalName".into()];
    for a in attributes {
        let prop = if a.to_ascii_lowercase().starts_with("extensionattribute") {
            "onPremisesExtensionAttributes".to_owned()
        } else if COMPUTED
            .iter()
            .chain(DIRECTORY_ONLY)
            .any(|c| c.eq_ignore_ascii_case(a))
        {
            continue;
        } else if let Some((_, graph)) = RENAMED.iter().find(|(e, _)| e.eq_ignore_ascii_case(a)) {
            (*graph).to_owned()
        } else if let Some(p) = GRAPH_USER_PROPERTIES
            .iter()
            .find(|p| p.eq_ignore_ascii_case(a))
        {
            (*p).to_owned()
        } else if a.starts_with("extension_") {
            a.to_owned()
        } else {
            continue;
        };
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&prop)) {
            out.push(prop);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_users_read_as_entra_source_attributes() {
        let u = serde_json::json!({
            "id": "u1", "mobilePhone": "+1", "businessPhones": ["+2", "+3"],
            "accountEnabled": false, "onPremisesExtensionAttributes": {"extensionAttribute3": "x"},
            "proxyAddresses": ["a", "b"], "@odata.context": "…"
        });
        let a = Attributes::from_user_json(&u);
        assert_eq!(a.get("objectId"), Value::Str("u1".into()));
        assert_eq!(a.get("mobile"), Value::Str("+1".into()));
        assert_eq!(a.get("telephoneNumber"), Value::Str("+2".into()));
        assert_eq!(a.get("ACCOUNTENABLED"), Value::Str("False".into()));
        assert_eq!(a.get("extensionAttribute3"), Value::Str("x".into()));
        assert_eq!(a.get("IsSoftDeleted"), Value::Str("False".into()));
        assert_eq!(a.get("missing"), Value::Null);
        assert!(!a.has("@odata.context"));
    }

    #[test]
    fn select_names_graph_properties_once() {
        let s = graph_select([
            "mobile",
            "extensionAttribute1",
            "extensionAttribute2",
            "IsSoftDeleted",
            "DEPARTMENT",
            "id",
            "StatusHireDate",
            "extension_abc_costCenter",
        ]);
        assert_eq!(
            s,
            [
                "id",
                "userPrincipalName",
                "mobilePhone",
                "onPremisesExtensionAttributes",
                "department",
                "extension_abc_costCenter"
            ]
        );
    }
}
