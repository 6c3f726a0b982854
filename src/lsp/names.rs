//! Entra ID source attribute names offered by completion (`source:`, clause `attribute:`,
//! `[…]` in expressions): the one list validate's offline warnings use
//! ([`crate::manifest::lint::entra_attributes`]), plus `extensionAttribute1`…`15` for users.

use std::sync::LazyLock;

use crate::manifest::lint::entra_attributes::{GROUP, USER};

/// Source attributes of a user.
pub static USER_ATTRIBUTES: LazyLock<Vec<String>> = LazyLock::new(|| {
    USER.iter()
        .map(|a| (*a).to_owned())
        .chain((1..=15).map(|n| format!("extensionAttribute{n}")))
        .collect()
});

/// Source attributes of a group.
pub static GROUP_ATTRIBUTES: LazyLock<Vec<String>> =
    LazyLock::new(|| GROUP.iter().map(|a| (*a).to_owned()).collect());
