//! Where the Graph API and the Entra token endpoint live: the national cloud, or explicit
//! `--graph-url` / `--authority-url` overrides. Plain `http://` is accepted only for loopback
//! hosts (the simulator, tests).

use url::Url;

/// The Graph API version every typed method speaks.
pub const API_VERSION: &str = "v1.0";

/// Microsoft national clouds. (`clap::ValueEnum` so that `cli` takes it as `--cloud`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Cloud {
    /// Azure public cloud.
    Public,
    /// Azure US Government (GCC High).
    Usgov,
    /// Azure US Government DoD.
    UsgovDod,
    /// Azure China (21Vianet).
    China,
}

/// Graph and authority locations for one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    cloud: Cloud,
    graph_root: Url,
    graph_base: String,
    authority: Url,
}

/// A Graph or authority URL that cannot be used.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum EndpointError {
    /// Not a URL at all.
    #[error("{flag} `{value}` is not a valid URL: {reason}")]
    #[diagnostic(
        code(E0510),
        help("give an absolute URL such as https://graph.microsoft.com")
    )]
    Invalid {
        /// The flag that carried the value.
        flag: &'static str,
        /// The value given.
        value: String,
        /// Why it did not parse.
        reason: String,
    },
    /// `http://` to a host that is not loopback, or another scheme.
    #[error(
        "{flag} `{value}` must use https (http:// is only allowed for localhost / 127.0.0.1 / ::1)"
    )]
    #[diagnostic(
        code(E0511),
        help("tokens would travel in clear text; use https:// or a loopback address")
    )]
    Insecure {
        /// The flag that carried the value.
        flag: &'static str,
        /// The value given.
        value: String,
    },
}

impl Cloud {
    /// Default Graph root for this cloud.
    pub fn graph_root(self) -> &'static str {
        match self {
            Cloud::Public => "https://graph.microsoft.com",
            Cloud::Usgov => "https://graph.microsoft.us",
            Cloud::UsgovDod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// Default Entra authority (login host) for this cloud.
    pub fn authority(self) -> &'static str {
        match self {
            Cloud::Public => "https://login.microsoftonline.com",
            Cloud::Usgov | Cloud::UsgovDod => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
        }
    }

    /// Audience of the GitHub OIDC token that Entra accepts for a federated credential.
    pub fn token_exchange_audience(self) -> &'static str {
        match self {
            Cloud::Public => "api://AzureADTokenExchange",
            Cloud::Usgov | Cloud::UsgovDod => "api://AzureADTokenExchangeUSGov",
            Cloud::China => "api://AzureADTokenExchangeChina",
        }
    }
}

impl Endpoints {
    /// Builds the endpoints from a cloud and optional overrides (either may be given alone).
    /// Without a cloud, the cloud is derived from the authority host (for the OIDC audience),
    /// defaulting to the public cloud.
    pub fn new(
        cloud: Option<Cloud>,
        graph_url: Option<&str>,
        authority_url: Option<&str>,
    ) -> Result<Self, EndpointError> {
        let base_cloud = cloud.unwrap_or(Cloud::Public);
        let graph_raw = graph_url.unwrap_or(base_cloud.graph_root());
        let authority_raw = authority_url.unwrap_or(base_cloud.authority());
        let graph = parse_checked("--graph-url", graph_raw)?;
        let authority = parse_checked("--authority-url", authority_raw)?;
        let cloud = cloud.unwrap_or_else(|| cloud_of_authority(&authority));
        let (graph_root, graph_base) = split_version(graph);
        Ok(Self {
            cloud,
            graph_root,
            graph_base,
            authority: trim_trailing_slash(authority),
        })
    }

    /// The cloud (given, or derived from the authority host).
    pub fn cloud(&self) -> Cloud {
        self.cloud
    }

    /// Graph root without version, e.g. `https://graph.microsoft.com`.
    pub fn graph_root(&self) -> &Url {
        &self.graph_root
    }

    /// Versioned Graph base without trailing slash, e.g. `https://graph.microsoft.com/v1.0`.
    pub fn graph_base(&self) -> &str {
        &self.graph_base
    }

    /// The authority without trailing slash, e.g. `https://login.microsoftonline.com`.
    pub fn authority(&self) -> &Url {
        &self.authority
    }

    /// The OAuth 2.0 v2 token endpoint of a tenant.
    pub fn token_url(&self, tenant: &str) -> String {
        format!(
            "{}/{}/oauth2/v2.0/token",
            self.authority.as_str().trim_end_matches('/'),
            tenant
        )
    }

    /// The `.default` scope of the cloud's Graph resource, e.g.
    /// `https://graph.microsoft.com/.default`. A scope names the resource (its application ID
    /// URI), not the host requests go to, so `--graph-url` (a proxy, the simulator) does not
    /// change it; the cloud does.
    pub fn graph_scope(&self) -> String {
        format!("{}/.default", self.graph_resource())
    }

    /// The cloud's Graph resource, as the Azure CLI expects it for `--resource`.
    pub fn graph_resource(&self) -> String {
        self.cloud.graph_root().to_owned()
    }

    /// Absolute URL for a path relative to the versioned base (`/servicePrincipals/…`).
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{}", self.graph_base, path_and_query)
    }

    /// Whether an absolute URL (an `@odata.nextLink`) points at our Graph host; the token
    /// is never sent anywhere else.
    pub fn is_graph_url(&self, url: &Url) -> bool {
        url.scheme() == self.graph_root.scheme()
            && url.host_str() == self.graph_root.host_str()
            && url.port_or_known_default() == self.graph_root.port_or_known_default()
    }
}

fn parse_checked(flag: &'static str, raw: &str) -> Result<Url, EndpointError> {
    let url = Url::parse(raw.trim()).map_err(|e| EndpointError::Invalid {
        flag,
        value: raw.to_owned(),
        reason: e.to_string(),
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        _ => Err(EndpointError::Insecure {
            flag,
            value: raw.to_owned(),
        }),
    }
}

/// Whether the URL's host is a loopback name or address.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn cloud_of_authority(authority: &Url) -> Cloud {
    match authority.host_str().unwrap_or_default() {
        h if h.ends_with("microsoftonline.us") => Cloud::Usgov,
        h if h.ends_with("chinacloudapi.cn") => Cloud::China,
        _ => Cloud::Public,
    }
}

/// Splits `https://host[/prefix][/v1.0|/beta]` into the root and the versioned base.
fn split_version(url: Url) -> (Url, String) {
    let trimmed = url.as_str().trim_end_matches('/').to_owned();
    for v in ["/v1.0", "/beta"] {
        if let Some(root) = trimmed.strip_suffix(v) {
            let root_url = Url::parse(root).unwrap_or_else(|_| url.clone());
            return (root_url, trimmed);
        }
    }
    (trim_trailing_slash(url), format!("{trimmed}/{API_VERSION}"))
}

fn trim_trailing_slash(url: Url) -> Url {
    let s = url.as_str().trim_end_matches('/').to_owned();
    Url::parse(&s).unwrap_or(url)
}
