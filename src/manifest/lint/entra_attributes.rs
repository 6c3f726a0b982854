//! The Entra ID source attributes the provisioning service offers for users and groups
//! (the "Azure Active Directory" directory definition of synchronization schemas, as
//! Microsoft's provisioning docs and tutorials name them), for validate's offline warnings and the language server's completion.
//! A tenant's job schema is the authority: plan checks against it.

/// User attributes (besides `extensionAttribute1`…`15` and directory extensions).
pub const USER: &[&str] = &[
    "accountEnabled",
    "AppRoleAssignmentsComplex",
    "AssertiveAppRoleAssignmentsComplex",
    "appRoleAssignments",
    "city",
    "companyName",
    "country",
    "createdDateTime",
    "department",
    "displayName",
    "employeeHireDate",
    "employeeId",
    "employeeLeaveDateTime",
    "employeeOrgData.costCenter",
    "employeeOrgData.division",
    "employeeType",
    "facsimileTelephoneNumber",
    "givenName",
    "immutableId",
    "IsSoftDeleted",
    "jobTitle",
    "mail",
    "mailNickname",
    "manager",
    "mobile",
    "objectId",
    "onPremisesDistinguishedName",
    "onPremisesSamAccountName",
    "onPremisesSecurityIdentifier",
    "onPremisesUserPrincipalName",
    "otherMails",
    "physicalDeliveryOfficeName",
    "postalCode",
    "preferredDataLocation",
    "preferredLanguage",
    "proxyAddresses",
    "SingleAppRoleAssignment",
    "state",
    "streetAddress",
    "surname",
    "telephoneNumber",
    "usageLocation",
    "userPrincipalName",
    "userType",
];

/// Group attributes.
pub const GROUP: &[&str] = &[
    "description",
    "displayName",
    "IsSoftDeleted",
    "mail",
    "mailEnabled",
    "mailNickname",
    "members",
    "objectId",
    "onPremisesSamAccountName",
    "onPremisesSecurityIdentifier",
    "proxyAddresses",
    "securityEnabled",
];

/// Whether `name` is `extensionAttribute1`…`extensionAttribute15` (users only).
pub fn is_extension_attribute(name: &str) -> bool {
    name.strip_prefix("extensionAttribute")
        .and_then(|n| n.parse::<u8>().ok())
        .is_some_and(|n| (1..=15).contains(&n))
}

/// Whether `name` has the shape of a directory extension, `extension_<appId without
/// dashes>_<name>`.
pub fn is_directory_extension(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("extension_") else {
        return false;
    };
    match rest.split_once('_') {
        Some((app, attr)) => {
            app.len() == 32 && app.chars().all(|c| c.is_ascii_hexdigit()) && !attr.is_empty()
        }
        None => false,
    }
}

/// The documented attributes of a source object, `None` for objects entraprov does not
/// know.
pub fn documented(object: &str) -> Option<&'static [&'static str]> {
    match object {
        o if o.eq_ignore_ascii_case("User") => Some(USER),
        o if o.eq_ignore_ascii_case("Group") => Some(GROUP),
        _ => None,
    }
}
