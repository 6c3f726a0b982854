//! Benchmark of the Graph simulator: start-up of a 10,000-user, 1,000-group directory
//! with an app holding 5,000 assignments and a full schema, then paged listings.
//!
//! Run: `cargo run --release --example bench_sim`

use std::time::Instant;

use entraprov::sim::{PrecreatedApp, Server, SimConfig};
use serde_json::Value;

const USERS: usize = 10_000;
const GROUPS: usize = 1_000;
const ASSIGNMENTS: usize = 5_000;

fn config() -> SimConfig {
    SimConfig {
        generated_users: USERS,
        generated_groups: GROUPS,
        precreated: vec![PrecreatedApp {
            display_name: "Keeper (bench)".into(),
            template: "Keeper Password Manager & Digital Vault".into(),
            tags: vec!["entraprov:bench".into()],
            user_assignments: ASSIGNMENTS,
            with_job: true,
            secrets: vec![("BaseAddress".into(), "https://scim.example/v2".into())],
        }],
        ..SimConfig::default()
    }
}

async fn list_all(
    http: &reqwest::Client,
    token: &str,
    first: String,
) -> Result<(usize, usize), reqwest::Error> {
    let (mut items, mut pages) = (0, 0);
    let mut next = Some(first);
    while let Some(url) = next {
        let page: Value = http
            .get(&url)
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        items += page["value"].as_array().map_or(0, Vec::len);
        pages += 1;
        next = page["@odata.nextLink"].as_str().map(str::to_owned);
    }
    Ok((items, pages))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let t0 = Instant::now();
    let server = Server::start(config())?;
    let started = t0.elapsed();
    let http = reqwest::Client::new();
    let token = server.token();
    let graph = server.graph_url();
    let ready = Instant::now();
    let found: Value = http
        .get(format!(
            "{graph}/servicePrincipals?$filter=tags/any(t:t%20eq%20'entraprov:bench')&$select=id"
        ))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let sp = found["value"][0]["id"]
        .as_str()
        .ok_or("seeded app not found")?
        .to_owned();
    let first_request = ready.elapsed();
    println!(
        "directory: {USERS} users, {GROUPS} groups (+ the fixed seed); app with {ASSIGNMENTS} assignments and a full schema"
    );
    println!(
        "start-up (Server::start until listening):      {:>8.1} ms",
        started.as_secs_f64() * 1e3
    );
    println!(
        "first request (find the app by tag):           {:>8.1} ms",
        first_request.as_secs_f64() * 1e3
    );
    for top in [999usize, 100] {
        let t = Instant::now();
        let (items, pages) = list_all(
            &http,
            &token,
            format!("{graph}/servicePrincipals/{sp}/appRoleAssignedTo?$top={top}"),
        )
        .await?;
        let took = t.elapsed();
        println!(
            "list {items} assignments, $top={top:<4} {pages:>3} pages:  {:>8.1} ms  ({:.2} ms/page)",
            took.as_secs_f64() * 1e3,
            took.as_secs_f64() * 1e3 / pages as f64
        );
    }
    let t = Instant::now();
    let (users, pages) = list_all(
        &http,
        &token,
        format!("{graph}/users?$top=999&$select=id,userPrincipalName"),
    )
    .await?;
    println!(
        "list {users} users, $top=999, {pages} pages:       {:>8.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let upns: Vec<String> = (1..=15)
        .map(|i| format!("'nobody{i}@contoso.example'"))
        .collect();
    let filter = format!(
        "{graph}/users?$filter=userPrincipalName%20in%20({})",
        upns.join(",")
    );
    http.get(filter)
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?;
    println!(
        "one `in (15 UPNs)` filter over all users:      {:>8.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let stats = server.stats();
    println!(
        "stats: {} requests, {} KiB out, max concurrency {}",
        stats.total,
        stats.bytes_out / 1024,
        stats.max_concurrency
    );
    Ok(())
}
